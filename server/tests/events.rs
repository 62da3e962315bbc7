//! Live changes on disk (docs/API.md, "Live changes") against the real binary and real files: what
//! reaches `GET /api/context/events`, and what must not.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::{json, Server};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One open event stream; events arrive on a channel as (event name, data).
struct Stream {
    rx: mpsc::Receiver<(String, Value)>,
}

impl Stream {
    fn open(server: &Server) -> Stream {
        let client = reqwest::blocking::Client::builder().timeout(None).build().unwrap();
        let response = client.get(server.url("/api/context/events")).send().unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in BufReader::new(response).lines() {
                let Ok(line) = line else { return };
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_owned();
                } else if let Some(data) = line.strip_prefix("data: ") {
                    let value = serde_json::from_str(data).unwrap_or(Value::Null);
                    if tx.send((std::mem::take(&mut event), value)).is_err() {
                        return;
                    }
                }
            }
        });
        Stream { rx }
    }

    /// The next event, within 5 s.
    fn next(&self) -> (String, Value) {
        self.rx.recv_timeout(Duration::from_secs(5)).expect("no event within 5 s")
    }
}

fn write_external(path: &Path, text: &str) {
    let temp = path.with_extension("ext-tmp");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

/// The stream is live once an event written after opening it arrives; events of the set-up
/// before it are skipped.
fn synced(server: &Server, stream: &Stream) {
    common::create(server, "commands", "sync-marker", "marker\n");
    loop {
        let (event, data) = stream.next();
        if event == "changed" && data["name"] == "sync-marker" {
            return;
        }
    }
}

#[test]
fn external_changes_are_reported_once_and_only_real_ones() {
    let server = Server::start();
    let (_, etag) = common::create(&server, "skills", "w", "one\n");
    let stream = Stream::open(&server);
    synced(&server, &stream);
    let file = server.file(&common::folder_file("skills", "w"));

    // An external in-place write → one `changed` with the new etag.
    std::fs::write(&file, "two\n").unwrap();
    let (event, data) = stream.next();
    assert_eq!(event, "changed");
    assert_eq!(data["type"], "skills");
    assert_eq!(data["name"], "w");
    assert_eq!(data["etag"], common::sha256_hex(b"two\n"));
    assert_eq!(data["mtime_ns"], common::mtime_ns(&file));
    assert_ne!(data["etag"], etag);

    // A touch and a same-bytes rewrite send nothing: the next event is the rename-over below.
    common::bump_mtime(&file);
    std::fs::write(&file, "two\n").unwrap();
    write_external(&file, "three\n");
    let (event, data) = stream.next();
    assert_eq!((event.as_str(), &data["etag"]), ("changed", &json!(common::sha256_hex(b"three\n"))));

    // ctxgate's own save is reported too (other tabs need it).
    let (status, body) = json(server.put(
        "/api/context/skills/w",
        &json!({"content": "four\n", "mtime_ns": "0", "etag": common::sha256_hex(b"three\n")}),
    ));
    assert_eq!(status, 200, "{body}");
    let (event, data) = stream.next();
    assert_eq!((event.as_str(), &data["etag"]), ("changed", &json!(common::sha256_hex(b"four\n"))));

    // A new skill folder from another program → `changed`; its deletion → `removed`.
    let new = server.file(".memtomem/skills/fresh/SKILL.md");
    std::fs::create_dir_all(new.parent().unwrap()).unwrap();
    std::fs::write(&new, "fresh\n").unwrap();
    let (event, data) = stream.next();
    assert_eq!((event.as_str(), &data["name"]), ("changed", &json!("fresh")));
    std::fs::remove_dir_all(new.parent().unwrap()).unwrap();
    let (event, data) = stream.next();
    assert_eq!((event.as_str(), &data), ("removed", &json!({"type": "skills", "name": "fresh"})));
}

#[test]
fn changes_inside_linked_folders_are_reported() {
    let server = Server::start();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("SKILL.md"), "shared\n").unwrap();
    std::fs::create_dir_all(server.file(".memtomem/skills")).unwrap();
    std::os::unix::fs::symlink(outside.path(), server.file(".memtomem/skills/linked")).unwrap();
    // A flat agent whose file is a link to a file elsewhere.
    let target = outside.path().join("agent-elsewhere.md");
    std::fs::write(&target, "agent\n").unwrap();
    std::fs::create_dir_all(server.file(".memtomem/agents")).unwrap();
    std::os::unix::fs::symlink(&target, server.file(".memtomem/agents/far.md")).unwrap();
    let stream = Stream::open(&server);
    synced(&server, &stream);
    write_external(&outside.path().join("SKILL.md"), "changed through the link\n");
    let (event, data) = stream.next();
    assert_eq!((event.as_str(), &data["name"]), ("changed", &json!("linked")));
    std::fs::write(&target, "agent changed\n").unwrap();
    let (event, data) = stream.next();
    assert_eq!((event.as_str(), &data["name"]), ("changed", &json!("far")));
}

/// ctxgate knew the earlier contents, so both external changes leave them in history.
#[test]
fn external_changes_are_kept_in_history() {
    let server = Server::start();
    common::create(&server, "agents", "x", "mine\n");
    let stream = Stream::open(&server);
    synced(&server, &stream);
    let file = server.file(&common::folder_file("agents", "x"));
    write_external(&file, "theirs 1\n");
    assert_eq!(stream.next().0, "changed");
    write_external(&file, "theirs 2\n");
    assert_eq!(stream.next().0, "changed");
    let (_, body) = json(server.get("/api/context/agents/x/history"));
    let entries = body["entries"].as_array().unwrap();
    let reasons: Vec<&str> = entries.iter().map(|e| e["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["external", "external"]);
    let texts: Vec<String> = entries
        .iter()
        .map(|e| {
            let id = e["id"].as_str().unwrap();
            json(server.get(&format!("/api/context/agents/x/history/{id}"))).1["content"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(texts, ["theirs 1\n", "mine\n"]);
}

#[test]
fn poll_mode_reports_changes_too() {
    let server = Server::start_with(&["--watch", "poll"], &[]);
    common::create(&server, "skills", "p", "a\n");
    let stream = Stream::open(&server);
    synced(&server, &stream);
    write_external(&server.file(&common::folder_file("skills", "p")), "b\n");
    let (event, data) = stream.next();
    assert_eq!((event.as_str(), &data["name"]), ("changed", &json!("p")));
}

#[test]
fn streams_are_bounded_and_guarded() {
    let server = Server::start();
    let client = reqwest::blocking::Client::builder().timeout(None).build().unwrap();
    // 256 streams in all, 16 from each of 16 loopback addresses (one client may hold 16).
    let from = |last: u8| {
        let address = std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, last));
        reqwest::blocking::Client::builder().timeout(None).local_address(address).build().unwrap()
    };
    let url = server.url("/api/context/events");
    let open: Vec<_> = (1..=16)
        .flat_map(|last| {
            let (client, url) = (from(last), url.clone());
            (0..16).map(move |_| client.get(&url).send().unwrap())
        })
        .collect();
    assert!(open.iter().all(|r| r.status() == 200));
    let (status, body) = json(from(17).get(server.url("/api/context/events")).send().unwrap());
    assert_eq!((status, body["error_kind"].as_str()), (503, Some("busy")), "{body}");
    drop(open);
    // A slot is free again once a stream is gone (polled: the server notices the close).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let response = client.get(server.url("/api/context/events")).send().unwrap();
        if response.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "slots never came back");
        std::thread::sleep(Duration::from_millis(50));
    }
    let cross = client.get(server.url("/api/context/events")).header("sec-fetch-site", "cross-site").send().unwrap();
    assert_eq!(cross.status(), 403);
    let foreign = client.get(server.url("/api/context/events")).header("origin", "http://evil.example").send().unwrap();
    assert_eq!(foreign.status(), 403);

    let guarded = Server::start_with(&["--token", "s3cret-token"], &[]);
    let response = client.get(guarded.url("/api/context/events")).send().unwrap();
    assert_eq!(response.status(), 403);
    let response = client.get(guarded.url("/api/context/events")).bearer_auth("s3cret-token").send().unwrap();
    assert_eq!(response.status(), 200);
}

#[test]
fn sigterm_with_open_streams_exits_within_two_seconds() {
    let mut server = Server::start();
    let streams: Vec<Stream> = (0..3).map(|_| Stream::open(&server)).collect();
    synced(&server, &streams[0]);
    let started = Instant::now();
    server.signal(libc::SIGTERM);
    let status = server.wait_exit(Duration::from_secs(10));
    let took = started.elapsed();
    eprintln!("exit after SIGTERM with 3 open streams: {took:?} ({status:?})");
    assert!(status.is_some(), "still running 10 s after SIGTERM");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    drop(streams);
}

/// Two quick saves through ctxgate: the watcher may see only the last, but it never records a
/// version history already holds as `external` again.
#[test]
fn quick_saves_leave_no_duplicate_history() {
    let server = Server::start();
    let (_, v1) = common::create(&server, "skills", "quick", "v1\n");
    let stream = Stream::open(&server);
    synced(&server, &stream);
    let put = |content: &str, etag: &str| {
        let (status, body) =
            json(server.put("/api/context/skills/quick", &json!({"content": content, "mtime_ns": "0", "etag": etag})));
        assert_eq!(status, 200, "{body}");
        body["etag"].as_str().unwrap().to_owned()
    };
    let v2 = put("v2\n", &v1);
    let v3 = put("v3\n", &v2);
    loop {
        let (event, data) = stream.next();
        if event == "changed" && data["etag"] == v3.as_str() {
            break;
        }
    }
    let (_, body) = json(server.get("/api/context/skills/quick/history"));
    let reasons: Vec<&str> =
        body["entries"].as_array().unwrap().iter().map(|e| e["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["save", "save"]);
}

/// Waits (at most 10 s) for an event that `wanted` accepts, skipping the others.
#[track_caller]
fn wait_event(stream: &Stream, wanted: impl Fn(&str, &Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.checked_duration_since(Instant::now()).expect("the awaited event never came");
        let (event, data) = stream.rx.recv_timeout(left).expect("the awaited event never came");
        if wanted(&event, &data) {
            return data;
        }
    }
}

/// A branch switch or a restore from backup replaces the whole `.memtomem/` folder while the
/// server runs: the watcher must keep hearing changes (events and `external` history).
#[test]
fn the_watcher_resumes_when_memtomem_is_deleted_and_recreated() {
    // `.memtomem/` exists before the server starts (a server started without one watched the
    // root until it appeared, and so never had the hole).
    let root = tempfile::tempdir().unwrap();
    let old = root.path().join(".memtomem/skills/old/SKILL.md");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(&old, "old\n").unwrap();
    let server = Server::start_in(root, &[], &[]);
    let stream = Stream::open(&server);
    synced(&server, &stream);
    std::fs::remove_dir_all(server.file(".memtomem")).unwrap();
    wait_event(&stream, |event, data| event == "removed" && data["name"] == "old");
    let file = server.file(".memtomem/skills/x/SKILL.md");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "one\n").unwrap();
    let data = wait_event(&stream, |event, data| event == "changed" && data["name"] == "x");
    assert_eq!(data["etag"], common::sha256_hex(b"one\n"));
    write_external(&file, "two\n");
    wait_event(&stream, |event, data| event == "changed" && data["etag"] == common::sha256_hex(b"two\n").as_str());
    let (_, body) = json(server.get("/api/context/skills/x/history"));
    let entries = body["entries"].as_array().unwrap();
    let reasons: Vec<&str> = entries.iter().map(|e| e["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["external"], "{body}");
    let id = entries[0]["id"].as_str().unwrap();
    let (_, kept) = json(server.get(&format!("/api/context/skills/x/history/{id}")));
    assert_eq!(kept["content"], "one\n");
}

/// Watches the server's inotify instances hold (`inotify wd:` lines of their fdinfo).
fn inotify_watches(pid: u32) -> usize {
    let mut watches = 0;
    for fd in std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().flatten() {
        if std::fs::read_link(fd.path()).is_ok_and(|target| target == Path::new("anon_inode:inotify")) {
            let info = std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{}", fd.file_name().to_string_lossy()));
            watches += info.unwrap_or_default().lines().filter(|line| line.starts_with("inotify wd:")).count();
        }
    }
    watches
}

/// A link to a big tree inside a skill folder (say `lib -> /usr`) must not cost a watch per
/// folder behind it; a symlinked skill folder is still heard, through a watch of that folder only.
#[test]
fn the_watcher_does_not_follow_links_into_big_trees() {
    let big = tempfile::tempdir().unwrap();
    for i in 0..30 {
        for j in 0..100 {
            std::fs::create_dir_all(big.path().join(format!("{i}/{j}"))).unwrap();
        }
    }
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("SKILL.md"), "linked\n").unwrap();
    std::os::unix::fs::symlink(big.path(), outside.path().join("refs")).unwrap();
    let root = tempfile::tempdir().unwrap();
    let local = root.path().join(".memtomem/skills/local");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::write(local.join("SKILL.md"), "local\n").unwrap();
    std::os::unix::fs::symlink(big.path(), local.join("lib")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join(".memtomem/skills/linked")).unwrap();
    let server = Server::start_in(root, &[], &[]);
    let stream = Stream::open(&server);
    // After the first event the watcher's start-up scan (and the watches it adds) is done.
    synced(&server, &stream);
    let watches = inotify_watches(server.pid());
    assert!(watches > 0, "no inotify watch found: is the watcher running?");
    assert!(watches < 100, "{watches} inotify watches for a project of a few folders");
    write_external(&outside.path().join("SKILL.md"), "linked, changed\n");
    wait_event(&stream, |event, data| event == "changed" && data["name"] == "linked");
    write_external(&local.join("SKILL.md"), "local, changed\n");
    wait_event(&stream, |event, data| event == "changed" && data["name"] == "local");
}

/// Not following links must not make a linked layout folder deaf: `.memtomem/skills` that is a
/// symlink is the project's layout, and new and changed skills there are still heard.
#[test]
fn a_linked_type_folder_is_still_watched() {
    let skills = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(skills.path().join("a")).unwrap();
    std::fs::write(skills.path().join("a/SKILL.md"), "a\n").unwrap();
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join(".memtomem")).unwrap();
    std::os::unix::fs::symlink(skills.path(), root.path().join(".memtomem/skills")).unwrap();
    let server = Server::start_in(root, &[], &[]);
    let stream = Stream::open(&server);
    synced(&server, &stream);
    std::fs::create_dir_all(skills.path().join("b")).unwrap();
    std::fs::write(skills.path().join("b/SKILL.md"), "b\n").unwrap();
    wait_event(&stream, |event, data| event == "changed" && data["name"] == "b");
    write_external(&skills.path().join("a/SKILL.md"), "a, changed\n");
    wait_event(&stream, |event, data| event == "changed" && data["name"] == "a");
}
