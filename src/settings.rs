//! Settings resolved from the command line and the environment.
