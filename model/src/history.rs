//! The vocabulary of history (SPEC §13): why bytes were kept, and what an entry id looks like.

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

/// History and trash ids are `<20-digit ns since the epoch>-<8 hex>`: sortable by time, unique,
/// and safe as a file name. Anything else is refused before a path is built from it.
pub fn is_history_id(id: &str) -> bool {
    let Some((time, random)) = id.split_once('-') else { return false };
    time.len() == 20
        && time.bytes().all(|b| b.is_ascii_digit())
        && random.len() == 8
        && random.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
