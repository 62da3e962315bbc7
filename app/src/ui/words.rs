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

/// A runtime id of the checks (docs/CHECKS.md) as its product is called, for sentences such as
/// "Claude Code will not load this".
pub fn runtime_product(id: &str) -> &'static str {
    match id {
        "claude" => "Claude Code",
        "gemini" => "Gemini CLI",
        "codex" => "Codex",
        "kimi" => "Kimi",
        "opencode" => "OpenCode",
        "copilot" => "Copilot",
        "qwen" => "Qwen Code",
        "cursor" => "Cursor",
        "agents-spec" => "Agent Skills spec",
        _ => "?",
    }
}

/// A check rule in the user's language (`None` for an id this build does not know).
pub fn rule_msg(id: &str) -> Option<Msg> {
    Some(match id {
        "frontmatter-missing" => Msg::RuleFrontmatterMissing,
        "frontmatter-bom" => Msg::RuleFrontmatterBom,
        "frontmatter-first-line" => Msg::RuleFrontmatterFirstLine,
        "frontmatter-unclosed" => Msg::RuleFrontmatterUnclosed,
        "frontmatter-indented-fence" => Msg::RuleFrontmatterIndentedFence,
        "frontmatter-fence-space" => Msg::RuleFrontmatterFenceSpace,
        "file-not-utf8" => Msg::RuleFileNotUtf8,
        "frontmatter-yaml" => Msg::RuleFrontmatterYaml,
        "frontmatter-yaml-colon" => Msg::RuleFrontmatterYamlColon,
        "frontmatter-yaml-tab" => Msg::RuleFrontmatterYamlTab,
        "frontmatter-not-map" => Msg::RuleFrontmatterNotMap,
        "frontmatter-duplicate-key" => Msg::RuleFrontmatterDuplicateKey,
        "skill-name-missing" => Msg::RuleSkillNameMissing,
        "skill-name-null" => Msg::RuleSkillNameNull,
        "skill-name-empty" => Msg::RuleSkillNameEmpty,
        "skill-name-not-string" => Msg::RuleSkillNameNotString,
        "skill-name-not-scalar" => Msg::RuleSkillNameNotScalar,
        "skill-name-chars" => Msg::RuleSkillNameChars,
        "skill-name-non-ascii" => Msg::RuleSkillNameNonAscii,
        "skill-name-symbols" => Msg::RuleSkillNameSymbols,
        "skill-name-hyphens" => Msg::RuleSkillNameHyphens,
        "skill-name-leading-hyphen" => Msg::RuleSkillNameLeadingHyphen,
        "skill-name-length" => Msg::RuleSkillNameLength,
        "skill-name-folder" => Msg::RuleSkillNameFolder,
        "skill-description-missing" => Msg::RuleSkillDescriptionMissing,
        "skill-description-null" => Msg::RuleSkillDescriptionNull,
        "skill-description-empty" => Msg::RuleSkillDescriptionEmpty,
        "skill-description-not-string" => Msg::RuleSkillDescriptionNotString,
        "skill-description-not-scalar" => Msg::RuleSkillDescriptionNotScalar,
        "skill-description-length" => Msg::RuleSkillDescriptionLength,
        "skill-description-angle" => Msg::RuleSkillDescriptionAngle,
        "skill-field-type" => Msg::RuleSkillFieldType,
        "skill-compatibility-length" => Msg::RuleSkillCompatibilityLength,
        "skill-compatibility-empty" => Msg::RuleSkillCompatibilityEmpty,
        "skill-metadata-map" => Msg::RuleSkillMetadataMap,
        "skill-metadata-values" => Msg::RuleSkillMetadataValues,
        "skill-allowed-tools-list" => Msg::RuleSkillAllowedToolsList,
        "skill-unknown-key" => Msg::RuleSkillUnknownKey,
        "skill-flag-type" => Msg::RuleSkillFlagType,
        "skill-claude-value" => Msg::RuleSkillClaudeValue,
        "skill-body-length" => Msg::RuleSkillBodyLength,
        "agent-frontmatter-missing" => Msg::RuleAgentFrontmatterMissing,
        "agent-frontmatter-unclosed" => Msg::RuleAgentFrontmatterUnclosed,
        "agent-frontmatter-not-map" => Msg::RuleAgentFrontmatterNotMap,
        "agent-frontmatter-bom" => Msg::RuleAgentFrontmatterBom,
        "agent-fence-space" => Msg::RuleAgentFenceSpace,
        "agent-yaml-strict" => Msg::RuleAgentYamlStrict,
        "agent-duplicate-key" => Msg::RuleAgentDuplicateKey,
        "agent-name-missing" => Msg::RuleAgentNameMissing,
        "agent-description-missing" => Msg::RuleAgentDescriptionMissing,
        "agent-name-format" => Msg::RuleAgentNameFormat,
        "agent-name-case" => Msg::RuleAgentNameCase,
        "agent-unknown-key" => Msg::RuleAgentUnknownKey,
        "agent-value" => Msg::RuleAgentValue,
        "agent-dropped" => Msg::RuleAgentDropped,
        "command-frontmatter-ignored" => Msg::RuleCommandFrontmatterIgnored,
        "command-yaml-strict" => Msg::RuleCommandYamlStrict,
        "command-flag-type" => Msg::RuleCommandFlagType,
        "command-unknown-key" => Msg::RuleCommandUnknownKey,
        "command-value" => Msg::RuleCommandValue,
        "command-dropped" => Msg::RuleCommandDropped,
        "duplicate-key" => Msg::RuleDuplicateKey,
        _ => return None,
    })
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
    fn every_rule_has_its_words_and_every_runtime_its_name() {
        for rule in checks::RULES {
            let msg = rule_msg(rule.id).unwrap_or_else(|| panic!("no words for {}", rule.id));
            assert_eq!(Lang::En.text(msg), rule.what, "{}", rule.id);
            for runtime in rule.runtimes {
                assert_ne!(runtime_product(runtime), "?", "{runtime}");
            }
        }
    }

    #[test]
    fn every_reason_has_its_word_in_english() {
        for reason in HistoryReason::ALL {
            assert_eq!(Lang::En.text(reason_msg(reason)), reason.word());
        }
    }
}
