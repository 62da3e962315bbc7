//! Server side of the API: the one place where store results become API types. Both doors —
//! the REST handlers (server crate) and the server functions (`api::fns`) — call [`Backend`];
//! neither has guard logic of its own.

use super::error::ApiError;
use super::types::{
    ArtifactBody, ArtifactType, CreateRequest, CreatedBody, DeletedBody, HistoryContent, HistoryEntryBody, HistoryList,
    ListEntry, Overview, SavedBody, TrashItemBody, TrashList, UpdateRequest,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use store::{Store, StoreError};

/// The store plus the facts about the project the UI needs. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Backend {
    store: Arc<Store>,
    /// First 12 hex digits of SHA-256 of the resolved project root (SPEC §6 draft key).
    project_id: Arc<str>,
    canonical_root: Arc<str>,
}

/// Maps a store error; `name` is what the client sent (safe to echo once validated).
fn api_error(err: StoreError, artifact_type: ArtifactType, name: &str, if_match: bool) -> ApiError {
    match err {
        StoreError::InvalidName(reason) => ApiError::InvalidName { reason: reason.to_string() },
        StoreError::NotFound => ApiError::NotFound { what: format!("{} \"{name}\"", artifact_type.singular()) },
        StoreError::AlreadyExists => {
            ApiError::AlreadyExists { what: format!("{} \"{name}\"", artifact_type.singular()) }
        }
        StoreError::Forbidden(reason) => ApiError::Forbidden { reason: reason.to_owned() },
        StoreError::NotText => ApiError::NotText,
        StoreError::Stale { current_mtime_ns } if if_match => {
            ApiError::PreconditionFailed { mtime_ns: current_mtime_ns }
        }
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
        Backend { store: Arc::new(store), project_id: project_id.into(), canonical_root: canonical_root.into() }
    }

    /// Removes crashed writers' temp files (§4). Call once the port is bound, so a second
    /// instance that fails to start never touches another live process's files.
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
        let store = self.store.clone();
        blocking(move || {
            let rows = store.list(artifact_type).map_err(|e| api_error(e, artifact_type, "", false))?;
            Ok(rows
                .into_iter()
                .map(|row| ListEntry {
                    name: row.name,
                    canonical_path: row.canonical_path,
                    mtime_ns: row.mtime_ns,
                    size: row.size,
                })
                .collect())
        })
        .await
    }

    pub async fn overview(&self) -> Result<Overview, ApiError> {
        Ok(Overview {
            canonical_root: self.canonical_root.to_string(),
            skills: self.list(ArtifactType::Skills).await?,
            agents: self.list(ArtifactType::Agents).await?,
            commands: self.list(ArtifactType::Commands).await?,
        })
    }

    pub async fn get(&self, artifact_type: ArtifactType, name: String) -> Result<ArtifactBody, ApiError> {
        let store = self.store.clone();
        blocking(move || {
            let artifact = store.get(artifact_type, &name).map_err(|e| api_error(e, artifact_type, &name, false))?;
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
        blocking(move || {
            let saved = store
                .create(artifact_type, &request.name, &request.content)
                .map_err(|e| api_error(e, artifact_type, &request.name, false))?;
            Ok(CreatedBody {
                name: saved.name,
                canonical_path: saved.canonical_path,
                mtime_ns: saved.mtime_ns,
                etag: saved.etag,
            })
        })
        .await
    }

    /// The guarded write. `if_match` says the base etag came from an `If-Match` header, which
    /// turns a stale answer into 412.
    pub async fn update(
        &self,
        artifact_type: ArtifactType,
        name: String,
        request: UpdateRequest,
        if_match: bool,
    ) -> Result<SavedBody, ApiError> {
        let store = self.store.clone();
        blocking(move || {
            let update = store::Update {
                content: &request.content,
                base_mtime_ns: request.mtime_ns,
                base_etag: request.etag.as_ref(),
                force: request.force,
                seen_etag: request.seen_etag.as_ref(),
                restored: request.restored_from.is_some(),
            };
            let saved = store
                .update(artifact_type, &name, &update)
                .map_err(|e| api_error(e, artifact_type, &name, if_match))?;
            Ok(SavedBody { name: saved.name, mtime_ns: saved.mtime_ns, etag: saved.etag })
        })
        .await
    }

    pub async fn delete(&self, artifact_type: ArtifactType, name: String) -> Result<DeletedBody, ApiError> {
        let store = self.store.clone();
        blocking(move || {
            let deleted = store.delete(artifact_type, &name).map_err(|e| api_error(e, artifact_type, &name, false))?;
            Ok(DeletedBody { deleted: deleted.paths, trash_id: deleted.trash_id })
        })
        .await
    }

    /// An artifact's history, newest first (also after it was deleted).
    pub async fn history(&self, artifact_type: ArtifactType, name: String) -> Result<HistoryList, ApiError> {
        store::validate_name(&name).map_err(|err| ApiError::InvalidName { reason: err.to_string() })?;
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
                })
                .collect();
            Ok(HistoryList { entries })
        })
        .await
    }

    /// One history entry's text.
    pub async fn history_entry(
        &self,
        artifact_type: ArtifactType,
        name: String,
        id: String,
    ) -> Result<HistoryContent, ApiError> {
        store::validate_name(&name).map_err(|err| ApiError::InvalidName { reason: err.to_string() })?;
        if !store::is_valid_history_id(&id) {
            return Err(ApiError::invalid("id", super::types::HISTORY_ID_RULE));
        }
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
                .map(|t| TrashItemBody { id: t.id, kind: t.kind, name: t.name, deleted_at: t.deleted_at })
                .collect();
            Ok(TrashList { items })
        })
        .await
    }

    /// Restores a deleted artifact under its name (201 as create; 409 if the name is taken).
    pub async fn restore_trash(&self, id: String) -> Result<CreatedBody, ApiError> {
        if !store::is_valid_history_id(&id) {
            return Err(ApiError::invalid("id", super::types::HISTORY_ID_RULE));
        }
        let store = self.store.clone();
        blocking(move || {
            let item = store.history().trash_items().into_iter().find(|t| t.id == id);
            let (artifact_type, name) =
                item.map(|t| (t.kind, t.name)).ok_or_else(|| ApiError::NotFound { what: "trash item".into() })?;
            let saved = store.restore_trash(&id).map_err(|e| api_error(e, artifact_type, &name, false))?;
            Ok(CreatedBody {
                name: saved.name,
                canonical_path: saved.canonical_path,
                mtime_ns: saved.mtime_ns,
                etag: saved.etag,
            })
        })
        .await
    }
}
