//! `ctxgate`: see `ctxgate --help`.

use clap::Parser;
use server::cli::{Cli, Command, MergeArgs, ServeArgs, WatchArg};
use server::{leptos_options, logging, router};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or_else(|| Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => match serve(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(reason) => {
                eprintln!("ctxgate: {reason}");
                ExitCode::from(2)
            }
        },
        Command::Merge(args) => match merge(&args) {
            Ok(conflicts) => ExitCode::from(u8::try_from(conflicts.min(127)).unwrap_or(127)),
            Err(reason) => {
                eprintln!("ctxgate merge: {reason}");
                ExitCode::from(255)
            }
        },
        Command::Check(args) => server::check::run(&args),
        Command::Op(args) => server::op::run(&args),
    }
}

/// Runs `ctxgate merge`; returns the number of conflicts.
fn merge(args: &MergeArgs) -> Result<usize, String> {
    let read = |path: &std::path::Path| {
        let bytes = std::fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
    };
    let (mine, base, theirs) = (read(&args.mine)?, read(&args.base)?, read(&args.theirs)?);
    let labels =
        app::text::merge::MergeLabels { mine: &args.label_mine, base: &args.label_base, theirs: &args.label_theirs };
    let result = app::text::merge::merge3(&base, &mine, &theirs, &labels);
    match &args.output {
        Some(out) => {
            std::fs::write(out, &result.text).map_err(|err| format!("cannot write {}: {err}", out.display()))?
        }
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(result.text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|err| format!("cannot write to stdout: {err}"))?;
        }
    }
    Ok(result.conflicts)
}

/// How long shutdown waits for writes already running: longer than the store's 10 s lock
/// deadline, so a save queued behind another writer's lock still ends with an answer.
const WRITES_DRAIN: std::time::Duration = std::time::Duration::from_secs(15);
/// After the writes: how long the last answers and other open requests may take.
const CONNECTIONS_GRACE: std::time::Duration = std::time::Duration::from_millis(1500);

fn serve(args: ServeArgs) -> Result<(), String> {
    logging::init(args.log_format);
    let root = args.root.clone();
    if !root.is_dir() {
        return Err(format!("project root {} is not an existing folder", root.display()));
    }
    let security = server::security::Security::new(args.addr, &args.allowed_hosts, args.token.as_deref())?;
    let store =
        store::Store::open_with_history(&root, args.history_dir.as_deref()).map_err(|err| match &args.history_dir {
            Some(dir) => {
                format!("cannot open project root {} or history folder {}: {err}", root.display(), dir.display())
            }
            None => format!("cannot open project root {}: {err}", root.display()),
        })?;
    let backend = app::api::backend::Backend::new(store);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the async runtime: {err}"))?;
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|err| format!("cannot listen on {}: {err}", args.addr))?;
        let local = listener.local_addr().map_err(|err| format!("cannot read the bound address: {err}"))?;
        let swept = backend.sweep_stale_temps().await;
        if swept > 0 {
            tracing::info!(target: "ctxgate", "removed {swept} temp file(s) a crashed writer left");
        }
        let (events, shutdown) = server::events::Events::new();
        let sender = events.sender();
        let mode = match args.watch {
            WatchArg::Auto => store::watch::WatchMode::Auto,
            WatchArg::Poll => store::watch::WatchMode::Poll,
            WatchArg::Off => store::watch::WatchMode::Off,
        };
        let watch = store::watch::start(
            backend.store(),
            mode,
            Box::new(move |event| {
                let _ = sender.send(event); // no open stream: nobody to tell
            }),
        );
        let assets = server::assets::Source::detect();
        if !assets.is_complete() {
            tracing::warn!(target: "ctxgate", "this binary was built without its site (build it with `cargo leptos build --release --precompress --split`): pages will not become interactive");
        } else if !assets.is_precompressed() {
            tracing::warn!(target: "ctxgate", "this binary was built without `--precompress`: the page's files are sent uncompressed");
        }
        let app = router(backend.clone(), leptos_options(local, &assets), security, events, &assets);
        let token = if args.token.is_some() { "required" } else { "not required" };
        tracing::info!(target: "ctxgate", "serving {} at http://{local}/ (token {token}, changes on disk: {})", backend.canonical_root(), watch.mode);
        // The first stdout line: tests and scripts read the URL from it.
        let project = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        println!("ctxgate listening on http://{local}/ for project {} (token {token})", project.display());
        if args.open {
            let url = format!("http://{local}/");
            // Off the serving path: `webbrowser` waits for text browsers (lynx, w3m) to exit, and
            // they need the server answering meanwhile. The browser is the user's: a failure to
            // start one is a message, not an error.
            tokio::task::spawn_blocking(move || match webbrowser::open(&url) {
                Ok(()) => println!("ctxgate: opened {url} in the browser"),
                Err(err) => println!("ctxgate: could not open a browser ({err}); open {url} yourself"),
            });
        }
        let limits = args.limits();
        let connections = server::serve::serve(listener, app, limits, shutdown_signal()).await;
        tracing::info!(target: "ctxgate", "stopping: no new connections or writes; finishing the writes already running");
        // Ends every event stream, so open browsers do not hold the shutdown up.
        let _ = shutdown.send(true);
        // Idle connections close now; running requests finish, then their connections close.
        let closed = tokio::spawn(connections.shutdown());
        if !backend.drain(WRITES_DRAIN).await {
            tracing::warn!(target: "ctxgate", "writes still running {} s after the stop signal; exiting anyway", WRITES_DRAIN.as_secs());
        }
        // The drained writes' answers are on their way; other requests get a moment, not a veto.
        if tokio::time::timeout(CONNECTIONS_GRACE, closed).await.is_err() {
            tracing::warn!(target: "ctxgate", "connections still open after the stop signal; exiting anyway");
        }
        drop(watch);
        Ok(())
    });
    // Writes are done (drained above); a read still running gets a moment, not a veto.
    runtime.shutdown_timeout(std::time::Duration::from_millis(300));
    result
}

/// Ctrl+C or SIGTERM.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}
