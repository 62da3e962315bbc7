//! The transitions the disk starts: live events, the versions read after them, and the
//! notice's ways out (merge now, compare, recreate a deleted file).

use super::{DiskNotice, EditorState, Flow, Loaded, Out, Outs, Recreate, Tell};
use crate::api::{ApiError, ArtifactBody, ArtifactType, CreateRequest, CreatedBody, LiveEvent};
use crate::text::eol;
use crate::text::merge::merge3_parts;

impl EditorState {
    /// A live event. Only events about this file matter; a change whose etag is the loaded one
    /// is this editor's own save.
    pub fn on_live_event(&mut self, event: &LiveEvent) -> Outs {
        let mine = |kind: ArtifactType, name: &str| kind == self.doc.kind && name == self.doc.name;
        match event {
            LiveEvent::Changed(c) if mine(c.kind, &c.name) && c.etag != self.doc.loaded.etag => vec![Out::Recheck],
            LiveEvent::Removed(r) if mine(r.kind, &r.name) => {
                self.notice = Some(DiskNotice::Removed);
                Vec::new()
            }
            LiveEvent::Resync => vec![Out::Recheck],
            _ => Vec::new(),
        }
    }

    /// The disk version read after an event.
    pub fn on_disk_answer(&mut self, answer: Result<ArtifactBody, ApiError>) -> Outs {
        match answer {
            Ok(body) => self.on_disk_version(Loaded::from_body(&body)),
            Err(ApiError::NotFound { .. }) => {
                self.notice = Some(DiskNotice::Removed);
                Vec::new()
            }
            Err(_) => Vec::new(),
        }
    }

    /// A clean editor follows the disk at once; a dirty one is told and chooses. Save stays
    /// guarded by the 409 path whatever the events say.
    pub fn on_disk_version(&mut self, fresh: Loaded) -> Outs {
        if matches!(self.flow, Flow::Saving | Flow::Conflict(_)) {
            return Vec::new(); // the save flow owns the screen and will see this version itself
        }
        if fresh.etag == self.doc.loaded.etag {
            self.notice = None;
            return Vec::new();
        }
        if self.doc.dirty() {
            self.notice = Some(DiskNotice::Changed(fresh));
            return Vec::new();
        }
        self.doc.place(fresh.content.clone());
        self.doc.loaded = fresh;
        self.notice = None;
        vec![Out::Tell(Tell::LiveReloaded)]
    }

    /// "Merge now" in the notice: the same merge, against the version the notice announced.
    /// Only from Idle: a save on its way or an open dialog or panel is not replaced.
    pub fn merge_now(&mut self) -> Outs {
        if self.flow != Flow::Idle {
            return Vec::new();
        }
        let Some(DiskNotice::Changed(fresh)) = self.notice.take() else { return Vec::new() };
        let parts = merge3_parts(&self.doc.loaded.content, &self.doc.buffer, &fresh.content);
        self.start_merge(parts, fresh)
    }

    /// "Compare" in the notice.
    pub fn compare(&mut self) {
        if let Some(DiskNotice::Changed(fresh)) = self.notice.take() {
            self.diff_against = Some(fresh.content);
        }
    }

    pub fn dismiss_notice(&mut self) {
        self.notice = None;
    }

    pub fn close_diff(&mut self) {
        self.diff_against = None;
    }

    /// "Recreate" in the notice of a deleted file: the buffer as a new file.
    pub fn recreate_request(&self) -> Outs {
        let mine = self.doc.buffer.clone();
        let raw = eol::restore(&self.doc.loaded.raw, &mine);
        let request = CreateRequest { name: self.doc.name.clone(), content: raw.clone() };
        vec![Out::Recreate(Box::new(Recreate { request, mine, raw }))]
    }

    pub fn on_recreated(&mut self, recreate: Recreate, answer: Result<CreatedBody, ApiError>) -> Outs {
        match answer {
            Ok(created) => {
                self.notice = None;
                let mut outs = self.adopt_saved(recreate.mine, recreate.raw, created.mtime_ns, created.etag);
                outs.push(Out::Tell(Tell::Saved));
                outs
            }
            Err(err) => vec![Out::Tell(Tell::Failed(err))],
        }
    }
}

#[cfg(test)]
mod tests;
