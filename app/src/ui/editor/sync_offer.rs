//! The editor's offer to sync after a save (docs/USING.md, "Sync to the agent runtimes"): the
//! item's runtime statuses and "Sync to runtimes", which syncs this one item (the saved file,
//! not the editor's text) and toasts the answer.

use crate::api::fns::{diff_artifact, sync_artifact};
use crate::api::{ApiError, ArtifactType, RuntimeState, SyncStatus};
use crate::i18n::Msg;
use crate::ui::errors::error_text;
use crate::ui::i18n_ctx::use_i18n;
use crate::ui::latest::Latest;
use crate::ui::sync::{announce_sync, RuntimeBadges};
use crate::ui::toast::use_toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What [`SyncOffer`] knows about the item's runtimes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Statuses {
    Loading,
    Ready(Vec<RuntimeState>),
    Failed(ApiError),
}

/// The offer. Statuses are read when it mounts and again whenever `saved` changes; after a save
/// that left a runtime behind it says so.
#[component]
pub fn SyncOffer(
    kind: ArtifactType,
    #[prop(into)] name: String,
    /// Changes after every successful save (e.g. the editor's save counter).
    #[prop(into)]
    saved: Signal<u32>,
    /// True while the editor holds unsaved edits: the offer then says they are not synced.
    #[prop(optional, into)]
    unsaved: Option<Signal<bool>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let name = StoredValue::new(name);
    let statuses = RwSignal::new(Statuses::Loading);
    let busy = RwSignal::new(false);
    // A save happened since the statuses were last brought in line by this offer's sync.
    let after_save = RwSignal::new(false);
    // Only the newest read's answer is shown.
    let ticket = Latest::default();

    let load = move || {
        let mine = ticket.take();
        let name = name.get_value();
        spawn_local(async move {
            let result = diff_artifact(kind, name).await;
            if !ticket.is_current(mine) {
                return;
            }
            let next = match result {
                Ok(diff) => Statuses::Ready(
                    diff.runtimes.into_iter().map(|r| RuntimeState { runtime: r.runtime, status: r.status }).collect(),
                ),
                Err(err) => Statuses::Failed(err),
            };
            let _ = statuses.try_set(next);
        });
    };

    // Effects run only in the browser: the server renders the button without statuses.
    Effect::new(move |before: Option<u32>| {
        let now = saved.get();
        if before.is_some_and(|before| before != now) {
            after_save.set(true);
        }
        load();
        now
    });

    let sync = move |_| {
        busy.set(true);
        let name = name.get_value();
        spawn_local(async move {
            let result = sync_artifact(kind, name.clone()).await;
            announce_sync(i18n, toasts, &format!("\"{name}\""), &result);
            if result.is_ok() {
                let _ = after_save.try_set(false);
            }
            let _ = busy.try_set(false);
            if ticket.alive() {
                load();
            }
        });
    };

    let behind = move || {
        after_save.get()
            && statuses
                .with(|s| matches!(s, Statuses::Ready(states) if states.iter().any(|r| r.status != SyncStatus::InSync)))
    };
    view! {
        <section class="sync-offer" id="sync-offer" aria-labelledby="sync-offer-heading">
            <h2 id="sync-offer-heading">{i18n.t(Msg::SyncRuntimes)}</h2>
            {move || match statuses.get() {
                Statuses::Loading => None,
                Statuses::Ready(states) => Some(view! { <RuntimeBadges states /> }.into_any()),
                Statuses::Failed(err) => Some(
                    view! {
                        <p class="error">
                            {move || {
                                let lang = i18n.lang();
                                lang.format(Msg::SyncStatusesFailed, &[("reason", &error_text(lang, &err))])
                            }}
                        </p>
                    }
                    .into_any(),
                ),
            }}
            <button type="button" class="sync-offer-button" disabled=move || busy.get() on:click=sync>
                {i18n.t(Msg::SyncToRuntimes)}
            </button>
            <Show when=behind>
                <p class="sync-hint">{i18n.t(Msg::SyncSavedHint)}</p>
            </Show>
            <Show when=move || unsaved.is_some_and(|u| u.get())>
                <p class="sync-hint">{i18n.t(Msg::SyncUnsavedHint)}</p>
            </Show>
        </section>
    }
}
