//! "Recently deleted" on the list page (docs/API.md, "Recently deleted (trash)").

use crate::api::fns::restore_trash;
use crate::api::{ApiError, TrashItemBody};
use crate::i18n::Msg;
use crate::ui::errors::error_text;
use crate::ui::i18n_ctx::use_i18n;
use crate::ui::time::{now_secs, parse_utc_seconds, relative_time};
use crate::ui::toast::{use_toasts, ToastKind};
use crate::ui::words::type_msg;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "Recently deleted": the trash, newest first, each item restorable. Hidden while empty.
#[component]
pub fn RecentlyDeleted(items: Result<Vec<TrashItemBody>, ApiError>, refetch: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let body = match items {
        Ok(items) if items.is_empty() => return None,
        Ok(mut items) => {
            // Ids start with the deletion time in ns, so the newest sorts last.
            items.sort_by(|a, b| b.id.cmp(&a.id));
            let now = now_secs();
            view! {
                <ul class="trash-items">
                    {items.into_iter().map(|item| view! { <TrashRow item now refetch /> }).collect_view()}
                </ul>
            }
            .into_any()
        }
        Err(err) => view! {
            <p class="error">
                {move || i18n.lang().format(Msg::TrashLoadFailed, &[("reason", &error_text(i18n.lang(), &err))])}
            </p>
        }
        .into_any(),
    };
    Some(view! {
        <section class="trash" id="recently-deleted" aria-labelledby="recently-deleted-heading">
            <h2 id="recently-deleted-heading">{i18n.t(Msg::TrashTitle)}</h2>
            {body}
        </section>
    })
}

/// One deleted artifact: its type, name, when it was deleted, and "Restore", which recreates it
/// and opens it in the editor.
#[component]
fn TrashRow(item: TrashItemBody, now: i64, refetch: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let busy = RwSignal::new(false);
    let TrashItemBody { id, kind, name, deleted_at } = item;
    let when = {
        let deleted_at = deleted_at.clone();
        move || {
            parse_utc_seconds(&deleted_at)
                .map_or_else(|| deleted_at.clone(), |then| relative_time(i18n.lang(), now - then))
        }
    };
    let title = {
        let deleted_at = deleted_at.clone();
        move || format!("{} {deleted_at}", i18n.lang().text(Msg::TrashDeletedAt))
    };
    let label = {
        let name = name.clone();
        move || i18n.lang().format(Msg::TrashRestoreLabel, &[("name", &name)])
    };
    let restore = {
        let name = name.clone();
        move |_| {
            busy.set(true);
            let (id, name, navigate) = (id.clone(), name.clone(), navigate.clone());
            spawn_local(async move {
                match restore_trash(id).await {
                    Ok(created) => {
                        toasts.push(
                            ToastKind::Success,
                            i18n.lang().format(Msg::TrashRestored, &[("name", &created.name)]),
                        );
                        navigate(&format!("/{}/{}", kind.plural(), created.name), Default::default());
                    }
                    Err(ApiError::AlreadyExists { .. }) => {
                        toasts.push(ToastKind::Error, i18n.lang().format(Msg::TrashNameTaken, &[("name", &name)]));
                        busy.set(false);
                    }
                    Err(err) => {
                        let reason = error_text(i18n.lang(), &err);
                        toasts.push(
                            ToastKind::Error,
                            i18n.lang().format(Msg::TrashRestoreFailed, &[("name", &name), ("reason", &reason)]),
                        );
                        busy.set(false);
                        // Gone from the trash (restored elsewhere, or expired): show what is left.
                        if matches!(err, ApiError::NotFound { .. }) {
                            refetch.run(());
                        }
                    }
                }
            });
        }
    };
    view! {
        <li>
            <span class="trash-type">{i18n.t(type_msg(kind))}</span>
            <strong class="trash-name">{name}</strong>
            <time datetime=deleted_at title=title>
                {when}
            </time>
            <button type="button" aria-label=label disabled=move || busy.get() on:click=restore>
                {i18n.t(Msg::TrashRestore)}
            </button>
        </li>
    }
}
