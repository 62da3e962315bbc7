//! The artifact locks of SPEC §4 step 3: first an in-process lock keyed by the working file's
//! resolved path (two names that reach one file through symlinks share it), then memtomem's
//! cross-process name lock, `flock(LOCK_EX)` on `.memtomem/<type>/.<name>.lock`, which memtomem
//! and every other ctxgate process take too. Both waits share one deadline.

use parking_lot::{Mutex, RawMutex};
use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
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
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(name_lock)
            .map_err(LockError::Io)?;
        // flock has no timed wait: poll with back-off (1 ms doubling to 25 ms) until the deadline.
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Held { _name_lock: file, _in_process: in_process }),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(err)) => return Err(LockError::Io(err)),
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(LockError::Busy);
            }
            std::thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_millis(25));
        }
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
