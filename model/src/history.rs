//! The vocabulary of history (docs/API.md, "History"): why bytes were kept, and what an entry id
//! looks like.

use serde::{Deserialize, Serialize};

/// Why bytes were kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HistoryReason {
    Save,
    Force,
    Restore,
    Delete,
    External,
    Sync,
    /// Found after a crash under a temp name (a displaced version, or a write that never
    /// landed) and kept rather than deleted.
    Recovered,
}

impl HistoryReason {
    pub const ALL: [HistoryReason; 7] = [
        HistoryReason::Save,
        HistoryReason::Force,
        HistoryReason::Restore,
        HistoryReason::Delete,
        HistoryReason::External,
        HistoryReason::Sync,
        HistoryReason::Recovered,
    ];

    pub fn word(self) -> &'static str {
        match self {
            HistoryReason::Save => "save",
            HistoryReason::Force => "force",
            HistoryReason::Restore => "restore",
            HistoryReason::Delete => "delete",
            HistoryReason::External => "external",
            HistoryReason::Sync => "sync",
            HistoryReason::Recovered => "recovered",
        }
    }

    pub fn from_word(word: &str) -> Option<HistoryReason> {
        HistoryReason::ALL.into_iter().find(|r| r.word() == word)
    }
}

pub const HISTORY_ID_RULE: &str = "id must be 20 digits, '-', 8 lowercase hex digits";

/// A history or trash id, checked once where it enters ([`HistoryId::parse`], or serde, which
/// refuses anything else with [`HISTORY_ID_RULE`]): code holding one never checks it again, and a
/// path is only ever built from one. On the wire it is the plain string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HistoryId(String);

/// The largest time part that fits the id's 20 digits (in the year 5138).
const MAX_ID_NS: u128 = 99_999_999_999_999_999_999;

impl HistoryId {
    /// `Some` exactly when `text` has the id's form ([`is_history_id`]).
    pub fn parse(text: &str) -> Option<HistoryId> {
        is_history_id(text).then(|| HistoryId(text.to_owned()))
    }

    /// The id of an entry made `ns` nanoseconds after the epoch, told apart from others of the
    /// same nanosecond by `random` (model has no randomness of its own: the store brings it).
    pub fn new(ns: u128, random: u32) -> HistoryId {
        HistoryId(format!("{:020}-{random:08x}", ns.min(MAX_ID_NS)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The time part: nanoseconds since the epoch.
    pub fn time_ns(&self) -> u128 {
        // 20 ASCII digits by construction, so this always parses.
        self.0.get(..20).and_then(|digits| digits.parse().ok()).unwrap_or(0)
    }
}

impl std::fmt::Display for HistoryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for HistoryId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for HistoryId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for HistoryId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        HistoryId::parse(&text).ok_or_else(|| serde::de::Error::custom(HISTORY_ID_RULE))
    }
}

/// History and trash ids are `<20-digit ns since the epoch>-<8 hex>`: sortable by time, unique,
/// and safe as a file name. Anything else is refused before a path is built from it.
pub fn is_history_id(id: &str) -> bool {
    let Some((time, random)) = id.split_once('-') else { return false };
    time.len() == 20
        && time.bytes().all(|b| b.is_ascii_digit())
        && random.len() == 8
        && random.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_once_and_travel_as_strings() {
        let id = HistoryId::parse("01795915361200043971-e92c2ee8").expect("valid id");
        assert_eq!(id.as_str(), "01795915361200043971-e92c2ee8");
        assert_eq!(id.to_string(), id.as_str());
        assert_eq!(id.time_ns(), 1_795_915_361_200_043_971);
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""01795915361200043971-e92c2ee8""#);
        assert_eq!(serde_json::from_str::<HistoryId>(r#""01795915361200043971-e92c2ee8""#).unwrap(), id);
        for bad in ["../x", "", "1-2", "00000000000000000001-ABCDEF01", "00000000000000000001-abcdef0/"] {
            assert_eq!(HistoryId::parse(bad), None, "{bad}");
            let err = serde_json::from_str::<HistoryId>(&format!("{bad:?}")).unwrap_err();
            assert!(err.to_string().starts_with(HISTORY_ID_RULE), "{bad}: {err}");
        }
        assert!(serde_json::from_str::<HistoryId>("5").is_err());
    }

    #[test]
    fn new_ids_are_valid_and_sort_by_time() {
        let (a, b) = (HistoryId::new(1, 0xffff_ffff), HistoryId::new(2, 0));
        assert!(HistoryId::parse(a.as_str()).is_some() && HistoryId::parse(b.as_str()).is_some() && a < b);
        assert_eq!(a.as_str(), "00000000000000000001-ffffffff");
        assert_eq!(HistoryId::new(u128::MAX, 1).time_ns(), MAX_ID_NS);
    }
}
