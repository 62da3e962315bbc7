//! The list page `/`: skills, agents and commands with their modified times and runtime
//! statuses, then per type the items only the runtimes have (sync parts in `ui/sync.rs`).

use super::editor::type_msg;
use super::errors::error_text;
use super::history::{now_secs, parse_utc_seconds, relative_time};
use super::i18n_ctx::use_i18n;
use super::live::{use_live_events, LiveEvent};
use super::sync::{RuntimeBadges, RuntimeOnlyRow, SyncAllButton, SyncButton};
use super::toast::{use_toasts, ToastKind};
use crate::api::fns::{create_artifact, delete_artifact, get_overview, list_trash, restore_trash};
use crate::api::{
    name_problem, ApiError, ArtifactType, CreateRequest, ListEntry, Overview, RuntimeOnlyEntry, TrashItemBody,
};
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
#[cfg(feature = "split")]
use leptos_router::lazy_route;
use leptos_router::LazyRoute;

/// `1700000000123456789` ns → `2023-11-14 22:13:20 UTC` (no time-zone database in the wasm).
pub fn format_mtime(mtime_ns: u128) -> String {
    model::time::readable_utc(i64::try_from(mtime_ns / 1_000_000_000).unwrap_or(i64::MAX))
}

/// The list page's route. Its view is a separate wasm chunk, like the editor's.
pub struct HomeRoute;

#[cfg(feature = "split")]
#[lazy_route]
impl LazyRoute for HomeRoute {
    fn data() -> Self {
        HomeRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <HomePage /> }.into_any()
    }
}

/// The same route in one piece: the server, and wasm built without `--split` (the wasm tests).
#[cfg(not(feature = "split"))]
impl LazyRoute for HomeRoute {
    fn data() -> Self {
        HomeRoute
    }

    async fn view(_this: Self) -> AnyView {
        view! { <HomePage /> }.into_any()
    }
}

#[component]
fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_overview());
    let trash = Resource::new(|| (), |_| list_trash());
    // A delete changes both the lists and the trash.
    let refetch = Callback::new(move |()| {
        data.refetch();
        trash.refetch();
    });
    // Live (§14): another program created, changed or removed something. The lists update in
    // place (no refetch of the tables, so a half-typed New form keeps its text).
    let live = RwSignal::new(None::<Overview>);
    use_live_events(move |event| {
        if matches!(event, LiveEvent::Removed { .. } | LiveEvent::Recheck) {
            trash.refetch();
        }
        spawn_local(async move {
            if let Ok(overview) = get_overview().await {
                live.set(Some(overview));
            }
        });
    });
    let filter = RwSignal::new(String::new());
    view! {
        <Title text=i18n.t(Msg::AppTitle) />
        <section class="home">
            <label class="filter">
                <span>{i18n.t(Msg::Filter)}</span>
                <input
                    id="filter"
                    type="search"
                    placeholder=i18n.t(Msg::FilterPlaceholder)
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
            </label>
            <Suspense fallback=move || view! { <p>{i18n.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(overview) => view! { <OverviewTables overview live filter refetch /> }.into_any(),
                        Err(err) => view! { <p class="error">{move || error_text(i18n.lang(), &err)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            // A Transition keeps the old items on screen while a refetch runs (no "Loading…" flash).
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    view! { <RecentlyDeleted items=trash.await.map(|list| list.items) refetch /> }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn OverviewTables(
    overview: Overview,
    /// Newer lists heard from the disk; they replace what is shown.
    live: RwSignal<Option<Overview>>,
    filter: RwSignal<String>,
    refetch: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let remove = move |kind: ArtifactType, name: String| {
        let question = i18n.lang().format(Msg::ConfirmDelete, &[("name", &name)]);
        if !confirm(&question) {
            return;
        }
        spawn_local(async move {
            match delete_artifact(kind, name.clone()).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, i18n.lang().format(Msg::Deleted, &[("name", &name)]));
                    refetch.run(());
                }
                Err(err) => toasts.push(ToastKind::Error, error_text(i18n.lang(), &err)),
            }
        });
    };
    let overview = RwSignal::new(overview);
    Effect::new(move |_| {
        if let Some(newer) = live.get() {
            overview.set(newer);
        }
    });
    // After a sync or an import: read the list again so the statuses (and imported items) show.
    let reread = Callback::new(move |()| {
        spawn_local(async move {
            if let Ok(newer) = get_overview().await {
                let _ = live.try_set(Some(newer));
            }
        });
    });
    // Items only the runtimes have count as items, as in the REST list.
    let total = move || {
        overview.with(|o| ArtifactType::ALL.iter().map(|k| o.entries(*k).len()).sum::<usize>() + o.runtime_only.len())
    };
    let name_matches = move |name: &str| {
        let needle = filter.get().to_lowercase();
        needle.is_empty() || name.to_lowercase().contains(&needle)
    };
    let matches = move |entry: &ListEntry| name_matches(&entry.name);
    let only_matches =
        move |kind: ArtifactType, entry: &RuntimeOnlyEntry| entry.kind == kind && name_matches(&entry.name);
    let shown = move || {
        overview.with(|o| {
            ArtifactType::ALL.iter().map(|k| o.entries(*k).iter().filter(|e| matches(e)).count()).sum::<usize>()
                + o.runtime_only.iter().filter(|e| name_matches(&e.name)).count()
        })
    };
    view! {
        <p class="project">
            {i18n.t(Msg::Project)}": " <code>{overview.with(|o| o.canonical_root.clone())}</code>
        </p>
        <p id="shown-count">
            {move || i18n.lang().format(Msg::Showing, &[("shown", &shown().to_string()), ("total", &total().to_string())])}
        </p>
        {ArtifactType::ALL
            .into_iter()
            .map(|kind| {
                view! {
                    <section class="artifact-type" id=format!("type-{}", kind.plural())>
                        <div class="type-head">
                            <h2>{i18n.t(type_msg(kind))}</h2>
                            <SyncAllButton kind on_done=reread />
                        </div>
                        <ul class="artifacts">
                            {move || {
                                overview
                                    .with(|o| {
                                        o.entries(kind)
                                            .iter()
                                            .filter(|e| matches(e))
                                            .map(|entry| {
                                                let href = format!("/{}/{}", kind.plural(), entry.name);
                                                let name = entry.name.clone();
                                                let label = format!("{} {}", i18n.lang().text(Msg::Delete), entry.name);
                                                view! {
                                                    <li>
                                                        <a href=href>{entry.name.clone()}</a>
                                                        <RuntimeBadges states=entry.runtimes.clone() />
                                                        <time title=i18n.t(Msg::Modified)>{format_mtime(entry.mtime_ns.0)}</time>
                                                        <SyncButton kind name=entry.name.clone() on_done=reread />
                                                        <button
                                                            type="button"
                                                            class="link-danger"
                                                            aria-label=label
                                                            on:click=move |_| remove(kind, name.clone())
                                                        >
                                                            {i18n.t(Msg::Delete)}
                                                        </button>
                                                    </li>
                                                }
                                            })
                                            .collect_view()
                                    })
                            }}
                            // After the canonical items: the ones only the runtimes have.
                            {move || {
                                overview
                                    .with(|o| {
                                        o.runtime_only
                                            .iter()
                                            .filter(|e| only_matches(kind, e))
                                            .map(|entry| {
                                                view! {
                                                    <RuntimeOnlyRow
                                                        kind
                                                        name=entry.name.clone()
                                                        states=entry.runtimes.clone()
                                                        on_done=reread
                                                    />
                                                }
                                            })
                                            .collect_view()
                                    })
                            }}
                        </ul>
                        <NewForm kind />
                    </section>
                }
            })
            .collect_view()}
    }
}

/// "Recently deleted": the trash, newest first, each item restorable. Hidden while empty.
#[component]
fn RecentlyDeleted(items: Result<Vec<TrashItemBody>, ApiError>, refetch: Callback<()>) -> impl IntoView {
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

/// `window.confirm`, true on the server (never reached there).
fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}

/// In the browser: the current value of the form field `id` already in the page (typed into the
/// server-rendered form before the wasm ran, or into the form this one replaces); empty if none.
fn typed_value(id: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let field = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
        field
            .and_then(|field| js_sys::Reflect::get(&field, &wasm_bindgen::JsValue::from_str("value")).ok())
            .and_then(|value| value.as_string())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        String::new()
    }
}

/// "New": name + content; the name rule is checked here and again by the server.
#[component]
fn NewForm(kind: ArtifactType) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let form_id = format!("new-{}", kind.plural());
    let name_id = format!("new-{}-name", kind.plural());
    let content_id = format!("new-{}-content", kind.plural());
    // Hydration (and a re-render of the list) would set the fields back to empty: keep what the
    // user typed into them first.
    let name = RwSignal::new(typed_value(&name_id));
    let content = RwSignal::new(typed_value(&content_id));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let error_id = format!("new-{}-error", kind.plural());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new_name = name.get_untracked();
        if let Some(problem) = name_problem(&new_name) {
            error.set(Some(format!("{problem} ({})", i18n.lang().text(Msg::NameRule))));
            return;
        }
        error.set(None);
        busy.set(true);
        let request = CreateRequest { name: new_name.clone(), content: content.get_untracked() };
        let navigate = navigate.clone();
        spawn_local(async move {
            match create_artifact(kind, request).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, i18n.lang().format(Msg::Created, &[("name", &new_name)]));
                    navigate(&format!("/{}/{}", kind.plural(), new_name), Default::default());
                }
                // In the user's language, by kind (the server's reasons are English).
                Err(err @ ApiError::InvalidName { .. }) => {
                    error.set(Some(format!("{} ({})", error_text(i18n.lang(), &err), i18n.lang().text(Msg::NameRule))))
                }
                Err(err) => error.set(Some(error_text(i18n.lang(), &err))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="new-form" id=form_id on:submit=on_submit>
            <h3>{i18n.t(Msg::New)}</h3>
            <label for=name_id.clone()>{i18n.t(Msg::Name)}</label>
            <input
                id=name_id
                type="text"
                autocomplete="off"
                maxlength="64"
                aria-describedby=error_id.clone()
                aria-invalid=move || if error.with(|e| e.is_some()) { "true" } else { "false" }
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <label for=content_id.clone()>{i18n.t(Msg::Content)}</label>
            <textarea id=content_id rows="3" prop:value=move || content.get() on:input=move |ev| content.set(event_target_value(&ev))></textarea>
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
            <button type="submit" disabled=move || busy.get()>{i18n.t(Msg::Create)}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc_times() {
        assert_eq!(super::format_mtime(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::format_mtime(1_700_000_000_123_456_789), "2023-11-14 22:13:20 UTC");
    }
}
