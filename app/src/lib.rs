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

/// The wasm entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
