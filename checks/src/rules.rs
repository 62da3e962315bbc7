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

/// Every skill loader: unknown keys are ignored by all of them.
const SKILL_LOADERS: &[&str] = &[SPEC, CLAUDE, CODEX, GEMINI, OPENCODE, COPILOT, QWEN];
/// The loaders that refuse a skill whose frontmatter they cannot find (all but Claude Code).
const STRUCTURE: &[&str] = &[SPEC, CODEX, OPENCODE, QWEN, COPILOT, GEMINI];

#[rustfmt::skip] // one row per line: this is a table
pub const RULES: &[Rule] = &[
    // Skills: where the frontmatter is.
    rule("frontmatter-missing", SK, Error, STRUCTURE, "The file needs YAML frontmatter between `---` lines"),
    rule("frontmatter-bom", SK, Error, &[SPEC, CODEX, GEMINI], "A byte order mark comes before the opening `---`"),
    rule("frontmatter-first-line", SK, Error, STRUCTURE, "The opening `---` must be on line 1"),
    rule("frontmatter-unclosed", SK, Error, STRUCTURE, "The frontmatter has no closing `---` line"),
    rule("frontmatter-indented-fence", SK, Error, &[SPEC, OPENCODE, QWEN, COPILOT, GEMINI], "The closing `---` must start its line"),
    rule("frontmatter-fence-space", SK, Error, &[QWEN, GEMINI], "A `---` line must hold nothing else, not even spaces"),
    rule("file-not-utf8", SK, Error, &[SPEC, CODEX], "The file is not valid UTF-8"),
    // Skills: the frontmatter as YAML. Loaders differ by the kind of syntax error.
    rule("frontmatter-yaml", SK, Error, &[SPEC, OPENCODE, COPILOT], "The frontmatter is not valid YAML"),
    rule("frontmatter-yaml-colon", SK, Error, &[SPEC, COPILOT], "An unquoted `: ` inside a value is not valid YAML; quote the value"),
    rule("frontmatter-yaml-tab", SK, Error, &[SPEC, CODEX, COPILOT], "YAML does not allow tabs for indentation"),
    rule("frontmatter-not-map", SK, Error, &[SPEC, CODEX, OPENCODE, QWEN, GEMINI], "The frontmatter must be a map of keys to values"),
    rule("frontmatter-duplicate-key", SK, Error, &[SPEC, CODEX, OPENCODE, COPILOT], "A key appears twice in the frontmatter"),
    // Skills: `name`.
    rule("skill-name-missing", SK, Error, &[SPEC, OPENCODE, QWEN, GEMINI], "A skill needs a `name`"),
    rule("skill-name-null", SK, Error, &[SPEC, OPENCODE, QWEN, COPILOT], "`name` has no value"),
    rule("skill-name-empty", SK, Error, &[SPEC, QWEN, COPILOT], "`name` is empty"),
    rule("skill-name-not-string", SK, Error, &[SPEC, OPENCODE, COPILOT], "A skill name must be a string; quote it"),
    rule("skill-name-not-scalar", SK, Error, &[SPEC, CODEX, OPENCODE, QWEN, COPILOT], "A skill name must be one string, not a list or a map"),
    rule("skill-name-chars", SK, Error, &[SPEC], "A skill name may hold only lowercase letters, digits and `-`"),
    rule("skill-name-non-ascii", SK, Error, &[SPEC, COPILOT], "A skill name must be ASCII"),
    rule("skill-name-symbols", SK, Error, &[SPEC, QWEN], "A skill name must not hold spaces or symbols"),
    rule("skill-name-hyphens", SK, Error, &[SPEC], "A skill name must not end with `-` or hold `--`"),
    rule("skill-name-leading-hyphen", SK, Error, &[SPEC, COPILOT], "A skill name must not start with `-`"),
    rule("skill-name-length", SK, Error, &[SPEC, CODEX, COPILOT], "A skill name is at most 64 characters"),
    rule("skill-name-folder", SK, Error, &[SPEC], "A skill name must equal its folder's name"),
    // Skills: `description`.
    rule("skill-description-missing", SK, Error, &[SPEC, CODEX, QWEN, GEMINI], "A skill needs a `description`"),
    rule("skill-description-null", SK, Error, &[SPEC, CODEX, OPENCODE, QWEN, COPILOT], "`description` has no value"),
    rule("skill-description-empty", SK, Error, &[SPEC, CODEX, QWEN], "`description` is empty"),
    rule("skill-description-not-string", SK, Error, &[SPEC, OPENCODE, COPILOT], "A description must be a string; quote it"),
    rule("skill-description-not-scalar", SK, Error, &[SPEC, CODEX, OPENCODE, COPILOT], "A description must be one string, not a list or a map"),
    rule("skill-description-length", SK, Error, &[SPEC, COPILOT], "A skill description is at most 1,024 characters"),
    rule("skill-description-angle", SK, Warning, &[SPEC], "Anthropic's validator refuses `<` and `>` in a description"),
    // Skills: the other fields.
    rule("skill-field-type", SK, Error, &[SPEC], "This field must be a string"),
    rule("skill-compatibility-length", SK, Error, &[SPEC], "`compatibility` is at most 500 characters"),
    rule("skill-compatibility-empty", SK, Warning, &[SPEC], "An empty `compatibility` says nothing; leave the key out"),
    rule("skill-metadata-map", SK, Error, &[SPEC, CODEX], "`metadata` must be a map of strings to strings"),
    rule("skill-metadata-values", SK, Warning, &[SPEC], "`metadata` values should be strings"),
    rule("skill-allowed-tools-list", SK, Warning, &[SPEC], "`allowed-tools` is a space-separated string in the specification"),
    rule("skill-unknown-key", SK, Warning, SKILL_LOADERS, "This key is not part of the specification or Claude Code's skills"),
    rule("skill-flag-type", SK, Error, &[COPILOT], "`disable-model-invocation` and `user-invocable` are true or false"),
    rule("skill-claude-value", SK, Warning, &[CLAUDE], "Claude Code does not understand this value"),
    rule("skill-body-length", SK, Warning, &[SPEC], "Keep SKILL.md under 500 lines; move detail into referenced files"),
    // Agents: Claude Code's sub-agent frontmatter, read leniently; Qwen Code reads the same files.
    rule("agent-frontmatter-missing", AG, Error, &[CLAUDE, QWEN], "A sub-agent needs frontmatter between `---` lines, from line 1"),
    rule("agent-frontmatter-unclosed", AG, Error, &[CLAUDE, QWEN], "The frontmatter has no closing `---` line"),
    rule("agent-frontmatter-not-map", AG, Error, &[CLAUDE, QWEN], "The frontmatter must be a map of keys to values"),
    rule("agent-frontmatter-bom", AG, Error, &[QWEN], "A byte order mark comes before the opening `---`"),
    rule("agent-fence-space", AG, Error, &[QWEN], "A `---` line must hold nothing else, not even spaces"),
    rule("agent-yaml-strict", AG, Error, &[QWEN], "Not strict YAML: Claude Code reads it line by line, Qwen Code drops it"),
    rule("agent-duplicate-key", AG, Error, &[QWEN], "A key appears twice: Claude Code keeps the last one, Qwen Code drops the file"),
    rule("agent-name-missing", AG, Error, &[CLAUDE, QWEN], "A sub-agent needs a `name`"),
    rule("agent-description-missing", AG, Error, &[CLAUDE, QWEN], "A sub-agent needs a non-empty `description`"),
    rule("agent-name-format", AG, Error, &[CLAUDE, QWEN], "A sub-agent name must not hold `:` or start with `-`"),
    rule("agent-name-case", AG, Warning, &[CLAUDE], "Sub-agent names are lowercase letters, digits and `-`"),
    rule("agent-unknown-key", AG, Warning, &[CLAUDE], "Claude Code does not read this sub-agent key"),
    rule("agent-value", AG, Warning, &[CLAUDE], "Claude Code does not understand this value"),
    rule("agent-dropped", AG, Warning, &[], "This runtime's format cannot carry this field; sync drops it"),
    // Commands: every field optional, read leniently by Claude Code.
    rule("command-frontmatter-ignored", CM, Warning, &[], "This `---` block is not read as frontmatter; it is part of the prompt"),
    rule("command-yaml-strict", CM, Warning, &[COPILOT], "Not strict YAML: Claude Code reads it, stricter readers do not"),
    rule("command-flag-type", CM, Error, &[QWEN, COPILOT], "`disable-model-invocation` and `user-invocable` are true or false"),
    rule("command-unknown-key", CM, Warning, &[CLAUDE], "Claude Code does not read this command key"),
    rule("command-value", CM, Warning, &[CLAUDE], "Claude Code does not understand this value"),
    rule("command-dropped", CM, Warning, &[], "This runtime's format cannot carry this field; sync drops it"),
    // Commands: YAML that a lenient reader takes, but with a surprise.
    rule("duplicate-key", CM, Warning, &[], "A key appears twice; the last one wins"),
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
            assert!(r.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", r.id);
        }
    }

    /// A row names only runtimes that read its type: the agents' table is Claude Code's format,
    /// which Codex, Copilot and Gemini CLI get rendered, never as is.
    #[test]
    fn a_row_names_only_runtimes_that_read_its_type() {
        let reads = |kind: Option<Kind>| -> &[&str] {
            match kind {
                Some(Kind::Skills) => &[SPEC, CLAUDE, CODEX, GEMINI, OPENCODE, COPILOT, QWEN, KIMI],
                Some(Kind::Agents) => &[CLAUDE, QWEN],
                Some(Kind::Commands) => &[CLAUDE, OPENCODE, COPILOT, QWEN],
                None => &[],
            }
        };
        for r in RULES {
            assert!(r.kind.is_some(), "{} has no type", r.id);
            for runtime in r.runtimes {
                assert!(reads(r.kind).contains(runtime), "{} names {runtime}", r.id);
            }
        }
    }

    #[test]
    fn an_error_names_who_drops_the_file() {
        for r in RULES.iter().filter(|r| r.severity == Error) {
            assert!(!r.runtimes.is_empty(), "{} names no runtime", r.id);
        }
    }
}
