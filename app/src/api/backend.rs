//! Server side of the API: the one place where store results become API types. Both doors —
//! the REST handlers (server crate) and the server functions (`api::fns`) — call [`Backend`];
//! neither has guard logic of its own.

use super::error::ApiError;
use super::types::{
    ArtifactBody, ArtifactType, CheckBody, CheckRequest, CheckSummary, CreateRequest, CreatedBody, DeletedBody,
    DiffBody, DroppedBody, GeneratedBody, HistoryContent, HistoryEntryBody, HistoryId, HistoryList, ImportReportBody,
    ImportRequest, ImportSkippedBody, ImportedBody, ListEntry, NotLoadableBody, Overview, ReplacedBody,
    RuntimeDiffBody, RuntimeOnlyEntry, RuntimeState, SavedBody, SkippedBody, SyncReportBody, TrashItemBody, TrashList,
    UpdateRequest,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use store::{Store, StoreError};
use tokio::sync::watch;

/// The store plus the facts about the project the UI needs. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Backend {
    store: Arc<Store>,
    /// First 12 hex digits of SHA-256 of the resolved project root (the draft key:
    /// docs/USING.md, "Editing, and what happens on a conflict").
    project_id: Arc<str>,
    canonical_root: Arc<str>,
    /// The writes running now and whether new ones are let in: shutdown waits for the first
    /// and closes the second ([`Backend::drain`]).
    writes: Arc<watch::Sender<WriteGate>>,
}

#[derive(Debug, Default)]
struct WriteGate {
    closed: bool,
    running: usize,
}

/// One running write; the gate counts it until it is dropped, on the blocking thread that ran
/// it, so a client that hangs up mid-save does not make shutdown skip the write.
struct WriteSlot(Arc<watch::Sender<WriteGate>>);

impl Drop for WriteSlot {
    fn drop(&mut self) {
        self.0.send_modify(|gate| gate.running -= 1);
    }
}

/// The files sync just wrote that their runtime will not load: each Markdown file is checked as
/// that runtime reads it (a skill's `SKILL.md`, an agent's or command's rendered file). TOML and
/// YAML renderings are memtomem's own formats and are not checked.
fn not_loadable(store: &Store, kind: ArtifactType, generated: &[store::Generated]) -> Vec<NotLoadableBody> {
    let mut out = Vec::new();
    for row in generated {
        let Some(target) = runtimes::runtimes(kind).iter().find(|rt| rt.label == row.runtime) else { continue };
        let path = store.root().join(&row.path);
        let (name, file) = if kind == ArtifactType::Skills {
            (path.file_name(), path.join(runtimes::skills::MANIFEST))
        } else if target.suffix == ".md" {
            (path.file_stem(), path.clone())
        } else {
            continue;
        };
        let Some(name) = name.and_then(|n| n.to_str()).map(str::to_owned) else { continue };
        let Some(bytes) = store::read_checked(&file) else { continue };
        let diagnostics = checks::check_bytes(kind, &name, &bytes);
        let rules = checks::refused_by(&diagnostics, target.vendor);
        if !rules.is_empty() {
            out.push(NotLoadableBody {
                runtime: row.runtime.clone(),
                name,
                rules: rules.into_iter().map(str::to_owned).collect(),
            });
        }
    }
    out
}

/// Maps a store error; `name` is what the client sent (safe to echo once validated). A stale write
/// is `Conflict` for every door; REST answers it 412 when the version came in `If-Match`.
fn api_error(err: StoreError, artifact_type: ArtifactType, name: &str) -> ApiError {
    match err {
        StoreError::InvalidName(reason) => ApiError::InvalidName { reason: reason.to_string() },
        StoreError::NotFound => ApiError::NotFound { what: format!("{} \"{name}\"", artifact_type.singular()) },
        StoreError::AlreadyExists => {
            ApiError::AlreadyExists { what: format!("{} \"{name}\"", artifact_type.singular()) }
        }
        StoreError::Forbidden(reason) => ApiError::Forbidden { reason: reason.to_owned() },
        StoreError::NotText => ApiError::NotText,
        StoreError::Stale { current_mtime_ns } => ApiError::Conflict { mtime_ns: current_mtime_ns },
        StoreError::Busy => ApiError::Busy,
        StoreError::HistoryUnavailable(err) => {
            tracing::error!(target: "ctxgate::store", "{} {name}: history not writable: {err}", artifact_type.plural());
            ApiError::HistoryUnavailable
        }
        StoreError::Io(err) => {
            // The detail (which may hold a path) goes to the log only.
            tracing::error!(target: "ctxgate::store", "{} {name}: {err}", artifact_type.plural());
            ApiError::Internal
        }
    }
}

/// Runs blocking file work off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|err| {
        tracing::error!(target: "ctxgate::store", "store task failed: {err}");
        Err(ApiError::Internal)
    })
}

impl Backend {
    pub fn new(store: Store) -> Backend {
        let root = store.root().to_string_lossy().into_owned();
        let project_id = hex::encode(Sha256::digest(root.as_bytes()))[..12].to_owned();
        let canonical_root = store.memtomem_dir().to_string_lossy().into_owned();
        Backend {
            store: Arc::new(store),
            project_id: project_id.into(),
            canonical_root: canonical_root.into(),
            writes: Arc::new(watch::Sender::new(WriteGate::default())),
        }
    }

    /// A slot for one write, unless shutdown has begun (503 `shutting_down`).
    fn admit_write(&self) -> Result<WriteSlot, ApiError> {
        let admitted = self.writes.send_if_modified(|gate| {
            if gate.closed {
                return false;
            }
            gate.running += 1;
            true
        });
        admitted.then(|| WriteSlot(self.writes.clone())).ok_or(ApiError::ShuttingDown)
    }

    /// Runs a store call that changes files, unless shutdown has begun (503 `shutting_down`).
    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let slot = self.admit_write()?;
        blocking(move || {
            let _slot = slot;
            work()
        })
        .await
    }

    /// For shutdown: refuses every write from now on and waits, at most `limit`, for the ones
    /// already running (a save waiting on a lock has the store's 10 s deadline). True when
    /// none is left.
    pub async fn drain(&self, limit: Duration) -> bool {
        self.writes.send_modify(|gate| gate.closed = true);
        let mut gate = self.writes.subscribe();
        let idle = async move { gate.wait_for(|gate| gate.running == 0).await.is_ok() };
        tokio::time::timeout(limit, idle).await.unwrap_or(false)
    }

    /// Removes crashed writers' temp files (docs/DECISIONS.md, "Temp sweeps"). Call once the port
    /// is bound, so a second instance that fails to start never touches another live process's
    /// files.
    pub async fn sweep_stale_temps(&self) -> usize {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.sweep_stale_temps()).await.unwrap_or(0)
    }

    /// The store itself, for the watcher's thread.
    pub fn store(&self) -> Arc<Store> {
        self.store.clone()
    }

    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    pub fn canonical_root(&self) -> &str {
        &self.canonical_root
    }

    pub async fn list(&self, artifact_type: ArtifactType) -> Result<Vec<ListEntry>, ApiError> {
        Ok(self.listing(artifact_type).await?.0)
    }

    pub async fn overview(&self) -> Result<Overview, ApiError> {
        let (skills, mut runtime_only) = self.listing(ArtifactType::Skills).await?;
        let (agents, more) = self.listing(ArtifactType::Agents).await?;
        runtime_only.extend(more);
        let (commands, more) = self.listing(ArtifactType::Commands).await?;
        runtime_only.extend(more);
        Ok(Overview { canonical_root: self.canonical_root.to_string(), skills, agents, commands, runtime_only })
    }

    pub async fn get(&self, artifact_type: ArtifactType, name: String) -> Result<ArtifactBody, ApiError> {
        let store = self.store.clone();
        blocking(move || {
            let artifact = store.get(artifact_type, &name).map_err(|e| api_error(e, artifact_type, &name))?;
            Ok(ArtifactBody {
                name: artifact.name,
                content: artifact.content,
                mtime_ns: artifact.mtime_ns,
                etag: artifact.etag,
                files: artifact.files,
            })
        })
        .await
    }

    pub async fn create(&self, artifact_type: ArtifactType, request: CreateRequest) -> Result<CreatedBody, ApiError> {
        let store = self.store.clone();
        self.write(move || {
            let saved = store
                .create(artifact_type, &request.name, &request.content)
                .map_err(|e| api_error(e, artifact_type, &request.name))?;
            Ok(CreatedBody {
                name: saved.name,
                canonical_path: saved.canonical_path,
                mtime_ns: saved.mtime_ns,
                etag: saved.etag,
            })
        })
        .await
    }

    /// The guarded write; a stale version is `Conflict`.
    pub async fn update(
        &self,
        artifact_type: ArtifactType,
        name: String,
        request: UpdateRequest,
    ) -> Result<SavedBody, ApiError> {
        let store = self.store.clone();
        self.write(move || {
            let update = store::Update {
                content: &request.content,
                base_mtime_ns: request.mtime_ns,
                base_etag: request.etag.as_ref(),
                force: request.force,
                seen_etag: request.seen_etag.as_ref(),
                restored: request.restored_from.is_some(),
            };
            let saved = store.update(artifact_type, &name, &update).map_err(|e| api_error(e, artifact_type, &name))?;
            Ok(SavedBody { name: saved.name, mtime_ns: saved.mtime_ns, etag: saved.etag })
        })
        .await
    }

    pub async fn delete(&self, artifact_type: ArtifactType, name: String) -> Result<DeletedBody, ApiError> {
        let store = self.store.clone();
        self.write(move || {
            let deleted = store.delete(artifact_type, &name).map_err(|e| api_error(e, artifact_type, &name))?;
            Ok(DeletedBody { deleted: deleted.paths, trash_id: deleted.trash_id.map(|id| id.to_string()) })
        })
        .await
    }

    /// An artifact's history, newest first (also after it was deleted).
    pub async fn history(&self, artifact_type: ArtifactType, name: String) -> Result<HistoryList, ApiError> {
        store::validate_name(&name)?;
        let store = self.store.clone();
        blocking(move || {
            let entries = store
                .history()
                .list(artifact_type, &name)
                .into_iter()
                .map(|e| HistoryEntryBody {
                    id: e.id,
                    at: e.at,
                    reason: e.reason,
                    etag: e.etag,
                    mtime_ns: e.mtime_ns,
                    size: e.size,
                    runtime: e.runtime,
                })
                .collect();
            Ok(HistoryList { entries })
        })
        .await
    }

    /// One history entry's text. The doors parse `id` after checking `name` (400 before 422).
    pub async fn history_entry(
        &self,
        artifact_type: ArtifactType,
        name: String,
        id: HistoryId,
    ) -> Result<HistoryContent, ApiError> {
        store::validate_name(&name)?;
        let store = self.store.clone();
        blocking(move || {
            let found = store.history().read(artifact_type, &name, &id).map_err(|err| {
                tracing::error!(target: "ctxgate::store", "history read failed: {err}");
                ApiError::Internal
            })?;
            let (entry, bytes) = found.ok_or_else(|| ApiError::NotFound { what: "history entry".into() })?;
            let content = String::from_utf8(bytes).map_err(|_| ApiError::NotText)?;
            Ok(HistoryContent { id: entry.id, at: entry.at, reason: entry.reason, etag: entry.etag, content })
        })
        .await
    }

    pub async fn trash(&self) -> Result<TrashList, ApiError> {
        let store = self.store.clone();
        blocking(move || {
            let items = store
                .history()
                .trash_items()
                .into_iter()
                .map(|t| TrashItemBody { id: t.id.to_string(), kind: t.kind, name: t.name, deleted_at: t.deleted_at })
                .collect();
            Ok(TrashList { items })
        })
        .await
    }

    /// Restores a deleted artifact under its name (201 as create; 409 if the name is taken).
    pub async fn restore_trash(&self, id: HistoryId) -> Result<CreatedBody, ApiError> {
        let store = self.store.clone();
        self.write(move || {
            let item = store.history().trash_items().into_iter().find(|t| t.id == id);
            let (artifact_type, name) =
                item.map(|t| (t.kind, t.name)).ok_or_else(|| ApiError::NotFound { what: "trash item".into() })?;
            let saved = store.restore_trash(&id).map_err(|e| api_error(e, artifact_type, &name))?;
            Ok(CreatedBody {
                name: saved.name,
                canonical_path: saved.canonical_path,
                mtime_ns: saved.mtime_ns,
                etag: saved.etag,
            })
        })
        .await
    }

    // ---- Sync to agent runtimes (docs/API.md, "Sync to agent runtimes") ---------------------

    /// The list with runtime statuses: canonical artifacts, then the names only runtimes have.
    pub async fn listing(
        &self,
        artifact_type: ArtifactType,
    ) -> Result<(Vec<ListEntry>, Vec<RuntimeOnlyEntry>), ApiError> {
        let store = self.store.clone();
        blocking(move || {
            let items = store.listing(artifact_type).map_err(|e| api_error(e, artifact_type, ""))?;
            let states = |runtimes: Vec<(&'static str, store::SyncStatus)>| {
                runtimes
                    .into_iter()
                    .map(|(runtime, status)| RuntimeState { runtime: runtime.to_owned(), status })
                    .collect()
            };
            let (mut entries, mut runtime_only) = (Vec::new(), Vec::new());
            for item in items {
                match item.entry {
                    Some(row) => {
                        // A file that cannot be read now has nothing to check; its row still lists.
                        let checks = match store.read_for_check(artifact_type, &row.name) {
                            Ok((_, Some(bytes))) => {
                                CheckSummary::of(&checks::check_bytes(artifact_type, &row.name, &bytes))
                            }
                            _ => CheckSummary::default(),
                        };
                        entries.push(ListEntry {
                            name: row.name,
                            canonical_path: row.canonical_path,
                            mtime_ns: row.mtime_ns,
                            size: row.size,
                            runtimes: states(item.runtimes),
                            checks,
                        })
                    }
                    None => runtime_only.push(RuntimeOnlyEntry {
                        kind: artifact_type,
                        name: item.name,
                        canonical_path: None,
                        runtimes: states(item.runtimes),
                    }),
                }
            }
            Ok((entries, runtime_only))
        })
        .await
    }

    /// Pushes every artifact of a type (`name: None`) or one to the runtimes.
    pub async fn sync(&self, artifact_type: ArtifactType, name: Option<String>) -> Result<SyncReportBody, ApiError> {
        if let Some(name) = &name {
            store::validate_name(name)?;
        }
        let (store, canonical_root) = (self.store.clone(), self.canonical_root.to_string());
        self.write(move || {
            let report = store
                .sync(artifact_type, name.as_deref())
                .map_err(|e| api_error(e, artifact_type, name.as_deref().unwrap_or("")))?;
            let not_loadable = not_loadable(&store, artifact_type, &report.generated);
            Ok(SyncReportBody {
                generated: report
                    .generated
                    .into_iter()
                    .map(|g| GeneratedBody { runtime: g.runtime, path: g.path })
                    .collect(),
                dropped: report
                    .dropped
                    .into_iter()
                    .map(|d| DroppedBody { runtime: d.runtime, name: d.name, fields: d.fields })
                    .collect(),
                skipped: report
                    .skipped
                    .into_iter()
                    .map(|s| SkippedBody { runtime: s.runtime, reason: s.reason, reason_code: s.reason_code })
                    .collect(),
                replaced: report.replaced.into_iter().map(replaced_body).collect(),
                not_loadable,
                canonical_root,
            })
        })
        .await
    }

    /// The checks over one saved artifact (docs/API.md, "Checks"); a file that is not UTF-8 is a
    /// finding, not an error.
    pub async fn check(&self, artifact_type: ArtifactType, name: String) -> Result<CheckBody, ApiError> {
        let store = self.store.clone();
        blocking(move || {
            let (relative, bytes) =
                store.read_for_check(artifact_type, &name).map_err(|e| api_error(e, artifact_type, &name))?;
            let bytes = bytes.ok_or_else(|| ApiError::Invalid {
                field: None,
                reason: format!("{relative} is not a regular file of at most 4 MiB"),
            })?;
            Ok(CheckBody { diagnostics: checks::check_bytes(artifact_type, &name, &bytes) })
        })
        .await
    }

    /// The checks over unsaved text; the name must be one the store would accept. On the
    /// blocking pool: a big body must not hold up the async workers.
    pub async fn check_text(&self, request: CheckRequest) -> Result<CheckBody, ApiError> {
        store::validate_name(&request.name)?;
        blocking(move || Ok(CheckBody { diagnostics: checks::check(request.kind, &request.name, &request.content) }))
            .await
    }

    /// Each runtime's copy of one artifact against the canonical one.
    pub async fn diff(&self, artifact_type: ArtifactType, name: String) -> Result<DiffBody, ApiError> {
        store::validate_name(&name)?;
        let store = self.store.clone();
        blocking(move || {
            let diff = store.runtime_diff(artifact_type, &name).map_err(|e| api_error(e, artifact_type, &name))?;
            Ok(DiffBody {
                name: diff.name,
                canonical_content: diff.canonical_content,
                canonical_path: diff.canonical_path,
                runtimes: diff
                    .runtimes
                    .into_iter()
                    .map(|r| RuntimeDiffBody {
                        runtime: r.runtime.to_owned(),
                        status: r.status,
                        reason: r.reason,
                        expected_content: r.expected_content,
                        runtime_content: r.runtime_content,
                    })
                    .collect(),
            })
        })
        .await
    }

    /// Brings runtime-only artifacts of a type (`name: None`) or one into `.memtomem/`.
    pub async fn import(
        &self,
        artifact_type: ArtifactType,
        name: Option<String>,
        request: ImportRequest,
    ) -> Result<ImportReportBody, ApiError> {
        if let Some(name) = &name {
            store::validate_name(name)?;
        }
        let (store, canonical_root) = (self.store.clone(), self.canonical_root.to_string());
        self.write(move || {
            let report = store.import(artifact_type, name.as_deref(), request.overwrite).map_err(|e| match e {
                StoreError::NotFound => ApiError::NotFound {
                    what: format!("runtime {} \"{}\"", artifact_type.singular(), name.as_deref().unwrap_or("")),
                },
                other => api_error(other, artifact_type, name.as_deref().unwrap_or("")),
            })?;
            Ok(ImportReportBody {
                imported: report
                    .imported
                    .into_iter()
                    .map(|i| ImportedBody {
                        name: i.name,
                        canonical_path: i.canonical_path,
                        source_runtime: i.source_runtime,
                        duplicate_candidates: i.duplicate_candidates,
                    })
                    .collect(),
                skipped: report
                    .skipped
                    .into_iter()
                    .map(|s| ImportSkippedBody { name: s.name, reason: s.reason, reason_code: s.reason_code })
                    .collect(),
                replaced: report.replaced.into_iter().map(replaced_body).collect(),
                canonical_root,
            })
        })
        .await
    }
}

fn replaced_body(r: store::ReplacedFile) -> ReplacedBody {
    ReplacedBody { runtime: r.runtime, path: r.path, history_id: r.history_id }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drain_refuses_new_writes_and_waits_for_running_ones() {
        let root = tempfile::tempdir().unwrap();
        let backend = Backend::new(Store::open(root.path()).unwrap());
        let running = backend.admit_write().unwrap();
        // Still running: the drain gives up at its limit.
        assert!(!backend.drain(Duration::from_millis(50)).await);
        let refused =
            backend.create(ArtifactType::Skills, CreateRequest { name: "late".into(), content: "x\n".into() }).await;
        assert_eq!(refused, Err(ApiError::ShuttingDown));
        assert!(!root.path().join(".memtomem/skills/late").exists());
        let waiting = tokio::spawn({
            let backend = backend.clone();
            async move { backend.drain(Duration::from_secs(30)).await }
        });
        drop(running);
        assert!(waiting.await.unwrap(), "the drain did not see the write end");
    }
}
