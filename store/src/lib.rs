//! ctxgate's canonical store: the on-disk layout of SPEC §1, the version tokens of §2 and the
//! guarded atomic write of §4. No HTTP and no Leptos here: the REST handlers and the server
//! functions are thin doors onto [`Store`].

mod layout;
mod names;
mod tokens;
mod write;

pub use layout::{locate, Kind, Located};
pub use names::{validate_name, NameError, MAX_NAME_LEN};
pub use tokens::{etag_of, mtime_ns, MtimeNs};

use parking_lot::Mutex;
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How long a writer waits for another writer of the same artifact before giving up (§4 step 3).
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
    pub etag: String,
    /// Skills only: the other files in the skill folder, relative to it, sorted.
    pub files: Option<Vec<String>>,
}

/// The tokens after a create or a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub name: String,
    pub canonical_path: String,
    pub mtime_ns: MtimeNs,
    pub etag: String,
}

/// A guarded write: the new content and the version the writer started from.
#[derive(Debug, Clone, Copy)]
pub struct Update<'a> {
    pub content: &'a str,
    pub base_mtime_ns: MtimeNs,
    /// When given, staleness is decided by content hash and the mtime is only advisory (§2).
    pub base_etag: Option<&'a str>,
    pub force: bool,
}

/// One lock per artifact, created on first use.
type LockTable = HashMap<(Kind, String), Arc<Mutex<()>>>;

/// The store for one project root.
pub struct Store {
    root: PathBuf,
    memtomem: PathBuf,
    locks: Mutex<LockTable>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("root", &self.root).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the project at `root` (which must be an existing folder; `.memtomem/` may be
    /// missing) and sweeps temp files a crashed writer left behind.
    pub fn open(root: &Path) -> io::Result<Store> {
        let root = fs::canonicalize(root)?;
        if !root.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotADirectory, "project root is not a folder"));
        }
        let memtomem = root.join(".memtomem");
        let store = Store { root, memtomem, locks: Mutex::new(HashMap::new()) };
        store.sweep_all_temps();
        Ok(store)
    }

    /// The project root, absolute and symlink-resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<root>/.memtomem`, absolute.
    pub fn memtomem_dir(&self) -> &Path {
        &self.memtomem
    }

    /// Removes temp files in every type folder and artifact folder; returns how many.
    pub fn sweep_all_temps(&self) -> usize {
        let mut removed = 0;
        for kind in Kind::ALL {
            let dir = layout::type_dir(&self.memtomem, kind);
            removed += write::sweep_all_temps(&dir);
            let Ok(entries) = fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    removed += write::sweep_all_temps(&path);
                    // A symlinked working file keeps its temps beside its target.
                    let file = path.join(kind.folder_file());
                    if let Ok(target) = write::write_target(&file) {
                        if let Some(parent) = target.parent().filter(|p| *p != path) {
                            removed += write::sweep_all_temps(parent);
                        }
                    }
                }
            }
        }
        removed
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

    /// Creates a new artifact in the folder layout; an existing one (either layout) is refused.
    pub fn create(&self, kind: Kind, name: &str, content: &str) -> Result<Saved, StoreError> {
        validate_name(name)?;
        let lock = self.artifact_lock(kind, name);
        let _held = lock.try_lock_for(DEFAULT_LOCK_WAIT).ok_or(StoreError::Busy)?;
        if locate(&self.memtomem, kind, name).is_some() {
            return Err(StoreError::AlreadyExists);
        }
        fs::create_dir_all(layout::folder_path(&self.memtomem, kind, name))?;
        let file = layout::folder_file_path(&self.memtomem, kind, name);
        let mtime = write::atomic_write(&file, content.as_bytes(), None)?;
        Ok(Saved {
            name: name.to_owned(),
            canonical_path: layout::relative_folder_file(kind, name),
            mtime_ns: mtime,
            etag: etag_of(content.as_bytes()),
        })
    }

    /// The guarded write of SPEC §4.
    pub fn update(&self, kind: Kind, name: &str, update: &Update<'_>) -> Result<Saved, StoreError> {
        validate_name(name)?;
        if locate(&self.memtomem, kind, name).is_none() {
            return Err(StoreError::NotFound);
        }
        let lock = self.artifact_lock(kind, name);
        let _held = lock.try_lock_for(DEFAULT_LOCK_WAIT).ok_or(StoreError::Busy)?;
        // Again under the lock: a delete may have won the race.
        let located = locate(&self.memtomem, kind, name).ok_or(StoreError::NotFound)?;
        let (current, meta) = match read_with_meta(&located.file) {
            Err(StoreError::Io(err)) if err.kind() == io::ErrorKind::NotFound => return Err(StoreError::NotFound),
            other => other?,
        };
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
            Some(etag) => etag != current_etag,
            None => update.base_mtime_ns != current_mtime,
        };
        if stale {
            if !update.force {
                return Err(StoreError::Stale { current_mtime_ns: current_mtime });
            }
            tracing::warn!(
                target: "ctxgate::audit",
                client_etag = update.base_etag.unwrap_or("-"),
                server_etag = current_etag.as_str(),
                "force-save bypassed mtime check on {} (client_mtime_ns={} server_mtime_ns={})",
                located.file.display(),
                update.base_mtime_ns,
                current_mtime
            );
        }
        let new_mtime = write::atomic_write(&located.file, update.content.as_bytes(), Some(&meta))?;
        Ok(saved(new_mtime, etag_of(update.content.as_bytes())))
    }

    /// Removes the whole artifact (its folder, or its flat file, or both). A symlinked folder
    /// loses only the link, never the linked content. Returns the removed paths, relative.
    pub fn delete(&self, kind: Kind, name: &str) -> Result<Vec<String>, StoreError> {
        validate_name(name)?;
        let lock = self.artifact_lock(kind, name);
        let _held = lock.try_lock_for(DEFAULT_LOCK_WAIT).ok_or(StoreError::Busy)?;
        let mut deleted = Vec::new();
        let folder = layout::folder_path(&self.memtomem, kind, name);
        if layout::folder_file_path(&self.memtomem, kind, name).is_file() {
            let is_link = fs::symlink_metadata(&folder)?.file_type().is_symlink();
            if is_link {
                fs::remove_file(&folder)?;
            } else {
                fs::remove_dir_all(&folder)?;
            }
            deleted.push(format!(".memtomem/{}/{}", kind.plural(), name));
        }
        if kind.has_flat_layout() {
            let flat = layout::flat_file_path(&self.memtomem, kind, name);
            if flat.is_file() {
                fs::remove_file(&flat)?;
                deleted.push(layout::relative_flat_file(kind, name));
            }
        }
        Ok(deleted)
    }

    fn artifact_lock(&self, kind: Kind, name: &str) -> Arc<Mutex<()>> {
        let mut locks = self.locks.lock();
        // Drop locks nobody holds or waits for, so the table stays as small as the live set.
        if locks.len() > 1024 {
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        locks.entry((kind, name.to_owned())).or_default().clone()
    }
}

/// Reads a file's bytes and the metadata of the same open file (one consistent view).
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
            if write::is_temp_name(&name) || (depth == 0 && name == Kind::Skills.folder_file()) {
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
