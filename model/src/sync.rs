//! The vocabulary of sync (docs/API.md, "Sync to agent runtimes"): how a runtime's copy of an
//! artifact relates to the canonical one. The words are memtomem's, and appear as they are in JSON.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SyncStatus {
    #[serde(rename = "in sync")]
    InSync,
    #[serde(rename = "out of sync")]
    OutOfSync,
    #[serde(rename = "missing target")]
    MissingTarget,
    #[serde(rename = "missing canonical")]
    MissingCanonical,
    #[serde(rename = "parse error")]
    ParseError,
    /// A runtime file or folder whose name memtomem's rule refuses: sync never touches it.
    #[serde(rename = "invalid name")]
    InvalidName,
}

impl SyncStatus {
    pub fn word(self) -> &'static str {
        match self {
            SyncStatus::InSync => "in sync",
            SyncStatus::OutOfSync => "out of sync",
            SyncStatus::MissingTarget => "missing target",
            SyncStatus::MissingCanonical => "missing canonical",
            SyncStatus::ParseError => "parse error",
            SyncStatus::InvalidName => "invalid name",
        }
    }
}
