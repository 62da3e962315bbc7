//! What a failed request says to the user, in their language (docs/API.md, "Errors"): chosen by the error's
//! kind, never by its English message; the server's reason is the fallback only for kinds the
//! UI has no text for.

use crate::api::ApiError;
use crate::i18n::{Lang, Msg};

pub fn error_text(lang: Lang, err: &ApiError) -> String {
    let msg = match err {
        ApiError::Conflict { .. } | ApiError::PreconditionFailed { .. } => Msg::ErrConflict,
        ApiError::NotFound { .. } => Msg::ErrNotFound,
        ApiError::AlreadyExists { .. } => Msg::ErrAlreadyExists,
        ApiError::InvalidName { .. } => Msg::ErrInvalidName,
        ApiError::Invalid { .. } => Msg::ErrInvalid,
        ApiError::NotText => Msg::NotText,
        ApiError::TooLarge => Msg::ErrTooLarge,
        ApiError::Forbidden { .. } => Msg::ErrForbidden,
        ApiError::Busy => Msg::ErrBusy,
        ApiError::ShuttingDown => Msg::ErrShuttingDown,
        ApiError::Internal => Msg::ErrInternal,
        ApiError::HistoryUnavailable => Msg::ErrHistoryUnavailable,
        ApiError::Transport(_) => Msg::RequestFailed,
        // The page opens one event stream per tab: a refusal there is for other clients.
        ApiError::MethodNotAllowed | ApiError::UnsupportedMediaType | ApiError::TooManyStreams => {
            return err.to_string()
        }
    };
    lang.text(msg).to_owned()
}
