//! The editor's History panel (SPEC §13): the versions ctxgate kept of this artifact, newest
//! first, each one comparable with the buffer and restorable into the editor. The editor owns
//! the buffer and the save; this panel only hands a chosen version back through `on_restore`,
//! so a restore goes through the same guarded Save as any edit.

use super::editor::diff_html;
use super::errors::error_text;
use super::i18n_ctx::use_i18n;
use super::latest::Latest;
use super::toast::{use_toasts, ToastKind};
use crate::api::fns::{get_history_entry, list_history};
use crate::api::{ArtifactType, HistoryContent, HistoryEntryBody, HistoryId, HistoryReason};
use crate::i18n::{Lang, Msg};
use crate::text::eol;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the entry list shows.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Entries {
    Loading,
    Ready(Vec<HistoryEntryBody>),
    /// The first load failed (a toast said why); a failed reload keeps the list it had.
    Failed,
}

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

    let choose = move |id: String| {
        let ticket = pick_ticket.take();
        let name = name.get_value();
        spawn_local(async move {
            let result = get_history_entry(kind, name, id).await;
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
        refresh.track();
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

/// The versions, newest first: one button each, showing when and why the version was kept.
#[component]
fn EntryList(
    entries: RwSignal<Entries>,
    chosen: RwSignal<Option<HistoryContent>>,
    now: RwSignal<i64>,
    choose: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        match entries.get() {
        Entries::Loading => view! { <p class="history-note">{i18n.t(Msg::Loading)}</p> }.into_any(),
        Entries::Failed => view! { <p class="history-note error">{i18n.t(Msg::RequestFailed)}</p> }.into_any(),
        Entries::Ready(list) if list.is_empty() => {
            view! { <p class="history-note">{i18n.t(Msg::HistoryEmpty)}</p> }.into_any()
        }
        Entries::Ready(list) => view! {
            <ul class="history-entries" aria-label=i18n.t(Msg::HistoryVersions)>
                {list
                    .into_iter()
                    .map(|entry| {
                        let id = entry.id.clone();
                        let pressed = {
                            let id = id.clone();
                            move || chosen.with(|c| c.as_ref().is_some_and(|c| c.id == id)).to_string()
                        };
                        let at = entry.at.clone();
                        let when = move || {
                            let lang = i18n.lang();
                            parse_utc_seconds(&at).map_or_else(|| at.clone(), |then| relative_time(lang, now.get() - then))
                        };
                        view! {
                            <li data-reason=entry.reason.word() data-runtime=entry.runtime.clone()>
                                <button type="button" aria-pressed=pressed on:click=move |_| choose(id.to_string())>
                                    <time datetime=entry.at.clone() title=entry.at.clone()>{when}</time>
                                    " · "
                                    <span class="history-reason">{i18n.t(reason_msg(entry.reason))}</span>
                                    // A runtime's file that a sync replaced: say whose.
                                    {entry.runtime.clone().map(|runtime| view! {
                                        " · " <span class="history-runtime">{runtime}</span>
                                    })}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    }
    }
}

/// The chosen version against the buffer, and the button that puts it into the editor.
#[component]
fn VersionPreview(
    entries: RwSignal<Entries>,
    chosen: RwSignal<Option<HistoryContent>>,
    buffer: Signal<String>,
    on_restore: Callback<(String, HistoryId)>,
) -> impl IntoView {
    let i18n = use_i18n();
    // The textarea holds LF text; compare in LF so a CRLF version is not all "changed".
    let version_text = Memo::new(move |_| chosen.with(|c| c.as_ref().map(|c| eol::to_lf(&c.content))));
    let same = move || version_text.with(|v| v.as_ref().is_some_and(|v| buffer.with(|b| eol::same_text(v, b))));
    // "+" = lines the version brings back, "-" = lines of the buffer it would drop (as in the
    // diff banner, the left side of the heading is the "+" side).
    let rows = move || version_text.with(|v| v.as_ref().map(|v| buffer.with(|b| diff_html(v, b))).unwrap_or_default());
    let restore = move |_| {
        if let Some(version) = chosen.get_untracked() {
            on_restore.run((version.content, version.id));
        }
    };
    // A runtime's file (Codex TOML, a Kimi YAML, …) kept by a sync is not the canonical format:
    // it can be read here but is not offered for the editor.
    let runtime = Memo::new(move |_| {
        chosen.with(|c| {
            let id = &c.as_ref()?.id;
            entries.with(|e| match e {
                Entries::Ready(list) => list.iter().find(|x| &x.id == id).and_then(|x| x.runtime.clone()),
                _ => None,
            })
        })
    });
    view! {
        <Show when=move || chosen.with(Option::is_some)>
            <div class="history-preview">
                <h3 id="ctx-history-diff-heading">{i18n.t(Msg::HistoryDiffHeading)}</h3>
                <Show
                    when=same
                    fallback=move || {
                        view! {
                            <div
                                class="diff-lines history-diff"
                                tabindex="0"
                                role="region"
                                aria-labelledby="ctx-history-diff-heading"
                                inner_html=rows
                            ></div>
                        }
                    }
                >
                    <p class="history-note">{i18n.t(Msg::HistorySameText)}</p>
                </Show>
                <Show
                    when=move || runtime.with(Option::is_none)
                    fallback=move || {
                        view! {
                            <p class="history-note history-runtime-note">
                                {move || {
                                    let runtime = runtime.get().unwrap_or_default();
                                    i18n.lang().format(Msg::HistoryRuntimeNote, &[("runtime", &runtime)])
                                }}
                            </p>
                        }
                    }
                >
                    <button type="button" class="primary" on:click=restore>
                        {i18n.t(Msg::HistoryRestore)}
                    </button>
                </Show>
            </div>
        </Show>
    }
}

pub fn reason_msg(reason: HistoryReason) -> Msg {
    match reason {
        HistoryReason::Save => Msg::HistoryReasonSave,
        HistoryReason::Force => Msg::HistoryReasonForce,
        HistoryReason::Restore => Msg::HistoryReasonRestore,
        HistoryReason::Delete => Msg::HistoryReasonDelete,
        HistoryReason::External => Msg::HistoryReasonExternal,
        HistoryReason::Sync => Msg::HistoryReasonSync,
        HistoryReason::Recovered => Msg::HistoryReasonRecovered,
    }
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

/// Seconds since the Unix epoch: the browser's clock in the browser, the system's on the server.
pub fn now_secs() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        (js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// `2026-11-28T21:06:40Z` (fractional seconds and `+00:00` accepted) → seconds since the epoch.
/// The server writes UTC only; anything else is `None` and the caller shows the text as it is.
pub fn parse_utc_seconds(at: &str) -> Option<i64> {
    model::time::parse_utc_seconds(at)
}

/// "just now", "1 minute ago", "3 hours ago", "2 days ago" (a clock running behind the
/// server's gives a negative age: that is "just now" too).
pub fn relative_time(lang: Lang, seconds_ago: i64) -> String {
    let count = |n: i64, one: Msg, many: Msg| {
        if n == 1 {
            lang.text(one).to_owned()
        } else {
            lang.format(many, &[("count", &n.to_string())])
        }
    };
    match seconds_ago {
        s if s < 60 => lang.text(Msg::HistoryJustNow).to_owned(),
        s if s < 3600 => count(s / 60, Msg::HistoryMinuteAgo, Msg::HistoryMinutesAgo),
        s if s < 86_400 => count(s / 3600, Msg::HistoryHourAgo, Msg::HistoryHoursAgo),
        s => count(s / 86_400, Msg::HistoryDayAgo, Msg::HistoryDaysAgo),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_servers_timestamps() {
        assert_eq!(parse_utc_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_utc_seconds("2026-11-28T21:06:40Z"), Some(1_795_900_000));
        assert_eq!(parse_utc_seconds("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(parse_utc_seconds("2000-02-29T00:00:00.250+00:00"), Some(951_782_400));
        for bad in ["", "2026-11-28 21:06:40Z", "2026-13-01T00:00:00Z", "2026-11-28T21:06:40+09:00", "x-y-zTa:b:cZ"] {
            assert_eq!(parse_utc_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn relative_times_in_both_languages() {
        assert_eq!(relative_time(Lang::En, -5), "just now");
        assert_eq!(relative_time(Lang::En, 59), "just now");
        assert_eq!(relative_time(Lang::En, 60), "1 minute ago");
        assert_eq!(relative_time(Lang::En, 150), "2 minutes ago");
        assert_eq!(relative_time(Lang::En, 3600), "1 hour ago");
        assert_eq!(relative_time(Lang::En, 86_400 * 3), "3 days ago");
        assert_eq!(relative_time(Lang::Ko, 150), "2분 전");
        assert_eq!(relative_time(Lang::Ko, 30), "방금 전");
    }

    #[test]
    fn every_reason_has_its_word_in_english() {
        for reason in HistoryReason::ALL {
            assert_eq!(Lang::En.text(reason_msg(reason)), reason.word());
        }
    }
}
