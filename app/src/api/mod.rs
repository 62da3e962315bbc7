//! The API shared by both sides: serde types, the error type, strict body parsing, server
//! functions; under `ssr` also the backend glue onto the store and the HTTP error response.

pub mod codec;
pub mod error;
pub mod fns;
pub mod live;
pub mod parse;
pub mod types;

#[cfg(feature = "ssr")]
pub mod backend;
#[cfg(feature = "ssr")]
mod http;

pub use error::{ApiError, STALE_REASON};
pub use live::{ChangedEvent, LiveEvent, RemovedEvent};
pub use types::*;
