//! docs/API.md's "Checks" over real HTTP and `ctxgate check` as a process: the diagnostics of
//! saved and unsaved text, the list's badge counts, the sync report's `not_loadable`, and the
//! CLI's formats and exit status.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;
use serde_json::json;
use std::process::Command;

const BAD_SKILL: &str = "---\nname: My_Skill\ndescription: \"\"\n---\nbody\n";

#[test]
fn saved_and_unsaved_text_is_checked() {
    let server = Server::start();
    create(&server, "skills", "My_Skill", BAD_SKILL);
    let (status, body) = json(server.get("/api/context/skills/My_Skill/check"));
    assert_eq!(status, 200, "{body}");
    let rules: Vec<_> = body["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].clone()).collect();
    assert_eq!(rules, [json!("skill-name-chars"), json!("skill-description-empty")]);
    let first = &body["diagnostics"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(2), Some(7)));
    assert_eq!(
        first["message"],
        "A skill name may hold only lowercase letters, digits and `-`: \"My_Skill\" holds 'M'"
    );
    let runtimes = first["runtimes"].as_array().unwrap();
    assert!(runtimes.contains(&json!("agents-spec")) && !runtimes.contains(&json!("claude")), "{first}");

    let (status, body) = json(server.get("/api/context/skills/nothing-here/check"));
    assert_eq!((status, body["error_kind"].as_str()), (404, Some("not_found")));

    let before = snapshot(server.root());
    let (status, body) = json(server.post(
        "/api/context/check",
        &json!({"type": "agents", "name": "rev", "content": "---\nname: rev\n---\nPrompt\n"}),
    ));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["diagnostics"][0]["rule"], "agent-description-missing");
    assert_eq!(body["diagnostics"].as_array().unwrap().len(), 1, "{body}");
    let (status, body) =
        json(server.post("/api/context/check", &json!({"type": "commands", "name": "go", "content": "Just do it\n"})));
    assert_eq!((status, body), (200, json!({"diagnostics": []})));

    // Bad input names its field, and nothing is written.
    for (request, code, field) in [
        (json!({"type": "rules", "name": "x", "content": ""}), 422, Some("type")),
        (json!({"name": "x", "content": ""}), 422, Some("type")),
        (json!({"type": "skills", "content": ""}), 422, Some("name")),
        (json!({"type": "skills", "name": "x", "content": 5}), 422, Some("content")),
        (json!({"type": "skills", "name": "../x", "content": ""}), 400, None),
    ] {
        let (status, body) = json(server.post("/api/context/check", &request));
        assert_eq!(status, code, "{request}: {body}");
        assert_eq!(body["field"].as_str(), field, "{request}: {body}");
    }
    assert_eq!(snapshot(server.root()), before);
}

#[test]
fn the_list_counts_and_the_sync_report_names_what_will_not_load() {
    let server = Server::start();
    create(&server, "skills", "My_Skill", BAD_SKILL);
    create(&server, "skills", "fine", "---\nname: fine\ndescription: Works.\n---\n");
    let (status, body) = json(server.get("/api/context/skills"));
    assert_eq!(status, 200);
    assert_eq!(body["skills"][0]["name"], "My_Skill");
    assert_eq!(
        body["skills"][0]["checks"],
        json!({
            "errors": 2,
            "warnings": 0,
            "first": "line 2: A skill name may hold only lowercase letters, digits and `-`: \"My_Skill\" holds 'M'",
            "first_rule": "skill-name-chars",
            "first_line": 2
        })
    );
    assert_eq!(body["skills"][1]["checks"], json!({"errors": 0, "warnings": 0}));

    let (status, body) = json(server.post("/api/context/skills/sync", &json!({})));
    assert_eq!(status, 200, "{body}");
    let not_loadable = body["not_loadable"].as_array().unwrap();
    assert!(not_loadable.iter().all(|n| n["name"] == "My_Skill"), "{body}");
    let codex = not_loadable.iter().find(|n| n["runtime"] == "codex_skills").expect("codex refuses it");
    assert_eq!(codex["rules"], json!(["skill-description-empty"]));
    assert!(!not_loadable.iter().any(|n| n["runtime"] == "claude_skills"), "Claude Code loads it: {body}");
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = root.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

fn run_check(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(binary()).arg("check").args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn the_cli_prints_like_a_compiler_and_exits_by_severity() {
    let root = project(&[
        (".memtomem/skills/My_Skill/SKILL.md", BAD_SKILL),
        (".memtomem/skills/ok/SKILL.md", "---\nname: ok\ndescription: Fine.\n---\n"),
        (".memtomem/commands/go.md", "---\ndescription: Go\nauthor: me\n---\nGo.\n"),
    ]);
    let dir = root.path().to_str().unwrap();
    let (code, out, err) = run_check(&["--root", dir]);
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with(".memtomem/skills/My_Skill/SKILL.md:2:7: error: A skill name may hold only"), "{out}");
    assert!(lines[0].ends_with("[skill-name-chars]"), "{out}");
    assert!(
        lines[1].starts_with(
            ".memtomem/skills/My_Skill/SKILL.md:3:14: error: `description` is empty (agents-spec, codex, qwen)"
        ),
        "{out}"
    );
    assert!(lines[2].starts_with(".memtomem/commands/go.md:3:1: warning: This runtime's format cannot carry"), "{out}");
    assert!(lines[3].starts_with(".memtomem/commands/go.md:3:1: warning: Claude Code does not read"), "{out}");

    // Warnings alone pass; only the named artifacts are checked.
    let (code, out, _) = run_check(&["--root", dir, "commands/go", "skills/ok"]);
    assert_eq!((code, out.lines().count()), (0, 2), "{out}");

    let (code, out, _) = run_check(&["--root", dir, "--format", "json", "skills/My_Skill"]);
    assert_eq!(code, 1);
    let body: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &body["diagnostics"][0];
    assert_eq!(first["type"], "skills");
    assert_eq!(first["name"], "My_Skill");
    assert_eq!(first["path"], ".memtomem/skills/My_Skill/SKILL.md");
    assert_eq!(first["rule"], "skill-name-chars");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(2), Some(7)));
    assert!(first["runtimes"].as_array().unwrap().contains(&json!("agents-spec")));

    // A file that is not UTF-8 is a finding, not a failure to run.
    let root2 = project(&[(".memtomem/skills/latin/SKILL.md", "---\nname: latin\ndescription: caf\u{e9}\n---\n")]);
    std::fs::write(
        root2.path().join(".memtomem/skills/latin/SKILL.md"),
        b"---\nname: latin\ndescription: caf\xe9\n---\n",
    )
    .unwrap();
    let (code, out, err) = run_check(&["--root", root2.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(out.starts_with(".memtomem/skills/latin/SKILL.md:1:1: error: The file is not valid UTF-8"), "{out}");

    // Could not run: 2, and a reason on stderr.
    for args in
        [vec!["--root", "/nonexistent/ctxgate"], vec!["--root", dir, "rules/x"], vec!["--root", dir, "skills/none"]]
    {
        let (code, out, err) = run_check(&args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert!(err.starts_with("ctxgate check: "), "{err}");
    }
}
