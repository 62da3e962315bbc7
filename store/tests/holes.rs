//! The holes a review found in sync, history, trash and import (issue "Nothing lost by
//! construction"), one test each, against real files. Each failed on the code before its fix.
//! (The crash and fault ones are in `fault_points.rs`; the watcher and HTTP ones in `server/tests/`.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::fs;
use std::path::{Path, PathBuf};
use store::{Kind, Store, StoreError, Update};

fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    (dir, root)
}

fn write(path: &Path, bytes: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// Every version of an artifact the store can still serve: the working file and history.
fn readable(store: &Store, kind: Kind, name: &str) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = store.get(kind, name).map(|a| a.content.into_bytes()).into_iter().collect();
    for entry in store.history().list(kind, name) {
        if let Ok(Some((_, bytes))) = store.history().read(kind, name, &entry.id) {
            out.push(bytes);
        }
    }
    out
}

fn save(store: &Store, kind: Kind, name: &str, content: &str) -> Result<store::Saved, StoreError> {
    let current = store.get(kind, name)?;
    store.update(
        kind,
        name,
        &Update {
            content,
            base_mtime_ns: current.mtime_ns,
            base_etag: Some(&current.etag),
            force: false,
            seen_etag: None,
            restored: false,
        },
    )
}

/// Files under `dir` with their bytes (links as their target text), to prove nothing changed.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let meta = fs::symlink_metadata(entry.path()).unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
                out.push((entry.path(), Vec::new()));
            } else if meta.file_type().is_symlink() {
                out.push((entry.path(), fs::read_link(entry.path()).unwrap().into_os_string().into_encoded_bytes()));
            } else {
                out.push((entry.path(), fs::read(entry.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Hole 4 and 8: dot-names are never artifacts (the watcher skips them), and memtomem's and
/// ctxgate's internal names all start with one.
#[test]
fn names_with_a_leading_dot_are_refused() {
    let (_dir, root) = project();
    let store = Store::open(&root).unwrap();
    for name in [".hidden", ".staging-x-1-abcdef.tmp", ".old-x-1-abcdef.tmp", ".x.ctxgate-tmp-0123456789abcdef"] {
        assert!(matches!(store.create(Kind::Skills, name, "x\n"), Err(StoreError::InvalidName(_))), "{name}");
    }
    assert!(!root.join(".memtomem/skills/.hidden").exists());
}

/// Hole 5: recording an external replacement must reset the retention clock of that version,
/// or the next save's retention drops the version that was live seconds before.
#[test]
fn an_externally_replaced_version_survives_the_next_retention() {
    let (_dir, root) = project();
    let store = Store::open(&root).unwrap();
    store.create(Kind::Skills, "s", "first\n").unwrap();
    // 48 entries older than a day, the oldest holding "A" (retention keeps the newest 50).
    let dir = root.join(".memtomem/.ctxgate/history/skills/s");
    fs::create_dir_all(&dir).unwrap();
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 3600);
    let base_ns = day_ago.duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    for i in 0..48u128 {
        let bytes = if i == 0 { "A\n".to_owned() } else { format!("old {i}\n") };
        let etag = store::etag_of(bytes.as_bytes());
        fs::write(dir.join(format!("{:020}-{:08x}.save.{}", base_ns + i, i, etag.as_str())), bytes).unwrap();
    }
    // "A" is live, then another program replaces it: the watcher keeps "A" as `external`.
    save(&store, Kind::Skills, "s", "A\n").unwrap();
    write(&root.join(".memtomem/skills/s/SKILL.md"), "B\n");
    store.keep_external(Kind::Skills, "s", b"A\n", store::MtimeNs(0)).unwrap();
    // Two more saves run retention.
    save(&store, Kind::Skills, "s", "C\n").unwrap();
    save(&store, Kind::Skills, "s", "D\n").unwrap();
    assert!(readable(&store, Kind::Skills, "s").contains(&b"A\n".to_vec()), "the version live before B is gone");
}

/// Hole 7: `.claude/agents -> ../.memtomem/agents` (a common setup) must not let sync rewrite
/// the canonical files.
#[test]
fn sync_never_writes_through_a_runtime_folder_linked_into_the_store() {
    let (_dir, root) = project();
    let agent = "---\nname: rev\ndescription: reviews\ntools: [Read]\nmodel: opus\ncolor: red\n---\nBody\n";
    write(&root.join(".memtomem/agents/rev.md"), agent);
    write(&root.join(".memtomem/skills/sk/SKILL.md"), "---\nname: sk\ndescription: d\n---\nbody\n");
    write(&root.join(".memtomem/skills/sk/overrides/claude.md"), "claude's own\n");
    fs::create_dir_all(root.join(".claude")).unwrap();
    std::os::unix::fs::symlink("../.memtomem/agents", root.join(".claude/agents")).unwrap();
    std::os::unix::fs::symlink("../.memtomem/skills", root.join(".claude/skills")).unwrap();
    let before = snapshot(&root.join(".memtomem"));
    let store = Store::open(&root).unwrap();
    let agents = store.sync(Kind::Agents, None).unwrap();
    let skills = store.sync(Kind::Skills, None).unwrap();
    let after: Vec<_> = snapshot(&root.join(".memtomem"))
        .into_iter()
        .filter(|(p, _)| !p.to_string_lossy().contains(".ctxgate"))
        .collect();
    let before: Vec<_> = before.into_iter().filter(|(p, _)| !p.to_string_lossy().contains(".ctxgate")).collect();
    assert_eq!(before, after, "sync changed the canonical store");
    for report in [&agents, &skills] {
        assert!(report.skipped.iter().any(|s| s.reason_code == "outside_project"), "{report:?}");
    }
}

/// Hole 10: a symlink planted in the history folder (a cloned repository can carry one) must not
/// redirect history writes outside the project.
#[test]
fn history_is_never_written_through_a_planted_link() {
    let (_dir, root) = project();
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("keep.txt"), "mine\n");
    write(&root.join(".memtomem/skills/s/SKILL.md"), "v0\n");
    fs::create_dir_all(root.join(".memtomem/.ctxgate/history/skills")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join(".memtomem/.ctxgate/history/skills/s")).unwrap();
    let before = snapshot(outside.path());
    let store = Store::open(&root).unwrap();
    let saved = save(&store, Kind::Skills, "s", "v1\n");
    assert!(matches!(saved, Err(StoreError::HistoryUnavailable(_))), "{saved:?}");
    assert_eq!(fs::read_to_string(root.join(".memtomem/skills/s/SKILL.md")).unwrap(), "v0\n");
    let _ = store.delete(Kind::Skills, "s");
    let _ = store.keep_external(Kind::Skills, "s", b"other\n", store::MtimeNs(0));
    assert_eq!(snapshot(outside.path()), before, "history wrote outside the project");
}

/// Hole 11: import must not read through a link that leaves the project.
#[test]
fn import_never_reads_through_a_link_out_of_the_project() {
    let (_dir, root) = project();
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("secret"), "---\nname: x\ndescription: secret\n---\nkey=hunter2\n");
    write(&outside.path().join("skill/SKILL.md"), "---\nname: y\ndescription: secret\n---\nkey\n");
    fs::create_dir_all(root.join(".claude/agents")).unwrap();
    fs::create_dir_all(root.join(".claude/skills")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret"), root.join(".claude/agents/x.md")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("skill"), root.join(".claude/skills/y")).unwrap();
    let store = Store::open(&root).unwrap();
    let agents = store.import(Kind::Agents, None, false).unwrap();
    let skills = store.import(Kind::Skills, None, false).unwrap();
    assert!(agents.imported.is_empty() && skills.imported.is_empty(), "{agents:?} {skills:?}");
    assert!(!root.join(".memtomem/agents/x").exists() && !root.join(".memtomem/skills/y").exists());
    assert!(agents.skipped.iter().any(|s| s.name == "x" && s.reason_code == "outside_project"), "{agents:?}");
}

/// Hole 12: two projects given one `--history-dir` must not share trash or retention.
#[test]
fn projects_sharing_a_history_dir_keep_their_own_trash() {
    let history = tempfile::tempdir().unwrap();
    let (_one, root1) = project();
    let (_two, root2) = project();
    let one = Store::open_with_history(&root1, Some(history.path())).unwrap();
    let two = Store::open_with_history(&root2, Some(history.path())).unwrap();
    one.create(Kind::Skills, "s", "project one\n").unwrap();
    let deleted = one.delete(Kind::Skills, "s").unwrap();
    assert!(two.history().trash_items().is_empty(), "project 2 lists project 1's trash");
    assert!(two.restore_trash(deleted.trash_id.as_ref().unwrap()).is_err());
    assert!(!root2.join(".memtomem/skills/s").exists());
    assert_eq!(one.history().trash_items().len(), 1);
}

/// Hole 13: a `--history-dir` on another file system: restore works, and the files keep their
/// mtimes through the trash. (/dev/shm is a tmpfs; the project is on the disk.)
#[test]
fn trash_on_another_file_system_restores_with_mtimes() {
    use std::os::unix::fs::MetadataExt;
    let history = tempfile::tempdir_in("/dev/shm").expect("a tmpfs at /dev/shm");
    let (_dir, root) = project();
    assert_ne!(
        fs::metadata(history.path()).unwrap().dev(),
        fs::metadata(&root).unwrap().dev(),
        "the test needs two file systems"
    );
    write(&root.join(".memtomem/skills/s/SKILL.md"), "v0\n");
    write(&root.join(".memtomem/skills/s/notes/a.txt"), "a\n");
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    for file in ["SKILL.md", "notes/a.txt"] {
        fs::File::options()
            .write(true)
            .open(root.join(".memtomem/skills/s").join(file))
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let store = Store::open_with_history(&root, Some(history.path())).unwrap();
    let deleted = store.delete(Kind::Skills, "s").unwrap();
    assert!(!root.join(".memtomem/skills/s").exists());
    let restored = store.restore_trash(deleted.trash_id.as_ref().unwrap());
    assert!(restored.is_ok(), "{restored:?}");
    for file in ["SKILL.md", "notes/a.txt"] {
        let meta = fs::metadata(root.join(".memtomem/skills/s").join(file)).unwrap();
        assert_eq!(meta.modified().unwrap(), old, "{file} lost its mtime");
    }
    assert_eq!(fs::read_to_string(root.join(".memtomem/skills/s/notes/a.txt")).unwrap(), "a\n");
}

/// Hole 15: an empty leftover folder of a deleted skill's name must not block its restore.
#[test]
fn an_empty_leftover_folder_does_not_block_a_restore() {
    let (_dir, root) = project();
    let store = Store::open(&root).unwrap();
    store.create(Kind::Skills, "s", "v0\n").unwrap();
    let deleted = store.delete(Kind::Skills, "s").unwrap();
    fs::create_dir(root.join(".memtomem/skills/s")).unwrap();
    let restored = store.restore_trash(deleted.trash_id.as_ref().unwrap());
    assert!(restored.is_ok(), "{restored:?}");
    assert_eq!(store.get(Kind::Skills, "s").unwrap().content, "v0\n");
    // A folder with something in it is not a leftover: that restore is still refused.
    let deleted = store.delete(Kind::Skills, "s").unwrap();
    write(&root.join(".memtomem/skills/s/notes.txt"), "someone's\n");
    assert!(matches!(store.restore_trash(deleted.trash_id.as_ref().unwrap()), Err(StoreError::AlreadyExists)));
    assert_eq!(fs::read_to_string(root.join(".memtomem/skills/s/notes.txt")).unwrap(), "someone's\n");
}

/// Review finding: a runtime skill folder's links and files with names that are not UTF-8 are
/// never reproduced by sync, so the folder they were in is kept whole, not deleted.
#[test]
fn sync_keeps_a_runtime_folder_holding_links_and_unnamed_files() {
    use std::os::unix::ffi::OsStrExt;
    let (_dir, root) = project();
    write(&root.join(".memtomem/skills/s/SKILL.md"), "---\nname: s\ndescription: d\n---\ncanonical\n");
    // The same SKILL.md: only the link and the unnamed file differ from what sync writes.
    write(&root.join(".claude/skills/s/SKILL.md"), "---\nname: s\ndescription: d\n---\ncanonical\n");
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    fs::write(root.join(".claude/skills/s").join(odd), "only here\n").unwrap();
    std::os::unix::fs::symlink("../../../data", root.join(".claude/skills/s/data")).unwrap();
    let store = Store::open(&root).unwrap();
    let report = store.sync(Kind::Skills, Some("s")).unwrap();
    assert!(report.skipped.is_empty(), "{report:?}");
    let trees = store.history().dir().join("skills/s/runtime-trees");
    let kept: Vec<PathBuf> = fs::read_dir(&trees).unwrap().flatten().map(|e| e.path()).collect();
    let claude = kept.iter().find(|p| p.to_string_lossy().ends_with(".claude_skills")).expect("claude's folder kept");
    assert_eq!(fs::read(claude.join(odd)).unwrap(), b"only here\n");
    assert_eq!(fs::read_link(claude.join("data")).unwrap(), Path::new("../../../data"));
}

/// Review finding: an old entry that happens to hold the version being replaced (a restore from
/// a trash two days old, then a save) is not reused: retention would soon drop it.
#[test]
fn a_replaced_version_gets_a_young_entry_even_when_an_old_one_holds_it() {
    let (_dir, root) = project();
    let store = Store::open(&root).unwrap();
    store.create(Kind::Skills, "s", "X\n").unwrap();
    let dir = root.join(".memtomem/.ctxgate/history/skills/s");
    fs::create_dir_all(&dir).unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 3600);
    let ns = old.duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    fs::write(dir.join(format!("{ns:020}-00000000.delete.{}", store::etag_of(b"X\n").as_str())), "X\n").unwrap();
    save(&store, Kind::Skills, "s", "Y\n").unwrap();
    let young: Vec<_> = store
        .history()
        .list(Kind::Skills, "s")
        .into_iter()
        .filter(|e| e.id.as_str() > &format!("{ns:020}-00000000")[..])
        .collect();
    assert_eq!(young.len(), 1, "{young:?}");
    assert_eq!(store.history().read(Kind::Skills, "s", &young[0].id).unwrap().unwrap().1, b"X\n");
}

/// Review finding: planted links at memtomem's `versions/` folder and at a lock file must not
/// make a force save write outside the project.
#[test]
fn planted_versions_and_lock_links_write_nothing_outside() {
    let (_dir, root) = project();
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("keep.txt"), "mine\n");
    write(&root.join(".memtomem/agents/a/agent.md"), "---\nname: a\ndescription: d\n---\nv0\n");
    std::os::unix::fs::symlink(outside.path(), root.join(".memtomem/agents/a/versions")).unwrap();
    write(&root.join(".memtomem/agents/b/agent.md"), "---\nname: b\ndescription: d\n---\nv0\n");
    std::os::unix::fs::symlink(outside.path().join("made-by-ctxgate"), root.join(".memtomem/agents/.b.lock")).unwrap();
    let before = snapshot(outside.path());
    let store = Store::open(&root).unwrap();
    for name in ["a", "b"] {
        let current = store.get(Kind::Agents, name).unwrap();
        // A stale force: memtomem's version freeze runs for folder-layout agents.
        let _ = store.update(
            Kind::Agents,
            name,
            &Update {
                content: "forced\n",
                base_mtime_ns: store::MtimeNs(1),
                base_etag: None,
                force: true,
                seen_etag: Some(&current.etag),
                restored: false,
            },
        );
    }
    assert_eq!(snapshot(outside.path()), before, "a write went outside the project");
}
