//! Asks before leaving a page with unsaved edits: reload/close (`beforeunload`), in-app links
//! and back/forward. leptos_router has no navigation blocker, so link clicks and history moves
//! are intercepted here, ahead of the router's own listeners.

use leptos::prelude::*;

/// `Some(question)` while leaving would lose work. Provided by `App`, set by the editor.
#[derive(Clone, Copy)]
pub struct NavGuard(RwSignal<Option<String>>);

impl NavGuard {
    pub fn set(self, question: Option<String>) {
        // The editor clears it from on_cleanup, possibly after the signal is gone.
        let _ = self.0.try_set(question);
    }
}

pub fn use_nav_guard() -> NavGuard {
    use_context::<NavGuard>().unwrap_or_else(|| NavGuard(RwSignal::new(None)))
}

/// Creates the guard and, in the browser, installs the listeners once for the app's lifetime.
pub fn provide_nav_guard() {
    let guard = NavGuard(RwSignal::new(None));
    provide_context(guard);
    #[cfg(feature = "hydrate")]
    install(guard);
}

#[cfg(feature = "hydrate")]
fn install(guard: NavGuard) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let question = move || guard.0.try_get_untracked().flatten();
    let Some(window) = web_sys::window() else { return };

    let before_unload = Closure::<dyn Fn(web_sys::BeforeUnloadEvent)>::new(move |ev: web_sys::BeforeUnloadEvent| {
        if question().is_some() {
            ev.prevent_default();
            ev.set_return_value("unsaved");
        }
    });
    let _ = window.add_event_listener_with_callback("beforeunload", before_unload.as_ref().unchecked_ref());
    before_unload.forget();

    // Capture phase on the document runs before the router's click handler.
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        let Some(q) = question() else { return };
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Ok(Some(anchor)) = target.closest("a[href]") else { return };
        // A modified or non-primary click opens another tab or window: this page stays, and so
        // does the guard.
        let new_tab = ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() || ev.button() != 0;
        if anchor.get_attribute("target").is_some_and(|t| t != "_self") || new_tab {
            return;
        }
        // A dismissed or suppressed confirm means "stay".
        let confirmed = web_sys::window().and_then(|w| w.confirm_with_message(&q).ok()).unwrap_or(false);
        if confirmed {
            guard.set(None);
        } else {
            ev.prevent_default();
            ev.stop_immediate_propagation();
        }
    });
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
    }
    on_click.forget();

    // Back/forward: the URL has already moved; if the user stays, put it back and keep the page.
    let on_popstate = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let Some(q) = question() else { return };
        let Some(window) = web_sys::window() else { return };
        if window.confirm_with_message(&q).unwrap_or(false) {
            guard.set(None);
            return;
        }
        ev.stop_immediate_propagation();
        if let Some(url) = GUARDED_URL.with(|u| u.borrow().clone()) {
            if let Ok(history) = window.history() {
                let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
        }
    });
    let _ = window.add_event_listener_with_callback_and_bool("popstate", on_popstate.as_ref().unchecked_ref(), true);
    on_popstate.forget();

    // Remember the URL of the page being guarded, to return to it.
    Effect::new(move |_| {
        let active = guard.0.with(|q| q.is_some());
        let url = active.then(|| web_sys::window().and_then(|w| w.location().href().ok())).flatten();
        GUARDED_URL.with(|u| *u.borrow_mut() = url);
    });
}

#[cfg(feature = "hydrate")]
thread_local! {
    static GUARDED_URL: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}
