//! Commands: every field optional, no frontmatter at all is fine, and Claude Code reads the
//! frontmatter leniently (docs/CHECKS.md, "Commands").

use crate::map::Fields;
use crate::yaml::Type;
use crate::{agent, dropped, Report};

/// Claude Code's command keys (commands and skills share them since commands became skills).
const KEYS: &[&str] = &[
    "description",
    "argument-hint",
    "allowed-tools",
    "model",
    "disable-model-invocation",
    "name",
    "when_to_use",
    "user-invocable",
    "context",
    "agent",
    "hooks",
    "paths",
    "effort",
    "shell",
    "arguments",
];

pub fn check(report: &mut Report, fields: Option<&Fields>) {
    let Some(fields) = fields else { return };
    for (key, at, value) in &fields.entries {
        if !KEYS.contains(&key.as_str()) {
            report.add("command-unknown-key", *at, format!("`{key}`"));
        }
        let lenient_bool = |v: &crate::yaml::Node| {
            v.as_scalar().is_some_and(|s| s.ty() == Type::Bool || matches!(s.text.as_str(), "true" | "false"))
        };
        if matches!(key.as_str(), "disable-model-invocation" | "user-invocable") && !lenient_bool(value) {
            report.add("command-flag-type", value.at(), format!("`{key}`"));
        }
        let problem = match key.as_str() {
            "model" if !value.as_str().is_some_and(agent::claude_model) => {
                Some("`model` is sonnet, opus, haiku, inherit or a full model id")
            }
            "context" if value.as_str() != Some("fork") => Some("`context` can only be `fork`"),
            _ => None,
        };
        if let Some(problem) = problem {
            report.add("command-value", value.at(), problem);
        }
    }
    dropped::check(report, "command-dropped", fields);
}
