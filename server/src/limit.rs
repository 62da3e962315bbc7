//! One request-body limit for the whole router (docs/USING.md, "Limits"): 4 MiB, on REST and server
//! functions alike, answered with the 413 `too_large` envelope before any handler parses the body.
//! axum's per-extractor default (2 MiB) is switched off in `router`, so this is the only limit.

use app::api::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Request bodies above this are refused with 413.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Refuses a declared length above the limit at once; otherwise reads at most the limit (a
/// streamed body that goes past it is refused the same way) and hands the bytes on.
pub async fn body_limit(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return ApiError::TooLarge.into_response();
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(_) => ApiError::TooLarge.into_response(),
    }
}
