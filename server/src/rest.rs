//! The REST door (SPEC §3): routes under `/api/context`, strict bodies, status codes. Thin:
//! validation of the wire format here, everything else in `app::api::backend::Backend`.

use app::api::backend::Backend;
use app::api::parse::{
    dry_run_refused, history_id, parse_create, parse_if_match, parse_import, parse_sync, parse_update,
    query_asks_dry_run,
};
use app::api::{ApiError, ArtifactType};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::limit::MAX_BODY_BYTES;

pub fn routes(backend: Backend) -> Router {
    Router::new()
        .route("/api/context/{type}", get(list).post(create))
        .route("/api/context/{type}/{name}", get(read).put(update).delete(remove))
        // `sync` and `import` are also artifact names: GET, PUT and DELETE there still reach
        // the artifact (as in memtomem, whose router tries the artifact route first).
        .route(
            "/api/context/{type}/sync",
            post(sync_all)
                .get(|b: State<Backend>, Path(kind): Path<String>| read(b, Path((kind, "sync".into()))))
                .put(|b: State<Backend>, Path(kind): Path<String>, h: HeaderMap, body: Body| {
                    update(b, Path((kind, "sync".into())), h, body)
                })
                .delete(|b: State<Backend>, Path(kind): Path<String>| remove(b, Path((kind, "sync".into())))),
        )
        .route(
            "/api/context/{type}/import",
            post(import_all)
                .get(|b: State<Backend>, Path(kind): Path<String>| read(b, Path((kind, "import".into()))))
                .put(|b: State<Backend>, Path(kind): Path<String>, h: HeaderMap, body: Body| {
                    update(b, Path((kind, "import".into())), h, body)
                })
                .delete(|b: State<Backend>, Path(kind): Path<String>| remove(b, Path((kind, "import".into())))),
        )
        .route("/api/context/{type}/{name}/sync", post(sync_one))
        .route("/api/context/{type}/{name}/import", post(import_one))
        .route("/api/context/{type}/{name}/diff", get(diff))
        .route("/api/context/{type}/{name}/history", get(history))
        .route("/api/context/{type}/{name}/history/{id}", get(history_entry))
        .route("/api/context/trash", get(trash))
        .route("/api/context/trash/{id}/restore", axum::routing::post(restore))
        // Not `/{type}/{name}` with a type called "trash": there is no such route.
        .route("/api/context/trash/{id}", axum::routing::any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(backend)
}

/// A method the route does not take, with the envelope.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Any other path under `/api` (routing errors get the envelope too).
pub async fn api_not_found() -> ApiError {
    ApiError::NotFound { what: "route".into() }
}

/// `axum::extract::Path` whose refusals (bad percent-encoding, not UTF-8) use the envelope.
struct Path<T>(T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| ApiError::InvalidName { reason: "the path is not valid percent-encoded UTF-8".into() })
    }
}

fn artifact_type(word: &str) -> Result<ArtifactType, ApiError> {
    ArtifactType::from_plural(word).ok_or_else(|| ApiError::NotFound { what: "artifact type".into() })
}

/// Checks the content type and reads at most [`MAX_BODY_BYTES`].
async fn json_body(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return Err(ApiError::TooLarge);
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| ApiError::TooLarge)
}

async fn list(State(backend): State<Backend>, Path(kind): Path<String>) -> Result<Response, ApiError> {
    let kind = artifact_type(&kind)?;
    let (rows, runtime_only) = backend.listing(kind).await?;
    let mut items = serde_json::to_value(rows).map_err(|_| ApiError::Internal)?;
    if let serde_json::Value::Array(items) = &mut items {
        // Runtime-only items follow the canonical ones (SPEC §15), `canonical_path: null`.
        for entry in runtime_only {
            items.push(serde_json::json!({"name": entry.name, "canonical_path": null, "runtimes": entry.runtimes}));
        }
    }
    let mut body = serde_json::Map::new();
    body.insert(kind.plural().to_owned(), items);
    body.insert("canonical_root".into(), serde_json::Value::String(backend.canonical_root().to_owned()));
    Ok(Json(body).into_response())
}

async fn read(
    State(backend): State<Backend>,
    Path((kind, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let kind = artifact_type(&kind)?;
    let artifact = backend.get(kind, name).await?;
    let etag = HeaderValue::from_str(&format!("\"{}\"", artifact.etag)).map_err(|_| ApiError::Internal)?;
    Ok(([(header::ETAG, etag)], Json(artifact)).into_response())
}

async fn create(
    State(backend): State<Backend>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let kind = artifact_type(&kind)?;
    let bytes = json_body(&headers, body).await?;
    let request = parse_create(&bytes)?;
    let created = backend.create(kind, request).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn update(
    State(backend): State<Backend>,
    Path((kind, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let kind = artifact_type(&kind)?;
    // The name is refused (400) before the body is read (422/413), as SPEC §4 step 1 orders.
    store::validate_name(&name)?;
    let bytes = json_body(&headers, body).await?;
    let mut request = parse_update(&bytes)?;
    let if_match = match headers.get(header::IF_MATCH) {
        None => None,
        Some(_) => Some(parse_if_match(headers.get_all(header::IF_MATCH).iter().map(HeaderValue::as_bytes))?),
    };
    if let Some(tag) = &if_match {
        match &request.etag {
            Some(body_etag) if body_etag != tag => {
                return Err(ApiError::invalid("If-Match", "If-Match disagrees with the body's etag"));
            }
            _ => request.etag = Some(tag.clone()),
        }
    }
    let saved = backend.update(kind, name, request, if_match.is_some()).await?;
    Ok(Json(saved).into_response())
}

async fn remove(
    State(backend): State<Backend>,
    Path((kind, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let kind = artifact_type(&kind)?;
    Ok(Json(backend.delete(kind, name).await?).into_response())
}

async fn history(
    State(backend): State<Backend>,
    Path((kind, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let kind = artifact_type(&kind)?;
    Ok(Json(backend.history(kind, name).await?).into_response())
}

async fn history_entry(
    State(backend): State<Backend>,
    Path((kind, name, id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let kind = artifact_type(&kind)?;
    // The name is refused (400) before the id (422).
    store::validate_name(&name)?;
    let id = history_id("id", &id)?;
    Ok(Json(backend.history_entry(kind, name, id).await?).into_response())
}

async fn trash(State(backend): State<Backend>) -> Result<Response, ApiError> {
    Ok(Json(backend.trash().await?).into_response())
}

async fn restore(State(backend): State<Backend>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = history_id("id", &id)?;
    Ok((StatusCode::CREATED, Json(backend.restore_trash(id).await?)).into_response())
}

/// An optional JSON body (sync and import may be sent without one): empty is `None`; otherwise
/// the same content-type and size rules as every other body.
async fn optional_json_body(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return Err(ApiError::TooLarge);
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| ApiError::TooLarge)?;
    if bytes.is_empty() {
        return Ok(bytes);
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    Ok(bytes)
}

async fn sync_all(
    backend: State<Backend>,
    uri: axum::http::Uri,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    sync(backend, uri, kind, None, headers, body).await
}

async fn sync_one(
    backend: State<Backend>,
    uri: axum::http::Uri,
    Path((kind, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    sync(backend, uri, kind, Some(name), headers, body).await
}

/// What sync and import check before their bodies, in this order: the type, the name (400
/// before the body's 422), then a `dry_run` in the query.
fn sync_target(kind: &str, name: Option<&str>, uri: &axum::http::Uri) -> Result<ArtifactType, ApiError> {
    let kind = artifact_type(kind)?;
    if let Some(name) = name {
        store::validate_name(name)?;
    }
    refuse_query_dry_run(uri)?;
    Ok(kind)
}

/// Sync of a whole type or of one item: the target, then the optional body.
async fn sync(
    State(backend): State<Backend>,
    uri: axum::http::Uri,
    kind: String,
    name: Option<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let kind = sync_target(&kind, name.as_deref(), &uri)?;
    parse_sync(&optional_json_body(&headers, body).await?)?;
    Ok(Json(backend.sync(kind, name).await?).into_response())
}

async fn import_all(
    backend: State<Backend>,
    uri: axum::http::Uri,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    import(backend, uri, kind, None, headers, body).await
}

async fn import_one(
    backend: State<Backend>,
    uri: axum::http::Uri,
    Path((kind, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    import(backend, uri, kind, Some(name), headers, body).await
}

/// Import of every runtime-only item of a type, or of one: checked in the same order as sync.
async fn import(
    State(backend): State<Backend>,
    uri: axum::http::Uri,
    kind: String,
    name: Option<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let kind = sync_target(&kind, name.as_deref(), &uri)?;
    let request = parse_import(&optional_json_body(&headers, body).await?)?;
    Ok(Json(backend.import(kind, name, request).await?).into_response())
}

/// memtomem's `?dry_run=true` asks for a preview; without one, nothing must be written.
fn refuse_query_dry_run(uri: &axum::http::Uri) -> Result<(), ApiError> {
    if query_asks_dry_run(uri.query()) {
        return Err(dry_run_refused());
    }
    Ok(())
}

async fn diff(
    State(backend): State<Backend>,
    Path((kind, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let kind = artifact_type(&kind)?;
    Ok(Json(backend.diff(kind, name).await?).into_response())
}
