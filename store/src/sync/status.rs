//! Statuses: how each runtime's copy of every artifact compares with what sync would write, in
//! memtomem's order, for the list and the overview.

use super::{tree, ListedItem, Loaded, StatusRow};
use crate::{layout, write, Kind, Store, StoreError};
use model::SyncStatus;
use runtimes::{Parsed, Runtime};
use std::collections::{BTreeSet, HashMap};
use std::fs;

impl Store {
    /// The list (docs/API.md, "`GET /api/context/{type}` — list"): every artifact of the type (as
    /// [`Store::list`], without memtomem's staging leftovers) with its runtime statuses, then the
    /// names only runtimes have, in the order memtomem reports them. Statuses are keyed as in
    /// memtomem: an agent or command whose frontmatter names it differently is reported under that
    /// name.
    pub fn listing(&self, kind: Kind) -> Result<Vec<ListedItem>, StoreError> {
        let mut by_name: Vec<(String, Vec<(&'static str, SyncStatus)>)> = Vec::new();
        let mut position: HashMap<String, usize> = HashMap::new();
        for row in self.runtime_statuses(kind) {
            let at = *position.entry(row.name.clone()).or_insert_with(|| {
                by_name.push((row.name.clone(), Vec::new()));
                by_name.len() - 1
            });
            by_name[at].1.push((row.runtime, row.status));
        }
        let mut items = Vec::new();
        let mut canonical: BTreeSet<String> = match kind {
            Kind::Skills => self.skill_canonicals().into_iter().collect(),
            _ => self.atomic_canonicals(kind).into_iter().map(|c| c.key).collect(),
        };
        for entry in self.list(kind)? {
            if runtimes::is_internal_artifact_dir(&entry.name) {
                continue;
            }
            let runtimes = position.get(&entry.name).map(|&at| by_name[at].1.clone()).unwrap_or_default();
            canonical.insert(entry.name.clone());
            items.push(ListedItem { name: entry.name.clone(), entry: Some(entry), runtimes });
        }
        for (name, runtimes) in by_name {
            if !canonical.contains(&name) {
                items.push(ListedItem { name, entry: None, runtimes });
            }
        }
        Ok(items)
    }

    /// memtomem's per-(runtime, name) statuses for a type, in its order: per runtime, invalid
    /// runtime names, then every canonical and runtime name sorted.
    pub fn runtime_statuses(&self, kind: Kind) -> Vec<StatusRow> {
        match kind {
            Kind::Skills => self.skill_statuses(),
            _ => self.atomic_statuses(kind),
        }
    }

    /// Valid and invalid names of the runtime's files (`suffix`) or skill folders (`None`).
    fn runtime_listing(&self, runtime: &Runtime, kind: Kind) -> (BTreeSet<String>, Vec<(String, String)>) {
        let dir = self.root.join(runtime.dir);
        let mut names = BTreeSet::new();
        let mut invalid = Vec::new();
        let Ok(entries) = fs::read_dir(&dir) else { return (names, invalid) };
        for entry in entries.flatten() {
            let Ok(file_name) = entry.file_name().into_string() else { continue };
            // A write in flight (or a crash's leftover, which sync recovers): not an artifact.
            if write::is_temp_name(&file_name) {
                continue;
            }
            let path = entry.path();
            let raw = if kind == Kind::Skills {
                let skill = path.is_dir()
                    && path.join(runtimes::skills::MANIFEST).is_file()
                    && !runtimes::is_internal_artifact_dir(&file_name);
                if !skill {
                    continue;
                }
                file_name
            } else {
                // Python's `Path.suffix`: the last dot, not a leading one.
                match file_name.rfind('.') {
                    Some(at) if at > 0 && path.is_file() && file_name[at..] == *runtime.suffix => {
                        file_name[..at].to_owned()
                    }
                    _ => continue,
                }
            };
            match runtimes::name_problem(&raw) {
                None => {
                    names.insert(raw);
                }
                Some(reason) => invalid.push((raw, reason)),
            }
        }
        invalid.sort();
        (names, invalid)
    }

    fn atomic_statuses(&self, kind: Kind) -> Vec<StatusRow> {
        // Keyed by the parsed name (what sync writes under); a file that does not parse keeps
        // its own name so its row names it. The first parsed claimant of a name wins.
        let mut index: HashMap<String, Option<Parsed>> = HashMap::new();
        let mut failures: HashMap<String, String> = HashMap::new();
        for canonical in self.atomic_canonicals(kind) {
            match self.load(kind, &canonical) {
                Loaded::Parsed(item) => {
                    let name = item.name().to_owned();
                    if !matches!(index.get(&name), Some(Some(_))) {
                        index.insert(name, Some(item));
                    }
                }
                Loaded::Unreadable(reason) | Loaded::Invalid(reason) => {
                    if !matches!(index.get(&canonical.key), Some(Some(_))) {
                        index.insert(canonical.key.clone(), None);
                        failures.insert(canonical.key, reason);
                    }
                }
            }
        }
        let mut rows = Vec::new();
        for runtime in runtimes::runtimes(kind) {
            let (runtime_names, invalid) = self.runtime_listing(runtime, kind);
            for (raw, reason) in invalid {
                if !index.contains_key(&raw) {
                    rows.push(StatusRow {
                        runtime: runtime.label,
                        name: raw,
                        status: SyncStatus::InvalidName,
                        reason: Some(reason),
                    });
                }
            }
            let all: BTreeSet<&String> = index.keys().chain(runtime_names.iter()).collect();
            for name in all {
                let row = |status, reason| StatusRow { runtime: runtime.label, name: name.clone(), status, reason };
                let status = match (index.get(name), runtime_names.contains(name)) {
                    (Some(None), _) => {
                        rows.push(row(SyncStatus::ParseError, failures.get(name).cloned()));
                        continue;
                    }
                    (Some(Some(_)), false) => SyncStatus::MissingTarget,
                    (None, _) => SyncStatus::MissingCanonical,
                    (Some(Some(item)), true) => {
                        let target = self.root.join(runtime.dir).join(format!("{name}{}", runtime.suffix));
                        let expected = match self.override_path(kind, name, runtime) {
                            Some(path) => fs::read(path).ok(),
                            None => Some(runtimes::render(runtime, item).0.into_bytes()),
                        };
                        let actual = if target.is_file() { fs::read(&target).ok() } else { Some(Vec::new()) };
                        match (expected, actual) {
                            (Some(expected), Some(actual)) if expected == actual => SyncStatus::InSync,
                            _ => SyncStatus::OutOfSync,
                        }
                    }
                };
                rows.push(row(status, None));
            }
        }
        rows
    }

    fn skill_statuses(&self) -> Vec<StatusRow> {
        let source_dir = layout::type_dir(&self.memtomem, Kind::Skills);
        let canonical: BTreeSet<String> = self.skill_canonicals().into_iter().collect();
        let mut invalid_canonical = Vec::new();
        if let Ok(entries) = fs::read_dir(&source_dir) {
            for entry in entries.flatten() {
                let Ok(name) = entry.file_name().into_string() else { continue };
                let skill = entry.path().is_dir() && entry.path().join(runtimes::skills::MANIFEST).is_file();
                if !skill || runtimes::is_internal_artifact_dir(&name) {
                    continue;
                }
                if let Some(reason) = runtimes::name_problem(&name) {
                    invalid_canonical.push((name, reason));
                }
            }
        }
        let mut rows = Vec::new();
        for runtime in runtimes::runtimes(Kind::Skills) {
            let (runtime_names, invalid_runtime) = self.runtime_listing(runtime, Kind::Skills);
            let mut invalid: std::collections::BTreeMap<String, String> = invalid_canonical.iter().cloned().collect();
            invalid.extend(invalid_runtime);
            for (name, reason) in invalid {
                rows.push(StatusRow {
                    runtime: runtime.label,
                    name,
                    status: SyncStatus::InvalidName,
                    reason: Some(reason),
                });
            }
            for name in canonical.union(&runtime_names) {
                let status = match (canonical.contains(name), runtime_names.contains(name)) {
                    (true, false) => SyncStatus::MissingTarget,
                    (false, _) => SyncStatus::MissingCanonical,
                    (true, true) => {
                        let dst = self.root.join(runtime.dir).join(name);
                        let override_bytes = match self.override_path(Kind::Skills, name, runtime) {
                            None => Some(None),
                            Some(path) => fs::read(path).ok().map(Some),
                        };
                        match override_bytes {
                            Some(bytes) => {
                                if tree::effective_equal(&source_dir.join(name), &dst, bytes.as_deref())
                                    .unwrap_or(false)
                                {
                                    SyncStatus::InSync
                                } else {
                                    SyncStatus::OutOfSync
                                }
                            }
                            None => SyncStatus::OutOfSync,
                        }
                    }
                };
                rows.push(StatusRow { runtime: runtime.label, name: name.clone(), status, reason: None });
            }
        }
        rows
    }
}
