//! The REST door (docs/API.md, "Conventions"): routes under `/api/context`, strict bodies, status
//! codes. Thin: validation of the wire format here, everything else in
//! `app::api::backend::Backend`.

use app::api::backend::Backend;
use app::api::parse::{
    dry_run_refused, history_id, parse_check, parse_create, parse_if_match, parse_import, parse_sync, parse_update,
    query_asks_dry_run,
};
use app::api::types::CheckRequest;
use app::api::{ApiError, ArtifactType, CreateRequest, HistoryId, ImportRequest, UpdateRequest};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::limit::MAX_BODY_BYTES;
use std::collections::HashMap;

pub fn routes(backend: Backend) -> Router {
    Router::new()
        .route("/api/context/{type}", get(list).post(create))
        .route("/api/context/{type}/{name}", get(read).put(update).delete(remove))
        // `sync` and `import` are also artifact names: GET, PUT and DELETE there still reach
        // the artifact (as in memtomem, whose router tries the artifact route first).
        .route(
            "/api/context/{type}/sync",
            post(sync_all)
                .get(|b: State<Backend>, TypePath(kind): TypePath| read(b, ArtifactPath::named(kind, "sync")))
                .put(|b: State<Backend>, TypePath(kind): TypePath, h: HeaderMap, body: JsonBody<UpdateRequest>| {
                    update(b, ArtifactPath::named(kind, "sync"), h, body)
                })
                .delete(|b: State<Backend>, TypePath(kind): TypePath| remove(b, ArtifactPath::named(kind, "sync"))),
        )
        .route(
            "/api/context/{type}/import",
            post(import_all)
                .get(|b: State<Backend>, TypePath(kind): TypePath| read(b, ArtifactPath::named(kind, "import")))
                .put(|b: State<Backend>, TypePath(kind): TypePath, h: HeaderMap, body: JsonBody<UpdateRequest>| {
                    update(b, ArtifactPath::named(kind, "import"), h, body)
                })
                .delete(|b: State<Backend>, TypePath(kind): TypePath| remove(b, ArtifactPath::named(kind, "import"))),
        )
        .route("/api/context/{type}/{name}/sync", post(sync_one))
        .route("/api/context/{type}/{name}/import", post(import_one))
        .route("/api/context/{type}/{name}/diff", get(diff))
        .route("/api/context/{type}/{name}/check", get(check))
        .route("/api/context/check", post(check_text))
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

// ---- Extractors: the path and body rules, once -------------------------------------------------
//
// Axum runs a handler's extractors in argument order, and a body extractor can only be the last:
// so every handler checks its path (404 unknown type, 400 bad name, 422 bad id) before its query
// and its body (413 / 415 / 422), as docs/API.md ("`PUT /api/context/{type}/{name}` — save")
// promises for the name.

/// The path's parameters, percent-decoded; a refusal (bad percent-encoding, not UTF-8) uses the
/// envelope.
async fn path_params(parts: &mut Parts) -> Result<HashMap<String, String>, ApiError> {
    axum::extract::Path::<HashMap<String, String>>::from_request_parts(parts, &())
        .await
        .map(|axum::extract::Path(params)| params)
        .map_err(|_| ApiError::InvalidName { reason: "the path is not valid percent-encoded UTF-8".into() })
}

fn artifact_type(params: &HashMap<String, String>) -> Result<ArtifactType, ApiError> {
    params
        .get("type")
        .and_then(|word| ArtifactType::from_plural(word))
        .ok_or_else(|| ApiError::NotFound { what: "artifact type".into() })
}

/// `{type}` of a route about a whole type: an unknown one is 404.
struct TypePath(ArtifactType);

impl<S: Send + Sync> FromRequestParts<S> for TypePath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        artifact_type(&path_params(parts).await?).map(TypePath)
    }
}

/// `{type}/{name}` of a route about one artifact: the type (404 when unknown), then the name
/// rule (400 `invalid_name`), both before anything else of the request is looked at.
struct ArtifactPath {
    kind: ArtifactType,
    name: String,
}

impl ArtifactPath {
    /// The artifacts literally named `sync` and `import`, whose routes have no `{name}`.
    fn named(kind: ArtifactType, name: &'static str) -> ArtifactPath {
        ArtifactPath { kind, name: name.to_owned() }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ArtifactPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut params = path_params(parts).await?;
        let kind = artifact_type(&params)?;
        let name = params.remove("name").unwrap_or_default();
        store::validate_name(&name)?;
        Ok(ArtifactPath { kind, name })
    }
}

/// `{id}` of a history entry or a trash item: anything but the id's form is 422 naming `id`,
/// before a path is built from it (docs/DECISIONS.md, "History and trash").
struct IdPath(HistoryId);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts).await?;
        history_id("id", params.get("id").map_or("", String::as_str)).map(IdPath)
    }
}

/// memtomem's `?dry_run=true` asks for a preview ctxgate does not have: refused (422) before the
/// body is read, so nothing is written.
struct NoDryRun;

impl<S: Send + Sync> FromRequestParts<S> for NoDryRun {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if query_asks_dry_run(parts.uri.query()) {
            return Err(dry_run_refused());
        }
        Ok(NoDryRun)
    }
}

/// A body type with its strict parser (`app::api::parse`: no coercion, refusals name the field).
trait StrictBody: Sized {
    fn parse(bytes: &[u8]) -> Result<Self, ApiError>;
}

impl StrictBody for CreateRequest {
    fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        parse_create(bytes)
    }
}

impl StrictBody for UpdateRequest {
    fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        parse_update(bytes)
    }
}

impl StrictBody for CheckRequest {
    fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        parse_check(bytes)
    }
}

impl StrictBody for ImportRequest {
    fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        parse_import(bytes)
    }
}

/// A sync body: its fields are not used, but it must be an object without a `dry_run`.
struct SyncBody;

impl StrictBody for SyncBody {
    fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        parse_sync(bytes).map(|()| SyncBody)
    }
}

/// A required JSON body: `application/json` (else 415), at most [`MAX_BODY_BYTES`] (else 413),
/// then `T`'s strict parser (422).
struct JsonBody<T>(T);

impl<T: StrictBody, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        T::parse(&json_body(&parts.headers, body).await?).map(JsonBody)
    }
}

/// An optional JSON body (sync and import may be sent without one): empty is `T`'s parse of
/// nothing; otherwise the same content-type and size rules as [`JsonBody`].
struct OptionalJsonBody<T>(T);

impl<T: StrictBody, S: Send + Sync> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        T::parse(&optional_json_body(&parts.headers, body).await?).map(OptionalJsonBody)
    }
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

/// [`json_body`] for a body that may be empty: the size first, and the content type only when
/// there is something to parse.
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

// ---- Handlers ------------------------------------------------------------------------------------

async fn list(State(backend): State<Backend>, TypePath(kind): TypePath) -> Result<Response, ApiError> {
    let (rows, runtime_only) = backend.listing(kind).await?;
    let mut items = serde_json::to_value(rows).map_err(|_| ApiError::Internal)?;
    if let serde_json::Value::Array(items) = &mut items {
        // Runtime-only items follow the canonical ones (docs/API.md, "Sync to agent runtimes"),
        // `canonical_path: null`.
        for entry in runtime_only {
            items.push(serde_json::json!({"name": entry.name, "canonical_path": null, "runtimes": entry.runtimes}));
        }
    }
    let mut body = serde_json::Map::new();
    body.insert(kind.plural().to_owned(), items);
    body.insert("canonical_root".into(), serde_json::Value::String(backend.canonical_root().to_owned()));
    Ok(Json(body).into_response())
}

async fn read(State(backend): State<Backend>, path: ArtifactPath) -> Result<Response, ApiError> {
    let artifact = backend.get(path.kind, path.name).await?;
    let etag = HeaderValue::from_str(&format!("\"{}\"", artifact.etag)).map_err(|_| ApiError::Internal)?;
    Ok(([(header::ETAG, etag)], Json(artifact)).into_response())
}

async fn create(
    State(backend): State<Backend>,
    TypePath(kind): TypePath,
    JsonBody(request): JsonBody<CreateRequest>,
) -> Result<Response, ApiError> {
    let created = backend.create(kind, request).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn update(
    State(backend): State<Backend>,
    path: ArtifactPath,
    headers: HeaderMap,
    JsonBody(mut request): JsonBody<UpdateRequest>,
) -> Result<Response, ApiError> {
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
    let saved = backend.update(path.kind, path.name, request).await.map_err(|err| match err {
        // A stale version that came in `If-Match` is a failed precondition: 412, same body.
        ApiError::Conflict { mtime_ns } if if_match.is_some() => ApiError::PreconditionFailed { mtime_ns },
        other => other,
    })?;
    Ok(Json(saved).into_response())
}

async fn remove(State(backend): State<Backend>, path: ArtifactPath) -> Result<Response, ApiError> {
    Ok(Json(backend.delete(path.kind, path.name).await?).into_response())
}

async fn history(State(backend): State<Backend>, path: ArtifactPath) -> Result<Response, ApiError> {
    Ok(Json(backend.history(path.kind, path.name).await?).into_response())
}

async fn history_entry(
    State(backend): State<Backend>,
    path: ArtifactPath,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    Ok(Json(backend.history_entry(path.kind, path.name, id).await?).into_response())
}

async fn trash(State(backend): State<Backend>) -> Result<Response, ApiError> {
    Ok(Json(backend.trash().await?).into_response())
}

async fn restore(State(backend): State<Backend>, IdPath(id): IdPath) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, Json(backend.restore_trash(id).await?)).into_response())
}

/// Sync of a whole type: the type, a `dry_run` in the query, then the optional body.
async fn sync_all(
    State(backend): State<Backend>,
    TypePath(kind): TypePath,
    _: NoDryRun,
    _: OptionalJsonBody<SyncBody>,
) -> Result<Response, ApiError> {
    Ok(Json(backend.sync(kind, None).await?).into_response())
}

/// Sync of one item: the type and the name (400 before the body's 422), then as [`sync_all`].
async fn sync_one(
    State(backend): State<Backend>,
    path: ArtifactPath,
    _: NoDryRun,
    _: OptionalJsonBody<SyncBody>,
) -> Result<Response, ApiError> {
    Ok(Json(backend.sync(path.kind, Some(path.name)).await?).into_response())
}

/// Import of every runtime-only item of a type: checked in the same order as sync.
async fn import_all(
    State(backend): State<Backend>,
    TypePath(kind): TypePath,
    _: NoDryRun,
    OptionalJsonBody(request): OptionalJsonBody<ImportRequest>,
) -> Result<Response, ApiError> {
    Ok(Json(backend.import(kind, None, request).await?).into_response())
}

async fn import_one(
    State(backend): State<Backend>,
    path: ArtifactPath,
    _: NoDryRun,
    OptionalJsonBody(request): OptionalJsonBody<ImportRequest>,
) -> Result<Response, ApiError> {
    Ok(Json(backend.import(path.kind, Some(path.name), request).await?).into_response())
}

async fn diff(State(backend): State<Backend>, path: ArtifactPath) -> Result<Response, ApiError> {
    Ok(Json(backend.diff(path.kind, path.name).await?).into_response())
}

async fn check(State(backend): State<Backend>, path: ArtifactPath) -> Result<Response, ApiError> {
    Ok(Json(backend.check(path.kind, path.name).await?).into_response())
}

/// Checks unsaved text: nothing is read or written.
async fn check_text(
    State(backend): State<Backend>,
    JsonBody(request): JsonBody<CheckRequest>,
) -> Result<Response, ApiError> {
    Ok(Json(backend.check_text(request).await?).into_response())
}
