//! Components, named for what the user sees.

pub mod conflict;
pub mod draft;
pub mod editor;
pub mod errors;
pub mod history;
pub mod home;
pub mod i18n_ctx;
pub mod live;
pub mod merge_panel;
pub mod nav_guard;
pub mod sync;
pub mod toast;

use crate::api::ArtifactType;
use crate::i18n::Msg;
use editor::EditorPage;
use i18n_ctx::{initial_lang, use_i18n, I18n, LanguageSwitch};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};
use toast::{ToastRegion, Toasts};

/// The page CSP for one response (SPEC §9): only the app's own scripts and wasm, plus the
/// inline hydration scripts that carry this response's nonce; no inline styles.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    // leptos_axum puts a fresh nonce in context per response; the header must name the same one.
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(value) = http::HeaderValue::from_str(&content_security_policy(&nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.ico" />
                // Beside the scripts, so it follows the same (possibly hashed) package folder.
                <link rel="stylesheet" id="leptos" href=format!("/{}/ctxgate.css", options.site_pkg_dir) />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = I18n(RwSignal::new(initial_lang()));
    provide_context(i18n);
    provide_context(Toasts::new());
    nav_guard::provide_nav_guard();

    // Runs only in the browser: tests wait for this marker instead of sleeping.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("data-hydrated", "");
        }
    });

    view! {
        <Router>
            <Header />
            <main>
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=StaticSegment("") view=home::HomePage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("skills"), ParamSegment("name"))
                        view=|| view! { <EditorPage kind=ArtifactType::Skills /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("agents"), ParamSegment("name"))
                        view=|| view! { <EditorPage kind=ArtifactType::Agents /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("commands"), ParamSegment("name"))
                        view=|| view! { <EditorPage kind=ArtifactType::Commands /> }
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <ToastRegion />
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="top">
            <A href="/" attr:class="brand">
                <strong>{i18n.t(Msg::AppTitle)}</strong>
                <span class="tagline">{i18n.t(Msg::Tagline)}</span>
            </A>
            <LanguageSwitch />
        </header>
    }
}

#[component]
fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=i18n.t(Msg::NotFoundTitle) />
        <h1>{i18n.t(Msg::NotFoundTitle)}</h1>
    }
}
