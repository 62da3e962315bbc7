//! REST load figures (issue 3): guarded 4 KiB PUT latency p50/p99 and server CPU per request
//! over 500 sequential saves on one keep-alive connection, GET throughput with 8 concurrent
//! keep-alive clients for 10 s, and the server's RSS idle and after load. Loopback only,
//! bounded in count and time. Prints figures; asserts nothing about speed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench binary: a panic is the failure report

mod common;

use common::{cpu_ms, cpu_split_ms, percentile, rss_mib, Server};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const PUTS: usize = 3000;
const HISTORY_SAVES: usize = 10_000;
const GET_CLIENTS: usize = 8;
const GET_SECONDS: u64 = 10;

/// One HTTP/1.1 keep-alive connection speaking just enough HTTP for this bench.
struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
}

impl Connection {
    fn open(host: &str) -> Connection {
        let stream = TcpStream::connect(host).unwrap();
        stream.set_nodelay(true).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        Connection { reader: BufReader::new(stream.try_clone().unwrap()), writer: stream, host: host.to_owned() }
    }

    fn request(&mut self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        if let Some(body) = body {
            head += &format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len());
        }
        head += "\r\n";
        self.writer.write_all(head.as_bytes()).unwrap();
        if let Some(body) = body {
            self.writer.write_all(body.as_bytes()).unwrap();
        }
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).unwrap();
        let status = status_line.split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        (status, String::from_utf8(body).unwrap())
    }
}

fn field(json: &str, name: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    value[name].as_str().unwrap().to_owned()
}

/// Runs the sequential PUTs; prints latency and CPU figures.
fn put_phase(server: &Server, label: &str) {
    let (pid, host) = (server.pid, &server.host);
    let mut conn = Connection::open(host);
    let content = "x".repeat(4095) + "\n";
    let (status, created) = conn.request(
        "POST",
        "/api/context/skills",
        Some(&serde_json::json!({"name": "bench", "content": content}).to_string()),
    );
    assert_eq!(status, 201, "{created}");
    let (mut mtime, mut etag) = (field(&created, "mtime_ns"), field(&created, "etag"));
    let mut latencies = Vec::with_capacity(PUTS);
    let (user_before, sys_before) = cpu_split_ms(pid);
    let wall = Instant::now();
    for i in 0..PUTS {
        // 4 KiB, different each time so every save really writes.
        let body = format!("{:04096}", i);
        let request = serde_json::json!({"content": body, "mtime_ns": mtime, "etag": etag}).to_string();
        let start = Instant::now();
        let (status, saved) = conn.request("PUT", "/api/context/skills/bench", Some(&request));
        latencies.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(status, 200, "{saved}");
        mtime = field(&saved, "mtime_ns");
        etag = field(&saved, "etag");
    }
    let put_wall = wall.elapsed().as_secs_f64();
    let (user_after, sys_after) = cpu_split_ms(pid);
    latencies.sort_by(|a, b| a.total_cmp(b));
    println!("guarded 4 KiB PUT x{PUTS} on one keep-alive connection, root on {label}:");
    println!(
        "  latency p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms; {:.0} saves/s",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1],
        PUTS as f64 / put_wall
    );
    let n = PUTS as f64;
    println!(
        "  server CPU per PUT {:.3} ms (user {:.3} ms + system {:.3} ms)",
        (user_after - user_before + sys_after - sys_before) / n,
        (user_after - user_before) / n,
        (sys_after - sys_before) / n
    );
}

/// Bytes and files under `dir`, recursively.
fn du(dir: &std::path::Path) -> (u64, usize) {
    let mut total = (0, 0);
    let Ok(entries) = std::fs::read_dir(dir) else { return total };
    for entry in entries.flatten() {
        let meta = entry.metadata().unwrap();
        if meta.is_dir() {
            let (bytes, files) = du(&entry.path());
            total = (total.0 + bytes, total.1 + files);
        } else {
            total = (total.0 + meta.len(), total.1 + 1);
        }
    }
    total
}

/// 10,000 saves of one 4 KiB file: the history folder must stay bounded (retention).
fn history_phase(server: &Server) {
    let mut conn = Connection::open(&server.host);
    let (_, read) = conn.request("GET", "/api/context/skills/bench", None);
    let (mut mtime, mut etag) = (field(&read, "mtime_ns"), field(&read, "etag"));
    let history = server.root().join(".memtomem/.ctxgate/history");
    for i in 0..HISTORY_SAVES {
        let body = format!("{:04096}", i + 1_000_000);
        let request = serde_json::json!({"content": body, "mtime_ns": mtime, "etag": etag}).to_string();
        let (status, saved) = conn.request("PUT", "/api/context/skills/bench", Some(&request));
        assert_eq!(status, 200, "{saved}");
        mtime = field(&saved, "mtime_ns");
        etag = field(&saved, "etag");
        if (i + 1) % 2_500 == 0 {
            let (bytes, files) = du(&history);
            println!("  after {:>5} more saves: history {:.2} MiB in {files} files", i + 1, bytes as f64 / 1_048_576.0);
        }
    }
}

fn main() {
    println!("ctxgate REST load (release build, loopback, 2 cores shared by client and server)");
    // tmpfs makes fsync free, which isolates ctxgate's own CPU cost ("fsync aside").
    if std::path::Path::new("/dev/shm").is_dir() {
        let on_tmpfs = Server::start(Some("/dev/shm"));
        put_phase(&on_tmpfs, "tmpfs (/dev/shm: fsync costs nothing)");
        println!("history size, {HISTORY_SAVES} further 4 KiB saves of the same file (tmpfs):");
        history_phase(&on_tmpfs);
        drop(on_tmpfs);
    }
    let server = Server::start(None);
    std::thread::sleep(Duration::from_millis(300));
    let rss_idle = rss_mib(server.pid);
    put_phase(&server, "the temp folder's disk (each save fsyncs file and folder)");
    let (pid, host) = (server.pid, server.host.clone());

    let cpu_before = cpu_ms(pid);
    let deadline = Instant::now() + Duration::from_secs(GET_SECONDS);
    let clients: Vec<_> = (0..GET_CLIENTS)
        .map(|_| {
            let host = host.clone();
            std::thread::spawn(move || {
                let mut conn = Connection::open(&host);
                let mut count = 0u64;
                while Instant::now() < deadline {
                    let (status, _) = conn.request("GET", "/api/context/skills/bench", None);
                    assert_eq!(status, 200);
                    count += 1;
                }
                count
            })
        })
        .collect();
    let gets: u64 = clients.into_iter().map(|c| c.join().unwrap()).sum();
    let get_cpu = cpu_ms(pid) - cpu_before;
    let rss_loaded = rss_mib(pid);
    drop(server);

    println!("GET 4 KiB artifact, {GET_CLIENTS} keep-alive clients for {GET_SECONDS} s:");
    println!(
        "  {} requests, {:.0} GET/s, server CPU {:.3} ms per GET",
        gets,
        gets as f64 / GET_SECONDS as f64,
        get_cpu / gets as f64
    );
    println!("server RSS: idle {rss_idle:.1} MiB, after load {rss_loaded:.1} MiB");
}
