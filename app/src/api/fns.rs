//! Server functions: the UI's door onto the store, registered under `/_fn/`. Thin: each one
//! forwards to [`Backend`](super::backend::Backend), exactly as the REST handlers do.

use super::error::ApiError;
use super::types::{
    ArtifactBody, ArtifactType, CreateRequest, CreatedBody, DeletedBody, Overview, SavedBody, UpdateRequest,
};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
fn backend() -> Result<super::backend::Backend, ApiError> {
    use_context::<super::backend::Backend>().ok_or(ApiError::Internal)
}

/// Facts about the served project the page needs before it can store a draft.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProjectInfo {
    pub project_id: String,
    pub canonical_root: String,
}

#[server(prefix = "/_fn", endpoint = "project_info", input = Json)]
pub async fn get_project_info() -> Result<ProjectInfo, ApiError> {
    let backend = backend()?;
    Ok(ProjectInfo { project_id: backend.project_id().to_owned(), canonical_root: backend.canonical_root().to_owned() })
}

#[server(prefix = "/_fn", endpoint = "overview", input = Json)]
pub async fn get_overview() -> Result<Overview, ApiError> {
    backend()?.overview().await
}

#[server(prefix = "/_fn", endpoint = "get_artifact", input = Json)]
pub async fn get_artifact(kind: ArtifactType, name: String) -> Result<ArtifactBody, ApiError> {
    backend()?.get(kind, name).await
}

#[server(prefix = "/_fn", endpoint = "create_artifact", input = Json)]
pub async fn create_artifact(kind: ArtifactType, request: CreateRequest) -> Result<CreatedBody, ApiError> {
    backend()?.create(kind, request).await
}

#[server(prefix = "/_fn", endpoint = "save_artifact", input = Json)]
pub async fn save_artifact(kind: ArtifactType, name: String, request: UpdateRequest) -> Result<SavedBody, ApiError> {
    backend()?.update(kind, name, request, false).await
}

#[server(prefix = "/_fn", endpoint = "delete_artifact", input = Json)]
pub async fn delete_artifact(kind: ArtifactType, name: String) -> Result<DeletedBody, ApiError> {
    backend()?.delete(kind, name).await
}
