//! Every canonical agent and command of the corpus, rendered for every runtime, equals what
//! memtomem 0.6.12 wrote for it (runtimes/tests/golden/tree, made by scripts/sync-goldens).
//! The store's own golden test (store/tests/sync_golden.rs) covers the IO around this: listing,
//! overrides, locks, skills, the answers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use model::Kind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/.memtomem")
}

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/tree")
}

/// memtomem's listing: flat `<n>.md` and folder `<n>/<file>`, the folder winning, sorted.
fn canonicals(kind: Kind) -> BTreeMap<String, PathBuf> {
    let dir = corpus().join(kind.plural());
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().into_string().unwrap();
        let path = entry.path();
        if let Some(stem) = name.strip_suffix(".md").filter(|_| path.is_file()) {
            found.entry(stem.to_owned()).or_insert(path);
        } else if path.join(kind.folder_file()).is_file() {
            found.insert(name, path.join(kind.folder_file()));
        }
    }
    found
}

#[test]
fn agents_and_commands_render_as_memtomem() {
    let mut compared = 0;
    for kind in [Kind::Agents, Kind::Commands] {
        let mut owners = BTreeMap::new();
        for (key, path) in canonicals(kind) {
            if matches!(key.as_str(), "ow-target" | "ow-cmd") {
                continue; // replaced by an overwriting import before the golden sync
            }
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            let Ok(item) = runtimes::parse(kind, &text, &key).unwrap() else { continue };
            if owners.insert(item.name().to_owned(), key.clone()).is_some() {
                continue; // a duplicate name: memtomem writes only the first
            }
            for runtime in runtimes::runtimes(kind) {
                let file = format!("{}{}", item.name(), runtime.suffix);
                let overridden = corpus()
                    .join(kind.plural())
                    .join(item.name())
                    .join("overrides")
                    .join(format!("{}.{}", runtime.vendor, runtime.override_ext));
                let expected = std::fs::read(golden().join(runtime.dir).join(&file))
                    .unwrap_or_else(|err| panic!("{}/{file}: {err}", runtime.dir));
                let actual = match std::fs::read(&overridden) {
                    Ok(bytes) => bytes,
                    Err(_) => runtimes::render(runtime, &item).0.into_bytes(),
                };
                assert_eq!(
                    String::from_utf8_lossy(&actual),
                    String::from_utf8_lossy(&expected),
                    "{} for {key}",
                    runtime.label
                );
                assert_eq!(actual, expected, "{} for {key}", runtime.label);
                compared += 1;
            }
        }
    }
    assert!(compared > 150, "only {compared} files compared");
}
