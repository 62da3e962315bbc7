//! `ctxgate merge` as a command: stdout, -o, labels, exit status; side by side with
//! `git merge-file -p --diff3` where both must agree.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(base: &str, mine: &str, theirs: &str) -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("mine.md"), mine).unwrap();
        std::fs::write(dir.path().join("base.md"), base).unwrap();
        std::fs::write(dir.path().join("theirs.md"), theirs).unwrap();
        Case { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn ctxgate(&self, extra: &[&str]) -> (i32, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_ctxgate"))
            .arg("merge")
            .args([self.path("mine.md"), self.path("base.md"), self.path("theirs.md")])
            .args(extra)
            .output()
            .unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
    }

    fn git(&self) -> (i32, String) {
        let out = Command::new("git")
            .args(["merge-file", "-p", "--diff3", "-L", "mine", "-L", "base", "-L", "disk"])
            .args([self.path("mine.md"), self.path("base.md"), self.path("theirs.md")])
            .output()
            .unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
    }
}

const BASE: &str = "# Deploy\n\nintro line\n\n1. test\n2. build\n3. roll out\n\nfooter\n";

#[test]
fn agrees_with_git_where_git_merges_or_conflicts_the_same_way() {
    let cases = [
        // far apart: both clean, same text
        (BASE.replace("intro line", "intro line, edited"), BASE.replace("footer", "footer, edited")),
        // unchanged side
        (BASE.to_owned(), BASE.replace("2. build", "2. build twice")),
        // same change twice
        (BASE.replace("3. roll out", "3. roll out slowly"), BASE.replace("3. roll out", "3. roll out slowly")),
        // same word changed two ways: both conflict, identical diff3 block
        (BASE.replace("2. build", "2. compile"), BASE.replace("2. build", "2. assemble")),
    ];
    for (mine, theirs) in cases {
        let case = Case::new(BASE, &mine, &theirs);
        let ours = case.ctxgate(&[]);
        let git = case.git();
        assert_eq!(ours, git, "mine:\n{mine}\ntheirs:\n{theirs}");
    }
}

#[test]
fn resolves_what_git_reports_as_conflicts() {
    // different words of one line: git conflicts, ctxgate merges
    let mine = BASE.replace("1. test", "1. unit-test");
    let theirs = BASE.replace("1. test", "1. test everything");
    let case = Case::new(BASE, &mine, &theirs);
    assert_eq!(case.git().0, 1);
    let (status, text) = case.ctxgate(&[]);
    assert_eq!(status, 0);
    assert_eq!(text, BASE.replace("1. test", "1. unit-test everything"));
    // adjacent lines
    let mine = BASE.replace("1. test", "1. run the tests");
    let theirs = BASE.replace("2. build", "2. build the image");
    let case = Case::new(BASE, &mine, &theirs);
    assert_eq!(case.git().0, 1);
    assert_eq!(
        case.ctxgate(&[]),
        (0, BASE.replace("1. test", "1. run the tests").replace("2. build", "2. build the image"))
    );
}

#[test]
fn output_file_labels_and_exit_status() {
    let mine = BASE.replace("2. build", "2. compile").replace("footer", "feet");
    let theirs = BASE.replace("2. build", "2. assemble").replace("footer", "foot");
    let case = Case::new(BASE, &mine, &theirs);
    let out = case.path("out.md");
    let (status, stdout) = case.ctxgate(&[
        "-o",
        out.to_str().unwrap(),
        "--label-mine",
        "ours",
        "--label-base",
        "orig",
        "--label-theirs",
        "theirs",
    ]);
    assert_eq!(status, 2, "two conflict blocks");
    assert_eq!(stdout, "");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.matches("<<<<<<< ours\n").count(), 2);
    assert_eq!(text.matches("||||||| orig\n").count(), 2);
    assert_eq!(text.matches(">>>>>>> theirs\n").count(), 2);
    assert!(text.contains("2. compile") && text.contains("2. assemble"));

    // failures exit 255 with one line
    let missing =
        Command::new(env!("CARGO_BIN_EXE_ctxgate")).args(["merge", "/nope/a", "/nope/b", "/nope/c"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(255));
    assert_eq!(String::from_utf8_lossy(&missing.stderr).trim().lines().count(), 1);
    std::fs::write(case.path("binary.md"), b"\xff\xfe").unwrap();
    let binary = Command::new(env!("CARGO_BIN_EXE_ctxgate"))
        .arg("merge")
        .args([case.path("binary.md"), case.path("base.md"), case.path("theirs.md")])
        .output()
        .unwrap();
    assert_eq!(binary.status.code(), Some(255));
    assert!(String::from_utf8_lossy(&binary.stderr).contains("not UTF-8"));
}

#[test]
fn works_as_a_git_merge_driver() {
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out =
            Command::new("git").args(args).current_dir(repo.path()).env("GIT_CONFIG_NOSYSTEM", "1").output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let file = Path::new(".memtomem/skills/demo/SKILL.md");
    std::fs::create_dir_all(repo.path().join(file.parent().unwrap())).unwrap();
    assert!(git(&["init", "-q", "-b", "main"]).0);
    for (k, v) in [("user.name", "t"), ("user.email", "t@example.invalid"), ("commit.gpgsign", "false")] {
        git(&["config", k, v]);
    }
    let driver = format!("{} merge %A %O %B -o %A", env!("CARGO_BIN_EXE_ctxgate"));
    git(&["config", "merge.ctxgate.driver", &driver]);
    std::fs::write(repo.path().join(".gitattributes"), ".memtomem/** merge=ctxgate\n").unwrap();
    std::fs::write(repo.path().join(file), BASE).unwrap();
    assert!(git(&["add", "."]).0);
    assert!(git(&["commit", "-qm", "base"]).0);
    git(&["checkout", "-qb", "other"]);
    std::fs::write(repo.path().join(file), BASE.replace("1. test", "1. test everything")).unwrap();
    git(&["commit", "-qam", "theirs"]);
    git(&["checkout", "-q", "main"]);
    std::fs::write(repo.path().join(file), BASE.replace("1. test", "1. unit-test")).unwrap();
    git(&["commit", "-qam", "mine"]);
    let (ok, log) = git(&["merge", "-q", "--no-edit", "other"]);
    assert!(ok, "{log}");
    assert_eq!(
        std::fs::read_to_string(repo.path().join(file)).unwrap(),
        BASE.replace("1. test", "1. unit-test everything")
    );
}
