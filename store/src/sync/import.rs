//! Import (memtomem's "pull"; docs/API.md, "Sync to agent runtimes"): runtime-only artifacts
//! brought into `.memtomem/`. memtomem's order and rules: runtimes in their fixed order (agents and
//! commands from Claude then Gemini, skills from all four), the first runtime to offer a name wins,
//! and every refusal is a skip row with memtomem's reason code. Agents and Claude commands are
//! copied byte for byte, Gemini commands converted back to Markdown, skill folders copied whole.
//!
//! Overwriting (`overwrite: true`) an existing folder-layout agent or command keeps the old
//! canonical twice: as memtomem's next `versions/vN.md` (as memtomem does) and in ctxgate's
//! history (reason `sync`). Like memtomem, a flat-layout canonical or an existing skill is not
//! overwritten.

use super::{stem_of, tree, ReplacedFile};
use crate::history::{Reason, Version};
use crate::{contain, etag_of, layout, memtomem_versions, mtime_ns, write, Kind, Store, StoreError};
use model::HistoryId;
use runtimes::Runtime;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// One artifact an import brought in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub name: String,
    /// Relative to the project root (the working file; for skills the folder).
    pub canonical_path: String,
    /// `claude`, `gemini`, `codex` or `kimi`.
    pub source_runtime: Option<String>,
    /// Every runtime that offered this name, in scan order.
    pub duplicate_candidates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSkip {
    pub name: String,
    pub reason: String,
    pub reason_code: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    pub skipped: Vec<ImportSkip>,
    /// Canonical files an overwriting import replaced (`runtime` is where the new bytes came
    /// from); the old bytes are in history.
    pub replaced: Vec<ReplacedFile>,
}

/// What an import has seen so far, across runtimes.
#[derive(Default)]
struct Run {
    imported: Vec<(String, String)>,
    skipped: Vec<ImportSkip>,
    replaced: Vec<ReplacedFile>,
    /// name → the runtime label that claimed it first.
    seen: HashMap<String, String>,
    candidates: HashMap<String, Vec<String>>,
    sources: HashMap<String, String>,
}

impl Run {
    fn skip(&mut self, name: &str, reason: impl Into<String>, code: &str) {
        self.skipped.push(ImportSkip { name: name.to_owned(), reason: reason.into(), reason_code: code.to_owned() });
    }

    /// A refusal that settles the name: later runtimes' copies are "already pulled".
    fn settle(&mut self, name: &str, label: &str, reason: impl Into<String>, code: &str) {
        self.skip(name, reason, code);
        self.seen.insert(name.to_owned(), label.to_owned());
    }

    fn done(&mut self, name: &str, label: &str, vendor: &str, canonical_path: String) {
        self.imported.push((name.to_owned(), canonical_path));
        self.seen.insert(name.to_owned(), label.to_owned());
        self.sources.insert(name.to_owned(), vendor.to_owned());
    }

    /// Checks every runtime applies before anything is read; `false` when the row is done.
    fn admit(&mut self, name: &str, vendor: &str, internal_check: bool) -> bool {
        self.candidates.entry(name.to_owned()).or_default().push(vendor.to_owned());
        if internal_check && runtimes::is_internal_artifact_dir(name) {
            self.skip(name, "internal staging leftover, not an artifact", "invalid_name");
            return false;
        }
        if let Some(reason) = runtimes::name_problem(name) {
            self.skip(name, format!("invalid name: {reason}"), "invalid_name");
            return false;
        }
        if let Some(first) = self.seen.get(name).cloned() {
            self.skip(name, format!("already pulled from {first}"), "already_imported");
            return false;
        }
        true
    }

    fn report(self) -> ImportReport {
        let Run { imported, skipped, replaced, mut candidates, sources, .. } = self;
        ImportReport {
            imported: imported
                .into_iter()
                .map(|(name, canonical_path)| Imported {
                    source_runtime: sources.get(&name).cloned(),
                    duplicate_candidates: candidates.remove(&name).unwrap_or_default(),
                    name,
                    canonical_path,
                })
                .collect(),
            skipped,
            replaced,
        }
    }
}

/// How a canonical write under the locks ended.
enum Landed {
    Created(PathBuf),
    Overwritten(PathBuf, HistoryId),
    Identical(PathBuf),
    Exists,
    FlatRefused,
    SnapshotFailed(String),
    Changed,
}

const FLAT_REFUSED: &str =
    "cannot overwrite a flat-layout canonical (no version store to snapshot into); move it to the folder layout first";

/// Runtime directory entries, sorted by name, non-UTF-8 names left out.
fn sorted_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = entries.flatten().filter_map(|e| e.file_name().into_string().ok()).collect();
    names.sort();
    names
}

impl Store {
    /// Imports every runtime-only artifact of a type (or, with `only`, the one of that name;
    /// `NotFound` when no runtime has it).
    pub fn import(&self, kind: Kind, only: Option<&str>, overwrite: bool) -> Result<ImportReport, StoreError> {
        if let Some(name) = only {
            crate::validate_name(name)?;
        }
        let mut run = Run::default();
        match kind {
            Kind::Skills => {
                for runtime in runtimes::runtimes(kind).iter().filter(|r| r.importable) {
                    self.import_skills_from(runtime, only, overwrite, &mut run);
                }
            }
            _ => {
                for runtime in runtimes::runtimes(kind).iter().filter(|r| r.importable) {
                    if runtime.suffix == ".md" {
                        self.import_markdown_from(kind, runtime, only, overwrite, &mut run);
                    } else {
                        self.import_gemini_commands(runtime, only, overwrite, &mut run);
                    }
                }
            }
        }
        if only.is_some() && run.imported.is_empty() && run.skipped.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok(run.report())
    }

    /// The runtime folder to import from, when it exists and lies inside the project
    /// (`contain::runtime_dir`).
    fn import_dir(&self, runtime: &Runtime) -> Option<PathBuf> {
        let dir = contain::runtime_dir(&self.root, &self.memtomem, runtime.dir).ok()?;
        dir.is_dir().then_some(dir)
    }

    /// The resolved source file or folder, when it lies inside the project; else a skip row.
    fn admit_source(&self, name: &str, path: &Path, run: &mut Run) -> Option<PathBuf> {
        match contain::import_source(&self.root, path) {
            Ok(real) => Some(real),
            Err(_) => {
                run.skip(
                    name,
                    format!("{} leads out of the project through a symbolic link; it was not read", self.rel(path)),
                    "outside_project",
                );
                None
            }
        }
    }

    fn import_label(runtime: &Runtime) -> String {
        format!("{} ({})", runtime.vendor, runtime.dir)
    }

    /// The pre-lock checks on an existing canonical; `false` when the row is done.
    fn admit_target(&self, kind: Kind, name: &str, label: &str, overwrite: bool, run: &mut Run) -> bool {
        let Some(located) = crate::locate(&self.memtomem, kind, name) else { return true };
        if !overwrite {
            run.settle(name, label, "canonical exists", "canonical_exists");
            return false;
        }
        if located.file == layout::flat_file_path(&self.memtomem, kind, name) {
            run.settle(name, label, FLAT_REFUSED, "snapshot_requires_dir_layout");
            return false;
        }
        true
    }

    /// Claude (and Gemini agent) Markdown files, copied byte for byte.
    fn import_markdown_from(&self, kind: Kind, runtime: &Runtime, only: Option<&str>, overwrite: bool, run: &mut Run) {
        let Some(dir) = self.import_dir(runtime) else { return };
        let label = Self::import_label(runtime);
        for file_name in sorted_names(&dir) {
            let Some(name) = stem_of(&file_name, ".md") else { continue };
            if only.is_some_and(|o| o != name) || !run.admit(&name, runtime.vendor, true) {
                continue;
            }
            if !self.admit_target(kind, &name, &label, overwrite, run) {
                continue;
            }
            let Some(source) = self.admit_source(&name, &dir.join(&file_name), run) else { continue };
            let bytes = match fs::read(source) {
                Ok(bytes) => bytes,
                Err(err) => {
                    run.skip(&name, format!("unreadable: {}/{file_name} ({err})", runtime.dir), "parse_error");
                    continue;
                }
            };
            self.land(kind, &name, &bytes, runtime, &label, overwrite, run);
        }
    }

    /// Gemini command TOML files, converted to canonical Markdown.
    fn import_gemini_commands(&self, runtime: &Runtime, only: Option<&str>, overwrite: bool, run: &mut Run) {
        let Some(dir) = self.import_dir(runtime) else { return };
        let label = Self::import_label(runtime);
        for file_name in sorted_names(&dir) {
            let Some(name) = stem_of(&file_name, ".toml") else { continue };
            if only.is_some_and(|o| o != name) || !run.admit(&name, runtime.vendor, false) {
                continue;
            }
            if !self.admit_target(Kind::Commands, &name, &label, overwrite, run) {
                continue;
            }
            let Some(source) = self.admit_source(&name, &dir.join(&file_name), run) else { continue };
            let converted = fs::read(source)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .and_then(|text| runtimes::commands::from_gemini_toml(&text));
            let Some(content) = converted else {
                run.skip(&name, "TOML parse error", "toml_parse_error");
                continue;
            };
            self.land(Kind::Commands, &name, content.as_bytes(), runtime, &label, overwrite, run);
        }
    }

    /// Writes one imported agent or command under the artifact's locks and records the row.
    #[allow(clippy::too_many_arguments)]
    fn land(
        &self,
        kind: Kind,
        name: &str,
        bytes: &[u8],
        runtime: &Runtime,
        label: &str,
        overwrite: bool,
        run: &mut Run,
    ) {
        match self.write_canonical(kind, name, bytes, runtime, overwrite) {
            Err(StoreError::Busy) => run.skip(
                name,
                "another process held the canonical artifact's lock past the lock budget; import again to retry",
                "lock_timeout",
            ),
            Err(err) => run.settle(name, label, format!("could not write the canonical: {err}"), "write_failed"),
            Ok(Landed::Exists) => run.settle(name, label, "canonical exists", "canonical_exists"),
            Ok(Landed::FlatRefused) => run.settle(name, label, FLAT_REFUSED, "snapshot_requires_dir_layout"),
            Ok(Landed::SnapshotFailed(reason)) => run.settle(
                name,
                label,
                format!("could not keep the current canonical before overwrite: {reason}"),
                "snapshot_failed",
            ),
            Ok(Landed::Changed) => run.settle(
                name,
                label,
                "the canonical changed while it was written; it was left alone",
                "changed_during_sync",
            ),
            Ok(Landed::Created(file) | Landed::Identical(file)) => {
                run.done(name, label, runtime.vendor, self.rel(&file));
            }
            Ok(Landed::Overwritten(file, history_id)) => {
                run.replaced.push(ReplacedFile { runtime: runtime.label.into(), path: self.rel(&file), history_id });
                run.done(name, label, runtime.vendor, self.rel(&file));
            }
        }
    }

    fn write_canonical(
        &self,
        kind: Kind,
        name: &str,
        bytes: &[u8],
        runtime: &Runtime,
        overwrite: bool,
    ) -> Result<Landed, StoreError> {
        let type_dir = layout::type_dir(&self.memtomem, kind);
        fs::create_dir_all(&type_dir)?;
        let key = match crate::locate(&self.memtomem, kind, name) {
            Some(located) => fs::canonicalize(&located.file)?,
            None => fs::canonicalize(&type_dir)?.join(name),
        };
        let _held = self.lock(&key, &type_dir, name)?;
        // memtomem's file mode for what it writes into the canonical store.
        let mode = fs::Permissions::from_mode(0o600);
        let Some(located) = crate::locate(&self.memtomem, kind, name) else {
            let folder = layout::folder_path(&self.memtomem, kind, name);
            match fs::create_dir(&folder) {
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists && folder.is_dir() => {}
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => return Ok(Landed::Exists),
                Err(err) => return Err(err.into()),
            }
            let file = layout::folder_file_path(&self.memtomem, kind, name);
            if write::create_new(&file, bytes)?.is_none() {
                return Ok(Landed::Exists);
            }
            fs::set_permissions(&file, mode)?;
            return Ok(Landed::Created(file));
        };
        if !overwrite {
            return Ok(Landed::Exists);
        }
        if located.file == layout::flat_file_path(&self.memtomem, kind, name) {
            return Ok(Landed::FlatRefused);
        }
        let (current, meta) = crate::read_with_meta(&located.file)?;
        if current == bytes {
            return Ok(Landed::Identical(located.file));
        }
        let note = format!("pre-overwrite snapshot (import from {})", runtime.vendor);
        if let Some(folder) = located.file.parent() {
            if let Err(err) = memtomem_versions::freeze_version(folder, &current, &note, std::time::SystemTime::now()) {
                return Ok(Landed::SnapshotFailed(err.to_string()));
            }
        }
        let etag = etag_of(&current);
        let version = Version { bytes: &current, etag: &etag, mtime: mtime_ns(&meta) };
        let history_id = match self.history.keep_bytes((kind, name), Reason::Sync, version) {
            Ok(id) => id,
            Err(err) => return Ok(Landed::SnapshotFailed(err.to_string())),
        };
        // History already holds `current`, so the no-swap fallback needs nothing more.
        match write::replace_checked(&located.file, bytes, &meta, &current, &mut || Ok(()))? {
            write::Replaced::KeepFailed(err) => Ok(Landed::SnapshotFailed(err.to_string())),
            write::Replaced::Done { displaced, .. } => {
                if let Some(displaced) = displaced {
                    let _ = fs::remove_file(displaced);
                }
                // The bytes are in place: a mode that did not take is logged, not answered.
                if let Err(err) = fs::set_permissions(&located.file, mode) {
                    tracing::warn!(target: "ctxgate::store", "could not set the mode of {}: {err}", located.file.display());
                }
                Ok(Landed::Overwritten(located.file, history_id))
            }
            write::Replaced::Changed => Ok(Landed::Changed),
        }
    }

    /// Skill folders from one runtime, copied whole (caches, `.git` and links left out).
    fn import_skills_from(&self, runtime: &Runtime, only: Option<&str>, overwrite: bool, run: &mut Run) {
        let Some(dir) = self.import_dir(runtime) else { return };
        let label = Self::import_label(runtime);
        let type_dir = layout::type_dir(&self.memtomem, Kind::Skills);
        for name in sorted_names(&dir) {
            let source = dir.join(&name);
            if !(source.is_dir() && source.join(runtimes::skills::MANIFEST).is_file())
                || runtimes::is_internal_artifact_dir(&name)
            {
                continue;
            }
            if only.is_some_and(|o| o != name) || !run.admit(&name, runtime.vendor, false) {
                continue;
            }
            let dst = type_dir.join(&name);
            if self.skill_in_the_way(&dst, &name, &label, overwrite, run) {
                continue;
            }
            let Some(source) = self.admit_source(&name, &source, run) else { continue };
            let copy = match tree::import_copy(&source) {
                Ok(copy) => copy,
                Err(err) => {
                    run.skip(&name, format!("unreadable: {}/{name} ({err})", runtime.dir), "parse_error");
                    continue;
                }
            };
            match self.land_skill(&type_dir, &dst, &name, &copy) {
                Err(StoreError::Busy) => run.skip(
                    &name,
                    "another process held the canonical artifact's lock past the lock budget; import again to retry",
                    "lock_timeout",
                ),
                Err(err) => run.settle(&name, &label, format!("could not write the canonical: {err}"), "write_failed"),
                Ok(false) => {
                    if !self.skill_in_the_way(&dst, &name, &label, overwrite, run) {
                        // Something that is not a folder (a dangling link) holds the name.
                        run.settle(&name, &label, format!("'{}' is occupied", self.rel(&dst)), "target_conflict");
                    }
                }
                Ok(true) => run.done(&name, &label, runtime.vendor, self.rel(&dst)),
            }
        }
    }

    /// memtomem's refusals for an existing canonical skill; `true` when one applied.
    fn skill_in_the_way(&self, dst: &Path, name: &str, label: &str, overwrite: bool, run: &mut Run) -> bool {
        if !dst.exists() {
            return false;
        }
        if !overwrite {
            run.settle(name, label, "canonical exists", "canonical_exists");
        } else if !dst.is_dir() {
            run.settle(
                name,
                label,
                format!("target exists and is not a directory: '{}'", self.rel(dst)),
                "target_conflict",
            );
        } else if !dst.join(runtimes::skills::MANIFEST).is_file()
            && fs::read_dir(dst).is_ok_and(|mut d| d.next().is_some())
        {
            run.settle(
                name,
                label,
                format!("refusing to overwrite non-skill directory: '{}'", self.rel(dst)),
                "target_conflict",
            );
        } else {
            run.settle(
                name,
                label,
                "existing skill folders are not overwritten by an import (as in memtomem)",
                "skills_overwrite_unsupported",
            );
        }
        true
    }

    /// Stages the copy beside the destination and renames it in with no-replace, under the
    /// skill's locks; `Ok(false)` when a skill appeared meanwhile.
    fn land_skill(&self, type_dir: &Path, dst: &Path, name: &str, copy: &tree::Tree) -> Result<bool, StoreError> {
        fs::create_dir_all(type_dir)?;
        let key = fs::canonicalize(type_dir)?.join(name);
        let _held = self.lock(&key, type_dir, name)?;
        if dst.exists() {
            return Ok(false);
        }
        let staging = tree::stage(type_dir, name, copy)?;
        match write::rename_noreplace(&staging, dst) {
            Ok(true) => Ok(true),
            Ok(false) => {
                let _ = fs::remove_dir_all(&staging);
                Ok(false)
            }
            Err(err) => {
                let _ = fs::remove_dir_all(&staging);
                Err(err.into())
            }
        }
    }
}
