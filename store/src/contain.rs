//! The one containment check: every folder the store writes into, or reads another program's
//! files from, is resolved here and proven to lie inside its allowed root (docs/ARCHITECTURE.md,
//! the "nothing lost" table's allowed-root row). Nothing else decides where a write may go.
//!
//! | root | what | checked by |
//! |---|---|---|
//! | working files | `.memtomem/<type>/<name>…` built from a checked name, or the target of a symlinked artifact folder or working file (the one exception) | `layout` (paths only ever from [`model::validate_name`]d names) |
//! | history and trash | the project's history folder, resolved once at start, never entered through a link inside it | `History::dir_for` (`history.rs`) |
//! | runtime folders | inside the project, never resolving into `.memtomem/` | [`runtime_dir`] |
//! | import sources | inside the project | [`import_source`] |

use std::fs;
use std::path::{Component, Path, PathBuf};

/// Why a folder or file is not inside its root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outside {
    /// It leads out of the project through a symbolic link.
    Project,
    /// It leads into the canonical store (`.memtomem/` or one of its type folders).
    Canonical,
}

/// `path` with every existing part resolved (links followed) and the missing tail appended as
/// written; `path` must be absolute and hold no `..`.
fn resolve(path: &Path) -> Option<PathBuf> {
    if path.components().any(|c| matches!(c, Component::ParentDir)) {
        return None;
    }
    let mut existing = path.to_path_buf();
    let mut tail = Vec::new();
    loop {
        match fs::canonicalize(&existing) {
            Ok(real) => return Some(tail.iter().rev().fold(real, |dir: PathBuf, part| dir.join(part))),
            Err(_) => {
                tail.push(existing.file_name()?.to_owned());
                existing = existing.parent()?.to_path_buf();
            }
        }
    }
}

/// The real folders of the canonical store: `.memtomem/` and its type folders, each resolved (a
/// type folder may be a link to shared content elsewhere).
fn canonical_roots(memtomem: &Path) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = fs::canonicalize(memtomem).into_iter().collect();
    for kind in model::Kind::ALL {
        if let Ok(real) = fs::canonicalize(memtomem.join(kind.plural())) {
            roots.push(real);
        }
    }
    roots
}

/// A runtime folder (`rel`, e.g. `.claude/agents`) of the project at `root` (resolved): the
/// resolved folder when every part of it lies inside the project and none of it resolves into
/// the canonical store — sync writing through `.claude/agents -> ../.memtomem/agents` would
/// rewrite the canonical files themselves.
pub(crate) fn runtime_dir(root: &Path, memtomem: &Path, rel: &str) -> Result<PathBuf, Outside> {
    let lexical = root.join(rel);
    let real = resolve(&lexical).ok_or(Outside::Project)?;
    if !real.starts_with(root) {
        return Err(Outside::Project);
    }
    if canonical_roots(memtomem).iter().any(|canonical| real.starts_with(canonical)) {
        return Err(Outside::Canonical);
    }
    Ok(lexical)
}

/// A file or folder an import reads (a runtime's agent, command or skill folder): its resolved
/// path when it lies inside the project. `.claude/agents/x.md -> ~/secret` would otherwise copy
/// the secret into `.memtomem/`, a folder meant to be committed.
pub(crate) fn import_source(root: &Path, path: &Path) -> Result<PathBuf, Outside> {
    let real = fs::canonicalize(path).map_err(|_| Outside::Project)?;
    if real.starts_with(root) {
        Ok(real)
    } else {
        Err(Outside::Project)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn runtime_dirs_stay_inside_and_out_of_the_store() {
        let project = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(project.path()).unwrap();
        let outside = tempfile::tempdir().unwrap();
        let memtomem = root.join(".memtomem");
        fs::create_dir_all(memtomem.join("agents")).unwrap();
        fs::create_dir_all(root.join(".claude")).unwrap();
        fs::create_dir_all(root.join(".gemini")).unwrap();
        std::os::unix::fs::symlink("../.memtomem/agents", root.join(".claude/agents")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join(".gemini/agents")).unwrap();
        assert_eq!(runtime_dir(&root, &memtomem, ".claude/agents"), Err(Outside::Canonical));
        assert_eq!(runtime_dir(&root, &memtomem, ".gemini/agents"), Err(Outside::Project));
        assert_eq!(runtime_dir(&root, &memtomem, ".codex/agents"), Ok(root.join(".codex/agents")));
        assert_eq!(runtime_dir(&root, &memtomem, "../x"), Err(Outside::Project));
    }
}
