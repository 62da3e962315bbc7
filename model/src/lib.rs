//! The one vocabulary of ctxgate (docs/API.md, "Conventions"): artifact kinds, the name rule, the
//! version tokens and history ids, plus UTC date arithmetic (`time`).
//! `store`, the API types and the browser all use these, so each field rule exists exactly once.
//! No dependencies but serde: it compiles to wasm as it is.

mod history;
mod kind;
mod names;
mod sync;
pub mod time;
mod tokens;

pub use history::{is_history_id, HistoryId, HistoryReason, HISTORY_ID_RULE};
pub use kind::Kind;
pub use names::{validate_name, NameError, MAX_NAME_LEN};
pub use sync::SyncStatus;
pub use tokens::{Etag, MtimeNs, ETAG_RULE, MTIME_RULE};
