//! Merge corpus (docs/DECISIONS.md, "Three-way merge"): concurrent edits of realistic Markdown agent
//! files, merged by ctxgate's `merge3` and by `git merge-file -p --diff3`. For each engine it prints the
//! share of mergeable scenarios merged exactly, the silent wrong merges (a clean result that is not the
//! expected text, or a clean result where a conflict was required) and the true conflicts reported; then
//! it times `merge3` on a 10,000-line file. Exits non-zero only if `merge3` merges something wrongly
//! without a conflict.
//!
//! The "insert/2 edits" and "delete/2 edits" kinds (one side adds a line above, or deletes, a line the
//! other side edits, next to an edit of the following line) must conflict by those rules; a silent
//! merge of one is listed with whether its text even matches what applying both sides would give.
//!
//! Run: `cargo bench -p server --bench merge_corpus`

use std::ops::Range;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use app::text::merge::{merge3, MergeLabels};

const CODE_REVIEW_SKILL: &str = r#"---
name: code-review
description: Review a pull request for correctness, security and style before it is merged.
allowed-tools: Read, Grep, Glob, Bash(git diff:*), Bash(git log:*)
---

# Code review

Use this skill when the user asks for a review of a branch, a pull request or a single commit.

## Before you start

1. Read the pull request description and any linked issue.
2. Run `git diff main...HEAD --stat` to see which files changed.
3. Skim the tests first: they tell you what the author meant to build.

## What to check

- Correctness: does the code do what the description claims?
- Error handling: are failures reported, retried or swallowed silently?
- Security: look for injection, path traversal and secrets in logs.
- Concurrency: shared state must be guarded; watch for lock ordering.
- Performance: flag quadratic loops over user input and needless clones.
- Tests: every bug fix needs a regression test that fails without the fix.
- Naming: names should say what a thing is, not how it is built.
- Documentation: public functions need a short comment on why they exist.

## How to write the review

Group findings by severity:

- **Blocking**: bugs, data loss, security holes. The change cannot merge.
- **Should fix**: missing tests, unclear names, dead code.
- **Nit**: formatting and wording. Mark these clearly so they are optional.

For each finding, quote the file and line, explain the problem in one sentence,
and suggest a concrete fix. Prefer a small code snippet over a long paragraph.

## Tone

Be direct but kind. Assume the author had a reason and ask about it
before calling something wrong. Praise good decisions explicitly.

## Output format

Start with a two line summary of the change and your overall verdict.
Then list the findings, most severe first.
End with the questions you still have for the author.

## Things to avoid

- Do not rewrite the whole change in your own style.
- Do not approve a change you have not read completely.
- Do not comment on generated files or vendored code.
- Do not repeat a finding that the linter already reports.
"#;

const DEPLOY_COMMAND: &str = r#"---
description: Deploy the current branch to staging or production
argument-hint: [staging|production]
allowed-tools: Bash(make:*), Bash(git:*), Bash(kubectl:*)
---

# Deploy

Deploy the service to the environment given in $ARGUMENTS (default: staging).

## Preconditions

- The working tree must be clean; stop and report if `git status` shows changes.
- The branch must be pushed and its CI run must be green.
- Production deploys need a release tag on the commit.

## Steps

1. Confirm the target environment with the user unless it is staging.
2. Run `make build` and check that the image tag matches the commit hash.
3. Run `make migrate ENV=$ARGUMENTS` and read the migration plan carefully.
4. Run `make deploy ENV=$ARGUMENTS`.
5. Watch the rollout with `kubectl rollout status deploy/api -n $ARGUMENTS`.
6. Check the health endpoint and the error rate dashboard for five minutes.

## Rollback

If the error rate doubles or the health check fails:

1. Run `make rollback ENV=$ARGUMENTS` right away; do not debug first.
2. Post the incident in the team channel with the failing commit hash.
3. Open an issue with the logs attached.

## Report

Reply with the environment, the deployed commit, the migration summary
and the link to the dashboard. Keep the report under ten lines.

## Notes

- Never deploy on Friday afternoon without an explicit confirmation.
- Database migrations must be backward compatible with the previous release.
- Feature flags default to off in production.
"#;

const README_SECTION: &str = r#"# ctxgate

ctxgate is a small web editor for the context files of coding agents:
skills, commands, memory files and project notes.

## Features

- Edits Markdown files in place, with a live preview.
- Detects when a file changed on disk while you were editing it.
- Merges your edits with the changes on disk when they do not overlap.
- Shows a clear conflict view when they do.
- Keeps line endings and the final newline exactly as they were.

## Install

Download the binary for your platform from the releases page, or build it:

```sh
cargo install --path server
```

Then start it in the folder that holds your agent files:

```sh
ctxgate serve --root . --port 8080
```

Open the printed address in a browser. The editor binds to localhost only.

## Configuration

Settings are read from `ctxgate.toml` in the root folder:

```toml
[server]
port = 8080
read_only = false

[editor]
autosave = true
theme = "system"
```

Every setting can also be given on the command line or as an environment
variable, for example `CTXGATE_PORT=9000`.

## Security

ctxgate never follows symbolic links outside the root folder and refuses
paths that contain parent references. Uploads are limited to one megabyte.

## Contributing

Pull requests are welcome. Please run the test suite and the linter before
you open one, and describe the user visible change in the changelog.
"#;

const DEBUG_SKILL: &str = r#"---
name: systematic-debugging
description: Find the root cause of a failing test or a production bug before changing code.
---

# Systematic debugging

Use this skill when a test fails, a bug is reported, or behaviour differs
from what the documentation promises.

## Rules

- Reproduce first. A bug you cannot reproduce is a bug you cannot fix.
- Change one thing at a time and rerun the failing case after each change.
- Write down every hypothesis and the evidence for or against it.
- Never silence an error to make a test pass.

## Procedure

1. Capture the exact failure: command, output, exit code and environment.
2. Reduce the input until the failure disappears, then step back once.
3. Read the code path from the entry point to the failure, not only the last frame.
4. Add logging at the boundaries where data changes shape.
5. Form a hypothesis that explains every observed symptom.
6. Write a test that fails for exactly that reason.
7. Fix the cause, not the symptom, and watch the new test pass.
8. Run the whole suite to catch regressions elsewhere.

## When you are stuck

After three failed hypotheses, stop and summarize what you know.
Ask the user for logs from the failing environment, or for the last
version that worked. Bisect with `git bisect run` when a good commit exists.

## Reporting

Explain the root cause in plain words, show the minimal reproduction,
and list the files you changed. Mention any related code that may have
the same defect so a reviewer can check it.
"#;

const PROJECT_MEMORY: &str = r#"# Project notes for agents

This repository is a Rust workspace with three crates: store, app and server.

## Build and test

- Build everything with `cargo build --workspace`.
- Run unit tests with `cargo test --workspace`.
- Run the browser tests with `scripts/e2e` after starting the server.
- The linter must pass: `cargo clippy --all-targets -- -D warnings`.

## Code style

- Format with rustfmt; the maximum line width is 120 characters.
- Do not use unwrap or expect outside tests; return an error instead.
- Keep modules small and give each one a short header comment.
- Prefer plain functions over traits until there are two implementations.

## Architecture

The store crate owns all file access and knows nothing about HTTP.
The app crate holds the user interface and the pure text logic.
The server crate wires the router, the security layers and the logging.

## Conventions

- Commit messages start with the area, for example `store: reject symlinks`.
- Every user visible change gets a line in the changelog.
- New settings need a default, a test and a line in the README.
- Error messages are full sentences and say what the user can do next.

## Gotchas

- The editor keeps the original line endings; never normalize them.
- Paths from the browser are untrusted; always resolve them through the store.
- The wasm build has no threads and no clock; keep the text module pure.
"#;

const DOCS: [(&str, &str); 5] = [
    ("code-review", CODE_REVIEW_SKILL),
    ("deploy", DEPLOY_COMMAND),
    ("readme", README_SECTION),
    ("debugging", DEBUG_SKILL),
    ("memory", PROJECT_MEMORY),
];

/// Words that occur in no document, so every replacement diffs as exactly one changed word.
const FRESH_WORDS: &[&str] = &[
    "meticulously",
    "canary",
    "idempotent",
    "quarterly",
    "tenant",
    "rotate",
    "audited",
    "vendor",
    "sandbox",
    "throttle",
    "hotfix",
    "telemetry",
    "cohort",
    "quorum",
    "ledger",
    "beacon",
    "nightly",
    "runbook",
];

const FRESH_LINES: &[&str] = &[
    "- Ask for a second reviewer on anything touching authentication.",
    "Keep a short glossary of the domain terms at the end.",
    "- Record the decision in the architecture log.",
    "Mention the ticket number in the first line.",
    "- Prefer a canary rollout for risky changes.",
    "Check the translation files as well.",
    "- Link the dashboard that proves the fix works.",
    "Add a screenshot when the interface changes.",
];

/// Endings for a new sibling line that starts like an existing one ("- Do not" + ending).
const FRESH_TAILS: &[&str] = &[
    "merge on a Friday afternoon.",
    "the translation files as well.",
    "a second reviewer for risky changes.",
    "the ticket number in the first line.",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    FarApart,
    AdjacentLines,
    SameLine,
    SameChange,
    SameWordTwoWays,
    DeleteVsEdit,
    InsertVsInsert,
    InsertVsNearEdits,
    DeleteVsNearEdits,
}

impl Kind {
    // New kinds go last: the generator is shared, so this keeps the older scenarios unchanged.
    const ALL: [Kind; 9] = [
        Kind::FarApart,
        Kind::AdjacentLines,
        Kind::SameLine,
        Kind::SameChange,
        Kind::SameWordTwoWays,
        Kind::DeleteVsEdit,
        Kind::InsertVsInsert,
        Kind::InsertVsNearEdits,
        Kind::DeleteVsNearEdits,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::FarApart => "edits far apart",
            Kind::AdjacentLines => "adjacent lines",
            Kind::SameLine => "words of one line",
            Kind::SameChange => "same change twice",
            Kind::SameWordTwoWays => "conflict: word 2 ways",
            Kind::DeleteVsEdit => "conflict: delete/edit",
            Kind::InsertVsInsert => "conflict: insert/insert",
            Kind::InsertVsNearEdits => "conflict: insert/2 edits",
            Kind::DeleteVsNearEdits => "conflict: delete/2 edits",
        }
    }

    fn must_conflict(self) -> bool {
        matches!(
            self,
            Kind::SameWordTwoWays
                | Kind::DeleteVsEdit
                | Kind::InsertVsInsert
                | Kind::InsertVsNearEdits
                | Kind::DeleteVsNearEdits
        )
    }

    /// Scenarios per document.
    fn wanted(self) -> usize {
        match self {
            Kind::InsertVsNearEdits | Kind::DeleteVsNearEdits => 6,
            kind if kind.must_conflict() => 2,
            _ => 3,
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
struct Edit {
    at: Range<usize>,
    with: String,
}

struct Scenario {
    name: String,
    kind: Kind,
    base: String,
    mine: String,
    theirs: String,
    /// `None`: the merge must report a conflict.
    expected: Option<String>,
    /// For a required conflict, what applying both sides' edits would give when they do not overlap: tells a
    /// silent merge that is merely too bold from one that invents text.
    intended: Option<String>,
}

/// Small deterministic generator, so the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            return None;
        }
        items.get(self.below(items.len()))
    }
}

/// A base document split into lines (byte ranges including the newline) and the words of each line.
struct Doc<'a> {
    text: &'a str,
    lines: Vec<Range<usize>>,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            lines.push(start..start + line.len());
            start += line.len();
        }
        Doc { text, lines }
    }

    fn line(&self, i: usize) -> &'a str {
        self.lines.get(i).and_then(|r| self.text.get(r.clone())).unwrap_or_default()
    }

    /// Letter runs of three or more ASCII letters: whole word tokens for the merge.
    fn words(&self, i: usize) -> Vec<Range<usize>> {
        let Some(range) = self.lines.get(i) else { return Vec::new() };
        let bytes = self.text.as_bytes();
        let mut out = Vec::new();
        let mut at = range.start;
        while at < range.end {
            if bytes[at].is_ascii_alphabetic() {
                let start = at;
                while at < range.end && bytes[at].is_ascii_alphabetic() {
                    at += 1;
                }
                if at - start >= 3 {
                    out.push(start..at);
                }
            } else {
                at += 1;
            }
        }
        out
    }

    /// Non-blank lines that occur once, so deleting one is unambiguous.
    fn unique(&self, i: usize) -> bool {
        let line = self.line(i);
        !line.trim().is_empty() && (0..self.lines.len()).filter(|&j| self.line(j) == line).count() == 1
    }

    fn fresh_word(&self, rng: &mut Rng, not: &str) -> String {
        let candidates: Vec<&&str> = FRESH_WORDS.iter().filter(|w| !self.text.contains(**w) && **w != not).collect();
        rng.pick(&candidates).map(|w| (**w).to_owned()).unwrap_or_else(|| "zzfresh".to_owned())
    }

    fn replace_word(&self, rng: &mut Rng, word: Range<usize>) -> Edit {
        Edit { at: word, with: self.fresh_word(rng, "") }
    }

    fn insert_before(&self, i: usize, line: &str) -> Edit {
        let start = self.lines.get(i).map_or(0, |r| r.start);
        Edit { at: start..start, with: format!("{line}\n") }
    }

    fn insert_after(&self, i: usize, line: &str) -> Edit {
        let end = self.lines.get(i).map_or(0, |r| r.end);
        Edit { at: end..end, with: format!("{line}\n") }
    }

    fn delete_line(&self, i: usize) -> Edit {
        Edit { at: self.lines.get(i).cloned().unwrap_or(0..0), with: String::new() }
    }

    /// A random single edit of line `i` (word, insert after, or delete), if the line allows one.
    fn any_edit(&self, rng: &mut Rng, i: usize) -> Option<Edit> {
        match rng.below(4) {
            0 => Some(self.insert_after(i, rng.pick(FRESH_LINES)?)),
            1 if self.unique(i) => Some(self.delete_line(i)),
            _ => {
                let words = self.words(i);
                let word = rng.pick(&words)?.clone();
                Some(self.replace_word(rng, word))
            }
        }
    }
}

fn apply(base: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.at.start, e.at.end));
    let mut out = String::with_capacity(base.len() + 64);
    let mut done = 0;
    for edit in sorted {
        out.push_str(&base[done..edit.at.start]);
        out.push_str(&edit.with);
        done = edit.at.end;
    }
    out.push_str(&base[done..]);
    out
}

/// Both edits must be disjoint (or identical) for the expected merge to be well defined.
fn disjoint(a: &[Edit], b: &[Edit]) -> bool {
    a.iter().all(|x| b.iter().all(|y| x == y || x.at.end < y.at.start || y.at.end < x.at.start))
}

/// Looser than `disjoint`: also lets a line be added right before a word the other side edits, which still
/// has one clear result.
fn well_defined(a: &[Edit], b: &[Edit]) -> bool {
    let apart = |x: &Edit, y: &Edit| x.at.end <= y.at.start && !(x.at.is_empty() && y.at.is_empty());
    a.iter().all(|x| b.iter().all(|y| x == y || apart(x, y) || apart(y, x)))
}

fn scenario(name: String, kind: Kind, base: &str, mine: Vec<Edit>, theirs: Vec<Edit>) -> Option<Scenario> {
    let intended = well_defined(&mine, &theirs).then(|| {
        let mut union = mine.clone();
        union.extend(theirs.iter().filter(|e| !mine.contains(e)).cloned());
        apply(base, &union)
    });
    let expected = if kind.must_conflict() {
        None
    } else if disjoint(&mine, &theirs) {
        intended.clone()
    } else {
        return None;
    };
    let (mine, theirs) = (apply(base, &mine), apply(base, &theirs));
    if mine == base || theirs == base {
        return None;
    }
    Some(Scenario { name, kind, base: base.to_owned(), mine, theirs, expected, intended })
}

fn build_one(doc: &Doc, rng: &mut Rng, kind: Kind) -> Option<(Vec<Edit>, Vec<Edit>)> {
    let n = doc.lines.len();
    let with_words: Vec<usize> = (0..n).filter(|&i| doc.words(i).len() >= 2).collect();
    Some(match kind {
        Kind::FarApart => {
            let i = rng.below(n.saturating_sub(6));
            let j = i + 5 + rng.below(n - i - 5);
            (vec![doc.any_edit(rng, i)?], vec![doc.any_edit(rng, j)?])
        }
        Kind::AdjacentLines => {
            let pairs: Vec<usize> = with_words.iter().copied().filter(|i| with_words.contains(&(i + 1))).collect();
            let i = *rng.pick(&pairs)?;
            let (upper, lower) = (doc.words(i), doc.words(i + 1));
            // Half of the time the tightest case: last word of one line, first word of the next.
            let (a, b) = if rng.below(2) == 0 {
                (upper.last()?.clone(), lower.first()?.clone())
            } else {
                (rng.pick(&upper)?.clone(), rng.pick(&lower)?.clone())
            };
            (vec![doc.replace_word(rng, a)], vec![doc.replace_word(rng, b)])
        }
        Kind::SameLine => {
            let long: Vec<usize> = with_words.iter().copied().filter(|&i| doc.words(i).len() >= 3).collect();
            let words = doc.words(*rng.pick(&long)?);
            let a = rng.below(words.len() - 1);
            let b = a + 1 + rng.below(words.len() - a - 1);
            let (a, b) = (words[a].clone(), words[b].clone());
            let edits = (vec![doc.replace_word(rng, a)], vec![doc.replace_word(rng, b)]);
            if rng.below(2) == 0 {
                edits
            } else {
                (edits.1, edits.0)
            }
        }
        Kind::SameChange => {
            let i = *rng.pick(&with_words)?;
            let shared = if rng.below(2) == 0 {
                let word = rng.pick(&doc.words(i))?.clone();
                doc.replace_word(rng, word)
            } else {
                doc.insert_after(i, rng.pick(FRESH_LINES)?)
            };
            let mut theirs = vec![shared.clone()];
            // Sometimes one side also makes an unrelated change further down.
            if rng.below(2) == 0 && i + 6 < n {
                let j = i + 5 + rng.below(n - i - 6);
                theirs.push(doc.any_edit(rng, j)?);
            }
            (vec![shared], theirs)
        }
        Kind::SameWordTwoWays => {
            let i = *rng.pick(&with_words)?;
            let word = rng.pick(&doc.words(i))?.clone();
            let one = doc.fresh_word(rng, "");
            let two = doc.fresh_word(rng, &one);
            (vec![Edit { at: word.clone(), with: one }], vec![Edit { at: word, with: two }])
        }
        Kind::DeleteVsEdit => {
            let unique: Vec<usize> = with_words.iter().copied().filter(|&i| doc.unique(i)).collect();
            let i = *rng.pick(&unique)?;
            let word = rng.pick(&doc.words(i))?.clone();
            let edits = (vec![doc.delete_line(i)], vec![doc.replace_word(rng, word)]);
            if rng.below(2) == 0 {
                edits
            } else {
                (edits.1, edits.0)
            }
        }
        Kind::InsertVsInsert => {
            let i = rng.below(n);
            let one = rng.below(FRESH_LINES.len());
            let two = (one + 1 + rng.below(FRESH_LINES.len() - 1)) % FRESH_LINES.len();
            (vec![doc.insert_after(i, FRESH_LINES[one])], vec![doc.insert_after(i, FRESH_LINES[two])])
        }
        // One side adds a line above line i or deletes line i; the other edits a word on line i and one on
        // the next line. The added line is shaped like line i (a list item above a list item), so a word diff
        // can align part of it with line i and carry the other side's edit onto the wrong line.
        Kind::InsertVsNearEdits | Kind::DeleteVsNearEdits => {
            let pairs: Vec<usize> = with_words
                .iter()
                .copied()
                .filter(|&i| with_words.contains(&(i + 1)) && (kind == Kind::InsertVsNearEdits || doc.unique(i)))
                .collect();
            // Half of the time the tightest case, where the word diff is ambiguous: the first word of line i
            // is edited, and either the next line starts with the same word (as in "- Do not …" lists) and line
            // i is deleted, or the added line starts like line i up to that word.
            let text = |w: &Range<usize>| doc.text.get(w.clone());
            let first = |i: usize| doc.words(i).first().cloned();
            let same_start: Vec<usize> = pairs
                .iter()
                .copied()
                .filter(|&i| first(i).and_then(|w| text(&w)) == first(i + 1).and_then(|w| text(&w)))
                .collect();
            let tight = rng.below(2) == 0;
            let i = match kind {
                Kind::DeleteVsNearEdits if tight && !same_start.is_empty() => *rng.pick(&same_start)?,
                _ => *rng.pick(&pairs)?,
            };
            let here = if tight { first(i)? } else { rng.pick(&doc.words(i))?.clone() };
            let next = rng.pick(&doc.words(i + 1))?.clone();
            let line = match kind {
                Kind::DeleteVsNearEdits => doc.delete_line(i),
                _ if tight => {
                    let start = doc.lines.get(i)?.start;
                    let head = doc.text.get(start..here.end)?;
                    doc.insert_before(i, &format!("{head} {}", rng.pick(FRESH_TAILS)?))
                }
                _ => {
                    let list = doc.line(i).starts_with("- ");
                    let shaped: Vec<&str> =
                        FRESH_LINES.iter().copied().filter(|l| l.starts_with("- ") == list).collect();
                    doc.insert_before(i, rng.pick(&shaped)?)
                }
            };
            let words = vec![doc.replace_word(rng, here), doc.replace_word(rng, next)];
            if rng.below(2) == 0 {
                (vec![line], words)
            } else {
                (words, vec![line])
            }
        }
    })
}

/// `Kind::wanted` scenarios of every kind for every document.
fn corpus() -> Vec<Scenario> {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let mut out = Vec::new();
    for (doc_name, text) in DOCS {
        let doc = Doc::new(text);
        for kind in Kind::ALL {
            let wanted = kind.wanted();
            let mut made = 0;
            for attempt in 0..50 {
                if made == wanted {
                    break;
                }
                let name = format!("{doc_name}/{}#{attempt}", kind.name());
                if let Some(s) = build_one(&doc, &mut rng, kind).and_then(|(m, t)| scenario(name, kind, text, m, t)) {
                    out.push(s);
                    made += 1;
                }
            }
        }
    }
    out
}

/// A merge outcome: the text and whether it holds conflict blocks.
struct Outcome {
    text: String,
    clean: bool,
}

fn run_git(dir: &Path, s: &Scenario) -> Option<Outcome> {
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).ok();
    write("mine.md", &s.mine)?;
    write("base.md", &s.base)?;
    write("theirs.md", &s.theirs)?;
    let out = Command::new("git")
        .current_dir(dir)
        .args(["merge-file", "-p", "--diff3", "-L", "mine", "-L", "base", "-L", "disk"])
        .args(["mine.md", "base.md", "theirs.md"])
        .output()
        .ok()?;
    // Exit code: 0 clean, 1..=127 number of conflicts, anything else an error.
    let code = out.status.code()?;
    if !(0..=127).contains(&code) {
        return None;
    }
    Some(Outcome { text: String::from_utf8_lossy(&out.stdout).into_owned(), clean: code == 0 })
}

#[derive(Default)]
struct Tally {
    mergeable: usize,
    exact: usize,
    silent_wrong: usize,
    conflicts_required: usize,
    conflicts_reported: usize,
    failed_runs: usize,
}

impl Tally {
    fn add(&mut self, s: &Scenario, outcome: Option<&Outcome>) -> bool {
        let Some(o) = outcome else {
            self.failed_runs += 1;
            return false;
        };
        match &s.expected {
            Some(want) => {
                self.mergeable += 1;
                if o.clean && &o.text == want {
                    self.exact += 1;
                } else if o.clean {
                    self.silent_wrong += 1;
                    return true;
                }
            }
            None => {
                self.conflicts_required += 1;
                if o.clean {
                    self.silent_wrong += 1;
                    return true;
                }
                self.conflicts_reported += 1;
            }
        }
        false
    }
}

fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "-".to_owned();
    }
    format!("{part}/{whole} ({:.1}%)", 100.0 * part as f64 / whole as f64)
}

/// A 10,000-line Markdown document with mostly distinct lines, like a long generated doc.
fn big_doc() -> String {
    const VERBS: &[&str] = &["check", "update", "review", "document", "measure", "verify", "rename", "remove"];
    const NOUNS: &[&str] = &["config", "schema", "handler", "migration", "endpoint", "cache", "index", "template"];
    let mut out = String::new();
    let mut lines = 0;
    let mut section = 0;
    while lines < 10_000 {
        let step = lines;
        match lines % 25 {
            0 => {
                section += 1;
                out.push_str(&format!("## Section {section}: the {} layer\n", NOUNS[section % NOUNS.len()]));
            }
            1 | 12 => out.push('\n'),
            13 => out.push_str("```sh\n"),
            14 => out.push_str(&format!("make {} STEP={step}\n", VERBS[step % VERBS.len()])),
            15 => out.push_str("```\n"),
            _ => out.push_str(&format!(
                "- Step {step}: {} the {} before you {} the {} again.\n",
                VERBS[step % VERBS.len()],
                NOUNS[(step / 3) % NOUNS.len()],
                VERBS[(step / 7) % VERBS.len()],
                NOUNS[(step / 11) % NOUNS.len()],
            )),
        }
        lines += 1;
    }
    out
}

/// 100 word edits per side on scattered "Step" lines, alternating sides, never on the same line.
fn big_edits(doc: &Doc) -> (Vec<Edit>, Vec<Edit>) {
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    let mut k = 0;
    let mut i = 20;
    while mine.len() + theirs.len() < 200 && i < doc.lines.len() {
        let words = doc.words(i);
        if doc.line(i).starts_with("- Step") && words.len() >= 4 {
            let word = words[1 + k % 3].clone();
            let with = FRESH_WORDS[k % FRESH_WORDS.len()].to_owned();
            let side = if k % 2 == 0 { &mut mine } else { &mut theirs };
            side.push(Edit { at: word, with });
            k += 1;
            i += 30 + k % 17;
        } else {
            i += 1;
        }
    }
    (mine, theirs)
}

fn median_ms(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> ExitCode {
    let labels = MergeLabels::default();
    let scenarios = corpus();
    let dir = tempfile::tempdir().ok();
    let (mut ours, mut git) = (Tally::default(), Tally::default());
    let mut per_kind: Vec<(Kind, usize, usize, usize)> = Kind::ALL.iter().map(|&k| (k, 0, 0, 0)).collect();
    let mut wrong = Vec::new();
    for s in &scenarios {
        let r = merge3(&s.base, &s.mine, &s.theirs, &labels);
        let ours_outcome = Outcome { clean: r.is_clean(), text: r.text };
        let git_outcome = dir.as_ref().and_then(|d| run_git(d.path(), s));
        if ours.add(s, Some(&ours_outcome)) {
            let why = match (&s.expected, &s.intended) {
                (Some(_), _) => "text is not the expected merge",
                (None, Some(intended)) if *intended == ours_outcome.text => {
                    "clean where the merge rules require a conflict"
                }
                (None, Some(_)) => "text is not the intended merge",
                (None, None) => "no clean merge exists",
            };
            wrong.push(format!("{} ({why})", s.name));
        }
        git.add(s, git_outcome.as_ref());
        let good = |o: Option<&Outcome>| {
            o.is_some_and(|o| match &s.expected {
                Some(want) => o.clean && &o.text == want,
                None => !o.clean,
            })
        };
        if let Some(row) = per_kind.iter_mut().find(|row| row.0 == s.kind) {
            row.1 += 1;
            row.2 += usize::from(good(Some(&ours_outcome)));
            row.3 += usize::from(good(git_outcome.as_ref()));
        }
    }

    let mergeable = scenarios.iter().filter(|s| s.expected.is_some()).count();
    println!(
        "merge corpus: {} scenarios from {} documents ({} mergeable, {} must conflict)",
        scenarios.len(),
        DOCS.len(),
        mergeable,
        scenarios.len() - mergeable
    );
    println!();
    println!("{:<26} {:>4} {:>12} {:>12}", "kind (right outcome)", "n", "merge3", "git");
    for (kind, n, a, b) in &per_kind {
        println!("{:<26} {:>4} {:>12} {:>12}", kind.name(), n, format!("{a}/{n}"), format!("{b}/{n}"));
    }
    println!();
    println!("{:<8} {:>24} {:>14} {:>24}", "engine", "merged exactly", "silent wrong", "true conflicts reported");
    for (name, t) in [("merge3", &ours), ("git", &git)] {
        println!(
            "{:<8} {:>24} {:>14} {:>24}",
            name,
            pct(t.exact, t.mergeable),
            t.silent_wrong,
            pct(t.conflicts_reported, t.conflicts_required)
        );
        if t.failed_runs > 0 {
            println!("{name}: {} scenarios could not be run", t.failed_runs);
        }
    }
    for name in &wrong {
        println!("merge3 silent wrong merge: {name}");
    }

    let big = big_doc();
    let doc = Doc::new(&big);
    let (mine_edits, theirs_edits) = big_edits(&doc);
    let (mine, theirs) = (apply(&big, &mine_edits), apply(&big, &theirs_edits));
    let mut both = mine_edits.clone();
    both.extend(theirs_edits.iter().cloned());
    let expected = apply(&big, &both);
    let mut samples = Vec::new();
    let mut last = None;
    for _ in 0..10 {
        let start = Instant::now();
        let r = merge3(&big, &mine, &theirs, &labels);
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
        last = Some(r);
    }
    let verdict = match &last {
        Some(r) if r.is_clean() && r.text == expected => "clean, as expected".to_owned(),
        Some(r) => format!("{} conflicts, differs from expected", r.conflicts),
        None => "not run".to_owned(),
    };
    println!();
    println!(
        "timing: {} lines, {} + {} edits: merge3 median {:.2} ms over {} runs ({verdict})",
        doc.lines.len(),
        mine_edits.len(),
        theirs_edits.len(),
        median_ms(samples),
        10
    );

    if wrong.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
