//! History and trash (docs/DECISIONS.md, "History and trash"): every byte ctxgate replaces or
//! removes is kept first.
//!
//! Layout under the history folder (default `<root>/.memtomem/.ctxgate/history/`):
//! ```text
//! .gitignore                          "*": git ignores all of it with no setup
//! <type>/<name>/<id>.<reason>.<etag>  one entry: the replaced bytes, nothing else
//! <type>/<name>/<id>.<reason>.<etag>.<runtime>   a runtime's file replaced by sync
//! <type>/<name>/runtime-trees/<id>.<runtime>/    a runtime's skill folder as sync found it
//! trash/<id>/meta.json                {type, name, deleted_at}
//! trash/<id>/folder | trash/<id>/flat.md   the artifact as it was (folder moved whole)
//! ```
//! An entry is one file whose name carries its metadata, so it appears with one rename: a crash
//! leaves a complete entry or none. The displaced working file itself is renamed in (same file
//! system), so a program that still has it open and writes late writes into history. Its mtime
//! is the replaced version's mtime (a rename keeps it).

use crate::tokens::mtime_ns;
use model::{is_history_id, Etag, HistoryId, Kind, MtimeNs};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Retention per artifact: the newest `KEEP_NEWEST` entries and everything younger than
/// `KEEP_YOUNG`, but never more than `KEEP_MAX` (a runaway writer must not fill the disk).
const KEEP_NEWEST: usize = 50;
const KEEP_YOUNG: Duration = Duration::from_secs(24 * 3600);
const KEEP_MAX: usize = 500;
/// An entry this young holding the same bytes is reused instead of keeping them again.
pub(crate) const REUSE_WITHIN: Duration = Duration::from_secs(3600);
const TRASH_DAYS: Duration = Duration::from_secs(30 * 24 * 3600);

pub use model::HistoryReason as Reason;

/// One kept version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: HistoryId,
    /// RFC 3339 UTC.
    pub at: String,
    pub reason: Reason,
    pub etag: Etag,
    pub mtime_ns: MtimeNs,
    pub size: u64,
    /// The runtime whose file this was (`claude_agents`, …), for files replaced by sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
}

/// The parts of an entry's file name: `<id>.<reason>.<etag>[.<runtime>]`.
struct EntryName<'a> {
    id: HistoryId,
    reason: &'a str,
    etag: &'a str,
    runtime: Option<&'a str>,
}

fn parse_entry_name(name: &str) -> Option<EntryName<'_>> {
    let mut parts = name.splitn(4, '.');
    let (id, reason, etag) = (parts.next()?, parts.next()?, parts.next()?);
    let runtime = parts.next();
    let runtime_ok = runtime.is_none_or(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
    let id = HistoryId::parse(id)?;
    runtime_ok.then_some(EntryName { id, reason, etag, runtime })
}

/// Folder (inside an artifact's history) holding runtime skill folders displaced by sync.
const RUNTIME_TREES: &str = "runtime-trees";

/// One deleted artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashItem {
    pub id: HistoryId,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub name: String,
    pub deleted_at: String,
}

pub(crate) fn new_id(now: SystemTime) -> HistoryId {
    let ns = now.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    HistoryId::new(ns, rand::random::<u32>())
}

pub(crate) fn id_time(id: &HistoryId) -> SystemTime {
    let ns = u64::try_from(id.time_ns()).unwrap_or(0);
    SystemTime::UNIX_EPOCH + Duration::from_nanos(ns)
}

/// `2026-11-28T21:06:34Z` (whole seconds, UTC).
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    model::time::rfc3339_utc(i64::try_from(secs).unwrap_or(i64::MAX))
}

/// The bytes being replaced, with their tokens.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Version<'a> {
    pub bytes: &'a [u8],
    pub etag: &'a Etag,
    pub mtime: MtimeNs,
}

/// What this process knows of one artifact's history folder, so a save never scans it: the
/// entry file names sorted by id, and the folder's mtime when they were read. A write by another
/// process changes that mtime and the names are read again.
#[derive(Debug, Default)]
struct Index {
    stamp: Option<SystemTime>,
    names: Vec<String>,
}

impl Index {
    fn read(dir: &Path) -> io::Result<Index> {
        let stamp = fs::metadata(dir)?.modified()?;
        let mut names: Vec<String> = fs::read_dir(dir)?
            .flatten()
            // A planted link is not an entry (`entries` does not list one either).
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| name.split('.').next().is_some_and(is_history_id))
            .collect();
        names.sort_unstable();
        Ok(Index { stamp: Some(stamp), names })
    }

    /// The newest entry's id when it holds `etag`'s bytes of the same file (the working file
    /// when `runtime` is `None`).
    fn newest_with(&self, etag: &Etag) -> Option<HistoryId> {
        self.newest_of(etag, None)
    }

    /// The newest entry's id when it holds `etag`'s bytes of the same file and is younger than
    /// `REUSE_WITHIN` (consecutive identical contents are kept once). An older one is not
    /// reused: its retention clock would not restart, and the version that was live a moment
    /// ago could be the next to go (a restore from a two-day-old trash, then a save). Entries a
    /// crash's recovery added are passed over: a recovered temp landing between two keeps of one
    /// version must not make it kept twice and push an older version out of retention.
    fn newest_of(&self, etag: &Etag, runtime: Option<&str>) -> Option<HistoryId> {
        let newest = self
            .names
            .iter()
            .rev()
            .filter_map(|name| parse_entry_name(name))
            .find(|entry| entry.reason != Reason::Recovered.word())?;
        let young = SystemTime::now().checked_sub(REUSE_WITHIN).is_some_and(|after| id_time(&newest.id) > after);
        (young && newest.etag == etag.as_str() && newest.runtime == runtime).then_some(newest.id)
    }
}

/// The history folder of one project.
///
/// Containment (the history root of `docs/ARCHITECTURE.md`): the folder is `anchor` (resolved
/// once, at start) followed by `chain`, and every folder below the anchor is entered only when
/// it is a real folder, never a symbolic link — a cloned repository that plants
/// `.memtomem/.ctxgate/history/skills/x -> ~/somewhere` gets its writes refused, not redirected.
#[derive(Debug)]
pub struct History {
    anchor: PathBuf,
    chain: Vec<String>,
    dir: PathBuf,
    indexes: parking_lot::Mutex<std::collections::HashMap<PathBuf, Index>>,
}

impl History {
    /// `anchor/chain…`; `anchor` must be trusted (the project's `.memtomem/` or a resolved
    /// `--history-dir`).
    pub(crate) fn new(anchor: PathBuf, chain: Vec<String>) -> History {
        let dir = chain.iter().fold(anchor.clone(), |dir, part| dir.join(part));
        History { anchor, chain, dir, indexes: parking_lot::Mutex::default() }
    }

    /// The folder `<history>/<parts…>`, each level checked to be a real folder (created when
    /// `create`). The one way any path inside history is made.
    fn dir_for(&self, parts: &[&str], create: bool) -> io::Result<PathBuf> {
        if create && fs::symlink_metadata(&self.anchor).is_err() {
            fs::create_dir_all(&self.anchor)?;
        }
        let mut dir = self.anchor.clone();
        let mut depth = 0;
        for part in self.chain.iter().map(String::as_str).chain(parts.iter().copied()) {
            dir = real_dir(&dir, part, create)?;
            depth += 1;
            if create && depth == self.chain.len() {
                let ignore = dir.join(".gitignore");
                if fs::symlink_metadata(&ignore).is_err() {
                    // git ignores all of history with no setup.
                    crate::write::write_new_file(&ignore, b"*\n", crate::write::Stamp::Fresh)?;
                }
            }
        }
        Ok(dir)
    }

    fn artifact_dir(&self, kind: Kind, name: &str, create: bool) -> io::Result<PathBuf> {
        self.dir_for(&[kind.plural(), name], create)
    }

    /// Runs `work` on the artifact folder's index (re-read if another process changed the
    /// folder), then records the folder's new mtime. Serialises this process's history writes.
    fn with_index<T>(
        &self,
        (kind, name): (Kind, &str),
        work: impl FnOnce(&Path, &mut Index) -> io::Result<T>,
    ) -> io::Result<T> {
        let dir = self.artifact_dir(kind, name, true)?;
        let mut indexes = self.indexes.lock();
        let index = indexes.entry(dir.clone()).or_default();
        let stamp = fs::metadata(&dir).and_then(|m| m.modified()).ok();
        if stamp.is_none() || stamp != index.stamp {
            *index = Index::read(&dir)?;
        }
        let result = work(&dir, index);
        index.stamp = fs::metadata(&dir).and_then(|m| m.modified()).ok();
        result
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Makes sure an entry can be written for this artifact (called before anything is replaced,
    /// so a history that cannot be written refuses the save instead of losing the safety net).
    pub(crate) fn prepare(&self, kind: Kind, name: &str) -> io::Result<()> {
        self.with_index((kind, name), |_, _| Ok(()))
    }

    /// The id the next entry for `etag` will have: the newest entry's own when it holds the same
    /// bytes (consecutive identical contents are kept once), else a fresh one.
    pub(crate) fn plan(&self, kind: Kind, name: &str, etag: &Etag) -> HistoryId {
        let newest = self.with_index((kind, name), |_, index| Ok(index.newest_with(etag)));
        newest.ok().flatten().unwrap_or_else(|| new_id(SystemTime::now()))
    }

    /// Keeps the displaced file `displaced` (its bytes are `bytes`) as entry `id`: moved in by
    /// rename, or copied when history lives on another file system. On `Err` the displaced file
    /// is where it was.
    pub(crate) fn keep_file(
        &self,
        (kind, name): (Kind, &str),
        id: &HistoryId,
        reason: Reason,
        displaced: &Path,
        version: Version<'_>,
    ) -> io::Result<()> {
        self.with_index((kind, name), |dir, index| {
            let kept = index
                .newest_with(version.etag)
                .filter(|newest| newest == id)
                .and_then(|_| index.names.iter().rev().find(|name| name.starts_with(id.as_str())).cloned());
            // The entry's name says it holds these bytes; only its bytes may say so before the
            // displaced file, maybe the last copy, goes.
            if kept.is_some_and(|name| fs::read(dir.join(name)).is_ok_and(|bytes| bytes == version.bytes)) {
                return fs::remove_file(displaced);
            }
            let id = if index.names.iter().any(|name| name.starts_with(id.as_str())) {
                new_id(SystemTime::now())
            } else {
                id.clone()
            };
            let file_name = format!("{id}.{}.{}", reason.word(), version.etag);
            let path = dir.join(&file_name);
            match fs::rename(displaced, &path) {
                Ok(()) => {}
                Err(err) if err.raw_os_error() == Some(18) /* EXDEV */ => {
                    write_entry(&path, version.bytes, version.mtime)?;
                    fs::remove_file(displaced)?;
                }
                Err(err) => return Err(err),
            }
            index.names.push(file_name);
            retain(dir, index);
            Ok(())
        })
    }

    /// Keeps `bytes` (whose file had mtime `mtime`) as a new entry; returns its id.
    pub(crate) fn keep_bytes(
        &self,
        (kind, name): (Kind, &str),
        reason: Reason,
        version: Version<'_>,
    ) -> io::Result<HistoryId> {
        self.with_index((kind, name), |dir, index| {
            if let Some(id) = index.newest_with(version.etag) {
                return Ok(id);
            }
            let id = new_id(SystemTime::now());
            let file_name = format!("{id}.{}.{}", reason.word(), version.etag);
            write_entry(&dir.join(&file_name), version.bytes, version.mtime)?;
            index.names.push(file_name);
            retain(dir, index);
            Ok(id)
        })
    }

    /// Keeps a runtime's file that sync is about to replace (reason `sync`, with the runtime);
    /// returns the entry id.
    pub(crate) fn keep_runtime_bytes(
        &self,
        (kind, name): (Kind, &str),
        runtime: &str,
        version: Version<'_>,
    ) -> io::Result<HistoryId> {
        self.with_index((kind, name), |dir, index| {
            if let Some(id) = index.newest_of(version.etag, Some(runtime)) {
                return Ok(id);
            }
            let id = new_id(SystemTime::now());
            let file_name = format!("{id}.{}.{}.{runtime}", Reason::Sync.word(), version.etag);
            write_entry(&dir.join(&file_name), version.bytes, version.mtime)?;
            index.names.push(file_name);
            retain(dir, index);
            Ok(id)
        })
    }

    /// Moves a runtime's displaced skill folder (`tree`, already detached from the runtime) in
    /// whole, so its other files — and a late write into it — are kept too. Trees follow the
    /// retention of entries.
    /// Makes sure [`History::keep_runtime_tree`] can take a folder for this artifact (called
    /// before a runtime folder is swapped out, so a history that cannot be written refuses the
    /// sync instead).
    pub(crate) fn prepare_runtime_trees(&self, kind: Kind, name: &str) -> io::Result<()> {
        self.dir_for(&[kind.plural(), name, RUNTIME_TREES], true).map(drop)
    }

    pub(crate) fn keep_runtime_tree(
        &self,
        (kind, name): (Kind, &str),
        runtime: &str,
        id: &HistoryId,
        tree: &Path,
    ) -> io::Result<HistoryId> {
        let trees = self.dir_for(&[kind.plural(), name, RUNTIME_TREES], true)?;
        // The SKILL.md entry's id may be reused for an identical SKILL.md; its tree name is taken
        // then, and moving onto it would fail: this tree gets a fresh id.
        let mut id = id.clone();
        while fs::symlink_metadata(trees.join(format!("{id}.{runtime}"))).is_ok() {
            id = new_id(SystemTime::now());
        }
        move_path(tree, &trees.join(format!("{id}.{runtime}")))?;
        let mut names: Vec<String> = fs::read_dir(&trees)?
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.split('.').next().is_some_and(is_history_id))
            .collect();
        names.sort_unstable();
        for gone in retain_names(&mut Index { stamp: None, names }) {
            let _ = fs::remove_dir_all(trees.join(gone));
        }
        Ok(id)
    }

    /// Entries of one artifact with their files, newest first.
    fn entries(&self, kind: Kind, name: &str) -> Vec<(HistoryEntry, PathBuf)> {
        let Ok(dir) = self.artifact_dir(kind, name, false) else { return Vec::new() };
        let Ok(read) = fs::read_dir(&dir) else { return Vec::new() };
        let mut out: Vec<(HistoryEntry, PathBuf)> = read
            .flatten()
            .filter_map(|e| {
                let file_name = e.file_name().into_string().ok()?;
                let parts = parse_entry_name(&file_name)?;
                // `DirEntry::metadata` does not follow links: a planted link is not an entry.
                let meta = e.metadata().ok().filter(fs::Metadata::is_file)?;
                let entry = HistoryEntry {
                    at: rfc3339(id_time(&parts.id)),
                    id: parts.id,
                    reason: Reason::from_word(parts.reason)?,
                    etag: Etag::parse(parts.etag)?,
                    mtime_ns: mtime_ns(&meta),
                    size: meta.len(),
                    runtime: parts.runtime.map(str::to_owned),
                };
                Some((entry, e.path()))
            })
            .collect();
        out.sort_by(|a, b| b.0.id.cmp(&a.0.id));
        out
    }

    /// The newest entry holding `etag` (any reason) whose id is younger than `within`.
    pub(crate) fn recent_with(&self, kind: Kind, name: &str, etag: &Etag, within: Duration) -> Option<HistoryId> {
        let after = SystemTime::now().checked_sub(within)?;
        self.list(kind, name).into_iter().find(|e| e.etag == *etag && id_time(&e.id) > after).map(|e| e.id)
    }

    /// An artifact's entries, newest first (also after it was deleted).
    pub fn list(&self, kind: Kind, name: &str) -> Vec<HistoryEntry> {
        self.entries(kind, name).into_iter().map(|(entry, _)| entry).collect()
    }

    /// One entry and its bytes as they are now; `None` for an unknown id.
    pub fn read(&self, kind: Kind, name: &str, id: &HistoryId) -> io::Result<Option<(HistoryEntry, Vec<u8>)>> {
        match self.entries(kind, name).into_iter().find(|(entry, _)| entry.id == *id) {
            Some((entry, path)) => Ok(Some((entry, fs::read(path)?))),
            None => Ok(None),
        }
    }

    fn trash_dir(&self, create: bool) -> io::Result<PathBuf> {
        self.dir_for(&["trash"], create)
    }

    /// Starts trash item `id`: its meta file first, so whatever a crash leaves moved into the
    /// item is already listed (an item whose slots are all missing is not).
    pub(crate) fn begin_trash(&self, id: &HistoryId, kind: Kind, name: &str) -> io::Result<()> {
        let item = TrashItem { id: id.clone(), kind, name: name.to_owned(), deleted_at: rfc3339(SystemTime::now()) };
        let bytes = serde_json::to_vec_pretty(&item).map_err(io::Error::other)?;
        write_entry(&self.dir_for(&["trash", id.as_str()], true)?.join("meta.json"), &bytes, MtimeNs(now_ns()))
    }

    /// Moves `artifact` (a folder, a link to one, or a flat file) into the begun trash item `id`
    /// as `slot` (`folder` or `flat.md`).
    pub(crate) fn trash(&self, id: &HistoryId, slot: &str, artifact: &Path) -> io::Result<()> {
        let item = self.dir_for(&["trash", id.as_str()], false)?;
        move_path(artifact, &item.join(slot))
    }

    /// Ends a delete: items older than the trash keeps go.
    pub(crate) fn finish_trash(&self) {
        self.expire_trash();
    }

    /// Trash items, newest first.
    pub fn trash_items(&self) -> Vec<TrashItem> {
        let Ok(trash) = self.trash_dir(false) else { return Vec::new() };
        let Ok(read) = fs::read_dir(trash) else { return Vec::new() };
        let mut items: Vec<TrashItem> = read
            .flatten()
            .filter_map(|e| {
                let id = HistoryId::parse(e.file_name().to_str()?)?;
                if !e.file_type().ok()?.is_dir() {
                    return None;
                }
                let meta = e.path().join("meta.json");
                if !fs::symlink_metadata(&meta).ok()?.is_file() {
                    return None;
                }
                // A delete that died before it moved anything holds nothing to bring back.
                let holds = |slot: &str| fs::symlink_metadata(e.path().join(slot)).is_ok();
                if !holds("folder") && !holds("flat.md") {
                    return None;
                }
                let item: TrashItem = serde_json::from_slice(&fs::read(meta).ok()?).ok()?;
                (item.id == id).then_some(item)
            })
            .collect();
        items.sort_by(|a, b| b.id.cmp(&a.id));
        items
    }

    pub(crate) fn trash_item(&self, id: &HistoryId) -> Option<(TrashItem, PathBuf)> {
        let item = self.trash_items().into_iter().find(|item| item.id == *id)?;
        Some((item, self.trash_dir(false).ok()?.join(id.as_str())))
    }

    /// Removes a restored item's leftovers (its meta file and folder).
    pub(crate) fn forget_trash(&self, id: &HistoryId) {
        if let Ok(trash) = self.trash_dir(false) {
            let _ = fs::remove_dir_all(trash.join(id.as_str()));
        }
    }

    fn expire_trash(&self) {
        let old = SystemTime::now() - TRASH_DAYS;
        for item in self.trash_items() {
            if id_time(&item.id) < old {
                self.forget_trash(&item.id);
            }
        }
    }
}

/// Drops what retention no longer keeps, oldest first: beyond the newest `KEEP_NEWEST`, entries
/// older than a day, and anything beyond `KEEP_MAX`. Only this artifact's folder is touched.
fn retain(dir: &Path, index: &mut Index) {
    for name in retain_names(index) {
        let _ = fs::remove_file(dir.join(name));
    }
}

/// Takes the names retention drops out of `index` and returns them.
fn retain_names(index: &mut Index) -> Vec<String> {
    let young_after = SystemTime::now() - KEEP_YOUNG;
    let len = index.names.len();
    let drop = index
        .names
        .iter()
        .enumerate()
        .take_while(|(i, name)| {
            let from_newest = len - 1 - i;
            let young = name.split('.').next().and_then(HistoryId::parse).is_some_and(|id| id_time(&id) > young_after);
            from_newest >= KEEP_NEWEST && (from_newest >= KEEP_MAX || !young)
        })
        .count();
    index.names.drain(..drop).collect()
}

fn now_ns() -> u128 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// `parent/name` when it is a real folder (made when `create` and missing); a symbolic link or
/// a file there is refused.
fn real_dir(parent: &Path, name: &str, create: bool) -> io::Result<PathBuf> {
    let dir = parent.join(name);
    let check = |meta: fs::Metadata| {
        if meta.file_type().is_dir() {
            Ok(dir.clone())
        } else {
            Err(io::Error::other(format!(
                "history folder {name:?} is a symbolic link or a file; history is never written through one"
            )))
        }
    };
    match fs::symlink_metadata(&dir) {
        Ok(meta) => check(meta),
        Err(err) if err.kind() == io::ErrorKind::NotFound && create => match fs::create_dir(&dir) {
            Ok(()) => Ok(dir),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => check(fs::symlink_metadata(&dir)?),
            Err(err) => Err(err),
        },
        Err(err) => Err(err),
    }
}

/// Temp + fsync + rename: the entry appears whole or not at all, with `mtime` (the kept
/// version's own).
/// Without the swap this entry is the only copy before the working file is replaced, so its
/// folder is fsynced too (`put_file`).
fn write_entry(path: &Path, bytes: &[u8], mtime: MtimeNs) -> io::Result<()> {
    crate::write::put_file(path, bytes, crate::write::Stamp::Mtime(mtime))
}

/// Rename, or copy-then-remove across file systems (links are recreated, never followed;
/// modes and mtimes are kept).
pub(crate) fn move_path(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Err(err) if is_cross_device(&err) => {
            copy_tree(from, to)?;
            remove_tree(from)
        }
        other => other,
    }
}

/// Moves `from` to `to` unless `to` exists (`Ok(false)`, nothing moved), across file systems
/// too: there the copy is made under a temp name beside `to` and linked in no-replace, so `to`
/// appears whole or not at all, and the source goes only once the copy is in place.
pub(crate) fn move_noreplace(from: &Path, to: &Path) -> io::Result<bool> {
    match crate::write::rename_noreplace(from, to) {
        Err(err) if is_cross_device(&err) => {
            let dir = to.parent().ok_or_else(|| io::Error::other("target has no folder"))?;
            let name = to.file_name().and_then(|n| n.to_str()).ok_or_else(|| io::Error::other("target name"))?;
            let temp = crate::write::temp_path(dir, name);
            if let Err(err) = copy_tree(from, &temp) {
                let _ = remove_tree(&temp);
                return Err(err);
            }
            if !crate::write::rename_noreplace(&temp, to)? {
                // Our own copy; the original is still at `from`.
                remove_tree(&temp)?;
                return Ok(false);
            }
            crate::write::sync_dir(dir);
            remove_tree(from)?;
            Ok(true)
        }
        other => other,
    }
}

fn is_cross_device(err: &io::Error) -> bool {
    err.raw_os_error() == Some(18) // EXDEV
}

fn remove_tree(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// A copy as a rename would have left it: same bytes, modes and mtimes; links as links.
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if meta.file_type().is_symlink() {
        return std::os::unix::fs::symlink(fs::read_link(from)?, to);
    }
    if meta.is_dir() {
        fs::create_dir(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        fs::copy(from, to)?;
    }
    let copy = File::open(to)?;
    copy.set_modified(meta.modified()?)?;
    copy.set_permissions(meta.permissions())?;
    copy.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sortable_and_checked() {
        let a = new_id(SystemTime::UNIX_EPOCH + Duration::from_secs(1));
        let b = new_id(SystemTime::UNIX_EPOCH + Duration::from_secs(2));
        assert!(is_history_id(a.as_str()) && is_history_id(b.as_str()) && a < b);
        for bad in
            ["../x", "", "1-2", &"9".repeat(300), "00000000000000000001-ABCDEF01", "00000000000000000001-abcdef0/"]
        {
            assert!(HistoryId::parse(bad).is_none(), "{bad}");
        }
    }
}
