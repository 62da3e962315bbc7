//! `GET /api/context/events` (docs/API.md, "Live changes"): the watcher's events as server-sent
//! events, fanned out with a broadcast channel. Not a Leptos streaming server function: those are
//! `application/octet-stream` (the compression layer would buffer them) with no framing and no
//! reconnect. At most [`MAX_STREAMS`] at once (503 `busy` beyond) and [`MAX_STREAMS_PER_CLIENT`]
//! per client IP address (429 `too_many_streams` beyond), so one client cannot take every stream
//! and the streams together can never take every connection slot (`serve.rs`). All end when the
//! server shuts down, so Ctrl+C / SIGTERM never waits for browsers to hang up.

use app::api::{ApiError, ChangedEvent, LiveEvent, RemovedEvent};
use axum::extract::{ConnectInfo, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::watch::DiskEvent;
use tokio::sync::{broadcast, watch, Semaphore};
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;

pub const PATH: &str = app::api::EVENTS_PATH;
pub const MAX_STREAMS: usize = 256;
/// A browser opens one stream per tab (and over HTTP/1.1 at most six connections per host).
pub const MAX_STREAMS_PER_CLIENT: usize = 16;
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events buffered per slow client before it is told to resync.
const BUFFER: usize = 1024;

/// The fan-out: the watcher sends, every open stream receives.
#[derive(Clone)]
pub struct Events {
    tx: broadcast::Sender<DiskEvent>,
    slots: Arc<Semaphore>,
    /// Open streams per client address.
    clients: Arc<Mutex<HashMap<IpAddr, usize>>>,
    shutdown: watch::Receiver<bool>,
}

/// One client's stream, counted until dropped.
struct ClientSlot {
    clients: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl ClientSlot {
    fn take(clients: &Arc<Mutex<HashMap<IpAddr, usize>>>, ip: IpAddr) -> Option<ClientSlot> {
        // A poisoned map only means another stream panicked while counting: the counts hold.
        let mut map = clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let open = map.entry(ip).or_default();
        if *open >= MAX_STREAMS_PER_CLIENT {
            return None;
        }
        *open += 1;
        Some(ClientSlot { clients: clients.clone(), ip })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut map = self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(open) = map.get_mut(&self.ip) {
            *open -= 1;
            if *open == 0 {
                map.remove(&self.ip); // the map stays as small as the set of listening clients
            }
        }
    }
}

impl Events {
    /// The hub and the sender of its shutdown signal.
    pub fn new() -> (Events, watch::Sender<bool>) {
        let (shutdown_tx, shutdown) = watch::channel(false);
        let (tx, _) = broadcast::channel(BUFFER);
        (
            Events {
                tx,
                slots: Arc::new(Semaphore::new(MAX_STREAMS)),
                clients: Arc::new(Mutex::new(HashMap::new())),
                shutdown,
            },
            shutdown_tx,
        )
    }

    /// For the watcher's thread: no receiver yet is fine (nobody listens).
    pub fn sender(&self) -> broadcast::Sender<DiskEvent> {
        self.tx.clone()
    }
}

/// The watcher's event as the page reads it (`app::api::LiveEvent`, the one type both sides use).
fn sse_event(event: &DiskEvent) -> Event {
    let live = match event {
        DiskEvent::Changed { kind, name, mtime_ns, etag } => LiveEvent::Changed(ChangedEvent {
            kind: *kind,
            name: name.clone(),
            mtime_ns: *mtime_ns,
            etag: etag.clone(),
        }),
        DiskEvent::Removed { kind, name } => LiveEvent::Removed(RemovedEvent { kind: *kind, name: name.clone() }),
        DiskEvent::Resync => LiveEvent::Resync,
    };
    Event::default().event(live.event_name()).data(live.data())
}

pub async fn stream(State(events): State<Events>, ConnectInfo(peer): ConnectInfo<SocketAddr>) -> Response {
    // `::ffff:127.0.0.1` and `127.0.0.1` are one client.
    let Some(client) = ClientSlot::take(&events.clients, peer.ip().to_canonical()) else {
        return ApiError::TooManyStreams.into_response();
    };
    let Ok(permit) = events.slots.clone().try_acquire_owned() else {
        return ApiError::Busy.into_response();
    };
    let mut shutdown = events.shutdown.clone();
    let ended = async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    };
    let stream = BroadcastStream::new(events.tx.subscribe())
        .map(move |item| {
            let _held = (&permit, &client); // the slots are free again when the stream is dropped
            Ok::<Event, Infallible>(match item {
                Ok(event) => sse_event(&event),
                // This client fell behind: it cannot know what it missed.
                Err(BroadcastStreamRecvError::Lagged(_)) => sse_event(&DiskEvent::Resync),
            })
        })
        .take_until(ended);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)).into_response()
}
