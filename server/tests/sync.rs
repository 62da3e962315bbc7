//! Sync to the agent runtimes (docs/API.md, "Sync to agent runtimes") over real HTTP: the answers,
//! the statuses in the list, nothing lost when sync replaces a hand-edited runtime file, import's
//! first-wins order and reason codes, the refusal to write through a runtime folder that leads out
//! of the project, and one writer at a time per runtime file (memtomem's runtime lock). That the
//! bytes written are memtomem's is proven against memtomem's own output in
//! store/tests/sync_golden.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{create, json, Server};
use serde_json::{json, Value};
use std::fs;
use std::time::{Duration, Instant};

const AGENT: &str = "---\nname: rev\ndescription: Reviews code\ntools: [Read, Grep]\nkind: local\n---\nCheck it.\n";

fn post_empty(server: &Server, path: &str) -> (u16, Value) {
    json(server.client.post(server.url(path)).send().unwrap())
}

fn runtimes_of(list: &Value, kind: &str, name: &str) -> Vec<(String, String)> {
    let item =
        list[kind].as_array().unwrap().iter().find(|i| i["name"] == name).unwrap_or_else(|| panic!("{name} in {list}"));
    item["runtimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["runtime"].as_str().unwrap().to_owned(), r["status"].as_str().unwrap().to_owned()))
        .collect()
}

fn statuses(server: &Server, kind: &str, name: &str) -> Vec<(String, String)> {
    let (status, list) = json(server.get(&format!("/api/context/{kind}")));
    assert_eq!(status, 200, "{list}");
    runtimes_of(&list, kind, name)
}

fn all(runtimes: &[&str], status: &str) -> Vec<(String, String)> {
    runtimes.iter().map(|r| ((*r).to_owned(), status.to_owned())).collect()
}

const AGENT_RUNTIMES: [&str; 4] = ["claude_agents", "gemini_agents", "codex_agents", "kimi_agents"];

#[test]
fn sync_writes_every_runtime_and_answers_like_memtomem() {
    let server = Server::start();
    create(&server, "agents", "rev", AGENT);
    let (status, body) = post_empty(&server, "/api/context/agents/sync");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["generated"],
        json!([
            {"runtime": "claude_agents", "path": ".claude/agents/rev.md"},
            {"runtime": "gemini_agents", "path": ".gemini/agents/rev.md"},
            {"runtime": "codex_agents", "path": ".codex/agents/rev.toml"},
            {"runtime": "kimi_agents", "path": ".kimi/agents/rev.yaml"},
        ])
    );
    assert_eq!(
        body["dropped"],
        json!([
            {"runtime": "claude_agents", "name": "rev", "fields": ["kind"]},
            {"runtime": "codex_agents", "name": "rev", "fields": ["tools", "kind"]},
            {"runtime": "kimi_agents", "name": "rev", "fields": ["tools", "kind"]},
        ])
    );
    assert_eq!((body["skipped"].clone(), body["replaced"].clone()), (json!([]), json!([])));
    assert_eq!(body["canonical_root"], server.root().canonicalize().unwrap().join(".memtomem").to_str().unwrap());
    assert_eq!(
        fs::read_to_string(server.file(".claude/agents/rev.md")).unwrap(),
        "---\nname: rev\ndescription: Reviews code\ntools: [Read, Grep]\n---\n\nCheck it.\n"
    );
    assert_eq!(
        fs::read_to_string(server.file(".codex/agents/rev.toml")).unwrap(),
        "name = \"rev\"\ndescription = \"Reviews code\"\ndeveloper_instructions = \"Check it.\"\n"
    );
    assert_eq!(statuses(&server, "agents", "rev"), all(&AGENT_RUNTIMES, "in sync"));

    // Commands: Claude keeps the frontmatter, Gemini gets TOML with {{args}}.
    create(&server, "commands", "fix", "---\ndescription: Fix it\nmodel: haiku\n---\nFix $ARGUMENTS now\n");
    let (status, body) = post_empty(&server, "/api/context/commands/fix/sync");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dropped"], json!([{"runtime": "gemini_commands", "name": "fix", "fields": ["model"]}]));
    assert_eq!(
        fs::read_to_string(server.file(".gemini/commands/fix.toml")).unwrap(),
        "description = \"Fix it\"\nprompt = \"Fix {{args}} now\"\n"
    );
    // Nothing changed since: a second sync writes nothing new and replaces nothing.
    let before = common::snapshot(&server.file(".claude"));
    let (status, body) = post_empty(&server, "/api/context/agents/sync");
    assert_eq!((status, body["replaced"].clone()), (200, json!([])), "{body}");
    assert_eq!(common::snapshot(&server.file(".claude")), before, "an identical file is not rewritten");
}

#[test]
fn a_hand_edited_runtime_file_survives_a_sync_in_history() {
    let server = Server::start();
    create(&server, "agents", "rev", AGENT);
    assert_eq!(post_empty(&server, "/api/context/agents/sync").0, 200);
    let runtime_file = server.file(".claude/agents/rev.md");
    let hand_edit = "---\nname: rev\n---\nMy own careful instructions.\n";
    fs::write(&runtime_file, hand_edit).unwrap();
    assert_eq!(statuses(&server, "agents", "rev")[0], ("claude_agents".into(), "out of sync".into()));

    let (status, body) = post_empty(&server, "/api/context/agents/rev/sync");
    assert_eq!(status, 200, "{body}");
    let replaced = body["replaced"].as_array().unwrap();
    assert_eq!(replaced.len(), 1, "{body}");
    assert_eq!(
        (replaced[0]["runtime"].as_str(), replaced[0]["path"].as_str()),
        (Some("claude_agents"), Some(".claude/agents/rev.md"))
    );
    let id = replaced[0]["history_id"].as_str().unwrap();
    assert!(fs::read_to_string(&runtime_file).unwrap().contains("Check it."), "sync still wins on disk");

    let (status, history) = json(server.get("/api/context/agents/rev/history"));
    assert_eq!(status, 200, "{history}");
    let entry = history["entries"].as_array().unwrap().iter().find(|e| e["id"] == id).expect("entry listed");
    assert_eq!((entry["reason"].as_str(), entry["runtime"].as_str()), (Some("sync"), Some("claude_agents")));
    let (status, kept) = json(server.get(&format!("/api/context/agents/rev/history/{id}")));
    assert_eq!((status, kept["content"].as_str()), (200, Some(hand_edit)), "{kept}");
    assert_eq!(statuses(&server, "agents", "rev"), all(&AGENT_RUNTIMES, "in sync"));
}

#[test]
fn a_skill_folder_is_replaced_whole_and_what_it_loses_is_kept() {
    let server = Server::start();
    create(&server, "skills", "tool", "---\nname: tool\n---\nUse it.\n");
    let skill = server.file(".memtomem/skills/tool");
    fs::create_dir_all(skill.join("scripts")).unwrap();
    fs::write(skill.join("scripts/run.sh"), "echo 1\n").unwrap();
    fs::write(skill.join("old.md"), "going away\n").unwrap();
    fs::create_dir_all(skill.join("overrides")).unwrap();
    fs::write(skill.join("overrides/gemini.md"), "Gemini's own SKILL.md\n").unwrap();
    let (status, body) = post_empty(&server, "/api/context/skills/sync");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["generated"].as_array().unwrap().len(), 4, "{body}");
    assert_eq!(fs::read_to_string(server.file(".gemini/skills/tool/SKILL.md")).unwrap(), "Gemini's own SKILL.md\n");
    assert!(!server.file(".claude/skills/tool/overrides").exists(), "overrides/ never fans out");
    assert_eq!(fs::read_to_string(server.file(".kimi/skills/tool/scripts/run.sh")).unwrap(), "echo 1\n");

    // A deletion in the canonical folder reaches the runtimes; a hand edit there is kept.
    fs::remove_file(skill.join("old.md")).unwrap();
    fs::write(server.file(".claude/skills/tool/SKILL.md"), "edited by hand\n").unwrap();
    fs::write(server.file(".claude/skills/tool/notes.txt"), "mine\n").unwrap();
    let (status, body) = post_empty(&server, "/api/context/skills/tool/sync");
    assert_eq!(status, 200, "{body}");
    for runtime in [".claude", ".gemini", ".agents", ".kimi"] {
        assert!(!server.file(&format!("{runtime}/skills/tool/old.md")).exists(), "{runtime}: deletion propagates");
    }
    assert!(!server.file(".claude/skills/tool/notes.txt").exists());
    let mut replaced: Vec<(String, String)> = body["replaced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["runtime"].as_str().unwrap().to_owned(), r["path"].as_str().unwrap().to_owned()))
        .collect();
    replaced.sort();
    let expected = [
        ("claude_skills", ".claude/skills/tool/SKILL.md"),
        ("claude_skills", ".claude/skills/tool/notes.txt"),
        ("claude_skills", ".claude/skills/tool/old.md"),
        ("codex_skills", ".agents/skills/tool/old.md"),
        ("gemini_skills", ".gemini/skills/tool/old.md"),
        ("kimi_skills", ".kimi/skills/tool/old.md"),
    ];
    assert_eq!(replaced, expected.map(|(a, b)| (a.to_owned(), b.to_owned())), "{body}");
    let (_, history) = json(server.get("/api/context/skills/tool/history"));
    let entry =
        history["entries"].as_array().unwrap().iter().find(|e| e["runtime"] == "claude_skills").expect("SKILL.md kept");
    let (_, kept) = json(server.get(&format!("/api/context/skills/tool/history/{}", entry["id"].as_str().unwrap())));
    assert_eq!(kept["content"], "edited by hand\n");
    // The displaced folder itself (notes.txt included) is in history, whole.
    let trees = server.file(".memtomem/.ctxgate/history/skills/tool/runtime-trees");
    let kept_notes = fs::read_dir(&trees).unwrap().flatten().any(|t| t.path().join("notes.txt").is_file());
    assert!(kept_notes, "notes.txt kept in {}", trees.display());
    // No staging folder is left behind anywhere.
    for runtime in [".claude", ".gemini", ".agents", ".kimi"] {
        let names: Vec<String> = fs::read_dir(server.file(&format!("{runtime}/skills")))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".lock"))
            .collect();
        assert_eq!(names, ["tool"], "{runtime}");
    }
}

#[test]
fn statuses_follow_canonical_edits_hand_edits_and_runtime_deletes() {
    let server = Server::start();
    create(&server, "agents", "rev", AGENT);
    assert_eq!(statuses(&server, "agents", "rev"), all(&AGENT_RUNTIMES, "missing target"));
    assert_eq!(post_empty(&server, "/api/context/agents/sync").0, 200);
    assert_eq!(statuses(&server, "agents", "rev"), all(&AGENT_RUNTIMES, "in sync"));

    // A canonical edit: every runtime is behind.
    let (_, artifact) = json(server.get("/api/context/agents/rev"));
    let edited = AGENT.replace("Check it.", "Check it twice.");
    let (status, saved) = json(server.put(
        "/api/context/agents/rev",
        &json!({"content": edited, "mtime_ns": artifact["mtime_ns"], "etag": artifact["etag"]}),
    ));
    assert_eq!(status, 200, "{saved}");
    assert_eq!(statuses(&server, "agents", "rev"), all(&AGENT_RUNTIMES, "out of sync"));
    assert_eq!(post_empty(&server, "/api/context/agents/sync").0, 200);

    // A hand edit of one runtime file, and a runtime file deleted.
    fs::write(server.file(".gemini/agents/rev.md"), "hand edit\n").unwrap();
    fs::remove_file(server.file(".kimi/agents/rev.yaml")).unwrap();
    assert_eq!(
        statuses(&server, "agents", "rev"),
        [
            ("claude_agents", "in sync"),
            ("gemini_agents", "out of sync"),
            ("codex_agents", "in sync"),
            ("kimi_agents", "missing target")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );

    // Runtime-only items follow the canonical ones, with canonical_path null.
    fs::write(server.file(".claude/agents/stray.md"), "---\nname: stray\n---\nx\n").unwrap();
    let (_, list) = json(server.get("/api/context/agents"));
    let items = list["agents"].as_array().unwrap();
    assert_eq!(items.last().unwrap()["name"], "stray", "{list}");
    assert_eq!(items.last().unwrap()["canonical_path"], Value::Null);
    assert_eq!(runtimes_of(&list, "agents", "stray"), [("claude_agents".to_owned(), "missing canonical".to_owned())]);
    assert!(items[0]["mtime_ns"].is_string(), "canonical items keep their fields: {list}");
    // The overview (the UI's server function) carries the same.
    let (status, overview) = json(server.client.post(server.url("/_fn/overview")).json(&json!({})).send().unwrap());
    assert_eq!(status, 200, "{overview}");
    assert_eq!(overview["runtime_only"][0]["name"], "stray", "{overview}");
    assert_eq!(overview["agents"][0]["runtimes"][1]["status"], "out of sync", "{overview}");
}

#[test]
fn import_takes_the_first_runtime_and_reports_memtomem_reason_codes() {
    let server = Server::start();
    let write = |rel: &str, text: &str| {
        let path = server.file(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(".claude/agents/both.md", "---\nname: both\n---\nfrom claude\n");
    write(".gemini/agents/both.md", "---\nname: both\n---\nfrom gemini\n");
    write(".gemini/agents/solo.md", "---\nname: solo\n---\nonly gemini\n");
    write(".claude/agents/bad name.md", "x\n");
    write(".codex/agents/never.toml", "name = \"never\"\n");
    create(&server, "agents", "taken", "---\nname: taken\n---\ncanonical\n");
    write(".claude/agents/taken.md", "---\nname: taken\n---\nruntime copy\n");

    let (status, body) = post_empty(&server, "/api/context/agents/import");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["imported"],
        json!([
            {"name": "both", "canonical_path": ".memtomem/agents/both/agent.md", "source_runtime": "claude", "duplicate_candidates": ["claude", "gemini"]},
            {"name": "solo", "canonical_path": ".memtomem/agents/solo/agent.md", "source_runtime": "gemini", "duplicate_candidates": ["gemini"]},
        ])
    );
    let skipped: Vec<(&str, &str)> = body["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["reason_code"].as_str().unwrap()))
        .collect();
    assert_eq!(skipped, [("bad name", "invalid_name"), ("taken", "canonical_exists"), ("both", "already_imported")]);
    assert_eq!(
        fs::read_to_string(server.file(".memtomem/agents/both/agent.md")).unwrap(),
        "---\nname: both\n---\nfrom claude\n"
    );

    // One item; a name no runtime has → 404.
    let (status, body) = post_empty(&server, "/api/context/agents/never/import");
    assert_eq!((status, body["error_kind"].as_str()), (404, Some("not_found")), "codex is export-only: {body}");

    // Overwrite keeps the old canonical in history (and as memtomem's next version).
    let (status, body) = json(server.post("/api/context/agents/taken/import", &json!({"overwrite": true})));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["imported"][0]["name"], "taken", "{body}");
    let id = body["replaced"][0]["history_id"].as_str().expect("replaced listed");
    let (_, kept) = json(server.get(&format!("/api/context/agents/taken/history/{id}")));
    assert_eq!(
        (kept["reason"].as_str(), kept["content"].as_str()),
        (Some("sync"), Some("---\nname: taken\n---\ncanonical\n"))
    );
    assert_eq!(
        fs::read_to_string(server.file(".memtomem/agents/taken/versions/v1.md")).unwrap(),
        "---\nname: taken\n---\ncanonical\n"
    );
    assert_eq!(
        fs::read_to_string(server.file(".memtomem/agents/taken/agent.md")).unwrap(),
        "---\nname: taken\n---\nruntime copy\n"
    );

    // Skills come from all four runtimes; commands convert Gemini's TOML back.
    write(".agents/skills/codexy/SKILL.md", "codex skill\n");
    write(".agents/skills/codexy/__pycache__/x.pyc", "junk");
    let (status, body) = post_empty(&server, "/api/context/skills/import");
    assert_eq!((status, body["imported"][0]["source_runtime"].as_str()), (200, Some("codex")), "{body}");
    assert!(server.file(".memtomem/skills/codexy/SKILL.md").is_file());
    assert!(!server.file(".memtomem/skills/codexy/__pycache__").exists());
    write(".gemini/commands/g.toml", "description = \"two\\nlines\"\nprompt = \"Do {{args}}\"\n");
    let (status, body) = post_empty(&server, "/api/context/commands/g/import");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        fs::read_to_string(server.file(".memtomem/commands/g/command.md")).unwrap(),
        "---\ndescription: two lines\n---\n\nDo $ARGUMENTS\n"
    );
}

#[test]
fn a_runtime_folder_that_leads_out_of_the_project_is_refused() {
    let server = Server::start();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), server.file(".claude")).unwrap();
    create(&server, "agents", "rev", AGENT);
    create(&server, "skills", "tool", "Use it.\n");
    for kind in ["agents", "skills"] {
        let (status, body) = post_empty(&server, &format!("/api/context/{kind}/sync"));
        assert_eq!(status, 200, "{body}");
        let label = format!("claude_{kind}");
        let refused =
            body["skipped"].as_array().unwrap().iter().find(|s| s["runtime"] == label.as_str()).expect("refusal row");
        assert_eq!(refused["reason_code"], "outside_project", "{body}");
        assert!(!body["generated"].as_array().unwrap().iter().any(|g| g["runtime"] == label.as_str()), "{body}");
        assert_eq!(body["generated"].as_array().unwrap().len(), 3, "the other runtimes are written: {body}");
    }
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0, "nothing was written outside the project");
}

#[test]
fn concurrent_syncs_of_one_item_take_turns_on_the_runtime_lock() {
    let server = Server::start();
    create(&server, "agents", "rev", AGENT);
    // Someone else (memtomem, another ctxgate) holds the runtime lock for a while.
    fs::create_dir_all(server.file(".claude/agents")).unwrap();
    let lock = fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(server.file(".claude/agents/.rev.lock"))
        .unwrap();
    lock.lock().unwrap();
    let started = Instant::now();
    let url = server.url("/api/context/agents/rev/sync");
    let client = server.client.clone();
    let waiting = std::thread::spawn(move || {
        let resp = client.post(url).send().unwrap();
        (resp.status().as_u16(), started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(600));
    assert!(!waiting.is_finished(), "sync must wait for the lock");
    assert!(!server.file(".claude/agents/rev.md").exists(), "nothing written while the lock is held");
    lock.unlock().unwrap();
    let (status, took) = waiting.join().unwrap();
    assert_eq!(status, 200);
    assert!(took >= Duration::from_millis(600), "{took:?}");
    assert!(server.file(".claude/agents/rev.md").is_file());

    // Many syncs of one skill at once: each one swaps whole folders, none interleave.
    create(&server, "skills", "tool", "v1\n");
    let skill = server.file(".memtomem/skills/tool");
    for i in 0..20 {
        fs::write(skill.join(format!("f{i}.txt")), format!("{i}\n")).unwrap();
    }
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (client, url) = (server.client.clone(), server.url("/api/context/skills/tool/sync"));
            std::thread::spawn(move || json(client.post(url).send().unwrap()))
        })
        .collect();
    for thread in threads {
        let (status, body) = thread.join().unwrap();
        assert_eq!((status, body["skipped"].clone()), (200, json!([])), "{body}");
    }
    for runtime in [".claude", ".gemini", ".agents", ".kimi"] {
        let dir = server.file(&format!("{runtime}/skills"));
        let mut names: Vec<String> =
            fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, [".tool.lock", "tool"], "{runtime}: no staging folder left");
        assert_eq!(fs::read_dir(dir.join("tool")).unwrap().count(), 21, "{runtime}");
    }
    assert_eq!(
        statuses(&server, "skills", "tool"),
        all(&["claude_skills", "gemini_skills", "codex_skills", "kimi_skills"], "in sync")
    );
}

#[test]
fn diff_shows_what_sync_would_write_and_what_is_there() {
    let server = Server::start();
    create(&server, "agents", "rev", AGENT);
    assert_eq!(post_empty(&server, "/api/context/agents/sync").0, 200);
    fs::write(server.file(".gemini/agents/rev.md"), "hand edit\n").unwrap();
    let (status, diff) = json(server.get("/api/context/agents/rev/diff"));
    assert_eq!(status, 200, "{diff}");
    assert_eq!(diff["canonical_content"], AGENT);
    assert_eq!(diff["canonical_path"], ".memtomem/agents/rev/agent.md");
    let gemini = &diff["runtimes"][1];
    assert_eq!((gemini["runtime"].as_str(), gemini["status"].as_str()), (Some("gemini_agents"), Some("out of sync")));
    assert_eq!(gemini["runtime_content"], "hand edit\n");
    assert!(gemini["expected_content"].as_str().unwrap().contains("kind: local"), "{diff}");
    assert_eq!(diff["runtimes"][0]["status"], "in sync");
}

#[test]
fn sync_routes_keep_errors_in_the_envelope_and_artifacts_named_sync_reachable() {
    let server = Server::start();
    // An artifact may be called `sync` or `import`: the artifact routes still reach it.
    create(&server, "agents", "sync", "---\nname: sync\n---\nx\n");
    create(&server, "agents", "import", "---\nname: import\n---\ny\n");
    let (status, body) = json(server.get("/api/context/agents/sync"));
    assert_eq!((status, body["name"].as_str()), (200, Some("sync")), "{body}");
    let (status, body) = json(server.get("/api/context/agents/import"));
    assert_eq!((status, body["name"].as_str()), (200, Some("import")), "{body}");
    let (status, body) = json(server.get("/api/context/agents/sync/history"));
    assert_eq!(status, 200, "{body}");
    let (status, body) = post_empty(&server, "/api/context/agents/sync/sync");
    assert_eq!((status, body["generated"].as_array().map(Vec::len)), (200, Some(4)), "{body}");

    // (path, body as (content type, text), status, error_kind)
    type Case<'a> = (&'a str, Option<(&'a str, &'a str)>, u16, &'a str);
    let cases: [Case; 7] = [
        ("/api/context/widgets/sync", None, 404, "not_found"),
        ("/api/context/agents/-bad/sync", None, 400, "invalid_name"),
        ("/api/context/agents/nothing/sync", None, 404, "not_found"),
        ("/api/context/agents/import", Some(("application/json", r#"{"overwrite": "yes"}"#)), 422, "validation"),
        ("/api/context/agents/sync", Some(("text/plain", "{}")), 415, "unsupported_media_type"),
        ("/api/context/agents/sync", Some(("application/json", "[1]")), 422, "validation"),
        ("/api/context/agents/-bad/diff", None, 400, "invalid_name"),
    ];
    for (path, body, code, kind) in cases {
        let request = if path.ends_with("/diff") {
            server.client.get(server.url(path))
        } else {
            server.client.post(server.url(path))
        };
        let request = match body {
            Some((mime, text)) => request.header("content-type", mime).body(text.to_owned()),
            None => request,
        };
        let (status, answer) = json(request.send().unwrap());
        assert_eq!((status, answer["error_kind"].as_str()), (code, Some(kind)), "{path}: {answer}");
        assert_eq!(answer["status"], "error", "{path}: {answer}");
    }
    // The server functions reach the same store.
    let (status, body) = json(
        server
            .client
            .post(server.url("/_fn/sync_artifact"))
            .json(&json!({"kind": "agents", "name": "import"}))
            .send()
            .unwrap(),
    );
    assert_eq!((status, body["generated"].as_array().map(Vec::len)), (200, Some(4)), "{body}");
    let (status, body) = json(
        server
            .client
            .post(server.url("/_fn/diff_artifact"))
            .json(&json!({"kind": "agents", "name": "-x"}))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 400, "{body}");
}

/// What a crashed sync left under ctxgate's temp name may be the only copy of a hand-edited
/// runtime folder: the next sync of that skill keeps it in history, never deletes it. memtomem's
/// own staging and move-aside names are memtomem's to reap; another skill's leftovers wait for
/// that skill's sync.
#[test]
fn leftovers_of_a_crashed_sync_are_kept_and_nobody_elses_touched() {
    let server = Server::start();
    create(&server, "skills", "tool", "Use it.\n");
    let runtime = server.file(".claude/skills");
    let ours = ".tool.ctxgate-tmp-00000000000000aa";
    let others = [".staging-tool-4242-abcdef.tmp", ".old-tool-4242-abcdef.tmp", ".tool-x.ctxgate-tmp-00000000000000bb"];
    for leftover in others.iter().chain([&ours]) {
        fs::create_dir_all(runtime.join(leftover)).unwrap();
        fs::write(runtime.join(leftover).join("SKILL.md"), "left over\n").unwrap();
    }
    let (status, body) = post_empty(&server, "/api/context/skills/tool/sync");
    assert_eq!(status, 200, "{body}");
    assert!(!runtime.join(ours).exists(), "tool's own leftover stayed in the runtime folder");
    for other in others {
        assert!(runtime.join(other).exists(), "{other} is not this sync's and was touched");
    }
    let (_, history) = json(server.get("/api/context/skills/tool/history"));
    let kept = history["entries"].as_array().unwrap().iter().find(|e| e["runtime"] == "claude_skills").cloned();
    let id = kept.as_ref().and_then(|e| e["id"].as_str()).unwrap_or_else(|| panic!("not kept: {history}"));
    let (_, entry) = json(server.get(&format!("/api/context/skills/tool/history/{id}")));
    assert_eq!(entry["content"], "left over\n");
    // Leftovers are never listed as skills.
    let (_, list) = json(server.get("/api/context/skills"));
    assert_eq!(list["skills"].as_array().unwrap().len(), 1, "{list}");
}

#[test]
fn a_dry_run_is_refused_and_writes_nothing() {
    // memtomem's clients ask for a preview with `dry_run`; ctxgate has none, so it must refuse
    // rather than do the real thing (it used to ignore the flag and sync or import for real).
    let server = Server::start();
    create(&server, "agents", "rev", AGENT);
    fs::create_dir_all(server.file(".claude/skills/only-here")).unwrap();
    fs::write(server.file(".claude/skills/only-here/SKILL.md"), "---\nname: only-here\n---\nx\n").unwrap();
    let before = common::snapshot(server.root());
    let send = |path: &str, body: Option<Value>| {
        let request = server.client.post(server.url(path));
        json(match body {
            Some(body) => request.json(&body).send().unwrap(),
            None => request.send().unwrap(),
        })
    };
    for (path, body) in [
        ("/api/context/agents/sync?dry_run=true", None),
        ("/api/context/agents/rev/sync?dry_run=1", None),
        ("/api/context/agents/sync", Some(json!({"dry_run": true}))),
        ("/api/context/skills/import?dry_run=true", None),
        ("/api/context/skills/only-here/import", Some(json!({"dry_run": true, "overwrite": true}))),
    ] {
        let (status, answer) = send(path, body);
        assert_eq!(status, 422, "{path}: {answer}");
        assert_eq!(answer["error_kind"], "validation", "{path}");
        assert_eq!(answer["field"], "dry_run", "{path}");
    }
    assert_eq!(common::snapshot(server.root()), before, "a refused preview changed the disk");
    // `dry_run=false` is no preview: the sync happens.
    let (status, answer) = send("/api/context/agents/sync?dry_run=false", None);
    assert_eq!(status, 200, "{answer}");
    assert!(server.file(".claude/agents/rev.md").exists());
}
