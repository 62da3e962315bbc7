//! docs/API.md's "Artifacts" over real HTTP: each test runs against the real binary on a temp root.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;
use serde_json::json;

#[test]
fn happy_paths_for_every_type() {
    let server = Server::start();
    for kind in TYPES {
        // empty root: lists are empty
        let (status, body) = json(server.get(&format!("/api/context/{kind}")));
        assert_eq!(status, 200);
        assert_eq!(body[kind], json!([]));
        let canonical_root = std::fs::canonicalize(server.root()).unwrap().join(".memtomem");
        assert_eq!(body["canonical_root"], json!(canonical_root.to_str().unwrap()));

        let (mtime, etag) = create(&server, kind, "demo", "hello\n");
        let path = server.file(&folder_file(kind, "demo"));
        assert_eq!(std::fs::read(&path).unwrap(), b"hello\n");
        assert_eq!(mtime, mtime_ns(&path));
        assert_eq!(etag, sha256_hex(b"hello\n"));

        let (status, body) =
            json(server.post(&format!("/api/context/{kind}"), &json!({"name": "demo", "content": "x"})));
        assert_eq!((status, body["error_kind"].as_str()), (409, Some("already_exists")));
        assert_eq!(std::fs::read(&path).unwrap(), b"hello\n");

        let resp = server.get(&format!("/api/context/{kind}/demo"));
        assert_eq!(resp.headers()["etag"].to_str().unwrap(), format!("\"{etag}\""));
        let (status, body) = json(resp);
        assert_eq!(status, 200);
        assert_eq!(body["name"], "demo");
        assert_eq!(body["content"], "hello\n");
        assert_eq!(body["mtime_ns"], json!(mtime_ns(&path)));
        assert_eq!(body["etag"], json!(sha256_hex(b"hello\n")));
        assert_eq!(body.get("files").is_some(), kind == "skills");

        bump_mtime(&path);
        let fresh = mtime_ns(&path);
        let (status, body) = json(server.put(
            &format!("/api/context/{kind}/demo"),
            &json!({"content": "hello again\n", "mtime_ns": fresh, "etag": etag}),
        ));
        assert_eq!(status, 200, "{body}");
        assert_eq!(std::fs::read(&path).unwrap(), b"hello again\n");
        assert_eq!(body, json!({"name": "demo", "mtime_ns": mtime_ns(&path), "etag": sha256_hex(b"hello again\n")}));
        assert_ne!(body["mtime_ns"], json!(fresh));

        create(&server, kind, "alpha", "a");
        let (_, body) = json(server.get(&format!("/api/context/{kind}")));
        let names: Vec<_> =
            body[kind].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_owned()).collect();
        assert_eq!(names, ["alpha", "demo"]);
        assert_eq!(body[kind][1]["canonical_path"], json!(folder_file(kind, "demo")));
        assert_eq!(body[kind][1]["size"], json!(12));
        assert_eq!(body[kind][1]["mtime_ns"], json!(mtime_ns(&path)));

        let (status, body) = json(server.delete(&format!("/api/context/{kind}/demo")));
        assert_eq!(status, 200);
        let trash_id = body["trash_id"].as_str().expect("trash_id").to_owned();
        assert_eq!(body, json!({"deleted": [format!(".memtomem/{kind}/demo")], "trash_id": trash_id}));
        assert!(!path.parent().unwrap().exists());
        let (status, body) = json(server.delete(&format!("/api/context/{kind}/demo")));
        assert_eq!((status, body), (200, json!({"deleted": []})));
        let (status, _) = json(server.get(&format!("/api/context/{kind}/demo")));
        assert_eq!(status, 404);

        // the name can be reused
        create(&server, kind, "demo", "reborn");
        assert_eq!(std::fs::read(&path).unwrap(), b"reborn");
    }
}

#[test]
fn stale_write_is_refused_with_the_exact_body_and_force_is_audited() {
    // No watcher: its `external` history entries for the test's own external edits land
    // whenever it gets to them, and the snapshots here must see only what requests changed.
    let server = Server::start_with(&["--watch", "off"], &[]);
    for kind in TYPES {
        let (mtime, etag) = create(&server, kind, "guarded", "base\n");
        let path = server.file(&folder_file(kind, "guarded"));
        // an external append with an mtime bump
        std::fs::write(&path, "base\ndrift\n").unwrap();
        bump_mtime(&path);
        let disk_mtime = mtime_ns(&path);
        let before = snapshot(server.root());
        let url = format!("/api/context/{kind}/guarded");
        for force in [None, Some(false)] {
            let mut body = json!({"content": "mine\n", "mtime_ns": mtime});
            if let Some(f) = force {
                body["force"] = json!(f);
            }
            let (status, answer) = json(server.put(&url, &body));
            assert_eq!(status, 409);
            assert_eq!(
                answer,
                json!({"status": "aborted", "reason": "File was modified by another process. Reload and retry.", "mtime_ns": disk_mtime})
            );
            assert_eq!(snapshot(server.root()), before, "a refused write changed the tree");
        }
        // with the etag too
        let (status, _) = json(server.put(&url, &json!({"content": "mine\n", "mtime_ns": mtime, "etag": etag})));
        assert_eq!(status, 409);

        // retry with the 409's mtime → 200
        let (status, body) = json(server.put(&url, &json!({"content": "retry\n", "mtime_ns": disk_mtime})));
        assert_eq!(status, 200, "{body}");
        assert_eq!(std::fs::read(&path).unwrap(), b"retry\n");

        // force over a stale token → 200 and the audit warning with both values
        std::fs::write(&path, "retry\ndrift again\n").unwrap();
        bump_mtime(&path);
        let server_mtime = mtime_ns(&path);
        let server_etag = sha256_hex(b"retry\ndrift again\n");
        let stale_mtime = body["mtime_ns"].as_str().unwrap().to_owned();
        let stale_etag = body["etag"].as_str().unwrap().to_owned();
        let (status, _) = json(
            server
                .put(&url, &json!({"content": "forced\n", "mtime_ns": stale_mtime, "etag": stale_etag, "force": true})),
        );
        assert_eq!(status, 200);
        assert_eq!(std::fs::read(&path).unwrap(), b"forced\n");
        let abs = std::fs::canonicalize(server.root()).unwrap().join(folder_file(kind, "guarded"));
        let expected = format!(
            "force-save bypassed mtime check on {} (client_mtime_ns={stale_mtime} server_mtime_ns={server_mtime})",
            abs.display()
        );
        let log = server.wait_for_log(&expected);
        let line = log.lines().find(|l| l.contains(&expected)).unwrap_or_else(|| panic!("no audit line in:\n{log}"));
        assert!(line.contains("WARN") && line.contains("ctxgate::audit"), "{line}");
        assert!(
            line.contains(&format!("client_etag=\"{stale_etag}\""))
                || line.contains(&format!("client_etag={stale_etag}")),
            "{line}"
        );
        assert!(line.contains(&server_etag), "{line}");

        // force on a fresh token: no warning
        let fresh = mtime_ns(&path);
        let warnings_before = server.log().matches("force-save bypassed").count();
        let (status, _) = json(server.put(&url, &json!({"content": "calm\n", "mtime_ns": fresh, "force": true})));
        assert_eq!(status, 200);
        assert_eq!(server.log().matches("force-save bypassed").count(), warnings_before);

        // PUT / force on a missing artifact → 404, nothing created
        let before = snapshot(server.root());
        for force in [false, true] {
            let (status, body) =
                json(server.put(
                    &format!("/api/context/{kind}/ghost"),
                    &json!({"content": "x", "mtime_ns": "1", "force": force}),
                ));
            assert_eq!((status, body["error_kind"].as_str()), (404, Some("not_found")));
        }
        assert_eq!(snapshot(server.root()), before);
    }
}

#[test]
fn etag_rules() {
    let server = Server::start();
    for kind in TYPES {
        let (mtime, etag) = create(&server, kind, "tokens", "one\n");
        let path = server.file(&folder_file(kind, "tokens"));
        let url = format!("/api/context/{kind}/tokens");

        // a content change that keeps the old mtime: the etag catches it
        let old_mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::fs::write(&path, "two\n").unwrap();
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(old_mtime).unwrap();
        assert_eq!(mtime_ns(&path), mtime);
        let (status, _) = json(server.put(&url, &json!({"content": "mine\n", "mtime_ns": mtime, "etag": etag})));
        assert_eq!(status, 409);
        assert_eq!(std::fs::read(&path).unwrap(), b"two\n");

        // If-Match → 412, same body
        let resp = server
            .client
            .put(server.url(&url))
            .header("if-match", format!("\"{etag}\""))
            .json(&json!({"content": "mine\n", "mtime_ns": mtime}))
            .send()
            .unwrap();
        let (status, body) = json(resp);
        assert_eq!(status, 412);
        assert_eq!(
            body,
            json!({"status": "aborted", "reason": "File was modified by another process. Reload and retry.", "mtime_ns": mtime})
        );
        // If-Match that disagrees with the body etag, or malformed → 422
        let fresh_etag = sha256_hex(b"two\n");
        for header in [
            format!("\"{fresh_etag}\""),
            "*".into(),
            format!("W/\"{fresh_etag}\""),
            format!("\"{fresh_etag}\", \"{etag}\""),
        ] {
            let resp = server
                .client
                .put(server.url(&url))
                .header("if-match", header.clone())
                .json(&json!({"content": "mine\n", "mtime_ns": mtime, "etag": etag}))
                .send()
                .unwrap();
            let (status, body) = json(resp);
            assert_eq!((status, body["error_kind"].as_str()), (422, Some("validation")), "{header}");
        }
        // If-Match with the fresh tag → 200
        let resp = server
            .client
            .put(server.url(&url))
            .header("if-match", format!("\"{fresh_etag}\""))
            .json(&json!({"content": "three\n", "mtime_ns": "0"}))
            .send()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);

        // touch only: with an etag it is not a conflict
        let (_, body) = json(server.get(&url));
        let etag3 = body["etag"].as_str().unwrap().to_owned();
        let mtime3 = body["mtime_ns"].as_str().unwrap().to_owned();
        bump_mtime(&path);
        let (status, _) = json(server.put(&url, &json!({"content": "four\n", "mtime_ns": mtime3, "etag": etag3})));
        assert_eq!(status, 200);
        assert_eq!(std::fs::read(&path).unwrap(), b"four\n");

        // identical content: 200, nothing written, even with a stale token
        let before = mtime_ns(&path);
        let (status, body) = json(server.put(&url, &json!({"content": "four\n", "mtime_ns": "1"})));
        assert_eq!(status, 200);
        assert_eq!(body["mtime_ns"], json!(before));
        assert_eq!(body["etag"], json!(sha256_hex(b"four\n")));
        assert_eq!(mtime_ns(&path), before);
    }
}

fn assert_refused(
    server: &Server,
    resp: reqwest::blocking::Response,
    status: u16,
    kind: &str,
    before: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
) -> serde_json::Value {
    let (got, body) = json(resp);
    assert_eq!(got, status, "{body}");
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["error_kind"], kind, "{body}");
    let reason = body["reason"].as_str().unwrap();
    assert!(!reason.is_empty());
    assert!(!reason.contains(server.root().to_str().unwrap()), "path leaked: {reason}");
    assert_eq!(&snapshot(server.root()), before, "refused request changed the tree");
    body
}

#[test]
fn bad_names_are_refused_before_touching_disk() {
    let server = Server::start();
    for kind in TYPES {
        let (mtime, _) = create(&server, kind, "ok", "x");
        let before = snapshot(server.root());
        let long = "a".repeat(65);
        let bad: Vec<&str> = vec!["../x", "..", "a/b", "", " ", &long, "é", "a\0b", "a\nb", "-x", "."];
        for name in &bad {
            let resp = server.post(&format!("/api/context/{kind}"), &json!({"name": name, "content": "x"}));
            assert_refused(&server, resp, 400, "invalid_name", &before);
        }
        // in URLs (percent-encoded so the name reaches the handler as one segment)
        for name in ["..%2Fx", "a%2Fb", "%20", &long, "%C3%A9", "a%00b", "a%0Ab", "-x", "%2E%2E"] {
            let url = format!("/api/context/{kind}/{name}");
            for resp in
                [server.get(&url), server.put(&url, &json!({"content": "x", "mtime_ns": mtime})), server.delete(&url)]
            {
                let (status, body) = json(resp);
                assert!(status == 400 || status == 404, "{name}: {status} {body}");
                assert_eq!(body["status"], "error");
            }
            assert_eq!(snapshot(server.root()), before);
        }
        // the encoded traversal gets 400 specifically
        let resp = server.get(&format!("/api/context/{kind}/..%2Fx"));
        assert_refused(&server, resp, 400, "invalid_name", &before);
        let resp = server.put(&format!("/api/context/{kind}/-x"), &json!({"content": "x", "mtime_ns": mtime}));
        assert_refused(&server, resp, 400, "invalid_name", &before);
    }
    // unknown type → 404
    let (status, body) = json(server.get("/api/context/widgets"));
    assert_eq!((status, body["error_kind"].as_str()), (404, Some("not_found")));
}

#[test]
fn bad_bodies_get_422_naming_the_field() {
    let server = Server::start();
    for kind in TYPES {
        let (mtime, _) = create(&server, kind, "target", "original\n");
        let url = format!("/api/context/{kind}/target");
        let before = snapshot(server.root());
        let arabic: String = mtime.chars().map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap()).collect();
        let mtimes = vec![
            json!("abc"),
            json!(""),
            json!("12abc"),
            json!("1.5e3"),
            json!(format!("+{mtime}")),
            json!(format!(" {mtime} ")),
            json!("1_000"),
            json!(arabic),
            json!(mtime.parse::<u64>().unwrap()),
            serde_json::Value::Null,
        ];
        for value in mtimes {
            let resp = server.put(&url, &json!({"content": "x", "mtime_ns": value}));
            let body = assert_refused(&server, resp, 422, "validation", &before);
            assert_eq!(body["field"], "mtime_ns", "{value}");
        }
        let resp = server.put(&url, &json!({"content": "x"}));
        assert_eq!(assert_refused(&server, resp, 422, "validation", &before)["field"], "mtime_ns");
        for value in [json!("true"), json!("yes"), json!(1), serde_json::Value::Null] {
            let resp = server.put(&url, &json!({"content": "x", "mtime_ns": mtime, "force": value}));
            assert_eq!(assert_refused(&server, resp, 422, "validation", &before)["field"], "force", "{value}");
        }
        for value in [json!(5), serde_json::Value::Null, json!(["a"])] {
            let resp = server.put(&url, &json!({"content": value, "mtime_ns": mtime}));
            assert_eq!(assert_refused(&server, resp, 422, "validation", &before)["field"], "content");
        }
        let resp = server.put(&url, &json!({"mtime_ns": mtime}));
        assert_eq!(assert_refused(&server, resp, 422, "validation", &before)["field"], "content");
        for raw in ["not json", "[1,2]", "{\"content\": \"x\", \"mtime_ns\""] {
            let resp = server.put_raw(&url, raw);
            assert_refused(&server, resp, 422, "validation", &before);
        }
        let resp = server.client.put(server.url(&url)).body("{}").send().unwrap();
        assert_refused(&server, resp, 415, "unsupported_media_type", &before);
        let resp = server.client.put(server.url(&url)).header("content-type", "text/plain").body("{}").send().unwrap();
        assert_refused(&server, resp, 415, "unsupported_media_type", &before);
        // 8 MiB body → 413 before parsing: declared by Content-Length, and streamed without one
        let host = server.base.trim_start_matches("http://").to_owned();
        let big = format!("{{\"content\":\"{}\",\"mtime_ns\":\"{mtime}\"}}", "a".repeat(8 * 1024 * 1024));
        let head = format!(
            "PUT {url} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            big.len()
        );
        let (status, body) = raw_exchange(&host, head.into_bytes(), big.clone().into_bytes());
        assert_eq!(status, 413, "{body}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["error_kind"], "too_large");
        assert_eq!(snapshot(server.root()), before);
        let head = format!("POST /api/context/{kind} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        let mut chunked = Vec::new();
        for piece in big.as_bytes().chunks(1 << 20) {
            chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
            chunked.extend_from_slice(piece);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let (status, body) = raw_exchange(&host, head.into_bytes(), chunked);
        assert_eq!(status, 413, "{body}");
        assert_eq!(snapshot(server.root()), before);
        // create: missing / wrong content
        for body in [
            json!({"name": "n"}),
            json!({"name": "n", "content": 3}),
            json!({"content": "x"}),
            json!({"name": 7, "content": "x"}),
        ] {
            let resp = server.post(&format!("/api/context/{kind}"), &body);
            assert_refused(&server, resp, 422, "validation", &before);
        }
    }
    // wrong method and unknown routes keep the envelope
    let before = snapshot(server.root());
    let resp = server.client.patch(server.url("/api/context/skills/target")).send().unwrap();
    assert_refused(&server, resp, 405, "method_not_allowed", &before);
    let resp = server.get("/api/context/skills/target/extra");
    assert_refused(&server, resp, 404, "not_found", &before);
    let resp = server.get("/api/elsewhere");
    assert_refused(&server, resp, 404, "not_found", &before);
    // the event stream and the trash have routes of their own, with the envelope too
    let resp = server.post("/api/context/events", &json!({}));
    assert_refused(&server, resp, 405, "method_not_allowed", &before);
    let resp = server.get("/api/context/trash/20260101T000000000000000Z");
    let body = assert_refused(&server, resp, 404, "not_found", &before);
    assert_eq!(body["reason"], "route not found");
}

#[test]
fn concurrent_writers_with_one_fresh_token_have_exactly_one_winner() {
    let server = Server::start();
    let server = std::sync::Arc::new(server);
    for (kind, writers, rounds) in [("skills", 16, 20), ("agents", 16, 20), ("commands", 16, 20), ("skills", 64, 1)] {
        let name = format!("race{writers}");
        let path = server.file(&folder_file(kind, &name));
        if !path.exists() {
            create(&server, kind, &name, "start\n");
        }
        for round in 0..rounds {
            let (_, current) = json(server.get(&format!("/api/context/{kind}/{name}")));
            let mtime = current["mtime_ns"].as_str().unwrap().to_owned();
            let etag = current["etag"].as_str().unwrap().to_owned();
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(writers));
            let handles: Vec<_> = (0..writers)
                .map(|w| {
                    let (server, barrier, mtime, etag) = (server.clone(), barrier.clone(), mtime.clone(), etag.clone());
                    let url = format!("/api/context/{kind}/{name}");
                    std::thread::spawn(move || {
                        let content = format!("round {round} writer {w}\n");
                        let body = if w % 2 == 0 {
                            json!({"content": content, "mtime_ns": mtime, "etag": etag})
                        } else {
                            json!({"content": content, "mtime_ns": mtime})
                        };
                        barrier.wait();
                        let status = server.put(&url, &body).status().as_u16();
                        (status, content)
                    })
                })
                .collect();
            let results: Vec<(u16, String)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            let winners: Vec<_> = results.iter().filter(|(s, _)| *s == 200).collect();
            assert_eq!(winners.len(), 1, "round {round}: {results:?}");
            assert!(results.iter().all(|(s, _)| *s == 200 || *s == 409), "{results:?}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), winners[0].1);
        }
    }
}

#[test]
fn symlinked_skill_folder_and_flat_agent_are_edited_in_place() {
    let server = Server::start();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("SKILL.md"), "linked skill\n").unwrap();
    std::fs::write(outside.path().join("notes.txt"), "n").unwrap();
    std::fs::create_dir_all(server.file(".memtomem/skills")).unwrap();
    std::os::unix::fs::symlink(outside.path(), server.file(".memtomem/skills/linked")).unwrap();
    std::fs::create_dir_all(server.file(".memtomem/agents")).unwrap();
    std::fs::write(server.file(".memtomem/agents/flat.md"), "flat agent\n").unwrap();
    std::fs::create_dir_all(server.file(".memtomem/commands")).unwrap();
    std::fs::write(server.file(".memtomem/commands/both.md"), "flat command\n").unwrap();
    std::fs::create_dir_all(server.file(".memtomem/commands/both")).unwrap();
    std::fs::write(server.file(".memtomem/commands/both/command.md"), "folder command\n").unwrap();
    // a symlinked working file in a real folder
    let elsewhere = tempfile::tempdir().unwrap();
    let target_file = elsewhere.path().join("real-agent.md");
    std::fs::write(&target_file, "through a link\n").unwrap();
    std::fs::create_dir_all(server.file(".memtomem/agents/viafile")).unwrap();
    std::os::unix::fs::symlink(&target_file, server.file(".memtomem/agents/viafile/agent.md")).unwrap();

    let (status, body) = json(server.get("/api/context/skills/linked"));
    assert_eq!(status, 200);
    assert_eq!(body["content"], "linked skill\n");
    assert_eq!(body["files"], json!(["notes.txt"]));
    let (status, _) = json(server.put(
        "/api/context/skills/linked",
        &json!({"content": "edited\n", "mtime_ns": body["mtime_ns"], "etag": body["etag"]}),
    ));
    assert_eq!(status, 200);
    assert_eq!(std::fs::read(outside.path().join("SKILL.md")).unwrap(), b"edited\n");
    assert!(std::fs::symlink_metadata(server.file(".memtomem/skills/linked")).unwrap().file_type().is_symlink());

    let (_, list) = json(server.get("/api/context/agents"));
    assert_eq!(list["agents"][0]["name"], "flat");
    assert_eq!(list["agents"][0]["canonical_path"], ".memtomem/agents/flat.md");
    let (_, body) = json(server.get("/api/context/agents/flat"));
    let (status, _) = json(
        server.put("/api/context/agents/flat", &json!({"content": "flat edited\n", "mtime_ns": body["mtime_ns"]})),
    );
    assert_eq!(status, 200);
    assert_eq!(std::fs::read(server.file(".memtomem/agents/flat.md")).unwrap(), b"flat edited\n");
    assert!(!server.file(".memtomem/agents/flat").exists(), "flat agent must be edited in place");

    let (_, body) = json(server.get("/api/context/commands/both"));
    assert_eq!(body["content"], "folder command\n", "the folder layout wins");

    let (_, body) = json(server.get("/api/context/agents/viafile"));
    let (status, _) = json(
        server
            .put("/api/context/agents/viafile", &json!({"content": "written through\n", "mtime_ns": body["mtime_ns"]})),
    );
    assert_eq!(status, 200);
    assert_eq!(std::fs::read(&target_file).unwrap(), b"written through\n");
    assert!(std::fs::symlink_metadata(server.file(".memtomem/agents/viafile/agent.md"))
        .unwrap()
        .file_type()
        .is_symlink());
    let stray: Vec<_> = std::fs::read_dir(elsewhere.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("ctxgate-tmp"))
        .collect();
    assert!(stray.is_empty());

    // deleting a symlinked skill removes the link, never the linked content
    let (status, _) = json(server.delete("/api/context/skills/linked"));
    assert_eq!(status, 200);
    assert!(outside.path().join("SKILL.md").exists());
    assert!(!server.file(".memtomem/skills/linked").exists());
}

#[test]
fn non_utf8_file_is_reported_and_never_rewritten() {
    let server = Server::start();
    let path = server.file(".memtomem/skills/binary/SKILL.md");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"\xff\xfe not text").unwrap();
    let before = snapshot(server.root());
    let (status, body) = json(server.get("/api/context/skills/binary"));
    assert_eq!((status, body["error_kind"].as_str()), (422, Some("not_text")));
    for force in [false, true] {
        let resp = server
            .put("/api/context/skills/binary", &json!({"content": "x", "mtime_ns": mtime_ns(&path), "force": force}));
        assert_refused(&server, resp, 422, "not_text", &before);
    }
}

/// A crash's temps are recovered at start-up whatever their age (a displaced version keeps its
/// old mtime; the sweep works under the artifact's locks, so no live writer's temp is taken):
/// bytes kept nowhere else go to history as `recovered`, then the names go.
#[test]
fn temp_files_left_by_a_crash_are_swept_at_startup_and_hidden() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join(".memtomem/skills/s");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("SKILL.md"), "x").unwrap();
    let agents = root.path().join(".memtomem/agents");
    std::fs::create_dir_all(&agents).unwrap();
    let temps = [
        folder.join(".SKILL.md.ctxgate-tmp-00000000deadbeef"),
        agents.join(".flat.md.ctxgate-tmp-0000000000000001"),
        folder.join(".SKILL.md.ctxgate-tmp-00000000feedbeef"),
    ];
    for path in &temps {
        std::fs::write(path, "half").unwrap();
    }
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&temps[0]).unwrap().set_modified(hour_ago).unwrap();
    let server = Server::start_in(root, &[], &[]);
    for path in &temps {
        assert!(!path.exists(), "{} not swept", path.display());
    }
    for (kind, name) in [("skills", "s"), ("agents", "flat")] {
        let (status, history) = json(server.get(&format!("/api/context/{kind}/{name}/history")));
        let entries = history["entries"].as_array().unwrap();
        assert_eq!(status, 200);
        assert_eq!(entries.len(), 1, "{history}");
        assert_eq!(entries[0]["reason"], "recovered");
        let id = entries[0]["id"].as_str().unwrap();
        let (_, entry) = json(server.get(&format!("/api/context/{kind}/{name}/history/{id}")));
        assert_eq!(entry["content"], "half");
    }
    let (_, body) = json(server.get("/api/context/skills/s"));
    assert_eq!(body["files"], json!([]));
}

#[test]
fn cli_errors_are_one_line() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctxgate"))
        .args(["serve", "--root", "/definitely/not/here", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("project root"), "{stderr}");

    let server = Server::start();
    let port = server.base.rsplit(':').next().unwrap().to_owned();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctxgate"))
        .args(["serve", "--root"])
        .arg(server.root())
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.lines().any(|l| l.starts_with("ctxgate: cannot listen on")), "{stderr}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctxgate")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("serve"), "{help}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctxgate")).args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--root", "--addr", "--allowed-host", "--token", "--log-format"] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

/// A NUL byte cannot survive a browser's textarea (the HTML parser makes it U+FFFD), so the
/// editor page must neither carry it raw nor offer to save the altered text.
#[test]
fn a_file_with_a_nul_opens_read_only() {
    let server = Server::start();
    let path = server.file(".memtomem/skills/nul/SKILL.md");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"before\0after\n").unwrap();
    let before = snapshot(server.root());
    let page = server.get("/skills/nul");
    assert_eq!(page.status(), 200);
    let html = page.bytes().unwrap();
    assert!(!html.contains(&0), "the page carries a raw NUL");
    let html = String::from_utf8(html.to_vec()).unwrap();
    assert!(html.contains(r#"id="ctx-read-only""#), "no read-only notice:\n{html}");
    assert!(html.contains("before\u{2400}after"), "the NUL is not shown as \u{2400}");
    // The only textarea is read-only and the Save button is disabled.
    assert_eq!(html.matches("<textarea").count(), 1);
    let textarea = &html[html.find("<textarea").unwrap()..];
    assert!(textarea[..textarea.find('>').unwrap()].contains("readonly"), "{textarea}");
    assert!(!html.contains(r#"id="editor-content""#));
    let save = &html[..html.find(">Save<").expect("a Save button")];
    assert!(save[save.rfind("<button").unwrap()..].contains("disabled"), "Save is not disabled");
    // The API still serves the exact bytes, and nothing was written.
    let (status, body) = json(server.get("/api/context/skills/nul"));
    assert_eq!((status, body["content"].as_str()), (200, Some("before\0after\n")));
    assert_eq!(snapshot(server.root()), before);
}

/// The path is judged before the query and the body, on every route that has both: an unknown
/// type is 404 and a bad name 400 whatever the body holds (malformed, the wrong content type, a
/// `dry_run`), and a bad history or trash id is 422 naming `id` (docs/API.md, "History").
#[test]
fn the_path_is_refused_before_the_body() {
    let server = Server::start();
    let (mtime, _) = create(&server, "skills", "ok", "x\n");
    let before = snapshot(server.root());
    let put_raw = |url: &str, content_type: Option<&str>, body: &str| {
        let request = server.client.put(server.url(url)).body(body.to_owned());
        match content_type {
            Some(content_type) => request.header("content-type", content_type),
            None => request,
        }
        .send()
        .unwrap()
    };
    for name in ["-x", "..%2Fx", "a%00b"] {
        let url = format!("/api/context/skills/{name}");
        for (content_type, body) in [
            (Some("application/json"), "not json"),
            (Some("application/json"), r#"{"content":5,"mtime_ns":"1"}"#),
            (Some("application/json"), r#"{"content":"x","mtime_ns":"1","restored_from":"../x"}"#),
            (Some("text/plain"), r#"{"content":"x","mtime_ns":"1"}"#),
            (None, ""),
        ] {
            let resp = put_raw(&url, content_type, body);
            assert_refused(&server, resp, 400, "invalid_name", &before);
        }
        for action in ["sync", "import"] {
            for (query, body) in [("?dry_run=true", json!({})), ("", json!({"dry_run": true})), ("", json!([1]))] {
                let resp = server.post(&format!("{url}/{action}{query}"), &body);
                assert_refused(&server, resp, 400, "invalid_name", &before);
            }
        }
        // A bad name and a bad id: the name is judged first.
        let resp = server.get(&format!("{url}/history/..%2Fx"));
        assert_refused(&server, resp, 400, "invalid_name", &before);
    }
    // An unknown type comes before the name and the body.
    let resp = put_raw("/api/context/widgets/-x", Some("application/json"), "not json");
    assert_refused(&server, resp, 404, "not_found", &before);
    let resp = server.post("/api/context/widgets/sync?dry_run=true", &json!([1]));
    assert_refused(&server, resp, 404, "not_found", &before);
    // A valid name with a bad body is the body's 422 (so the 400s above were the name's).
    let resp = put_raw("/api/context/skills/ok", Some("application/json"), "not json");
    assert_refused(&server, resp, 422, "validation", &before);
    let resp = server.put("/api/context/skills/ok", &json!({"content": "x", "mtime_ns": mtime, "restored_from": "x"}));
    let body = assert_refused(&server, resp, 422, "validation", &before);
    assert_eq!(body["field"], "restored_from", "{body}");
    // Ids: the exact envelope, for a history entry and a trash item.
    let rule = "id must be 20 digits, '-', 8 lowercase hex digits";
    let expected = json!({"status": "error", "error_kind": "validation", "field": "id", "reason": rule});
    for (status, body) in [
        json(server.get("/api/context/skills/ok/history/..%2Fx")),
        json(server.get("/api/context/skills/ok/history/00000000000000000001-ABCDEF01")),
        json(server.post("/api/context/trash/nope/restore", &json!({}))),
    ] {
        assert_eq!((status, &body), (422, &expected));
    }
    // The server functions keep the same order and the same refusals.
    let call = |function: &str, args: serde_json::Value| {
        json(server.client.post(server.url(&format!("/_fn/{function}"))).json(&args).send().unwrap())
    };
    let (status, body) = call("get_history_entry", json!({"kind": "skills", "name": "-x", "id": "../x"}));
    assert_eq!(status, 400, "{body}");
    assert!(body.get("InvalidName").is_some(), "{body}");
    let invalid_id = json!({"Invalid": {"field": "id", "reason": rule}});
    let (status, body) = call("get_history_entry", json!({"kind": "skills", "name": "ok", "id": "../x"}));
    assert_eq!((status, &body), (422, &invalid_id));
    let (status, body) = call("restore_trash", json!({"id": "../x"}));
    assert_eq!((status, &body), (422, &invalid_id));
    assert_eq!(snapshot(server.root()), before);
}
