//! `ConflictDialog`: the modal shown when a save was stale (SPEC §6). Two read-only panes and
//! three choices; focus starts on Reload, Tab stays inside, Escape closes with no action.

use super::i18n_ctx::use_i18n;
use crate::i18n::Msg;
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
) -> impl IntoView {
    let i18n = use_i18n();
    let dialog_ref = NodeRef::<html::Dialog>::new();
    let reload_ref = NodeRef::<html::Button>::new();

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

    // Keep Tab and Shift+Tab inside the dialog.
    let trap_tab = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Tab" {
            if let Some(dialog) = dialog_ref.get() {
                keep_focus_inside(&dialog, &ev);
            }
        }
    };

    let pane = move |pick: fn(&ConflictView) -> String| move || texts.with(pick);

    view! {
        <dialog
            id="ctx-conflict-modal"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="ctx-conflict-title"
            node_ref=dialog_ref
            on:keydown=trap_tab
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_dismiss.run(());
            }
        >
            <h2 id="ctx-conflict-title">{i18n.t(Msg::ConflictTitle)}</h2>
            <div class="panes">
                <Pane id="ctx-pane-mine" title=Msg::YourEdits text=pane(|c| c.mine.clone()) />
                <Pane id="ctx-pane-disk" title=Msg::CurrentOnDisk text=pane(|c| c.disk.clone()) />
            </div>
            <div class="dialog-actions">
                <button type="button" autofocus node_ref=reload_ref on:click=move |_| on_reload.run(())>
                    {i18n.t(Msg::ReloadDiscard)}
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

/// One read-only, scrollable, keyboard-focusable text pane with its heading.
#[component]
fn Pane(id: &'static str, title: Msg, text: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="pane">
            <h3 id=id>{i18n.t(title)}</h3>
            <pre tabindex="0" aria-labelledby=id class="pane-text">
                {text}
            </pre>
        </section>
    }
}

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
