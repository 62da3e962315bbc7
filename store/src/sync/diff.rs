//! One item against each runtime's copy (`GET /api/context/{type}/{name}/diff`).

use super::{lossy, ItemDiff, RuntimeDiff};
use crate::{Kind, Store, StoreError};
use model::SyncStatus;
use std::fs;

impl Store {
    /// memtomem's per-item diff: each runtime's copy of `name` against the canonical one —
    /// for agents and commands the file sync would write (override, else rendering), for skills
    /// the `SKILL.md` text.
    pub fn runtime_diff(&self, kind: Kind, name: &str) -> Result<ItemDiff, StoreError> {
        crate::validate_name(name)?;
        let located =
            (!runtimes::is_internal_artifact_dir(name)).then(|| crate::locate(&self.memtomem, kind, name)).flatten();
        let mut diff =
            ItemDiff { name: name.to_owned(), canonical_content: None, canonical_path: None, runtimes: Vec::new() };
        if kind == Kind::Skills {
            return Ok(self.skill_diff(name, located, diff));
        }
        let mut parsed = None;
        let mut problem = None;
        if let Some(located) = &located {
            diff.canonical_path = Some(located.relative.clone());
            match fs::read(&located.file) {
                Err(_) => problem = Some(format!("unreadable: {}", located.relative)),
                Ok(bytes) => {
                    let text = lossy(&bytes);
                    match runtimes::parse(kind, &text, name) {
                        Some(Ok(item)) => parsed = Some(item),
                        Some(Err(err)) => problem = Some(format!("{err} ({})", located.relative)),
                        None => {}
                    }
                    diff.canonical_content = Some(text);
                }
            }
        }
        for runtime in runtimes::runtimes(kind) {
            let target = self.root.join(runtime.dir).join(format!("{name}{}", runtime.suffix));
            let runtime_text = || fs::read(&target).ok().map(|b| lossy(&b));
            let mut row = RuntimeDiff {
                runtime: runtime.label,
                status: SyncStatus::InSync,
                reason: None,
                expected_content: None,
                runtime_content: None,
            };
            if let Some(reason) = &problem {
                row.status = SyncStatus::ParseError;
                row.reason = Some(reason.clone());
                row.runtime_content = if target.is_file() { runtime_text() } else { None };
            } else if located.is_none() && !target.is_file() {
                continue;
            } else if !target.is_file() {
                row.status = SyncStatus::MissingTarget;
            } else if located.is_none() {
                row.status = SyncStatus::MissingCanonical;
                row.runtime_content = runtime_text();
            } else if let Some(item) = &parsed {
                let expected = match self.override_path(kind, name, runtime) {
                    Some(path) => fs::read(path).ok(),
                    None => Some(runtimes::render(runtime, item).0.into_bytes()),
                };
                let actual = fs::read(&target).ok();
                row.status = match (&expected, &actual) {
                    (Some(e), Some(a)) if e == a => SyncStatus::InSync,
                    _ => SyncStatus::OutOfSync,
                };
                row.expected_content = expected.map(|b| lossy(&b));
                row.runtime_content = actual.map(|b| lossy(&b));
            }
            diff.runtimes.push(row);
        }
        Ok(diff)
    }

    fn skill_diff(&self, name: &str, located: Option<crate::Located>, mut diff: ItemDiff) -> ItemDiff {
        if let Some(located) = located {
            diff.canonical_content = fs::read(&located.file).ok().map(|b| lossy(&b));
            diff.canonical_path = Some(located.relative);
        }
        for runtime in runtimes::runtimes(Kind::Skills) {
            let manifest = self.root.join(runtime.dir).join(name).join(runtimes::skills::MANIFEST);
            let present = manifest.is_file();
            let runtime_content = if present { fs::read(&manifest).ok().map(|b| lossy(&b)) } else { None };
            let (status, content) = match (&diff.canonical_content, present) {
                (None, false) => continue,
                (Some(_), false) => (SyncStatus::MissingTarget, None),
                (None, true) => (SyncStatus::MissingCanonical, runtime_content),
                (Some(canonical), true) if runtime_content.as_ref() == Some(canonical) => (SyncStatus::InSync, None),
                (Some(_), true) => (SyncStatus::OutOfSync, runtime_content),
            };
            diff.runtimes.push(RuntimeDiff {
                runtime: runtime.label,
                status,
                reason: None,
                expected_content: None,
                runtime_content: content,
            });
        }
        diff
    }
}
