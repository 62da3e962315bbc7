//! Carries out what the editor's transitions ask ([`Out`], `state.rs`): the requests, whose
//! answers go back into the state, the toasts, the stored draft and the focus.

use super::state::{EditorState, Loaded, Out, Outs, Tell};
use crate::api::fns::{create_artifact, get_artifact, save_artifact};
use crate::i18n::Msg;
use crate::text::draft::Draft;
use crate::ui::draft::{now_iso, DraftStore};
use crate::ui::errors::error_text;
use crate::ui::i18n_ctx::I18n;
use crate::ui::toast::{ToastKind, Toasts};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Everything a transition's outs touch; `Copy`, so every callback and task holds one.
#[derive(Clone, Copy)]
pub struct Act {
    pub state: RwSignal<EditorState>,
    pub i18n: I18n,
    pub toasts: Toasts,
    pub drafts: StoredValue<DraftStore>,
    /// Whether the user was told that drafts cannot be stored (told once per editor).
    pub storage_warned: StoredValue<bool>,
    pub save_ref: NodeRef<html::Button>,
}

impl Act {
    /// Runs one transition and carries out its outs. After the page went away (an answer that
    /// arrived late) there is no state, and nothing happens.
    pub fn step(self, transition: impl FnOnce(&mut EditorState) -> Outs) {
        if let Some(outs) = self.state.try_update(transition) {
            for out in outs {
                self.perform(out);
            }
        }
    }

    fn perform(self, out: Out) {
        let Some((kind, name)) = self.state.try_with_untracked(|s| (s.doc.kind, s.doc.name.clone())) else { return };
        match out {
            Out::Stash { content, base } => {
                let draft = Draft {
                    content,
                    base_content: base.content,
                    base_mtime_ns: base.mtime_ns,
                    base_etag: base.etag,
                    saved_at: now_iso(),
                };
                if !self.drafts.with_value(|d| d.save(&draft)) && !self.storage_warned.get_value() {
                    self.storage_warned.set_value(true);
                    self.toasts.push(ToastKind::Warning, self.i18n.lang().text(Msg::DraftNotStored));
                }
            }
            Out::DropDraft => self.drafts.with_value(DraftStore::remove),
            Out::Tell(tell) => self.tell(&name, tell),
            // Once Leptos has applied the update that enabled it.
            Out::FocusSave => request_animation_frame(move || {
                if let Some(button) = self.save_ref.try_get_untracked().flatten() {
                    let _ = button.focus();
                }
            }),
            Out::Submit(submit) => spawn_local(async move {
                let answer = save_artifact(kind, name, submit.request.clone()).await;
                self.step(move |s| s.on_answer(*submit, answer));
            }),
            Out::FetchConflict(submit) => spawn_local(async move {
                let fresh = get_artifact(kind, name).await.ok().map(|body| Loaded::from_body(&body));
                self.step(move |s| s.on_refused(*submit, fresh));
            }),
            Out::Recheck => spawn_local(async move {
                let answer = get_artifact(kind, name).await;
                self.step(move |s| s.on_disk_answer(answer));
            }),
            Out::Recreate(recreate) => spawn_local(async move {
                let answer = create_artifact(kind, recreate.request.clone()).await;
                self.step(move |s| s.on_recreated(*recreate, answer));
            }),
        }
    }

    fn tell(self, name: &str, tell: Tell) {
        let lang = self.i18n.lang();
        let (kind, text) = match tell {
            Tell::Saved => (ToastKind::Success, lang.format(Msg::Saved, &[("name", name)])),
            Tell::ForceSaved => (ToastKind::Warning, lang.text(Msg::ForceSaved).to_owned()),
            Tell::RequestFailed => (ToastKind::Error, lang.text(Msg::RequestFailed).to_owned()),
            Tell::FileGone => (ToastKind::Error, lang.format(Msg::FileGone, &[("name", name)])),
            Tell::Failed(err) => (ToastKind::Error, error_text(lang, &err)),
            Tell::MergeDone => (ToastKind::Info, lang.text(Msg::MergeDone).to_owned()),
            Tell::DraftRestored => (ToastKind::Info, lang.text(Msg::DraftRestored).to_owned()),
            Tell::LiveReloaded => (ToastKind::Info, lang.format(Msg::LiveReloaded, &[("name", name)])),
        };
        self.toasts.push(kind, text);
    }
}
