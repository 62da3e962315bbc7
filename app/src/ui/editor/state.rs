//! The editor as plain Rust: what it holds ([`Doc`]), where the save flow stands ([`Flow`]),
//! what the disk said meanwhile ([`DiskNotice`]), and every transition as a method. No Leptos
//! here: the page (`page.rs`) keeps one [`EditorState`] in a signal, calls a transition for each
//! click, answer or event, and carries out the [`Out`]s it returns (`act.rs`). The chart of
//! `Flow` is in docs/ARCHITECTURE.md ("The editor's states").

use crate::api::{ApiError, ArtifactBody, ArtifactType, Etag, HistoryId, MtimeNs, SavedBody, UpdateRequest};
use crate::text::draft::Draft;
use crate::text::eol;
use crate::text::merge::{merge3_parts, MergePart};

mod disk;
mod merge;
mod outs;

pub use outs::{Out, Outs, Recreate, Submit, Tell};

/// A version of the file the editor knows: its text (LF, as the textarea holds it) and tokens.
/// Every one comes from a server answer or a stored draft whose tokens parsed, so the base of a
/// save is always known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    pub content: String,
    pub mtime_ns: MtimeNs,
    pub etag: Etag,
    /// The file's own text with its own line endings: a save gives every line the user did not
    /// touch its original ending back (`eol::restore`).
    pub raw: String,
}

impl Loaded {
    pub fn from_body(body: &ArtifactBody) -> Loaded {
        Loaded {
            content: eol::to_lf(&body.content),
            mtime_ns: body.mtime_ns,
            etag: body.etag.clone(),
            raw: body.content.clone(),
        }
    }
}

/// What is being edited: the version the buffer started from, the buffer, and the history
/// entry it was restored from (the next save records the replaced version as `restore`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    pub kind: ArtifactType,
    pub name: String,
    pub loaded: Loaded,
    /// The textarea's text (LF).
    pub buffer: String,
    pub restored_from: Option<HistoryId>,
    /// Bumped each time the app itself puts text into the textarea (reload, merge, restore,
    /// draft): only then is the textarea's value written, never while the user types (on a
    /// large file a write costs ~250 ms).
    pub placed: u64,
    /// Text typed into the server-rendered textarea before the wasm arrived, adopted by
    /// [`EditorState::hydrated`]. Until then the buffer is the server's text, so hydration sees
    /// what the server rendered.
    typed: Option<String>,
}

impl Doc {
    /// What the textarea shows whenever `placed` changes.
    pub fn shown(&self) -> &str {
        self.typed.as_deref().unwrap_or(&self.buffer)
    }

    pub fn dirty(&self) -> bool {
        !eol::same_text(&self.buffer, &self.loaded.content)
    }

    fn place(&mut self, text: String) {
        self.buffer = text;
        self.placed += 1;
    }
}

/// A save that came back stale: the buffer, the fresh disk version, the stale base (whose
/// tokens a force save sends, so the audit log shows what was overridden), and the merge of the
/// three, computed once as the dialog opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub mine: String,
    pub disk: Loaded,
    pub stale: Loaded,
    pub merge: Vec<MergePart>,
}

impl Conflict {
    pub fn new(mine: String, disk: Loaded, stale: Loaded) -> Conflict {
        let merge = merge3_parts(&stale.content, &mine, &disk.content);
        Conflict { mine, disk, stale, merge }
    }
}

/// Where the save flow stands; one at a time. The diff banner and the disk notice are not in
/// it: both stay open while the user types and saves.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Flow {
    #[default]
    Idle,
    /// A save or force save is on its way; Save is disabled.
    Saving,
    /// The conflict dialog is open over a refused save; Save stays disabled.
    Conflict(Box<Conflict>),
    /// The merge panel is open: the parts the user decides and the disk version they merge
    /// with. Save waits for Apply or Cancel, so a half-decided merge is never saved.
    Merging { parts: Vec<MergePart>, disk: Box<Loaded> },
}

impl Flow {
    pub fn conflict(&self) -> Option<&Conflict> {
        match self {
            Flow::Conflict(c) => Some(c),
            _ => None,
        }
    }
}

/// The live notice: the disk changed under a dirty buffer, or the file went away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskNotice {
    Changed(Loaded),
    Removed,
}

/// The whole editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorState {
    pub doc: Doc,
    pub flow: Flow,
    pub notice: Option<DiskNotice>,
    /// The disk text the diff banner compares the buffer with; `None` = banner closed.
    pub diff_against: Option<String>,
    /// Counts successful saves: the History list reloads and the sync offer looks again.
    pub saves: u32,
}

impl EditorState {
    /// The editor over `first`, as the server rendered it; `typed` is what the user typed into
    /// that textarea before the wasm ran, if anything.
    pub fn new(kind: ArtifactType, name: String, first: Loaded, typed: Option<String>) -> EditorState {
        let typed = typed.filter(|t| !eol::same_text(t, &first.content));
        let doc =
            Doc { kind, name, buffer: first.content.clone(), loaded: first, restored_from: None, placed: 0, typed };
        EditorState { doc, flow: Flow::Idle, notice: None, diff_against: None, saves: 0 }
    }

    /// Save is refused while another step of the flow is open.
    pub fn save_blocked(&self) -> bool {
        self.flow != Flow::Idle
    }

    /// The user typed.
    pub fn type_text(&mut self, text: String) {
        self.doc.buffer = text;
    }

    /// The first run in the browser. Typing that beat the wasm is newer than any stored draft
    /// (which then stays stored); otherwise a stored draft comes back with its base tokens, so
    /// a stale draft conflicts again on Save.
    pub fn hydrated(&mut self, draft: Option<Draft>) -> Outs {
        if let Some(typed) = self.doc.typed.take() {
            self.doc.buffer = typed; // the textarea shows it already
            return Vec::new();
        }
        let Some(draft) = draft else { return Vec::new() };
        // Line endings come from the file as it is on disk now.
        let raw = std::mem::take(&mut self.doc.loaded.raw);
        self.doc.loaded =
            Loaded { content: draft.base_content, mtime_ns: draft.base_mtime_ns, etag: draft.base_etag, raw };
        self.doc.place(draft.content);
        vec![Out::Tell(Tell::DraftRestored)]
    }

    /// Save: the buffer over the version it started from.
    pub fn save_request(&mut self) -> Outs {
        if self.save_blocked() {
            return Vec::new();
        }
        let base = self.doc.loaded.clone();
        let mine = self.doc.buffer.clone();
        let raw = eol::restore(&base.raw, &mine);
        let request = UpdateRequest {
            content: raw.clone(),
            mtime_ns: base.mtime_ns,
            etag: Some(base.etag.clone()),
            force: false,
            seen_etag: None,
            restored_from: self.doc.restored_from.clone(),
        };
        self.submit(Submit { request, mine, raw, base })
    }

    /// "Overwrite" in the conflict dialog: the buffer over the version the dialog showed.
    pub fn force_request(&mut self) -> Outs {
        let Some(c) = self.flow.conflict().cloned() else { return Vec::new() };
        let raw = eol::restore(&c.disk.raw, &c.mine);
        let request = UpdateRequest {
            content: raw.clone(),
            // The stale tokens that got the 409, so the audit line shows what was overridden...
            mtime_ns: c.stale.mtime_ns,
            etag: Some(c.stale.etag.clone()),
            force: true,
            // ...and the version the dialog showed: a newer one refuses the force
            // (docs/API.md, "`PUT /api/context/{type}/{name}` — save").
            seen_etag: Some(c.disk.etag.clone()),
            restored_from: None,
        };
        self.submit(Submit { request, mine: c.mine, raw, base: c.stale })
    }

    /// Save and force share this path: Save is blocked until the answer came.
    fn submit(&mut self, submit: Submit) -> Outs {
        self.flow = Flow::Saving;
        vec![Out::Submit(Box::new(submit))]
    }

    /// The answer to a save or a force save.
    pub fn on_answer(&mut self, submit: Submit, answer: Result<SavedBody, ApiError>) -> Outs {
        match answer {
            Ok(saved) => {
                let tell = if submit.force() { Tell::ForceSaved } else { Tell::Saved };
                let mut outs = self.adopt_saved(submit.mine, submit.raw, saved.mtime_ns, saved.etag);
                outs.extend([Out::Tell(tell), Out::FocusSave]);
                self.flow = Flow::Idle;
                outs
            }
            // Stale: the buffer is safe in storage before anything else happens, then the disk
            // version is read for the dialog. A force save meets this when the disk moved again
            // after the dialog read it: the dialog then shows the newest version instead of
            // overwriting one nobody saw.
            // What is kept is the buffer now, not the text sent: the user may have typed on while
            // the save was on its way.
            Err(ApiError::Conflict { .. } | ApiError::PreconditionFailed { .. }) => {
                let stash = Out::Stash { content: self.doc.buffer.clone(), base: submit.base.clone() };
                vec![stash, Out::FetchConflict(Box::new(submit))]
            }
            Err(ApiError::NotFound { .. }) => {
                self.flow = Flow::Idle;
                let stash = Out::Stash { content: self.doc.buffer.clone(), base: submit.base };
                vec![stash, Out::Tell(Tell::FileGone), Out::FocusSave]
            }
            Err(err) => {
                self.flow = Flow::Idle;
                vec![Out::Tell(Tell::Failed(err)), Out::FocusSave]
            }
        }
    }

    /// The disk version a refused save met (`None`: it could not be read): the conflict dialog,
    /// over the buffer as it is now (typing goes on during a save), from the version it started.
    pub fn on_refused(&mut self, submit: Submit, fresh: Option<Loaded>) -> Outs {
        match fresh {
            Some(disk) => {
                self.flow = Flow::Conflict(Box::new(Conflict::new(self.doc.buffer.clone(), disk, submit.base)));
                Vec::new()
            }
            None => {
                self.flow = Flow::Idle;
                vec![Out::Tell(Tell::RequestFailed), Out::FocusSave]
            }
        }
    }

    /// The saved text is what the file holds now.
    fn adopt_saved(&mut self, content: String, raw: String, mtime_ns: MtimeNs, etag: Etag) -> Outs {
        self.doc.loaded = Loaded { content, mtime_ns, etag, raw };
        self.doc.restored_from = None;
        self.diff_against = None;
        self.saves += 1;
        vec![Out::DropDraft]
    }

    /// Back to Idle after a step of the flow, with Save focused.
    fn idle(&mut self) -> Outs {
        self.flow = Flow::Idle;
        vec![Out::FocusSave]
    }

    /// "Reload" in the dialog: the disk version replaces the buffer (the draft goes too).
    pub fn reload(&mut self) -> Outs {
        let Some(c) = self.flow.conflict().cloned() else { return Vec::new() };
        self.doc.place(c.disk.content.clone());
        self.doc.loaded = c.disk;
        self.diff_against = None;
        let mut outs = vec![Out::DropDraft];
        outs.extend(self.idle());
        outs
    }

    /// "Compare" in the dialog: keep the buffer, adopt the fresh tokens (the next Save succeeds
    /// unless the disk moves again), and show the diff banner.
    pub fn open_diff(&mut self) -> Outs {
        let Some(c) = self.flow.conflict().cloned() else { return Vec::new() };
        self.diff_against = Some(c.disk.content.clone());
        self.doc.loaded = c.disk;
        self.idle()
    }

    /// Escape in the dialog: close it, keep everything.
    pub fn dismiss(&mut self) -> Outs {
        if self.flow.conflict().is_none() {
            return Vec::new();
        }
        self.idle()
    }

    /// "Restore into editor": the buffer becomes that version; Save applies it through the guard.
    pub fn restore(&mut self, text: &str, id: HistoryId) {
        self.doc.place(eol::to_lf(text));
        self.doc.restored_from = Some(id);
    }
}

#[cfg(test)]
mod tests;
