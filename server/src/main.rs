//! `ctxgate`: see `ctxgate --help`.

use clap::Parser;
use server::cli::{Cli, Command, ServeArgs};
use server::{leptos_options, logging, router};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => match serve(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(reason) => {
                eprintln!("ctxgate: {reason}");
                ExitCode::from(2)
            }
        },
    }
}

fn serve(args: ServeArgs) -> Result<(), String> {
    logging::init(args.log_format);
    let root = args.root.clone();
    if !root.is_dir() {
        return Err(format!("project root {} is not an existing folder", root.display()));
    }
    let store =
        store::Store::open(&root).map_err(|err| format!("cannot open project root {}: {err}", root.display()))?;
    let backend = app::api::backend::Backend::new(store);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the async runtime: {err}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|err| format!("cannot listen on {}: {err}", args.addr))?;
        let local = listener.local_addr().map_err(|err| format!("cannot read the bound address: {err}"))?;
        let app = router(backend.clone(), leptos_options(local));
        tracing::info!(target: "ctxgate", "serving {} at http://{local}/", backend.canonical_root());
        println!("ctxgate listening on http://{local}/");
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|err| format!("server stopped: {err}"))
    })
}
