//! The artifact name rule (docs/API.md, "Conventions"), checked before any filesystem access.

/// Longest accepted name, in bytes (all accepted characters are ASCII).
pub const MAX_NAME_LEN: usize = 64;

/// Why a name was refused; the text names the rule so a client can fix its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("name must not be empty")]
    Empty,
    #[error("name must be at most 64 characters")]
    TooLong,
    #[error("name may contain only A-Z a-z 0-9 . _ -")]
    BadCharacter,
    /// Dot-entries are never artifacts: the watcher skips them, and memtomem's and ctxgate's
    /// internal names (`.staging-…`, `.<x>.ctxgate-tmp-…`) all start with one.
    #[error("name must not start with '.'")]
    LeadingDot,
    #[error("name must not start with '-'")]
    LeadingDash,
}

/// Checks a skill, agent or command name: 1–64 characters from `A–Z a–z 0–9 . _ -`,
/// not starting with `.` or `-`.
pub fn validate_name(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
        return Err(NameError::BadCharacter);
    }
    if name.len() > MAX_NAME_LEN {
        return Err(NameError::TooLong);
    }
    if name.starts_with('.') {
        return Err(NameError::LeadingDot);
    }
    if name.starts_with('-') {
        return Err(NameError::LeadingDash);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_names() {
        for ok in ["a", "demo", "code-review", "v1.2_final", "A.b-c_9", "x..", "x.y", &"a".repeat(64)] {
            assert_eq!(validate_name(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn refuses_each_bad_shape() {
        assert_eq!(validate_name(""), Err(NameError::Empty));
        for dotted in [".", "..", "..x", ".hidden", ".staging-x-1-abcdef.tmp", ".SKILL.md.ctxgate-tmp-0123456789abcdef"]
        {
            assert_eq!(validate_name(dotted), Err(NameError::LeadingDot), "{dotted:?}");
        }
        assert_eq!(validate_name("-x"), Err(NameError::LeadingDash));
        assert_eq!(validate_name(&"a".repeat(65)), Err(NameError::TooLong));
        for bad in ["../x", "a/b", "a\\b", " ", "a b", "é", "a\0b", "a\nb", "ü", "x:y", "١"] {
            assert_eq!(validate_name(bad), Err(NameError::BadCharacter), "{bad:?}");
        }
    }

    fn rule(name: &str) -> bool {
        let chars_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
        let len = name.chars().count();
        chars_ok && (1..=64).contains(&len) && !name.starts_with('.') && !name.starts_with('-')
    }

    proptest! {
        #[test]
        fn never_panics_and_matches_the_rule(name in "\\PC{0,70}") {
            prop_assert_eq!(validate_name(&name).is_ok(), rule(&name));
        }

        #[test]
        fn matches_the_rule_on_near_misses(name in "[-._a-zA-Z0-9/ \\\\]{0,66}") {
            prop_assert_eq!(validate_name(&name).is_ok(), rule(&name));
        }
    }
}
