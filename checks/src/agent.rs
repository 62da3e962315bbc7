//! Agents: Claude Code's sub-agent frontmatter (docs/CHECKS.md, "Agents"). The file's name need
//! not equal `name`.

use crate::map::Fields;
use crate::yaml::{Node, Type};
use crate::{dropped, Report, LINE_1};

/// The keys Claude Code documents for sub-agents, and memtomem's two Gemini keys.
const KEYS: &[&str] = &[
    "name",
    "description",
    "tools",
    "disallowedTools",
    "model",
    "permissionMode",
    "maxTurns",
    "skills",
    "mcpServers",
    "hooks",
    "memory",
    "background",
    "isolation",
    "color",
    "effort",
    "kind",
    "temperature",
];
const MODELS: &[&str] = &["sonnet", "opus", "haiku", "inherit", "opusplan", "default"];
const PERMISSION_MODES: &[&str] = &["default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto"];
const MEMORY: &[&str] = &["user", "project", "local"];
const COLORS: &[&str] = &["red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"];
pub(crate) const EFFORTS: &[&str] = &["low", "medium", "high", "xhigh", "max"];

/// An alias Claude Code knows, or a full model id (`claude-sonnet-4-5`, `claude-opus-4-1-20250805`).
pub(crate) fn claude_model(model: &str) -> bool {
    MODELS.contains(&model)
        || (model.starts_with("claude-") && model.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.@[]".contains(&b)))
}

fn string_or_list(node: &Node) -> bool {
    match node {
        Node::Seq(items, _) => items.iter().all(|i| i.as_str().is_some()),
        _ => node.as_str().is_some(),
    }
}

fn scalar_is(node: &Node, ty: Type) -> bool {
    node.as_scalar().is_some_and(|s| s.ty() == ty)
}

pub fn check(report: &mut Report, fields: Option<&Fields>) {
    let Some(fields) = fields else { return };
    match fields.get("name").map(|(_, v)| v) {
        None => report.add("agent-name-missing", LINE_1, ""),
        Some(value) => match value.as_str() {
            None | Some("") => report.add("agent-name-missing", value.at(), format!("it is {}", value.describe())),
            Some(name) => {
                if name.contains(':') || name.starts_with('-') {
                    report.add("agent-name-format", value.at(), format!("{name:?}"));
                } else if name.chars().any(|c| c.is_uppercase()) {
                    report.add("agent-name-case", value.at(), format!("{name:?}"));
                }
            }
        },
    }
    match fields.get("description").map(|(_, v)| v) {
        None => report.add("agent-description-missing", LINE_1, ""),
        Some(value) if value.as_str().is_none_or(|d| d.trim().is_empty()) => {
            report.add("agent-description-missing", value.at(), format!("it is {}", value.describe()))
        }
        Some(_) => {}
    }
    for (key, at, value) in &fields.entries {
        let problem = match key.as_str() {
            "tools" | "disallowedTools" if !string_or_list(value) => Some("a string or a list of tool names"),
            "model" if !value.as_str().is_some_and(claude_model) => {
                Some("`model` is sonnet, opus, haiku, inherit or a full model id")
            }
            "permissionMode" if !value.as_str().is_some_and(|m| PERMISSION_MODES.contains(&m)) => {
                Some("`permissionMode` is default, acceptEdits, plan, bypassPermissions, dontAsk or auto")
            }
            "memory" if !value.as_str().is_some_and(|m| MEMORY.contains(&m)) => {
                Some("`memory` is user, project or local")
            }
            "color" if !value.as_str().is_some_and(|c| COLORS.contains(&c)) => {
                Some("`color` is red, blue, green, yellow, purple, orange, pink or cyan")
            }
            "effort" if !value.as_str().is_some_and(|e| EFFORTS.contains(&e)) => {
                Some("`effort` is low, medium, high, xhigh or max")
            }
            "maxTurns" if !scalar_is(value, Type::Int) => Some("`maxTurns` is a whole number"),
            "background" if !scalar_is(value, Type::Bool) => Some("`background` is true or false"),
            "isolation" if value.as_str() != Some("worktree") => Some("`isolation` can only be `worktree`"),
            "skills" if !string_or_list(value) => Some("`skills` is a list of skill names"),
            _ => None,
        };
        if let Some(problem) = problem {
            report.add("agent-value", value.at(), problem);
        }
        if !KEYS.contains(&key.as_str()) {
            report.add("agent-unknown-key", *at, format!("`{key}`"));
        }
    }
    dropped::check(report, "agent-dropped", fields);
}
