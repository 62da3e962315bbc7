//! Slash commands: memtomem's canonical command (optional frontmatter + a prompt template with
//! `$ARGUMENTS`) rendered for Claude (Markdown, the known keys re-emitted) and Gemini (TOML with
//! `{{args}}`), and the reverse conversion of a Gemini command on import.

use crate::agents::optional;
use crate::frontmatter::{self, Value};
use crate::{names, py, toml_out, ParseError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashCommand {
    pub name: String,
    pub description: String,
    pub body: String,
    pub argument_hint: Option<String>,
    pub allowed_tools: Vec<String>,
    pub model: Option<String>,
}

const CLAUDE_PLACEHOLDER: &str = "$ARGUMENTS";
const GEMINI_PLACEHOLDER: &str = "{{args}}";

fn checked(name: String) -> Result<String, ParseError> {
    match names::name_problem(&name) {
        Some(reason) => Err(ParseError::InvalidName { name, reason }),
        None => Ok(name),
    }
}

/// Parses canonical command text; without frontmatter the whole text is the prompt.
pub fn parse(content: &str, default_name: &str) -> Result<SlashCommand, ParseError> {
    let content = frontmatter::normalize(content);
    let Some((yaml, end)) = frontmatter::split(&content) else {
        return Ok(SlashCommand {
            name: checked(default_name.to_owned())?,
            description: String::new(),
            body: frontmatter::body(&content),
            argument_hint: None,
            allowed_tools: Vec::new(),
            model: None,
        });
    };
    let fm = frontmatter::parse_flat_yaml(yaml);
    let body = frontmatter::body(&content[end..]);
    let name = match fm.get("name").filter(|v| v.truthy()) {
        Some(value) => value.to_py_string(),
        None => default_name.to_owned(),
    };
    let name = checked(name)?;
    let description = fm.get("description").filter(|v| v.truthy()).map(Value::to_py_string).unwrap_or_default();
    // A bracketed hint like `[file-path]` reads as an inline list: put the brackets back.
    let argument_hint = match fm.first_truthy("argument-hint", "argument_hint") {
        Some(Value::List(items)) => Some(format!("[{}]", items.join(", "))),
        Some(value) if value.truthy() => Some(value.to_py_string()),
        _ => None,
    };
    let allowed_tools = match fm.first_truthy("allowed-tools", "allowed_tools") {
        Some(Value::List(items)) => items.iter().filter(|t| !py::strip(t).is_empty()).cloned().collect(),
        Some(value) if value.truthy() => vec![py::strip(&value.to_py_string()).to_owned()],
        _ => Vec::new(),
    };
    Ok(SlashCommand { name, description, body, argument_hint, allowed_tools, model: optional(&fm, "model") })
}

/// `.claude/commands/<name>.md`: the known keys re-emitted (no `name`), or the bare body when
/// there are none.
pub fn to_claude(cmd: &SlashCommand) -> (String, Vec<&'static str>) {
    let mut lines = Vec::new();
    if !cmd.description.is_empty() {
        lines.push(format!("description: {}", cmd.description));
    }
    if let Some(hint) = cmd.argument_hint.as_ref().filter(|h| !h.is_empty()) {
        lines.push(format!("argument-hint: {hint}"));
    }
    if !cmd.allowed_tools.is_empty() {
        lines.push(format!("allowed-tools: [{}]", cmd.allowed_tools.join(", ")));
    }
    if let Some(model) = &cmd.model {
        lines.push(format!("model: {model}"));
    }
    let body = if cmd.body.ends_with('\n') { cmd.body.clone() } else { format!("{}\n", cmd.body) };
    if lines.is_empty() {
        (body, Vec::new())
    } else {
        (format!("---\n{}\n---\n\n{body}", lines.join("\n")), Vec::new())
    }
}

/// `.gemini/commands/<name>.toml`: `description` and `prompt` (with `{{args}}`); the hint, the
/// tools and the model are dropped.
pub fn to_gemini(cmd: &SlashCommand) -> (String, Vec<&'static str>) {
    let mut dropped = Vec::new();
    if cmd.argument_hint.as_ref().is_some_and(|h| !h.is_empty()) {
        dropped.push("argument-hint");
    }
    if !cmd.allowed_tools.is_empty() {
        dropped.push("allowed-tools");
    }
    if cmd.model.is_some() {
        dropped.push("model");
    }
    let prompt = py::rstrip(&cmd.body).replace(CLAUDE_PLACEHOLDER, GEMINI_PLACEHOLDER);
    let mut out = String::new();
    if !cmd.description.is_empty() {
        out.push_str(&format!("description = {}\n", toml_out::string(&cmd.description)));
    }
    out.push_str(&format!("prompt = {}\n", toml_out::string(&prompt)));
    (out, dropped)
}

/// The canonical Markdown memtomem writes when it imports a Gemini command file; `None` when
/// the file is not TOML. The description is folded onto one line (a line break in it could
/// otherwise inject frontmatter keys).
pub fn from_gemini_toml(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let table: toml::Table = text.parse().ok()?;
    let field = |key: &str| table.get(key).map(py_str).unwrap_or_default();
    let prompt = field("prompt");
    let description = field("description");
    let body = format!("{}\n", py::rstrip(&prompt.replace(GEMINI_PLACEHOLDER, CLAUDE_PLACEHOLDER)));
    let description = py::split_whitespace(&description).collect::<Vec<_>>().join(" ");
    Some(if description.is_empty() { body } else { format!("---\ndescription: {description}\n---\n\n{body}") })
}

/// Python's `str()` of a value tomllib returned, for the scalar types a command file holds.
fn py_str(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => py::float_repr(*f),
        toml::Value::Boolean(b) => if *b { "True" } else { "False" }.to_owned(),
        // Dates, arrays and tables as prompts are not commands anyone writes.
        other => format!("{other:?}"),
    }
}
