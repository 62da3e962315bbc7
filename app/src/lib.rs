//! ctxgate's Leptos crate: shared API types and server functions (`api`), pure text logic
//! (`text`), the UI (`ui`). cargo-leptos builds it as the wasm lib (`hydrate`) and the server
//! links it with `ssr`.

// The editor's view type nests deeper than rustc's default query depth in release builds.
#![recursion_limit = "256"]

pub mod api;
pub mod i18n;
pub mod text;
pub mod ui;

pub use ui::{shell, App};

/// The wasm entry point: hydrates the server-rendered page. Each page's components are a
/// separate wasm chunk (lazy routes), so hydration waits for the page's chunk; only then is
/// `data-hydrated` set on `<html>` (tests wait for it instead of sleeping).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::document;
    console_error_panic_hook::set_once();
    let Some(body) = document().body() else { return };
    wasm_bindgen_futures::spawn_local(async {
        leptos::mount::hydrate_from_async(body, App).await.forget();
        // Queued behind the effects hydration scheduled, so they have run when the mark appears.
        leptos::task::spawn_local(async {
            if let Some(el) = document().document_element() {
                let _ = el.set_attribute("data-hydrated", "");
            }
            // Then the other pages' chunks, in the background: a later click never waits for
            // code, nor finds it gone because the server was upgraded to another build meanwhile.
            #[cfg(feature = "split")]
            ui::prefetch_pages().await;
        });
    });
}
