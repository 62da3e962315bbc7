//! Push (memtomem's "sync"): canonical artifacts rendered into every runtime's folder, each
//! file or skill folder under its runtime lock, the replaced bytes kept in history first.

use super::{tree, Dropped, Generated, Loaded, ReplacedFile, Skipped, SyncReport};
use crate::contain::{self, Outside};
use crate::history::Version;
use crate::lock::{name_lock_path, LockError};
use crate::{etag_of, layout, mtime_ns, write, Kind, Store, StoreError, DEFAULT_LOCK_WAIT};
use runtimes::{Parsed, Runtime};
use rustix::fs::{renameat_with, RenameFlags, CWD};
use std::collections::HashMap;
use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn skip(runtime: impl Into<String>, reason: impl Into<String>, code: &str) -> Skipped {
    Skipped { runtime: runtime.into(), reason: reason.into(), reason_code: code.to_owned() }
}

/// ctxgate's own skip codes (memtomem's are `runtimes`' words).
const OUTSIDE_PROJECT: &str = "outside_project";
const HISTORY_UNAVAILABLE: &str = "history_unavailable";
const CHANGED_DURING_SYNC: &str = "changed_during_sync";
const WRITE_FAILED: &str = "write_failed";

/// What writing one runtime file or folder did.
enum Wrote {
    Same,
    Written,
    /// Different bytes were there: kept in history first.
    Replaced(Vec<ReplacedFile>),
}

impl Store {
    /// Creates the runtime folder (inside the project, never into `.memtomem/`: the check is
    /// `contain::runtime_dir`) and checks it again once it exists.
    fn prepare_runtime_dir(&self, runtime: &Runtime) -> Result<PathBuf, Skipped> {
        let refused = |outside| {
            let reason = match outside {
                Outside::Project => {
                    format!("{} leads out of the project through a symbolic link; nothing was written there", runtime.dir)
                }
                Outside::Canonical => format!(
                    "{} leads into .memtomem/ through a symbolic link; sync would rewrite the canonical files, so nothing was written there",
                    runtime.dir
                ),
            };
            skip(runtime.label, reason, OUTSIDE_PROJECT)
        };
        let dir = contain::runtime_dir(&self.root, &self.memtomem, runtime.dir).map_err(refused)?;
        fs::create_dir_all(&dir)
            .map_err(|err| skip(runtime.label, format!("cannot create {}: {err}", runtime.dir), WRITE_FAILED))?;
        contain::runtime_dir(&self.root, &self.memtomem, runtime.dir).map_err(refused)
    }

    /// Pushes every canonical artifact of a type (or, with `only`, one of them) to every
    /// runtime. `only` names a canonical artifact (its file or folder); a missing one is
    /// `NotFound`.
    pub fn sync(&self, kind: Kind, only: Option<&str>) -> Result<SyncReport, StoreError> {
        if let Some(name) = only {
            crate::validate_name(name)?;
        }
        match kind {
            Kind::Skills => self.sync_skills(only),
            _ => self.sync_atomic(kind, only),
        }
    }

    fn sync_atomic(&self, kind: Kind, only: Option<&str>) -> Result<SyncReport, StoreError> {
        let canonicals = self.atomic_canonicals(kind);
        if let Some(name) = only {
            if !canonicals.iter().any(|c| c.key == name) {
                return Err(StoreError::NotFound);
            }
        }
        let mut report = SyncReport::default();
        if canonicals.is_empty() {
            report.skipped.push(skip("<all>", format!("no canonical {}", kind.plural()), "no_canonical_root"));
            return Ok(report);
        }
        let loaded: Vec<Loaded> = canonicals.iter().map(|c| self.load(kind, c)).collect();
        // Phase 1, memtomem's: per runtime, per canonical — parse failures, duplicate names
        // (the first canonical claiming a name wins, across all runtimes) and overrides.
        struct Pending<'a> {
            runtime: &'static Runtime,
            index: usize,
            item: &'a Parsed,
            override_bytes: Option<Vec<u8>>,
        }
        let mut pending = Vec::new();
        let mut owners: HashMap<&str, usize> = HashMap::new();
        let wanted = |i: usize| only.is_none_or(|name| canonicals[i].key == name);
        for runtime in runtimes::runtimes(kind) {
            for (i, canonical) in canonicals.iter().enumerate() {
                let item = match &loaded[i] {
                    Loaded::Unreadable(reason) => {
                        if wanted(i) {
                            report.skipped.push(skip(canonical.file_name(), reason.clone(), "parse_error"));
                        }
                        continue;
                    }
                    Loaded::Invalid(reason) => {
                        if wanted(i) {
                            report.skipped.push(skip(
                                canonical.file_name(),
                                format!("parse error: {reason}"),
                                "parse_error",
                            ));
                        }
                        continue;
                    }
                    Loaded::Parsed(item) => item,
                };
                let name = item.name();
                let owner = *owners.entry(name).or_insert(i);
                if owner != i {
                    if wanted(i) {
                        let reason = format!(
                            "duplicate name {name:?}: already provided by {}; skipping {}",
                            self.rel(&canonicals[owner].path),
                            self.rel(&canonical.path)
                        );
                        report.skipped.push(skip(name, reason, "duplicate_name"));
                    }
                    continue;
                }
                let override_bytes = match self.override_path(kind, name, runtime) {
                    None => None,
                    Some(path) => match fs::read(&path) {
                        Ok(bytes) => Some(bytes),
                        Err(err) => {
                            if wanted(i) {
                                let reason = format!("override unreadable: {} ({err})", self.rel(&path));
                                report.skipped.push(skip(name, reason, "parse_error"));
                            }
                            continue;
                        }
                    },
                };
                if wanted(i) {
                    pending.push(Pending { runtime, index: i, item, override_bytes });
                }
            }
        }
        // Phase 2: render and write, in the same order.
        let deadline = Instant::now() + DEFAULT_LOCK_WAIT;
        let mut dirs: HashMap<&'static str, Option<PathBuf>> = HashMap::new();
        for Pending { runtime, index, item, override_bytes } in pending {
            let dir = match dirs.entry(runtime.label).or_insert_with(|| match self.prepare_runtime_dir(runtime) {
                Ok(dir) => Some(dir),
                Err(refused) => {
                    report.skipped.push(refused);
                    None
                }
            }) {
                Some(dir) => dir.clone(),
                None => continue,
            };
            let (rendered, dropped) = runtimes::render(runtime, item);
            let bytes = override_bytes.unwrap_or_else(|| rendered.into_bytes());
            let name = item.name();
            let target = dir.join(format!("{name}{}", runtime.suffix));
            let history_name =
                if crate::validate_name(&canonicals[index].key).is_ok() { &canonicals[index].key } else { name };
            match self.write_runtime_file(kind, history_name, runtime, &dir, name, &target, &bytes, deadline) {
                Ok(wrote) => {
                    if let Wrote::Replaced(files) = wrote {
                        report.replaced.extend(files);
                    }
                    report.generated.push(Generated { runtime: runtime.label.into(), path: self.rel(&target) });
                    if !dropped.is_empty() {
                        report.dropped.push(Dropped {
                            runtime: runtime.label.into(),
                            name: name.to_owned(),
                            fields: dropped.into_iter().map(str::to_owned).collect(),
                        });
                    }
                }
                Err(skipped) => report.skipped.push(skipped),
            }
        }
        dirs.values().flatten().for_each(|dir| write::sync_dir(dir));
        Ok(report)
    }

    /// Takes the runtime lock of `<dir>/<name>` (`.<name>.lock` beside it) within the call's
    /// deadline.
    pub(crate) fn runtime_lock(
        &self,
        dir: &Path,
        name: &str,
        target: &Path,
        deadline: Instant,
    ) -> Result<crate::lock::Held, Skipped> {
        let wait = deadline.saturating_duration_since(Instant::now());
        self.locks.acquire(target, &name_lock_path(dir, name), wait).map_err(|err| match err {
            LockError::Busy => skip(
                name,
                format!(
                    "another process held {} past the {}s lock budget; sync again to retry",
                    self.rel(target),
                    DEFAULT_LOCK_WAIT.as_secs()
                ),
                "lock_timeout",
            ),
            LockError::Io(err) => skip(name, format!("cannot lock {}: {err}", self.rel(target)), WRITE_FAILED),
        })
    }

    /// Writes one agent or command file under its runtime lock: nothing when it already holds
    /// `bytes`; otherwise the old bytes go to history first, then temp + fsync + swap.
    #[allow(clippy::too_many_arguments)]
    fn write_runtime_file(
        &self,
        kind: Kind,
        history_name: &str,
        runtime: &Runtime,
        dir: &Path,
        name: &str,
        target: &Path,
        bytes: &[u8],
        deadline: Instant,
    ) -> Result<Wrote, Skipped> {
        let _held = self.runtime_lock(dir, name, target, deadline)?;
        let failed = |err: io::Error| skip(name, format!("cannot write {}: {err}", self.rel(target)), WRITE_FAILED);
        let mode = fs::Permissions::from_mode(runtimes::skills::RENDERED_MODE);
        match fs::symlink_metadata(target) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                // The folder is fsynced once, when the whole sync is written.
                let stamp = write::Stamp::Mode(runtimes::skills::RENDERED_MODE);
                if !write::place_new_file(target, bytes, stamp).map_err(failed)? {
                    return Err(skip(
                        name,
                        format!("{} appeared while it was written", self.rel(target)),
                        CHANGED_DURING_SYNC,
                    ));
                }
                Ok(Wrote::Written)
            }
            Err(err) => Err(failed(err)),
            Ok(meta) if meta.file_type().is_symlink() => {
                // The link itself is replaced (as memtomem does); whatever it points at stays.
                write::put_file(target, bytes, write::Stamp::Mode(runtimes::skills::RENDERED_MODE)).map_err(failed)?;
                Ok(Wrote::Written)
            }
            Ok(meta) if !meta.is_file() => {
                Err(skip(name, format!("target exists and is not a file: {}", self.rel(target)), "target_conflict"))
            }
            Ok(_) => {
                let (old, meta) = crate::read_with_meta(target).map_err(|err| match err {
                    StoreError::Io(err) => failed(err),
                    other => failed(io::Error::other(other.to_string())),
                })?;
                if old == bytes {
                    if meta.permissions().mode() & 0o7777 != runtimes::skills::RENDERED_MODE {
                        fs::set_permissions(target, mode).map_err(failed)?;
                    }
                    return Ok(Wrote::Same);
                }
                let etag = etag_of(&old);
                let version = Version { bytes: &old, etag: &etag, mtime: mtime_ns(&meta) };
                let history_id =
                    self.history.keep_runtime_bytes((kind, history_name), runtime.label, version).map_err(|err| {
                        skip(
                            name,
                            format!("history cannot keep {}, so it was not replaced: {err}", self.rel(target)),
                            HISTORY_UNAVAILABLE,
                        )
                    })?;
                // History already holds the old bytes, so the no-swap fallback needs nothing more.
                match write::replace_checked(target, bytes, &meta, &old, &mut || Ok(())).map_err(failed)? {
                    write::Replaced::KeepFailed(err) => Err(failed(err)),
                    write::Replaced::Done { displaced, .. } => {
                        if let Some(displaced) = displaced {
                            let _ = fs::remove_file(displaced);
                        }
                        // The bytes are in place: a mode that did not take is logged, not answered.
                        if let Err(err) = fs::set_permissions(target, mode) {
                            tracing::warn!(target: "ctxgate::store", "could not set the mode of {}: {err}", self.rel(target));
                        }
                        Ok(Wrote::Replaced(vec![ReplacedFile {
                            runtime: runtime.label.into(),
                            path: self.rel(target),
                            history_id,
                        }]))
                    }
                    write::Replaced::Changed => Err(skip(
                        name,
                        format!("{} changed while it was written; its new content was left alone", self.rel(target)),
                        CHANGED_DURING_SYNC,
                    )),
                }
            }
        }
    }

    fn sync_skills(&self, only: Option<&str>) -> Result<SyncReport, StoreError> {
        let canonicals = self.skill_canonicals();
        if let Some(name) = only {
            if !canonicals.iter().any(|c| c == name) {
                return Err(StoreError::NotFound);
            }
        }
        let mut report = SyncReport::default();
        if canonicals.is_empty() {
            report.skipped.push(skip("<all>", "no canonical skills", "no_canonical_root"));
            return Ok(report);
        }
        let deadline = Instant::now() + DEFAULT_LOCK_WAIT;
        let source_dir = layout::type_dir(&self.memtomem, Kind::Skills);
        for runtime in runtimes::runtimes(Kind::Skills) {
            let mut dir = None;
            for name in canonicals.iter().filter(|c| only.is_none_or(|o| o == c.as_str())) {
                let dir = match &dir {
                    Some(dir) => dir,
                    None => match self.prepare_runtime_dir(runtime) {
                        Ok(made) => dir.insert(made),
                        Err(refused) => {
                            report.skipped.push(refused);
                            break;
                        }
                    },
                };
                match self.write_runtime_skill(runtime, dir, &source_dir.join(name), name, deadline) {
                    Ok(wrote) => {
                        if let Wrote::Replaced(files) = wrote {
                            report.replaced.extend(files);
                        }
                        report
                            .generated
                            .push(Generated { runtime: runtime.label.into(), path: self.rel(&dir.join(name)) });
                    }
                    Err(skipped) => report.skipped.push(skipped),
                }
            }
            if let Some(dir) = &dir {
                write::sync_dir(dir);
            }
        }
        Ok(report)
    }

    /// Replaces a runtime's skill folder with the canonical one's fan-out surface, under the
    /// runtime lock memtomem takes (`.<runtime dir>/.<name>.lock`). The new folder is staged
    /// beside it and swapped in with one rename, so deleted files disappear too; the displaced
    /// folder goes to history whole when any of its files is not reproduced.
    fn write_runtime_skill(
        &self,
        runtime: &Runtime,
        dir: &Path,
        source: &Path,
        name: &str,
        deadline: Instant,
    ) -> Result<Wrote, Skipped> {
        let dst = dir.join(name);
        let _held = self.runtime_lock(dir, name, &dst, deadline)?;
        // What a crashed sync left under a temp name (maybe the only copy of a hand-edited
        // folder) goes to history first; never deleted unless it is a copy.
        self.recover_runtime_leftovers(Kind::Skills, runtime, dir, name);
        let failed = |err: io::Error| skip(name, format!("cannot write {}: {err}", self.rel(&dst)), WRITE_FAILED);
        // memtomem refuses a file, or a non-empty folder without SKILL.md, in the way.
        if dst.exists() {
            if !dst.is_dir() {
                return Err(skip(
                    name,
                    format!("target exists and is not a directory: '{}'", self.rel(&dst)),
                    "target_conflict",
                ));
            }
            let empty = fs::read_dir(&dst).map_err(failed)?.next().is_none();
            if !dst.join(runtimes::skills::MANIFEST).is_file() && !empty {
                return Err(skip(
                    name,
                    format!(
                        "refusing to overwrite non-skill directory: '{}' (add a SKILL.md or remove the directory first)",
                        self.rel(&dst)
                    ),
                    "target_conflict",
                ));
            }
        }
        let override_bytes = match self.override_path(Kind::Skills, name, runtime) {
            None => None,
            Some(path) => Some(fs::read(&path).map_err(|err| {
                skip(name, format!("override unreadable: {} ({err})", self.rel(&path)), "parse_error")
            })?),
        };
        let new = tree::payload(source, override_bytes.as_deref())
            .map_err(|err| skip(name, format!("unreadable: {} ({err})", self.rel(source)), "parse_error"))?;
        let old_meta = fs::symlink_metadata(&dst).ok();
        let old = match &old_meta {
            Some(meta) if meta.is_dir() => Some(tree::existing(&dst).map_err(failed)?),
            _ => None,
        };
        if old.as_ref() == Some(&new) {
            return Ok(Wrote::Same);
        }
        // History first: SKILL.md as an entry of the skill, and which files would be lost.
        let lost: Vec<(String, Vec<u8>)> = old
            .as_ref()
            .map(|old| {
                tree::lost_files(old, &new).into_iter().map(|(rel, bytes)| (rel.to_owned(), bytes.to_vec())).collect()
            })
            .unwrap_or_default();
        let history_refused = |err: io::Error| {
            skip(
                name,
                format!("history cannot keep {}, so it was not replaced: {err}", self.rel(&dst)),
                HISTORY_UNAVAILABLE,
            )
        };
        if old.is_some() {
            self.history.prepare_runtime_trees(Kind::Skills, name).map_err(history_refused)?;
        }
        let mut history_id = None;
        if let Some((_, bytes)) = lost.iter().find(|(rel, _)| rel == runtimes::skills::MANIFEST) {
            let etag = etag_of(bytes);
            let mtime = fs::metadata(dst.join(runtimes::skills::MANIFEST)).map(|m| mtime_ns(&m)).unwrap_or_default();
            let version = Version { bytes, etag: &etag, mtime };
            history_id = Some(
                self.history
                    .keep_runtime_bytes((Kind::Skills, name), runtime.label, version)
                    .map_err(history_refused)?,
            );
        }
        let staging = tree::stage(dir, name, &new).map_err(failed)?;
        let displaced = match swap_in(&staging, &dst, old_meta.is_some()) {
            Ok(displaced) => displaced,
            Err(err) => {
                let _ = fs::remove_dir_all(&staging);
                return Err(if err.kind() == io::ErrorKind::AlreadyExists {
                    skip(name, format!("{} appeared while it was written", self.rel(&dst)), CHANGED_DURING_SYNC)
                } else {
                    failed(err)
                });
            }
        };
        let Some(displaced) = displaced else { return Ok(Wrote::Written) };
        if !displaced.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            // A link to a folder: the link goes, what it pointed at stays.
            let _ = fs::remove_file(&displaced);
            return Ok(Wrote::Written);
        }
        // Late writers may have changed the detached folder; keep it whole whenever anything in
        // it is not reproduced by the new one.
        let still_lost = tree::existing(&displaced).map(|now| !tree::lost_files(&now, &new).is_empty()).unwrap_or(true);
        if lost.is_empty() && !still_lost {
            let _ = fs::remove_dir_all(&displaced);
            return Ok(Wrote::Written);
        }
        let id = history_id.unwrap_or_else(|| crate::history::new_id(std::time::SystemTime::now()));
        let id = match self.history.keep_runtime_tree((Kind::Skills, name), runtime.label, &id, &displaced) {
            Ok(id) => id,
            Err(err) => {
                // Never deleted: it stays under its temp name, which memtomem never reaps and the
                // next sync or start-up moves into history (`recover_runtime_leftovers`).
                tracing::error!(target: "ctxgate::store", "left {} in place: history cannot take it: {err}", displaced.display());
                return Err(skip(
                    name,
                    format!(
                        "{} was written, but history cannot take the folder it replaced ({err}); it is kept beside it under a temp name until the next sync",
                        self.rel(&dst)
                    ),
                    HISTORY_UNAVAILABLE,
                ));
            }
        };
        Ok(Wrote::Replaced(
            lost.into_iter()
                .map(|(rel, _)| ReplacedFile {
                    runtime: runtime.label.into(),
                    // An entry with a name that is not UTF-8 is named by its readable part.
                    path: self.rel(&dst.join(rel.split('\u{0}').next().unwrap_or_default())),
                    history_id: id.clone(),
                })
                .collect(),
        ))
    }
}

/// Puts `staging` at `dst`: swapped with what is there in one `RENAME_EXCHANGE` (returning the
/// displaced entry, now at `staging`'s name), or renamed in with no-replace when nothing was.
/// Where the swap is not supported, the old entry is moved aside first, under a temp name (a
/// crash between the two renames leaves it there for `recover_runtime_leftovers`).
fn swap_in(staging: &Path, dst: &Path, existed: bool) -> io::Result<Option<PathBuf>> {
    if !existed {
        return match write::rename_noreplace(staging, dst) {
            Ok(true) => Ok(None),
            Ok(false) => Err(io::ErrorKind::AlreadyExists.into()),
            Err(err) => Err(err),
        };
    }
    match renameat_with(CWD, staging, CWD, dst, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(Some(staging.to_path_buf())),
        Err(errno) if write::swap_unsupported(errno) => {
            let dir = dst.parent().ok_or_else(|| io::Error::other("runtime folder has no parent"))?;
            let name = dst.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let aside = write::temp_path(dir, &name);
            fs::rename(dst, &aside)?;
            if let Err(err) = fs::rename(staging, dst) {
                let _ = fs::rename(&aside, dst);
                return Err(err);
            }
            Ok(Some(aside))
        }
        Err(errno) => Err(errno.into()),
    }
}
