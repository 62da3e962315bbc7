//! The one error type of the API. It crosses the server-function wire as JSON (so the UI matches
//! on variants, never on message text) and becomes the REST error envelope in one place
//! (`IntoResponse` in `api::http`).

use super::codec::JsonText;
use super::types::MtimeNs;
use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// The exact reason of a stale write (docs/API.md, "`PUT /api/context/{type}/{name}` — save").
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
    /// A write that arrived after the stop signal: the server finishes the writes already
    /// running, starts none, and exits.
    #[error("the server is shutting down; nothing was written")]
    ShuttingDown,
    /// One client (IP address) has as many event streams open as it may (429).
    #[error("too many event streams open from this address; close one (a tab) and retry")]
    TooManyStreams,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("internal error; see the server log")]
    Internal,
    /// History could not keep the bytes a write would replace, so nothing was changed
    /// (docs/DECISIONS.md, "History and trash").
    #[error("the history folder cannot be written (disk full or no permission), so nothing was changed")]
    HistoryUnavailable,
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
            ApiError::ShuttingDown => "shutting_down",
            ApiError::TooManyStreams => "too_many_streams",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Internal | ApiError::HistoryUnavailable | ApiError::Transport(_) => "internal",
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
            ApiError::Busy | ApiError::ShuttingDown => 503,
            ApiError::TooManyStreams => 429,
            ApiError::MethodNotAllowed => 405,
            ApiError::UnsupportedMediaType => 415,
            ApiError::Internal | ApiError::HistoryUnavailable | ApiError::Transport(_) => 500,
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

impl ApiError {
    /// Reads the REST envelope (or the stale body) back into the error it encodes. Layers in
    /// front of the server functions (body limit, security) answer with the envelope, and the UI
    /// must still see `TooLarge` / `Forbidden`, not a decoding failure.
    pub fn from_envelope(body: &serde_json::Value) -> Option<ApiError> {
        let text = |key: &str| body.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
        if text("status").as_deref() == Some("aborted") {
            return text("mtime_ns").and_then(|m| MtimeNs::parse(&m)).map(|mtime_ns| ApiError::Conflict { mtime_ns });
        }
        let reason = text("reason").unwrap_or_default();
        Some(match text("error_kind")?.as_str() {
            "invalid_name" => ApiError::InvalidName { reason },
            "validation" => ApiError::Invalid { field: text("field"), reason },
            "not_text" => ApiError::NotText,
            "not_found" => ApiError::NotFound { what: reason },
            "already_exists" => ApiError::AlreadyExists { what: reason },
            "too_large" => ApiError::TooLarge,
            "forbidden" => ApiError::Forbidden { reason },
            "busy" => ApiError::Busy,
            "shutting_down" => ApiError::ShuttingDown,
            "too_many_streams" => ApiError::TooManyStreams,
            "method_not_allowed" => ApiError::MethodNotAllowed,
            "unsupported_media_type" => ApiError::UnsupportedMediaType,
            _ => ApiError::Internal,
        })
    }
}

/// A name that breaks the rule: 400 `invalid_name`, with the rule's own words.
impl From<model::NameError> for ApiError {
    fn from(err: model::NameError) -> Self {
        ApiError::InvalidName { reason: err.to_string() }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let err = match value {
            // The request body did not decode into the function's typed arguments: the same
            // field rules as REST refused it (the types carry them), so it is the client's fault.
            ServerFnErrorErr::Args(reason) => ApiError::Invalid { field: None, reason },
            // On the server, deserialising means reading the request (on the client, a response).
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(reason) => ApiError::Invalid { field: None, reason },
            other => ApiError::Transport(other.to_string()),
        };
        #[cfg(feature = "ssr")]
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(
                http::StatusCode::from_u16(err.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        err
    }

    fn de(data: server_fn::Bytes) -> Self {
        use server_fn::Decodes;
        match JsonText::decode(data.clone()) {
            Ok(err) => err,
            Err(first) => std::str::from_utf8(&data)
                .ok()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
                .and_then(|body| ApiError::from_envelope(&body))
                .unwrap_or_else(|| ApiError::Transport(format!("undecodable error answer: {first}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_envelope_reads_back_as_its_error() {
        let errors = [
            ApiError::Conflict { mtime_ns: MtimeNs(12) },
            ApiError::InvalidName { reason: "r".into() },
            ApiError::Invalid { field: Some("etag".into()), reason: "r".into() },
            ApiError::NotText,
            ApiError::TooLarge,
            ApiError::Forbidden { reason: "r".into() },
            ApiError::Busy,
            ApiError::ShuttingDown,
            ApiError::TooManyStreams,
        ];
        for err in errors {
            assert_eq!(ApiError::from_envelope(&err.body()), Some(err.clone()), "{err:?}");
        }
        let envelope = serde_json::to_vec(&ApiError::TooLarge.body()).unwrap();
        assert_eq!(<ApiError as FromServerFnError>::de(envelope.into()), ApiError::TooLarge);
    }
}
