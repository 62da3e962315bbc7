//! The accept loop: hyper's HTTP/1 server with the limits `axum::serve` does not set (it runs
//! hyper without a timer, so hyper's header-read timeout never fires and a half-sent request or
//! an idle socket stays open forever).
//!
//! - **Header-read timeout** ([`HEADER_READ_TIMEOUT`]): a request's head must arrive within it.
//!   hyper starts that timer whenever the connection waits for a head, so it is also the idle
//!   limit of a keep-alive connection between two requests and of a fresh one that sends nothing.
//! - **Connections** ([`MAX_CONNECTIONS`]): beyond the cap the loop stops accepting, so a new
//!   connection waits in the kernel's accept backlog (the TCP handshake succeeds, the request is
//!   read once a slot is free) instead of being refused: a browser's request is delayed, never
//!   failed, while a flood of idle sockets is cut by the header-read timeout. Event streams have
//!   their own, smaller caps (`events.rs`), so open tabs can never take every slot.
//! - **Graceful stop**: on the stop signal the listener is closed, idle keep-alive connections
//!   are closed, and requests already running finish (see `main.rs` for the order and bounds).

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// At most this long for a request's head, and for the next request on an idle connection.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);
/// Connections served at once; more wait in the accept backlog.
pub const MAX_CONNECTIONS: usize = 512;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { header_read_timeout: HEADER_READ_TIMEOUT, max_connections: MAX_CONNECTIONS }
    }
}

/// Serves `app` on `listener` until `stop` completes, then returns the connections still open
/// (already told to finish: their running requests complete, then they close). The listener is
/// closed on return, so no new connection is accepted.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) -> GracefulShutdown {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    tokio::pin!(stop);
    loop {
        // The slot first: at the cap nothing is accepted, so the next connection waits in the
        // backlog rather than being accepted and held unserved.
        let permit = tokio::select! {
            biased;
            () = &mut stop => break,
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // never closed; nothing to serve with
            },
        };
        let (stream, remote) = tokio::select! {
            biased;
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    accept_failed(err).await;
                    continue;
                }
            },
        };
        let router = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            // What `into_make_service_with_connect_info` would add: handlers read the peer here.
            request.extensions_mut().insert(ConnectInfo(remote));
            tower::ServiceExt::oneshot(router.clone(), request.map(axum::body::Body::new))
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that goes away mid-request or breaks the protocol: nothing to report.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    graceful
}

/// As `axum::serve` does: a failed handshake is the client's problem; anything else (out of
/// file descriptors, say) gets a pause so the loop does not spin.
async fn accept_failed(err: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(err.kind(), ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset) {
        return;
    }
    tracing::error!(target: "ctxgate", "cannot accept a connection: {err}");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
