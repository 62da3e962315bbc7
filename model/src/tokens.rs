//! Version tokens (docs/API.md, "Conventions"): the nanosecond mtime and the SHA-256 etag, each
//! with its one parser.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

pub const MTIME_RULE: &str = "mtime_ns must be a string of 1-20 ASCII digits";
pub const ETAG_RULE: &str = "etag must be 64 lowercase hex digits";

/// Nanoseconds since the epoch, carried as a JSON string of ASCII digits (it does not fit a
/// JavaScript double). `u128` so that every 20-digit client value parses; a value no file can
/// have simply never matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct MtimeNs(pub u128);

impl MtimeNs {
    /// 1–20 ASCII digits, leading zeros allowed; nothing else.
    pub fn parse(text: &str) -> Option<MtimeNs> {
        if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok().map(MtimeNs)
    }
}

impl fmt::Display for MtimeNs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for MtimeNs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for MtimeNs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        MtimeNs::parse(&text).ok_or_else(|| serde::de::Error::custom(MTIME_RULE))
    }
}

/// Lowercase hex SHA-256 of a file's bytes: exactly 64 characters `0-9a-f`. Only [`Etag::parse`]
/// and [`Etag::from_digest`] make one, so every `Etag` in the program is well-formed. No
/// `Default`: an empty etag is no etag, and an unknown one is `Option<Etag>`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Etag(String);

impl Etag {
    pub fn parse(text: &str) -> Option<Etag> {
        let ok = text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| Etag(text.to_owned()))
    }

    /// From the 32 bytes of a SHA-256 digest.
    pub fn from_digest(digest: &[u8; 32]) -> Etag {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = String::with_capacity(64);
        for byte in digest {
            text.push(char::from(HEX[usize::from(byte >> 4)]));
            text.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        Etag(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Etag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Etag {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl Serialize for Etag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Etag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Etag::parse(&text).ok_or_else(|| serde::de::Error::custom(ETAG_RULE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mtime_is_a_json_string_and_parses_strictly() {
        let json = serde_json::to_string(&MtimeNs(1_700_000_000_123_456_789)).unwrap();
        assert_eq!(json, "\"1700000000123456789\"");
        assert_eq!(serde_json::from_str::<MtimeNs>("\"0042\"").unwrap(), MtimeNs(42));
        for bad in ["17", "\"\"", "\"1.5e3\"", "\"+1\"", "\" 1\"", "\"1_000\"", "null", "\"١\""] {
            assert!(serde_json::from_str::<MtimeNs>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn etag_parses_only_64_lowercase_hex() {
        let ok = "0123456789abcdef".repeat(4);
        assert_eq!(Etag::parse(&ok).map(|e| e.to_string()), Some(ok.clone()));
        assert_eq!(serde_json::to_string(&Etag::parse(&ok).unwrap()).unwrap(), format!("\"{ok}\""));
        for bad in [ok.to_uppercase(), ok[1..].to_owned(), format!("{ok}0"), format!("\"{ok}\""), String::new()] {
            assert!(Etag::parse(&bad).is_none(), "{bad}");
        }
        for bad in ["null", "5", "\"abc\""] {
            assert!(serde_json::from_str::<Etag>(bad).is_err(), "{bad}");
        }
        let digest: [u8; 32] = core::array::from_fn(|i| u8::try_from(i * 8).unwrap());
        assert_eq!(Etag::from_digest(&digest).as_str().len(), 64);
        assert!(Etag::from_digest(&digest).as_str().starts_with("000810182028"));
    }

    proptest::proptest! {
        /// Never panics; accepted exactly when the text is 1–20 ASCII digits.
        #[test]
        fn mtime_parser_follows_the_rule(text in "\\PC{0,24}") {
            let rule = !text.is_empty() && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit());
            proptest::prop_assert_eq!(MtimeNs::parse(&text).is_some(), rule);
        }

        #[test]
        fn mtime_parser_takes_digit_strings_with_leading_zeros(value in proptest::prelude::any::<u64>(), zeros in 0usize..4) {
            let text = format!("{}{value}", "0".repeat(zeros));
            proptest::prop_assume!(text.len() <= 20);
            proptest::prop_assert_eq!(MtimeNs::parse(&text), Some(MtimeNs(u128::from(value))));
            let json = serde_json::to_string(&text).unwrap();
            proptest::prop_assert_eq!(serde_json::from_str::<MtimeNs>(&json).unwrap(), MtimeNs(u128::from(value)));
        }

        #[test]
        fn near_miss_mtimes_never_parse(digits in "[0-9]{1,19}", junk in "[ +_.eE,xa-f-]") {
            for text in [format!("{junk}{digits}"), format!("{digits}{junk}"), format!("{}{junk}{}", &digits[..1], &digits[1..])] {
                proptest::prop_assert_eq!(MtimeNs::parse(&text), None);
            }
        }
    }
}
