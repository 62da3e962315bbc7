//! The atomic writes of a save (docs/ARCHITECTURE.md, "One Save", step 5), and the one owner
//! of ctxgate's temp writes, folder fsyncs and temp names (saves, creates, history, sync and
//! import all write through here).
//!
//! New bytes go to a temp file beside the target (fsynced, with the original's permissions);
//! then
//! - a replace swaps temp and target in one `renameat2(RENAME_EXCHANGE)` and checks that what it
//!   displaced is the version the guard read — if a program that ignores the lock replaced or
//!   rewrote the file meanwhile, it swaps back and reports [`Replaced::Changed`], leaving the
//!   other writer's bytes on disk. Where the swap is not supported, the old version is kept (by
//!   the caller's `keep_first`) *before* a plain rename replaces it;
//! - a create links the temp in with `RENAME_NOREPLACE`, so a file that appeared meanwhile is
//!   never replaced.
//!
//! The original is never opened for writing, so any failure before the swap leaves it
//! byte-identical, and the temp file is removed on every failure.
//!
//! **Temp names.** Every file or folder ctxgate writes before it is in place is named
//! `.<name>.ctxgate-tmp-<16 lowercase hex>` ([`temp_path`]), beside its target: a file's temp,
//! a staged skill folder, a displaced version between a swap and its move into history, a folder
//! parked when history cannot take it. The name rule refuses a leading `.`, so none of these can
//! be an artifact, and memtomem's reaper (`.staging-…`, `.old-…`, `.migrate-…`) never matches
//! them. After a crash such a name may hold the *only* copy of a version (a displaced original),
//! so nothing deletes one unless its bytes are kept elsewhere (`recover.rs`).

use crate::tokens::mtime_ns;
use model::MtimeNs;
use rustix::fs::{renameat_with, RenameFlags, CWD};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const TEMP_MARKER: &str = ".ctxgate-tmp-";

/// True exactly for names [`temp_path`] gives.
pub(crate) fn is_temp_name(file_name: &str) -> bool {
    temp_owner(file_name).is_some()
}

/// The name a temp stands in for: `.<name>.ctxgate-tmp-<hex>` → `<name>`.
pub(crate) fn temp_owner(file_name: &str) -> Option<&str> {
    let rest = file_name.strip_prefix('.')?;
    let at = rest.rfind(TEMP_MARKER)?;
    let suffix = &rest[at + TEMP_MARKER.len()..];
    let hex = suffix.len() == 16 && suffix.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (at > 0 && hex).then(|| &rest[..at])
}

/// A fresh temp name for `name` in `dir` (files and folders alike).
pub(crate) fn temp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}{TEMP_MARKER}{:016x}", rand::random::<u64>()))
}

/// What a durable temp file carries over besides its bytes.
#[derive(Clone, Copy)]
pub(crate) enum Stamp<'a> {
    /// A replacement: the original's permissions, and an mtime newer than the original's.
    Like(&'a fs::Metadata),
    /// Exactly this mode.
    Mode(u32),
    /// A kept version: its own mtime back.
    Mtime(MtimeNs),
    /// Defaults (umask, now).
    Fresh,
}

/// Writes `bytes` to a new temp file for `name` in `dir` and fsyncs it; removed again on any
/// failure. The one durable temp-write of the store: saves, creates, sync and history use it.
pub(crate) fn durable_temp(dir: &Path, name: &str, bytes: &[u8], stamp: Stamp<'_>) -> io::Result<(PathBuf, TempFile)> {
    let temp = temp_path(dir, name);
    match write_temp(&temp, bytes, stamp) {
        Ok(ours) => Ok((temp, ours)),
        Err(err) => {
            let _ = fs::remove_file(&temp);
            Err(err)
        }
    }
}

/// Writes a whole file that appears with one rename (no-replace: an existing `path` is left
/// alone and `Ok(false)` returned). The folder is fsynced.
pub(crate) fn write_new_file(path: &Path, bytes: &[u8], stamp: Stamp<'_>) -> io::Result<bool> {
    let placed = place_new_file(path, bytes, stamp)?;
    if let (true, Some(dir)) = (placed, path.parent()) {
        sync_dir(dir);
    }
    Ok(placed)
}

/// [`write_new_file`] without the folder fsync: for sync, which writes many files into one
/// runtime folder and fsyncs it once when they are all in place (an fsync per file would add a
/// syscall, and a fault point, per file for no gain in durability).
pub(crate) fn place_new_file(path: &Path, bytes: &[u8], stamp: Stamp<'_>) -> io::Result<bool> {
    let (dir, name) = split(path)?;
    let (temp, _) = durable_temp(dir, name, bytes, stamp)?;
    let placed = rename_noreplace(&temp, path);
    if !matches!(placed, Ok(true)) {
        let _ = fs::remove_file(&temp);
    }
    placed
}

/// Writes one file of a folder being staged under a temp name (a skill folder on its way in):
/// created new with exactly `mode`, fsynced. No temp name of its own, since the folder is the
/// temp; on failure the caller removes the whole folder.
pub(crate) fn write_staged_file(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    write_temp(path, bytes, Stamp::Mode(mode)).map(drop)
}

/// Writes a whole file over whatever `path` holds (a link is replaced, not followed): durable
/// temp, rename, folder fsync. For files nobody else edits (history entries, memtomem's
/// manifest, a runtime link sync replaces); a guarded replace is [`replace_checked`].
pub(crate) fn put_file(path: &Path, bytes: &[u8], stamp: Stamp<'_>) -> io::Result<()> {
    let (dir, name) = split(path)?;
    let (temp, _) = durable_temp(dir, name, bytes, stamp)?;
    if let Err(err) = fs::rename(&temp, path) {
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    sync_dir(dir);
    Ok(())
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
    /// the swap was used; the caller decides where it goes. `ours` identifies the new file.
    Done { mtime_ns: MtimeNs, displaced: Option<PathBuf>, ours: TempFile },
    /// The target was no longer the version read: nothing was replaced.
    Changed,
    /// Without the swap, `keep_first` had to keep the old version before it was replaced, and it
    /// could not: nothing was replaced.
    KeepFailed(io::Error),
}

/// Replaces `target` (the working file, maybe a symlink) with `bytes`, but only if it still holds
/// `expected` — the bytes the guard read, whose metadata is `previous`. `keep_first` runs only
/// where `RENAME_EXCHANGE` is not supported, right before the plain rename that destroys the old
/// inode: it must put `expected` somewhere safe (history), or fail and so refuse the write.
pub(crate) fn replace_checked(
    target: &Path,
    bytes: &[u8],
    previous: &fs::Metadata,
    expected: &[u8],
    keep_first: &mut dyn FnMut() -> io::Result<()>,
) -> io::Result<Replaced> {
    let real = write_target(target)?;
    let (dir, file_name) = split(&real)?;
    let (temp, ours) = durable_temp(dir, file_name, bytes, Stamp::Like(previous))?;
    match renameat_with(CWD, &temp, CWD, &real, RenameFlags::EXCHANGE) {
        Ok(()) => {}
        Err(errno) if swap_unsupported(errno) => {
            return replace_by_identity(&temp, &real, dir, previous, ours, keep_first)
        }
        Err(errno) => {
            let _ = fs::remove_file(&temp);
            return Err(errno.into());
        }
    }
    // `temp` now names the displaced file. Is it the version the guard read?
    if same_bytes(&temp, expected) {
        sync_dir(dir);
        return Ok(Replaced::Done { mtime_ns: ours.mtime_ns, displaced: Some(temp), ours });
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
    keep_first: &mut dyn FnMut() -> io::Result<()>,
) -> io::Result<Replaced> {
    let unchanged = || {
        fs::metadata(real).is_ok_and(|now| {
            now.dev() == previous.dev()
                && now.ino() == previous.ino()
                && now.len() == previous.len()
                && mtime_ns(&now) == mtime_ns(previous)
        })
    };
    if !unchanged() {
        let _ = fs::remove_file(temp);
        return Ok(Replaced::Changed);
    }
    if let Err(err) = keep_first() {
        let _ = fs::remove_file(temp);
        return Ok(Replaced::KeepFailed(err));
    }
    // Keeping took a write and an fsync: check again right before the rename, so the window a
    // lock-ignoring writer has is the narrowest one.
    if !unchanged() {
        let _ = fs::remove_file(temp);
        return Ok(Replaced::Changed);
    }
    if let Err(err) = fs::rename(temp, real) {
        let _ = fs::remove_file(temp);
        return Err(err);
    }
    sync_dir(dir);
    Ok(Replaced::Done { mtime_ns: ours.mtime_ns, displaced: None, ours })
}

/// Creates `target` with `bytes`; `Ok(None)` when a file of that name exists (it is left as it
/// was), else the new mtime.
pub(crate) fn create_new(target: &Path, bytes: &[u8]) -> io::Result<Option<MtimeNs>> {
    let (dir, file_name) = split(target)?;
    let (temp, ours) = durable_temp(dir, file_name, bytes, Stamp::Fresh)?;
    let linked = rename_noreplace(&temp, target);
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
/// could not take it): swap again; then what comes back is removed only if it is still our new
/// file — a lock-ignoring writer's bytes written meanwhile stay under the temp name, where the
/// next sweep keeps them.
pub(crate) fn undo_replace(target: &Path, displaced: &Path, ours: &TempFile) -> io::Result<()> {
    let real = write_target(target)?;
    renameat_with(CWD, displaced, CWD, &real, RenameFlags::EXCHANGE)?;
    remove_if_ours(displaced, ours);
    Ok(())
}

/// Renames `from` to `to` unless `to` exists (`Ok(false)`, nothing moved). Files and folders.
/// Without `RENAME_NOREPLACE`, a file is linked (link(2) never replaces) and its temp name
/// removed; a folder falls back to check-then-rename.
pub(crate) fn rename_noreplace(from: &Path, to: &Path) -> io::Result<bool> {
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(true),
        Err(errno) if errno == rustix::io::Errno::EXIST => Ok(false),
        Err(errno) if swap_unsupported(errno) => {
            if fs::symlink_metadata(from)?.is_file() {
                return match fs::hard_link(from, to) {
                    Ok(()) => {
                        // It is in place; a temp name left beside it is a second link to the
                        // same bytes, which the next sweep removes.
                        if let Err(err) = fs::remove_file(from) {
                            tracing::warn!(target: "ctxgate::store", "could not remove {}: {err}", from.display());
                        }
                        Ok(true)
                    }
                    Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(false),
                    Err(err) => Err(err),
                };
            }
            if fs::symlink_metadata(to).is_ok() {
                return Ok(false);
            }
            fs::rename(from, to).map(|()| true)
        }
        Err(errno) => Err(errno.into()),
    }
}

pub(crate) fn swap_unsupported(errno: rustix::io::Errno) -> bool {
    use rustix::io::Errno;
    errno == Errno::INVAL || errno == Errno::NOSYS || errno == Errno::OPNOTSUPP
}

/// Identity of the temp file we wrote, so we never delete a file that is not ours.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TempFile {
    dev: u64,
    ino: u64,
    mtime_ns: MtimeNs,
}

fn write_temp(temp: &Path, bytes: &[u8], stamp: Stamp<'_>) -> io::Result<TempFile> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    match stamp {
        Stamp::Like(prev) => {
            options.mode(prev.permissions().mode() & 0o7777);
        }
        Stamp::Mode(mode) => {
            options.mode(mode);
        }
        Stamp::Mtime(_) | Stamp::Fresh => {}
    }
    let mut file = options.open(temp)?;
    file.write_all(bytes)?;
    match stamp {
        Stamp::Like(prev) => {
            // The umask may have narrowed the mode given at open; restore the original's exactly.
            file.set_permissions(prev.permissions())?;
            bump_mtime_past(&file, mtime_ns(prev))?;
        }
        Stamp::Mode(mode) => file.set_permissions(fs::Permissions::from_mode(mode))?,
        Stamp::Mtime(mtime) => {
            let secs = u64::try_from(mtime.0 / 1_000_000_000).unwrap_or(0);
            let nanos = u32::try_from(mtime.0 % 1_000_000_000).unwrap_or(0);
            file.set_modified(SystemTime::UNIX_EPOCH + Duration::new(secs, nanos))?;
        }
        Stamp::Fresh => {}
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
pub(crate) fn sync_dir(dir: &Path) {
    if let Err(err) = fsync_dir(dir) {
        tracing::warn!(target: "ctxgate::store", "folder fsync after a rename failed for {}: {err}", dir.display());
    }
}

/// Fsyncs a folder and answers the failure: for a staged folder that is not in place yet, where
/// a failed fsync must refuse the write rather than be logged.
pub(crate) fn fsync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir).and_then(|d| d.sync_all())
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
