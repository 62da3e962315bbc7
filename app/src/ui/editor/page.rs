//! The editor's page: lays out what the user sees and wires each control, answer and event to
//! a transition of [`EditorState`] (`state.rs`), whose outs [`Act`] carries out.

use super::act::Act;
use super::checks_panel::{jump_to_line, ChecksPanel, SaveWarning};
use super::conflict::{ConflictDialog, ConflictView};
use super::diff_banner::DiffBanner;
use super::disk_notice::DiskNoticeView;
use super::history::HistoryPanel;
use super::merge_panel::MergePanel;
use super::state::{DiskNotice, EditorState, Flow, Loaded};
use super::sync_offer::SyncOffer;
use crate::api::fns::ProjectInfo;
use crate::api::{ArtifactBody, ArtifactType, HistoryId};
use crate::i18n::Msg;
use crate::text::html;
use crate::text::merge::conflict_count;
use crate::ui::draft::DraftStore;
use crate::ui::i18n_ctx::use_i18n;
use crate::ui::live::use_live_events;
use crate::ui::nav_guard::use_nav_guard;
use crate::ui::toast::use_toasts;
use crate::ui::words::type_msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Editor(kind: ArtifactType, info: ProjectInfo, artifact: ArtifactBody) -> impl IntoView {
    let i18n = use_i18n();
    let first = Loaded::from_body(&artifact);
    // Leptos writes <textarea> children unescaped (it treats them like <script>), so the text
    // is escaped here or a file holding `</textarea>` would inject markup. The leading newline
    // is the one the HTML parser drops after a <textarea> start tag, so the file's own survives.
    let ssr_text = format!("\n{}", html::escape(&first.content));
    let typed = typed_into_ssr_textarea(&first.content);
    let state = RwSignal::new(EditorState::new(kind, artifact.name.clone(), first, typed));
    let act = Act {
        state,
        i18n,
        toasts: use_toasts(),
        drafts: StoredValue::new(DraftStore::new(&info.project_id, kind.plural(), &artifact.name)),
        storage_warned: StoredValue::new(false),
        save_ref: NodeRef::new(),
    };
    let name = artifact.name.clone();

    // What the view reads, each as small as it can be, so typing re-renders only what it changes.
    let dirty = Memo::new(move |_| state.with(|s| s.doc.dirty()));
    let save_blocked = Memo::new(move |_| state.with(EditorState::save_blocked));
    let placed = Memo::new(move |_| state.with(|s| s.doc.placed));
    let buffer = Memo::new(move |_| state.with(|s| s.doc.buffer.clone()));
    let saves = Memo::new(move |_| state.with(|s| s.saves));
    // The checks follow the text as it is typed; a check of a 500-line skill costs well under a
    // frame (docs/CHECKS.md, "Figures").
    let diagnostics = {
        let name = name.clone();
        Memo::new(move |_| buffer.with(|text| checks::check(kind, &name, text)))
    };
    let line_count = Memo::new(move |_| buffer.with(|text| text.split('\n').count()));
    let gutter_ref = NodeRef::<leptos::html::Pre>::new();
    let diff_against = Memo::new(move |_| state.with(|s| s.diff_against.clone()));
    let notice = Memo::new(move |_| state.with(|s| s.notice.as_ref().map(|n| matches!(n, DiskNotice::Removed))));
    let merge_parts = Memo::new(move |_| {
        state.with(|s| match &s.flow {
            Flow::Merging { parts, .. } => Some(parts.clone()),
            _ => None,
        })
    });
    let dialog_open = Memo::new(move |_| state.with(|s| s.flow.conflict().is_some()));
    // The dialog's panes keep their texts after it closes, so closing never re-lays them out.
    let dialog_texts = Memo::new(move |previous: Option<&ConflictView>| {
        state
            .with(|s| s.flow.conflict().map(|c| ConflictView { mine: c.mine.clone(), disk: c.disk.content.clone() }))
            .or_else(|| previous.cloned())
            .unwrap_or_default()
    });
    // The dialog says the merge's outcome as it opens.
    let merge_conflicts = Memo::new(move |_| state.with(|s| s.flow.conflict().map(|c| conflict_count(&c.merge))));

    let save = Callback::new(move |()| act.step(EditorState::save_request));
    let step =
        move |transition: fn(&mut EditorState) -> super::state::Outs| Callback::new(move |()| act.step(transition));
    let quiet = move |transition: fn(&mut EditorState)| {
        Callback::new(move |()| {
            act.step(|s| {
                transition(s);
                Vec::new()
            })
        })
    };
    let on_restore = Callback::new(move |(text, id): (String, HistoryId)| {
        act.step(move |s| {
            s.restore(&text, id);
            Vec::new()
        })
    });

    // Hydrated only: adopt what was typed before the wasm ran, or restore a stored draft.
    Effect::new(move |ran: Option<()>| {
        if ran.is_none() {
            let draft = act.drafts.with_value(DraftStore::load);
            act.step(move |s| s.hydrated(draft));
        }
    });
    use_live_events(move |event| act.step(move |s| s.on_live_event(&event)));

    // Ctrl/Cmd+S anywhere on the page; the physical key too, so Korean, Cyrillic, … layouts work.
    // Never with Alt: AltGr arrives as Ctrl+Alt on Windows, and AltGr+S types a letter (Polish ś).
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let s_key = ev.key().eq_ignore_ascii_case("s") || ev.code() == "KeyS";
        if (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key() && s_key {
            ev.prevent_default();
            save.run(());
        }
    });
    on_cleanup(move || keys.remove());

    // Leaving while dirty asks first (reload/close, links, back/forward).
    let guard = use_nav_guard();
    Effect::new(move |_| guard.set(dirty.get().then(|| i18n.lang().text(Msg::LeaveConfirm).to_owned())));
    on_cleanup(move || guard.set(None));

    let history_open = RwSignal::new(false);
    let title = {
        let name = name.clone();
        move || format!("{}{} — ctxgate", if dirty.get() { "● " } else { "" }, name)
    };
    let files = artifact.files.clone().unwrap_or_default();

    view! {
        <Title text=title />
        <article class="editor" data-project=info.project_id.clone()>
            <p class="crumbs">
                <a href="/">{i18n.t(Msg::BackToList)}</a>
                " / "
                {i18n.t(type_msg(kind))}
            </p>
            <h1>
                <span id="artifact-name">{name.clone()}</span>
                <Show when=move || dirty.get()>
                    <span class="dirty-marker" title=i18n.t(Msg::UnsavedMarkerLabel) aria-label=i18n.t(Msg::UnsavedMarkerLabel)>
                        " ●"
                    </span>
                </Show>
            </h1>
            <DiskNoticeView
                removed=notice.into()
                on_merge_now=step(EditorState::merge_now)
                on_compare=quiet(EditorState::compare)
                on_recreate=Callback::new(move |()| act.step(|s| s.recreate_request()))
                on_dismiss=quiet(EditorState::dismiss_notice)
            />
            <DiffBanner buffer=buffer.into() against=diff_against.into() on_close=quiet(EditorState::close_diff) />
            <MergePanel parts=merge_parts.into() on_apply=Callback::new(move |merged: String| act.step(move |s| s.merge_apply(merged))) on_cancel=step(EditorState::merge_cancel) />
            <label for="editor-content" class="content-label">{i18n.t(Msg::Content)}</label>
            <div class="text-with-gutter">
            // Line numbers for the checks' lines; lines do not wrap, so each number is its line.
            <pre class="gutter" aria-hidden="true" node_ref=gutter_ref>
                {move || (1..=line_count.get()).map(|n| n.to_string()).collect::<Vec<_>>().join("\n")}
            </pre>
            // The value is written only when the app places text (`Doc::placed`), never as the
            // user types: on a large file a write costs ~250 ms.
            <textarea
                id="editor-content"
                spellcheck="false"
                wrap="off"
                // A browser that restores form fields on reload or back would put an older
                // buffer over the page's fresh version with the new version's tokens, and the
                // next Save would revert the other writer's edits without a conflict.
                autocomplete="off"
                on:scroll=move |ev| {
                    if let Some(gutter) = gutter_ref.get_untracked() {
                        gutter.set_scroll_top(event_target::<leptos::web_sys::Element>(&ev).scroll_top());
                    }
                }
                prop:value=move || {
                    // `get`, not `track`: a memo that was never read never subscribes to its
                    // source, so tracking alone would never hear of a new placement.
                    let _placement = placed.get();
                    state.with_untracked(|s| s.doc.shown().to_owned())
                }
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    state.update(|s| s.type_text(text));
                }
            >
                {ssr_text}
            </textarea>
            </div>
            <ChecksPanel diagnostics=diagnostics.into() on_jump=Callback::new(jump_to_line) />
            <div class="editor-actions">
                <button type="button" class="primary" node_ref=act.save_ref disabled=move || save_blocked.get() on:click=move |_| save.run(())>
                    {i18n.t(Msg::Save)}
                </button>
                <button
                    type="button"
                    aria-expanded=move || history_open.get().to_string()
                    aria-controls="ctx-history"
                    on:click=move |_| history_open.update(|open| *open = !*open)
                >
                    {i18n.t(Msg::HistoryTitle)}
                </button>
                <SaveWarning diagnostics=diagnostics.into() />
            </div>
            // After a save, the item's runtime statuses and "Sync to runtimes".
            <SyncOffer kind name=name.clone() saved=saves unsaved=dirty />
            <HistoryPanel kind name=name.clone() open=history_open buffer=buffer.into() refresh=saves.into() on_restore />
            {(!files.is_empty()).then(|| view! {
                <section class="files">
                    <h2>{i18n.t(Msg::FilesInFolder)}</h2>
                    <ul>{files.into_iter().map(|f| view! { <li><code>{f}</code></li> }).collect_view()}</ul>
                </section>
            })}
        </article>
        <ConflictDialog
            open=dialog_open.into()
            texts=dialog_texts.into()
            on_reload=step(EditorState::reload)
            on_diff=step(EditorState::open_diff)
            on_force=step(EditorState::force_request)
            on_dismiss=step(EditorState::dismiss)
            merge_conflicts=merge_conflicts
            on_merge=step(EditorState::merge)
        />
    }
}

/// In the browser, at hydration: the server-rendered textarea's value when the user typed into
/// it before the wasm ran (it then differs from the file's text).
fn typed_into_ssr_textarea(initial: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        // Only the first editor of a page load can be hydrating the server's textarea; a later
        // one (in-app navigation) must never pick up another editor's text.
        thread_local! {
            static HYDRATED_ONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if HYDRATED_ONE.with(|done| done.replace(true)) {
            return None;
        }
        let element = web_sys::window()?.document()?.get_element_by_id("editor-content")?;
        let value = element.dyn_into::<web_sys::HtmlTextAreaElement>().ok()?.value();
        (!crate::text::eol::same_text(&value, initial)).then_some(value)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = initial;
        None
    }
}
