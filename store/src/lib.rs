//! ctxgate's canonical store: the on-disk layout (docs/USING.md, "Next to memtomem"), the version
//! tokens and the guarded atomic write (docs/ARCHITECTURE.md, "One Save"). No HTTP and no Leptos
//! here: the REST handlers and the server functions are thin doors onto [`Store`].

mod contain;
mod history;
mod layout;
mod lock;
mod memtomem_versions;
mod recover;
mod sync;
mod tokens;
pub mod watch;
mod write;

pub use history::{HistoryEntry, Reason, TrashItem};
pub use layout::{locate, Located};
pub use model::{validate_name, Etag, HistoryId, Kind, MtimeNs, NameError, SyncStatus, MAX_NAME_LEN};
pub use sync::{
    Dropped, Generated, ImportReport, ImportSkip, Imported, ItemDiff, ListedItem, ReplacedFile, RuntimeDiff, Skipped,
    StatusRow, SyncReport,
};
pub use tokens::{etag_of, mtime_ns};

use history::History;
use lock::{LockError, Locks};
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a writer waits for another writer of the same artifact before giving up
/// (docs/USING.md, "Limits").
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(10);

/// Skill folders are walked for `files` at most this deep / this many entries, so a huge or
/// looping tree cannot stall a read.
const FILES_MAX_DEPTH: usize = 8;
const FILES_MAX_COUNT: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid name: {0}")]
    InvalidName(#[from] NameError),
    #[error("artifact not found")]
    NotFound,
    #[error("artifact already exists")]
    AlreadyExists,
    #[error("file is not valid UTF-8 text")]
    NotText,
    #[error("file was modified by another process")]
    Stale { current_mtime_ns: MtimeNs },
    #[error("another save of this artifact is still running")]
    Busy,
    /// History could not keep the bytes a write would replace, so nothing was written.
    #[error("the history folder cannot be written, so nothing was changed: {0}")]
    HistoryUnavailable(io::Error),
    /// The operation would change content outside the project (a symlinked type folder).
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("file system error: {0}")]
    Io(#[from] io::Error),
}

/// One row of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub canonical_path: String,
    pub mtime_ns: MtimeNs,
    pub size: u64,
}

/// A working file read in full, with its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub name: String,
    pub canonical_path: String,
    pub content: String,
    pub mtime_ns: MtimeNs,
    pub etag: Etag,
    /// Skills only: the other files in the skill folder, relative to it, sorted.
    pub files: Option<Vec<String>>,
}

/// The tokens after a create or a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub name: String,
    pub canonical_path: String,
    pub mtime_ns: MtimeNs,
    pub etag: Etag,
}

/// A guarded write: the new content and the version the writer started from.
#[derive(Debug, Clone, Copy)]
pub struct Update<'a> {
    pub content: &'a str,
    pub base_mtime_ns: MtimeNs,
    /// When given, staleness is decided by content hash and the mtime is only advisory
    /// (docs/API.md, "`PUT /api/context/{type}/{name}` — save").
    pub base_etag: Option<&'a Etag>,
    pub force: bool,
    /// With `force`: the disk version the user saw; a newer one refuses the force (`seen_etag`,
    /// the same section of docs/API.md).
    pub seen_etag: Option<&'a Etag>,
    /// The new content is a history entry brought back: the replaced version is kept with
    /// reason `restore` instead of `save`.
    pub restored: bool,
}

/// A working file as [`Store::observe`] read it.
#[derive(Debug, Clone)]
pub struct Observed {
    pub etag: Etag,
    pub mtime_ns: MtimeNs,
    /// The resolved path of the working file (a symlink's target).
    pub file: PathBuf,
    pub bytes: Vec<u8>,
}

/// What a delete removed, and where it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    /// Removed paths, relative to the root.
    pub paths: Vec<String>,
    /// The trash item that holds them (`None` when nothing existed).
    pub trash_id: Option<HistoryId>,
}

/// The store for one project root.
pub struct Store {
    root: PathBuf,
    memtomem: PathBuf,
    locks: Locks,
    history: History,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("root", &self.root).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the project at `root` (which must be an existing folder; `.memtomem/` may be
    /// missing). Sweeping crashed writers' temp files is left to [`Store::sweep_stale_temps`],
    /// which the server calls only once it owns its port.
    pub fn open(root: &Path) -> io::Result<Store> {
        Store::open_with_history(root, None)
    }

    /// [`Store::open`] with the history folder elsewhere (`--history-dir`); default
    /// `<root>/.memtomem/.ctxgate/history`, created on first use.
    pub fn open_with_history(root: &Path, history_dir: Option<&Path>) -> io::Result<Store> {
        let root = fs::canonicalize(root)?;
        if !root.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotADirectory, "project root is not a folder"));
        }
        let memtomem = root.join(".memtomem");
        let history = match history_dir {
            // One `--history-dir` may serve many projects: each gets a folder of its own, so
            // trash and retention never mix (docs/DECISIONS.md, "History and trash").
            Some(dir) => {
                fs::create_dir_all(dir)?;
                History::new(fs::canonicalize(dir)?, vec![project_key(&root)])
            }
            None => History::new(memtomem.clone(), vec![".ctxgate".into(), "history".into()]),
        };
        Ok(Store { root, memtomem, locks: Locks::default(), history })
    }

    /// The project root, absolute and symlink-resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The history and trash of this project.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// `<root>/.memtomem`, absolute.
    pub fn memtomem_dir(&self) -> &Path {
        &self.memtomem
    }

    /// All artifacts of one type, sorted by name. A missing type folder is an empty list.
    pub fn list(&self, kind: Kind) -> Result<Vec<Entry>, StoreError> {
        let dir = layout::type_dir(&self.memtomem, kind);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(err.into()),
        };
        let mut names = std::collections::BTreeSet::new();
        for entry in entries.flatten() {
            let Some(file_name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            let candidate = if kind.has_flat_layout() {
                file_name.strip_suffix(".md").map(str::to_owned).unwrap_or(file_name)
            } else {
                file_name
            };
            if validate_name(&candidate).is_ok() {
                names.insert(candidate);
            }
        }
        let mut rows = Vec::with_capacity(names.len());
        for name in names {
            let Some(located) = locate(&self.memtomem, kind, &name) else { continue };
            let Ok(meta) = fs::metadata(&located.file) else { continue };
            rows.push(Entry { name, canonical_path: located.relative, mtime_ns: mtime_ns(&meta), size: meta.len() });
        }
        Ok(rows)
    }

    /// Reads one artifact's working file with its tokens.
    pub fn get(&self, kind: Kind, name: &str) -> Result<Artifact, StoreError> {
        validate_name(name)?;
        let located = locate(&self.memtomem, kind, name).ok_or(StoreError::NotFound)?;
        let (bytes, meta) = read_with_meta(&located.file)?;
        let etag = etag_of(&bytes);
        let content = String::from_utf8(bytes).map_err(|_| StoreError::NotText)?;
        let files = match kind {
            Kind::Skills => Some(skill_files(&layout::folder_path(&self.memtomem, kind, name))),
            _ => None,
        };
        Ok(Artifact {
            name: name.to_owned(),
            canonical_path: located.relative,
            content,
            mtime_ns: mtime_ns(&meta),
            etag,
            files,
        })
    }

    /// An artifact's working file for the checks: its path relative to the root, and its bytes
    /// as [`read_checked`] gives them (`None`: not a regular file of at most 4 MiB).
    pub fn read_for_check(&self, kind: Kind, name: &str) -> Result<(String, Option<Vec<u8>>), StoreError> {
        validate_name(name)?;
        let located = locate(&self.memtomem, kind, name).ok_or(StoreError::NotFound)?;
        Ok((located.relative, read_checked(&located.file)))
    }

    /// The working file as it is now, read under this process's lock for it (`None` when the
    /// artifact does not exist or is not readable).
    pub fn observe(&self, kind: Kind, name: &str) -> Option<Observed> {
        let located = locate(&self.memtomem, kind, name)?;
        let key = fs::canonicalize(&located.file).ok()?;
        let _guard = self.locks.acquire_local(&key, DEFAULT_LOCK_WAIT)?;
        let (bytes, meta) = read_with_meta(&located.file).ok()?;
        Some(Observed { etag: etag_of(&bytes), mtime_ns: mtime_ns(&meta), file: key, bytes })
    }

    /// Keeps `bytes` (an earlier version someone else replaced) in history with reason
    /// `external`; returns the entry id.
    pub fn keep_external(&self, kind: Kind, name: &str, bytes: &[u8], mtime: MtimeNs) -> io::Result<HistoryId> {
        let etag = etag_of(bytes);
        // The watcher may have missed versions in between (two quick saves): bytes kept in the
        // last hour are not kept twice. An older entry with the same bytes is not reused: its
        // 24-hour retention clock would stay where it was, and the next save's retention could
        // drop the version that was live seconds ago.
        if let Some(id) = self.history.recent_with(kind, name, &etag, history::REUSE_WITHIN) {
            return Ok(id);
        }
        self.history.keep_bytes((kind, name), history::Reason::External, history::Version { bytes, etag: &etag, mtime })
    }

    /// Creates a new artifact in the folder layout; an existing one (either layout) is refused,
    /// and so is a working file that appears between the check and the write (no-replace link).
    pub fn create(&self, kind: Kind, name: &str, content: &str) -> Result<Saved, StoreError> {
        validate_name(name)?;
        let _held = self.lock_free_name(kind, name)?;
        let folder = layout::folder_path(&self.memtomem, kind, name);
        match fs::create_dir(&folder) {
            Ok(()) => {}
            // A folder without a working file is not an artifact yet
            // (docs/DECISIONS.md, "A create into an existing folder"): fill it.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && folder.is_dir() => {}
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => return Err(StoreError::AlreadyExists),
            Err(err) => return Err(err.into()),
        }
        let file = layout::folder_file_path(&self.memtomem, kind, name);
        let mtime = write::create_new(&file, content.as_bytes())?.ok_or(StoreError::AlreadyExists)?;
        Ok(Saved {
            name: name.to_owned(),
            canonical_path: layout::relative_folder_file(kind, name),
            mtime_ns: mtime,
            etag: etag_of(content.as_bytes()),
        })
    }

    /// The guarded write (docs/ARCHITECTURE.md, "One Save", step 4).
    pub fn update(&self, kind: Kind, name: &str, update: &Update<'_>) -> Result<Saved, StoreError> {
        validate_name(name)?;
        let located = locate(&self.memtomem, kind, name).ok_or(StoreError::NotFound)?;
        let key = fs::canonicalize(&located.file).map_err(not_found_if_gone)?;
        let _held = self.lock(&key, &layout::type_dir(&self.memtomem, kind), name)?;
        // Again under the locks: a delete may have won the race.
        let located = locate(&self.memtomem, kind, name).ok_or(StoreError::NotFound)?;
        let (current, meta) = read_with_meta(&located.file).map_err(|err| match err {
            StoreError::Io(err) => not_found_if_gone(err),
            other => other,
        })?;
        if std::str::from_utf8(&current).is_err() {
            return Err(StoreError::NotText);
        }
        let current_mtime = mtime_ns(&meta);
        let current_etag = etag_of(&current);
        let saved =
            |mtime_ns, etag| Saved { name: name.to_owned(), canonical_path: located.relative.clone(), mtime_ns, etag };
        if current == update.content.as_bytes() {
            // Nothing can be lost by an identical write, stale token or not.
            return Ok(saved(current_mtime, current_etag));
        }
        let stale = match update.base_etag {
            Some(etag) => *etag != current_etag,
            None => update.base_mtime_ns != current_mtime,
        };
        if stale && (!update.force || update.seen_etag.is_some_and(|seen| *seen != current_etag)) {
            // Force never overwrites a version the user was not shown (`seen_etag`,
            // docs/API.md, "`PUT /api/context/{type}/{name}` — save").
            return Err(StoreError::Stale { current_mtime_ns: current_mtime });
        }
        let replaced = history::Version { bytes: &current, etag: &current_etag, mtime: current_mtime };
        // History must be able to take the replaced bytes before anything is replaced.
        self.history.prepare(kind, name).map_err(StoreError::HistoryUnavailable)?;
        let history_id = self.history.plan(kind, name, &current_etag);
        let reason = match (stale, update.restored) {
            (true, _) => history::Reason::Force,
            (false, true) => history::Reason::Restore,
            (false, false) => history::Reason::Save,
        };
        if stale {
            // memtomem users see the overwritten text in memtomem's own Versions panel too.
            if kind.has_flat_layout() && located.file == layout::folder_file_path(&self.memtomem, kind, name) {
                if let Some(folder) = located.file.parent() {
                    let frozen = memtomem_versions::freeze_version(
                        folder,
                        &current,
                        memtomem_versions::FORCE_NOTE,
                        std::time::SystemTime::now(),
                    );
                    if let Err(err) = frozen {
                        tracing::warn!(target: "ctxgate::store", "could not freeze a memtomem version: {err}");
                    }
                }
            }
            tracing::warn!(
                target: "ctxgate::audit",
                client_etag = update.base_etag.map_or("-", Etag::as_str),
                server_etag = current_etag.as_str(),
                history_id = history_id.as_str(),
                "force-save bypassed mtime check on {} (client_mtime_ns={} server_mtime_ns={})",
                located.file.display(),
                update.base_mtime_ns,
                current_mtime
            );
        }
        // Without the swap, the old inode is destroyed by the rename: its bytes are kept first.
        let mut keep_first = || self.history.keep_bytes((kind, name), reason, replaced).map(drop);
        match write::replace_checked(&located.file, update.content.as_bytes(), &meta, &current, &mut keep_first)? {
            write::Replaced::Done { mtime_ns, displaced: Some(displaced), ours } => {
                // The displaced file itself goes to history (a late writer writes into it there).
                let kept = self.history.keep_file((kind, name), &history_id, reason, &displaced, replaced);
                if let Err(err) = kept {
                    // No safety net, no save: put the old version back.
                    write::undo_replace(&located.file, &displaced, &ours)?;
                    return Err(StoreError::HistoryUnavailable(err));
                }
                Ok(saved(mtime_ns, etag_of(update.content.as_bytes())))
            }
            write::Replaced::Done { mtime_ns, displaced: None, .. } => {
                Ok(saved(mtime_ns, etag_of(update.content.as_bytes())))
            }
            write::Replaced::KeepFailed(err) => Err(StoreError::HistoryUnavailable(err)),
            write::Replaced::Changed => {
                // A writer that ignores the lock got in between our read and our swap: its bytes
                // stay, and this save is stale whatever it carried.
                if stale {
                    tracing::warn!(
                        target: "ctxgate::audit",
                        "force-save of {} refused: the file was replaced while it was written",
                        located.file.display()
                    );
                }
                let now = fs::metadata(&located.file).map(|m| mtime_ns(&m)).unwrap_or(current_mtime);
                Err(StoreError::Stale { current_mtime_ns: now })
            }
        }
    }

    /// Moves the whole artifact (its folder, or its flat file, or both) into the trash, after
    /// keeping its working file as a history entry (reason `delete`). A symlinked folder moves
    /// only its link; through a symlinked type folder nothing is removed (403): that content is
    /// shared with whatever else links it.
    pub fn delete(&self, kind: Kind, name: &str) -> Result<Deleted, StoreError> {
        validate_name(name)?;
        let nothing = Deleted { paths: Vec::new(), trash_id: None };
        let type_dir = layout::type_dir(&self.memtomem, kind);
        match fs::symlink_metadata(&type_dir) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(nothing),
            Err(err) => return Err(err.into()),
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(StoreError::Forbidden(
                    "this type folder is a symbolic link to shared content; delete it where it lives",
                ))
            }
            Ok(_) => {}
        }
        let key = match locate(&self.memtomem, kind, name) {
            Some(located) => fs::canonicalize(&located.file).map_err(not_found_if_gone)?,
            None => return Ok(nothing),
        };
        let _held = self.lock(&key, &type_dir, name)?;
        let Some(located) = locate(&self.memtomem, kind, name) else { return Ok(nothing) };
        let (bytes, meta) = read_with_meta(&located.file)?;
        let etag = etag_of(&bytes);
        let version = history::Version { bytes: &bytes, etag: &etag, mtime: mtime_ns(&meta) };
        self.history
            .keep_bytes((kind, name), history::Reason::Delete, version)
            .map_err(StoreError::HistoryUnavailable)?;
        let trash_id = history::new_id(std::time::SystemTime::now());
        self.history.begin_trash(&trash_id, kind, name).map_err(StoreError::HistoryUnavailable)?;
        let mut paths = Vec::new();
        if layout::folder_file_path(&self.memtomem, kind, name).is_file() {
            let folder = layout::folder_path(&self.memtomem, kind, name);
            self.history.trash(&trash_id, TRASH_FOLDER, &folder).map_err(StoreError::HistoryUnavailable)?;
            paths.push(format!(".memtomem/{}/{}", kind.plural(), name));
        }
        if kind.has_flat_layout() {
            let flat = layout::flat_file_path(&self.memtomem, kind, name);
            if flat.is_file() {
                match self.history.trash(&trash_id, TRASH_FLAT, &flat) {
                    Ok(()) => paths.push(layout::relative_flat_file(kind, name)),
                    // The folder is in the trash already: the answer says what was removed
                    // (the flat file stays, and is the artifact now), never "nothing changed".
                    Err(err) if !paths.is_empty() => {
                        tracing::warn!(target: "ctxgate::store", "{} {name}: the flat file stays, the trash cannot take it: {err}", kind.plural());
                    }
                    Err(err) => return Err(StoreError::HistoryUnavailable(err)),
                }
            }
        }
        self.history.finish_trash();
        Ok(Deleted { paths, trash_id: Some(trash_id) })
    }

    /// Brings a trash item back under its name; a name taken meanwhile → `AlreadyExists`, and
    /// the item stays in the trash.
    pub fn restore_trash(&self, id: &HistoryId) -> Result<Saved, StoreError> {
        let (item, dir) = self.history.trash_item(id).ok_or(StoreError::NotFound)?;
        let (kind, name) = (item.kind, item.name.as_str());
        validate_name(name)?;
        let _held = self.lock_free_name(kind, name)?;
        for (slot, target) in [
            (TRASH_FOLDER, layout::folder_path(&self.memtomem, kind, name)),
            (TRASH_FLAT, layout::flat_file_path(&self.memtomem, kind, name)),
        ] {
            let from = dir.join(slot);
            if fs::symlink_metadata(&from).is_err() {
                continue;
            }
            // An empty folder of that name (what a delete by hand or a checkout leaves) is not an
            // artifact and holds nothing: rmdir(2) only ever removes an empty one.
            if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
                let _ = fs::remove_dir(&target);
            }
            if !history::move_noreplace(&from, &target)? {
                return Err(StoreError::AlreadyExists);
            }
        }
        self.history.forget_trash(id);
        let artifact = self.get(kind, name)?;
        Ok(Saved {
            name: artifact.name,
            canonical_path: artifact.canonical_path,
            mtime_ns: artifact.mtime_ns,
            etag: artifact.etag,
        })
    }

    /// The locks for a name that is about to come into being (create, restore from the trash):
    /// keyed by the name in the resolved type folder; an artifact of that name → `AlreadyExists`.
    fn lock_free_name(&self, kind: Kind, name: &str) -> Result<lock::Held, StoreError> {
        let type_dir = layout::type_dir(&self.memtomem, kind);
        fs::create_dir_all(&type_dir)?;
        let key = fs::canonicalize(&type_dir)?.join(name);
        let held = self.lock(&key, &type_dir, name)?;
        if locate(&self.memtomem, kind, name).is_some() {
            return Err(StoreError::AlreadyExists);
        }
        Ok(held)
    }

    /// Both locks of one artifact (docs/ARCHITECTURE.md, "One Save", step 4): in-process by
    /// resolved path, then memtomem's name lock in `type_dir`.
    fn lock(&self, key: &Path, type_dir: &Path, name: &str) -> Result<lock::Held, StoreError> {
        self.locks.acquire(key, &lock::name_lock_path(type_dir, name), DEFAULT_LOCK_WAIT).map_err(|err| match err {
            LockError::Busy => StoreError::Busy,
            LockError::Io(err) => StoreError::Io(err),
        })
    }
}

/// The folder of one project inside a shared `--history-dir`: the root's last part (for people
/// looking) and a hash of its whole resolved path (for uniqueness).
fn project_key(root: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(root.as_os_str().as_encoded_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let base: String = root
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                .take(40)
                .collect()
        })
        .unwrap_or_default();
    if base.is_empty() {
        format!("project-{hex}")
    } else {
        format!("{base}-{hex}")
    }
}

/// A file that vanished between locate and read was deleted: that is a 404, not a 500.
fn not_found_if_gone(err: io::Error) -> StoreError {
    if err.kind() == io::ErrorKind::NotFound {
        StoreError::NotFound
    } else {
        StoreError::Io(err)
    }
}

/// Where a trash item keeps a folder-layout artifact and a flat file.
pub(crate) const TRASH_FOLDER: &str = "folder";
const TRASH_FLAT: &str = "flat.md";

/// Reads a file's bytes and the metadata of the same open file (one consistent view).
/// Files the checks read (docs/CHECKS.md) are regular files of at most this size: a planted
/// symlink to `/dev/zero` or a huge file is "not checked", never an out-of-memory.
pub const MAX_CHECKED_BYTES: u64 = 4 * 1024 * 1024;

/// The bytes of a file to check, or `None` when it is not a regular file or is too big.
pub fn read_checked(path: &Path) -> Option<Vec<u8>> {
    let meta = fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_CHECKED_BYTES {
        return None;
    }
    fs::read(path).ok()
}

fn read_with_meta(path: &Path) -> Result<(Vec<u8>, fs::Metadata), StoreError> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok((bytes, meta))
}

/// The files of a skill folder other than `SKILL.md` and temp files, relative, sorted.
fn skill_files(folder: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(folder.to_path_buf(), String::new(), 0usize)];
    while let Some((dir, prefix, depth)) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            if out.len() >= FILES_MAX_COUNT {
                break;
            }
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            // Lock files (`.versions.json.lock`, …) and temp files are not part of a skill
            // (docs/DECISIONS.md, "Lock files").
            let lock_file = name.starts_with('.') && name.ends_with(".lock");
            if write::is_temp_name(&name) || lock_file || (depth == 0 && name == Kind::Skills.folder_file()) {
                continue;
            }
            let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            let Ok(file_type) = entry.file_type() else { continue };
            if file_type.is_dir() {
                if depth + 1 < FILES_MAX_DEPTH {
                    stack.push((entry.path(), rel, depth + 1));
                }
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}
