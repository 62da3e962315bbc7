//! Holes 1–3 of the issue "Nothing lost by construction", each walked through every point of its
//! operation: a child process runs one store operation under `strace`, which kills it (SIGKILL)
//! or fails a syscall (EIO, EINVAL for `renameat2`) at the N-th call, for every N the operation
//! makes. Then a fresh store recovers (the start-up sweep), runs the next operation of the same
//! kind, and every version that was live before the fault must still be readable.
//! The whole matrix over every operation is `server/tests/faults.rs`; these are the three shapes
//! that lost data before (each test failed on the code before its fix).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use store::{Kind, Store, Update};

const CHILD_ENV: &str = "CTXGATE_FAULT_CHILD";

fn write(path: &Path, bytes: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn save(store: &Store, name: &str, content: &str) -> bool {
    let Ok(current) = store.get(Kind::Skills, name) else { return false };
    let update = Update {
        content,
        base_mtime_ns: current.mtime_ns,
        base_etag: Some(&current.etag),
        force: false,
        seen_etag: None,
        restored: false,
    };
    store.update(Kind::Skills, name, &update).is_ok()
}

#[test]
#[ignore = "helper: the child that the fault tests run under strace"]
fn fault_child() {
    let spec = std::env::var(CHILD_ENV).expect("run by a fault test");
    let (op, root) = spec.split_once(' ').unwrap();
    let store = Store::open(Path::new(root)).unwrap();
    let ok = match op {
        "save" => save(&store, "s", "v1 the save\n"),
        "sync-skill" => store.sync(Kind::Skills, Some("s")).is_ok_and(|r| r.skipped.is_empty()),
        other => panic!("unknown op {other}"),
    };
    // Only after the operation: a print is a write(2), and the points are the operation's.
    println!("{}", if ok { "fault-child-ok" } else { "fault-child-err" });
}

/// Runs the child op under `strace` with `inject`; `Some(ok)` when it ran to its end.
fn run_child(op: &str, root: &Path, inject: &[String]) -> Option<bool> {
    let exe = std::env::current_exe().unwrap();
    let mut command = Command::new("strace");
    command.args(["-f", "-qq", "-o", "/dev/null"]);
    for rule in inject {
        command.args(["-e", rule]);
    }
    let output = command
        .arg("--")
        .arg(exe)
        .args(["--exact", "fault_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, format!("{op} {}", root.display()))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .expect("strace (Debian's package) runs the fault child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    if stdout.contains("fault-child-ok") {
        Some(true)
    } else if stdout.contains("fault-child-err") {
        Some(false)
    } else {
        None
    }
}

/// How many times the op calls `syscall`: kill at N = 1, 2, … until it runs to its end.
fn count_calls(
    op: &str,
    fixture: &dyn Fn() -> (tempfile::TempDir, PathBuf),
    syscall: &str,
    always: &[String],
) -> usize {
    for n in 1..500 {
        let (_dir, root) = fixture();
        let mut inject = always.to_vec();
        inject.push(format!("inject={syscall}:signal=KILL:when={n}"));
        if run_child(op, &root, &inject).is_some() {
            return n - 1;
        }
    }
    panic!("{op} made 500 {syscall} calls");
}

/// Bytes of every file under `dir` (recursively; links not followed).
fn files_under(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let Ok(meta) = fs::symlink_metadata(entry.path()) else { continue };
        if meta.is_dir() {
            files_under(&entry.path(), out);
        } else if meta.is_file() {
            out.push(fs::read(entry.path()).unwrap());
        }
    }
}

/// Everything a user can still get back for skill `s`: the working file, the runtime copies,
/// and history (entries through the store, displaced runtime folders from disk).
fn readable(store: &Store, root: &Path) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = store.get(Kind::Skills, "s").map(|a| a.content.into_bytes()).into_iter().collect();
    for entry in store.history().list(Kind::Skills, "s") {
        if let Ok(Some((_, bytes))) = store.history().read(Kind::Skills, "s", &entry.id) {
            out.push(bytes);
        }
    }
    files_under(&root.join(".claude/skills/s"), &mut out);
    files_under(&store.history().dir().join("skills/s"), &mut out);
    out
}

struct Case<'a> {
    op: &'a str,
    fixture: &'a dyn Fn() -> (tempfile::TempDir, PathBuf),
    /// The next operation of the same kind, on a fresh store after the sweep.
    next: &'a dyn Fn(&Store),
    /// Versions live before the fault.
    live: &'a [&'a str],
}

/// Runs `case` once per point of each syscall with each fault; returns the violations.
fn enumerate(case: &Case<'_>, syscalls: &[&str], faults: &[&str], always: &[String]) -> (usize, Vec<String>) {
    let mut runs = 0;
    let mut violations = Vec::new();
    for syscall in syscalls {
        let calls = count_calls(case.op, case.fixture, syscall, always);
        for fault in faults {
            for n in 1..=calls {
                let (_dir, root) = (case.fixture)();
                let mut inject = always.to_vec();
                inject.push(format!("inject={syscall}:{fault}:when={n}"));
                run_child(case.op, &root, &inject);
                runs += 1;
                let store = Store::open(&root).unwrap();
                store.sweep_stale_temps();
                (case.next)(&store);
                let have = readable(&store, &root);
                for version in case.live {
                    if !have.iter().any(|bytes| bytes == version.as_bytes()) {
                        violations.push(format!("{} {syscall} #{n} {fault} {always:?}: lost {version:?}", case.op));
                    }
                }
            }
        }
    }
    (runs, violations)
}

const SKILL: &str = "---\nname: s\ndescription: canonical\n---\ncanonical body\n";
const HAND_EDITED: &str = "---\nname: s\ndescription: edited by hand in .claude\n---\nhand body\n";
const ONLY_THERE: &str = "notes that exist only in .claude/skills/s\n";

fn skill_with_hand_edited_runtime() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root.join(".memtomem/skills/s/SKILL.md"), SKILL);
    write(&root.join(".claude/skills/s/SKILL.md"), HAND_EDITED);
    write(&root.join(".claude/skills/s/notes.txt"), ONLY_THERE);
    (dir, root)
}

/// Hole 1: a sync killed between its folder swap and the move of the displaced runtime folder
/// into history left the hand-edited original under memtomem's `.staging-…` name, which the next
/// sync reaped.
#[test]
fn a_skill_sync_killed_at_any_point_keeps_the_hand_edited_runtime_folder() {
    let case = Case {
        op: "sync-skill",
        fixture: &skill_with_hand_edited_runtime,
        next: &|store| {
            store.sync(Kind::Skills, Some("s")).unwrap();
        },
        live: &[SKILL, HAND_EDITED, ONLY_THERE],
    };
    let (runs, violations) =
        enumerate(&case, &["renameat2", "rename", "unlink", "unlinkat", "fsync"], &["signal=KILL"], &[]);
    eprintln!("sync-skill: {runs} faulted runs, {} violations", violations.len());
    assert!(violations.is_empty(), "{violations:#?}");
}

fn skill_saved_an_hour_ago() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    let file = root.join(".memtomem/skills/s/SKILL.md");
    write(&file, "v0 live before the save\n");
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options().write(true).open(&file).unwrap().set_modified(hour_ago).unwrap();
    (dir, root)
}

fn next_save(store: &Store) {
    assert!(save(store, "s", "v2 the next save\n"));
}

/// Hole 3: a save killed right after its swap left the displaced version under its temp name
/// with the old version's mtime, and the start-up sweep deleted it as "older than 10 minutes".
#[test]
fn a_save_killed_at_any_point_keeps_the_version_it_replaced() {
    let case =
        Case { op: "save", fixture: &skill_saved_an_hour_ago, next: &next_save, live: &["v0 live before the save\n"] };
    let (runs, violations) = enumerate(&case, &["renameat2", "rename", "unlink", "fsync"], &["signal=KILL"], &[]);
    eprintln!("save: {runs} faulted runs, {} violations", violations.len());
    assert!(violations.is_empty(), "{violations:#?}");
}

/// Hole 2: without `RENAME_EXCHANGE` (EINVAL, as on many FUSE, network and WSL mounts) the save
/// renamed over the file first and wrote history afterwards; when that write failed, the old
/// version was nowhere.
#[test]
fn a_save_without_rename_exchange_keeps_the_version_it_replaced_when_a_write_fails() {
    let case =
        Case { op: "save", fixture: &skill_saved_an_hour_ago, next: &next_save, live: &["v0 live before the save\n"] };
    let no_swap = ["inject=renameat2:error=EINVAL".to_owned()];
    let (runs, violations) = enumerate(&case, &["write", "fsync"], &["error=EIO", "error=ENOSPC"], &no_swap);
    eprintln!("save without RENAME_EXCHANGE: {runs} faulted runs, {} violations", violations.len());
    assert!(violations.is_empty(), "{violations:#?}");
}
