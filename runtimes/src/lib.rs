//! Rendering canonical artifacts for the agent runtimes
//! (docs/USING.md, "Sync to the agent runtimes"), byte for byte as memtomem 0.6.12 does: its
//! frontmatter reader, the per-runtime field rules, the TOML and YAML shapes, the skill fan-out
//! surface and the runtime table. Pure: no IO, so the store (which does the reading, locking and
//! writing) and the tests share exactly one copy of every rule.

pub mod agents;
pub mod commands;
pub mod frontmatter;
mod names;
pub mod py;
pub mod skills;
mod targets;
mod toml_out;

pub use names::{is_internal_artifact_dir, memtomem_name_ok, name_problem};
pub use targets::{runtimes, Runtime};

use model::Kind;

/// Why a canonical agent or command does not render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    MissingFrontmatter,
    InvalidName { name: String, reason: String },
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::MissingFrontmatter => f.write_str("missing YAML frontmatter"),
            ParseError::InvalidName { name, reason } => write!(f, "invalid name {name:?}: {reason}"),
        }
    }
}

/// A parsed canonical agent or command.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Agent(agents::SubAgent),
    Command(commands::SlashCommand),
}

impl Parsed {
    /// The name the runtime files are written under (the frontmatter's, else the file's).
    pub fn name(&self) -> &str {
        match self {
            Parsed::Agent(agent) => &agent.name,
            Parsed::Command(cmd) => &cmd.name,
        }
    }
}

/// Parses a canonical agent or command (skills are copied, not parsed). `content` is the file
/// decoded leniently (invalid UTF-8 → U+FFFD, as memtomem reads it).
pub fn parse(kind: Kind, content: &str, default_name: &str) -> Option<Result<Parsed, ParseError>> {
    match kind {
        Kind::Agents => Some(agents::parse(content, default_name).map(Parsed::Agent)),
        Kind::Commands => Some(commands::parse(content, default_name).map(Parsed::Command)),
        Kind::Skills => None,
    }
}

/// The canonical fields memtomem reads beyond `name` and `description`, per type; any other key
/// is written by no rendering.
pub fn canonical_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Agents => &["tools", "model", "skills", "isolation", "kind", "temperature"],
        Kind::Commands => &["argument-hint", "allowed-tools", "model"],
        Kind::Skills => &[],
    }
}

/// The canonical fields one runtime's rendering carries; the rest of [`canonical_fields`] is what
/// [`render`] reports `dropped` when set (a test holds the two together). A table, so the browser's
/// checks know it without linking the renderers.
pub fn carried(kind: Kind, vendor: &str) -> &'static [&'static str] {
    match (kind, vendor) {
        (Kind::Agents, "claude") => &["tools", "model", "skills", "isolation"],
        (Kind::Agents, "gemini") => &["tools", "model", "kind", "temperature"],
        (Kind::Agents, "codex") => &["model"],
        (Kind::Commands, "claude") => &["argument-hint", "allowed-tools", "model"],
        _ => &[],
    }
}

/// The file one runtime gets for a parsed item and the canonical fields it could not carry.
pub fn render(runtime: &Runtime, item: &Parsed) -> (String, Vec<&'static str>) {
    match (item, runtime.vendor) {
        (Parsed::Agent(agent), "claude") => agents::to_claude(agent),
        (Parsed::Agent(agent), "gemini") => agents::to_gemini(agent),
        (Parsed::Agent(agent), "codex") => agents::to_codex(agent),
        (Parsed::Agent(agent), _) => agents::to_kimi(agent),
        (Parsed::Command(cmd), "claude") => commands::to_claude(cmd),
        (Parsed::Command(cmd), _) => commands::to_gemini(cmd),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field set: what each rendering drops is exactly what its table does not carry.
    #[test]
    fn the_carried_table_is_what_the_renderers_do() {
        let agent = "---\nname: a\ndescription: d\ntools: [Read]\nmodel: sonnet\nskills: [s]\n\
                     isolation: worktree\nkind: local\ntemperature: 0.2\n---\nBody\n";
        let command = "---\ndescription: d\nargument-hint: \"[x]\"\nallowed-tools: [Read]\nmodel: haiku\n---\nBody\n";
        for (kind, text) in [(Kind::Agents, agent), (Kind::Commands, command)] {
            let Some(Ok(item)) = parse(kind, text, "a") else { panic!("{kind:?} does not parse") };
            for rt in runtimes(kind) {
                let (_, dropped) = render(rt, &item);
                let expected: Vec<&str> =
                    canonical_fields(kind).iter().copied().filter(|f| !carried(kind, rt.vendor).contains(f)).collect();
                let mut dropped = dropped;
                dropped.sort_unstable();
                let mut expected = expected;
                expected.sort_unstable();
                assert_eq!(dropped, expected, "{}", rt.label);
            }
        }
    }
}
