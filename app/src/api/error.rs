//! The one error type of the API. It crosses the server-function wire as JSON (so the UI matches
//! on variants, never on message text) and becomes the REST error envelope in one place
//! (`IntoResponse` in `api::http`).

use super::types::MtimeNs;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// The exact reason of a stale write (SPEC §3).
pub const STALE_REASON: &str = "File was modified by another process. Reload and retry.";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// A stale write without `force` (409), carrying the file's current mtime.
    #[error("{STALE_REASON}")]
    Conflict { mtime_ns: MtimeNs },
    /// The same, for a request that sent `If-Match` (412).
    #[error("{STALE_REASON}")]
    PreconditionFailed { mtime_ns: MtimeNs },
    #[error("{reason}")]
    InvalidName { reason: String },
    /// A body or header that breaks a rule; `field` names the culprit when there is one.
    #[error("{reason}")]
    Invalid { field: Option<String>, reason: String },
    #[error("file is not valid UTF-8 text and is never rewritten")]
    NotText,
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("{what} already exists")]
    AlreadyExists { what: String },
    #[error("request body is larger than 4 MiB")]
    TooLarge,
    #[error("{reason}")]
    Forbidden { reason: String },
    #[error("another save of this artifact is still running; try again")]
    Busy,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("internal error; see the server log")]
    Internal,
    /// The request never got a typed answer (network down, server gone, undecodable reply).
    #[error("request failed: {0}")]
    Transport(String),
}

impl ApiError {
    pub fn invalid(field: &str, reason: impl Into<String>) -> ApiError {
        ApiError::Invalid { field: Some(field.to_owned()), reason: reason.into() }
    }

    /// `error_kind` of the envelope.
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::Conflict { .. } | ApiError::PreconditionFailed { .. } => "aborted",
            ApiError::InvalidName { .. } => "invalid_name",
            ApiError::Invalid { .. } => "validation",
            ApiError::NotText => "not_text",
            ApiError::NotFound { .. } => "not_found",
            ApiError::AlreadyExists { .. } => "already_exists",
            ApiError::TooLarge => "too_large",
            ApiError::Forbidden { .. } => "forbidden",
            ApiError::Busy => "busy",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Internal | ApiError::Transport(_) => "internal",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            ApiError::Conflict { .. } | ApiError::AlreadyExists { .. } => 409,
            ApiError::PreconditionFailed { .. } => 412,
            ApiError::InvalidName { .. } => 400,
            ApiError::Invalid { .. } | ApiError::NotText => 422,
            ApiError::NotFound { .. } => 404,
            ApiError::TooLarge => 413,
            ApiError::Forbidden { .. } => 403,
            ApiError::Busy => 503,
            ApiError::MethodNotAllowed => 405,
            ApiError::UnsupportedMediaType => 415,
            ApiError::Internal | ApiError::Transport(_) => 500,
        }
    }

    /// The JSON body: the exact stale-write body, or the error envelope.
    pub fn body(&self) -> serde_json::Value {
        match self {
            ApiError::Conflict { mtime_ns } | ApiError::PreconditionFailed { mtime_ns } => serde_json::json!({
                "status": "aborted",
                "reason": STALE_REASON,
                "mtime_ns": mtime_ns.to_string(),
            }),
            other => {
                let mut body = serde_json::json!({
                    "status": "error",
                    "error_kind": other.kind(),
                    "reason": other.to_string(),
                });
                if let ApiError::Invalid { field: Some(field), .. } = other {
                    body["field"] = serde_json::Value::String(field.clone());
                }
                body
            }
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}
