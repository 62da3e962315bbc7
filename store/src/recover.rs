//! After a crash: what is left under ctxgate's temp names (`write.rs`) is kept, never lost.
//!
//! A temp name can hold a save's new bytes that never landed, a version a swap displaced but
//! had not yet moved into history, or a runtime folder sync displaced. Nothing here can tell
//! which, so the rule is one: **a leftover is deleted only when its bytes are kept elsewhere**
//! (the working file, or a history entry of its artifact); otherwise it is moved or copied into
//! history first (reason `recovered`, or the runtime's entry). Every leftover is handled under
//! the locks its writer held while it existed, so a live writer's temp is never touched: a lock
//! that stays busy leaves the leftover for the next start.

use crate::history::{Reason, Version};
use crate::lock::name_lock_path;
use crate::sync::tree;
use crate::{contain, etag_of, layout, mtime_ns, write, Kind, Store};
use runtimes::Runtime;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How long the sweep waits for a lock: a holder is a live writer, whose temps are its own.
const SWEEP_LOCK_WAIT: Duration = Duration::from_secs(2);

/// Entries of `dir` under a temp name, with the name they stand in for.
fn leftovers(dir: &Path) -> Vec<(PathBuf, String)> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<(PathBuf, String)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let owner = write::temp_owner(&name)?.to_owned();
            Some((e.path(), owner))
        })
        .collect();
    out.sort();
    out
}

impl Store {
    /// Recovers what crashed writers left under temp names (docs/DECISIONS.md, "Temp sweeps"),
    /// in the canonical store and in every runtime folder inside the project, each under its
    /// writer's locks. Called once, after the port is bound. Returns how many leftovers were
    /// removed (each after its bytes were found, or put, in history).
    pub fn sweep_stale_temps(&self) -> usize {
        let mut removed = 0;
        for kind in Kind::ALL {
            removed += self.recover_canonical(kind);
        }
        for kind in Kind::ALL {
            for runtime in runtimes::runtimes(kind) {
                let Ok(dir) = contain::runtime_dir(&self.root, &self.memtomem, runtime.dir) else { continue };
                let names: BTreeSet<String> =
                    leftovers(&dir).into_iter().filter_map(|(_, owner)| runtime_name(runtime, &owner)).collect();
                for name in names {
                    let target = dir.join(format!("{name}{}", runtime.suffix));
                    let deadline = Instant::now() + SWEEP_LOCK_WAIT;
                    if let Ok(_held) = self.runtime_lock(&dir, &name, &target, deadline) {
                        removed += self.recover_runtime_leftovers(kind, runtime, &dir, &name);
                    }
                }
            }
        }
        removed
    }

    /// The canonical type folder, its artifact folders, and the real folders of symlinked
    /// working files — each only when it resolves inside the project.
    fn recover_canonical(&self, kind: Kind) -> usize {
        let inside = |dir: &Path| fs::canonicalize(dir).is_ok_and(|real| real.starts_with(&self.root));
        let type_dir = layout::type_dir(&self.memtomem, kind);
        if !inside(&type_dir) {
            return 0;
        }
        let mut removed = 0;
        for (path, owner) in leftovers(&type_dir) {
            let Ok(meta) = fs::symlink_metadata(&path) else { continue };
            if meta.is_file() {
                // A flat working file's temp: `.<name>.md.ctxgate-tmp-…`.
                if let Some(name) = owner.strip_suffix(".md").filter(|n| model::validate_name(n).is_ok()) {
                    removed += self.recover_canonical_file(kind, name, &path);
                }
            } else if meta.is_dir() && model::validate_name(&owner).is_ok() {
                // A folder copy on its way in (an import's staging, a restore across file
                // systems): to the trash, where it can be restored and expires on its own.
                removed += self.recover_canonical_folder(kind, &owner, &path);
            }
        }
        let Ok(entries) = fs::read_dir(&type_dir) else { return removed };
        for entry in entries.flatten() {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            if model::validate_name(&name).is_err() {
                continue;
            }
            let folder = entry.path();
            if folder.is_dir() && inside(&folder) {
                for (path, owner) in leftovers(&folder) {
                    if owner == kind.folder_file() && fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                        removed += self.recover_canonical_file(kind, &name, &path);
                    }
                }
            }
            // A symlinked working file keeps its temps beside its target.
            let file = if folder.is_dir() { folder.join(kind.folder_file()) } else { folder.clone() };
            let Some(name) = (if folder.is_dir() { Some(name.as_str()) } else { name.strip_suffix(".md") }) else {
                continue;
            };
            let Ok(target) = write::write_target(&file) else { continue };
            let (Some(parent), Some(target_name)) = (target.parent(), target.file_name().and_then(|n| n.to_str()))
            else {
                continue;
            };
            if parent != folder && parent != type_dir && inside(parent) {
                for (path, owner) in leftovers(parent) {
                    if owner == target_name && fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                        removed += self.recover_canonical_file(kind, name, &path);
                    }
                }
            }
        }
        removed
    }

    /// One leftover file of artifact `name`, under the artifact's locks.
    fn recover_canonical_file(&self, kind: Kind, name: &str, temp: &Path) -> usize {
        let Some(_held) = self.sweep_lock(kind, name) else { return 0 };
        let Ok(bytes) = fs::read(temp) else { return 0 };
        let Ok(meta) = fs::symlink_metadata(temp) else { return 0 };
        let etag = etag_of(&bytes);
        let live = crate::locate(&self.memtomem, kind, name).and_then(|l| fs::read(l.file).ok());
        // An old entry with these bytes does not count: retention may drop it soon (history.rs).
        let kept = live.as_deref() == Some(&bytes[..])
            || self.history.recent_with(kind, name, &etag, crate::history::REUSE_WITHIN).is_some();
        if !kept {
            let version = Version { bytes: &bytes, etag: &etag, mtime: mtime_ns(&meta) };
            if let Err(err) = self.history.keep_bytes((kind, name), Reason::Recovered, version) {
                tracing::warn!(target: "ctxgate::store", "kept {} in place: history cannot take it: {err}", temp.display());
                return 0;
            }
            tracing::info!(target: "ctxgate::store", "kept a crashed write's {} in history ({} {name})", temp.display(), kind.plural());
        }
        remove_counted(temp)
    }

    fn recover_canonical_folder(&self, kind: Kind, name: &str, temp: &Path) -> usize {
        let Some(_held) = self.sweep_lock(kind, name) else { return 0 };
        let id = crate::history::new_id(SystemTime::now());
        let trashed =
            self.history.begin_trash(&id, kind, name).and_then(|()| self.history.trash(&id, crate::TRASH_FOLDER, temp));
        match trashed {
            Ok(()) => 1,
            Err(err) => {
                tracing::warn!(target: "ctxgate::store", "kept {} in place: the trash cannot take it: {err}", temp.display());
                0
            }
        }
    }

    /// The locks of an artifact for the sweep (a short wait; `None` when a live writer holds them).
    fn sweep_lock(&self, kind: Kind, name: &str) -> Option<crate::lock::Held> {
        let type_dir = layout::type_dir(&self.memtomem, kind);
        let key = match crate::locate(&self.memtomem, kind, name) {
            Some(located) => fs::canonicalize(&located.file).ok()?,
            None => fs::canonicalize(&type_dir).ok()?.join(name),
        };
        self.locks.acquire(&key, &name_lock_path(&type_dir, name), SWEEP_LOCK_WAIT).ok()
    }

    /// What crashed writes of `<dir>/<name>` left under temp names; the caller holds the runtime
    /// lock. A skill folder is deleted only when everything in it is reproduced by the folder
    /// there now or by what sync would write; else it goes to history whole. A file is deleted
    /// only when its bytes are the runtime file's or a history entry's; else it is kept first.
    pub(crate) fn recover_runtime_leftovers(&self, kind: Kind, runtime: &Runtime, dir: &Path, name: &str) -> usize {
        let mut removed = 0;
        for (path, owner) in leftovers(dir) {
            if runtime_name(runtime, &owner).as_deref() != Some(name) {
                continue;
            }
            let Ok(meta) = fs::symlink_metadata(&path) else { continue };
            if meta.file_type().is_symlink() {
                // A displaced link: the link goes, what it pointed at was never ours.
                removed += remove_counted(&path);
            } else if meta.is_dir() && kind == Kind::Skills {
                removed += self.recover_runtime_tree(runtime, dir, name, &path);
            } else if meta.is_file() && kind != Kind::Skills {
                removed += self.recover_runtime_file(kind, runtime, dir, name, &path, &meta);
            }
        }
        removed
    }

    fn recover_runtime_file(
        &self,
        kind: Kind,
        runtime: &Runtime,
        dir: &Path,
        name: &str,
        temp: &Path,
        meta: &fs::Metadata,
    ) -> usize {
        let Ok(bytes) = fs::read(temp) else { return 0 };
        let etag = etag_of(&bytes);
        let live = fs::read(dir.join(format!("{name}{}", runtime.suffix))).ok();
        let recent = SystemTime::now().checked_sub(crate::history::REUSE_WITHIN).unwrap_or(SystemTime::UNIX_EPOCH);
        let kept = live.as_deref() == Some(&bytes[..])
            || self.history.list(kind, name).iter().any(|e| {
                e.etag == etag && e.runtime.as_deref() == Some(runtime.label) && crate::history::id_time(&e.id) > recent
            });
        if !kept {
            let version = Version { bytes: &bytes, etag: &etag, mtime: mtime_ns(meta) };
            if let Err(err) = self.history.keep_runtime_bytes((kind, name), runtime.label, version) {
                tracing::warn!(target: "ctxgate::store", "kept {} in place: history cannot take it: {err}", temp.display());
                return 0;
            }
        }
        remove_counted(temp)
    }

    fn recover_runtime_tree(&self, runtime: &Runtime, dir: &Path, name: &str, temp: &Path) -> usize {
        let Ok(left) = tree::existing(temp) else { return 0 };
        let covered = |other: Option<tree::Tree>| other.is_some_and(|other| tree::lost_files(&left, &other).is_empty());
        let current = dir.join(name);
        let now =
            fs::symlink_metadata(&current).is_ok_and(|m| m.is_dir()).then(|| tree::existing(&current).ok()).flatten();
        let canonical = layout::folder_path(&self.memtomem, Kind::Skills, name);
        let payload = || {
            let override_bytes = match self.override_path(Kind::Skills, name, runtime) {
                Some(path) => Some(fs::read(path).ok()?),
                None => None,
            };
            canonical.is_dir().then(|| tree::payload(&canonical, override_bytes.as_deref()).ok()).flatten()
        };
        if covered(now) || covered(payload()) {
            return match fs::remove_dir_all(temp) {
                Ok(()) => 1,
                Err(_) => 0,
            };
        }
        let manifest = temp.join(runtimes::skills::MANIFEST);
        let mut id = None;
        // Only a real file: a planted link could point anywhere (`/proc/self/environ`).
        let real_file = fs::symlink_metadata(&manifest).is_ok_and(|m| m.is_file());
        if let (true, Ok(bytes), Ok(meta)) = (real_file, fs::read(&manifest), fs::symlink_metadata(&manifest)) {
            let etag = etag_of(&bytes);
            let version = Version { bytes: &bytes, etag: &etag, mtime: mtime_ns(&meta) };
            match self.history.keep_runtime_bytes((Kind::Skills, name), runtime.label, version) {
                Ok(kept) => id = Some(kept),
                Err(err) => {
                    tracing::warn!(target: "ctxgate::store", "kept {} in place: history cannot take it: {err}", temp.display());
                    return 0;
                }
            }
        }
        let id = id.unwrap_or_else(|| crate::history::new_id(SystemTime::now()));
        match self.history.keep_runtime_tree((Kind::Skills, name), runtime.label, &id, temp) {
            Ok(_) => {
                tracing::info!(target: "ctxgate::store", "kept a crashed sync's {} in history", temp.display());
                1
            }
            Err(err) => {
                tracing::warn!(target: "ctxgate::store", "kept {} in place: history cannot take it: {err}", temp.display());
                0
            }
        }
    }
}

/// The artifact a runtime leftover's owner name belongs to (a skill folder's name, or a file's
/// stem before the runtime's suffix; skills have none).
fn runtime_name(runtime: &Runtime, owner: &str) -> Option<String> {
    let name = owner.strip_suffix(runtime.suffix)?;
    model::validate_name(name).is_ok().then(|| name.to_owned())
}

fn remove_counted(path: &Path) -> usize {
    match fs::remove_file(path) {
        Ok(()) => 1,
        Err(err) => {
            tracing::warn!(target: "ctxgate::store", "could not remove {}: {err}", path.display());
            0
        }
    }
}
