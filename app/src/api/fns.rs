//! Server functions: the UI's door onto the store, registered under `/_fn/`. Thin: each one
//! forwards to [`Backend`](super::backend::Backend), exactly as the REST handlers do.

use super::codec::JsonPost;
use super::error::ApiError;
#[cfg(feature = "ssr")]
use super::parse::history_id;
use super::types::{
    ArtifactBody, ArtifactType, CreateRequest, CreatedBody, DeletedBody, HistoryContent, HistoryList, Overview,
    SavedBody, TrashList, UpdateRequest,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn backend() -> Result<super::backend::Backend, ApiError> {
    use_context::<super::backend::Backend>().ok_or(ApiError::Internal)
}

/// Gives an error answer its real HTTP status (409, 404, …) instead of a blanket 500, so the
/// network log tells the truth; the typed error itself travels in the body.
#[cfg(feature = "ssr")]
fn answer<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if let Err(err) = &result {
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(
                http::StatusCode::from_u16(err.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}

/// Facts about the served project the page needs before it can store a draft.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProjectInfo {
    pub project_id: String,
    pub canonical_root: String,
}

#[server(prefix = "/_fn", endpoint = "project_info", input = JsonPost, output = JsonPost)]
pub async fn get_project_info() -> Result<ProjectInfo, ApiError> {
    let backend = backend()?;
    Ok(ProjectInfo { project_id: backend.project_id().to_owned(), canonical_root: backend.canonical_root().to_owned() })
}

#[server(prefix = "/_fn", endpoint = "overview", input = JsonPost, output = JsonPost)]
pub async fn get_overview() -> Result<Overview, ApiError> {
    answer(backend()?.overview().await)
}

#[server(prefix = "/_fn", endpoint = "get_artifact", input = JsonPost, output = JsonPost)]
pub async fn get_artifact(kind: ArtifactType, name: String) -> Result<ArtifactBody, ApiError> {
    answer(backend()?.get(kind, name).await)
}

#[server(prefix = "/_fn", endpoint = "create_artifact", input = JsonPost, output = JsonPost)]
pub async fn create_artifact(kind: ArtifactType, request: CreateRequest) -> Result<CreatedBody, ApiError> {
    answer(backend()?.create(kind, request).await)
}

#[server(prefix = "/_fn", endpoint = "save_artifact", input = JsonPost, output = JsonPost)]
pub async fn save_artifact(kind: ArtifactType, name: String, request: UpdateRequest) -> Result<SavedBody, ApiError> {
    answer(backend()?.update(kind, name, request).await)
}

#[server(prefix = "/_fn", endpoint = "delete_artifact", input = JsonPost, output = JsonPost)]
pub async fn delete_artifact(kind: ArtifactType, name: String) -> Result<DeletedBody, ApiError> {
    answer(backend()?.delete(kind, name).await)
}

#[server(prefix = "/_fn", endpoint = "list_history", input = JsonPost, output = JsonPost)]
pub async fn list_history(kind: ArtifactType, name: String) -> Result<HistoryList, ApiError> {
    answer(backend()?.history(kind, name).await)
}

#[server(prefix = "/_fn", endpoint = "get_history_entry", input = JsonPost, output = JsonPost)]
pub async fn get_history_entry(kind: ArtifactType, name: String, id: String) -> Result<HistoryContent, ApiError> {
    // As over REST: the name is refused (400) before the id (422).
    let checked = model::validate_name(&name).map_err(ApiError::from).and_then(|()| history_id("id", &id));
    match checked {
        Ok(id) => answer(backend()?.history_entry(kind, name, id).await),
        Err(err) => answer(Err(err)),
    }
}

#[server(prefix = "/_fn", endpoint = "list_trash", input = JsonPost, output = JsonPost)]
pub async fn list_trash() -> Result<TrashList, ApiError> {
    answer(backend()?.trash().await)
}

#[server(prefix = "/_fn", endpoint = "restore_trash", input = JsonPost, output = JsonPost)]
pub async fn restore_trash(id: String) -> Result<CreatedBody, ApiError> {
    match history_id("id", &id) {
        Ok(id) => answer(backend()?.restore_trash(id).await),
        Err(err) => answer(Err(err)),
    }
}

// ---- Sync to agent runtimes (docs/API.md, "Sync to agent runtimes") -------------------------

#[server(prefix = "/_fn", endpoint = "sync_artifacts", input = JsonPost, output = JsonPost)]
pub async fn sync_artifacts(kind: ArtifactType) -> Result<super::types::SyncReportBody, ApiError> {
    answer(backend()?.sync(kind, None).await)
}

#[server(prefix = "/_fn", endpoint = "sync_artifact", input = JsonPost, output = JsonPost)]
pub async fn sync_artifact(kind: ArtifactType, name: String) -> Result<super::types::SyncReportBody, ApiError> {
    answer(backend()?.sync(kind, Some(name)).await)
}

#[server(prefix = "/_fn", endpoint = "diff_artifact", input = JsonPost, output = JsonPost)]
pub async fn diff_artifact(kind: ArtifactType, name: String) -> Result<super::types::DiffBody, ApiError> {
    answer(backend()?.diff(kind, name).await)
}

#[server(prefix = "/_fn", endpoint = "import_artifacts", input = JsonPost, output = JsonPost)]
pub async fn import_artifacts(
    kind: ArtifactType,
    request: super::types::ImportRequest,
) -> Result<super::types::ImportReportBody, ApiError> {
    answer(backend()?.import(kind, None, request).await)
}

#[server(prefix = "/_fn", endpoint = "import_artifact", input = JsonPost, output = JsonPost)]
pub async fn import_artifact(
    kind: ArtifactType,
    name: String,
    request: super::types::ImportRequest,
) -> Result<super::types::ImportReportBody, ApiError> {
    answer(backend()?.import(kind, Some(name), request).await)
}
