//! History and trash over real HTTP (docs/API.md, "History"): every byte ctxgate replaces or
//! removes comes back.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::{json, Server};
use serde_json::{json, Value};
use std::fs;
use std::io::Write;
use std::path::Path;

fn put(server: &Server, kind: &str, name: &str, body: Value) -> (u16, Value) {
    json(server.put(&format!("/api/context/{kind}/{name}"), &body))
}

fn tokens(server: &Server, kind: &str, name: &str) -> (String, String) {
    let (status, body) = json(server.get(&format!("/api/context/{kind}/{name}")));
    assert_eq!(status, 200, "{body}");
    (body["mtime_ns"].as_str().unwrap().to_owned(), body["etag"].as_str().unwrap().to_owned())
}

fn entries(server: &Server, kind: &str, name: &str) -> Vec<Value> {
    let (status, body) = json(server.get(&format!("/api/context/{kind}/{name}/history")));
    assert_eq!(status, 200, "{body}");
    body["entries"].as_array().unwrap().clone()
}

fn entry_text(server: &Server, kind: &str, name: &str, id: &str) -> String {
    let (status, body) = json(server.get(&format!("/api/context/{kind}/{name}/history/{id}")));
    assert_eq!(status, 200, "{body}");
    body["content"].as_str().unwrap().to_owned()
}

fn write_external(path: &Path, text: &str) {
    let temp = path.with_extension("ext-tmp");
    fs::write(&temp, text).unwrap();
    fs::rename(&temp, path).unwrap();
}

#[test]
fn every_reason_keeps_exactly_one_entry_with_the_replaced_bytes() {
    let server = Server::start();
    for kind in common::TYPES {
        let file = server.file(&common::folder_file(kind, "h"));
        common::create(&server, kind, "h", "v1\n");
        // save
        let (mtime, etag) = tokens(&server, kind, "h");
        assert_eq!(put(&server, kind, "h", json!({"content": "v2\n", "mtime_ns": mtime, "etag": etag})).0, 200);
        let list = entries(&server, kind, "h");
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0]["reason"], "save");
        assert_eq!(list[0]["size"], 3);
        assert_eq!(list[0]["etag"], common::sha256_hex(b"v1\n"));
        assert_eq!(entry_text(&server, kind, "h", list[0]["id"].as_str().unwrap()), "v1\n");
        // force over an external change: the external text is kept
        write_external(&file, "external\n");
        let body = json!({"content": "forced\n", "mtime_ns": mtime, "etag": etag, "force": true});
        assert_eq!(put(&server, kind, "h", body).0, 200);
        let list = entries(&server, kind, "h");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["reason"], "force");
        let force_id = list[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(entry_text(&server, kind, "h", &force_id), "external\n");
        let log = server.wait_for_log(&format!("history_id=\"{force_id}\""));
        assert!(log.contains(&format!("history_id=\"{force_id}\"")), "audit line without history_id: {log}");
        // restore (the editor's "Restore into editor", then Save)
        let (mtime, etag) = tokens(&server, kind, "h");
        let body = json!({"content": "external\n", "mtime_ns": mtime, "etag": etag, "restored_from": force_id});
        assert_eq!(put(&server, kind, "h", body).0, 200);
        let list = entries(&server, kind, "h");
        assert_eq!((list.len(), &list[0]["reason"]), (3, &json!("restore")));
        assert_eq!(entry_text(&server, kind, "h", list[0]["id"].as_str().unwrap()), "forced\n");
        // delete
        let (status, body) = json(server.delete(&format!("/api/context/{kind}/h")));
        assert_eq!(status, 200, "{body}");
        assert!(body["trash_id"].is_string(), "{body}");
        let list = entries(&server, kind, "h");
        assert_eq!((list.len(), &list[0]["reason"]), (4, &json!("delete")));
        assert_eq!(entry_text(&server, kind, "h", list[0]["id"].as_str().unwrap()), "external\n");
        // newest first, ids sortable
        let ids: Vec<&str> = list.iter().map(|e| e["id"].as_str().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(ids, sorted);
    }
    let ignore = server.file(".memtomem/.ctxgate/history/.gitignore");
    assert_eq!(fs::read_to_string(ignore).unwrap(), "*\n");
    // History is not an artifact.
    let (_, list) = json(server.get("/api/context/skills"));
    assert_eq!(list["skills"], json!([]));
}

#[test]
fn identical_consecutive_contents_are_kept_once() {
    let server = Server::start();
    let file = server.file(&common::folder_file("agents", "same"));
    common::create(&server, "agents", "same", "same\n");
    for round in 0..3 {
        write_external(&file, "same\n");
        let (mtime, etag) = tokens(&server, "agents", "same");
        let body = json!({"content": format!("round {round}\n"), "mtime_ns": mtime, "etag": etag});
        assert_eq!(put(&server, "agents", "same", body).0, 200);
    }
    assert_eq!(entries(&server, "agents", "same").len(), 1);
}

#[test]
fn retention_keeps_the_newest_fifty_and_the_young() {
    let server = Server::start();
    common::create(&server, "skills", "r", "0\n");
    // 60 entries from two days ago, made the way ctxgate names them.
    let dir = server.file(".memtomem/.ctxgate/history/skills/r");
    fs::create_dir_all(&dir).unwrap();
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    let base_ns = two_days_ago.duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    for i in 0..60u128 {
        let text = format!("old {i}\n");
        let name = format!("{:020}-{:08x}.save.{}", base_ns + i, i, common::sha256_hex(text.as_bytes()));
        fs::write(dir.join(name), text).unwrap();
    }
    // A young burst: 5 saves now.
    for i in 1..=5 {
        let (mtime, etag) = tokens(&server, "skills", "r");
        assert_eq!(
            put(&server, "skills", "r", json!({"content": format!("{i}\n"), "mtime_ns": mtime, "etag": etag})).0,
            200
        );
    }
    let list = entries(&server, "skills", "r");
    // 5 young + the 45 newest old ones = the newest 50; the 15 oldest went.
    assert_eq!(list.len(), 50, "{}", list.len());
    assert_eq!(entry_text(&server, "skills", "r", list[49]["id"].as_str().unwrap()), "old 15\n");
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 50);
}

#[test]
fn a_deleted_skill_comes_back_whole_from_the_trash() {
    let server = Server::start();
    common::create(&server, "skills", "full", "# full\n");
    let folder = server.file(".memtomem/skills/full");
    fs::create_dir_all(folder.join("scripts/deep")).unwrap();
    fs::write(folder.join("scripts/run.sh"), "#!/bin/sh\necho hi\n").unwrap();
    fs::write(folder.join("scripts/deep/data.bin"), [0u8, 159, 146, 150, 255]).unwrap();
    fs::write(folder.join("notes.md"), "notes\n").unwrap();
    let before = common::snapshot(&folder);
    let (status, body) = json(server.delete("/api/context/skills/full"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["deleted"], json!([".memtomem/skills/full"]));
    assert!(!folder.exists());
    let trash_id = body["trash_id"].as_str().unwrap().to_owned();
    let (_, trash) = json(server.get("/api/context/trash"));
    let item = &trash["items"][0];
    assert_eq!(
        (item["id"].as_str(), &item["type"], &item["name"]),
        (Some(trash_id.as_str()), &json!("skills"), &json!("full"))
    );
    assert!(item["deleted_at"].as_str().unwrap().ends_with('Z'));
    // The name taken again meanwhile → 409, the item stays.
    common::create(&server, "skills", "full", "someone else\n");
    let (status, body) = json(server.post(&format!("/api/context/trash/{trash_id}/restore"), &json!({})));
    assert_eq!((status, body["error_kind"].as_str()), (409, Some("already_exists")), "{body}");
    assert_eq!(fs::read_to_string(folder.join("SKILL.md")).unwrap(), "someone else\n");
    assert_eq!(json(server.get("/api/context/trash")).1["items"].as_array().unwrap().len(), 1);
    // Free the name again (that delete goes to the trash too), then restore → byte-identical.
    json(server.delete("/api/context/skills/full"));
    let (status, body) = json(server.post(&format!("/api/context/trash/{trash_id}/restore"), &json!({})));
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["name"], "full");
    assert_eq!(body["etag"], common::sha256_hex(b"# full\n"));
    // Restoring moves the folder back: mtimes included, so the snapshots compare exactly.
    assert_eq!(common::snapshot(&folder), before);
    let items = json(server.get("/api/context/trash")).1["items"].as_array().unwrap().clone();
    assert!(items.iter().all(|i| i["id"] != trash_id.as_str()), "{items:?}");
}

#[test]
fn unknown_and_bad_ids_read_nothing() {
    let server = Server::start();
    common::create(&server, "commands", "c", "x\n");
    let unknown = "00000000000000000001-00000000";
    let (status, body) = json(server.get(&format!("/api/context/commands/c/history/{unknown}")));
    assert_eq!((status, body["error_kind"].as_str()), (404, Some("not_found")), "{body}");
    let (status, _) = json(server.post(&format!("/api/context/trash/{unknown}/restore"), &json!({})));
    assert_eq!(status, 404);
    // A file outside the history folder that a traversal would reach.
    fs::write(server.file("secret.txt"), "secret\n").unwrap();
    for bad in ["..%2F..%2F..%2F..%2Fsecret.txt", "..", &"1".repeat(5000), "00000000000000000001-0000000G"] {
        for path in [format!("/api/context/commands/c/history/{bad}"), format!("/api/context/trash/{bad}/restore")] {
            let response = if path.ends_with("restore") { server.post(&path, &json!({})) } else { server.get(&path) };
            let status = response.status().as_u16();
            let text = response.text().unwrap();
            assert!((400..500).contains(&status), "{path}: {status} {text}");
            assert!(!text.contains("secret"), "{path}: {text}");
        }
    }
    let (status, _) = json(server.get("/api/context/commands/..%2Fx/history"));
    assert_eq!(status, 400);
}

/// A program that still had the old file open writes after ctxgate saved over it: its bytes land
/// in the history entry, not in the void.
#[test]
fn a_late_writer_writes_into_history() {
    let server = Server::start();
    common::create(&server, "skills", "late", "original\n");
    let file = server.file(&common::folder_file("skills", "late"));
    let mut late = fs::OpenOptions::new().append(true).open(&file).unwrap();
    let (mtime, etag) = tokens(&server, "skills", "late");
    assert_eq!(put(&server, "skills", "late", json!({"content": "saved\n", "mtime_ns": mtime, "etag": etag})).0, 200);
    late.write_all(b"late line\n").unwrap();
    late.sync_all().unwrap();
    drop(late);
    assert_eq!(fs::read_to_string(&file).unwrap(), "saved\n");
    let list = entries(&server, "skills", "late");
    assert_eq!(entry_text(&server, "skills", "late", list[0]["id"].as_str().unwrap()), "original\nlate line\n");
}

/// No safety net, no save: when history cannot be written the save is refused and the file is
/// byte-identical.
#[test]
fn a_save_without_history_is_refused() {
    let server = Server::start();
    common::create(&server, "agents", "n", "keep me\n");
    fs::create_dir_all(server.file(".memtomem/.ctxgate")).unwrap();
    fs::write(server.file(".memtomem/.ctxgate/history"), "a file where the folder should be").unwrap();
    let before = common::snapshot(server.root());
    let (mtime, etag) = tokens(&server, "agents", "n");
    let (status, body) = put(&server, "agents", "n", json!({"content": "new\n", "mtime_ns": mtime, "etag": etag}));
    assert_eq!((status, body["error_kind"].as_str()), (500, Some("internal")), "{body}");
    assert!(body["reason"].as_str().unwrap().contains("history"), "{body}");
    assert!(!body["reason"].as_str().unwrap().contains(server.root().to_str().unwrap()));
    let (status, _) = json(server.delete("/api/context/agents/n"));
    assert_eq!(status, 500);
    assert_eq!(common::snapshot(server.root()), before);
}

#[test]
fn history_dir_flag_puts_it_elsewhere() {
    let elsewhere = tempfile::tempdir().unwrap();
    let dir = elsewhere.path().join("hist");
    let server = Server::start_with(&["--history-dir", dir.to_str().unwrap()], &[]);
    common::create(&server, "skills", "e", "a\n");
    let (mtime, etag) = tokens(&server, "skills", "e");
    assert_eq!(put(&server, "skills", "e", json!({"content": "b\n", "mtime_ns": mtime, "etag": etag})).0, 200);
    // One folder per project inside it, named after the project (docs/DECISIONS.md).
    let projects: Vec<_> = fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(projects.len(), 1, "{projects:?}");
    let base = server
        .root()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>();
    assert!(
        projects[0].file_name().unwrap().to_string_lossy().replace(['-', '_'], "").starts_with(&base),
        "{projects:?}"
    );
    assert_eq!(fs::read_dir(projects[0].join("skills/e")).unwrap().count(), 1);
    assert!(!server.file(".memtomem/.ctxgate").exists());
}
