//! `ConflictDialog`: the modal shown when a save was stale (docs/USING.md, "Editing, and what
//! happens on a conflict"). Two read-only panes
//! with the differing lines marked, what a merge would leave, and four choices; focus starts on
//! Reload, Tab stays inside, Escape closes with no action.

use crate::i18n::Msg;
use crate::text::html::pane_html;
use crate::ui::i18n_ctx::use_i18n;
use leptos::html;
use leptos::prelude::*;

/// What the dialog shows: the buffer and the file as it is on disk now.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ConflictView {
    pub mine: String,
    pub disk: String,
}

#[component]
pub fn ConflictDialog(
    /// Whether the dialog is open.
    open: Signal<bool>,
    /// The texts of the panes; kept after closing, so closing never re-lays out large panes.
    texts: Signal<ConflictView>,
    on_reload: Callback<()>,
    on_diff: Callback<()>,
    on_force: Callback<()>,
    /// Escape: close, keep everything.
    on_dismiss: Callback<()>,
    /// How many conflicts merging base, buffer and disk leaves; `None` = the base is unknown,
    /// so there is nothing to merge from and "Merge" is disabled.
    #[prop(optional, into)]
    merge_conflicts: Signal<Option<usize>>,
    /// "Merge": without it the button stays disabled.
    #[prop(optional)]
    on_merge: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let dialog_ref = NodeRef::<html::Dialog>::new();
    let reload_ref = NodeRef::<html::Button>::new();
    let mine_ref = NodeRef::<html::Pre>::new();
    let disk_ref = NodeRef::<html::Pre>::new();
    // Both panes from one line diff, so a line marked in one pane is the counterpart of the gap
    // in the other.
    let panes = Memo::new(move |_| texts.with(|t| pane_html(&t.mine, &t.disk)));
    let can_merge = move || merge_conflicts.get().is_some() && on_merge.is_some();

    // Open modally when there is a conflict to show, close otherwise.
    Effect::new(move |_| {
        let open = open.get();
        if let Some(dialog) = dialog_ref.get() {
            if open && !dialog.open() {
                let _ = dialog.show_modal();
                if let Some(reload) = reload_ref.get() {
                    let _ = reload.focus();
                }
            } else if !open && dialog.open() {
                dialog.close();
            }
        }
    });

    // Bring the first difference into view when the dialog opens or its panes change (a force
    // save that met a newer disk version refreshes them). Leptos writes the panes' HTML in its
    // own effect, so wait a frame for it.
    Effect::new(move |_| {
        panes.track();
        if open.get() {
            // `try_`: the page may have gone (navigation) before the frame comes.
            request_animation_frame(move || {
                let panes = [mine_ref.try_get_untracked().flatten(), disk_ref.try_get_untracked().flatten()];
                for pane in panes.into_iter().flatten() {
                    scroll_to_first_difference(&pane);
                }
            });
        }
    });

    // Keep Tab and Shift+Tab inside the dialog.
    let trap_tab = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Tab" {
            if let Some(dialog) = dialog_ref.get() {
                keep_focus_inside(&dialog, &ev);
            }
        }
    };

    view! {
        <dialog
            id="ctx-conflict-modal"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="ctx-conflict-title"
            aria-describedby="ctx-merge-outcome"
            node_ref=dialog_ref
            on:keydown=trap_tab
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_dismiss.run(());
            }
        >
            <h2 id="ctx-conflict-title">{i18n.t(Msg::ConflictTitle)}</h2>
            <div class="panes">
                <Pane id="ctx-pane-mine" title=Msg::YourEdits pre_ref=mine_ref html=move || panes.with(|p| p.0.clone()) />
                <Pane id="ctx-pane-disk" title=Msg::CurrentOnDisk pre_ref=disk_ref html=move || panes.with(|p| p.1.clone()) />
            </div>
            <MergeOutcome conflicts=merge_conflicts />
            <div class="dialog-actions">
                <button type="button" autofocus node_ref=reload_ref on:click=move |_| on_reload.run(())>
                    {i18n.t(Msg::ReloadDiscard)}
                </button>
                <button
                    type="button"
                    disabled=move || !can_merge()
                    title=move || (!can_merge()).then(|| i18n.lang().text(Msg::MergeUnavailable))
                    on:click=move |_| {
                        if let Some(on_merge) = on_merge {
                            on_merge.run(());
                        }
                    }
                >
                    {i18n.t(Msg::Merge)}
                </button>
                <button type="button" on:click=move |_| on_diff.run(())>
                    {i18n.t(Msg::OpenDiff)}
                </button>
                <button type="button" class="danger" on:click=move |_| on_force.run(())>
                    {i18n.t(Msg::ForceSave)}
                </button>
            </div>
        </dialog>
    }
}

/// One sentence on what "Merge" would do; `data-merge-conflicts` carries the count for tests and
/// styling. With no base it says why Merge is disabled (a disabled button's tooltip is not shown
/// to keyboard or screen-reader users).
#[component]
fn MergeOutcome(conflicts: Signal<Option<usize>>) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match conflicts.get() {
        Some(0) => i18n.lang().text(Msg::MergeOutcomeClean).to_owned(),
        Some(n) => i18n.lang().format(Msg::MergeOutcomeConflicts, &[("count", &n.to_string())]),
        None => i18n.lang().text(Msg::MergeUnavailable).to_owned(),
    };
    view! {
        <p
            id="ctx-merge-outcome"
            class="merge-outcome"
            class:merge-outcome-clean=move || conflicts.get() == Some(0)
            data-merge-conflicts=move || conflicts.get().map(|n| n.to_string())
        >
            {text}
        </p>
    }
}

/// One read-only, scrollable, keyboard-focusable text pane with its heading.
#[component]
fn Pane(
    id: &'static str,
    title: Msg,
    pre_ref: NodeRef<html::Pre>,
    html: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="pane">
            <h3 id=id>{i18n.t(title)}</h3>
            <pre tabindex="0" aria-labelledby=id class="pane-text" node_ref=pre_ref inner_html=html></pre>
        </section>
    }
}

/// Scrolls `pane` so its first difference sits near the top, a few lines of context above it.
#[cfg(feature = "hydrate")]
fn scroll_to_first_difference(pane: &web_sys::HtmlElement) {
    use wasm_bindgen::JsCast;
    let Ok(Some(mark)) = pane.query_selector(".pane-first-diff") else { return };
    let Ok(mark) = mark.dyn_into::<web_sys::HtmlElement>() else { return };
    // `.pane-text` is positioned, so the mark's offsetTop is measured from the pane's top.
    pane.set_scroll_top((mark.offset_top() - pane.client_height() / 4).max(0));
}

#[cfg(not(feature = "hydrate"))]
fn scroll_to_first_difference<P>(_pane: &P) {}

/// Moves focus from the last focusable element to the first (Tab) and back (Shift+Tab).
#[cfg(feature = "hydrate")]
fn keep_focus_inside(dialog: &web_sys::HtmlDialogElement, ev: &web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let Ok(list) = dialog.query_selector_all("button:not([disabled]), [tabindex=\"0\"]") else { return };
    let items: Vec<web_sys::HtmlElement> =
        (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect();
    let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
    let active = document().active_element();
    let is = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
    let inside = items.iter().any(is);
    if ev.shift_key() && (is(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (is(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

#[cfg(not(feature = "hydrate"))]
fn keep_focus_inside<D, E>(_dialog: &D, _ev: &E) {}
