//! Crash safety (docs/ARCHITECTURE.md, "One Save", step 5): a child process does guarded writes in
//! a loop and is killed with SIGKILL at random moments; the file must always hold exactly one
//! complete version, and the temp files a killed writer leaves are swept.
//!
//! What this proves: the replace is atomic with respect to the process dying (the rename/swap
//! either happened or not; no torn file, no temp left unswept). What it cannot prove: durability
//! across a power loss or kernel crash — the file system's page cache survives a SIGKILL, so the
//! fsyncs of the temp file and the folder (which durability requires) are not observed here.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use store::{Kind, Store, Update};

const KILLS: usize = 200;
const CHILD_ENV: &str = "CTXGATE_CRASH_CHILD_ROOT";

/// Version `i` is `(i % 97 + 1) * 16` copies of a 64-byte line, so a torn write is detectable.
fn version(i: u64) -> String {
    format!("version {i:055}\n").repeat(usize::try_from(i % 97 + 1).unwrap() * 16)
}

fn is_complete_version(text: &str) -> bool {
    let Some(first) = text.lines().next() else { return false };
    let Some(number) = first.strip_prefix("version ").and_then(|n| n.parse::<u64>().ok()) else { return false };
    text == version(number)
}

fn temp_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".ctxgate-tmp-"))
        .count()
}

#[test]
#[ignore = "helper: the child process that `sigkill_during_guarded_writes` spawns and kills"]
fn crash_child_writer() {
    let root = std::env::var(CHILD_ENV).expect("run by sigkill_during_guarded_writes");
    let store = Store::open(Path::new(&root)).unwrap();
    let mut i: u64 = u64::from(std::process::id()) * 1_000_000;
    let mut announced = false;
    loop {
        let current = store.get(Kind::Skills, "crash").unwrap();
        i += 1;
        let content = version(i);
        let update = Update {
            content: &content,
            base_mtime_ns: current.mtime_ns,
            base_etag: Some(&current.etag),
            force: false,
            seen_etag: None,
            restored: false,
        };
        store.update(Kind::Skills, "crash", &update).unwrap();
        if !announced {
            // Tell the parent the write loop is running; it kills at a random moment after this.
            // (libtest may have written "test crash_child_writer ... " without a newline.)
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            writeln!(out, "crash-child-ready").unwrap();
            out.flush().unwrap();
            announced = true;
        }
    }
}

#[test]
fn sigkill_during_guarded_writes() {
    let root = tempfile::tempdir().unwrap();
    let store = Store::open(root.path()).unwrap();
    store.create(Kind::Skills, "crash", &version(0)).unwrap();
    drop(store);
    let file = root.path().join(".memtomem/skills/crash/SKILL.md");
    let folder = file.parent().unwrap().to_path_buf();
    let exe = std::env::current_exe().unwrap();
    let mut killed_with_temp_left = 0;
    let mut distinct_versions = std::collections::BTreeSet::new();
    for kill in 0..KILLS {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_child_writer", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, root.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until its write loop runs (an event, not a guess), then kill at a random moment.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = lines.find(|line| line.as_ref().is_ok_and(|l| l.contains("crash-child-ready")));
        assert!(ready.is_some(), "kill {kill}: the child never reached its write loop");
        std::thread::sleep(Duration::from_micros(rand::random::<u64>() % 20_000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(is_complete_version(&text), "kill {kill}: torn file of {} bytes", text.len());
        distinct_versions.insert(text.lines().next().unwrap().to_owned());
        if temp_files(&folder) > 0 {
            killed_with_temp_left += 1;
        }
        let reopened = Store::open(root.path()).unwrap();
        // The child is dead (its locks with it): the sweep keeps what its temps hold, then removes them.
        reopened.sweep_stale_temps();
        assert_eq!(temp_files(&folder), 0, "kill {kill}: temp file not swept");
        assert!(is_complete_version(&reopened.get(Kind::Skills, "crash").unwrap().content));
    }
    eprintln!(
        "{KILLS} kills: {killed_with_temp_left} left a temp file mid-write (swept), {} distinct versions seen",
        distinct_versions.len()
    );
    assert!(distinct_versions.len() > KILLS / 2, "the child barely wrote: {}", distinct_versions.len());
}
