//! The HTTP limits (`server/src/serve.rs`, `server/src/events.rs`) against the real binary over
//! raw sockets: a half-sent request and an idle keep-alive connection are closed, connections
//! beyond the cap wait until a slot is free, and one client's event streams are capped.
//! The limits are lowered through the hidden environment overrides so no test waits 15 s; an
//! older binary (`CTXGATE_BIN`) ignores them and shows the missing limit.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::{json, Server};
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::time::{Duration, Instant};

const TIMEOUT_MS: u64 = 400;
/// Far beyond any limit under test: a read that waits this long means "never closed".
const NEVER: Duration = Duration::from_secs(20);

fn host(server: &Server) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(host(server)).unwrap();
    stream.set_read_timeout(Some(NEVER)).unwrap();
    stream
}

fn request(server: &Server, path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", host(server)).into_bytes()
}

/// Reads one response (head + `Content-Length` body) and returns its status; the connection
/// stays usable for the next request.
fn read_response(stream: &mut TcpStream) -> u16 {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).expect("no answer");
        assert_ne!(n, 0, "closed before a whole answer: {}", String::from_utf8_lossy(&data));
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).into_owned();
        let Some((head, body)) = text.split_once("\r\n\r\n") else { continue };
        let length = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
            .expect("a Content-Length");
        if body.len() >= length {
            return head.split_whitespace().nth(1).unwrap().parse().unwrap();
        }
    }
}

/// Waits for the server to close the connection (any bytes before are ignored); how long it took.
fn closed_after(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return started.elapsed(),
            Ok(_) => {}
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("the server kept the connection open for {:?}", started.elapsed())
            }
            Err(_) => return started.elapsed(), // reset: closed too
        }
    }
}

#[test]
fn a_half_sent_request_is_closed_within_the_header_timeout() {
    let server = Server::start_with(&[], &[("CTXGATE_HEADER_TIMEOUT_MS", &TIMEOUT_MS.to_string())]);
    // Before the connection exists, so the server's timer cannot have started earlier.
    let started = Instant::now();
    let mut stream = connect(&server);
    // The head never ends: no blank line.
    stream.write_all(format!("GET /api/context/skills HTTP/1.1\r\nHost: {}\r\n", host(&server)).as_bytes()).unwrap();
    closed_after(&mut stream);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(TIMEOUT_MS), "closed after {took:?}, before the timeout");
    // A socket that sends nothing at all is closed the same way.
    let mut silent = connect(&server);
    assert!(closed_after(&mut silent) < NEVER);
    // Whole requests are served as ever.
    assert_eq!(server.get("/api/context/skills").status(), 200);
}

#[test]
fn an_idle_keep_alive_connection_is_closed() {
    let server = Server::start_with(&[], &[("CTXGATE_HEADER_TIMEOUT_MS", &TIMEOUT_MS.to_string())]);
    let mut stream = connect(&server);
    // Keep-alive works: two requests on one connection.
    stream.write_all(&request(&server, "/api/context/skills")).unwrap();
    assert_eq!(read_response(&mut stream), 200);
    stream.write_all(&request(&server, "/api/context/agents")).unwrap();
    assert_eq!(read_response(&mut stream), 200);
    // The server's idle timer starts before this side has read the answer: no lower bound.
    closed_after(&mut stream);
}

#[test]
fn connections_beyond_the_cap_wait_until_one_closes() {
    const CAP: usize = 4;
    let server = Server::start_with(
        &[],
        &[("CTXGATE_MAX_CONNECTIONS", &CAP.to_string()), ("CTXGATE_HEADER_TIMEOUT_MS", "60000")],
    );
    // CAP connections, each proven served (answered, then left idle and open).
    let mut held: Vec<TcpStream> = (0..CAP)
        .map(|_| {
            let mut stream = connect(&server);
            stream.write_all(&request(&server, "/api/context/skills")).unwrap();
            assert_eq!(read_response(&mut stream), 200);
            stream
        })
        .collect();
    // One more: the kernel completes the handshake, but the server does not take it yet.
    let mut waiting = connect(&server);
    waiting.write_all(&request(&server, "/api/context/commands")).unwrap();
    waiting.set_read_timeout(Some(Duration::from_millis(1000))).unwrap();
    let mut buf = [0u8; 1];
    match waiting.read(&mut buf) {
        Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        other => panic!("connection {} was served beyond the cap of {CAP}: {other:?}", CAP + 1),
    }
    // A slot frees up: the waiting request is answered.
    let first = held.remove(0);
    first.shutdown(std::net::Shutdown::Both).unwrap();
    drop(first);
    waiting.set_read_timeout(Some(NEVER)).unwrap();
    assert_eq!(read_response(&mut waiting), 200);
    drop(held);
}

fn stream_client(from: Ipv4Addr) -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(None).local_address(IpAddr::V4(from)).build().unwrap()
}

#[test]
fn one_client_gets_at_most_sixteen_event_streams() {
    let server = Server::start();
    let events = server.url("/api/context/events");
    let client = stream_client(Ipv4Addr::new(127, 0, 0, 1));
    let mut open: Vec<_> = (0..16).map(|_| client.get(&events).send().unwrap()).collect();
    assert!(open.iter().all(|r| r.status() == 200));
    // The status first: a 200 here is a stream whose body never ends.
    let refused = client.get(&events).send().unwrap();
    assert_eq!(refused.status(), 429, "the 17th stream from one client was not refused");
    let (_, body) = json(refused);
    assert_eq!(body["status"], "error");
    assert_eq!(body["error_kind"], "too_many_streams");
    assert!(!body["reason"].as_str().unwrap().is_empty());
    // Another client (another loopback address) is not affected.
    let other = stream_client(Ipv4Addr::new(127, 0, 0, 2)).get(&events).send().unwrap();
    assert_eq!(other.status(), 200);
    // A closed stream frees its slot (polled: the server notices the close).
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let response = client.get(&events).send().unwrap();
        if response.status() == 200 {
            open.push(response);
            break;
        }
        assert_eq!(response.status(), 429);
        assert!(Instant::now() < deadline, "the closed stream's slot never came back");
        std::thread::sleep(Duration::from_millis(50));
    }
    let again = client.get(&events).send().unwrap();
    assert_eq!(again.status(), 429, "the slot was given twice");
    drop(other);
}
