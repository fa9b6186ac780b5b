//! Safety checks, pushing changed resources to Vanta, verification and the apply record.
