//! "Nobody's work is ever lost" under real concurrency (docs/USING.md, "Next to memtomem"): several
//! ctxgate processes on one root, writers that follow memtomem's lock protocol, writers that ignore
//! it and rename over the file, names that alias one file, creates racing external creates, sweeps,
//! deletes through shared folders. Every test here failed on the code before the fix (`CTXGATE_BIN`
//! runs the suite against another build).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::{json, Server};
use serde_json::json;
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

fn skill_file(root: &Path, name: &str) -> PathBuf {
    root.join(format!(".memtomem/skills/{name}/SKILL.md"))
}

fn make_skill(root: &Path, name: &str, content: &str) -> PathBuf {
    let file = skill_file(root, name);
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(&file, content).unwrap();
    file
}

/// Replaces `file` the way editors and memtomem do: temp file beside it, then rename over it.
fn rename_over(file: &Path, content: &[u8], tag: &str) {
    let temp = file.with_file_name(format!(".{}.{tag}.tmp", file.file_name().unwrap().to_str().unwrap()));
    let mut out = File::create(&temp).unwrap();
    out.write_all(content).unwrap();
    out.sync_all().unwrap();
    fs::rename(&temp, file).unwrap();
}

/// (status, body) of a guarded PUT of a skill.
fn put(server: &Server, name: &str, content: &str, etag: &str) -> (u16, serde_json::Value) {
    json(
        server.put(&format!("/api/context/skills/{name}"), &json!({"content": content, "mtime_ns": "0", "etag": etag})),
    )
}

fn read_etag(server: &Server, name: &str) -> (String, String) {
    let (status, body) = json(server.get(&format!("/api/context/skills/{name}")));
    assert_eq!(status, 200, "{body}");
    (body["content"].as_str().unwrap().to_owned(), body["etag"].as_str().unwrap().to_owned())
}

/// Two ctxgate processes and a memtomem-protocol writer (flock on `.<name>.lock`, read, change,
/// atomic replace, unlock) append unique lines: every acknowledged line survives.
///
/// Progress is a goal, not a count within a time, so a busy machine only makes the test longer:
/// it runs until the ctxgate writers together have `CTXGATE_GOAL` appends and memtomem `GOAL`.
/// The memtomem writer is busy but takes turns: after `BURST` appends it lets the lock rest
/// until a ctxgate line has landed (a save is GET → PUT, and an append in between is a fair
/// 409). The deadline only names a starved side.
#[test]
fn cooperating_writers_across_processes_lose_nothing() {
    const GOAL: usize = 15;
    const CTXGATE_GOAL: usize = 60;
    const BURST: usize = 3;
    const DEADLINE: Duration = Duration::from_secs(240);
    let root = tempfile::tempdir().unwrap();
    let file = make_skill(root.path(), "log", "start\n");
    let servers = [Server::start_on(root.path(), &[], &[]), Server::start_on(root.path(), &[], &[])];
    let acknowledged = Mutex::new(Vec::<String>::new());
    let failures = Mutex::new(Vec::<String>::new());
    let ctxgate_done = std::sync::atomic::AtomicUsize::new(0);
    let memtomem_done = std::sync::atomic::AtomicUsize::new(0);
    let started = std::time::Instant::now();
    let over = || {
        (ctxgate_done.load(Ordering::Relaxed) >= CTXGATE_GOAL && memtomem_done.load(Ordering::Relaxed) >= GOAL)
            || started.elapsed() > DEADLINE
    };
    let progress = Mutex::new(std::collections::BTreeMap::<String, usize>::new());
    std::thread::scope(|scope| {
        for (s, server) in servers.iter().enumerate() {
            for w in 0..2 {
                let (acknowledged, failures, ctxgate_done, progress, over) =
                    (&acknowledged, &failures, &ctxgate_done, &progress, &over);
                scope.spawn(move || {
                    let mut n = 0;
                    while !over() {
                        let (status, body) = json(server.get("/api/context/skills/log"));
                        if status != 200 {
                            failures.lock().unwrap().push(format!("GET {status}: {body}"));
                            continue;
                        }
                        let (content, etag) = (body["content"].as_str().unwrap(), body["etag"].as_str().unwrap());
                        let line = format!("ctxgate{s}-w{w}-{n}");
                        let (status, body) = put(server, "log", &format!("{content}{line}\n"), etag);
                        match status {
                            200 => {
                                acknowledged.lock().unwrap().push(line);
                                n += 1;
                                ctxgate_done.fetch_add(1, Ordering::Relaxed);
                            }
                            409 => {}
                            other => failures.lock().unwrap().push(format!("{other}: {body}")),
                        }
                    }
                    progress.lock().unwrap().insert(format!("ctxgate{s}-w{w}"), n);
                });
            }
        }
        let (acknowledged, memtomem_done, progress, over, file, root) =
            (&acknowledged, &memtomem_done, &progress, &over, &file, root.path());
        scope.spawn(move || {
            let lock_path = root.join(".memtomem/skills/.log.lock");
            let mut n = 0;
            let (mut burst, mut ctxgate_seen) = (0, 0);
            while !over() {
                let lock =
                    File::options().read(true).write(true).create(true).truncate(false).open(&lock_path).unwrap();
                lock.lock().unwrap();
                let content = fs::read_to_string(file).unwrap();
                let ctxgate_lines = content.lines().filter(|l| l.starts_with("ctxgate")).count();
                if ctxgate_lines > ctxgate_seen {
                    (burst, ctxgate_seen) = (0, ctxgate_lines);
                }
                if burst < BURST {
                    let line = format!("memtomem-{n}");
                    rename_over(file, format!("{content}{line}\n").as_bytes(), "mm");
                    acknowledged.lock().unwrap().push(line);
                    n += 1;
                    burst += 1;
                    memtomem_done.fetch_add(1, Ordering::Relaxed);
                }
                lock.unlock().unwrap();
                drop(lock);
                std::thread::sleep(Duration::from_millis(2));
            }
            progress.lock().unwrap().insert("memtomem".into(), n);
        });
    });
    let failures = failures.into_inner().unwrap();
    let final_lines: BTreeSet<String> = fs::read_to_string(&file).unwrap().lines().map(str::to_owned).collect();
    let acknowledged = acknowledged.into_inner().unwrap();
    let lost: Vec<&String> = acknowledged.iter().filter(|line| !final_lines.contains(*line)).collect();
    let progress = progress.into_inner().unwrap();
    eprintln!(
        "{} acknowledged appends in {:.1} s, {} lost, {} other answers; per writer {progress:?}",
        acknowledged.len(),
        started.elapsed().as_secs_f64(),
        lost.len(),
        failures.len()
    );
    assert!(
        ctxgate_done.load(Ordering::Relaxed) >= CTXGATE_GOAL && memtomem_done.load(Ordering::Relaxed) >= GOAL,
        "a side was starved for {} s: {progress:?}",
        DEADLINE.as_secs()
    );
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged appends are gone, e.g. {:?}",
        lost.len(),
        acknowledged.len(),
        &lost[..lost.len().min(5)]
    );
    assert!(failures.is_empty(), "answers other than 200/409: {:?}", &failures[..failures.len().min(5)]);
}

/// A writer that ignores the lock renames its file over the working file while a 3 MiB PUT is
/// in flight: either its content is on disk at the end, or the PUT was refused.
#[test]
fn rename_over_writer_racing_a_large_put_is_never_silently_replaced() {
    let server = Server::start();
    let base: String = "base line of a large skill\n".repeat(3 * 1024 * 1024 / 27);
    let mine: String = "mine line of a large skill\n".repeat(3 * 1024 * 1024 / 27);
    let file = make_skill(server.root(), "big", &base);
    // How long one uncontested PUT takes here, so the rival's moments cover its whole span
    // (upload, parse, read, hash, temp write, fsync, rename) on any machine and build.
    let mut span = Duration::ZERO;
    for _ in 0..3 {
        rename_over(&file, base.as_bytes(), "reset");
        let (_, etag) = read_etag(&server, "big");
        let started = Instant::now();
        assert_eq!(put(&server, "big", &mine, &etag).0, 200);
        span = span.max(started.elapsed());
    }
    let rounds = 200u32;
    let (mut refused, mut theirs_kept) = (0, 0);
    for round in 0..rounds {
        rename_over(&file, base.as_bytes(), "reset");
        let (_, etag) = read_etag(&server, "big");
        let other = format!("other writer, round {round}\n");
        // Rounds sweep the rival from the PUT's start to just past its end, in 50 steps.
        let delay = span.mul_f64(f64::from(round % 50) / 45.0);
        let status = std::thread::scope(|scope| {
            let put = scope.spawn(|| put(&server, "big", &mine, &etag).0);
            std::thread::sleep(delay);
            rename_over(&file, other.as_bytes(), "rival");
            put.join().unwrap()
        });
        let on_disk = fs::read(&file).unwrap();
        assert!(status == 200 || status == 409, "round {round}: status {status}");
        assert!(
            on_disk == other.as_bytes() || status == 409,
            "round {round}: the PUT was acknowledged and the other writer's content is gone"
        );
        if status == 409 {
            refused += 1;
        }
        if on_disk == other.as_bytes() {
            theirs_kept += 1;
        }
    }
    eprintln!(
        "{rounds} rounds over a {span:?} PUT: {refused} PUTs refused, the other writer's content on disk after {theirs_kept}"
    );
}

/// memtomem's name lock held by another process delays a PUT (which then succeeds); held longer
/// than 10 s it ends in 503 `busy`, the file untouched.
#[test]
fn a_name_lock_held_elsewhere_delays_then_refuses() {
    let server = Server::start();
    let file = make_skill(server.root(), "held", "original\n");
    let lock_path = server.root().join(".memtomem/skills/.held.lock");
    let hold = |seconds: u64, content: &str| {
        let (_, etag) = read_etag(&server, "held");
        let lock = File::options().read(true).write(true).create(true).truncate(false).open(&lock_path).unwrap();
        lock.lock().unwrap();
        std::thread::scope(|scope| {
            let started = Instant::now();
            let put = scope.spawn(|| put(&server, "held", content, &etag));
            std::thread::sleep(Duration::from_secs(seconds));
            let untouched = fs::read_to_string(&file).unwrap();
            lock.unlock().unwrap();
            let (status, body) = put.join().unwrap();
            (untouched, status, body, started.elapsed())
        })
    };
    let (during, status, body, _) = hold(2, "after two seconds\n");
    assert_eq!(during, "original\n", "written while another process held the name lock");
    assert_eq!(status, 200, "{body}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "after two seconds\n");

    let (during, status, body, took) = hold(12, "never\n");
    assert_eq!(during, "after two seconds\n");
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error_kind"], "busy");
    assert_eq!(fs::read_to_string(&file).unwrap(), "after two seconds\n");
    eprintln!("busy answer after {took:?}");
}

/// Two names that reach one file through symlinked skill folders share one lock: of 16 writers
/// with the same fresh token (half through each name) exactly one wins.
#[test]
fn aliased_names_have_exactly_one_winner() {
    let server = Server::start();
    let shared = server.root().join("shared-skill");
    fs::create_dir_all(&shared).unwrap();
    fs::write(shared.join("SKILL.md"), "shared\n").unwrap();
    fs::create_dir_all(server.root().join(".memtomem/skills")).unwrap();
    for alias in ["one", "two"] {
        std::os::unix::fs::symlink(&shared, server.root().join(format!(".memtomem/skills/{alias}"))).unwrap();
    }
    for round in 0..20 {
        let (_, etag) = read_etag(&server, "one");
        let results: Vec<(u16, String)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..16)
                .map(|w| {
                    let (server, etag) = (&server, &etag);
                    scope.spawn(move || {
                        let name = if w % 2 == 0 { "one" } else { "two" };
                        let content = format!("round {round} writer {w}\n");
                        (put(server, name, &content, etag).0, content)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let winners: Vec<&String> = results.iter().filter(|(s, _)| *s == 200).map(|(_, c)| c).collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        assert!(results.iter().all(|(s, _)| *s == 200 || *s == 409), "round {round}: {results:?}");
        assert_eq!(&fs::read_to_string(shared.join("SKILL.md")).unwrap(), winners[0]);
    }
}

/// A create racing an external `O_EXCL` create of the same file: never both succeed, and the
/// external file is never replaced.
#[test]
fn create_never_replaces_a_file_that_appeared() {
    let server = Server::start();
    let (mut ours, mut theirs) = (0, 0);
    for round in 0..100 {
        let name = format!("race{round}");
        let file = skill_file(server.root(), &name);
        let delay = Duration::from_micros((round as u64 * 131) % 3_000);
        let (status, external) = std::thread::scope(|scope| {
            let post = scope.spawn(|| {
                json(server.post("/api/context/skills", &json!({"name": name, "content": "from ctxgate\n"}))).0
            });
            std::thread::sleep(delay);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            let external = File::options().write(true).create_new(true).mode(0o644).open(&file).and_then(|mut f| {
                f.write_all(b"from another program\n")?;
                f.sync_all()
            });
            (post.join().unwrap(), external.is_ok())
        });
        let on_disk = fs::read_to_string(&file).unwrap();
        if external {
            theirs += 1;
            assert_eq!(status, 409, "round {round}: both creates succeeded");
            assert_eq!(on_disk, "from another program\n", "round {round}: the external file was replaced");
        } else {
            ours += 1;
            assert_eq!(status, 201, "round {round}");
            assert_eq!(on_disk, "from ctxgate\n");
        }
    }
    eprintln!("100 create races: ctxgate won {ours}, the external create won {theirs}");
}

/// `.memtomem/skills` linked to a shared place: DELETE is refused and the shared content stays.
#[test]
fn delete_through_a_symlinked_type_folder_is_refused() {
    let server = Server::start();
    let shared = server.root().join("team-skills");
    fs::create_dir_all(shared.join("x")).unwrap();
    fs::write(shared.join("x/SKILL.md"), "shared skill\n").unwrap();
    fs::write(shared.join("x/notes.txt"), "notes\n").unwrap();
    fs::create_dir_all(server.root().join(".memtomem")).unwrap();
    std::os::unix::fs::symlink(&shared, server.root().join(".memtomem/skills")).unwrap();
    let before = common::snapshot(server.root());
    let (status, body) = json(server.delete("/api/context/skills/x"));
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error_kind"], "forbidden");
    assert_eq!(common::snapshot(server.root()), before);
}

fn set_age(path: &Path, age: Duration) {
    File::options().write(true).open(path).unwrap().set_modified(SystemTime::now() - age).unwrap();
}

/// The sweep removes only exact-pattern temp files older than 10 minutes, after the port is
/// bound, and never outside the root; a PUT sweeps nothing.
#[test]
fn temp_sweep_touches_only_its_own_stale_files() {
    let root = tempfile::tempdir().unwrap();
    let folder = make_skill(root.path(), "s", "content\n").parent().unwrap().to_path_buf();
    let hour = Duration::from_secs(3600);
    let stale_ours = folder.join(".SKILL.md.ctxgate-tmp-0123456789abcdef");
    let young_ours = folder.join(".SKILL.md.ctxgate-tmp-fedcba9876543210");
    let foreign = [
        folder.join(".SKILL.md.ctxgate-tmp-backup"),
        folder.join(".SKILL.md.ctxgate-tmp-0123456789abcdef.keep"),
        folder.join(".notes.ctxgate-tmp-x"),
        folder.join("draft.ctxgate-tmp-0123456789abcdef"),
    ];
    // A skill folder linked from outside the root: its files are not the server's to sweep.
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("SKILL.md"), "outside\n").unwrap();
    let outside_temp = outside.path().join(".SKILL.md.ctxgate-tmp-00000000000000aa");
    std::os::unix::fs::symlink(outside.path(), root.path().join(".memtomem/skills/linked")).unwrap();
    for path in foreign.iter().chain([&stale_ours, &young_ours, &outside_temp]) {
        fs::write(path, "not to be lost\n").unwrap();
    }
    for path in foreign.iter().chain([&stale_ours, &outside_temp]) {
        set_age(path, hour);
    }
    // An instance whose port is taken must exit without sweeping anything.
    let blocker = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = blocker.local_addr().unwrap().to_string();
    let attempt = Server::try_start_on(root.path(), &["--addr", &taken], &[]);
    assert!(attempt.is_err(), "bound a taken port");
    assert!(stale_ours.exists(), "an instance that could not bind swept the folder");
    drop(blocker);
    let server = Server::start_on(root.path(), &[], &[]);
    let (_, etag) = read_etag(&server, "s");
    assert_eq!(put(&server, "s", "new\n", &etag).0, 200);
    // Ours are recovered whatever their mtime (a displaced version keeps its old one): their
    // bytes are kept in history first, then the names go.
    assert!(!stale_ours.exists() && !young_ours.exists(), "a temp of ours survived the start-up sweep");
    let (status, history) = json(server.get("/api/context/skills/s/history"));
    assert_eq!(status, 200);
    let recovered: Vec<&serde_json::Value> =
        history["entries"].as_array().unwrap().iter().filter(|e| e["reason"] == "recovered").collect();
    assert_eq!(recovered.len(), 1, "{history}");
    let id = recovered[0]["id"].as_str().unwrap();
    let (status, entry) = json(server.get(&format!("/api/context/skills/s/history/{id}")));
    assert_eq!((status, entry["content"].as_str()), (200, Some("not to be lost\n")), "{entry}");
    for path in &foreign {
        assert!(path.exists(), "{} is not ours and was removed", path.display());
    }
    assert!(outside_temp.exists(), "the sweep followed a symlink out of the root");
}

/// The server functions take the same bodies as REST: a 3 MiB save works, 5 MiB is 413 with
/// the envelope, `etag: null` and a stale `seen_etag` are refused, and nothing changes on disk.
#[test]
fn server_functions_share_the_rules_of_rest() {
    let server = Server::start();
    let file = make_skill(server.root(), "doc", "v1\n");
    let (_, etag) = read_etag(&server, "doc");
    let fn_save = |request: serde_json::Value| {
        json(
            server
                .client
                .post(server.url("/_fn/save_artifact"))
                .json(&json!({"kind": "skills", "name": "doc", "request": request}))
                .send()
                .unwrap(),
        )
    };
    let three = "x".repeat(3 * 1024 * 1024);
    let (status, body) = fn_save(json!({"content": three, "mtime_ns": "0", "etag": etag}));
    assert_eq!(status, 200, "{body}");
    assert_eq!(fs::read(&file).unwrap().len(), three.len());
    let (_, etag) = read_etag(&server, "doc");

    let before = common::snapshot(server.root());
    let five = "y".repeat(5 * 1024 * 1024);
    let host = server.base.trim_start_matches("http://").to_owned();
    for (method, path, body) in [
        (
            "POST",
            "/_fn/save_artifact",
            json!({"kind": "skills", "name": "doc", "request": {"content": five, "mtime_ns": "0", "etag": etag}}),
        ),
        ("PUT", "/api/context/skills/doc", json!({"content": five, "mtime_ns": "0", "etag": etag})),
    ] {
        let body = serde_json::to_vec(&body).unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let (status, answer) = common::raw_exchange(&host, head.into_bytes(), body);
        let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert_eq!((status, answer["error_kind"].as_str()), (413, Some("too_large")), "{path}: {answer}");
    }
    let (status, body) = fn_save(json!({"content": "z", "mtime_ns": "0", "etag": null}));
    assert_eq!(status, 422, "etag null through the server function: {body}");
    let (status, body) = fn_save(json!({"content": "z", "mtime_ns": "0", "etag": "NOT-HEX"}));
    assert_eq!(status, 422, "bad etag through the server function: {body}");
    assert_eq!(common::snapshot(server.root()), before);
}

/// Force never overwrites a version nobody saw: a `seen_etag` older than the disk → 409 with the
/// stale body, through both doors; the version the user saw → 200.
#[test]
fn force_with_a_stale_seen_etag_is_refused() {
    let server = Server::start();
    let file = make_skill(server.root(), "f", "base\n");
    let (_, base_etag) = read_etag(&server, "f");
    rename_over(&file, b"first external\n", "e1");
    let (_, seen) = read_etag(&server, "f"); // what the dialog showed
    rename_over(&file, b"second external\n", "e2");
    let before = common::snapshot(server.root());
    let request = json!({"content": "mine\n", "mtime_ns": "0", "etag": base_etag, "force": true, "seen_etag": seen});
    let (status, body) = json(server.put("/api/context/skills/f", &request));
    assert_eq!(status, 409, "{body}");
    assert_eq!(body.as_object().unwrap().keys().collect::<Vec<_>>(), ["mtime_ns", "reason", "status"]);
    let (status, _) = json(
        server
            .client
            .post(server.url("/_fn/save_artifact"))
            .json(&json!({"kind": "skills", "name": "f", "request": request}))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 409);
    assert_eq!(common::snapshot(server.root()), before);
    let (_, newest) = read_etag(&server, "f");
    let request = json!({"content": "mine\n", "mtime_ns": "0", "etag": base_etag, "force": true, "seen_etag": newest});
    let (status, body) = json(server.put("/api/context/skills/f", &request));
    assert_eq!(status, 200, "{body}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine\n");
}

/// `If-Match` sent on two header lines is a list, never one tag: 422, nothing written.
#[test]
fn if_match_on_two_lines_is_refused() {
    let server = Server::start();
    let file = make_skill(server.root(), "m", "base\n");
    let (_, etag) = read_etag(&server, "m");
    let tag = format!("\"{etag}\"");
    let response = server
        .client
        .put(server.url("/api/context/skills/m"))
        .header("if-match", &tag)
        .header("if-match", &tag)
        .json(&json!({"content": "new\n", "mtime_ns": "0"}))
        .send()
        .unwrap();
    let (status, body) = json(response);
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "If-Match");
    assert_eq!(fs::read_to_string(&file).unwrap(), "base\n");
}

/// Keep the folder-layout lock file out of every listing and out of `files`.
#[test]
fn lock_files_are_not_artifacts() {
    let server = Server::start();
    let folder = make_skill(server.root(), "l", "x\n").parent().unwrap().to_path_buf();
    fs::write(folder.join(".versions.json.lock"), "").unwrap();
    let (_, etag) = read_etag(&server, "l");
    assert_eq!(put(&server, "l", "y\n", &etag).0, 200);
    assert!(server.root().join(".memtomem/skills/.l.lock").exists(), "the name lock file was not used");
    let (_, body) = json(server.get("/api/context/skills/l"));
    assert_eq!(body["files"], json!([]));
    let (_, list) = json(server.get("/api/context/skills"));
    let names: Vec<&str> = list["skills"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["l"]);
}
