//! Every relative link and image in README.md and docs/*.md resolves to a file inside the
//! repository (and an in-page `#anchor` to a heading of its target); external links are only
//! checked to be well-formed: no network here.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

/// `](target)` of every Markdown link and image, outside code blocks and code spans.
fn links(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Drop code spans: a `](x)` inside backticks is text.
        let text: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].trim().to_owned());
            rest = &after[end..];
        }
    }
    out
}

/// GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
fn anchors(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            l.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == ' ' || *c == '_')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}

fn check(file: &Path, root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut broken = Vec::new();
    for link in links(&text) {
        let shown = format!("{}: ({link})", file.strip_prefix(root).unwrap().display());
        if link.starts_with("http://") || link.starts_with("https://") {
            if link.contains(char::is_whitespace) || link.len() < 10 {
                broken.push(format!("{shown}: malformed URL"));
            }
            continue;
        }
        if link.starts_with("mailto:") {
            continue;
        }
        let (path, anchor) = link.split_once('#').map_or((link.as_str(), None), |(p, a)| (p, Some(a)));
        let target = if path.is_empty() { file.to_path_buf() } else { file.parent().unwrap().join(path) };
        let Ok(resolved) = target.canonicalize() else {
            broken.push(format!("{shown}: no such file"));
            continue;
        };
        if !resolved.starts_with(root) {
            broken.push(format!("{shown}: outside the repository"));
            continue;
        }
        if let Some(anchor) = anchor.filter(|_| resolved.extension().is_some_and(|e| e == "md")) {
            if !anchors(&std::fs::read_to_string(&resolved).unwrap()).iter().any(|a| a == anchor) {
                broken.push(format!("{shown}: no heading for #{anchor}"));
            }
        }
    }
    broken
}

fn documents(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files
}

#[test]
fn every_relative_link_in_the_docs_resolves_inside_the_repository() {
    let root = repo();
    let files = documents(&root);
    assert!(files.len() >= 5, "README.md and docs/*.md: {files:?}");
    let total: usize = files.iter().map(|f| links(&std::fs::read_to_string(f).unwrap()).len()).sum();
    assert!(total >= 10, "the scan found only {total} links: is it still reading links?");
    let broken: Vec<String> = files.iter().flat_map(|f| check(f, &root)).collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_checker_catches_what_it_should() {
    let root = repo();
    let dir = tempfile::tempdir_in(root.join("target")).unwrap();
    let doc = dir.path().join("doc.md");
    std::fs::write(
        &doc,
        "# Title\n[ok](doc.md#title) [gone](missing.md) [anchor](#nope) [out](../../../../etc/hostname)\n\
         `[code](nowhere.md)`\n```\n[fenced](nowhere.md)\n```\n![img](missing.png) [web](https://example.com/x)\n",
    )
    .unwrap();
    let broken = check(&doc, &root);
    assert_eq!(broken.len(), 4, "{broken:#?}");
    assert!(broken[0].contains("(missing.md): no such file"));
    assert!(broken[1].contains("(#nope): no heading"));
    assert!(broken[2].contains("outside the repository") || broken[2].contains("no such file"));
    assert!(broken[3].contains("(missing.png): no such file"));
}
