//! Sub-agents: memtomem's canonical agent (Claude-style frontmatter + a Markdown system prompt)
//! and its four renderings — Claude and Gemini Markdown, a Codex TOML and a Kimi agent YAML —
//! each with the list of canonical fields it could not carry (`dropped`).

use crate::frontmatter::{self, Frontmatter, Value};
use crate::{names, py, toml_out, ParseError};

#[derive(Debug, Clone, PartialEq)]
pub struct SubAgent {
    pub name: String,
    pub description: String,
    pub body: String,
    pub tools: Vec<String>,
    pub model: Option<String>,
    pub skills: Vec<String>,
    pub isolation: Option<String>,
    pub kind: Option<String>,
    pub temperature: Option<f64>,
}

/// `_coerce_list`: a list keeps its non-blank items, a non-blank scalar becomes one item.
pub(crate) fn coerce_list(value: Option<&Value>) -> Vec<String> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::List(items)) => items.iter().filter(|item| !py::strip(item).is_empty()).cloned().collect(),
        Some(Value::Str(s)) => {
            let s = py::strip(s);
            if s.is_empty() {
                Vec::new()
            } else {
                vec![s.to_owned()]
            }
        }
    }
}

/// `str(fm[key]) if fm.get(key) else None`.
pub(crate) fn optional(fm: &Frontmatter, key: &str) -> Option<String> {
    fm.get(key).filter(|v| v.truthy()).map(Value::to_py_string)
}

/// Parses canonical agent text; `default_name` is the file stem or folder name.
pub fn parse(content: &str, default_name: &str) -> Result<SubAgent, ParseError> {
    let content = frontmatter::normalize(content);
    let (yaml, end) = frontmatter::split(&content).ok_or(ParseError::MissingFrontmatter)?;
    let fm = frontmatter::parse_flat_yaml(yaml);
    let body = frontmatter::body(&content[end..]);
    let name = match fm.get("name").filter(|v| v.truthy()) {
        Some(value) => value.to_py_string(),
        None => default_name.to_owned(),
    };
    if let Some(reason) = names::name_problem(&name) {
        return Err(ParseError::InvalidName { name, reason });
    }
    let temperature = match fm.get("temperature") {
        Some(Value::Str(s)) if !s.is_empty() => py::parse_float(s),
        _ => None,
    };
    Ok(SubAgent {
        name,
        description: fm.get("description").filter(|v| v.truthy()).map(Value::to_py_string).unwrap_or_default(),
        body,
        tools: coerce_list(fm.get("tools")),
        model: optional(&fm, "model"),
        skills: coerce_list(fm.get("skills")),
        isolation: optional(&fm, "isolation"),
        kind: optional(&fm, "kind"),
        temperature,
    })
}

/// Which optional keys a Markdown rendering carries, in order.
const CLAUDE_FIELDS: [&str; 4] = ["tools", "model", "skills", "isolation"];
const GEMINI_FIELDS: [&str; 4] = ["tools", "model", "kind", "temperature"];

fn markdown(agent: &SubAgent, fields: &[&str]) -> String {
    let mut lines = vec![format!("name: {}", agent.name), format!("description: {}", agent.description)];
    for field in fields {
        match *field {
            "tools" if !agent.tools.is_empty() => lines.push(format!("tools: [{}]", agent.tools.join(", "))),
            "model" => lines.extend(agent.model.as_ref().map(|m| format!("model: {m}"))),
            "skills" if !agent.skills.is_empty() => lines.push(format!("skills: [{}]", agent.skills.join(", "))),
            "isolation" => lines.extend(agent.isolation.as_ref().map(|v| format!("isolation: {v}"))),
            "kind" => lines.extend(agent.kind.as_ref().map(|v| format!("kind: {v}"))),
            "temperature" => lines.extend(agent.temperature.map(|t| format!("temperature: {}", py::float_repr(t)))),
            _ => {}
        }
    }
    format!("---\n{}\n---\n\n{}", lines.join("\n"), with_final_newline(&agent.body))
}

fn with_final_newline(body: &str) -> String {
    if body.ends_with('\n') {
        body.to_owned()
    } else {
        format!("{body}\n")
    }
}

/// `.claude/agents/<name>.md`: drops `kind` and `temperature`.
pub fn to_claude(agent: &SubAgent) -> (String, Vec<&'static str>) {
    let mut dropped = Vec::new();
    if agent.kind.is_some() {
        dropped.push("kind");
    }
    if agent.temperature.is_some() {
        dropped.push("temperature");
    }
    (markdown(agent, &CLAUDE_FIELDS), dropped)
}

/// `.gemini/agents/<name>.md`: drops `skills` and `isolation`.
pub fn to_gemini(agent: &SubAgent) -> (String, Vec<&'static str>) {
    let mut dropped = Vec::new();
    if !agent.skills.is_empty() {
        dropped.push("skills");
    }
    if agent.isolation.is_some() {
        dropped.push("isolation");
    }
    (markdown(agent, &GEMINI_FIELDS), dropped)
}

/// `.codex/agents/<name>.toml`: `name`, `description`, `developer_instructions` (the body) and
/// an optional `model`; everything else is dropped.
pub fn to_codex(agent: &SubAgent) -> (String, Vec<&'static str>) {
    let mut dropped = Vec::new();
    if !agent.tools.is_empty() {
        dropped.push("tools");
    }
    if !agent.skills.is_empty() {
        dropped.push("skills");
    }
    if agent.isolation.is_some() {
        dropped.push("isolation");
    }
    if agent.kind.is_some() {
        dropped.push("kind");
    }
    if agent.temperature.is_some() {
        dropped.push("temperature");
    }
    let mut out = format!(
        "name = {}\ndescription = {}\ndeveloper_instructions = {}\n",
        toml_out::string(&agent.name),
        toml_out::string(&agent.description),
        toml_out::string(py::rstrip(&agent.body)),
    );
    if let Some(model) = &agent.model {
        out.push_str(&format!("model = {}\n", toml_out::string(model)));
    }
    (out, dropped)
}

/// `.kimi/agents/<name>.yaml`: a Kimi agent extending the default one, with the description and
/// body as its `ROLE_ADDITIONAL` block; only the name survives of the other fields.
pub fn to_kimi(agent: &SubAgent) -> (String, Vec<&'static str>) {
    let mut dropped = Vec::new();
    if !agent.tools.is_empty() {
        dropped.push("tools");
    }
    if agent.model.is_some() {
        dropped.push("model");
    }
    if !agent.skills.is_empty() {
        dropped.push("skills");
    }
    if agent.isolation.is_some() {
        dropped.push("isolation");
    }
    if agent.kind.is_some() {
        dropped.push("kind");
    }
    if agent.temperature.is_some() {
        dropped.push("temperature");
    }
    let mut role = String::new();
    if !agent.description.is_empty() {
        role.push_str(&format!("Description: {}\n\n", agent.description));
    }
    role.push_str(py::rstrip(&agent.body));
    let role = py::rstrip(&role);
    let out = format!(
        "version: 1\nagent:\n  extend: default\n  name: {}\n  system_prompt_args:\n    ROLE_ADDITIONAL: |-\n{}",
        json_string(&agent.name),
        yaml_block(role, 6)
    );
    (out, dropped)
}

/// The YAML block scalar body: each line indented, blank lines as bare indentation.
fn yaml_block(value: &str, indent: usize) -> String {
    let value = value.trim_end_matches('\n');
    let pad = " ".repeat(indent);
    if value.is_empty() {
        return format!("{pad}\n");
    }
    let lines: Vec<String> =
        value.split('\n').map(|line| if line.is_empty() { pad.clone() } else { format!("{pad}{line}") }).collect();
    format!("{}\n", lines.join("\n"))
}

/// A JSON string (which YAML reads as a double-quoted scalar), non-ASCII kept as is — Python's
/// `json.dumps(value, ensure_ascii=False)`.
fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
