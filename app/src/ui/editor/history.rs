//! The editor's History panel (docs/API.md, "History"): the versions ctxgate kept of this
//! artifact, newest first, each one comparable with the buffer and restorable into the editor. The editor owns
//! the buffer and the save; this panel only hands a chosen version back through `on_restore`,
//! so a restore goes through the same guarded Save as any edit.

use super::history_list::{Entries, EntryList, VersionPreview};
use crate::api::fns::{get_history_entry, list_history};
use crate::api::{ArtifactType, HistoryContent, HistoryId};
use crate::i18n::Msg;
use crate::ui::errors::error_text;
use crate::ui::i18n_ctx::use_i18n;
use crate::ui::latest::Latest;
use crate::ui::time::now_secs;
use crate::ui::toast::{use_toasts, ToastKind};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// How often the relative times ("2 minutes ago") are recomputed while the panel is open.
const TICK: std::time::Duration = std::time::Duration::from_secs(30);

#[component]
pub fn HistoryPanel(
    kind: ArtifactType,
    name: String,
    /// Whether the panel shows; its "Close" button sets it to false.
    open: RwSignal<bool>,
    /// The editor's text (LF), which a chosen version is compared with.
    buffer: Signal<String>,
    /// Bumped by the editor after anything that adds an entry (a save): the open list reloads.
    refresh: Signal<u32>,
    /// "Restore into editor": the version's exact text (its own line endings) and its history id.
    on_restore: Callback<(String, HistoryId)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let name = StoredValue::new(name);
    let entries = RwSignal::new(Entries::Loading);
    let chosen = RwSignal::new(None::<HistoryContent>);
    let now = RwSignal::new(now_secs());
    // A slow early answer never replaces a later one.
    let list_ticket = Latest::default();
    let pick_ticket = Latest::default();
    let heading_ref = NodeRef::<html::H2>::new();
    // Where focus was when the panel opened (the editor's "History" button), to return it there.

    let load_list = move || {
        let ticket = list_ticket.take();
        let name = name.get_value();
        spawn_local(async move {
            let result = list_history(kind, name).await;
            if !list_ticket.is_current(ticket) {
                return;
            }
            match result {
                Ok(list) => {
                    now.set(now_secs());
                    entries.set(Entries::Ready(list.entries));
                }
                Err(err) => {
                    let reason = error_text(i18n.lang(), &err);
                    toasts.push(ToastKind::Error, i18n.lang().format(Msg::HistoryLoadFailed, &[("reason", &reason)]));
                    entries.update(|e| {
                        if *e == Entries::Loading {
                            *e = Entries::Failed;
                        }
                    });
                }
            }
        });
    };

    let choose = move |id: HistoryId| {
        let ticket = pick_ticket.take();
        let name = name.get_value();
        spawn_local(async move {
            let result = get_history_entry(kind, name, id.to_string()).await;
            // Closed or another entry chosen meanwhile: this answer is no longer wanted.
            if !pick_ticket.is_current(ticket) || !open.try_get_untracked().unwrap_or(false) {
                return;
            }
            match result {
                Ok(version) => chosen.set(Some(version)),
                Err(err) => {
                    let reason = error_text(i18n.lang(), &err);
                    toasts
                        .push(ToastKind::Error, i18n.lang().format(Msg::HistoryVersionFailed, &[("reason", &reason)]));
                }
            }
        });
    };

    // Reload whenever the panel opens and whenever the editor says history grew.
    Effect::new(move |was_open: Option<bool>| {
        let _refresh = refresh.get(); // `get`: the editor passes a memo, which `track` alone never computes
        let is_open = open.get();
        if is_open {
            load_list();
            if was_open != Some(true) {
                remember_focus();
                // Focus the heading once it is in the DOM, so keyboard users start inside.
                request_animation_frame(move || {
                    if let Some(heading) = heading_ref.get_untracked() {
                        let _ = heading.focus();
                    }
                });
            }
        } else {
            chosen.set(None);
            pick_ticket.take(); // an entry still on its way is no longer wanted
        }
        is_open
    });

    // Keep "2 minutes ago" true while the panel stays open. Effects run only in the browser.
    Effect::new(move |ran: Option<()>| {
        if ran.is_some() {
            return;
        }
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if open.try_get_untracked().unwrap_or(false) {
                    now.set(now_secs());
                }
            },
            TICK,
        ) {
            on_cleanup(move || handle.clear());
        }
    });

    let close = move || {
        open.set(false);
        // Back to whatever opened the panel, once Leptos has removed it.
        request_animation_frame(give_focus_back);
    };

    view! {
        <Show when=move || open.get()>
            <section
                id="ctx-history"
                class="history-panel"
                aria-label=i18n.t(Msg::HistoryTitle)
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    // Escape leaves the panel from anywhere inside it (it is not modal: Tab goes on).
                    if ev.key() == "Escape" {
                        ev.prevent_default();
                        close();
                    }
                }
            >
                <div class="history-head">
                    <h2 node_ref=heading_ref tabindex="-1">{i18n.t(Msg::HistoryTitle)}</h2>
                    <button type="button" aria-label=i18n.t(Msg::HistoryClose) on:click=move |_| close()>
                        {i18n.t(Msg::Close)}
                    </button>
                </div>
                <EntryList entries chosen now choose />
                <VersionPreview entries chosen buffer on_restore />
            </section>
        </Show>
    }
    // Erased: the editor's view type nests this one, and the full type of both together
    // overflows rustc's query depth limit in the release build.
    .into_any()
}

// The element that had focus when the panel opened (one panel per page). Browser only: a
// component-owned `StoredValue::new_local` is also created while the server renders, and the
// server drops it on another thread, which panics and cuts the page off (empty response).
#[cfg(feature = "hydrate")]
thread_local! {
    static OPENER: std::cell::RefCell<Option<web_sys::HtmlElement>> = const { std::cell::RefCell::new(None) };
}

/// Remembers the focused element, so closing can give focus back.
fn remember_focus() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let active = document().active_element().and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        OPENER.with(|opener| *opener.borrow_mut() = active);
    }
}

/// Focus back to whatever opened the panel.
fn give_focus_back() {
    #[cfg(feature = "hydrate")]
    if let Some(el) = OPENER.with(|opener| opener.borrow_mut().take()) {
        let _ = el.focus();
    }
}
