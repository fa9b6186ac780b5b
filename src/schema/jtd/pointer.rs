//! JSON Pointer (RFC 6901) formatting for the token lists that JTD error indicators carry.

/// Formats reference tokens as a JSON Pointer string, such as `/users/0/e~1mail`.
///
/// Each token is prefixed with `/`, and within a token `~` becomes `~0` and `/` becomes `~1`, in
/// that order so that an escaped `/` is not escaped again. No tokens give `""`, the whole
/// document.
pub fn to_pointer<S: AsRef<str>>(tokens: &[S]) -> String {
    let mut pointer = String::new();
    for token in tokens {
        pointer.push('/');
        for character in token.as_ref().chars() {
            match character {
                '~' => pointer.push_str("~0"),
                '/' => pointer.push_str("~1"),
                other => pointer.push(other),
            }
        }
    }
    pointer
}

/// Returns a pointer for a message: `the root` for `""`, else the pointer in backticks, because
/// an empty pair of backticks reads as a missing value.
pub(crate) fn describe_pointer(pointer: &str) -> String {
    if pointer.is_empty() {
        "the root".to_owned()
    } else {
        format!("`{pointer}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tokens_give_whole_document() {
        assert_eq!(to_pointer::<&str>(&[]), "");
    }

    #[test]
    fn tokens_are_joined_with_slashes() {
        assert_eq!(to_pointer(&["users", "0", "name"]), "/users/0/name");
    }

    #[test]
    fn tilde_and_slash_are_escaped() {
        assert_eq!(to_pointer(&["a~b", "c/d"]), "/a~0b/c~1d");
    }

    #[test]
    fn escaped_forms_are_not_unescaped() {
        // A literal "~1" in a key must not read back as "/".
        assert_eq!(to_pointer(&["~1"]), "/~01");
    }

    #[test]
    fn root_pointer_is_described_in_words() {
        assert_eq!(describe_pointer(""), "the root");
        assert_eq!(describe_pointer("/a"), "`/a`");
    }

    #[test]
    fn empty_token_keeps_its_slash() {
        assert_eq!(to_pointer(&["", "x"]), "//x");
    }
}
