//! The History panel's two halves: the list of kept versions, and the chosen one compared
//! with the buffer, with the button that restores it into the editor.

use crate::api::{HistoryContent, HistoryEntryBody, HistoryId};
use crate::i18n::Msg;
use crate::text::{eol, html};
use crate::ui::i18n_ctx::use_i18n;
use crate::ui::time::{parse_utc_seconds, relative_time};
use crate::ui::words::reason_msg;
use leptos::prelude::*;

/// What the entry list shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entries {
    Loading,
    Ready(Vec<HistoryEntryBody>),
    /// The first load failed (a toast said why); a failed reload keeps the list it had.
    Failed,
}

/// The versions, newest first: one button each, showing when and why the version was kept.
#[component]
pub fn EntryList(
    entries: RwSignal<Entries>,
    chosen: RwSignal<Option<HistoryContent>>,
    now: RwSignal<i64>,
    choose: impl Fn(HistoryId) + Copy + Send + Sync + 'static,
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
                                <button type="button" aria-pressed=pressed on:click=move |_| choose(id.clone())>
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
pub fn VersionPreview(
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
    let rows =
        move || version_text.with(|v| v.as_ref().map(|v| buffer.with(|b| html::diff_html(v, b))).unwrap_or_default());
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
