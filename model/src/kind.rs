//! The three artifact types and where their working files live (docs/USING.md, "Next to memtomem").

use serde::{Deserialize, Serialize};

/// `skills`, `agents`, `commands`; URLs and JSON use the plural words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Skills,
    Agents,
    Commands,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Skills, Kind::Agents, Kind::Commands];

    /// `skills` / `agents` / `commands`; anything else is not a type.
    pub fn from_plural(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.plural() == word)
    }

    pub fn plural(self) -> &'static str {
        match self {
            Kind::Skills => "skills",
            Kind::Agents => "agents",
            Kind::Commands => "commands",
        }
    }

    /// `skill` / `agent` / `command`, for messages.
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Skills => "skill",
            Kind::Agents => "agent",
            Kind::Commands => "command",
        }
    }

    /// The working file's name inside an artifact folder.
    pub fn folder_file(self) -> &'static str {
        match self {
            Kind::Skills => "SKILL.md",
            Kind::Agents => "agent.md",
            Kind::Commands => "command.md",
        }
    }

    /// Skills exist only as folders; agents and commands also as legacy flat `<name>.md`.
    pub fn has_flat_layout(self) -> bool {
        !matches!(self, Kind::Skills)
    }
}
