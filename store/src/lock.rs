//! The artifact locks (docs/ARCHITECTURE.md, "One Save", step 4): first an in-process lock keyed by
//! the working file's resolved path (two names that reach one file through symlinks share it), then
//! memtomem's cross-process name lock, `flock(LOCK_EX)` on `.memtomem/<type>/.<name>.lock`, which
//! memtomem and every other ctxgate process take too. Both waits share one deadline, and both are
//! fair: a waiter queues (parking_lot's mutex, a blocking flock) rather than polls.

use parking_lot::{Mutex, RawMutex};
use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::time::{Duration, Instant};

type Guard = parking_lot::ArcMutexGuard<RawMutex, ()>;

/// Both locks of one artifact; released on drop (closing the file releases the flock).
pub(crate) struct Held {
    _name_lock: File,
    _in_process: Guard,
}

/// Why the locks could not be taken.
pub(crate) enum LockError {
    /// The deadline passed (→ 503 `busy`).
    Busy,
    Io(io::Error),
}

#[derive(Default)]
pub(crate) struct Locks {
    table: Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>,
}

impl Locks {
    /// Takes the in-process lock for `key` (a resolved path), then the flock on `name_lock`
    /// (created 0600 if missing; never renamed or deleted), waiting at most `wait` in all.
    pub(crate) fn acquire(&self, key: &Path, name_lock: &Path, wait: Duration) -> Result<Held, LockError> {
        let deadline = Instant::now() + wait;
        let entry = {
            let mut table = self.table.lock();
            // Drop locks nobody holds or waits for, so the table stays as small as the live set.
            if table.len() > 1024 {
                table.retain(|_, lock| Arc::strong_count(lock) > 1);
            }
            table.entry(key.to_path_buf()).or_default().clone()
        };
        let in_process = Mutex::try_lock_arc_for(&entry, wait).ok_or(LockError::Busy)?;
        let file = open_lock_file(name_lock).map_err(LockError::Io)?;
        match flock_until(file, deadline) {
            Ok(Some(file)) => Ok(Held { _name_lock: file, _in_process: in_process }),
            Ok(None) => Err(LockError::Busy),
            Err(err) => Err(LockError::Io(err)),
        }
    }
}

/// Opens (creating 0600 if missing; never renamed or deleted) a lock file: memtomem's name lock
/// or its `.versions.json.lock`. A lock file is an empty regular file; a planted link is not
/// followed (`O_NOFOLLOW`: it would make us create or open whatever it points at, outside the
/// project, maybe not ours).
pub(crate) fn open_lock_file(path: &Path) -> io::Result<File> {
    let nofollow = rustix::fs::OFlags::NOFOLLOW.bits() as i32;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(nofollow)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("a lock file is not a regular file"));
    }
    Ok(file)
}

/// `flock(LOCK_EX)` on `file`, waited for until `deadline`; `Ok(None)` when it passed. flock has
/// no timed wait, and polling `try_lock` loses every race to a writer that blocks in the kernel
/// (memtomem does: its waiters are woken the moment the lock is free, a poller only when its
/// sleep ends). So the wait is a blocking flock on a helper thread: it queues like any other
/// waiter. A lock it takes after the deadline is dropped at once, unused.
pub(crate) fn flock_until(file: File, deadline: Instant) -> io::Result<Option<File>> {
    match file.try_lock() {
        Ok(()) => return Ok(Some(file)),
        Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(err)) => return Err(err),
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new().name("ctxgate-flock".into()).spawn(move || {
        let taken = file.lock().map(|()| file);
        // A waiter that gave up has dropped `rx`: the file, and its lock, go with the message.
        let _ = tx.send(taken);
    })?;
    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(taken) => taken.map(Some),
        Err(RecvTimeoutError::Timeout) => Ok(None),
        Err(RecvTimeoutError::Disconnected) => Err(io::Error::other("the lock thread ended without an answer")),
    }
}

impl Locks {
    /// Only the in-process lock: enough to read a consistent view against this process's own
    /// writes (the watcher uses it so that its reading never interleaves with a save's history).
    pub(crate) fn acquire_local(&self, key: &Path, wait: Duration) -> Option<Guard> {
        let entry = self.table.lock().entry(key.to_path_buf()).or_default().clone();
        Mutex::try_lock_arc_for(&entry, wait)
    }
}

/// memtomem's name lock for an artifact: `<type dir>/.<name>.lock`.
pub(crate) fn name_lock_path(type_dir: &Path, name: &str) -> PathBuf {
    type_dir.join(format!(".{name}.lock"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn open(path: &Path) -> File {
        OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).unwrap()
    }

    /// A waiter queued in the kernel takes the lock once the holder lets go, and a waiter whose
    /// deadline passed leaves the lock free when its helper thread gets it later.
    #[test]
    fn flock_waits_in_the_queue_and_gives_up_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        let holder = open(&path);
        holder.lock().unwrap();
        // Gives up: the deadline passes while the holder keeps the lock.
        assert!(flock_until(open(&path), Instant::now() + Duration::from_millis(50)).unwrap().is_none());
        // Queues: the holder lets go after the waiter blocked; the waiter gets it.
        let waiter = std::thread::spawn({
            let path = path.clone();
            move || flock_until(open(&path), Instant::now() + Duration::from_secs(60)).unwrap()
        });
        holder.unlock().unwrap();
        let taken = waiter.join().unwrap();
        assert!(taken.is_some());
        drop(taken);
        // The abandoned helper thread took the lock at some point and dropped it at once: a
        // try_lock succeeds (polled with a deadline; nothing else holds it).
        let deadline = Instant::now() + Duration::from_secs(30);
        let probe = open(&path);
        while probe.try_lock().is_err() {
            assert!(Instant::now() < deadline, "an abandoned wait kept the lock");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
