//! Request and response bodies, defined once for the REST API, the server functions and the UI.

use serde::{Deserialize, Deserializer, Serialize};

/// The vocabulary is defined once, in `model`; `ArtifactType` is the API's name for `Kind`.
pub use model::{
    is_history_id, Etag, HistoryReason, Kind as ArtifactType, MtimeNs, NameError, ETAG_RULE, HISTORY_ID_RULE,
    MTIME_RULE,
};

/// The server-sent event stream of SPEC §14.
pub const EVENTS_PATH: &str = "/api/context/events";

/// The name rule of SPEC §1 (the one in `model`), for the browser to check names before sending.
pub fn name_problem(name: &str) -> Option<NameError> {
    model::validate_name(name).err()
}

/// True for 64 lowercase hex digits.
pub fn is_valid_etag(text: &str) -> bool {
    Etag::parse(text).is_some()
}

/// For optional fields that, when present, must hold a value: `null` is refused like any other
/// wrong type instead of reading as "absent" (a server-function body is parsed with serde).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
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
    pub etag: Etag,
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
    pub etag: Etag,
}

/// `PUT /api/context/{type}/{name}` request: the new content and the version it started from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRequest {
    pub content: String,
    pub mtime_ns: MtimeNs,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub etag: Option<Etag>,
    #[serde(default)]
    pub force: bool,
    /// With `force`: the etag of the disk version the user was shown; a newer disk version
    /// refuses the force like a stale save (SPEC §3), so force never overwrites what nobody saw.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub seen_etag: Option<Etag>,
    /// The history entry this content was restored from (the editor's "Restore into editor"):
    /// the version it replaces is kept with reason `restore`.
    #[serde(default, deserialize_with = "history_id", skip_serializing_if = "Option::is_none")]
    pub restored_from: Option<String>,
}

fn history_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let id = String::deserialize(deserializer)?;
    if is_history_id(&id) {
        Ok(Some(id))
    } else {
        Err(serde::de::Error::custom(HISTORY_ID_RULE))
    }
}

/// `PUT` answer (200).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedBody {
    pub name: String,
    pub mtime_ns: MtimeNs,
    pub etag: Etag,
}

/// `DELETE` answer (200).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedBody {
    pub deleted: Vec<String>,
    /// The trash item holding what was deleted (§13); absent when nothing existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trash_id: Option<String>,
}

/// One history entry (§13), newest first in [`HistoryList`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntryBody {
    pub id: String,
    pub at: String,
    pub reason: HistoryReason,
    pub etag: Etag,
    pub mtime_ns: MtimeNs,
    pub size: u64,
}

/// `GET /api/context/{type}/{name}/history`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryList {
    pub entries: Vec<HistoryEntryBody>,
}

/// `GET /api/context/{type}/{name}/history/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryContent {
    pub id: String,
    pub at: String,
    pub reason: HistoryReason,
    pub etag: Etag,
    pub content: String,
}

/// One deleted artifact in `GET /api/context/trash`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashItemBody {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ArtifactType,
    pub name: String,
    pub deleted_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashList {
    pub items: Vec<TrashItemBody>,
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
    fn optional_tokens_refuse_null_and_bad_shapes() {
        let etag = "a".repeat(64);
        let ok = format!(r#"{{"content":"x","mtime_ns":"1","etag":"{etag}","seen_etag":"{etag}","force":true}}"#);
        let parsed: UpdateRequest = serde_json::from_str(&ok).unwrap();
        assert_eq!(parsed.seen_etag, Etag::parse(&etag));
        let absent: UpdateRequest = serde_json::from_str(r#"{"content":"x","mtime_ns":"1"}"#).unwrap();
        assert_eq!((absent.etag, absent.seen_etag, absent.force), (None, None, false));
        for bad in [
            r#"{"content":"x","mtime_ns":"1","etag":null}"#,
            r#"{"content":"x","mtime_ns":"1","etag":"ABC"}"#,
            r#"{"content":"x","mtime_ns":"1","seen_etag":null}"#,
            r#"{"content":"x","mtime_ns":"1","seen_etag":"x"}"#,
            r#"{"content":"x","mtime_ns":1}"#,
            r#"{"content":"x","mtime_ns":"1","force":null}"#,
        ] {
            assert!(serde_json::from_str::<UpdateRequest>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn name_rule_is_the_model_rule() {
        assert_eq!(name_problem("code-review"), None);
        assert_eq!(name_problem("../x"), Some(NameError::BadCharacter));
        assert_eq!(name_problem("-x"), Some(NameError::LeadingDash));
        assert_eq!(name_problem(&"a".repeat(65)), Some(NameError::TooLong));
    }
}
