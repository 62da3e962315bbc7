//! The runtimes memtomem 0.6.12 fans out to, per artifact type, in its order (which is the order
//! of every list it answers).

use model::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Runtime {
    /// `claude_skills`, `codex_agents`, …: the label in every answer.
    pub label: &'static str,
    /// The override file's stem: `overrides/<vendor>.<override_ext>`.
    pub vendor: &'static str,
    /// The runtime folder, relative to the project root.
    pub dir: &'static str,
    /// Agents and commands: the rendered file's suffix (`.md`, `.toml`, `.yaml`); skills: "".
    pub suffix: &'static str,
    pub override_ext: &'static str,
    /// memtomem imports from this runtime (the others are export-only).
    pub importable: bool,
}

const fn rt(
    label: &'static str,
    vendor: &'static str,
    dir: &'static str,
    suffix: &'static str,
    override_ext: &'static str,
    importable: bool,
) -> Runtime {
    Runtime { label, vendor, dir, suffix, override_ext, importable }
}

const SKILLS: [Runtime; 4] = [
    rt("claude_skills", "claude", ".claude/skills", "", "md", true),
    rt("gemini_skills", "gemini", ".gemini/skills", "", "md", true),
    rt("codex_skills", "codex", ".agents/skills", "", "md", true),
    rt("kimi_skills", "kimi", ".kimi/skills", "", "md", true),
];

const AGENTS: [Runtime; 4] = [
    rt("claude_agents", "claude", ".claude/agents", ".md", "md", true),
    rt("gemini_agents", "gemini", ".gemini/agents", ".md", "md", true),
    rt("codex_agents", "codex", ".codex/agents", ".toml", "toml", false),
    rt("kimi_agents", "kimi", ".kimi/agents", ".yaml", "yaml", false),
];

const COMMANDS: [Runtime; 2] = [
    rt("claude_commands", "claude", ".claude/commands", ".md", "md", true),
    rt("gemini_commands", "gemini", ".gemini/commands", ".toml", "toml", true),
];

/// The runtimes of one artifact type, in memtomem's order.
pub fn runtimes(kind: Kind) -> &'static [Runtime] {
    match kind {
        Kind::Skills => &SKILLS,
        Kind::Agents => &AGENTS,
        Kind::Commands => &COMMANDS,
    }
}
