//! Ctrl+C / SIGTERM while a write runs: the write finishes and is answered, then the process
//! exits 0 (`Backend::drain`, `server/src/main.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::{json, Server};
use serde_json::json;
use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

/// True once the process has `file` open (the store opens the name lock, then waits on it).
fn holds_open(pid: u32, file: &Path) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return false };
    fds.flatten().any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == file))
}

#[test]
fn sigterm_during_a_save_finishes_the_save_then_exits_0() {
    let mut server = Server::start();
    let (_, etag) = common::create(&server, "skills", "w", "v1\n");
    let lock_path = std::fs::canonicalize(server.file(".memtomem/skills")).unwrap().join(".w.lock");
    // memtomem's name lock, held here: the save below waits for it inside the store.
    let lock = File::options().read(true).write(true).create(true).truncate(false).open(&lock_path).unwrap();
    lock.lock().unwrap();
    let (url, client) = (server.url("/api/context/skills/w"), server.client.clone());
    let save = std::thread::spawn(move || {
        client
            .put(url)
            .json(&json!({"content": "v2\n", "mtime_ns": "0", "etag": etag}))
            .send()
            .map(json)
            .map_err(|err| err.to_string())
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while !holds_open(server.pid(), &lock_path) {
        assert!(Instant::now() < deadline, "the save never reached the lock");
        std::thread::sleep(Duration::from_millis(10));
    }
    server.signal(libc::SIGTERM);
    // Released only once the server has begun stopping (it logs that), so the save is still
    // waiting when the signal is handled.
    server.wait_for_log("stopping");
    // No new connection once stopping has begun.
    assert!(std::net::TcpStream::connect(server.base.trim_start_matches("http://")).is_err());
    lock.unlock().unwrap();
    drop(lock);
    let answer = save.join().unwrap();
    let (status, body) = answer.unwrap_or_else(|err| panic!("the save got no answer: {err}\n{}", server.log()));
    assert_eq!(status, 200, "{body}");
    assert_eq!(std::fs::read_to_string(server.file(&common::folder_file("skills", "w"))).unwrap(), "v2\n");
    let exit = server.wait_exit(Duration::from_secs(20)).expect("still running 20 s after SIGTERM");
    assert_eq!(exit.code(), Some(0), "{}", server.log());
}
