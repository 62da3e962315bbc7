//! The list page `/`: skills, agents and commands with their modified times and runtime
//! statuses, then per type the items only the runtimes have (sync parts in `ui/sync.rs`), the
//! "New" forms (`home/new_form.rs`) and Recently deleted (`home/trash.rs`).

use super::errors::error_text;
use super::i18n_ctx::use_i18n;
use super::live::{use_live_events, LiveEvent};
use super::sync::{CheckBadge, RuntimeBadges, RuntimeOnlyRow, SyncAllButton, SyncButton};
use super::time::format_mtime;
use super::toast::{use_toasts, ToastKind};
use super::words::type_msg;
use crate::api::fns::{delete_artifact, get_overview, list_trash};
use crate::api::{ArtifactType, ListEntry, Overview, RuntimeOnlyEntry};
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
#[cfg(feature = "split")]
use leptos_router::lazy_route;
use leptos_router::LazyRoute;
use new_form::NewForm;
use trash::RecentlyDeleted;

mod new_form;
mod trash;

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
    // Live (docs/API.md, "Live changes"): another program created, changed or removed something. The lists update in
    // place (no refetch of the tables, so a half-typed New form keeps its text).
    let live = RwSignal::new(None::<Overview>);
    use_live_events(move |event| {
        if matches!(event, LiveEvent::Removed(_) | LiveEvent::Resync) {
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
                                                        <CheckBadge summary=entry.checks.clone() />
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
