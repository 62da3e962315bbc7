//! Live-change figures (docs/DECISIONS.md, "Live changes"): latency from an external write to the
//! `changed` event on the wire (median / p95 of 500), and the server's CPU and RSS with 50 open
//! event streams while a writer changes one file 20 times a second for 30 s. Loopback only,
//! bounded; prints figures, asserts nothing about speed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench binary: a panic is the failure report

mod common;

use common::{cpu_ms, percentile, rss_mib, Server};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const LATENCY_SAMPLES: usize = 500;
const STREAMS: usize = 50;
const WRITES_PER_SECOND: u64 = 20;
const LOAD_SECONDS: u64 = 30;

/// Stream `n` comes from loopback address 127.0.0.(1 + n / 16): one client may hold 16 streams.
fn open_stream(host: &str, n: usize) -> BufReader<TcpStream> {
    let server: std::net::SocketAddr = host.parse().unwrap();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let from = std::net::Ipv4Addr::new(127, 0, 0, u8::try_from(1 + n / 16).unwrap());
    socket.bind(&std::net::SocketAddr::from((from, 0)).into()).unwrap();
    socket.connect(&server.into()).unwrap();
    let mut stream = TcpStream::from(socket);
    write!(stream, "GET /api/context/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.contains(" 200 "), "{line}");
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            return reader;
        }
    }
}

/// Waits for the next `changed` event whose data holds `needle`.
fn wait_for(reader: &mut BufReader<TcpStream>, needle: &str) {
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line.starts_with("data:") && line.contains(needle) {
            return;
        }
    }
}

fn write_external(path: &std::path::Path, text: &str) {
    let temp = path.with_extension("tmp-bench");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

fn main() {
    println!("ctxgate live-change figures (release build, loopback, 2 cores shared by writer, clients, server)");
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join(".memtomem/skills/live");
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("SKILL.md");
    std::fs::write(&file, "start\n").unwrap();
    let server = Server::start_in(root);
    let (pid, host) = (server.pid, server.host.clone());

    // Latency: write, then time until the event carrying the new content's marker arrives.
    let mut reader = open_stream(&host, 0);
    let mut latencies = Vec::with_capacity(LATENCY_SAMPLES);
    for i in 0..LATENCY_SAMPLES {
        let text = format!("sample {i}\n");
        let etag = {
            use sha2::{Digest, Sha256};
            hex::encode(Sha256::digest(text.as_bytes()))
        };
        let start = Instant::now();
        write_external(&file, &text);
        wait_for(&mut reader, &etag);
        latencies.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    drop(reader);
    latencies.sort_by(|a, b| a.total_cmp(b));
    println!("external write -> `changed` event on the wire, {LATENCY_SAMPLES} samples:");
    println!(
        "  median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.95),
        latencies[latencies.len() - 1]
    );

    // Load: 50 streams draining events, one writer at 20 Hz for 30 s.
    let stop = Arc::new(AtomicBool::new(false));
    let received = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..STREAMS)
        .map(|n| {
            let mut reader = open_stream(&host, n);
            reader.get_ref().set_read_timeout(Some(Duration::from_millis(500))).unwrap();
            let (stop, received) = (stop.clone(), received.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while !stop.load(Ordering::Relaxed) {
                    match reader.read(&mut buf) {
                        Ok(0) => return,
                        Ok(n) => {
                            received.fetch_add(buf[..n].iter().filter(|b| **b == b'\n').count(), Ordering::Relaxed);
                        }
                        Err(_) => {}
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let rss_before = rss_mib(pid);
    let cpu_before = cpu_ms(pid);
    let started = Instant::now();
    let mut writes = 0u64;
    while started.elapsed() < Duration::from_secs(LOAD_SECONDS) {
        write_external(&file, &format!("load {writes}\n"));
        writes += 1;
        let next = Duration::from_millis(1000 / WRITES_PER_SECOND) * u32::try_from(writes).unwrap();
        if let Some(wait) = next.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
    }
    let cpu = cpu_ms(pid) - cpu_before;
    let rss_after = rss_mib(pid);
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        let _ = r.join();
    }
    drop(server);
    println!("{STREAMS} open streams, {writes} external writes at {WRITES_PER_SECOND}/s for {LOAD_SECONDS} s:");
    println!(
        "  server CPU {:.1}% of one core ({:.2} ms per write), RSS {:.1} MiB before, {:.1} MiB after; {} event lines received",
        cpu / (LOAD_SECONDS as f64 * 10.0),
        cpu / writes as f64,
        rss_before,
        rss_after,
        received.load(Ordering::Relaxed)
    );
}
