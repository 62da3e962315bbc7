//! The `ctxgate` server: CLI, the axum router (REST door + Leptos routes + server functions),
//! logging. Glue only: the guard lives in `store`, the API types in `app::api`.

// The editor's view type nests deeper than rustc's default query depth in release builds.
#![recursion_limit = "256"]

pub mod cli;
pub mod events;
pub mod limit;
pub mod logging;
pub mod rest;
pub mod security;

use app::api::backend::Backend;
use app::{shell, App};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use security::Security;
use std::net::SocketAddr;

/// Leptos options for the built site: the output name is fixed (SPEC §10), the site root comes
/// from `LEPTOS_SITE_ROOT` (default `target/site`), and `--addr` wins over the site address.
pub fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    let mut options = get_configuration(None)
        .map(|conf| conf.leptos_options)
        .unwrap_or_else(|_| LeptosOptions::builder().output_name("ctxgate").site_root("target/site").build());
    options.output_name = "ctxgate".into();
    options.site_addr = addr;
    options
}

/// The whole app: REST under `/api/context`, server functions under `/_fn`, pages, assets,
/// all behind the security layers.
pub fn router(backend: Backend, options: LeptosOptions, security: Security, events: events::Events) -> Router {
    let routes = generate_route_list(App);
    // The wasm, JS and CSS, served precompressed when `.br` / `.gz` siblings exist (scripts/
    // build them at the highest levels; on-the-fly compression below uses the fastest level).
    let pkg_dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let pkg = tower_http::services::ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip();
    let context_backend = backend.clone();
    let pages = Router::new()
        .leptos_routes_with_context(&options, routes, move || provide_context(context_backend.clone()), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options);
    Router::new()
        .route(events::PATH, axum::routing::get(events::stream).with_state(events))
        .merge(rest::routes(backend))
        .route("/api", axum::routing::any(rest::api_not_found))
        .route("/api/{*rest}", axum::routing::any(rest::api_not_found))
        .nest_service("/pkg", pkg)
        .merge(pages)
        // Inside the security check (a refused request is never read) and before every handler.
        .layer(axum::middleware::from_fn(limit::body_limit))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(security, security::guard))
        .layer(axum::middleware::from_fn(security::common_headers))
        .layer(tower_http::compression::CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
}
