//! Request and response bodies, defined once for the REST API, the server functions and the UI.

use serde::{Deserialize, Deserializer, Serialize};

/// The vocabulary is defined once, in `model`; `ArtifactType` is the API's name for `Kind`.
pub use model::{
    Etag, HistoryId, HistoryReason, Kind as ArtifactType, MtimeNs, NameError, ETAG_RULE, HISTORY_ID_RULE, MTIME_RULE,
};

/// The server-sent event stream (docs/API.md, "Live changes").
pub const EVENTS_PATH: &str = "/api/context/events";

/// The name rule (docs/API.md, "Conventions"; the one in `model`), for the browser to check names
/// before sending.
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

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntry {
    pub name: String,
    pub canonical_path: String,
    pub mtime_ns: MtimeNs,
    pub size: u64,
    /// Each runtime's status for this artifact (docs/API.md, "Sync to agent runtimes"), in
    /// memtomem's runtime order.
    #[serde(default)]
    pub runtimes: Vec<RuntimeState>,
    /// The checks' verdict on the working file (docs/CHECKS.md).
    #[serde(default)]
    pub checks: CheckSummary,
}

// ---- Checks (docs/API.md, "Checks") -------------------------------------------------------------

pub use checks::{Counts, Diagnostic, Severity};

/// A list row's checks: errors and warnings counted, and the first message for a tooltip.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckSummary {
    pub errors: u32,
    pub warnings: u32,
    /// `line N: message` of the worst finding, in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// That finding's rule and line, for a tooltip in the user's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_line: Option<u32>,
}

impl CheckSummary {
    pub fn of(diagnostics: &[Diagnostic]) -> CheckSummary {
        let Counts { errors, warnings } = checks::counts(diagnostics);
        // Errors first: the tooltip names the worst problem.
        let worst = diagnostics.iter().find(|d| d.severity == Severity::Error).or_else(|| diagnostics.first());
        CheckSummary {
            errors,
            warnings,
            first: worst.map(|d| format!("line {}: {}", d.line, d.message)),
            first_rule: worst.map(|d| d.rule.clone()),
            first_line: worst.map(|d| d.line),
        }
    }
}

/// `POST /api/context/check` request: unsaved text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRequest {
    #[serde(rename = "type")]
    pub kind: ArtifactType,
    pub name: String,
    pub content: String,
}

/// `GET /api/context/{type}/{name}/check` and `POST /api/context/check`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckBody {
    pub diagnostics: Vec<Diagnostic>,
}

/// A file sync wrote that its runtime will not load, and the rules it breaks there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotLoadableBody {
    pub runtime: String,
    pub name: String,
    pub rules: Vec<String>,
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
    /// refuses the force like a stale save, so force never overwrites what nobody saw
    /// (docs/API.md, "`PUT /api/context/{type}/{name}` — save").
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub seen_etag: Option<Etag>,
    /// The history entry this content was restored from (the editor's "Restore into editor"):
    /// the version it replaces is kept with reason `restore`. `HistoryId` refuses a malformed
    /// id with `HISTORY_ID_RULE`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub restored_from: Option<HistoryId>,
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
    /// The trash item holding what was deleted (docs/API.md, "Recently deleted (trash)"); absent
    /// when nothing existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trash_id: Option<String>,
}

/// One history entry (docs/API.md, "History"), newest first in [`HistoryList`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntryBody {
    pub id: HistoryId,
    pub at: String,
    pub reason: HistoryReason,
    pub etag: Etag,
    pub mtime_ns: MtimeNs,
    pub size: u64,
    /// Set when sync replaced a runtime's copy (`claude_agents`, …), absent for the artifact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
}

/// `GET /api/context/{type}/{name}/history`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryList {
    pub entries: Vec<HistoryEntryBody>,
}

/// `GET /api/context/{type}/{name}/history/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryContent {
    pub id: HistoryId,
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
    /// Artifacts only the runtimes have (importable), all types.
    #[serde(default)]
    pub runtime_only: Vec<RuntimeOnlyEntry>,
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

// ---- Sync to agent runtimes (docs/API.md, "Sync to agent runtimes") ---------------------------

pub use model::SyncStatus;

/// One runtime's status for a listed artifact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeState {
    /// `claude_skills`, `codex_agents`, …
    pub runtime: String,
    pub status: SyncStatus,
}

/// An artifact only runtimes have: listed after the canonical ones, with `canonical_path: null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeOnlyEntry {
    #[serde(rename = "type")]
    pub kind: ArtifactType,
    pub name: String,
    /// Always `null`: there is no canonical file.
    pub canonical_path: Option<String>,
    pub runtimes: Vec<RuntimeState>,
}

/// A runtime file or folder sync wrote (or found already right).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedBody {
    pub runtime: String,
    pub path: String,
}

/// Canonical fields a runtime's format cannot carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedBody {
    pub runtime: String,
    pub name: String,
    pub fields: Vec<String>,
}

/// Something sync did not write, with memtomem's reason code (or ctxgate's own:
/// `outside_project`, `history_unavailable`, `changed_during_sync`, `write_failed`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedBody {
    pub runtime: String,
    pub reason: String,
    pub reason_code: String,
}

/// A file that held other bytes before sync (or an overwriting import) replaced it; the old
/// bytes are the history entry `history_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplacedBody {
    pub runtime: String,
    pub path: String,
    pub history_id: HistoryId,
}

/// `POST /api/context/{type}/sync` and `POST /api/context/{type}/{name}/sync`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReportBody {
    pub generated: Vec<GeneratedBody>,
    pub dropped: Vec<DroppedBody>,
    pub skipped: Vec<SkippedBody>,
    pub replaced: Vec<ReplacedBody>,
    /// Files written that their runtime will not load (docs/CHECKS.md).
    #[serde(default)]
    pub not_loadable: Vec<NotLoadableBody>,
    pub canonical_root: String,
}

/// One runtime's side of `GET /api/context/{type}/{name}/diff`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeDiffBody {
    pub runtime: String,
    pub status: SyncStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What sync would write (agents and commands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_content: Option<String>,
}

/// `GET /api/context/{type}/{name}/diff`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffBody {
    pub name: String,
    pub canonical_content: Option<String>,
    pub canonical_path: Option<String>,
    pub runtimes: Vec<RuntimeDiffBody>,
}

/// `POST /api/context/{type}/import` and `POST /api/context/{type}/{name}/import` (the body is
/// optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRequest {
    #[serde(default)]
    pub overwrite: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedBody {
    pub name: String,
    pub canonical_path: String,
    pub source_runtime: Option<String>,
    pub duplicate_candidates: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSkippedBody {
    pub name: String,
    pub reason: String,
    pub reason_code: String,
}

/// An import's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReportBody {
    pub imported: Vec<ImportedBody>,
    pub skipped: Vec<ImportSkippedBody>,
    /// Canonical files an overwriting import replaced (`runtime`: where the new bytes came from).
    pub replaced: Vec<ReplacedBody>,
    pub canonical_root: String,
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
            r#"{"content":"x","mtime_ns":"1","restored_from":null}"#,
            r#"{"content":"x","mtime_ns":"1","restored_from":5}"#,
        ] {
            assert!(serde_json::from_str::<UpdateRequest>(bad).is_err(), "{bad}");
        }
        let bad_id = r#"{"content":"x","mtime_ns":"1","restored_from":"../x"}"#;
        let err = serde_json::from_str::<UpdateRequest>(bad_id).unwrap_err();
        assert!(err.to_string().starts_with(HISTORY_ID_RULE), "{err}");
        let restored: UpdateRequest =
            serde_json::from_str(r#"{"content":"x","mtime_ns":"1","restored_from":"00000000000000000001-abcdef01"}"#)
                .unwrap();
        assert_eq!(restored.restored_from, HistoryId::parse("00000000000000000001-abcdef01"));
    }

    #[test]
    fn name_rule_is_the_model_rule() {
        assert_eq!(name_problem("code-review"), None);
        assert_eq!(name_problem("../x"), Some(NameError::BadCharacter));
        assert_eq!(name_problem("-x"), Some(NameError::LeadingDash));
        assert_eq!(name_problem(&"a".repeat(65)), Some(NameError::TooLong));
    }
}
