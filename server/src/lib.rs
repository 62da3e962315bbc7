//! The `ctxgate` server: CLI, the axum router (REST door + Leptos routes + server functions),
//! logging. Glue only: the guard lives in `store`, the API types in `app::api`.

// The editor's view type nests deeper than rustc's default query depth in release builds.
#![recursion_limit = "256"]

pub mod assets;
pub mod check;
pub mod cli;
pub mod events;
pub mod limit;
pub mod logging;
pub mod op;
pub mod rest;
pub mod security;
pub mod serve;

use app::api::backend::Backend;
use app::{shell, App};
use axum::extract::{Request, State};
use axum::http::{Extensions, HeaderMap, StatusCode, Uri, Version};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use security::Security;
use std::net::SocketAddr;

/// Leptos options for the built site: the output name is fixed
/// (docs/DECISIONS.md, "One binary, access log"), the site root comes from `LEPTOS_SITE_ROOT`
/// (default `target/site`), the page's asset URLs from `assets`, and `--addr` wins over the site
/// address.
pub fn leptos_options(addr: SocketAddr, assets: &assets::Source) -> LeptosOptions {
    let mut options = get_configuration(None)
        .map(|conf| conf.leptos_options)
        .unwrap_or_else(|_| LeptosOptions::builder().output_name("ctxgate").site_root("target/site").build());
    options.output_name = "ctxgate".into();
    options.site_addr = addr;
    options.site_pkg_dir = assets.pkg_dir().into();
    // With `hash_files` Leptos reads `hash.txt` beside the executable, which a copied binary does
    // not have; the build hash in `site_pkg_dir` does that job (a stray `LEPTOS_HASH_FILES` in the
    // user's environment must not break the page).
    options.hash_files = false;
    options
}

/// On-the-fly compression (fastest level) for what no handler compressed already: pages, JSON,
/// and folder-served assets without `.br` / `.gz`. Embedded assets chose their coding
/// themselves ([`assets::Negotiated`]); compressing them here would send bytes their strong ETag
/// does not name.
fn compression() -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{DefaultPredicate, Predicate};
    tower_http::compression::CompressionLayer::new()
        .quality(tower_http::CompressionLevel::Fastest)
        .compress_when(DefaultPredicate::new().and(not_negotiated))
}

fn not_negotiated(_: StatusCode, _: Version, _: &HeaderMap, extensions: &Extensions) -> bool {
    extensions.get::<assets::Negotiated>().is_none()
}

/// The whole app: REST under `/api/context`, server functions under `/_fn`, pages, assets,
/// all behind the security layers.
pub fn router(
    backend: Backend,
    options: LeptosOptions,
    security: Security,
    events: events::Events,
    source: &assets::Source,
) -> Router {
    let routes = generate_route_list(App);
    // The wasm, JS and CSS, precompressed (`cargo leptos build --release --precompress --split` writes
    // `.br` / `.gz`; on-the-fly compression below uses the fastest level).
    let pkg = match source {
        assets::Source::Embedded { build } => {
            Router::new().route("/pkg/{*path}", axum::routing::get(assets::pkg).with_state(build.clone()))
        }
        assets::Source::Disk => {
            let pkg_dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
            Router::new().nest_service(
                "/pkg",
                tower_http::services::ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip(),
            )
        }
    };
    let embedded = matches!(source, assets::Source::Embedded { .. });
    // The access log: one `info` line per request, target `ctxgate::access`, with the method, the
    // path (never the query string, which may carry `?token=`), the status and the duration.
    // Headers and bodies are never logged.
    let access_log = tower_http::trace::TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        })
        .on_request(())
        .on_response(|response: &axum::response::Response, latency: std::time::Duration, _: &tracing::Span| {
            // Milliseconds to 0.01, as a number (JSON consumers sort and sum it).
            let ms = (latency.as_secs_f64() * 100_000.0).round() / 100.0;
            tracing::info!(target: "ctxgate::access", status = response.status().as_u16(), ms, "served");
        })
        .on_body_chunk(())
        .on_eos(())
        .on_failure(());
    let context_backend = backend.clone();
    let chunks = source.page_chunks(&options.site_root);
    // The app's 404 page (its router falls back to it), as `file_and_error_handler` renders it.
    let not_found_page = leptos_axum::render_app_to_stream_in_order_with_context(
        {
            let options = options.clone();
            move || provide_context(options.clone())
        },
        {
            let options = options.clone();
            move || shell(options.clone())
        },
    );
    let pages = Router::new()
        .leptos_routes_with_context(
            &options,
            routes,
            move || {
                provide_context(context_backend.clone());
                provide_context(chunks.clone());
            },
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(move |uri: Uri, state: State<LeptosOptions>, request: Request| async move {
            if !embedded {
                // `LEPTOS_SITE_ROOT`: that folder's files, then the app's own 404 page.
                return leptos_axum::file_and_error_handler(shell)(uri, state, request).await;
            }
            // `/favicon.ico` and the other files of `public/` from the binary, then the 404 page.
            // Never `file_and_error_handler` here: it serves `site_root` relative to the working
            // folder, i.e. whatever `target/site` the user's project happens to hold.
            if let Some(file) = assets::root_file(uri.path(), request.headers()) {
                return file;
            }
            let mut response = not_found_page(request).await;
            if response.status() == StatusCode::OK {
                *response.status_mut() = StatusCode::NOT_FOUND;
            }
            response
        })
        .with_state(options);
    Router::new()
        .route(events::PATH, axum::routing::get(events::stream).fallback(rest::method_not_allowed).with_state(events))
        .merge(rest::routes(backend))
        .route("/api", axum::routing::any(rest::api_not_found))
        .route("/api/{*rest}", axum::routing::any(rest::api_not_found))
        .merge(pkg)
        .merge(pages)
        // Inside the security check (a refused request is never read) and before every handler.
        .layer(axum::middleware::from_fn(limit::body_limit))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(security, security::guard))
        .layer(axum::middleware::from_fn(security::common_headers))
        .layer(compression())
        // Outermost, so refused requests are logged too.
        .layer(access_log)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_http::compression::predicate::Predicate as _;

    #[test]
    fn on_the_fly_compression_leaves_negotiated_assets_alone() {
        let predicate = tower_http::compression::predicate::DefaultPredicate::new().and(not_negotiated);
        let big = || {
            axum::http::Response::builder()
                .header(axum::http::header::CONTENT_TYPE, "application/wasm")
                .body(axum::body::Body::from(vec![0u8; 100_000]))
                .unwrap()
        };
        assert!(predicate.should_compress(&big()));
        let mut negotiated = big();
        negotiated.extensions_mut().insert(assets::Negotiated);
        assert!(!predicate.should_compress(&negotiated));
    }
}
