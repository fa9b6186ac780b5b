//! The hidden marker that identifies the plan comment of one workspace.
//!
//! The marker is an HTML comment on the first line of the body, so GitHub does not show it:
//! `<!-- vanta-gitops:plan v=1 target=acme-production digest=sha256:... -->`. A later run
//! finds the comment of its own target and updates it, and leaves comments of other targets
//! alone. Values are percent-encoded, so a target can never end the HTML comment early.

/// The text every marker starts with.
const PREFIX: &str = "<!-- vanta-gitops:plan ";

/// The text every marker ends with.
const SUFFIX: &str = " -->";

/// The marker of one plan comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The workspace the comment is about.
    pub target: String,
    /// The digest of the plan the comment shows.
    pub digest: String,
}

impl Marker {
    /// Renders the marker as its own line, with the line break.
    pub fn render(&self) -> String {
        format!(
            "{PREFIX}v=1 target={} digest={}{SUFFIX}\n",
            encode(&self.target),
            encode(&self.digest)
        )
    }

    /// Reads the marker from the first line of a comment body, when it has one.
    pub fn parse(body: &str) -> Option<Marker> {
        let first_line = body.lines().next()?.trim_end_matches('\r');
        let fields = first_line.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
        let mut target = None;
        let mut digest = None;
        for field in fields.split(' ') {
            match field.split_once('=') {
                Some(("target", value)) => target = decode(value),
                Some(("digest", value)) => digest = decode(value),
                _ => {}
            }
        }
        Some(Marker {
            target: target?,
            digest: digest.unwrap_or_default(),
        })
    }
}

/// Reports whether a comment body carries the marker of a target.
pub fn is_comment_of(body: &str, target: &str) -> bool {
    Marker::parse(body).is_some_and(|marker| marker.target == target)
}

/// Percent-encodes every byte outside letters, digits and `-._:`.
fn encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._:".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Reverses [`encode`]. Returns `None` for a malformed escape or invalid UTF-8.
fn decode(value: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(value.len());
    let mut input = value.bytes();
    while let Some(byte) = input.next() {
        if byte == b'%' {
            let high = char::from(input.next()?).to_digit(16)?;
            let low = char::from(input.next()?).to_digit(16)?;
            bytes.push(u8::try_from(high * 16 + low).ok()?);
        } else {
            bytes.push(byte);
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_round_trips() {
        let marker = Marker {
            target: "acme production --> é".to_string(),
            digest: "sha256:abc".to_string(),
        };
        let line = marker.render();
        assert!(!line.trim_end()[4..line.trim_end().len() - 3].contains("-->"));
        assert_eq!(Marker::parse(&format!("{line}body")), Some(marker));
    }

    #[test]
    fn plain_name_stays_readable() {
        let marker = Marker {
            target: "acme-production".to_string(),
            digest: "sha256:0f".to_string(),
        };
        assert_eq!(
            marker.render(),
            "<!-- vanta-gitops:plan v=1 target=acme-production digest=sha256:0f -->\n"
        );
    }

    #[test]
    fn other_targets_and_plain_comments_do_not_match() {
        let body = "<!-- vanta-gitops:plan v=1 target=staging digest=sha256:1 -->\n### plan";
        assert!(is_comment_of(body, "staging"));
        assert!(!is_comment_of(body, "prod"));
        assert!(!is_comment_of("Looks good to me", "staging"));
        assert!(!is_comment_of(
            "quoting: <!-- vanta-gitops:plan v=1 target=staging -->",
            "staging"
        ));
    }
}
