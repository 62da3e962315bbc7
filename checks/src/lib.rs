//! Which runtime will refuse a context file, and why (docs/CHECKS.md). One input (type, name,
//! text), one output: diagnostics pointing at the offending key or value. Pure: no IO, so the
//! server, the CLI and the browser's wasm share exactly one copy of every rule.

mod agent;
mod command;
mod dropped;
mod front;
mod map;
pub mod rules;
mod skill;
mod yaml;

use model::Kind;
use serde::{Deserialize, Serialize};

pub use rules::{rt, Rule, RULES};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding. `line` and `column` are 1-based (columns in characters) and point at the key or
/// value at fault; a missing field is reported at line 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// For an error, the runtimes that will not load the file; for a warning, those it concerns.
    pub runtimes: Vec<String>,
}

/// Errors and warnings counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub errors: u32,
    pub warnings: u32,
}

pub fn counts(diagnostics: &[Diagnostic]) -> Counts {
    let mut counts = Counts::default();
    for d in diagnostics {
        match d.severity {
            Severity::Error => counts.errors += 1,
            Severity::Warning => counts.warnings += 1,
        }
    }
    counts
}

/// The rules an error-free load by `runtime` breaks: empty means that runtime loads the file.
pub fn refused_by<'a>(diagnostics: &'a [Diagnostic], runtime: &str) -> Vec<&'a str> {
    let mut rules: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.runtimes.iter().any(|r| r == runtime))
        .map(|d| d.rule.as_str())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    rules
}

/// Collects diagnostics for one artifact.
pub(crate) struct Report {
    kind: Kind,
    out: Vec<Diagnostic>,
}

impl Report {
    /// Adds a diagnostic of rule `id` naming the rule's runtimes.
    pub(crate) fn add(&mut self, id: &'static str, at: yaml::Pos, detail: impl Into<String>) {
        let Some(rule) = rules::find(id) else { return };
        let runtimes = rule.runtimes.iter().map(|r| (*r).to_owned()).collect();
        self.push(rule, at, detail.into(), runtimes);
    }

    /// Adds a diagnostic naming exactly `runtimes`.
    pub(crate) fn add_for(
        &mut self,
        id: &'static str,
        at: yaml::Pos,
        detail: impl Into<String>,
        runtimes: Vec<String>,
    ) {
        if let Some(rule) = rules::find(id) {
            self.push(rule, at, detail.into(), runtimes);
        }
    }

    fn push(&mut self, rule: &Rule, at: yaml::Pos, detail: String, runtimes: Vec<String>) {
        let message = if detail.is_empty() { rule.what.to_owned() } else { format!("{}: {detail}", rule.what) };
        self.out.push(Diagnostic {
            rule: rule.id.to_owned(),
            severity: rule.severity,
            line: at.line,
            column: at.column,
            message,
            runtimes,
        });
    }
}

pub(crate) const LINE_1: yaml::Pos = yaml::Pos { line: 1, column: 1 };

/// Checks one artifact. `name` is the artifact's name in the store (a skill's folder, an agent's
/// or command's file stem); `text` is its working file.
pub fn check(kind: Kind, name: &str, text: &str) -> Vec<Diagnostic> {
    let mut report = Report { kind, out: Vec::new() };
    let front = front::split(text);
    let fields = match kind {
        Kind::Skills => skill_frontmatter(&mut report, &front),
        Kind::Agents => agent_frontmatter(&mut report, &front),
        Kind::Commands => command_frontmatter(&mut report, &front),
    };
    match kind {
        Kind::Skills => skill::check(&mut report, name, fields.as_ref(), front.body),
        Kind::Agents => agent::check(&mut report, fields.as_ref()),
        Kind::Commands => command::check(&mut report, fields.as_ref()),
    }
    let mut out = report.out;
    out.sort_by(|a, b| (a.line, a.column, &a.rule).cmp(&(b.line, b.column, &b.rule)));
    out
}

/// [`check`] of raw bytes: a file that is not UTF-8 is an error for the loaders that refuse it,
/// and the rest is checked as they would decode it.
pub fn check_bytes(kind: Kind, name: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => check(kind, name, text),
        Err(_) => {
            let mut out = check(kind, name, &String::from_utf8_lossy(bytes));
            if kind == Kind::Skills {
                let mut report = Report { kind, out: Vec::new() };
                report.add("file-not-utf8", LINE_1, "");
                out.splice(0..0, report.out);
            }
            out
        }
    }
}

fn pos(line: u32) -> yaml::Pos {
    yaml::Pos { line, column: 1 }
}

/// Skills' loaders look for `---` on line 1, alone on its line, and parse strict YAML.
fn skill_frontmatter(report: &mut Report, front: &front::Front<'_>) -> Option<map::Fields> {
    if front.bom {
        report.add("frontmatter-bom", LINE_1, "");
    }
    if front.blank_lines > 0 && front.block != front::Block::Missing {
        report.add("frontmatter-first-line", LINE_1, format!("{} blank line(s) come first", front.blank_lines));
    }
    for &line in &front.spaced_fences {
        report.add("frontmatter-fence-space", pos(line), "");
    }
    if let Some(line) = front.indented_close {
        report.add("frontmatter-indented-fence", pos(line), "");
    }
    match &front.block {
        front::Block::Missing => {
            report.add("frontmatter-missing", LINE_1, "");
            None
        }
        front::Block::Unclosed { line } => {
            report.add("frontmatter-unclosed", pos(*line), "");
            None
        }
        front::Block::Closed { yaml, first_line, .. } => map::read(report, yaml, *first_line),
    }
}

/// Claude Code finds an agent's frontmatter only on line 1 (a BOM is skipped) and reads it
/// leniently; Qwen Code reads the same files strictly.
fn agent_frontmatter(report: &mut Report, front: &front::Front<'_>) -> Option<map::Fields> {
    if front.bom {
        report.add("agent-frontmatter-bom", LINE_1, "");
    }
    for &line in &front.spaced_fences {
        report.add("agent-fence-space", pos(line), "");
    }
    match &front.block {
        front::Block::Missing => {
            report.add("agent-frontmatter-missing", LINE_1, "");
            None
        }
        _ if front.blank_lines > 0 => {
            report.add("agent-frontmatter-missing", LINE_1, format!("{} blank line(s) come first", front.blank_lines));
            None
        }
        front::Block::Unclosed { line } => {
            report.add("agent-frontmatter-unclosed", pos(*line), "");
            None
        }
        front::Block::Closed { yaml, first_line, .. } => map::read(report, yaml, *first_line),
    }
}

/// A command needs no frontmatter; a block Claude Code does not see as one is part of the prompt.
fn command_frontmatter(report: &mut Report, front: &front::Front<'_>) -> Option<map::Fields> {
    match &front.block {
        front::Block::Missing => None,
        front::Block::Unclosed { line } => {
            report.add("command-frontmatter-ignored", pos(*line), "it is never closed");
            None
        }
        _ if front.bom || front.blank_lines > 0 => {
            report.add("command-frontmatter-ignored", LINE_1, "the `---` is not the file's first line");
            None
        }
        front::Block::Closed { yaml, first_line, .. } => map::read(report, yaml, *first_line),
    }
}
