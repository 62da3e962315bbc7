//! Live changes on disk (SPEC §14): one watcher per process on `<root>/.memtomem/`.
//!
//! File-system events are only hints: whatever the event kind (an editor renaming over the file,
//! ctxgate's own swap, memtomem's temp + replace, a `touch`), the artifact's working file is read
//! and its content hash decides whether anything changed. A change to a file whose previous
//! content is known is kept in history with reason `external` (for ctxgate's own saves history
//! already holds it, and the identical-content rule makes that a no-op). Symlinked skill folders
//! are watched through the link; a symlinked working file gets a watch on its real folder.
//! `Poll` mode (and the fallback when no watcher can start) rescans once a second.

use crate::{Kind, Store};
use model::{Etag, MtimeNs};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Previous contents are kept for files up to the request limit, and up to this much in all
/// (beyond it only hashes are kept, and an external change then has no history entry).
const CACHE_FILE_MAX: usize = 4 * 1024 * 1024;
const CACHE_TOTAL_MAX: usize = 64 * 1024 * 1024;
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Events are gathered for this long after the first one, then handled together. A window, not
/// a quiet period: a file rewritten 20 times a second is still reported every 50 ms.
const BATCH: Duration = Duration::from_millis(50);

/// What the watcher reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskEvent {
    /// An artifact's working file has new content (created ones included).
    Changed {
        kind: Kind,
        name: String,
        mtime_ns: MtimeNs,
        etag: Etag,
    },
    Removed {
        kind: Kind,
        name: String,
    },
    /// Events may have been missed: re-read what you show.
    Resync,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// Kernel events (inotify), falling back to polling when they cannot be had.
    Auto,
    Poll,
    /// No watching at all (no events, no `external` history).
    Off,
}

enum Work {
    Paths(Vec<PathBuf>),
    Rescan,
    Stop,
}

/// The running watcher; dropping it stops the thread.
pub struct Watch {
    tx: mpsc::Sender<Work>,
    thread: Option<JoinHandle<()>>,
    /// `"events"` or `"poll"`: what is actually in use.
    pub mode: &'static str,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.tx.send(Work::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

type Emit = Box<dyn Fn(DiskEvent) + Send>;

/// Starts the watcher; `emit` receives every event, on the watcher's thread.
pub fn start(store: Arc<Store>, mode: WatchMode, emit: Emit) -> Watch {
    let (tx, rx) = mpsc::channel();
    let memtomem = store.memtomem_dir().to_path_buf();
    if mode == WatchMode::Off {
        let thread = None;
        return Watch { tx, thread, mode: "off" };
    }
    let watcher = match mode {
        WatchMode::Poll | WatchMode::Off => None,
        WatchMode::Auto => match kernel_watcher(&memtomem, tx.clone()) {
            Ok(watcher) => Some(watcher),
            Err(err) => {
                tracing::warn!(target: "ctxgate::watch", "no file-system events ({err}); polling once a second");
                None
            }
        },
    };
    let mode = if watcher.is_some() { "events" } else { "poll" };
    let thread = std::thread::Builder::new()
        .name("ctxgate-watch".into())
        .spawn(move || Worker::new(store, watcher, emit).run(&rx))
        .ok();
    Watch { tx, thread, mode }
}

fn kernel_watcher(memtomem: &Path, tx: mpsc::Sender<Work>) -> notify::Result<RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        let work = match result {
            // Queue overflow: whatever happened must be found by rereading.
            Ok(event) if event.need_rescan() => Work::Rescan,
            // Reads and opens change nothing.
            Ok(event) if matches!(event.kind, notify::EventKind::Access(_)) => return,
            Ok(event) => Work::Paths(event.paths),
            Err(_) => Work::Rescan,
        };
        let _ = tx.send(work);
    })?;
    if memtomem.is_dir() {
        watcher.watch(memtomem, RecursiveMode::Recursive)?;
    } else {
        // No project folder yet: watch the root until `.memtomem/` appears (see `Worker::paths`).
        let root = memtomem.parent().ok_or_else(|| notify::Error::generic("the root has no parent"))?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
    }
    Ok(watcher)
}

struct KnownFile {
    etag: Etag,
    mtime: MtimeNs,
    content: Option<Vec<u8>>,
}

struct Worker {
    store: Arc<Store>,
    watcher: Option<RecommendedWatcher>,
    emit: Emit,
    known: HashMap<(Kind, String), KnownFile>,
    cached: usize,
    /// Real folders of symlinked working files outside `.memtomem/`, watched one by one, and the
    /// artifacts whose files live there.
    extra: HashMap<PathBuf, HashSet<(Kind, String)>>,
}

impl Worker {
    fn new(store: Arc<Store>, watcher: Option<RecommendedWatcher>, emit: Emit) -> Worker {
        Worker { store, watcher, emit, known: HashMap::new(), cached: 0, extra: HashMap::new() }
    }

    fn run(mut self, rx: &mpsc::Receiver<Work>) {
        self.scan(false);
        loop {
            let wait = if self.watcher.is_some() { Duration::from_secs(3600) } else { POLL_EVERY };
            match rx.recv_timeout(wait) {
                Ok(Work::Paths(mut paths)) => {
                    // One save is a burst of events (temp, swap, history): handle it once.
                    let until = std::time::Instant::now() + BATCH;
                    let mut rescan = false;
                    while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
                        match rx.recv_timeout(left) {
                            Ok(Work::Paths(more)) => paths.extend(more),
                            Ok(Work::Rescan) => rescan = true,
                            Ok(Work::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                            Err(RecvTimeoutError::Timeout) => break,
                        }
                    }
                    paths.sort_unstable();
                    paths.dedup();
                    if rescan {
                        self.scan(true);
                        (self.emit)(DiskEvent::Resync);
                    } else {
                        self.paths(&paths);
                    }
                }
                Ok(Work::Rescan) => {
                    self.scan(true);
                    (self.emit)(DiskEvent::Resync);
                }
                Err(RecvTimeoutError::Timeout) if self.watcher.is_none() => self.scan(true),
                Err(RecvTimeoutError::Timeout) => {}
                Ok(Work::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// Every artifact of every type; with `report`, differences become events.
    fn scan(&mut self, report: bool) {
        let mut seen = HashSet::new();
        for kind in Kind::ALL {
            for entry in self.store.list(kind).unwrap_or_default() {
                seen.insert((kind, entry.name.clone()));
                self.check(kind, &entry.name, report);
            }
        }
        let gone: Vec<(Kind, String)> = self.known.keys().filter(|k| !seen.contains(*k)).cloned().collect();
        for (kind, name) in gone {
            self.check(kind, &name, report);
        }
    }

    fn paths(&mut self, paths: &[PathBuf]) {
        let memtomem = self.store.memtomem_dir().to_path_buf();
        let mut targets: HashSet<(Kind, String)> = HashSet::new();
        let mut rescan = false;
        for path in paths {
            if *path == memtomem && memtomem.is_dir() {
                if let Some(watcher) = self.watcher.as_mut() {
                    if let Err(err) = watcher.watch(&memtomem, RecursiveMode::Recursive) {
                        tracing::warn!(target: "ctxgate::watch", "cannot watch the project folder: {err}");
                    }
                }
                rescan = true;
                continue;
            }
            if let Some(owners) = path.parent().and_then(|dir| self.extra.get(dir)) {
                targets.extend(owners.iter().cloned());
            }
            let Ok(rel) = path.strip_prefix(&memtomem) else { continue };
            let mut parts = rel.components().filter_map(|c| c.as_os_str().to_str());
            let Some(kind) = parts.next().and_then(Kind::from_plural) else { continue };
            let Some(entry) = parts.next() else {
                rescan = true; // the type folder itself appeared, went or was replaced
                continue;
            };
            // Dot-entries (locks, temps, history) are never artifacts (§1).
            if entry.starts_with('.') {
                continue;
            }
            targets.insert((kind, entry.to_owned()));
            if let Some(flat) = entry.strip_suffix(".md").filter(|_| kind.has_flat_layout()) {
                targets.insert((kind, flat.to_owned()));
            }
        }
        if rescan {
            self.scan(true);
        }
        for (kind, name) in targets {
            if model::validate_name(&name).is_ok() {
                self.check(kind, &name, true);
            }
        }
    }

    fn check(&mut self, kind: Kind, name: &str, report: bool) {
        let key = (kind, name.to_owned());
        let Some(now) = self.store.observe(kind, name) else {
            if let Some(old) = self.known.remove(&key) {
                self.cached -= old.content.as_ref().map_or(0, Vec::len);
                if report {
                    (self.emit)(DiskEvent::Removed { kind, name: name.to_owned() });
                }
            }
            return;
        };
        self.watch_real_folder(&key, &now.file);
        let previous = self.known.remove(&key);
        if let Some(old) = &previous {
            self.cached -= old.content.as_ref().map_or(0, Vec::len);
        }
        let changed = previous.as_ref().is_none_or(|old| old.etag != now.etag);
        if changed && report {
            if let Some(KnownFile { content: Some(bytes), mtime, .. }) = &previous {
                if let Err(err) = self.store.keep_external(kind, name, bytes, *mtime) {
                    tracing::warn!(target: "ctxgate::watch", "{} {name}: external change not kept: {err}", kind.plural());
                }
            }
            (self.emit)(DiskEvent::Changed {
                kind,
                name: name.to_owned(),
                mtime_ns: now.mtime_ns,
                etag: now.etag.clone(),
            });
        }
        let keep = now.bytes.len() <= CACHE_FILE_MAX && self.cached + now.bytes.len() <= CACHE_TOTAL_MAX;
        let content = keep.then_some(now.bytes);
        self.cached += content.as_ref().map_or(0, Vec::len);
        self.known.insert(key, KnownFile { etag: now.etag, mtime: now.mtime_ns, content });
    }

    /// A working file whose real folder is outside `.memtomem/` gets a watch of its own.
    fn watch_real_folder(&mut self, key: &(Kind, String), file: &Path) {
        let Some(watcher) = self.watcher.as_mut() else { return };
        let Some(dir) = file.parent() else { return };
        if dir.starts_with(self.store.memtomem_dir()) {
            return;
        }
        let owners = self.extra.entry(dir.to_path_buf()).or_default();
        if owners.is_empty() {
            if let Err(err) = watcher.watch(dir, RecursiveMode::NonRecursive) {
                tracing::warn!(target: "ctxgate::watch", "cannot watch a linked folder: {err}");
            }
        }
        owners.insert(key.clone());
    }
}
