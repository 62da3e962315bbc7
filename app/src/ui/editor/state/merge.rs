//! Merging: from the conflict dialog or the disk notice, applied at once when clean, through
//! the merge panel when not. Nothing is written until the user saves.

use super::{EditorState, Flow, Loaded, Out, Outs, Tell};
use crate::text::merge::{conflict_count, resolve, MergePart};

impl EditorState {
    /// "Merge" in the dialog.
    pub fn merge(&mut self) -> Outs {
        let Some(c) = self.flow.conflict().cloned() else { return Vec::new() };
        self.start_merge(c.merge, c.disk)
    }

    /// A clean merge is applied at once, with a toast; one with conflicts opens the panel.
    pub(super) fn start_merge(&mut self, parts: Vec<MergePart>, disk: Loaded) -> Outs {
        if conflict_count(&parts) > 0 {
            self.flow = Flow::Merging { parts, disk: Box::new(disk) };
            return vec![Out::FocusSave];
        }
        let mut outs = self.apply_merge(resolve(&parts, &[]).unwrap_or_default(), disk);
        outs.push(Out::Tell(Tell::MergeDone));
        outs.extend(self.idle());
        outs
    }

    /// The merged text becomes the buffer and the disk version its base; nothing is written
    /// until the user saves (a normal guarded save). The draft follows the new base.
    fn apply_merge(&mut self, merged: String, disk: Loaded) -> Outs {
        let stash = Out::Stash { content: merged.clone(), base: disk.clone() };
        self.doc.place(merged);
        self.doc.loaded = disk;
        vec![stash]
    }

    /// "Apply merge" in the panel.
    pub fn merge_apply(&mut self, merged: String) -> Outs {
        let Flow::Merging { disk, .. } = std::mem::take(&mut self.flow) else { return Vec::new() };
        let mut outs = self.apply_merge(merged, *disk);
        outs.extend(self.idle());
        outs
    }

    /// "Cancel" in the panel.
    pub fn merge_cancel(&mut self) -> Outs {
        if !matches!(self.flow, Flow::Merging { .. }) {
            return Vec::new();
        }
        self.idle()
    }
}
