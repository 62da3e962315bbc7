//! Request and response bodies, defined once for the REST API, the server functions and the UI.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The three artifact types; in URLs the plural words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtifactType {
    Skills,
    Agents,
    Commands,
}

impl ArtifactType {
    pub const ALL: [ArtifactType; 3] = [ArtifactType::Skills, ArtifactType::Agents, ArtifactType::Commands];

    pub fn plural(self) -> &'static str {
        match self {
            ArtifactType::Skills => "skills",
            ArtifactType::Agents => "agents",
            ArtifactType::Commands => "commands",
        }
    }

    pub fn from_plural(word: &str) -> Option<ArtifactType> {
        ArtifactType::ALL.into_iter().find(|t| t.plural() == word)
    }
}

/// Nanoseconds since the epoch, carried as a JSON string of ASCII digits (it does not fit a
/// JavaScript double). Deserialising accepts only a string of 1–20 ASCII digits.
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

pub const MTIME_RULE: &str = "mtime_ns must be a string of 1-20 ASCII digits";
pub const ETAG_RULE: &str = "etag must be 64 lowercase hex digits";

/// True for 64 lowercase hex digits.
pub fn is_valid_etag(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The name rule of SPEC §1, mirrored here so the browser checks names before sending them;
/// the store checks again with its own copy (it must not trust any client).
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("name must not be empty")
    } else if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
        Some("name may contain only A-Z a-z 0-9 . _ -")
    } else if name.len() > 64 {
        Some("name must be at most 64 characters")
    } else if name == "." || name == ".." {
        Some("name must not be '.' or '..'")
    } else if name.starts_with('-') {
        Some("name must not start with '-'")
    } else {
        None
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntry {
    pub name: String,
    pub canonical_path: String,
    pub mtime_ns: MtimeNs,
    pub size: u64,
}

/// `GET /api/context/{type}/{name}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactBody {
    pub name: String,
    pub content: String,
    pub mtime_ns: MtimeNs,
    pub etag: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<String>>,
}

/// `POST /api/context/{type}` request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateRequest {
    pub name: String,
    pub content: String,
}

/// `POST /api/context/{type}` answer (201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedBody {
    pub name: String,
    pub canonical_path: String,
    pub mtime_ns: MtimeNs,
    pub etag: String,
}

/// `PUT /api/context/{type}/{name}` request: the new content and the version it started from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRequest {
    pub content: String,
    pub mtime_ns: MtimeNs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default)]
    pub force: bool,
}

/// `PUT` answer (200).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedBody {
    pub name: String,
    pub mtime_ns: MtimeNs,
    pub etag: String,
}

/// `DELETE` answer (200).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedBody {
    pub deleted: Vec<String>,
}

/// Everything the list page shows, in one round trip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub canonical_root: String,
    pub skills: Vec<ListEntry>,
    pub agents: Vec<ListEntry>,
    pub commands: Vec<ListEntry>,
}

impl Overview {
    pub fn entries(&self, kind: ArtifactType) -> &[ListEntry] {
        match kind {
            ArtifactType::Skills => &self.skills,
            ArtifactType::Agents => &self.agents,
            ArtifactType::Commands => &self.commands,
        }
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

    #[test]
    fn name_rule_mirror() {
        assert_eq!(name_problem("code-review"), None);
        assert!(name_problem("../x").is_some());
        assert!(name_problem("-x").is_some());
        assert!(name_problem(&"a".repeat(65)).is_some());
    }
}
