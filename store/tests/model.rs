//! Model-based property test of the store (docs/ARCHITECTURE.md, "One Save"): random sequences of
//! create, guarded PUT (fresh or remembered tokens, etag or mtime mode, force on or off), delete
//! and external writes (with and without keeping the mtime), checked against a plain in-memory
//! model. After every step each file equals the model, every stale write without force was refused,
//! and no temp file remains.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::map_entry)] // test code: a panic is the failure report

use proptest::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use store::{etag_of, mtime_ns, Etag, Kind, MtimeNs, Store, StoreError, Update};

const ARTIFACTS: [(Kind, &str); 3] = [(Kind::Skills, "a"), (Kind::Agents, "b"), (Kind::Commands, "a")];
const CONTENTS: [&str; 4] = ["alpha\n", "beta\n", "gamma\r\nline\r\n", ""];

#[derive(Clone, Debug)]
enum Op {
    Create { target: usize, content: usize },
    Put { target: usize, content: usize, fresh: bool, use_etag: bool, force: bool },
    Delete { target: usize },
    External { target: usize, content: usize, keep_mtime: bool },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 0..4usize).prop_map(|(target, content)| Op::Create { target, content }),
        (0..3usize, 0..4usize, any::<bool>(), any::<bool>(), any::<bool>())
            .prop_map(|(target, content, fresh, use_etag, force)| Op::Put { target, content, fresh, use_etag, force }),
        (0..3usize).prop_map(|target| Op::Delete { target }),
        (0..3usize, 0..4usize, any::<bool>()).prop_map(|(target, content, keep_mtime)| Op::External {
            target,
            content,
            keep_mtime
        }),
    ]
}

fn file_of(root: &Path, kind: Kind, name: &str) -> PathBuf {
    root.join(".memtomem").join(kind.plural()).join(name).join(kind.folder_file())
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if entry.file_name().to_string_lossy().contains(".ctxgate-tmp-") {
                found.push(p);
            }
        }
    }
    found
}

fn set_mtime(path: &Path, MtimeNs(ns): MtimeNs) {
    let when = SystemTime::UNIX_EPOCH + Duration::from_nanos(u64::try_from(ns).unwrap());
    std::fs::File::options().write(true).open(path).unwrap().set_modified(when).unwrap();
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let root = store.root().to_path_buf();
    let mut model: HashMap<usize, String> = HashMap::new();
    // The last tokens this client saw per artifact (possibly stale by now).
    let mut remembered: HashMap<usize, (MtimeNs, Etag)> = HashMap::new();
    for (step, op) in ops.into_iter().enumerate() {
        match op {
            Op::Create { target, content } => {
                let (kind, name) = ARTIFACTS[target];
                let result = store.create(kind, name, CONTENTS[content]);
                if model.contains_key(&target) {
                    prop_assert!(matches!(result, Err(StoreError::AlreadyExists)), "step {step}: {result:?}");
                } else {
                    let saved = result.unwrap();
                    model.insert(target, CONTENTS[content].to_owned());
                    remembered.insert(target, (saved.mtime_ns, saved.etag));
                }
            }
            Op::Put { target, content, fresh, use_etag, force } => {
                let (kind, name) = ARTIFACTS[target];
                let path = file_of(&root, kind, name);
                let token = if fresh || !remembered.contains_key(&target) {
                    match store.get(kind, name) {
                        Ok(a) => (a.mtime_ns, a.etag),
                        Err(_) => (MtimeNs(1), etag_of(b"nothing")),
                    }
                } else {
                    remembered[&target].clone()
                };
                let before = std::fs::metadata(&path).ok().map(|m| (std::fs::read(&path).unwrap(), mtime_ns(&m)));
                let update = Update {
                    content: CONTENTS[content],
                    base_mtime_ns: token.0,
                    base_etag: use_etag.then_some(&token.1),
                    force,
                    seen_etag: None,
                    restored: false,
                };
                let result = store.update(kind, name, &update);
                match (&before, model.get(&target)) {
                    (None, _) | (_, None) => {
                        prop_assert!(matches!(result, Err(StoreError::NotFound)), "step {step}: {result:?}");
                        prop_assert!(!path.exists(), "step {step}: a PUT created a file");
                    }
                    (Some((bytes, mtime)), Some(expected)) => {
                        prop_assert_eq!(bytes.as_slice(), expected.as_bytes());
                        let stale = if use_etag { etag_of(bytes) != token.1 } else { *mtime != token.0 };
                        if bytes.as_slice() == CONTENTS[content].as_bytes() {
                            let saved = result.unwrap();
                            prop_assert_eq!(
                                saved.mtime_ns,
                                *mtime,
                                "step {}: identical content rewrote the file",
                                step
                            );
                            remembered.insert(target, (saved.mtime_ns, saved.etag));
                        } else if stale && !force {
                            prop_assert!(
                                matches!(result, Err(StoreError::Stale { current_mtime_ns }) if current_mtime_ns == *mtime),
                                "step {step}: stale write not refused: {result:?}"
                            );
                            prop_assert_eq!(mtime_ns(&std::fs::metadata(&path).unwrap()), *mtime);
                        } else {
                            let saved = result.unwrap();
                            prop_assert_ne!(
                                saved.mtime_ns,
                                *mtime,
                                "step {}: mtime-only clients must see the change",
                                step
                            );
                            model.insert(target, CONTENTS[content].to_owned());
                            remembered.insert(target, (saved.mtime_ns, saved.etag));
                        }
                    }
                }
            }
            Op::Delete { target } => {
                let (kind, name) = ARTIFACTS[target];
                let deleted = store.delete(kind, name).unwrap();
                prop_assert_eq!(deleted.paths.len(), usize::from(model.remove(&target).is_some()));
            }
            Op::External { target, content, keep_mtime } => {
                let (kind, name) = ARTIFACTS[target];
                let path = file_of(&root, kind, name);
                if let Ok(meta) = std::fs::metadata(&path) {
                    let old = mtime_ns(&meta);
                    std::fs::write(&path, CONTENTS[content]).unwrap();
                    // Set the mtime explicitly: a real clock may not tick between two writes.
                    set_mtime(&path, if keep_mtime { old } else { MtimeNs(old.0 + 1_000) });
                    model.insert(target, CONTENTS[content].to_owned());
                }
            }
        }
        for (target, (kind, name)) in ARTIFACTS.iter().enumerate() {
            let path = file_of(&root, *kind, name);
            match model.get(&target) {
                Some(expected) => {
                    prop_assert_eq!(std::fs::read_to_string(&path).unwrap(), expected.clone(), "step {}", step)
                }
                None => prop_assert!(!path.exists(), "step {step}: {path:?} should not exist"),
            }
        }
        prop_assert!(temp_files(&root).is_empty(), "step {step}: temp files left");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn store_matches_the_model(ops in prop::collection::vec(op(), 1..40)) {
        run(ops)?;
    }
}
