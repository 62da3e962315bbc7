//! The frontmatter's top-level keys, read strictly (YAML) or, for commands that are not strict
//! YAML, the way Claude Code reads them: one `key: value` per line.

use crate::yaml::{self, Node, Pos, Scalar};
use crate::Report;
use model::Kind;

#[derive(Debug, Default)]
pub struct Fields {
    /// Top-level keys in file order: the key's place and its value.
    pub entries: Vec<(String, Pos, Node)>,
}

impl Fields {
    /// The value of `key` (the last one, as YAML readers that allow duplicates keep it).
    pub fn get(&self, key: &str) -> Option<(Pos, &Node)> {
        self.entries.iter().rev().find(|(k, ..)| k == key).map(|(_, at, node)| (*at, node))
    }
}

pub fn read(report: &mut Report, text: &str, first_line: u32) -> Option<Fields> {
    let parsed = match yaml::parse(text, first_line) {
        Ok(parsed) => parsed,
        Err(err) => {
            match report.kind {
                Kind::Skills => report.add(syntax_rule(text, first_line, &err), err.at, err.message),
                // Claude Code reads agents and commands line by line when YAML fails.
                Kind::Agents => report.add("agent-yaml-strict", err.at, err.message),
                Kind::Commands => report.add("command-yaml-strict", err.at, err.message),
            }
            return (report.kind != Kind::Skills).then(|| lenient(text, first_line));
        }
    };
    for dup in &parsed.duplicates {
        let rule = match report.kind {
            Kind::Skills => "frontmatter-duplicate-key",
            Kind::Agents => "agent-duplicate-key",
            Kind::Commands => "duplicate-key",
        };
        report.add(rule, dup.at, format!("`{}`", dup.key));
    }
    match parsed.root {
        None => Some(Fields::default()),
        Some(Node::Map(entries, _)) => Some(Fields {
            entries: entries
                .into_iter()
                .filter_map(|e| {
                    let key = e.key.as_scalar()?;
                    Some((key.text.clone(), key.at, e.value))
                })
                .collect(),
        }),
        Some(other) => {
            let rule = match report.kind {
                Kind::Skills => "frontmatter-not-map",
                Kind::Agents => "agent-frontmatter-not-map",
                Kind::Commands => "command-frontmatter-ignored",
            };
            report.add(rule, other.at(), format!("it is {}", other.describe()));
            None
        }
    }
}

/// Which kind of syntax error: loaders that patch up an unquoted `: ` or tolerate tabs differ
/// from those that refuse any error (docs/CHECKS.md, "Skills").
fn syntax_rule(text: &str, first_line: u32, err: &yaml::SyntaxError) -> &'static str {
    let index = err.at.line.saturating_sub(first_line) as usize;
    let Some(line) = text.lines().nth(index) else { return "frontmatter-yaml" };
    let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
    if indent.contains('\t') {
        return "frontmatter-yaml-tab";
    }
    match line.chars().nth(err.at.column.saturating_sub(1) as usize) {
        Some(':') => "frontmatter-yaml-colon",
        _ => "frontmatter-yaml",
    }
}

/// `key: rest of the line` for each unindented line; the value is the raw text.
fn lenient(text: &str, first_line: u32) -> Fields {
    let mut fields = Fields::default();
    for (i, line) in text.lines().enumerate() {
        let line_no = first_line.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else { continue };
        let trimmed = value.trim_start();
        let column = key.chars().count() + 1 + (value.chars().count() - trimmed.chars().count()) + 1;
        let at = Pos { line: line_no, column: u32::try_from(column).unwrap_or(u32::MAX) };
        let value = Node::Scalar(Scalar { text: unquote(trimmed), plain: true, tag: None, at });
        fields.entries.push((key.trim().to_owned(), Pos { line: line_no, column: 1 }, value));
    }
    fields
}

/// A lenient value as Claude Code takes it: without a trailing ` # comment` and without the
/// quotes around it.
fn unquote(value: &str) -> String {
    let value = value.trim_end();
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote).and_then(|v| v.strip_suffix(quote)) {
            return inner.to_owned();
        }
    }
    match value.find(" #") {
        Some(at) => value[..at].trim_end().to_owned(),
        None => value.to_owned(),
    }
}
