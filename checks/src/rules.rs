//! Every rule, one row each: what it checks, how bad it is, and which runtimes drop (errors) or
//! ignore (warnings) a file that breaks it. The sources of each row are in docs/CHECKS.md; the
//! runtime lists are what the real loaders did in `checks/tests/loaders.rs`.

use crate::Severity::{self, Error, Warning};
use model::Kind;

/// The runtime ids a diagnostic names: the runtimes' own, plus the Agent Skills specification.
pub mod rt {
    pub const SPEC: &str = "agents-spec";
    pub const CLAUDE: &str = "claude";
    pub const CODEX: &str = "codex";
    pub const GEMINI: &str = "gemini";
    pub const OPENCODE: &str = "opencode";
    pub const COPILOT: &str = "copilot";
    pub const QWEN: &str = "qwen";
    pub const KIMI: &str = "kimi";
}
use rt::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    /// `None`: every type.
    pub kind: Option<Kind>,
    pub severity: Severity,
    pub runtimes: &'static [&'static str],
    /// The rule in one sentence; a diagnostic's message starts with it.
    pub what: &'static str,
}

const fn rule(
    id: &'static str,
    kind: Option<Kind>,
    severity: Severity,
    runtimes: &'static [&'static str],
    what: &'static str,
) -> Rule {
    Rule { id, kind, severity, runtimes, what }
}

const SK: Option<Kind> = Some(Kind::Skills);
const AG: Option<Kind> = Some(Kind::Agents);
const CM: Option<Kind> = Some(Kind::Commands);

/// Skill loaders that read the strict rules of the specification.
const SKILL_LOADERS: &[&str] = &[SPEC, CLAUDE, CODEX, GEMINI, OPENCODE, COPILOT, QWEN];

pub const RULES: &[Rule] = &[
    // Frontmatter, every type.
    rule("frontmatter-missing", None, Error, SKILL_LOADERS, "The file needs YAML frontmatter between `---` lines"),
    rule("frontmatter-bom", None, Error, &[SPEC, CODEX, OPENCODE], "A byte order mark comes before the opening `---`"),
    rule("frontmatter-first-line", None, Error, SKILL_LOADERS, "The opening `---` must be on line 1"),
    rule("frontmatter-unclosed", None, Error, SKILL_LOADERS, "The frontmatter has no closing `---` line"),
    rule("frontmatter-yaml", None, Error, SKILL_LOADERS, "The frontmatter is not valid YAML"),
    rule("frontmatter-not-map", None, Error, SKILL_LOADERS, "The frontmatter must be a map of keys to values"),
    rule("frontmatter-duplicate-key", None, Warning, &[SPEC, CODEX], "A key appears twice in the frontmatter"),
    // Skills: the Agent Skills specification and Anthropic's validator.
    rule("skill-name-missing", SK, Error, SKILL_LOADERS, "A skill needs a `name`"),
    rule("skill-name-chars", SK, Error, &[SPEC, CODEX, OPENCODE], "A skill name may hold only lowercase letters, digits and `-`"),
    rule("skill-name-hyphens", SK, Error, &[SPEC, OPENCODE], "A skill name must not start or end with `-` or hold `--`"),
    rule("skill-name-length", SK, Error, &[SPEC, CODEX, OPENCODE], "A skill name is at most 64 characters"),
    rule("skill-name-folder", SK, Error, &[SPEC, OPENCODE], "A skill name must equal its folder's name"),
    rule("skill-description-missing", SK, Error, &[SPEC, CODEX, OPENCODE, COPILOT], "A skill needs a non-empty `description`"),
    rule("skill-description-length", SK, Error, &[SPEC, CODEX], "A skill description is at most 1,024 characters"),
    rule("skill-description-angle", SK, Warning, &[SPEC], "Anthropic's validator refuses `<` and `>` in a description"),
    rule("skill-field-type", SK, Error, SKILL_LOADERS, "This field must be a string"),
    rule("skill-compatibility-length", SK, Error, &[SPEC], "`compatibility` is at most 500 characters"),
    rule("skill-compatibility-empty", SK, Warning, &[SPEC], "An empty `compatibility` says nothing; leave the key out"),
    rule("skill-metadata-map", SK, Error, &[SPEC, CODEX], "`metadata` must be a map of strings to strings"),
    rule("skill-metadata-values", SK, Warning, &[SPEC], "`metadata` values should be strings"),
    rule("skill-allowed-tools-list", SK, Warning, &[SPEC], "`allowed-tools` is a space-separated string in the specification"),
    rule("skill-unknown-key", SK, Warning, SKILL_LOADERS, "This key is not part of the specification or Claude Code's skills"),
    rule("skill-claude-value", SK, Warning, &[CLAUDE], "Claude Code does not understand this value"),
    rule("skill-body-length", SK, Warning, &[SPEC], "Keep SKILL.md under 500 lines; move detail into referenced files"),
    // Agents: Claude Code's sub-agent frontmatter, and what memtomem's other formats carry.
    rule("agent-name-missing", AG, Error, &[CLAUDE], "A sub-agent needs a `name`"),
    rule("agent-description-missing", AG, Error, &[CLAUDE], "A sub-agent needs a non-empty `description`"),
    rule("agent-name-format", AG, Error, &[CLAUDE], "A sub-agent name must not hold `:` or start with `-`"),
    rule("agent-name-case", AG, Warning, &[CLAUDE], "Sub-agent names are lowercase letters, digits and `-`"),
    rule("agent-unknown-key", AG, Warning, &[CLAUDE], "Claude Code does not read this sub-agent key"),
    rule("agent-value", AG, Warning, &[CLAUDE], "Claude Code does not understand this value"),
    rule("agent-dropped", AG, Warning, &[], "This runtime's format cannot carry this field; sync drops it"),
    // Commands: every field optional, read leniently by Claude Code.
    rule("command-yaml-strict", CM, Warning, &[OPENCODE, QWEN], "Not strict YAML: Claude Code reads it, stricter readers do not"),
    rule("command-unknown-key", CM, Warning, &[CLAUDE], "Claude Code does not read this command key"),
    rule("command-value", CM, Warning, &[CLAUDE], "Claude Code does not understand this value"),
    rule("command-dropped", CM, Warning, &[], "This runtime's format cannot carry this field; sync drops it"),
];

/// The row of `id`. Every id the checks emit has one (a test holds this).
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(RULES[..i].iter().all(|o| o.id != r.id), "{} twice", r.id);
            assert!(r.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{}", r.id);
        }
    }

    #[test]
    fn an_error_names_who_drops_the_file() {
        for r in RULES.iter().filter(|r| r.severity == Error) {
            assert!(!r.runtimes.is_empty(), "{} names no runtime", r.id);
        }
    }
}
