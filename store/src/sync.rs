//! Sync to the agent runtimes (SPEC §15): memtomem's "push" (canonical → `.claude/`, `.gemini/`,
//! `.codex/`, `.agents/`, `.kimi/`), its per-runtime statuses and diff, and its "pull" (import,
//! in `sync/import.rs`). What is written is byte for byte what memtomem 0.6.12 writes (the rules
//! live in the `runtimes` crate); the order of every answer's rows is memtomem's too.
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

mod import;
pub(crate) mod tree;

pub use import::{ImportReport, ImportSkip, Imported};

use crate::contain::{self, Outside};
use crate::history::Version;
use crate::lock::{name_lock_path, LockError};
use crate::{etag_of, layout, mtime_ns, write, Kind, Store, StoreError, DEFAULT_LOCK_WAIT};
use model::SyncStatus;
use runtimes::{Parsed, Runtime};
use rustix::fs::{renameat_with, RenameFlags, CWD};
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

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
    pub history_id: String,
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

    /// The list of SPEC §15: every artifact of the type (as [`Store::list`], without memtomem's
    /// staging leftovers) with its runtime statuses, then the names only runtimes have, in the
    /// order memtomem reports them. Statuses are keyed as in memtomem: an agent or command whose
    /// frontmatter names it differently is reported under that name.
    pub fn listing(&self, kind: Kind) -> Result<Vec<ListedItem>, StoreError> {
        let mut by_name: Vec<(String, Vec<(&'static str, SyncStatus)>)> = Vec::new();
        let mut position: HashMap<String, usize> = HashMap::new();
        for row in self.runtime_statuses(kind) {
            let at = *position.entry(row.name.clone()).or_insert_with(|| {
                by_name.push((row.name.clone(), Vec::new()));
                by_name.len() - 1
            });
            by_name[at].1.push((row.runtime, row.status));
        }
        let mut items = Vec::new();
        let mut canonical: BTreeSet<String> = match kind {
            Kind::Skills => self.skill_canonicals().into_iter().collect(),
            _ => self.atomic_canonicals(kind).into_iter().map(|c| c.key).collect(),
        };
        for entry in self.list(kind)? {
            if runtimes::is_internal_artifact_dir(&entry.name) {
                continue;
            }
            let runtimes = position.get(&entry.name).map(|&at| by_name[at].1.clone()).unwrap_or_default();
            canonical.insert(entry.name.clone());
            items.push(ListedItem { name: entry.name.clone(), entry: Some(entry), runtimes });
        }
        for (name, runtimes) in by_name {
            if !canonical.contains(&name) {
                items.push(ListedItem { name, entry: None, runtimes });
            }
        }
        Ok(items)
    }

    /// memtomem's per-(runtime, name) statuses for a type, in its order: per runtime, invalid
    /// runtime names, then every canonical and runtime name sorted.
    pub fn runtime_statuses(&self, kind: Kind) -> Vec<StatusRow> {
        match kind {
            Kind::Skills => self.skill_statuses(),
            _ => self.atomic_statuses(kind),
        }
    }

    /// Valid and invalid names of the runtime's files (`suffix`) or skill folders (`None`).
    fn runtime_listing(&self, runtime: &Runtime, kind: Kind) -> (BTreeSet<String>, Vec<(String, String)>) {
        let dir = self.root.join(runtime.dir);
        let mut names = BTreeSet::new();
        let mut invalid = Vec::new();
        let Ok(entries) = fs::read_dir(&dir) else { return (names, invalid) };
        for entry in entries.flatten() {
            let Ok(file_name) = entry.file_name().into_string() else { continue };
            // A write in flight (or a crash's leftover, which sync recovers): not an artifact.
            if write::is_temp_name(&file_name) {
                continue;
            }
            let path = entry.path();
            let raw = if kind == Kind::Skills {
                let skill = path.is_dir()
                    && path.join(runtimes::skills::MANIFEST).is_file()
                    && !runtimes::is_internal_artifact_dir(&file_name);
                if !skill {
                    continue;
                }
                file_name
            } else {
                // Python's `Path.suffix`: the last dot, not a leading one.
                match file_name.rfind('.') {
                    Some(at) if at > 0 && path.is_file() && file_name[at..] == *runtime.suffix => {
                        file_name[..at].to_owned()
                    }
                    _ => continue,
                }
            };
            match runtimes::name_problem(&raw) {
                None => {
                    names.insert(raw);
                }
                Some(reason) => invalid.push((raw, reason)),
            }
        }
        invalid.sort();
        (names, invalid)
    }

    fn atomic_statuses(&self, kind: Kind) -> Vec<StatusRow> {
        // Keyed by the parsed name (what sync writes under); a file that does not parse keeps
        // its own name so its row names it. The first parsed claimant of a name wins.
        let mut index: HashMap<String, Option<Parsed>> = HashMap::new();
        let mut failures: HashMap<String, String> = HashMap::new();
        for canonical in self.atomic_canonicals(kind) {
            match self.load(kind, &canonical) {
                Loaded::Parsed(item) => {
                    let name = item.name().to_owned();
                    if !matches!(index.get(&name), Some(Some(_))) {
                        index.insert(name, Some(item));
                    }
                }
                Loaded::Unreadable(reason) | Loaded::Invalid(reason) => {
                    if !matches!(index.get(&canonical.key), Some(Some(_))) {
                        index.insert(canonical.key.clone(), None);
                        failures.insert(canonical.key, reason);
                    }
                }
            }
        }
        let mut rows = Vec::new();
        for runtime in runtimes::runtimes(kind) {
            let (runtime_names, invalid) = self.runtime_listing(runtime, kind);
            for (raw, reason) in invalid {
                if !index.contains_key(&raw) {
                    rows.push(StatusRow {
                        runtime: runtime.label,
                        name: raw,
                        status: SyncStatus::InvalidName,
                        reason: Some(reason),
                    });
                }
            }
            let all: BTreeSet<&String> = index.keys().chain(runtime_names.iter()).collect();
            for name in all {
                let row = |status, reason| StatusRow { runtime: runtime.label, name: name.clone(), status, reason };
                let status = match (index.get(name), runtime_names.contains(name)) {
                    (Some(None), _) => {
                        rows.push(row(SyncStatus::ParseError, failures.get(name).cloned()));
                        continue;
                    }
                    (Some(Some(_)), false) => SyncStatus::MissingTarget,
                    (None, _) => SyncStatus::MissingCanonical,
                    (Some(Some(item)), true) => {
                        let target = self.root.join(runtime.dir).join(format!("{name}{}", runtime.suffix));
                        let expected = match self.override_path(kind, name, runtime) {
                            Some(path) => fs::read(path).ok(),
                            None => Some(runtimes::render(runtime, item).0.into_bytes()),
                        };
                        let actual = if target.is_file() { fs::read(&target).ok() } else { Some(Vec::new()) };
                        match (expected, actual) {
                            (Some(expected), Some(actual)) if expected == actual => SyncStatus::InSync,
                            _ => SyncStatus::OutOfSync,
                        }
                    }
                };
                rows.push(row(status, None));
            }
        }
        rows
    }

    fn skill_statuses(&self) -> Vec<StatusRow> {
        let source_dir = layout::type_dir(&self.memtomem, Kind::Skills);
        let canonical: BTreeSet<String> = self.skill_canonicals().into_iter().collect();
        let mut invalid_canonical = Vec::new();
        if let Ok(entries) = fs::read_dir(&source_dir) {
            for entry in entries.flatten() {
                let Ok(name) = entry.file_name().into_string() else { continue };
                let skill = entry.path().is_dir() && entry.path().join(runtimes::skills::MANIFEST).is_file();
                if !skill || runtimes::is_internal_artifact_dir(&name) {
                    continue;
                }
                if let Some(reason) = runtimes::name_problem(&name) {
                    invalid_canonical.push((name, reason));
                }
            }
        }
        let mut rows = Vec::new();
        for runtime in runtimes::runtimes(Kind::Skills) {
            let (runtime_names, invalid_runtime) = self.runtime_listing(runtime, Kind::Skills);
            let mut invalid: std::collections::BTreeMap<String, String> = invalid_canonical.iter().cloned().collect();
            invalid.extend(invalid_runtime);
            for (name, reason) in invalid {
                rows.push(StatusRow {
                    runtime: runtime.label,
                    name,
                    status: SyncStatus::InvalidName,
                    reason: Some(reason),
                });
            }
            for name in canonical.union(&runtime_names) {
                let status = match (canonical.contains(name), runtime_names.contains(name)) {
                    (true, false) => SyncStatus::MissingTarget,
                    (false, _) => SyncStatus::MissingCanonical,
                    (true, true) => {
                        let dst = self.root.join(runtime.dir).join(name);
                        let override_bytes = match self.override_path(Kind::Skills, name, runtime) {
                            None => Some(None),
                            Some(path) => fs::read(path).ok().map(Some),
                        };
                        match override_bytes {
                            Some(bytes) => {
                                if tree::effective_equal(&source_dir.join(name), &dst, bytes.as_deref())
                                    .unwrap_or(false)
                                {
                                    SyncStatus::InSync
                                } else {
                                    SyncStatus::OutOfSync
                                }
                            }
                            None => SyncStatus::OutOfSync,
                        }
                    }
                };
                rows.push(StatusRow { runtime: runtime.label, name: name.clone(), status, reason: None });
            }
        }
        rows
    }

    /// memtomem's per-item diff: each runtime's copy of `name` against the canonical one —
    /// for agents and commands the file sync would write (override, else rendering), for skills
    /// the `SKILL.md` text.
    pub fn runtime_diff(&self, kind: Kind, name: &str) -> Result<ItemDiff, StoreError> {
        crate::validate_name(name)?;
        let located =
            (!runtimes::is_internal_artifact_dir(name)).then(|| crate::locate(&self.memtomem, kind, name)).flatten();
        let mut diff =
            ItemDiff { name: name.to_owned(), canonical_content: None, canonical_path: None, runtimes: Vec::new() };
        if kind == Kind::Skills {
            return Ok(self.skill_diff(name, located, diff));
        }
        let mut parsed = None;
        let mut problem = None;
        if let Some(located) = &located {
            diff.canonical_path = Some(located.relative.clone());
            match fs::read(&located.file) {
                Err(_) => problem = Some(format!("unreadable: {}", located.relative)),
                Ok(bytes) => {
                    let text = lossy(&bytes);
                    match runtimes::parse(kind, &text, name) {
                        Some(Ok(item)) => parsed = Some(item),
                        Some(Err(err)) => problem = Some(format!("{err} ({})", located.relative)),
                        None => {}
                    }
                    diff.canonical_content = Some(text);
                }
            }
        }
        for runtime in runtimes::runtimes(kind) {
            let target = self.root.join(runtime.dir).join(format!("{name}{}", runtime.suffix));
            let runtime_text = || fs::read(&target).ok().map(|b| lossy(&b));
            let mut row = RuntimeDiff {
                runtime: runtime.label,
                status: SyncStatus::InSync,
                reason: None,
                expected_content: None,
                runtime_content: None,
            };
            if let Some(reason) = &problem {
                row.status = SyncStatus::ParseError;
                row.reason = Some(reason.clone());
                row.runtime_content = if target.is_file() { runtime_text() } else { None };
            } else if located.is_none() && !target.is_file() {
                continue;
            } else if !target.is_file() {
                row.status = SyncStatus::MissingTarget;
            } else if located.is_none() {
                row.status = SyncStatus::MissingCanonical;
                row.runtime_content = runtime_text();
            } else if let Some(item) = &parsed {
                let expected = match self.override_path(kind, name, runtime) {
                    Some(path) => fs::read(path).ok(),
                    None => Some(runtimes::render(runtime, item).0.into_bytes()),
                };
                let actual = fs::read(&target).ok();
                row.status = match (&expected, &actual) {
                    (Some(e), Some(a)) if e == a => SyncStatus::InSync,
                    _ => SyncStatus::OutOfSync,
                };
                row.expected_content = expected.map(|b| lossy(&b));
                row.runtime_content = actual.map(|b| lossy(&b));
            }
            diff.runtimes.push(row);
        }
        Ok(diff)
    }

    fn skill_diff(&self, name: &str, located: Option<crate::Located>, mut diff: ItemDiff) -> ItemDiff {
        if let Some(located) = located {
            diff.canonical_content = fs::read(&located.file).ok().map(|b| lossy(&b));
            diff.canonical_path = Some(located.relative);
        }
        for runtime in runtimes::runtimes(Kind::Skills) {
            let manifest = self.root.join(runtime.dir).join(name).join(runtimes::skills::MANIFEST);
            let present = manifest.is_file();
            let runtime_content = if present { fs::read(&manifest).ok().map(|b| lossy(&b)) } else { None };
            let (status, content) = match (&diff.canonical_content, present) {
                (None, false) => continue,
                (Some(_), false) => (SyncStatus::MissingTarget, None),
                (None, true) => (SyncStatus::MissingCanonical, runtime_content),
                (Some(canonical), true) if runtime_content.as_ref() == Some(canonical) => (SyncStatus::InSync, None),
                (Some(_), true) => (SyncStatus::OutOfSync, runtime_content),
            };
            diff.runtimes.push(RuntimeDiff {
                runtime: runtime.label,
                status,
                reason: None,
                expected_content: None,
                runtime_content: content,
            });
        }
        diff
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
