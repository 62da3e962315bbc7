//! Live changes on disk (docs/DECISIONS.md, "Live changes"): one watcher per process on
//! `<root>/.memtomem/`.
//!
//! File-system events are only hints: whatever the event kind (an editor renaming over the file,
//! ctxgate's own swap, memtomem's temp + replace, a `touch`), the artifact's working file is read
//! and its content hash decides whether anything changed. A change to a file whose previous
//! content is known is kept in history with reason `external` (for ctxgate's own saves history
//! already holds it, and the identical-content rule makes that a no-op). Watches never follow
//! symlinks: a symlinked skill folder or working file gets one non-recursive watch of the real
//! folder that holds its working file (a link inside a skill folder, say `lib -> /usr`, costs
//! nothing). The root is watched too, so a `.memtomem/` deleted and recreated is watched again.
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
    let (watcher, links) = match mode {
        WatchMode::Poll | WatchMode::Off => (None, Vec::new()),
        WatchMode::Auto => match kernel_watcher(&memtomem, tx.clone()) {
            Ok((watcher, links)) => (Some(watcher), links),
            Err(err) => {
                tracing::warn!(target: "ctxgate::watch", "no file-system events ({err}); polling once a second");
                (None, Vec::new())
            }
        },
    };
    let mode = if watcher.is_some() { "events" } else { "poll" };
    let thread = std::thread::Builder::new()
        .name("ctxgate-watch".into())
        .spawn(move || Worker::new(store, watcher, links, emit).run(&rx))
        .ok();
    Watch { tx, thread, mode }
}

fn kernel_watcher(memtomem: &Path, tx: mpsc::Sender<Work>) -> notify::Result<(RecommendedWatcher, Vec<Link>)> {
    let handler = move |result: notify::Result<notify::Event>| {
        let work = match result {
            // Queue overflow: whatever happened must be found by rereading.
            Ok(event) if event.need_rescan() => Work::Rescan,
            // Reads and opens change nothing.
            Ok(event) if matches!(event.kind, notify::EventKind::Access(_)) => return,
            Ok(event) => Work::Paths(event.paths),
            Err(_) => Work::Rescan,
        };
        let _ = tx.send(work);
    };
    // Never through symlinks: a link to `/usr` or `$HOME` inside a skill folder would cost a
    // watch per folder behind it (thousands, out of the user's inotify budget shared with
    // every other tool). Linked artifact folders get one watch each instead (`watch_real_folder`).
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut watcher = RecommendedWatcher::new(handler, config)?;
    // The root, always and on its own: `.memtomem/` may be deleted and recreated (a branch
    // switch, a restore) and only the root's watch sees it come back (see `Worker::paths`).
    let root = memtomem.parent().ok_or_else(|| notify::Error::generic("the root has no parent"))?;
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    let links = if memtomem.is_dir() { watch_tree(&mut watcher, memtomem)? } else { Vec::new() };
    Ok((watcher, links))
}

/// A folder of the layout that is a symlink: watched at its real path (`real`), its events
/// read as if they came from the link (`logical`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    real: PathBuf,
    logical: PathBuf,
}

/// `.memtomem/` recursively, links inside not followed. `.memtomem/` itself or a type folder
/// (`.memtomem/skills`) may be a symlink: that link is the project's layout, not a stray link
/// inside an artifact, so its real folder is watched recursively too (notify would enter a
/// linked root but not watch the root folder itself, so new artifacts there would go unheard).
fn watch_tree(watcher: &mut RecommendedWatcher, memtomem: &Path) -> notify::Result<Vec<Link>> {
    let linked = |path: &Path| std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
    let mut links = Vec::new();
    // Type folders first: the more specific link wins when an event path is translated.
    for kind in Kind::ALL {
        let folder = memtomem.join(kind.plural());
        if linked(&folder) {
            match std::fs::canonicalize(&folder) {
                Ok(real) if real.is_dir() => links.push(Link { real, logical: folder }),
                _ => {} // a dangling link or one to a file: nothing to watch
            }
        }
    }
    if linked(memtomem) {
        links.push(Link { real: std::fs::canonicalize(memtomem)?, logical: memtomem.to_path_buf() });
    } else {
        watcher.watch(memtomem, RecursiveMode::Recursive)?;
    }
    for link in &links {
        watcher.watch(&link.real, RecursiveMode::Recursive)?;
    }
    Ok(links)
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
    /// Layout folders that are symlinks, watched at their real paths.
    links: Vec<Link>,
}

impl Worker {
    fn new(store: Arc<Store>, watcher: Option<RecommendedWatcher>, links: Vec<Link>, emit: Emit) -> Worker {
        Worker { store, watcher, emit, known: HashMap::new(), cached: 0, extra: HashMap::new(), links }
    }

    /// An event's path as seen from `.memtomem/` (through a linked layout folder, if any).
    fn logical(&self, path: &Path) -> PathBuf {
        self.links
            .iter()
            .find_map(|link| path.strip_prefix(&link.real).ok().map(|rest| link.logical.join(rest)))
            .unwrap_or_else(|| path.to_path_buf())
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
            let path = &self.logical(path);
            if *path == memtomem {
                // Created, deleted or replaced (the root's watch): a new folder needs its watch
                // again (the old one went with the old folder), then a rescan finds what was
                // written before the watch was in place; a folder that went makes everything gone.
                if memtomem.is_dir() {
                    self.watch_tree();
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
                // The type folder itself appeared, went or was replaced (maybe by a link,
                // which the recursive watch does not enter).
                if memtomem.is_dir() {
                    self.watch_tree();
                }
                rescan = true;
                continue;
            };
            // Dot-entries (locks, temps, history) are never artifacts
            // (docs/DECISIONS.md, "Names starting with").
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

    fn watch_tree(&mut self) {
        let Some(watcher) = self.watcher.as_mut() else { return };
        match watch_tree(watcher, self.store.memtomem_dir()) {
            Ok(links) => {
                for link in links {
                    if !self.links.contains(&link) {
                        self.links.push(link);
                    }
                }
            }
            Err(err) => tracing::warn!(target: "ctxgate::watch", "cannot watch the project folder: {err}"),
        }
    }

    /// A working file whose real folder is outside `.memtomem/` gets a watch of its own, of that
    /// folder only (never recursive: the artifact's other files are not watched).
    fn watch_real_folder(&mut self, key: &(Kind, String), file: &Path) {
        let Some(watcher) = self.watcher.as_mut() else { return };
        let Some(dir) = file.parent() else { return };
        if dir.starts_with(self.store.memtomem_dir()) || self.links.iter().any(|link| dir.starts_with(&link.real)) {
            return; // inside a recursive watch already
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
