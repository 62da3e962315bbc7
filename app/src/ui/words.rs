//! The words every page uses for the API's vocabulary: artifact types, history reasons, sync
//! statuses and runtime names. Kept apart from the pages so none of them is another's toolbox.

use crate::api::{ArtifactType, HistoryReason, SyncStatus};
use crate::i18n::Msg;

/// "Skills", "Agents", "Commands" in the user's language.
pub fn type_msg(kind: ArtifactType) -> Msg {
    match kind {
        ArtifactType::Skills => Msg::Skills,
        ArtifactType::Agents => Msg::Agents,
        ArtifactType::Commands => Msg::Commands,
    }
}

/// Why a version was kept, as the History panel says it.
pub fn reason_msg(reason: HistoryReason) -> Msg {
    match reason {
        HistoryReason::Save => Msg::HistoryReasonSave,
        HistoryReason::Force => Msg::HistoryReasonForce,
        HistoryReason::Restore => Msg::HistoryReasonRestore,
        HistoryReason::Delete => Msg::HistoryReasonDelete,
        HistoryReason::External => Msg::HistoryReasonExternal,
        HistoryReason::Sync => Msg::HistoryReasonSync,
        HistoryReason::Recovered => Msg::HistoryReasonRecovered,
    }
}

/// `claude_skills` → `claude`: the badge's `data-runtime`.
pub fn runtime_vendor(label: &str) -> &str {
    label.split('_').next().unwrap_or(label)
}

/// The runtime's own name (a product name: the same in every language).
pub fn runtime_name(vendor: &str) -> &str {
    match vendor {
        "claude" => "Claude",
        "gemini" => "Gemini",
        "codex" => "Codex",
        "kimi" => "Kimi",
        other => other,
    }
}

/// `in sync` → `in_sync`: the badge's `data-status`.
pub fn status_code(status: SyncStatus) -> &'static str {
    match status {
        SyncStatus::InSync => "in_sync",
        SyncStatus::OutOfSync => "out_of_sync",
        SyncStatus::MissingTarget => "missing_target",
        SyncStatus::MissingCanonical => "missing_canonical",
        SyncStatus::ParseError => "parse_error",
        SyncStatus::InvalidName => "invalid_name",
    }
}

/// A status in words, read aloud beside the badge.
pub fn status_msg(status: SyncStatus) -> Msg {
    match status {
        SyncStatus::InSync => Msg::SyncStatusInSync,
        SyncStatus::OutOfSync => Msg::SyncStatusOutOfSync,
        SyncStatus::MissingTarget => Msg::SyncStatusMissingTarget,
        SyncStatus::MissingCanonical => Msg::SyncStatusMissingCanonical,
        SyncStatus::ParseError => Msg::SyncStatusParseError,
        SyncStatus::InvalidName => Msg::SyncStatusInvalidName,
    }
}

/// The badge's mark beside the runtime's name; colour says it again, the hidden text in words.
pub fn status_mark(status: SyncStatus) -> &'static str {
    match status {
        SyncStatus::InSync => "✓",
        SyncStatus::OutOfSync => "≠",
        SyncStatus::MissingTarget => "∅",
        SyncStatus::MissingCanonical => "●",
        SyncStatus::ParseError => "!",
        SyncStatus::InvalidName => "✗",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn badge_attributes() {
        assert_eq!(runtime_vendor("claude_skills"), "claude");
        assert_eq!(runtime_vendor("codex_agents"), "codex");
        assert_eq!(status_code(SyncStatus::OutOfSync), "out_of_sync");
        for status in [
            SyncStatus::InSync,
            SyncStatus::OutOfSync,
            SyncStatus::MissingTarget,
            SyncStatus::MissingCanonical,
            SyncStatus::ParseError,
            SyncStatus::InvalidName,
        ] {
            assert_eq!(status_code(status), status.word().replace(' ', "_"));
        }
    }

    #[test]
    fn every_reason_has_its_word_in_english() {
        for reason in HistoryReason::ALL {
            assert_eq!(Lang::En.text(reason_msg(reason)), reason.word());
        }
    }
}
