//! One case per rule of `checks::RULES` (a test holds that none is missing), and the valid edge
//! cases that must not be flagged.

use checks::{check, Diagnostic, Severity, RULES};
use model::Kind::{self, Agents, Commands, Skills};

fn skill(front: &str) -> String {
    format!("---\n{front}---\n# Body\n")
}

const OK_SKILL: &str = "name: demo\ndescription: Does a thing.\n";
const OK_AGENT: &str = "name: demo\ndescription: Reviews code.\n";

/// (rule, kind, name, text, line, column): the rule fires at exactly that place.
fn cases() -> Vec<(&'static str, Kind, &'static str, String, u32, u32)> {
    vec![
        ("frontmatter-missing", Skills, "demo", "# no frontmatter\n".into(), 1, 1),
        ("agent-frontmatter-missing", Agents, "demo", "just a prompt\n".into(), 1, 1),
        ("agent-frontmatter-missing", Agents, "demo", format!("\n{}", skill(OK_AGENT)), 1, 1),
        ("agent-frontmatter-unclosed", Agents, "demo", format!("---\n{OK_AGENT}"), 1, 1),
        ("agent-frontmatter-not-map", Agents, "demo", skill("- a\n"), 2, 1),
        ("agent-yaml-strict", Agents, "demo", skill("name: demo\ndescription: [unclosed\n"), 4, 1),
        ("agent-duplicate-key", Agents, "demo", skill("name: demo\ndescription: a\nname: demo\n"), 4, 1),
        ("duplicate-key", Commands, "demo", skill("description: a\ndescription: b\n"), 3, 1),
        ("agent-frontmatter-bom", Agents, "demo", format!("\u{feff}{}", skill(OK_AGENT)), 1, 1),
        ("agent-fence-space", Agents, "demo", format!("---\n{OK_AGENT}---  \n"), 4, 1),
        ("frontmatter-indented-fence", Skills, "demo", format!("---\n{OK_SKILL}  ---\n"), 4, 1),
        ("frontmatter-fence-space", Skills, "demo", format!("---\n{OK_SKILL}--- \n"), 4, 1),
        ("frontmatter-yaml-tab", Skills, "demo", skill(&format!("{OK_SKILL}metadata:\n\tauthor: me\n")), 5, 2),
        ("command-frontmatter-ignored", Commands, "demo", "---\ndescription: x\n".into(), 1, 1),
        ("command-flag-type", Commands, "demo", skill("disable-model-invocation: maybe\n"), 2, 27),
        ("skill-name-null", Skills, "demo", skill("name:\ndescription: x\n"), 2, 1),
        ("skill-name-not-scalar", Skills, "demo", skill("name: [a, b]\ndescription: x\n"), 2, 7),
        ("skill-name-non-ascii", Skills, "café", skill("name: café\ndescription: x\n"), 2, 7),
        ("skill-name-symbols", Skills, "my skill", skill("name: my skill\ndescription: x\n"), 2, 7),
        ("skill-description-null", Skills, "demo", skill("name: demo\ndescription:\n"), 3, 1),
        ("skill-description-not-string", Skills, "demo", skill("name: demo\ndescription: 42\n"), 3, 14),
        ("skill-field-type", Skills, "demo", skill(&format!("{OK_SKILL}license: [MIT]\n")), 4, 10),
        ("frontmatter-bom", Skills, "demo", format!("\u{feff}{}", skill(OK_SKILL)), 1, 1),
        ("frontmatter-first-line", Skills, "demo", format!("\n{}", skill(OK_SKILL)), 1, 1),
        ("frontmatter-unclosed", Skills, "demo", format!("---\n{OK_SKILL}# body\n"), 1, 1),
        ("frontmatter-yaml-colon", Skills, "demo", skill("name: demo\ndescription: Step 1: read\n"), 3, 20),
        ("frontmatter-yaml", Skills, "demo", skill("name: demo\ndescription: [unclosed\n"), 4, 1),
        ("frontmatter-not-map", Skills, "demo", skill("- a\n- b\n"), 2, 1),
        ("frontmatter-duplicate-key", Skills, "demo", skill("name: demo\ndescription: a\nname: demo\n"), 4, 1),
        ("skill-name-missing", Skills, "demo", skill("description: x\n"), 1, 1),
        ("skill-name-empty", Skills, "demo", skill("name: ''\ndescription: x\n"), 2, 7),
        ("skill-name-chars", Skills, "My_Skill", skill("name: My_Skill\ndescription: x\n"), 2, 7),
        ("skill-name-chars", Skills, "my.skill", skill("name: my.skill\ndescription: x\n"), 2, 7),
        ("skill-name-hyphens", Skills, "a--b", skill("name: a--b\ndescription: x\n"), 2, 7),
        ("skill-name-leading-hyphen", Skills, "-ab", skill("name: \"-ab\"\ndescription: x\n"), 2, 7),
        ("skill-name-length", Skills, "long", skill(&format!("name: {}\ndescription: x\n", "a".repeat(65))), 2, 7),
        ("skill-name-folder", Skills, "other", skill(OK_SKILL), 2, 7),
        ("skill-description-missing", Skills, "demo", skill("name: demo\n"), 1, 1),
        ("skill-description-empty", Skills, "demo", skill("name: demo\ndescription: \"\"\n"), 3, 14),
        (
            "skill-description-length",
            Skills,
            "demo",
            skill(&format!("name: demo\ndescription: {}\n", "é".repeat(1025))),
            3,
            14,
        ),
        ("skill-description-angle", Skills, "demo", skill("name: demo\ndescription: Use for <html> files\n"), 3, 14),
        ("skill-name-not-string", Skills, "demo", skill("name: 123\ndescription: x\n"), 2, 7),
        ("skill-description-not-scalar", Skills, "demo", skill("name: demo\ndescription: [a, b]\n"), 3, 14),
        (
            "skill-compatibility-length",
            Skills,
            "demo",
            skill(&format!("{OK_SKILL}compatibility: {}\n", "c".repeat(501))),
            4,
            16,
        ),
        ("skill-compatibility-empty", Skills, "demo", skill(&format!("{OK_SKILL}compatibility: \"\"\n")), 4, 1),
        ("skill-metadata-map", Skills, "demo", skill(&format!("{OK_SKILL}metadata: v1\n")), 4, 11),
        ("skill-metadata-values", Skills, "demo", skill(&format!("{OK_SKILL}metadata:\n  version: 2\n")), 5, 12),
        ("skill-allowed-tools-list", Skills, "demo", skill(&format!("{OK_SKILL}allowed-tools: [Read, Grep]\n")), 4, 16),
        ("skill-unknown-key", Skills, "demo", skill(&format!("{OK_SKILL}author: me\n")), 4, 1),
        ("skill-claude-value", Skills, "demo", skill(&format!("{OK_SKILL}context: isolated\n")), 4, 10),
        ("skill-flag-type", Skills, "demo", skill(&format!("{OK_SKILL}user-invocable: sometimes\n")), 4, 17),
        ("skill-body-length", Skills, "demo", format!("---\n{OK_SKILL}---\n{}", "line\n".repeat(501)), 1, 1),
        ("agent-name-missing", Agents, "demo", skill("description: x\n"), 1, 1),
        ("agent-description-missing", Agents, "demo", skill("name: demo\ndescription: \"  \"\n"), 3, 14),
        ("agent-name-format", Agents, "demo", skill("name: \"ns:demo\"\ndescription: x\n"), 2, 7),
        ("agent-name-case", Agents, "demo", skill("name: Demo\ndescription: x\n"), 2, 7),
        ("agent-unknown-key", Agents, "demo", skill(&format!("{OK_AGENT}priority: high\n")), 4, 1),
        ("agent-value", Agents, "demo", skill(&format!("{OK_AGENT}permissionMode: yolo\n")), 4, 17),
        ("agent-value", Agents, "demo", skill(&format!("{OK_AGENT}color: magenta\n")), 4, 8),
        ("agent-value", Agents, "demo", skill(&format!("{OK_AGENT}tools: {{a: b}}\n")), 4, 8),
        ("agent-dropped", Agents, "demo", skill(&format!("{OK_AGENT}skills: [lint]\n")), 4, 1),
        ("command-yaml-strict", Commands, "demo", skill("description: Step 1: read\n"), 2, 20),
        ("command-unknown-key", Commands, "demo", skill("description: x\nauthor: me\n"), 3, 1),
        ("command-value", Commands, "demo", skill("model: gpt-5\n"), 2, 8),
        ("command-dropped", Commands, "demo", skill("description: x\nmodel: haiku\n"), 3, 1),
    ]
}

fn rules_of(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.rule.as_str()).collect()
}

#[test]
fn every_rule_fires_at_its_place() {
    let mut wrong = Vec::new();
    for (rule, kind, name, text, line, column) in cases() {
        let diagnostics = check(kind, name, &text);
        let hit = diagnostics.iter().find(|d| d.rule == rule);
        let Some(hit) = hit else {
            wrong.push(format!("{rule} did not fire on {text:?}: {:?}", rules_of(&diagnostics)));
            continue;
        };
        if (hit.line, hit.column) != (line, column) {
            wrong.push(format!("{rule} at {}:{} on {text:?}", hit.line, hit.column));
        }
        let row = RULES.iter().find(|r| r.id == rule).unwrap();
        assert_eq!(hit.severity, row.severity, "{rule}");
        assert!(hit.message.starts_with(row.what), "{rule}: {}", hit.message);
        if hit.severity == Severity::Error {
            assert!(!hit.runtimes.is_empty(), "{rule} names no runtime");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn bytes_that_are_not_utf8_are_an_error_for_who_refuses_them() {
    let diagnostics = checks::check_bytes(Skills, "demo", b"---\nname: demo\ndescription: caf\xe9\n---\n");
    assert_eq!(rules_of(&diagnostics), ["file-not-utf8"]);
    assert_eq!(diagnostics[0].runtimes, ["agents-spec", "codex"]);
}

#[test]
fn no_rule_is_without_a_case() {
    let cases = cases();
    for rule in RULES.iter().filter(|r| r.id != "file-not-utf8") {
        assert!(cases.iter().any(|c| c.0 == rule.id), "no case for {}", rule.id);
    }
}

/// Valid files that a careless reader would flag.
#[test]
fn valid_edge_cases_are_not_flagged() {
    let name64 = "a".repeat(64);
    let desc1024 = "한".repeat(1024);
    let valid: Vec<(Kind, String, String)> = vec![
        (Skills, "demo".into(), skill(OK_SKILL)),
        (Skills, name64.clone(), skill(&format!("name: {name64}\ndescription: x\n"))),
        (Skills, "demo".into(), skill(&format!("name: demo\ndescription: {desc1024}\n"))),
        (Skills, "demo".into(), skill("name: demo\ndescription: >\n  Folded\n  text.\n")),
        (Skills, "demo".into(), skill("name: demo\ndescription: |\n  Literal\n  ---\n  text.\n")),
        (
            Skills,
            "demo".into(),
            skill("name: demo\ndescription: \"a --- b\"\nmetadata: {author: me, version: \"1\"}\n"),
        ),
        (Skills, "demo".into(), skill("{name: demo, description: flow map}\n")),
        (Skills, "demo".into(), "---\r\nname: demo\r\ndescription: CRLF.\r\n---\r\nbody\r\n".into()),
        (
            Skills,
            "demo".into(),
            skill(&format!("{OK_SKILL}license: MIT\ncompatibility: Needs git\nallowed-tools: Read Grep\n")),
        ),
        (
            Skills,
            "demo".into(),
            skill(&format!(
                "{OK_SKILL}argument-hint: \"[file]\"\ndisable-model-invocation: true\nuser-invocable: false\n\
                 model: sonnet\ncontext: fork\nagent: Explore\nwhen_to_use: Often.\npaths: [\"src/**\"]\n"
            )),
        ),
        (Skills, "demo".into(), format!("---\n{OK_SKILL}---\n{}", "line\n".repeat(500))),
        (Agents, "other-file".into(), skill(OK_AGENT)),
        (Agents, "demo".into(), skill(&format!("{OK_AGENT}tools: Read, Grep\nmodel: claude-opus-4-1-20250805\n"))),
        (Agents, "demo".into(), skill(&format!("{OK_AGENT}tools: [Read, Grep]\nmodel: inherit\n"))),
        (Commands, "demo".into(), "Just a prompt with $ARGUMENTS\n".into()),
        (Commands, "demo".into(), skill("description: Step 1: read; step 2: write\n")),
        (Commands, "demo".into(), skill("description: x\nargument-hint: [a] [b]\n")),
    ];
    let mut wrong = Vec::new();
    for (kind, name, text) in valid {
        let diagnostics = check(kind, &name, &text);
        // What memtomem's formats cannot carry is a warning by design (its own rows test it), and so
        // is a command that only Claude Code's lenient reader takes.
        let flagged: Vec<_> =
            diagnostics.iter().filter(|d| !d.rule.ends_with("-dropped") && d.rule != "command-yaml-strict").collect();
        if !flagged.is_empty() {
            wrong.push(format!("{kind:?} {text:?} flagged: {flagged:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_command_that_is_not_strict_yaml_is_only_a_warning() {
    let diagnostics = check(Commands, "demo", &skill("description: Step 1: read; step 2: write\n"));
    assert!(diagnostics.iter().all(|d| d.severity == Severity::Warning), "{diagnostics:?}");
    let diagnostics = check(Skills, "demo", &skill("name: demo\ndescription: Step 1: read; step 2: write\n"));
    assert_eq!(rules_of(&diagnostics), ["frontmatter-yaml-colon"]);
    assert_eq!(diagnostics[0].severity, Severity::Error);
}

#[test]
fn memtomem_names_are_errors_for_the_runtimes_that_drop_them() {
    let diagnostics = check(Skills, "My_Skill", &skill("name: My_Skill\ndescription: x\n"));
    let chars = diagnostics.iter().find(|d| d.rule == "skill-name-chars").unwrap();
    assert_eq!(chars.severity, Severity::Error);
    assert!(chars.runtimes.iter().any(|r| r == "agents-spec"), "{chars:?}");
    assert!(!chars.runtimes.iter().any(|r| r == "claude"), "Claude Code loads it: {chars:?}");
}

#[test]
fn json_shape() {
    let diagnostics = check(Skills, "demo", &skill("name: demo\n"));
    let json = serde_json::to_value(&diagnostics).unwrap();
    assert_eq!(json[0]["rule"], "skill-description-missing");
    assert_eq!(json[0]["severity"], "error");
    assert_eq!(json[0]["line"], 1);
    assert_eq!(json[0]["column"], 1);
    assert!(json[0]["runtimes"].is_array());
}

#[test]
fn the_docs_name_every_rule() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/CHECKS.md")).unwrap();
    let missing: Vec<_> = RULES.iter().filter(|r| !doc.contains(&format!("`{}`", r.id))).map(|r| r.id).collect();
    assert!(missing.is_empty(), "docs/CHECKS.md does not name {missing:?}");
}
