//! Skills: the Agent Skills specification's fields, Anthropic's validator, and the keys Claude
//! Code adds (docs/CHECKS.md, "Skills").

use crate::map::Fields;
use crate::yaml::{Node, Type};
use crate::{Report, LINE_1};

/// The specification's keys.
const SPEC_KEYS: &[&str] = &["name", "description", "license", "compatibility", "metadata", "allowed-tools"];
/// Claude Code's own skill keys, checked where it documents their values.
const CLAUDE_KEYS: &[&str] = &[
    "argument-hint",
    "arguments",
    "disable-model-invocation",
    "user-invocable",
    "model",
    "effort",
    "context",
    "agent",
    "hooks",
    "when_to_use",
    "paths",
    "shell",
    "version",
];

pub fn check(report: &mut Report, folder: &str, fields: Option<&Fields>, body: &str) {
    let body_lines = body.lines().count();
    if body_lines > 500 {
        report.add("skill-body-length", LINE_1, format!("the body has {body_lines} lines"));
    }
    let Some(fields) = fields else { return };
    name(report, folder, fields);
    description(report, fields);
    if let Some((at, value)) = fields.get("compatibility") {
        match value.as_str() {
            Some("") => report.add("skill-compatibility-empty", at, ""),
            Some(text) if text.chars().count() > 500 => {
                report.add("skill-compatibility-length", value.at(), format!("{} characters", text.chars().count()))
            }
            Some(_) => {}
            None if is_null(value) => report.add("skill-compatibility-empty", at, ""),
            None => report.add("skill-field-type", value.at(), format!("`compatibility` is {}", value.describe())),
        }
    }
    if let Some((_, value)) = fields.get("license") {
        if value.as_str().is_none() && !is_null(value) {
            report.add("skill-field-type", value.at(), format!("`license` is {}", value.describe()));
        }
    }
    metadata(report, fields);
    if let Some((_, value)) = fields.get("allowed-tools") {
        match value {
            Node::Seq(..) => report.add("skill-allowed-tools-list", value.at(), "write `Read Grep Bash(git:*)`"),
            _ if value.as_str().is_some() || is_null(value) => {}
            _ => report.add("skill-field-type", value.at(), format!("`allowed-tools` is {}", value.describe())),
        }
    }
    claude_values(report, fields);
    for (key, at, _) in &fields.entries {
        if !SPEC_KEYS.contains(&key.as_str()) && !CLAUDE_KEYS.contains(&key.as_str()) {
            report.add("skill-unknown-key", *at, format!("`{key}`"));
        }
    }
}

fn is_null(node: &Node) -> bool {
    node.as_scalar().is_some_and(|s| s.ty() == Type::Null)
}

/// What a required string field holds, in the shapes the loaders treat differently.
enum Shape<'a> {
    Missing,
    Null,
    NotString(&'static str),
    NotScalar(&'static str),
    Text(&'a str),
}

fn shape<'a>(fields: &'a Fields, key: &str) -> (Shape<'a>, crate::yaml::Pos) {
    let Some((key_at, value)) = fields.get(key) else { return (Shape::Missing, LINE_1) };
    let at = value.at();
    let shape = match value {
        // An empty value has no place of its own: point at its key.
        Node::Scalar(s) if s.ty() == Type::Null => return (Shape::Null, key_at),
        Node::Scalar(s) => match s.ty() {
            Type::Null => Shape::Null,
            Type::Str => Shape::Text(&s.text),
            _ => Shape::NotString(value.describe()),
        },
        _ => Shape::NotScalar(value.describe()),
    };
    (shape, at)
}

fn name(report: &mut Report, folder: &str, fields: &Fields) {
    let (shape, at) = shape(fields, "name");
    let name = match shape {
        Shape::Missing => return report.add("skill-name-missing", at, ""),
        Shape::Null => return report.add("skill-name-null", at, ""),
        Shape::NotString(what) => return report.add("skill-name-not-string", at, format!("it is {what}")),
        Shape::NotScalar(what) => return report.add("skill-name-not-scalar", at, format!("it is {what}")),
        Shape::Text("") => return report.add("skill-name-empty", at, ""),
        Shape::Text(name) => name,
    };
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        report.add("skill-name-chars", at, format!("{name:?} holds {bad:?}"));
    }
    if let Some(bad) = name.chars().find(|c| !c.is_ascii()) {
        report.add("skill-name-non-ascii", at, format!("{bad:?}"));
    }
    // Qwen Code's rule: letters and digits of any script, `_`, `:`, `.` and `-`.
    if let Some(bad) = name.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '_' | ':' | '.' | '-'))) {
        report.add("skill-name-symbols", at, format!("{bad:?}"));
    }
    if name.starts_with('-') {
        report.add("skill-name-leading-hyphen", at, format!("{name:?}"));
    }
    if name.ends_with('-') || name.contains("--") {
        report.add("skill-name-hyphens", at, format!("{name:?}"));
    }
    let len = name.chars().count();
    if len > 64 {
        report.add("skill-name-length", at, format!("{len} characters"));
    }
    if name != folder {
        report.add("skill-name-folder", at, format!("{name:?} is in folder {folder:?}"));
    }
}

fn description(report: &mut Report, fields: &Fields) {
    let (shape, at) = shape(fields, "description");
    let text = match shape {
        Shape::Missing => return report.add("skill-description-missing", at, ""),
        Shape::Null => return report.add("skill-description-null", at, ""),
        Shape::NotString(what) => return report.add("skill-description-not-string", at, format!("it is {what}")),
        Shape::NotScalar(what) => return report.add("skill-description-not-scalar", at, format!("it is {what}")),
        Shape::Text(text) if text.trim().is_empty() => return report.add("skill-description-empty", at, ""),
        Shape::Text(text) => text,
    };
    let len = text.chars().count();
    if len > 1024 {
        report.add("skill-description-length", at, format!("{len} characters"));
    }
    if text.contains(['<', '>']) {
        report.add("skill-description-angle", at, "");
    }
}

fn metadata(report: &mut Report, fields: &Fields) {
    let Some((_, value)) = fields.get("metadata") else { return };
    match value {
        Node::Map(entries, _) => {
            for entry in entries {
                for node in [&entry.key, &entry.value] {
                    if node.as_str().is_none() {
                        report.add("skill-metadata-values", node.at(), format!("this is {}", node.describe()));
                    }
                }
            }
        }
        _ if is_null(value) => {}
        _ => report.add("skill-metadata-map", value.at(), format!("it is {}", value.describe())),
    }
}

/// Claude Code's documented values for its own keys.
fn claude_values(report: &mut Report, fields: &Fields) {
    for key in ["disable-model-invocation", "user-invocable"] {
        if let Some((_, value)) = fields.get(key) {
            if value.as_scalar().is_none_or(|s| s.ty() != Type::Bool) {
                report.add("skill-flag-type", value.at(), format!("`{key}` is {}", value.describe()));
            }
        }
    }
    if let Some((_, value)) = fields.get("context") {
        if value.as_str() != Some("fork") {
            report.add("skill-claude-value", value.at(), "`context` can only be `fork`");
        }
    }
    if let Some((_, value)) = fields.get("model") {
        if !value.as_str().is_some_and(crate::agent::claude_model) {
            report.add(
                "skill-claude-value",
                value.at(),
                "`model` is an alias (sonnet, opus, haiku, inherit) or a model id",
            );
        }
    }
    if let Some((_, value)) = fields.get("effort") {
        if !value.as_str().is_some_and(|e| crate::agent::EFFORTS.contains(&e)) {
            report.add("skill-claude-value", value.at(), "`effort` is low, medium, high, xhigh or max");
        }
    }
}
