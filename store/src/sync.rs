//! Sync to the agent runtimes (docs/DECISIONS.md, "Sync to agent runtimes"): memtomem's "push"
//! (canonical → `.claude/`, `.gemini/`, `.codex/`, `.agents/`, `.kimi/`), its per-runtime statuses
//! and diff, and its "pull" (import, in `sync/import.rs`). What is written is byte for byte what
//! memtomem 0.6.12 writes (the rules live in the `runtimes` crate); the order of every answer's
//! rows is memtomem's too.
//!
//! Where ctxgate differs on purpose:
//! - a runtime file that sync replaces with different content is kept in history first (reason
//!   `sync`, with the runtime), and listed under `replaced`; a displaced skill folder is kept
//!   whole. memtomem overwrites silently;
//! - a runtime folder that leads out of the project (a symlink) is refused, not written through;
//! - every runtime file is written under the runtime's lock `.<runtime dir>/.<name>.lock`
//!   (memtomem locks skill folders only) and atomically (temp, fsync, rename or swap); a file
//!   that already holds the right bytes is not rewritten;
//! - skip reasons name paths relative to the project, never absolute ones.
//!
//! One room per job: `push.rs` writes the runtime copies (`Store::sync`), `status.rs` compares
//! them for the list (`Store::listing`, `Store::runtime_statuses`), `diff.rs` shows one item
//! against them (`Store::runtime_diff`), `import.rs` pulls runtime-only items in, and `tree.rs`
//! reads and stages skill folders. This file holds their answer types and what they share: the
//! canonical listings, reading a canonical file, override paths. Every temp write and folder
//! fsync goes through `write.rs`.

mod diff;
mod import;
mod push;
mod status;
pub(crate) mod tree;

pub use import::{ImportReport, ImportSkip, Imported};

use crate::{layout, write, Kind, Store};
use model::{HistoryId, SyncStatus};
use runtimes::{Parsed, Runtime};
use std::fs;
use std::path::{Path, PathBuf};

/// One file or folder sync wrote (or found already right).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub runtime: String,
    /// Relative to the project root.
    pub path: String,
}

/// Canonical fields a runtime's format could not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub runtime: String,
    pub name: String,
    pub fields: Vec<String>,
}

/// A row sync did not write. `runtime` holds what memtomem puts there: a runtime label, an
/// artifact name, a canonical file name, or `<all>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub runtime: String,
    pub reason: String,
    pub reason_code: String,
}

/// A runtime file that held other bytes before sync replaced (or removed) it; its bytes are in
/// history under `history_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacedFile {
    pub runtime: String,
    pub path: String,
    pub history_id: HistoryId,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub generated: Vec<Generated>,
    pub dropped: Vec<Dropped>,
    pub skipped: Vec<Skipped>,
    pub replaced: Vec<ReplacedFile>,
}

/// One (runtime, name) status, in memtomem's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    pub runtime: &'static str,
    pub name: String,
    pub status: SyncStatus,
    /// Why, for `parse error` and `invalid name`.
    pub reason: Option<String>,
}

/// One runtime's side of an item's diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeDiff {
    pub runtime: &'static str,
    pub status: SyncStatus,
    pub reason: Option<String>,
    /// What sync would write (agents and commands).
    pub expected_content: Option<String>,
    pub runtime_content: Option<String>,
}

/// `GET /api/context/{type}/{name}/diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDiff {
    pub name: String,
    pub canonical_content: Option<String>,
    pub canonical_path: Option<String>,
    pub runtimes: Vec<RuntimeDiff>,
}

/// One row of a listing with runtime statuses: a canonical artifact (`entry`) or, after all of
/// them, a name only the runtimes have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedItem {
    pub name: String,
    pub entry: Option<crate::Entry>,
    pub runtimes: Vec<(&'static str, SyncStatus)>,
}

/// A canonical agent or command file as memtomem enumerates it.
struct Canonical {
    /// The file stem (flat) or folder name: the artifact's name in listings.
    key: String,
    path: PathBuf,
}

impl Canonical {
    fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// A canonical file read and parsed (once, however many runtimes it renders for).
enum Loaded {
    Parsed(Parsed),
    Unreadable(String),
    Invalid(String),
}

/// Lenient text, as memtomem reads canonical and runtime files (invalid UTF-8 → U+FFFD).
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn stem_of(file_name: &str, suffix: &str) -> Option<String> {
    file_name.strip_suffix(suffix).filter(|stem| !stem.is_empty()).map(str::to_owned)
}

impl Store {
    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).to_string_lossy().into_owned()
    }

    /// memtomem's canonical listing of agents or commands: flat `<n>.md` files and `<n>/<file>`
    /// folders (the folder wins), sorted by name; names are not checked here — a bad one is a
    /// parse error row, as in memtomem.
    fn atomic_canonicals(&self, kind: Kind) -> Vec<Canonical> {
        let dir = layout::type_dir(&self.memtomem, kind);
        let Ok(entries) = fs::read_dir(&dir) else { return Vec::new() };
        let mut found: std::collections::BTreeMap<String, PathBuf> = std::collections::BTreeMap::new();
        let mut flat = Vec::new();
        for entry in entries.flatten() {
            let Ok(name) = entry.file_name().into_string() else { continue };
            let path = entry.path();
            if runtimes::is_internal_artifact_dir(&name) || write::is_temp_name(&name) {
                continue;
            }
            if path.is_dir() {
                let file = path.join(kind.folder_file());
                if file.is_file() {
                    found.insert(name, file);
                }
            } else if let Some(stem) = stem_of(&name, ".md").filter(|_| path.is_file()) {
                if !runtimes::is_internal_artifact_dir(&stem) {
                    flat.push((stem, path));
                }
            }
        }
        for (stem, path) in flat {
            found.entry(stem).or_insert(path);
        }
        found.into_iter().map(|(key, path)| Canonical { key, path }).collect()
    }

    /// memtomem's canonical skills: folders with a `SKILL.md`, valid names only, sorted.
    fn skill_canonicals(&self) -> Vec<String> {
        let dir = layout::type_dir(&self.memtomem, Kind::Skills);
        let Ok(entries) = fs::read_dir(&dir) else { return Vec::new() };
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| {
                // A temp folder (a copy on its way in) is never a skill, whatever memtomem's rule says.
                runtimes::memtomem_name_ok(name)
                    && !write::is_temp_name(name)
                    && dir.join(name).join(runtimes::skills::MANIFEST).is_file()
            })
            .collect();
        names.sort();
        names
    }

    fn load(&self, kind: Kind, canonical: &Canonical) -> Loaded {
        match fs::read(&canonical.path) {
            Err(err) => Loaded::Unreadable(format!("unreadable: {} ({err})", self.rel(&canonical.path))),
            Ok(bytes) => match runtimes::parse(kind, &lossy(&bytes), &canonical.key) {
                Some(Ok(parsed)) => Loaded::Parsed(parsed),
                Some(Err(err)) => Loaded::Invalid(format!("{err} ({})", self.rel(&canonical.path))),
                None => Loaded::Invalid("skills are not parsed".into()),
            },
        }
    }

    /// `.memtomem/<type>/<name>/overrides/<vendor>.<ext>` when it is a file.
    pub(crate) fn override_path(&self, kind: Kind, name: &str, runtime: &Runtime) -> Option<PathBuf> {
        let path = layout::folder_path(&self.memtomem, kind, name)
            .join("overrides")
            .join(format!("{}.{}", runtime.vendor, runtime.override_ext));
        path.is_file().then_some(path)
    }
}
