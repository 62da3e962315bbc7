//! Components, named for what the user sees.

pub mod draft;
pub mod editor;
pub mod errors;
pub mod home;
pub mod i18n_ctx;
pub mod latest;
pub mod live;
pub mod nav_guard;
pub mod sync;
pub mod time;
pub mod toast;
pub mod words;

use crate::api::ArtifactType;
use crate::i18n::Msg;
use editor::EditorRoute;
use i18n_ctx::{initial_lang, use_i18n, I18n, LanguageSwitch};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{Lazy, ParamSegment, SsrMode, StaticSegment};
use toast::{ToastRegion, Toasts};

/// The page CSP for one response (docs/API.md, "Conventions"): only the app's own scripts and wasm, plus the
/// inline hydration scripts that carry this response's nonce; no inline styles.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The wasm chunks each page hydrates from, as URLs, read by the server from the build's split
/// manifest. The page names its own in `<link rel="preload">`, so the browser fetches them beside
/// `ctxgate.wasm` instead of after it has started.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageChunks {
    /// The script that loads chunks (`__wasm_split.….js`).
    pub loader: String,
    pub list: Vec<String>,
    pub editor: Vec<String>,
}

impl PageChunks {
    /// From `__wasm_split_manifest.json` (lazy route → its chunks), for URLs under `/{pkg_dir}/`.
    /// `None` when the manifest does not read as one.
    pub fn from_manifest(json: &[u8], pkg_dir: &str, loader: &str) -> Option<PageChunks> {
        let manifest: std::collections::BTreeMap<String, Vec<String>> = serde_json::from_slice(json).ok()?;
        let urls = |route: &str| -> Vec<String> {
            manifest
                .iter()
                .filter(|(key, _)| key.starts_with(route))
                .flat_map(|(_, chunks)| chunks.iter().map(|chunk| format!("/{pkg_dir}/{chunk}.wasm")))
                .collect()
        };
        Some(PageChunks {
            loader: format!("/{pkg_dir}/{loader}"),
            list: urls("__home_route_view_"),
            editor: urls("__editor_route_view_"),
        })
    }

    /// The chunks of the page at `path` (none for a path no page has).
    pub fn for_path(&self, path: &str) -> &[String] {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            [""] => &self.list,
            [kind, name] if ArtifactType::from_plural(kind).is_some() && !name.is_empty() => &self.editor,
            _ => &[],
        }
    }
}

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    // This page's wasm chunks, fetched beside the entry wasm (see `PageChunks`).
    #[cfg(feature = "ssr")]
    let (chunks, loader) = match (use_context::<PageChunks>(), use_context::<http::request::Parts>()) {
        (Some(all), Some(parts)) => {
            let chunks = all.for_path(parts.uri.path()).to_vec();
            let loader = (!chunks.is_empty()).then_some(all.loader);
            (chunks, loader)
        }
        _ => (Vec::new(), None),
    };
    #[cfg(not(feature = "ssr"))]
    let (chunks, loader) = (Vec::<String>::new(), None::<String>);
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
                {loader.map(|href| view! { <link rel="modulepreload" href=href /> })}
                {chunks
                    .into_iter()
                    .map(|href| {
                        view! {
                            <link rel="preload" href=href r#as="fetch" r#type="application/wasm" crossorigin="anonymous" />
                        }
                    })
                    .collect_view()}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Loads every page's wasm chunk (each once; the page on screen has its own already).
#[cfg(feature = "split")]
pub async fn prefetch_pages() {
    use leptos_router::LazyRoute;
    <home::HomeRoute as LazyRoute>::preload().await;
    <EditorRoute as LazyRoute>::preload().await;
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = I18n(RwSignal::new(initial_lang()));
    provide_context(i18n);
    provide_context(Toasts::new());
    nav_guard::provide_nav_guard();

    view! {
        <Router>
            <Header />
            <main>
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=StaticSegment("") view={Lazy::<home::HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("skills"), ParamSegment("name"))
                        view={Lazy::<EditorRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("agents"), ParamSegment("name"))
                        view={Lazy::<EditorRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("commands"), ParamSegment("name"))
                        view={Lazy::<EditorRoute>::new()}
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

#[cfg(test)]
mod tests {
    use super::PageChunks;

    #[test]
    fn each_page_preloads_its_own_chunks() {
        let manifest = br#"{
            "__home_route_view_11": ["chunk_3", "split___home_route_view_11"],
            "__editor_route_view_22": ["chunk_3", "split___editor_route_view_22"]
        }"#;
        let chunks = PageChunks::from_manifest(manifest, "pkg/0123456789abcdef", "loader.js").unwrap();
        assert_eq!(chunks.loader, "/pkg/0123456789abcdef/loader.js");
        let list = ["/pkg/0123456789abcdef/chunk_3.wasm", "/pkg/0123456789abcdef/split___home_route_view_11.wasm"];
        let editor = ["/pkg/0123456789abcdef/chunk_3.wasm", "/pkg/0123456789abcdef/split___editor_route_view_22.wasm"];
        assert_eq!(chunks.for_path("/"), list);
        for path in ["/skills/code-review", "/agents/planner", "/commands/deploy/"] {
            assert_eq!(chunks.for_path(path), editor, "{path}");
        }
        for path in ["/nope", "/widgets/x", "/skills", "/skills/a/b", "/skills//"] {
            assert!(chunks.for_path(path).is_empty(), "{path}");
        }
        assert_eq!(PageChunks::from_manifest(b"not json", "pkg", "l.js"), None);
    }
}
