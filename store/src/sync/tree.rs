//! Skill folders as trees of bytes: what a canonical folder fans out to (memtomem's surface,
//! `runtimes::skills`), what a runtime folder holds now, and a staged copy to swap in.

use crate::write::is_temp_name;
use runtimes::skills;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Deeper folders than this are not copied (no real skill nests this far; a bound keeps a
/// pathological tree from exhausting the stack).
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Dir,
    File {
        bytes: Vec<u8>,
        mode: u32,
    },
    /// Only in trees read off a runtime folder: fan-out never writes links.
    Link,
    /// Only in trees read off a runtime folder: an entry that cannot be named in an answer (not
    /// UTF-8) or is neither file, folder nor link. Never reproduced, so never deleted.
    Unknown,
}

/// Relative path (`/`-separated) → node, sorted, so a folder always precedes its contents.
pub(crate) type Tree = BTreeMap<String, Node>;

/// The runtime copy of a canonical skill folder, `SKILL.md` replaced by `override_bytes`.
pub(crate) fn payload(folder: &Path, override_bytes: Option<&[u8]>) -> io::Result<Tree> {
    let mut tree = Tree::new();
    walk_payload(folder, "", 0, &mut tree)?;
    if let Some(bytes) = override_bytes {
        tree.insert(skills::MANIFEST.to_owned(), Node::File { bytes: bytes.to_vec(), mode: skills::OVERRIDE_MODE });
    }
    Ok(tree)
}

fn sorted_entries(dir: &Path) -> io::Result<Vec<(String, fs::DirEntry)>> {
    let mut entries: Vec<(String, fs::DirEntry)> = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        // A name that is not UTF-8 cannot be named in an answer; it is left out.
        if let Ok(name) = entry.file_name().into_string() {
            entries.push((name, entry));
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}/{name}")
    }
}

fn walk_payload(dir: &Path, prefix: &str, depth: usize, tree: &mut Tree) -> io::Result<()> {
    for (name, entry) in sorted_entries(dir)? {
        // ctxgate's own temp files are a save in flight, never content.
        if skills::copy_skips(&name) || is_temp_name(&name) || (depth == 0 && !skills::is_payload_top_name(&name)) {
            continue;
        }
        let file_type = entry.file_type()?;
        let rel = join(prefix, &name);
        if file_type.is_symlink() {
            continue;
        } else if file_type.is_file() {
            tree.insert(rel, Node::File { bytes: fs::read(entry.path())?, mode: skills::COPIED_MODE });
        } else if file_type.is_dir() && depth < MAX_DEPTH {
            tree.insert(rel.clone(), Node::Dir);
            walk_payload(&entry.path(), &rel, depth + 1, tree)?;
        }
    }
    Ok(())
}

/// Everything a runtime folder holds, links not followed.
pub(crate) fn existing(folder: &Path) -> io::Result<Tree> {
    let mut tree = Tree::new();
    walk_existing(folder, "", 0, &mut tree)?;
    Ok(tree)
}

fn walk_existing(dir: &Path, prefix: &str, depth: usize, tree: &mut Tree) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            // Kept under a name of its own, so the folder counts as holding something unknown.
            let rel = join(prefix, &entry.file_name().to_string_lossy());
            tree.insert(format!("{rel}\u{0}not-utf-8"), Node::Unknown);
            continue;
        };
        let meta = fs::symlink_metadata(entry.path())?;
        let rel = join(prefix, &name);
        if meta.file_type().is_symlink() {
            tree.insert(rel, Node::Link);
        } else if meta.is_file() {
            tree.insert(rel, Node::File { bytes: fs::read(entry.path())?, mode: meta.permissions().mode() & 0o7777 });
        } else if meta.is_dir() && depth < MAX_DEPTH {
            tree.insert(rel.clone(), Node::Dir);
            walk_existing(&entry.path(), &rel, depth + 1, tree)?;
        } else {
            // Too deep to read, or a socket, fifo or device: unknown, so the folder is kept.
            tree.insert(rel, Node::Unknown);
        }
    }
    Ok(())
}

/// Entries of `old` that `new` does not reproduce (the ones a swap would lose): files not
/// byte-identical there, links (fan-out never writes one) and unknown entries. Bytes are a
/// file's, empty for the others.
pub(crate) fn lost_files<'a>(old: &'a Tree, new: &Tree) -> Vec<(&'a str, &'a [u8])> {
    old.iter()
        .filter_map(|(rel, node)| match node {
            Node::File { bytes, .. } => match new.get(rel) {
                Some(Node::File { bytes: kept, .. }) if kept == bytes => None,
                _ => Some((rel.as_str(), bytes.as_slice())),
            },
            Node::Link | Node::Unknown => match new.get(rel) {
                Some(kept) if kept == node => None,
                _ => Some((rel.as_str(), &[][..])),
            },
            Node::Dir => None,
        })
        .collect()
}

/// Writes `tree` into a fresh folder beside `dst`, under ctxgate's temp name (`write.rs`: never a
/// name memtomem reaps, since after a swap this name holds the displaced original), and returns
/// it. Every file is fsynced; on failure nothing is left behind.
pub(crate) fn stage(parent: &Path, name: &str, tree: &Tree) -> io::Result<PathBuf> {
    let staging = crate::write::temp_path(parent, name);
    fs::create_dir(&staging)?;
    let written = (|| {
        for (rel, node) in tree {
            let path = staging.join(rel);
            match node {
                Node::Dir => fs::create_dir(&path)?,
                Node::File { bytes, mode } => crate::write::write_staged_file(&path, bytes, *mode)?,
                Node::Link | Node::Unknown => {}
            }
        }
        crate::write::fsync_dir(&staging)
    })();
    match written {
        Ok(()) => Ok(staging),
        Err(err) => {
            let _ = fs::remove_dir_all(&staging);
            Err(err)
        }
    }
}

/// memtomem's drift test for a synced skill (`_skill_effective_equal`): caches, `.git` and links
/// are ignored on both sides, the store's own top-level entries on the canonical side only, and
/// the top-level `SKILL.md` compares against the override when there is one. Modes are not
/// compared; folders (empty ones too) must exist on both sides.
pub(crate) fn effective_equal(canonical: &Path, runtime: &Path, override_bytes: Option<&[u8]>) -> io::Result<bool> {
    effective_equal_at(canonical, runtime, override_bytes, true)
}

fn effective_equal_at(canonical: &Path, runtime: &Path, override_bytes: Option<&[u8]>, top: bool) -> io::Result<bool> {
    if !(canonical.is_dir() && runtime.is_dir()) {
        return Ok(false);
    }
    let names = |dir: &Path, is_canonical: bool| -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        for (name, entry) in sorted_entries(dir)? {
            if skills::copy_skips(&name) || entry.file_type()?.is_symlink() {
                continue;
            }
            if top && is_canonical && !skills::is_payload_top_name(&name) {
                continue;
            }
            out.push(name);
        }
        Ok(out)
    };
    let canonical_names = names(canonical, true)?;
    if canonical_names != names(runtime, false)? {
        return Ok(false);
    }
    for name in canonical_names {
        let (c, r) = (canonical.join(&name), runtime.join(&name));
        if c.is_file() && r.is_file() {
            let expected = match override_bytes {
                Some(bytes) if top && name == skills::MANIFEST => bytes.to_vec(),
                _ => fs::read(&c)?,
            };
            if expected != fs::read(&r)? {
                return Ok(false);
            }
        } else if c.is_dir() && r.is_dir() {
            if !effective_equal_at(&c, &r, None, false)? {
                return Ok(false);
            }
        } else {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The copy an import makes of a runtime skill folder: everything but caches, `.git` and links,
/// files with mode 0644 (memtomem's wide copier surface).
pub(crate) fn import_copy(folder: &Path) -> io::Result<Tree> {
    let mut tree = Tree::new();
    walk_import(folder, "", 0, &mut tree)?;
    Ok(tree)
}

fn walk_import(dir: &Path, prefix: &str, depth: usize, tree: &mut Tree) -> io::Result<()> {
    for (name, entry) in sorted_entries(dir)? {
        if skills::copy_skips(&name) {
            continue;
        }
        let file_type = entry.file_type()?;
        let rel = join(prefix, &name);
        if file_type.is_file() {
            tree.insert(rel, Node::File { bytes: fs::read(entry.path())?, mode: skills::COPIED_MODE });
        } else if file_type.is_dir() && depth < MAX_DEPTH {
            tree.insert(rel.clone(), Node::Dir);
            walk_import(&entry.path(), &rel, depth + 1, tree)?;
        }
    }
    Ok(())
}
