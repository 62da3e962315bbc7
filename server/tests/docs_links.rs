//! The documentation stands on its own: every relative link and image in README.md and
//! docs/*.md resolves to a file inside the repository (an `#anchor` to a heading of its target),
//! external links are well-formed http(s) URLs (checked by shape only: no network here), and no
//! document holds this checkout's absolute path.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

/// README.md and every docs/*.md, sorted.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.insert(0, root.join("README.md"));
    files
}

/// The lines of `markdown` outside fenced code blocks. With `blank_code`, code spans are blanked
/// out: a `](x)` inside backticks is text, not a link.
fn prose(markdown: &str, blank_code: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(open), Some(m)) if open == m => fence = None,
            (None, None) if blank_code => out.push(line.split('`').step_by(2).collect::<Vec<_>>().join("``")),
            (None, None) => out.push(line.to_owned()),
            _ => {}
        }
    }
    out
}

/// The target of every inline link or image (`[text](target "title")`, `<target>` allowed) and
/// of every reference definition (`[label]: target`).
fn links(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in prose(markdown, true) {
        let definition = line.trim_start().strip_prefix('[').and_then(|r| r.split_once("]:"));
        if let Some((_, rest)) = definition.filter(|(label, _)| !label.contains([']', '['])) {
            if let Some(target) = rest.split_whitespace().next() {
                out.push(target.trim_matches(['<', '>']).to_owned());
                continue;
            }
        }
        let mut rest = line.as_str();
        while let Some(at) = rest.find("](") {
            let after = rest[at + 2..].trim_start();
            let (target, tail) = match after.strip_prefix('<') {
                Some(inside) => inside.split_once('>').unwrap_or((inside, "")),
                None => {
                    let end = after.find([')', ' ', '\t']).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            out.push(target.to_owned());
            rest = tail;
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a document's headings; a repeated heading gets `-1`, `-2`, … as on GitHub.
fn anchors(markdown: &str) -> Vec<String> {
    let mut count = std::collections::HashMap::<String, usize>::new();
    let mut out = Vec::new();
    for line in prose(markdown, false) {
        let hashes = line.bytes().take_while(|&b| b == b'#').count();
        if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(line[hashes..].trim().trim_end_matches('#').trim());
        let seen = count.entry(base.clone()).or_insert(0);
        out.push(if *seen == 0 { base } else { format!("{base}-{seen}") });
        *seen += 1;
    }
    out
}

/// `%20` and friends, as a Markdown link may carry them.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `http(s)://host/...` with a host and nothing a URL cannot hold.
fn well_formed_url(link: &str) -> bool {
    let Some(rest) = link.strip_prefix("https://").or_else(|| link.strip_prefix("http://")) else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    host_ok && link.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'`'))
}

/// Every problem with the links of `file`, whose repository is `root`.
fn check(file: &Path, root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let shown = file.strip_prefix(root).unwrap_or(file).display().to_string();
    let mut broken = Vec::new();
    for link in links(&text) {
        let problem = |what: &str| format!("{shown}: ({link}): {what}");
        if link.is_empty() {
            broken.push(problem("empty link"));
            continue;
        }
        if link.starts_with("http://") || link.starts_with("https://") {
            if !well_formed_url(&link) {
                broken.push(problem("malformed URL"));
            }
            continue;
        }
        if link.starts_with("mailto:") {
            continue;
        }
        if link.contains("://") || link.starts_with('/') || link.starts_with('~') {
            broken.push(problem("not a link inside the repository (absolute path or other scheme)"));
            continue;
        }
        let (path, anchor) = match link.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (link.as_str(), None),
        };
        let target =
            if path.is_empty() { file.to_path_buf() } else { file.parent().unwrap().join(percent_decode(path)) };
        let Ok(resolved) = target.canonicalize() else {
            broken.push(problem("no such file"));
            continue;
        };
        if !resolved.starts_with(root) {
            broken.push(problem("outside the repository"));
            continue;
        }
        if let Some(anchor) = anchor.filter(|_| resolved.extension().is_some_and(|e| e == "md")) {
            let headings = anchors(&std::fs::read_to_string(&resolved).unwrap());
            if !headings.iter().any(|a| *a == percent_decode(anchor).to_lowercase()) {
                broken.push(problem(&format!("no heading for #{anchor}")));
            }
        }
    }
    broken
}

#[test]
fn every_link_in_the_docs_resolves_inside_the_repository() {
    let root = repo();
    let files = documents(&root);
    assert!(files.len() >= 5, "README.md and docs/*.md: {files:?}");
    let total: usize = files.iter().map(|f| links(&std::fs::read_to_string(f).unwrap()).len()).sum();
    assert!(total >= 10, "the scan found only {total} links: is it still reading links?");
    let broken: Vec<String> = files.iter().flat_map(|f| check(f, &root)).collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_links_every_document_and_the_screenshot() {
    let readme = links(&std::fs::read_to_string(repo().join("README.md")).unwrap());
    for doc in ["docs/API.md", "docs/USING.md", "docs/ARCHITECTURE.md", "docs/DECISIONS.md", "docs/conflict-dialog.png"]
    {
        assert!(readme.iter().any(|l| l == doc), "README.md does not link {doc}: {readme:?}");
    }
}

#[test]
fn no_document_holds_this_machines_paths() {
    let root = repo();
    let mut machine = vec![root.display().to_string()];
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from).filter(|h| h.components().count() > 2) {
        machine.push(home.display().to_string());
    }
    for file in documents(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        for path in &machine {
            assert!(!text.contains(path.as_str()), "{} names {path}, a path of this machine", file.display());
        }
    }
}

#[test]
fn the_checker_catches_what_it_should() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("repo");
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(dir.path().join("outside.md"), "# Outside\n").unwrap();
    std::fs::write(root.join("docs/other file.md"), "# Other\n## Same\n## Same\n```bash\n# not a heading\n```\n")
        .unwrap();
    let doc = root.join("docs/doc.md");
    std::fs::write(
        &doc,
        "# Title\n\
         [ok](doc.md#title) [self](#title) [spaced](other%20file.md#same-1) [titled](doc.md \"Doc\")\n\
         [gone](missing.md) [anchor](#nope) [out](../../outside.md) [code-heading](other%20file.md#not-a-heading)\n\
         `[code](nowhere.md)` ![img](missing.png) [web](https://example.com/x) [bad web](https://)\n\
         [abs](/etc/hostname)\n\
         ```\n[fenced](nowhere.md)\n```\n\
         [ref]: gone-too.md\n",
    )
    .unwrap();
    let broken = check(&doc, &root);
    let expect = [
        "(missing.md): no such file",
        "(#nope): no heading for #nope",
        "(../../outside.md): outside the repository",
        "(other%20file.md#not-a-heading): no heading",
        "(missing.png): no such file",
        "(https://): malformed URL",
        "(/etc/hostname): not a link inside the repository",
        "(gone-too.md): no such file",
    ];
    assert_eq!(broken.len(), expect.len(), "{broken:#?}");
    for (found, expected) in broken.iter().zip(expect) {
        assert!(found.contains(expected), "{found} should say {expected}");
    }
}
