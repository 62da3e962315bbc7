//! The atomic writes of SPEC §4 step 8. New bytes go to a temp file beside the target (fsynced,
//! with the original's permissions); then
//! - a replace swaps temp and target in one `renameat2(RENAME_EXCHANGE)` and checks that what it
//!   displaced is the version the guard read — if a program that ignores the lock replaced or
//!   rewrote the file meanwhile, it swaps back and reports [`Replaced::Changed`], leaving the
//!   other writer's bytes on disk;
//! - a create links the temp in with `RENAME_NOREPLACE`, so a file that appeared meanwhile is
//!   never replaced.
//!
//! The original is never opened for writing, so any failure before the swap leaves it
//! byte-identical, and the temp file is removed on every failure.

use crate::tokens::mtime_ns;
use model::MtimeNs;
use rustix::fs::{renameat_with, RenameFlags, CWD};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Temp files are `.<file>.ctxgate-tmp-<16 lowercase hex>`.
const TEMP_MARKER: &str = ".ctxgate-tmp-";

/// Temps younger than this may belong to a live writer (another process's save) and are kept.
pub(crate) const TEMP_MIN_AGE: Duration = Duration::from_secs(600);

/// True exactly for names this module gives its temp files.
pub(crate) fn is_temp_name(file_name: &str) -> bool {
    let Some(rest) = file_name.strip_prefix('.') else { return false };
    let Some(at) = rest.rfind(TEMP_MARKER) else { return false };
    let suffix = &rest[at + TEMP_MARKER.len()..];
    at > 0 && suffix.len() == 16 && suffix.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn temp_path(dir: &Path, file_name: &str) -> PathBuf {
    dir.join(format!(".{file_name}{TEMP_MARKER}{:016x}", rand::random::<u64>()))
}

/// Removes temp files directly inside `dir` whose name matches exactly and whose mtime is more
/// than `min_age` ago. Returns how many. (A live writer's temp always has a fresh mtime: the only
/// time ctxgate sets one, it sets "old + 1 ns" where old is itself about now.)
pub(crate) fn sweep_temps(dir: &Path, min_age: Duration) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        if !entry.file_name().to_str().is_some_and(is_temp_name) {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&path) else { continue };
        if !meta.is_file() {
            continue;
        }
        let touched = meta.mtime();
        let age = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .saturating_sub(u64::try_from(touched).unwrap_or(u64::MAX));
        if age < min_age.as_secs() {
            continue;
        }
        match fs::remove_file(&path) {
            Ok(()) => {
                tracing::info!(target: "ctxgate::store", "removed stray temp file {}", path.display());
                removed += 1;
            }
            Err(err) => {
                tracing::warn!(target: "ctxgate::store", "could not remove stray temp file {}: {err}", path.display())
            }
        }
    }
    removed
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

fn split(real: &Path) -> io::Result<(&Path, &str)> {
    let dir = real.parent().ok_or_else(|| io::Error::other("target has no parent folder"))?;
    let name = real.file_name().and_then(|n| n.to_str()).ok_or_else(|| io::Error::other("target has no UTF-8 name"))?;
    Ok((dir, name))
}

/// The outcome of [`replace_checked`].
#[derive(Debug)]
pub(crate) enum Replaced {
    /// The new bytes are in place. `displaced` holds the replaced file (under a temp name) when
    /// the swap was used; the caller decides where it goes.
    Done { mtime_ns: MtimeNs, displaced: Option<PathBuf> },
    /// The target was no longer the version read: nothing was replaced.
    Changed,
}

/// Replaces `target` (the working file, maybe a symlink) with `bytes`, but only if it still holds
/// `expected` — the bytes the guard read, whose metadata is `previous`.
pub(crate) fn replace_checked(
    target: &Path,
    bytes: &[u8],
    previous: &fs::Metadata,
    expected: &[u8],
) -> io::Result<Replaced> {
    let real = write_target(target)?;
    let (dir, file_name) = split(&real)?;
    let temp = temp_path(dir, file_name);
    let ours = match write_temp(&temp, bytes, Some(previous)) {
        Ok(ours) => ours,
        Err(err) => {
            let _ = fs::remove_file(&temp);
            return Err(err);
        }
    };
    match renameat_with(CWD, &temp, CWD, &real, RenameFlags::EXCHANGE) {
        Ok(()) => {}
        Err(errno) if swap_unsupported(errno) => return replace_by_identity(&temp, &real, dir, previous, ours),
        Err(errno) => {
            let _ = fs::remove_file(&temp);
            return Err(errno.into());
        }
    }
    // `temp` now names the displaced file. Is it the version the guard read?
    if same_bytes(&temp, expected) {
        sync_dir(dir);
        return Ok(Replaced::Done { mtime_ns: ours.mtime_ns, displaced: Some(temp) });
    }
    // Someone replaced or rewrote the file between our read and the swap: give it back.
    renameat_with(CWD, &temp, CWD, &real, RenameFlags::EXCHANGE)?;
    remove_if_ours(&temp, &ours);
    Ok(Replaced::Changed)
}

/// Where `RENAME_EXCHANGE` is not supported: compare (device, inode, size, mtime) with what the
/// guard read right before a plain rename. A narrower window than the swap, but a window.
fn replace_by_identity(
    temp: &Path,
    real: &Path,
    dir: &Path,
    previous: &fs::Metadata,
    ours: TempFile,
) -> io::Result<Replaced> {
    let unchanged = fs::metadata(real).is_ok_and(|now| {
        now.dev() == previous.dev()
            && now.ino() == previous.ino()
            && now.len() == previous.len()
            && mtime_ns(&now) == mtime_ns(previous)
    });
    if !unchanged {
        let _ = fs::remove_file(temp);
        return Ok(Replaced::Changed);
    }
    if let Err(err) = fs::rename(temp, real) {
        let _ = fs::remove_file(temp);
        return Err(err);
    }
    sync_dir(dir);
    Ok(Replaced::Done { mtime_ns: ours.mtime_ns, displaced: None })
}

/// Creates `target` with `bytes`; `Ok(None)` when a file of that name exists (it is left as it
/// was), else the new mtime.
pub(crate) fn create_new(target: &Path, bytes: &[u8]) -> io::Result<Option<MtimeNs>> {
    let (dir, file_name) = split(target)?;
    let temp = temp_path(dir, file_name);
    let ours = match write_temp(&temp, bytes, None) {
        Ok(ours) => ours,
        Err(err) => {
            let _ = fs::remove_file(&temp);
            return Err(err);
        }
    };
    let linked = match renameat_with(CWD, &temp, CWD, target, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(true),
        Err(errno) if errno == rustix::io::Errno::EXIST => Ok(false),
        // link(2) never replaces either; then the temp name goes.
        Err(errno) if swap_unsupported(errno) => match fs::hard_link(&temp, target) {
            Ok(()) => Ok(true),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(err) => Err(err),
        },
        Err(errno) => Err(errno.into()),
    };
    if !matches!(linked, Ok(true)) || fs::symlink_metadata(&temp).is_ok() {
        let _ = fs::remove_file(&temp);
    }
    if linked? {
        sync_dir(dir);
        Ok(Some(ours.mtime_ns))
    } else {
        Ok(None)
    }
}

/// Puts the displaced version back after a successful [`replace_checked`] (used when history
/// could not take it): swap again, then the new bytes (now at `displaced`) go.
pub(crate) fn undo_replace(target: &Path, displaced: &Path) -> io::Result<()> {
    let real = write_target(target)?;
    renameat_with(CWD, displaced, CWD, &real, RenameFlags::EXCHANGE)?;
    fs::remove_file(displaced)
}

/// Renames `from` to `to` unless `to` exists (`Ok(false)`, nothing moved). Files and folders.
pub(crate) fn rename_noreplace(from: &Path, to: &Path) -> io::Result<bool> {
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(true),
        Err(errno) if errno == rustix::io::Errno::EXIST => Ok(false),
        Err(errno) if swap_unsupported(errno) => {
            if fs::symlink_metadata(to).is_ok() {
                return Ok(false);
            }
            fs::rename(from, to).map(|()| true)
        }
        Err(errno) => Err(errno.into()),
    }
}

fn swap_unsupported(errno: rustix::io::Errno) -> bool {
    use rustix::io::Errno;
    errno == Errno::INVAL || errno == Errno::NOSYS || errno == Errno::OPNOTSUPP
}

/// Identity of the temp file we wrote, so we never delete a file that is not ours.
struct TempFile {
    dev: u64,
    ino: u64,
    mtime_ns: MtimeNs,
}

fn write_temp(temp: &Path, bytes: &[u8], previous: Option<&fs::Metadata>) -> io::Result<TempFile> {
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
        bump_mtime_past(&file, mtime_ns(prev))?;
    }
    file.sync_all()?;
    let meta = file.metadata()?;
    Ok(TempFile { dev: meta.dev(), ino: meta.ino(), mtime_ns: mtime_ns(&meta) })
}

/// Coarse clocks can give the new file the old mtime; mtime-only clients must still see the
/// change. Tries old + 1 ns, then coarser steps for file systems that round (FAT: 2 s), and
/// checks each one took.
fn bump_mtime_past(file: &File, old: MtimeNs) -> io::Result<()> {
    if mtime_ns(&file.metadata()?) != old {
        return Ok(());
    }
    for step in [1, 1_000, 1_000_000, 1_000_000_000, 2_000_000_000] {
        let wanted = old.0 + step;
        let secs = u64::try_from(wanted / 1_000_000_000).unwrap_or(u64::MAX);
        let nanos = u32::try_from(wanted % 1_000_000_000).unwrap_or(0);
        file.set_modified(SystemTime::UNIX_EPOCH + Duration::new(secs, nanos))?;
        if mtime_ns(&file.metadata()?) != old {
            return Ok(());
        }
    }
    tracing::warn!(target: "ctxgate::store", "could not give a saved file a newer mtime than {old}");
    Ok(())
}

fn same_bytes(path: &Path, expected: &[u8]) -> bool {
    let Ok(mut file) = File::open(path) else { return false };
    let mut bytes = Vec::with_capacity(expected.len());
    file.read_to_end(&mut bytes).is_ok() && bytes == expected
}

/// After a swap back `path` should be our temp again; a third writer's file is never removed.
fn remove_if_ours(path: &Path, ours: &TempFile) {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.dev() == ours.dev && meta.ino() == ours.ino => {
            let _ = fs::remove_file(path);
        }
        Ok(_) => tracing::warn!(
            target: "ctxgate::store",
            "kept {} after a refused write: it is another writer's file",
            path.display()
        ),
        Err(_) => {}
    }
}

/// Makes a rename durable. A failure here is logged, not answered: the file has been replaced,
/// and the answer must say what is on disk.
fn sync_dir(dir: &Path) {
    if let Err(err) = File::open(dir).and_then(|d| d.sync_all()) {
        tracing::warn!(target: "ctxgate::store", "folder fsync after a save failed for {}: {err}", dir.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_match_exactly() {
        assert!(is_temp_name(".SKILL.md.ctxgate-tmp-0123456789abcdef"));
        assert!(is_temp_name(".x.md.ctxgate-tmp-ffffffffffffffff"));
        for other in [
            "SKILL.md.ctxgate-tmp-0123456789abcdef",
            ".SKILL.md.ctxgate-tmp-0123456789ABCDEF",
            ".SKILL.md.ctxgate-tmp-0123456789abcde",
            ".SKILL.md.ctxgate-tmp-0123456789abcdef0",
            ".SKILL.md.ctxgate-tmp-0123456789abcdef.bak",
            ".ctxgate-tmp-0123456789abcdef",
            ".notes.ctxgate-tmp-backup",
            ".SKILL.md.swp",
        ] {
            assert!(!is_temp_name(other), "{other}");
        }
    }
}
