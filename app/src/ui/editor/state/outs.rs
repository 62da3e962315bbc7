//! What the transitions hand to the page: the requests to send and what else to do.

use super::Loaded;
use crate::api::{ApiError, CreateRequest, UpdateRequest};

/// A save on its way: the request, and what the answer is applied to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submit {
    pub request: UpdateRequest,
    /// The buffer as sent (LF) and the bytes sent (its own line endings).
    pub mine: String,
    pub raw: String,
    /// The version the request claims to replace: the conflict that a refusal opens merges
    /// from it.
    pub base: Loaded,
}

impl Submit {
    pub fn force(&self) -> bool {
        self.request.force
    }
}

/// "Recreate" after the file was deleted: the request and the text it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recreate {
    pub request: CreateRequest,
    pub mine: String,
    pub raw: String,
}

/// What a toast says; the page words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tell {
    Saved,
    ForceSaved,
    /// The fresh version a refused save needs could not be read.
    RequestFailed,
    FileGone,
    Failed(ApiError),
    MergeDone,
    DraftRestored,
    LiveReloaded,
}

/// What a transition asks of the page around it, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Out {
    /// Keep the buffer and its base in the browser's storage before anything else happens.
    Stash {
        content: String,
        base: Loaded,
    },
    DropDraft,
    Tell(Tell),
    /// Save is enabled again: give it the focus once the page shows that.
    FocusSave,
    /// Send this save, then hand the answer to [`EditorState::on_answer`].
    Submit(Box<Submit>),
    /// Read the disk version a refused save met, then [`EditorState::on_refused`].
    FetchConflict(Box<Submit>),
    /// Read the disk version, then [`EditorState::on_disk_answer`].
    Recheck,
    /// Create the file again, then [`EditorState::on_recreated`].
    Recreate(Box<Recreate>),
}

pub type Outs = Vec<Out>;
