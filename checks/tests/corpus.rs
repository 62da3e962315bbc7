//! The corpus (`checks/tests/corpus/`, each case described in its README.md) against the real
//! judges: the runtimes' own loaders and `skills-ref`, the Agent Skills specification's reference
//! validator. `scripts/test` runs the judges and hands their verdicts in:
//!   CTXGATE_LOADERS_MATRIX  JSON from `scripts/loaders/matrix`
//!   CTXGATE_SKILLS_REF      JSON lines from `scripts/skills-ref verdicts`
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use checks::{check_bytes, refused_by, rt, Diagnostic, Severity};
use model::Kind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every case of a type: its name (skill folder, or file stem) and its file's bytes.
fn cases(kind: Kind) -> BTreeMap<String, Vec<u8>> {
    let dir = corpus().join(kind.plural());
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        match kind {
            Kind::Skills => out.insert(name, std::fs::read(path.join("SKILL.md")).unwrap()),
            _ => out.insert(name.strip_suffix(".md").unwrap().to_owned(), std::fs::read(&path).unwrap()),
        };
    }
    out
}

fn diagnostics(kind: Kind, name: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    check_bytes(kind, name, bytes)
}

#[test]
fn the_corpus_is_big_enough() {
    assert!(cases(Kind::Skills).len() >= 50);
    assert!(cases(Kind::Agents).len() >= 20);
    assert!(cases(Kind::Commands).len() >= 10);
}

/// Where a loader's listing cannot be compared, and why (docs/CHECKS.md, "Against the real
/// loaders").
fn not_comparable(runtime: &str, kind: Kind, case: &str) -> Option<&'static str> {
    match (runtime, kind, case) {
        // Claude Code leaves skills the model may not invoke, or that wait for a matching path,
        // out of its list: loaded, but not listed.
        ("claude", Kind::Skills, "claude-code-keys" | "claude-code-paths-flow") => Some("not listed by design"),
        // Canonical agents are never copied to `.opencode/agents/`: OpenCode's agents are another
        // format (its whole config fails on a Claude-style `tools` or `color`).
        ("opencode", Kind::Agents, _) => Some("OpenCode agents are a format of their own"),
        // Copilot reads `.claude/commands/` as skills, with the skill rules; its own commands
        // are `.github/prompts/`.
        ("copilot", Kind::Commands, _) => Some("Copilot reads Claude commands as skills"),
        _ => None,
    }
}

#[test]
#[ignore = "needs the real loaders: scripts/test runs it with CTXGATE_LOADERS_MATRIX"]
fn verdicts_match_the_real_loaders() {
    let path = std::env::var("CTXGATE_LOADERS_MATRIX").expect("CTXGATE_LOADERS_MATRIX");
    let matrix: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut wrong = Vec::new();
    let mut compared = 0;
    for (runtime, by_kind) in matrix.as_object().unwrap() {
        for kind in Kind::ALL {
            let Some(listed) = by_kind[kind.plural()].as_object() else { continue };
            for (case, bytes) in cases(kind) {
                let Some(loaded) = listed.get(&case).and_then(serde_json::Value::as_bool) else { continue };
                if not_comparable(runtime, kind, &case).is_some() {
                    continue;
                }
                compared += 1;
                let diagnostics = diagnostics(kind, &case, &bytes);
                let refused = refused_by(&diagnostics, runtime);
                if refused.is_empty() != loaded {
                    let say = if loaded { "loads" } else { "refuses" };
                    wrong.push(format!("{runtime} {say} {}/{case}, ctxgate says {refused:?}", kind.plural()));
                }
            }
        }
    }
    println!("compared {compared} (runtime, case) verdicts with the real loaders");
    assert!(compared >= 300, "only {compared} verdicts compared");
    assert!(wrong.is_empty(), "{} disagreements:\n{}", wrong.len(), wrong.join("\n"));
}

/// Where `skills-ref` 0.1.1 departs from the published specification, and ctxgate follows the
/// specification (docs/CHECKS.md, "skills-ref").
fn skills_ref_departs(case: &str) -> Option<&'static str> {
    Some(match case {
        "metadata-flow-map" | "metadata-empty-map" | "claude-code-paths-flow" | "allowed-tools-flow-list" => {
            "refuses YAML flow style, which YAML and the spec allow"
        }
        "4567" => "refuses YAML tags (`!!str`)",
        "tab-in-value" => "refuses a tab inside a value, which YAML allows",
        "desc-dashes-quoted" => "splits the file at the first `---` anywhere, even inside a quoted value",
        "claude-code-keys" | "unknown-key" | "context-inline" | "disable-model-invocation-string" => {
            "refuses keys outside the spec's six; the spec lets clients add their own"
        }
        "123" | "desc-number" => "reads every value as a string; YAML reads `123` as a number",
        "metadata-string" => "does not check that `metadata` is a map",
        "café" | "pdf" => "accepts any Unicode letter; the spec allows a-z",
        "padded" => "trims the name before checking it",
        "indented-closing-fence" => "takes an indented `---` as the closing fence",
        _ => return None,
    })
}

#[test]
#[ignore = "needs skills-ref: scripts/test runs it with CTXGATE_SKILLS_REF"]
fn spec_verdicts_match_skills_ref() {
    let path = std::env::var("CTXGATE_SKILLS_REF").expect("CTXGATE_SKILLS_REF");
    let cases = cases(Kind::Skills);
    let mut wrong = Vec::new();
    let mut agreed = 0;
    let mut departures = 0;
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let verdict: serde_json::Value = serde_json::from_str(line).unwrap();
        let folder = verdict["folder"].as_str().unwrap();
        let valid = verdict["valid"].as_bool().unwrap();
        let diagnostics = diagnostics(Kind::Skills, folder, &cases[folder]);
        // ctxgate's verdict for the spec: no error naming it.
        let ours =
            !diagnostics.iter().any(|d| d.severity == Severity::Error && d.runtimes.iter().any(|r| r == rt::SPEC));
        if ours == valid {
            agreed += 1;
            continue;
        }
        match skills_ref_departs(folder) {
            Some(_) => departures += 1,
            None => wrong.push(format!("{folder}: skills-ref says {valid}, ctxgate {diagnostics:?}")),
        }
    }
    println!("skills-ref: {agreed} agree, {departures} documented departures");
    assert!(agreed + departures >= 50);
    assert!(wrong.is_empty(), "{} disagreements:\n{}", wrong.len(), wrong.join("\n"));
}
