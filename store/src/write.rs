//! The atomic write (SPEC §4 step 8): temp file beside the target, fsync, keep permissions,
//! rename over the target, fsync the folder. The original is never opened for writing, so any
//! failure before the rename leaves it byte-identical.

use crate::tokens::{mtime_ns, MtimeNs};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Temp files are `.<file>.ctxgate-tmp-<random>`.
pub(crate) const TEMP_MARKER: &str = ".ctxgate-tmp-";

pub(crate) fn is_temp_name(file_name: &str) -> bool {
    file_name.starts_with('.') && file_name.contains(TEMP_MARKER)
}

fn temp_prefix(file_name: &str) -> String {
    format!(".{file_name}{TEMP_MARKER}")
}

/// Removes temp files a crashed writer left for `file_name` in `dir`. Only that file's temps:
/// other flat-layout artifacts share the folder and may be mid-write under their own lock.
pub(crate) fn sweep_temps_for(dir: &Path, file_name: &str) {
    let prefix = temp_prefix(file_name);
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_str().is_some_and(|n| n.starts_with(&prefix)) {
            remove_stray(&entry.path());
        }
    }
}

/// Removes every ctxgate temp file directly inside `dir` (start-up sweep).
pub(crate) fn sweep_all_temps(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        if entry.file_name().to_str().is_some_and(is_temp_name) && remove_stray(&entry.path()) {
            removed += 1;
        }
    }
    removed
}

fn remove_stray(path: &Path) -> bool {
    match fs::remove_file(path) {
        Ok(()) => {
            tracing::info!(target: "ctxgate::store", "removed stray temp file {}", path.display());
            true
        }
        Err(err) => {
            tracing::warn!(target: "ctxgate::store", "could not remove stray temp file {}: {err}", path.display());
            false
        }
    }
}

/// The file a write must replace: a symlinked working file is written through (its target is
/// replaced, the link stays).
pub(crate) fn write_target(path: &Path) -> io::Result<PathBuf> {
    if fs::symlink_metadata(path)?.file_type().is_symlink() {
        fs::canonicalize(path)
    } else {
        Ok(path.to_path_buf())
    }
}

/// Writes `bytes` to `target` atomically. `previous` is the replaced file's metadata (for its
/// permissions and mtime); `None` when creating. Returns the new mtime.
pub(crate) fn atomic_write(target: &Path, bytes: &[u8], previous: Option<&fs::Metadata>) -> io::Result<MtimeNs> {
    let real = match previous {
        Some(_) => write_target(target)?,
        None => target.to_path_buf(),
    };
    let dir = real.parent().ok_or_else(|| io::Error::other("target has no parent folder"))?;
    let file_name =
        real.file_name().and_then(|n| n.to_str()).ok_or_else(|| io::Error::other("target has no UTF-8 file name"))?;
    sweep_temps_for(dir, file_name);

    let temp = dir.join(format!("{}{:016x}", temp_prefix(file_name), rand::random::<u64>()));
    let result = write_temp_then_rename(&temp, &real, bytes, previous);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    let new_mtime = result?;
    // The rename is durable only once the folder entry is on disk.
    File::open(dir)?.sync_all()?;
    Ok(new_mtime)
}

fn write_temp_then_rename(
    temp: &Path,
    real: &Path,
    bytes: &[u8],
    previous: Option<&fs::Metadata>,
) -> io::Result<MtimeNs> {
    use std::os::unix::fs::PermissionsExt;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    if let Some(prev) = previous {
        options.mode(prev.permissions().mode() & 0o7777);
    }
    let mut file = options.open(temp)?;
    file.write_all(bytes)?;
    if let Some(prev) = previous {
        // The umask may have narrowed the mode given at open; restore the original's exactly.
        file.set_permissions(prev.permissions())?;
    }
    let mut new_mtime = mtime_ns(&file.metadata()?);
    if let Some(prev) = previous {
        let old = mtime_ns(prev);
        if new_mtime == old {
            // Coarse clocks: mtime-only clients must still see that the file changed.
            new_mtime = old + 1;
            let secs = u64::try_from(new_mtime / 1_000_000_000).unwrap_or(u64::MAX);
            let nanos = u32::try_from(new_mtime % 1_000_000_000).unwrap_or(0);
            file.set_modified(SystemTime::UNIX_EPOCH + Duration::new(secs, nanos))?;
            new_mtime = mtime_ns(&file.metadata()?);
        }
    }
    file.sync_all()?;
    drop(file);
    fs::rename(temp, real)?;
    Ok(new_mtime)
}
