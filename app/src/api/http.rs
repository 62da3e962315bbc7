//! The single `IntoResponse` for API errors: the exact stale-write body, or the envelope.

use super::error::ApiError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self.body())).into_response()
    }
}
