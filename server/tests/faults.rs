//! Crash and fault enumeration over every mutating store operation (the method that keeps
//! "nothing lost" true as the store changes).
//!
//! For each row of [`ROWS`]: build the row's fixture in a fresh temp project, run the one store
//! call under strace (`ctxgate op`, single-threaded, so strace's per-thread `when=N` names the
//! same point in every run) and count its file-system syscalls; then, once per recorded point,
//! run it again with that syscall killing the process (SIGKILL, before the call runs) or
//! failing (EIO, ENOSPC; EINVAL for `renameat2`, a file system without `RENAME_EXCHANGE`).
//! After each run the real server is started on the project (its start-up sweep runs), the next
//! operation of the same kind goes through REST, and the invariant is checked:
//!
//! > Every version that was live, acknowledged, or displaced before the fault can still be
//! > read — as a working file, a history entry or a trash item the API serves — and nothing
//! > outside the project and its history folder was created or changed.
//!
//! Each run is done twice over: on a file system with `RENAME_EXCHANGE` (`exchange`) and on one
//! where every `renameat2` answers EINVAL (`no-exchange`, the fallbacks).
//!
//! `fault_enumeration` runs the default budget (about 95 s on 2 cores; `scripts/test` runs it
//! as its own stage); `CTXGATE_FAULTS=full` (`scripts/faults`) runs every fault at
//! every point. `CTXGATE_FAULTS_OPS=save,sync-skills` runs only those rows;
//! `CTXGATE_FAULTS_REPORT_ONLY=1` prints violations without failing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::{json, sha256_hex, snapshot, Server};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// The syscalls that change the file system (and the writes to stdout/stderr: points too).
const TRACED: [&str; 13] = [
    "write",
    "pwrite64",
    "writev",
    "rename",
    "renameat",
    "renameat2",
    "unlink",
    "unlinkat",
    "rmdir",
    "fsync",
    "fdatasync",
    "link",
    "linkat",
];
const WRITE_AND_FSYNC: [&str; 5] = ["write", "pwrite64", "writev", "fsync", "fdatasync"];
const RENAMES: [&str; 3] = ["rename", "renameat", "renameat2"];

/// Every runtime folder sync writes and import reads.
const RUNTIME_DIRS: [&str; 10] = [
    ".claude/skills",
    ".gemini/skills",
    ".agents/skills",
    ".kimi/skills",
    ".claude/agents",
    ".gemini/agents",
    ".codex/agents",
    ".kimi/agents",
    ".claude/commands",
    ".gemini/commands",
];

const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(24 * 3600);

// ---------------------------------------------------------------------------------------------
// The table: one row per operation.
// ---------------------------------------------------------------------------------------------

/// One operation under fault: its fixture, the store call (`ctxgate op` JSON), the next
/// operation of the same kind over REST, and the versions that must survive.
struct Row {
    name: &'static str,
    /// History in a sibling folder (`--history-dir`) instead of under `.memtomem/`.
    history_dir: bool,
    build: fn(&World) -> Plan,
}

struct Plan {
    op: Value,
    /// The bytes the op writes: acknowledged when its answer says ok.
    op_content: Option<Vec<u8>>,
    next: Next,
    /// Versions that existed before the fault.
    expect: Vec<Expect>,
}

/// A version that must be readable after the run.
struct Expect {
    label: String,
    bytes: Vec<u8>,
    place: Place,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A working file, history entry or trash item (or a runtime file).
    Served,
    /// memtomem's own `versions/` of a folder-layout artifact (memtomem's Versions panel reads
    /// them; ctxgate's API does not serve them).
    MemtomemVersions,
}

/// The next operation of the same kind, over REST.
enum Next {
    Create {
        kind: &'static str,
        name: &'static str,
        content: String,
    },
    Save {
        kind: &'static str,
        name: &'static str,
        content: String,
    },
    /// A force from the stale base `stale`, having seen what GET shows.
    Force {
        kind: &'static str,
        name: &'static str,
        content: String,
        stale: String,
    },
    /// Brings back the history entry holding `entry`.
    Restore {
        kind: &'static str,
        name: &'static str,
        entry: String,
    },
    Delete {
        kind: &'static str,
        name: &'static str,
    },
    TrashRestore {
        id: String,
    },
    Sync {
        kind: &'static str,
    },
    Import {
        kind: &'static str,
        overwrite: bool,
    },
    /// The server's start-up sweep is the next operation.
    Restart,
}

const ROWS: &[Row] = &[
    Row { name: "create", history_dir: false, build: create_row },
    Row { name: "save", history_dir: false, build: save_row },
    Row { name: "save-flat", history_dir: true, build: save_flat_row },
    Row { name: "force", history_dir: false, build: force_row },
    Row { name: "restore", history_dir: false, build: restore_row },
    Row { name: "delete", history_dir: true, build: delete_row },
    Row { name: "delete-flat", history_dir: false, build: delete_flat_row },
    Row { name: "trash-restore", history_dir: false, build: trash_restore_row },
    Row { name: "sync-skills", history_dir: false, build: sync_skills_row },
    Row { name: "sync-skills-all", history_dir: false, build: sync_skills_all_row },
    Row { name: "sync-agents", history_dir: true, build: sync_agents_row },
    Row { name: "sync-commands", history_dir: false, build: sync_commands_row },
    Row { name: "import-agents", history_dir: false, build: import_agents_row },
    Row { name: "import-skills", history_dir: false, build: import_skills_row },
    Row { name: "import-commands", history_dir: false, build: import_commands_row },
    Row { name: "freeze", history_dir: false, build: freeze_row },
    Row { name: "retention", history_dir: false, build: retention_row },
    Row { name: "sweep", history_dir: false, build: sweep_row },
];

fn skill(name: &str, body: &str) -> String {
    format!("---\nname: {name}\ndescription: Skill {name}\n---\n{body}\n")
}

fn agent(name: &str, body: &str) -> String {
    format!("---\nname: {name}\ndescription: Agent {name}\n---\n{body}\n")
}

fn command_md(body: &str) -> String {
    format!("---\ndescription: Command\n---\n{body} $ARGUMENTS\n")
}

fn v(label: &str, bytes: impl Into<Vec<u8>>) -> Expect {
    Expect { label: label.to_owned(), bytes: bytes.into(), place: Place::Served }
}

fn mv(label: &str, bytes: impl Into<Vec<u8>>) -> Expect {
    Expect { label: label.to_owned(), bytes: bytes.into(), place: Place::MemtomemVersions }
}

fn create_row(w: &World) -> Plan {
    let other = skill("s", "v0 of s");
    w.put(".memtomem/skills/s/SKILL.md", &other);
    let content = skill("new", "created by the op");
    Plan {
        op: json!({"op": "create", "type": "skills", "name": "new", "content": content}),
        op_content: Some(content.into_bytes()),
        next: Next::Create { kind: "skills", name: "new", content: skill("new", "created by the next op") },
        expect: vec![v("s v0 (another live skill)", other)],
    }
}

fn save_row(w: &World) -> Plan {
    let (v0, h0, reference) = (skill("s", "v0, live"), skill("s", "h0, in history"), "reference file of s\n");
    w.put(".memtomem/skills/s/SKILL.md", &v0);
    w.put(".memtomem/skills/s/ref.md", reference);
    w.history_entry("skills", "s", &w.old_id(1, 2 * HOUR), "save", &h0);
    let content = skill("s", "v1, saved by the op");
    Plan {
        op: json!({"op": "save", "type": "skills", "name": "s", "content": content, "etag": sha256_hex(v0.as_bytes())}),
        op_content: Some(content.into_bytes()),
        next: Next::Save { kind: "skills", name: "s", content: skill("s", "v2, saved by the next op") },
        expect: vec![v("v0 (live)", v0), v("h0 (history)", h0), v("ref.md (skill folder)", reference)],
    }
}

/// A legacy flat-layout command, history in `--history-dir`: the temps live in the type folder.
fn save_flat_row(w: &World) -> Plan {
    let v0 = command_md("v0, live");
    w.put(".memtomem/commands/c.md", &v0);
    let content = command_md("v1, saved by the op");
    Plan {
        op: json!({"op": "save", "type": "commands", "name": "c", "content": content,
            "etag": sha256_hex(v0.as_bytes())}),
        op_content: Some(content.into_bytes()),
        next: Next::Save { kind: "commands", name: "c", content: command_md("v2, saved by the next op") },
        expect: vec![v("v0 (live)", v0)],
    }
}

fn force_row(w: &World) -> Plan {
    let (v0, base) = (skill("s", "v0, live, newer than the client's base"), skill("s", "the client's base"));
    w.put(".memtomem/skills/s/SKILL.md", &v0);
    w.history_entry("skills", "s", &w.old_id(1, 2 * HOUR), "save", &base);
    let content = skill("s", "v1, forced by the op");
    let stale = sha256_hex(base.as_bytes());
    Plan {
        op: json!({"op": "force", "type": "skills", "name": "s", "content": content, "etag": stale,
            "seen_etag": sha256_hex(v0.as_bytes())}),
        op_content: Some(content.into_bytes()),
        next: Next::Force { kind: "skills", name: "s", content: skill("s", "v2, forced by the next op"), stale },
        expect: vec![v("v0 (live)", v0), v("client base (history)", base)],
    }
}

fn restore_row(w: &World) -> Plan {
    let (v0, h1, h2) = (agent("a", "v0, live"), agent("a", "h1, restored by the op"), agent("a", "h2, restored next"));
    w.put(".memtomem/agents/a/agent.md", &v0);
    w.history_entry("agents", "a", &w.old_id(1, 3 * HOUR), "save", &h2);
    w.history_entry("agents", "a", &w.old_id(2, 2 * HOUR), "save", &h1);
    Plan {
        op: json!({"op": "restore", "type": "agents", "name": "a", "content": h1, "etag": sha256_hex(v0.as_bytes())}),
        op_content: Some(h1.clone().into_bytes()),
        next: Next::Restore { kind: "agents", name: "a", entry: h2.clone() },
        expect: vec![v("v0 (live)", v0), v("h1 (history)", h1), v("h2 (history)", h2)],
    }
}

fn delete_row(w: &World) -> Plan {
    let (v0, reference) = (skill("d", "v0 of d"), "reference file of d\n");
    w.put(".memtomem/skills/d/SKILL.md", &v0);
    w.put(".memtomem/skills/d/ref.md", reference);
    let linked = w.hostile();
    Plan {
        op: json!({"op": "delete", "type": "skills", "name": "d"}),
        op_content: None,
        // The next delete removes the symlinked skill: only its link may move.
        next: Next::Delete { kind: "skills", name: "shared" },
        expect: vec![v("d v0 (live)", v0), v("d ref.md (skill folder)", reference), v("shared SKILL.md", linked)],
    }
}

fn delete_flat_row(w: &World) -> Plan {
    let (f, g) = (agent("f", "flat f"), agent("g", "flat g"));
    w.put(".memtomem/agents/f.md", &f);
    w.put(".memtomem/agents/g.md", &g);
    Plan {
        op: json!({"op": "delete", "type": "agents", "name": "f"}),
        op_content: None,
        next: Next::Delete { kind: "agents", name: "g" },
        expect: vec![v("f (live)", f), v("g (live)", g)],
    }
}

fn trash_restore_row(w: &World) -> Plan {
    let (t1, t1_extra, t2) = (skill("t1", "t1 in the trash"), "extra file of t1\n", agent("t2", "t2 in the trash"));
    let (id1, id2) = (w.old_id(1, HOUR), w.old_id(2, 2 * HOUR));
    w.trash_item(&id1, "skills", "t1", &[("folder/SKILL.md", &t1), ("folder/extra.txt", t1_extra)]);
    w.trash_item(&id2, "agents", "t2", &[("flat.md", &t2)]);
    Plan {
        op: json!({"op": "trash-restore", "id": id1}),
        op_content: None,
        next: Next::TrashRestore { id: id2 },
        expect: vec![v("t1 SKILL.md (trash)", t1), v("t1 extra.txt (trash)", t1_extra), v("t2 (trash)", t2)],
    }
}

fn sync_skills_row(w: &World) -> Plan {
    let (canonical, reference) = (skill("s", "canonical s"), "reference file of s\n");
    w.put(".memtomem/skills/s/SKILL.md", &canonical);
    w.put(".memtomem/skills/s/ref.md", reference);
    let (claude, notes, gemini) =
        (skill("s", "hand-edited in .claude"), "notes only in .claude\n", skill("s", "gemini"));
    w.put(".claude/skills/s/SKILL.md", &claude);
    w.put(".claude/skills/s/notes.txt", notes);
    w.put(".gemini/skills/s/SKILL.md", &gemini);
    // A runtime skill folder that is a link out of the project: only the link may go.
    w.put_outside("kimi-s/SKILL.md", skill("s", "outside, linked from .kimi"));
    w.link("../../../outside/kimi-s", ".kimi/skills/s");
    Plan {
        op: json!({"op": "sync", "type": "skills", "name": "s"}),
        op_content: None,
        next: Next::Sync { kind: "skills" },
        expect: vec![
            v("canonical SKILL.md", canonical),
            v("canonical ref.md", reference),
            v(".claude SKILL.md (hand-edited)", claude),
            v(".claude notes.txt (only in the runtime)", notes),
            v(".gemini SKILL.md (hand-edited)", gemini),
        ],
    }
}

/// Every skill, one of them a canonical folder that links out of the project (read, never
/// written).
fn sync_skills_all_row(w: &World) -> Plan {
    let canonical = skill("s", "canonical s");
    w.put(".memtomem/skills/s/SKILL.md", &canonical);
    let linked = w.hostile();
    let (claude_s, claude_shared) = (skill("s", "hand-edited s"), skill("shared", "hand-edited shared"));
    w.put(".claude/skills/s/SKILL.md", &claude_s);
    w.put(".claude/skills/shared/SKILL.md", &claude_shared);
    Plan {
        op: json!({"op": "sync", "type": "skills"}),
        op_content: None,
        next: Next::Sync { kind: "skills" },
        expect: vec![
            v("canonical s", canonical),
            v("canonical shared (outside)", linked),
            v(".claude s SKILL.md (hand-edited)", claude_s),
            v(".claude shared SKILL.md (hand-edited)", claude_shared),
        ],
    }
}

fn sync_agents_row(w: &World) -> Plan {
    let (a, x) = (agent("a", "canonical a"), agent("x", "canonical x"));
    w.put(".memtomem/agents/a/agent.md", &a);
    w.put(".memtomem/agents/x.md", &x);
    let (claude, gemini, codex) = (
        agent("a", "hand-edited in .claude"),
        agent("a", "hand-edited in .gemini"),
        "name = \"a\"\ndescription = \"hand-edited in .codex\"\n",
    );
    w.put(".claude/agents/a.md", &claude);
    w.put(".gemini/agents/a.md", &gemini);
    w.put(".codex/agents/a.toml", codex);
    // A runtime file that is a link out of the project: the link is replaced, never its target.
    w.put_outside("secret", "outside secret\n");
    w.link("../../../outside/secret", ".claude/agents/x.md");
    Plan {
        op: json!({"op": "sync", "type": "agents"}),
        op_content: None,
        next: Next::Sync { kind: "agents" },
        expect: vec![
            v("canonical a", a),
            v("canonical x", x),
            v(".claude a.md (hand-edited)", claude),
            v(".gemini a.md (hand-edited)", gemini),
            v(".codex a.toml (hand-edited)", codex),
        ],
    }
}

fn sync_commands_row(w: &World) -> Plan {
    let canonical = command_md("Fix it");
    w.put(".memtomem/commands/c.md", &canonical);
    let (claude, gemini) = (command_md("hand-edited in .claude"), "prompt = \"hand-edited in .gemini\"\n");
    w.put(".claude/commands/c.md", &claude);
    w.put(".gemini/commands/c.toml", gemini);
    Plan {
        op: json!({"op": "sync", "type": "commands"}),
        op_content: None,
        next: Next::Sync { kind: "commands" },
        expect: vec![
            v("canonical c", canonical),
            v(".claude c.md (hand-edited)", claude),
            v(".gemini c.toml (hand-edited)", gemini),
        ],
    }
}

fn import_agents_row(w: &World) -> Plan {
    let (v0, runtime_ov, imp) =
        (agent("ov", "canonical ov"), agent("ov", "ov as .claude has it"), agent("imp", "only in .claude"));
    w.put(".memtomem/agents/ov/agent.md", &v0);
    w.put(".claude/agents/ov.md", &runtime_ov);
    w.put(".claude/agents/imp.md", &imp);
    Plan {
        op: json!({"op": "import", "type": "agents", "overwrite": true}),
        op_content: None,
        next: Next::Import { kind: "agents", overwrite: true },
        expect: vec![v("ov v0 (canonical)", v0), v("ov in .claude", runtime_ov), v("imp in .claude", imp)],
    }
}

fn import_skills_row(w: &World) -> Plan {
    let (manifest, helper) = (skill("isk", "only in .claude"), "#!/bin/sh\necho helper\n");
    w.put(".claude/skills/isk/SKILL.md", &manifest);
    w.put(".claude/skills/isk/helper.sh", helper);
    Plan {
        op: json!({"op": "import", "type": "skills"}),
        op_content: None,
        next: Next::Import { kind: "skills", overwrite: false },
        expect: vec![v("isk SKILL.md (.claude)", manifest), v("isk helper.sh (.claude)", helper)],
    }
}

fn import_commands_row(w: &World) -> Plan {
    let (gemini, claude) = ("description = \"G\"\nprompt = \"Do {{args}} now\"\n", command_md("only in .claude"));
    w.put(".gemini/commands/g.toml", gemini);
    w.put(".claude/commands/cc.md", &claude);
    Plan {
        op: json!({"op": "import", "type": "commands"}),
        op_content: None,
        next: Next::Import { kind: "commands", overwrite: false },
        expect: vec![v("g.toml (.gemini)", gemini), v("cc.md (.claude)", claude)],
    }
}

fn freeze_row(w: &World) -> Plan {
    let (v0, base, m1) = (agent("m", "v0, live"), agent("m", "the client's base"), agent("m", "memtomem's v1"));
    w.put(".memtomem/agents/m/agent.md", &v0);
    w.put(".memtomem/agents/m/versions/v1.md", &m1);
    w.put(
        ".memtomem/agents/m/versions.json",
        r#"{"schema_version":1,"versions":{"v1":{"created_at":"2026-11-01T00:00:00Z","note":"by memtomem"}},"labels":{}}"#,
    );
    w.history_entry("agents", "m", &w.old_id(1, 2 * HOUR), "save", &base);
    let content = agent("m", "v1, forced by the op");
    let stale = sha256_hex(base.as_bytes());
    Plan {
        op: json!({"op": "force", "type": "agents", "name": "m", "content": content, "etag": stale,
            "seen_etag": sha256_hex(v0.as_bytes())}),
        op_content: Some(content.into_bytes()),
        next: Next::Force { kind: "agents", name: "m", content: agent("m", "v2, forced by the next op"), stale },
        expect: vec![v("v0 (live)", v0), v("client base (history)", base), mv("memtomem versions/v1.md", m1)],
    }
}

/// History entries beyond the newest 50 and older than a day are dropped by design; with two
/// more saves, the newest 48 of the 55 old ones must stay.
const RETENTION_OLD: u32 = 55;
const RETENTION_SURVIVE: u32 = 48;

fn retention_row(w: &World) -> Plan {
    let v0 = skill("r", "v0, live");
    w.put(".memtomem/skills/r/SKILL.md", &v0);
    let mut expect = vec![v("v0 (live)", v0.clone())];
    for k in 0..RETENTION_OLD {
        let old = skill("r", &format!("old entry {k:02}"));
        let age = 2 * DAY + Duration::from_secs(u64::from(RETENTION_OLD - k) * 60);
        w.history_entry("skills", "r", &w.old_id(k, age), "save", &old);
        if k >= RETENTION_OLD - RETENTION_SURVIVE {
            expect.push(v(&format!("old entry {k:02} (history, within retention)"), old));
        }
    }
    let content = skill("r", "v1, saved by the op");
    Plan {
        op: json!({"op": "save", "type": "skills", "name": "r", "content": content, "etag": sha256_hex(v0.as_bytes())}),
        op_content: Some(content.into_bytes()),
        next: Next::Save { kind: "skills", name: "r", content: skill("r", "v2, saved by the next op") },
        expect,
    }
}

fn sweep_row(w: &World) -> Plan {
    let v0 = skill("s", "v0, live");
    w.put(".memtomem/skills/s/SKILL.md", &v0);
    // Crashed writers' temps, old enough to sweep, and one young enough to be a live save's.
    w.put(".memtomem/skills/s/.SKILL.md.ctxgate-tmp-00000000000000aa", "stale temp\n");
    w.put(".memtomem/agents/.a.md.ctxgate-tmp-00000000000000bb", "stale temp\n");
    let young = w.root.join(".memtomem/skills/s/.SKILL.md.ctxgate-tmp-00000000000000cc");
    fs::write(&young, "young temp\n").unwrap();
    let linked = w.hostile();
    Plan {
        op: json!({"op": "sweep"}),
        op_content: None,
        next: Next::Restart,
        expect: vec![v("v0 (live)", v0), v("shared SKILL.md", linked)],
    }
}

// ---------------------------------------------------------------------------------------------
// A fixture world: <tmp>/project, <tmp>/outside, <tmp>/history.
// ---------------------------------------------------------------------------------------------

struct World {
    _dir: tempfile::TempDir,
    top: PathBuf,
    root: PathBuf,
    outside: PathBuf,
    /// The history folder the store uses.
    history: PathBuf,
    /// `--history-dir`, when the row uses one.
    history_arg: Option<PathBuf>,
    now: SystemTime,
}

impl World {
    fn new(history_dir: bool) -> World {
        let dir = tempfile::Builder::new().prefix("ctxgate-faults-").tempdir().unwrap();
        let top = dir.path().canonicalize().unwrap();
        let (root, outside) = (top.join("project"), top.join("outside"));
        fs::create_dir_all(root.join(".memtomem")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        let history_arg = history_dir.then(|| top.join("history"));
        // The store names the folder (one per project inside a shared `--history-dir`).
        let history =
            store::Store::open_with_history(&root, history_arg.as_deref()).unwrap().history().dir().to_path_buf();
        fs::create_dir_all(&history).unwrap();
        World { _dir: dir, top, root, outside, history, history_arg, now: SystemTime::now() }
    }

    /// Writes a file under the project with an mtime an hour ago (files people work on are
    /// rarely younger than the sweep's 10 minutes).
    fn put(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        write_old(&self.root.join(rel), bytes.as_ref(), self.now - HOUR);
    }

    fn put_outside(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        write_old(&self.outside.join(rel), bytes.as_ref(), self.now - HOUR);
    }

    fn link(&self, target: &str, rel: &str) {
        let at = self.root.join(rel);
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, &at).unwrap();
        // A dangling link would test something else than a link out of the project.
        assert!(at.canonicalize().is_ok_and(|real| real.starts_with(&self.outside)), "{rel} -> {target}");
    }

    /// A history id `age` ago (`k` keeps ids of one instant apart).
    fn old_id(&self, k: u32, age: Duration) -> String {
        let ns = (self.now - age).duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos();
        format!("{ns:020}-{k:08x}")
    }

    fn history_entry(&self, kind: &str, name: &str, id: &str, reason: &str, bytes: &str) {
        let etag = sha256_hex(bytes.as_bytes());
        write_old(
            &self.history.join(kind).join(name).join(format!("{id}.{reason}.{etag}")),
            bytes.as_bytes(),
            self.now - HOUR,
        );
    }

    fn trash_item(&self, id: &str, kind: &str, name: &str, files: &[(&str, &str)]) {
        let item = self.history.join("trash").join(id);
        for (rel, bytes) in files {
            write_old(&item.join(rel), bytes.as_bytes(), self.now - DAY);
        }
        let meta = json!({"id": id, "type": kind, "name": name, "deleted_at": "2026-11-30T00:00:00Z"});
        write_old(&item.join("meta.json"), meta.to_string().as_bytes(), self.now - DAY);
    }

    /// A skill folder that is a link out of the project (`.memtomem/skills/shared`), holding an
    /// old file with a temp file's name that no sweep may touch. Returns its `SKILL.md`.
    fn hostile(&self) -> String {
        let manifest = skill("shared", "lives outside the project");
        self.put_outside("shared-skill/SKILL.md", &manifest);
        self.put_outside("shared-skill/.SKILL.md.ctxgate-tmp-0123456789abcdef", "not ours to sweep\n");
        self.link("../../../outside/shared-skill", ".memtomem/skills/shared");
        manifest
    }

    fn op_args(&self, request: &Value) -> Vec<String> {
        let mut args = vec!["op".to_owned(), "--root".to_owned(), self.root.display().to_string()];
        if let Some(dir) = &self.history_arg {
            args.extend(["--history-dir".to_owned(), dir.display().to_string()]);
        }
        args.push(request.to_string());
        args
    }

    fn serve_args(&self) -> Vec<String> {
        let mut args = vec!["--watch".to_owned(), "off".to_owned()];
        if let Some(dir) = &self.history_arg {
            args.extend(["--history-dir".to_owned(), dir.display().to_string()]);
        }
        args
    }

    /// The top folder's entries: nothing but project/, outside/ (and history/) may be there.
    fn top_listing(&self) -> BTreeSet<String> {
        fs::read_dir(&self.top).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()
    }
}

fn write_old(path: &Path, bytes: &[u8], mtime: SystemTime) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
    fs::File::options().write(true).open(path).unwrap().set_modified(mtime).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Faults and strace.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Profile {
    /// `RENAME_EXCHANGE` works.
    Exchange,
    /// Every `renameat2` answers EINVAL (a file system without it): the fallbacks run.
    NoExchange,
}

impl Profile {
    fn word(self) -> &'static str {
        match self {
            Profile::Exchange => "exchange",
            Profile::NoExchange => "no-exchange",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Kill,
    Errno(&'static str),
}

impl Fault {
    fn word(self) -> &'static str {
        match self {
            Fault::Kill => "KILL",
            Fault::Errno(errno) => errno,
        }
    }

    fn inject(self) -> String {
        match self {
            Fault::Kill => "signal=KILL".to_owned(),
            Fault::Errno(errno) => format!("error={errno}"),
        }
    }
}

/// The faults tried at every point of `syscall`.
fn faults_for(syscall: &str, profile: Profile, full: bool) -> Vec<Fault> {
    if profile == Profile::NoExchange && syscall == "renameat2" {
        return Vec::new(); // every call already answers EINVAL
    }
    let mut faults = vec![Fault::Kill];
    if full || WRITE_AND_FSYNC.contains(&syscall) {
        faults.extend([Fault::Errno("EIO"), Fault::Errno("ENOSPC")]);
    }
    if syscall == "renameat2" {
        faults.push(Fault::Errno("EINVAL"));
    }
    if full && RENAMES.contains(&syscall) {
        // History on another file system: the copy fallbacks.
        faults.push(Fault::Errno("EXDEV"));
    }
    faults
}

#[derive(Clone, Copy, Debug)]
struct Point {
    profile: Profile,
    syscall: &'static str,
    n: usize,
    fault: Fault,
}

impl std::fmt::Display for Point {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "profile={} syscall={} N={} fault={}", self.profile.word(), self.syscall, self.n, self.fault.word())
    }
}

fn strace_command(world: &World, request: &Value, profile: Profile, point: Option<Point>, log: &Path) -> Command {
    let mut trace: Vec<&str> = match point {
        Some(point) => vec![point.syscall],
        None => TRACED.to_vec(),
    };
    let mut command = Command::new("strace");
    command.args(["-f", "-qq", "-o"]).arg(log);
    if profile == Profile::NoExchange {
        if !trace.contains(&"renameat2") {
            trace.push("renameat2");
        }
        command.args(["-e", "inject=renameat2:error=EINVAL"]);
    }
    command.arg("-e").arg(format!("trace={}", trace.join(",")));
    if let Some(point) = point {
        command.arg("-e").arg(format!("inject={}:{}:when={}", point.syscall, point.fault.inject(), point.n));
    }
    command.arg("--").arg(common::binary()).args(world.op_args(request));
    command.env("RUST_LOG", "info").stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// Runs a command to its end (killed after `limit`); its stdout and stderr.
fn run_bounded(mut command: Command, limit: Duration) -> (String, String) {
    let mut child = command.spawn().expect("spawn strace (is it installed? scripts/setup installs it)");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (out_reader.join().unwrap(), err_reader.join().unwrap())
}

/// Calls per syscall name in an strace log (`PID name(…`); signal and exit lines skipped.
fn count_calls(log: &str) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for line in log.lines() {
        let call = line.split_once(' ').map(|(_, rest)| rest.trim_start()).unwrap_or(line);
        let Some((name, _)) = call.split_once('(') else { continue };
        if let Some(known) = TRACED.iter().find(|t| **t == name) {
            *counts.entry(*known).or_default() += 1;
        }
    }
    counts
}

// ---------------------------------------------------------------------------------------------
// One run: fault, restart, next op, invariant.
// ---------------------------------------------------------------------------------------------

/// What must be readable after the run besides the pre-fault versions.
#[derive(Default)]
struct Acks {
    contents: Vec<Expect>,
    history_ids: Vec<String>,
    trash_ids: Vec<String>,
}

impl Acks {
    fn take(&mut self, who: &str, answer: &Value, ok: bool, content: Option<&[u8]>) {
        if !ok {
            return;
        }
        if let Some(content) = content {
            self.contents.push(v(&format!("content {who} acknowledged"), content));
        }
        for replaced in answer["replaced"].as_array().into_iter().flatten() {
            if let Some(id) = replaced["history_id"].as_str() {
                self.history_ids.push(id.to_owned());
            }
        }
        if let Some(id) = answer["trash_id"].as_str() {
            self.trash_ids.push(id.to_owned());
        }
    }
}

struct RunResult {
    problems: Vec<String>,
    /// The next op over REST did not answer 2xx (not a violation by itself).
    next_failed: bool,
}

fn run_once(row: &Row, profile: Profile, point: Option<Point>) -> RunResult {
    let world = World::new(row.history_dir);
    let plan = (row.build)(&world);
    let outside_before = snapshot(&world.outside);
    let top_before = world.top_listing();
    let (stdout, _stderr) =
        run_bounded(strace_command(&world, &plan.op, profile, point, Path::new("/dev/null")), Duration::from_secs(60));
    let mut acks = Acks::default();
    if let Some(answer) = stdout.lines().last().and_then(|line| serde_json::from_str::<Value>(line).ok()) {
        acks.take("by the op", &answer, answer["ok"] == true, plan.op_content.as_deref());
    }
    let mut problems = Vec::new();
    let args = world.serve_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = match Server::try_start_on(&world.root, &args, &[]) {
        Ok(server) => server,
        Err(stderr) => {
            problems.push(format!("the server did not start: {}", stderr.lines().last().unwrap_or("")));
            return RunResult { problems, next_failed: true };
        }
    };
    let next_failed = !next_op(&server, &plan.next, &mut acks);
    let readable = collect(&server, &world);
    drop(server);
    for expect in plan.expect.iter().chain(&acks.contents) {
        let found = match expect.place {
            Place::Served => &readable.versions,
            Place::MemtomemVersions => &readable.memtomem_versions,
        };
        if !found.contains(&expect.bytes) {
            problems.push(format!("lost {:?}: {}", expect.label, where_on_disk(&world, &expect.bytes)));
        }
    }
    for id in &acks.history_ids {
        if !readable.history_ids.contains(id) {
            problems.push(format!("acknowledged history entry {id} is not served"));
        }
    }
    for id in &acks.trash_ids {
        if !readable.trash_ids.contains(id) {
            problems.push(format!("acknowledged trash item {id} is not listed"));
        }
    }
    let outside_after = snapshot(&world.outside);
    if outside_after != outside_before {
        let changed: Vec<String> = outside_before
            .keys()
            .chain(outside_after.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|p| outside_before.get(*p) != outside_after.get(*p))
            .map(|p| p.strip_prefix(&world.top).unwrap_or(p).display().to_string())
            .collect();
        problems.push(format!("outside/ changed: {}", changed.join(", ")));
    }
    let top_after = world.top_listing();
    if top_after != top_before {
        problems
            .push(format!("created beside the project: {:?}", top_after.difference(&top_before).collect::<Vec<_>>()));
    }
    RunResult { problems, next_failed }
}

/// The next operation over REST; `false` when it did not answer 2xx.
fn next_op(server: &Server, next: &Next, acks: &mut Acks) -> bool {
    let current = |kind: &str, name: &str| -> Option<Value> {
        let (status, body) = json(server.get(&format!("/api/context/{kind}/{name}")));
        (status == 200).then_some(body)
    };
    let (status, body, content): (u16, Value, Option<&[u8]>) = match next {
        Next::Create { kind, name, content } => {
            let (status, body) =
                json(server.post(&format!("/api/context/{kind}"), &json!({"name": name, "content": content})));
            (status, body, Some(content.as_bytes()))
        }
        Next::Save { kind, name, content } => {
            let Some(now) = current(kind, name) else { return false };
            let request = json!({"content": content, "mtime_ns": now["mtime_ns"], "etag": now["etag"]});
            let (status, body) = json(server.put(&format!("/api/context/{kind}/{name}"), &request));
            (status, body, Some(content.as_bytes()))
        }
        Next::Force { kind, name, content, stale } => {
            let Some(now) = current(kind, name) else { return false };
            let request =
                json!({"content": content, "mtime_ns": "1", "etag": stale, "force": true, "seen_etag": now["etag"]});
            let (status, body) = json(server.put(&format!("/api/context/{kind}/{name}"), &request));
            (status, body, Some(content.as_bytes()))
        }
        Next::Restore { kind, name, entry } => {
            let Some(now) = current(kind, name) else { return false };
            let (_, history) = json(server.get(&format!("/api/context/{kind}/{name}/history")));
            let etag = sha256_hex(entry.as_bytes());
            let Some(id) = history["entries"].as_array().into_iter().flatten().find(|e| e["etag"] == etag.as_str())
            else {
                return false;
            };
            let request = json!({"content": entry, "mtime_ns": now["mtime_ns"], "etag": now["etag"],
                "restored_from": id["id"]});
            let (status, body) = json(server.put(&format!("/api/context/{kind}/{name}"), &request));
            (status, body, Some(entry.as_bytes()))
        }
        Next::Delete { kind, name } => {
            let (status, body) = json(server.delete(&format!("/api/context/{kind}/{name}")));
            (status, body, None)
        }
        Next::TrashRestore { id } => {
            let (status, body) =
                json(server.client.post(server.url(&format!("/api/context/trash/{id}/restore"))).send().unwrap());
            (status, body, None)
        }
        Next::Sync { kind } => {
            let (status, body) =
                json(server.client.post(server.url(&format!("/api/context/{kind}/sync"))).send().unwrap());
            (status, body, None)
        }
        Next::Import { kind, overwrite } => {
            let (status, body) =
                json(server.post(&format!("/api/context/{kind}/import"), &json!({"overwrite": overwrite})));
            (status, body, None)
        }
        Next::Restart => return true,
    };
    let ok = (200..300).contains(&status);
    acks.take("by the next op", &body, ok, content);
    // A create of a name the faulted create did make is refused, as it should be.
    ok || (matches!(next, Next::Create { .. }) && status == 409)
}

/// Everything that can be read after the run.
#[derive(Default)]
struct Readable {
    versions: HashSet<Vec<u8>>,
    memtomem_versions: HashSet<Vec<u8>>,
    history_ids: HashSet<String>,
    trash_ids: HashSet<String>,
}

/// Collects every readable version: working files (API) and a skill folder's other files
/// (disk, as `files` names them); history entries (API) and runtime skill trees
/// (`<history>/<type>/<name>/runtime-trees/`, disk: the API serves only their `SKILL.md`);
/// trash items (listed by the API, their bytes read from `<history>/trash/<id>/`); runtime
/// files (disk); apart from those, memtomem's `versions/` (disk).
fn collect(server: &Server, world: &World) -> Readable {
    let mut readable = Readable::default();
    for kind in common::TYPES {
        let (_, list) = json(server.get(&format!("/api/context/{kind}")));
        let mut names: BTreeSet<String> = BTreeSet::new();
        for item in list[kind].as_array().into_iter().flatten() {
            let Some(name) = item["name"].as_str() else { continue };
            names.insert(name.to_owned());
            if item["canonical_path"].is_null() {
                continue;
            }
            let (status, body) = json(server.get(&format!("/api/context/{kind}/{name}")));
            if status != 200 {
                continue;
            }
            if let Some(content) = body["content"].as_str() {
                readable.versions.insert(content.as_bytes().to_vec());
            }
            let folder = world.root.join(".memtomem").join(kind).join(name);
            for file in body["files"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if let Ok(bytes) = fs::read(folder.join(file)) {
                    readable.versions.insert(bytes);
                }
            }
            walk_files(&folder.join("versions"), &mut |bytes| {
                readable.memtomem_versions.insert(bytes);
            });
        }
        // History outlives its artifact: its names come from the history folder too.
        if let Ok(entries) = fs::read_dir(world.history.join(kind)) {
            names.extend(entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()));
        }
        for name in names {
            let (status, history) = json(server.get(&format!("/api/context/{kind}/{name}/history")));
            if status != 200 {
                continue;
            }
            for entry in history["entries"].as_array().into_iter().flatten() {
                let Some(id) = entry["id"].as_str() else { continue };
                let (status, body) = json(server.get(&format!("/api/context/{kind}/{name}/history/{id}")));
                if let (200, Some(content)) = (status, body["content"].as_str()) {
                    readable.versions.insert(content.as_bytes().to_vec());
                    readable.history_ids.insert(id.to_owned());
                }
            }
            let trees = world.history.join(kind).join(&name).join("runtime-trees");
            for tree in fs::read_dir(&trees).into_iter().flatten().flatten() {
                let tree_name = tree.file_name().to_string_lossy().into_owned();
                let Some((id, _runtime)) = tree_name.split_once('.') else { continue };
                readable.history_ids.insert(id.to_owned());
                walk_files(&tree.path(), &mut |bytes| {
                    readable.versions.insert(bytes);
                });
            }
        }
    }
    let (_, trash) = json(server.get("/api/context/trash"));
    for item in trash["items"].as_array().into_iter().flatten() {
        let Some(id) = item["id"].as_str() else { continue };
        readable.trash_ids.insert(id.to_owned());
        walk_files(&world.history.join("trash").join(id), &mut |bytes| {
            readable.versions.insert(bytes);
        });
    }
    for dir in RUNTIME_DIRS {
        for entry in fs::read_dir(world.root.join(dir)).into_iter().flatten().flatten() {
            // Hidden names are locks, temps, staging and move-aside folders: not runtime files.
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            walk_files(&entry.path(), &mut |bytes| {
                readable.versions.insert(bytes);
            });
        }
    }
    readable
}

/// Calls `each` with the bytes of every regular file at or under `path` (links not followed).
fn walk_files(path: &Path, each: &mut dyn FnMut(Vec<u8>)) {
    let Ok(meta) = fs::symlink_metadata(path) else { return };
    if meta.is_file() {
        if let Ok(bytes) = fs::read(path) {
            each(bytes);
        }
    } else if meta.is_dir() {
        for entry in fs::read_dir(path).into_iter().flatten().flatten() {
            walk_files(&entry.path(), each);
        }
    }
}

/// Where a lost version still is on disk, if anywhere (for the report).
fn where_on_disk(world: &World, bytes: &[u8]) -> String {
    fn search(dir: &Path, bytes: &[u8], top: &Path, found: &mut Vec<String>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else { continue };
            if meta.is_dir() {
                search(&path, bytes, top, found);
            } else if meta.is_file() && fs::read(&path).is_ok_and(|b| b == bytes) {
                found.push(path.strip_prefix(top).unwrap_or(&path).display().to_string());
            }
        }
    }
    let mut found = Vec::new();
    search(&world.root, bytes, &world.top, &mut found);
    if world.history_arg.is_some() {
        search(&world.history, bytes, &world.top, &mut found);
    }
    if found.is_empty() {
        "nowhere on disk".to_owned()
    } else {
        format!("not served, only on disk at {}", found.join(", "))
    }
}

// ---------------------------------------------------------------------------------------------
// The enumeration.
// ---------------------------------------------------------------------------------------------

struct Budget {
    full: bool,
    rows: Vec<&'static Row>,
    jobs: usize,
}

impl Budget {
    fn from_env() -> Budget {
        let full = std::env::var("CTXGATE_FAULTS").is_ok_and(|v| v == "full");
        let only: Option<Vec<String>> = std::env::var("CTXGATE_FAULTS_OPS")
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect());
        let rows = ROWS.iter().filter(|row| only.as_ref().is_none_or(|o| o.iter().any(|n| n == row.name))).collect();
        // Two cores: at most two runs at a time.
        let jobs = std::env::var("CTXGATE_FAULTS_JOBS").ok().and_then(|j| j.parse().ok()).unwrap_or(2usize).clamp(1, 2);
        Budget { full, rows, jobs }
    }
}

/// Records the op's syscalls under `profile`: (name → count); two recordings must agree, or
/// point N would not be the same point in the faulted runs.
fn record(row: &Row, profile: Profile) -> Result<BTreeMap<&'static str, usize>, String> {
    let mut seen = Vec::new();
    for _ in 0..2 {
        let world = World::new(row.history_dir);
        let plan = (row.build)(&world);
        let log = world.top.join("strace.log");
        let (stdout, stderr) =
            run_bounded(strace_command(&world, &plan.op, profile, None, &log), Duration::from_secs(60));
        let answer: Value = stdout
            .lines()
            .last()
            .and_then(|l| serde_json::from_str(l).ok())
            .ok_or_else(|| format!("{}: `ctxgate op` printed no answer; stderr: {stderr}", row.name))?;
        if answer["ok"] != true {
            return Err(format!("{} ({}): the op failed without a fault: {answer}", row.name, profile.word()));
        }
        seen.push(count_calls(&fs::read_to_string(&log).unwrap_or_default()));
    }
    if seen[0] != seen[1] {
        return Err(format!("{}: two recordings differ: {:?} vs {:?}", row.name, seen[0], seen[1]));
    }
    Ok(seen.swap_remove(0))
}

struct Job {
    row: &'static Row,
    point: Option<Point>,
    profile: Profile,
}

#[derive(Default)]
struct Tally {
    points: BTreeMap<&'static str, BTreeMap<&'static str, usize>>,
    runs: usize,
    violations: Vec<String>,
    next_failed: usize,
}

fn enumerate(budget: &Budget) -> (BTreeMap<(&'static str, &'static str), Tally>, Vec<String>) {
    let mut jobs = Vec::new();
    let mut tallies: BTreeMap<(&'static str, &'static str), Tally> = BTreeMap::new();
    let mut errors = Vec::new();
    for row in &budget.rows {
        for profile in [Profile::Exchange, Profile::NoExchange] {
            let counts = match record(row, profile) {
                Ok(counts) => counts,
                Err(err) => {
                    errors.push(err);
                    continue;
                }
            };
            let tally = tallies.entry((row.name, profile.word())).or_default();
            // The unfaulted run first: a row whose invariant fails without faults is wrong.
            jobs.push(Job { row, point: None, profile });
            for (&syscall, &count) in &counts {
                let faults = faults_for(syscall, profile, budget.full);
                if !faults.is_empty() {
                    tally.points.entry(syscall).or_default();
                }
                for n in 1..=count {
                    for &fault in &faults {
                        *tally.points.get_mut(syscall).unwrap().entry(fault.word()).or_default() += 1;
                        jobs.push(Job { row, point: Some(Point { profile, syscall, n, fault }), profile });
                    }
                }
            }
        }
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, RunResult)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..budget.jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(job) = jobs.get(i) else { break };
                let result = run_once(job.row, job.profile, job.point);
                results.lock().unwrap().push((i, result));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    for (i, result) in results {
        let job = &jobs[i];
        let tally = tallies.get_mut(&(job.row.name, job.profile.word())).unwrap();
        tally.runs += 1;
        tally.next_failed += usize::from(result.next_failed);
        let at = match job.point {
            Some(point) => point.to_string(),
            None => format!("profile={} no fault", job.profile.word()),
        };
        for problem in result.problems {
            tally.violations.push(format!("VIOLATION op={} {at}: {problem}", job.row.name));
        }
    }
    (tallies, errors)
}

fn print_table(tallies: &BTreeMap<(&'static str, &'static str), Tally>) {
    println!(
        "{:<16} {:<12} {:>5} {:>10} {:>9}  points covered: syscall[fault=points]",
        "op", "profile", "runs", "violations", "next!2xx"
    );
    for row in ROWS {
        for profile in ["exchange", "no-exchange"] {
            let Some(tally) = tallies.get(&(row.name, profile)) else { continue };
            let points: Vec<String> = tally
                .points
                .iter()
                .map(|(syscall, faults)| {
                    let per: Vec<String> = faults.iter().map(|(f, n)| format!("{f}={n}")).collect();
                    format!("{syscall}[{}]", per.join(" "))
                })
                .collect();
            println!(
                "{:<16} {:<12} {:>5} {:>10} {:>9}  {}",
                row.name,
                profile,
                tally.runs,
                tally.violations.len(),
                tally.next_failed,
                points.join(" ")
            );
        }
    }
}

fn strace_available() -> bool {
    Command::new("strace").arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// The enumeration over the budget from the environment (default, or `CTXGATE_FAULTS=full`).
#[test]
#[ignore = "minutes long: scripts/test runs it as its own stage (cargo test -p server --test faults -- --ignored)"]
fn fault_enumeration() {
    assert!(strace_available(), "strace is missing: run scripts/setup (it installs Debian's strace)");
    let budget = Budget::from_env();
    let started = Instant::now();
    let (tallies, errors) = enumerate(&budget);
    print_table(&tallies);
    let violations: Vec<&String> = tallies.values().flat_map(|t| &t.violations).collect();
    for line in &violations {
        println!("{line}");
    }
    println!(
        "fault enumeration ({}): {} runs, {} violations, {:.0} s",
        if budget.full { "full matrix" } else { "default budget" },
        tallies.values().map(|t| t.runs).sum::<usize>(),
        violations.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(errors.is_empty(), "rows that could not be recorded:\n{}", errors.join("\n"));
    let report_only = std::env::var("CTXGATE_FAULTS_REPORT_ONLY").is_ok_and(|v| v == "1");
    assert!(report_only || violations.is_empty(), "{} violations (lines above)", violations.len());
}

/// Every row, once without faults: the fixture builds, the op succeeds under strace with the
/// same syscalls twice, and the invariant holds (a row that fails here would make every fault
/// look like a violation).
#[test]
fn fault_rows_hold_without_faults() {
    assert!(strace_available(), "strace is missing: run scripts/setup (it installs Debian's strace)");
    let mut failures = Vec::new();
    for row in ROWS {
        if let Err(err) = record(row, Profile::Exchange) {
            failures.push(err);
            continue;
        }
        let result = run_once(row, Profile::Exchange, None);
        failures.extend(result.problems.into_iter().map(|p| format!("{}: {p}", row.name)));
        if result.next_failed {
            failures.push(format!("{}: the next op over REST did not answer 2xx", row.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The outside check is not blind: a save through a working file that links out of the project
/// (which the store writes through, by design) must be reported.
#[test]
fn the_check_sees_a_change_outside() {
    fn leak_row(w: &World) -> Plan {
        let v0 = agent("leak", "lives outside the project");
        w.put_outside("leak.md", &v0);
        w.link("../../../outside/leak.md", ".memtomem/agents/leak.md");
        let content = agent("leak", "written through the link");
        Plan {
            op: json!({"op": "save", "type": "agents", "name": "leak", "content": content,
                "etag": sha256_hex(v0.as_bytes())}),
            op_content: Some(content.into_bytes()),
            next: Next::Restart,
            expect: vec![v("v0", v0)],
        }
    }
    assert!(strace_available(), "strace is missing: run scripts/setup (it installs Debian's strace)");
    let row = Row { name: "leak", history_dir: false, build: leak_row };
    let result = run_once(&row, Profile::Exchange, None);
    assert!(
        result.problems.iter().any(|p| p.starts_with("outside/ changed: outside/leak.md")),
        "{:?}",
        result.problems
    );
}
