//! memtomem's own per-artifact versions (docs/USING.md, "Next to memtomem"): a force save over a
//! stale folder-layout agent or command freezes the overwritten text as memtomem's next
//! `versions/vN.md` plus a `versions.json` row, so memtomem's Versions panel shows what ctxgate
//! overwrote.
//!
//! The store is memtomem's (0.6.x), shared on disk:
//! ```text
//! <artifact dir>/versions/vN.md       write-once snapshot, 0600 (skills use a vN/ tree instead)
//! <artifact dir>/versions.json        {"schema_version", "versions": {tag: row}, "labels", …}
//! <artifact dir>/.versions.json.lock  flock sidecar, never renamed or deleted
//! ```
//! A row is `{"created_at": "2026-06-03T09:00:00Z", "note": "…"}` (+ `"layout": "tree"` for a
//! skill tree). memtomem keeps keys it does not know; so do we, at the top level and per row.

use crate::write;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};
use std::fs::{self, File};
use std::io;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

/// The note memtomem shows for the frozen version.
pub(crate) const FORCE_NOTE: &str = "pre-overwrite snapshot (ctxgate force-save)";

const VERSIONS_DIR: &str = "versions";
const MANIFEST: &str = "versions.json";
const MANIFEST_LOCK: &str = ".versions.json.lock";
/// The newest manifest schema memtomem 0.6 knows (2 = skill tree rows). A newer one may give the
/// rows a meaning we would get wrong, so it is refused rather than written into.
const MAX_SCHEMA: u64 = 2;
/// The writes of a lock-ignoring program are the only way a free tag can be taken under us.
const TAG_ATTEMPTS: usize = 3;

/// Freezes `bytes` as the next version of the folder-layout artifact in `artifact_dir` (the
/// folder holding `agent.md` / `command.md`). The caller holds memtomem's name lock; this takes
/// `.versions.json.lock` itself. Returns the new tag (`v3`).
pub(crate) fn freeze_version(artifact_dir: &Path, bytes: &[u8], note: &str, now: SystemTime) -> io::Result<String> {
    freeze_with_wait(artifact_dir, bytes, note, now, crate::DEFAULT_LOCK_WAIT)
}

fn freeze_with_wait(
    artifact_dir: &Path,
    bytes: &[u8],
    note: &str,
    now: SystemTime,
    wait: Duration,
) -> io::Result<String> {
    let _lock = lock_manifest(&artifact_dir.join(MANIFEST_LOCK), wait)?;
    let manifest_path = artifact_dir.join(MANIFEST);
    // A cloned repository may carry `versions -> /anywhere`: memtomem's store is written only
    // as real files and folders inside the artifact folder.
    for part in [VERSIONS_DIR, MANIFEST] {
        if fs::symlink_metadata(artifact_dir.join(part)).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(io::Error::other(format!("memtomem's {part} is a symbolic link; nothing was frozen")));
        }
    }
    // Parsed (and refused if malformed) before anything is written.
    let mut manifest = Manifest::read(&manifest_path)?;
    let versions = artifact_dir.join(VERSIONS_DIR);
    match fs::create_dir(&versions) {
        // The new folder's entry must be durable before a row names a file inside it.
        Ok(()) => write::sync_dir(artifact_dir),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists && versions.is_dir() => {}
        Err(err) => return Err(err),
    }
    let mut frozen = None;
    for _ in 0..TAG_ATTEMPTS {
        let tag = format!("v{}", next_number(&manifest, &versions)?);
        if write_once(&versions, &format!("{tag}.md"), bytes)? {
            frozen = Some(tag);
            break;
        }
    }
    let tag = frozen.ok_or_else(|| io::Error::other("every free memtomem version tag was taken meanwhile"))?;
    let mut row = Map::new();
    row.insert("created_at".to_owned(), Value::String(crate::history::rfc3339(now)));
    row.insert("note".to_owned(), Value::String(note.to_owned()));
    manifest.versions.insert(tag.clone(), Value::Object(row));
    replace_file(artifact_dir, MANIFEST, &manifest.to_bytes()?)?;
    Ok(tag)
}

/// `flock(LOCK_EX)` on memtomem's manifest sidecar (created 0600 if missing, never deleted),
/// waited for fairly (`lock::flock_until`).
fn lock_manifest(path: &Path, wait: Duration) -> io::Result<File> {
    let deadline = Instant::now() + wait;
    let file = crate::lock::open_lock_file(path)?;
    crate::lock::flock_until(file, deadline)?
        .ok_or_else(|| io::Error::new(io::ErrorKind::TimedOut, "memtomem's versions.json lock stayed busy"))
}

/// `versions.json` as found: the known parts parsed, everything else carried verbatim.
#[derive(Debug)]
struct Manifest {
    schema_version: u64,
    versions: Map<String, Value>,
    labels: Value,
    /// Top-level keys ctxgate does not know.
    rest: Map<String, Value>,
}

impl Manifest {
    /// A missing file is an empty manifest; anything memtomem itself would refuse is an error.
    fn read(path: &Path) -> io::Result<Manifest> {
        let text = match fs::read(path) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Ok(Manifest {
                    schema_version: 1,
                    versions: Map::new(),
                    labels: Value::Object(Map::new()),
                    rest: Map::new(),
                })
            }
            Err(err) => return Err(err),
        };
        let Value::Object(mut rest) = serde_json::from_slice(&text).map_err(|err| invalid(format!("{err}")))? else {
            return Err(invalid("expected an object".to_owned()));
        };
        // Absent or null means 1; a bool or float is not a schema (memtomem refuses both too).
        let schema_version = match rest.remove("schema_version") {
            None | Some(Value::Null) => 1,
            Some(value) => match value.as_u64() {
                Some(n @ 1..=MAX_SCHEMA) => n,
                Some(n) if n > MAX_SCHEMA => return Err(invalid(format!("schema_version {n} is newer than known"))),
                _ => return Err(invalid(format!("schema_version {value} is not a positive integer"))),
            },
        };
        let versions = match rest.remove("versions") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(versions)) => versions,
            Some(_) => return Err(invalid("'versions' is not an object".to_owned())),
        };
        // Tags become file names: one that is not `v<N>` could point outside `versions/`.
        for tag in versions.keys() {
            tag_number(tag).ok_or_else(|| invalid(format!("bad version tag {tag:?}")))??;
        }
        let labels = match rest.remove("labels") {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(labels @ Value::Object(_)) => labels,
            Some(_) => return Err(invalid("'labels' is not an object".to_owned())),
        };
        Ok(Manifest { schema_version, versions, labels, rest })
    }

    /// memtomem's own shape, so its next rewrite is a small diff: `schema_version`, `versions`
    /// (by tag number; rows `created_at`, `note`, `layout` first), `labels`, then the rest;
    /// 2-space indent, raw UTF-8, a final newline.
    fn to_bytes(&self) -> io::Result<Vec<u8>> {
        let mut tags: Vec<(u64, &String, &Value)> = Vec::with_capacity(self.versions.len());
        for (tag, row) in &self.versions {
            let number = tag_number(tag).ok_or_else(|| invalid(format!("bad version tag {tag:?}")))??;
            tags.push((number, tag, row));
        }
        tags.sort_by_key(|(number, _, _)| *number);
        let schema = Value::from(self.schema_version);
        let mut top = vec![
            ("schema_version", Json::Value(&schema)),
            (
                "versions",
                Json::Object(tags.into_iter().map(|(_, tag, row)| (tag.as_str(), ordered_row(row))).collect()),
            ),
            ("labels", Json::Value(&self.labels)),
        ];
        top.extend(self.rest.iter().map(|(key, value)| (key.as_str(), Json::Value(value))));
        let mut bytes = serde_json::to_vec_pretty(&Json::Object(top)).map_err(io::Error::other)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// A JSON tree whose objects keep the order given (serde_json's `Map` sorts its keys).
enum Json<'a> {
    Value(&'a Value),
    Object(Vec<(&'a str, Json<'a>)>),
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Value(value) => value.serialize(serializer),
            Json::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

fn ordered_row(row: &Value) -> Json<'_> {
    let Value::Object(fields) = row else { return Json::Value(row) };
    const FIRST: [&str; 3] = ["created_at", "note", "layout"];
    let known = FIRST.iter().filter_map(|key| fields.get_key_value(*key));
    let others = fields.iter().filter(|(key, _)| !FIRST.contains(&key.as_str()));
    Json::Object(known.chain(others).map(|(key, value)| (key.as_str(), Json::Value(value))).collect())
}

/// `Some(Ok(N))` for a memtomem tag `v[1-9][0-9]*`, `None` for any other name, an error for a
/// tag too large to count past.
fn tag_number(tag: &str) -> Option<io::Result<u64>> {
    let digits = tag.strip_prefix('v')?;
    if !digits.starts_with(|c: char| matches!(c, '1'..='9')) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse().map_err(|_| invalid(format!("version tag {tag:?} is out of range"))))
}

/// One past the highest tag in the manifest or on disk: an orphan `vN.md` (a crash between file
/// and row) or a skill's `vN/` tree still owns its tag, as memtomem counts it.
fn next_number(manifest: &Manifest, versions: &Path) -> io::Result<u64> {
    let mut highest = 0;
    for tag in manifest.versions.keys() {
        if let Some(number) = tag_number(tag) {
            highest = highest.max(number?);
        }
    }
    for entry in fs::read_dir(versions)? {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(number) = tag_number(name.strip_suffix(".md").unwrap_or(name)) {
            highest = highest.max(number?);
        }
    }
    highest.checked_add(1).ok_or_else(|| invalid("no version tag is left".to_owned()))
}

/// Writes `dir/file_name` only if no such entry exists (`Ok(false)` then, nothing changed):
/// a version file is history and is never replaced. Durable before it returns. memtomem writes
/// its version store 0600; so do we.
fn write_once(dir: &Path, file_name: &str, bytes: &[u8]) -> io::Result<bool> {
    write::write_new_file(&dir.join(file_name), bytes, write::Stamp::Mode(0o600))
}

/// Atomically replaces `dir/file_name` (ctxgate's temp name in the same folder, fsync, rename).
/// memtomem reads only the names it wrote, so a crash leftover is harmless to it.
fn replace_file(dir: &Path, file_name: &str, bytes: &[u8]) -> io::Result<()> {
    write::put_file(&dir.join(file_name), bytes, write::Stamp::Mode(0o600))
}

fn invalid(reason: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("memtomem versions.json: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::PathBuf;

    /// 2026-03-01T12:34:56.789Z
    fn at() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_772_368_496_789)
    }

    fn artifact() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("planner");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("agent.md"), "current\n").unwrap();
        (tmp, dir)
    }

    fn freeze(dir: &Path, bytes: &[u8]) -> io::Result<String> {
        freeze_version(dir, bytes, FORCE_NOTE, at())
    }

    fn manifest(dir: &Path) -> Value {
        serde_json::from_slice(&fs::read(dir.join(MANIFEST)).unwrap()).unwrap()
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// Everything under `dir`, with contents, for "nothing was written" checks.
    fn snapshot(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
        let mut all = Vec::new();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                all.push((path.clone(), None));
                all.extend(snapshot(&path));
            } else {
                all.push((path.clone(), Some(fs::read(&path).unwrap())));
            }
        }
        all.sort();
        all
    }

    fn leftover_temps(dir: &Path) -> Vec<PathBuf> {
        snapshot(dir)
            .into_iter()
            .map(|(path, _)| path)
            .filter(|path| path.file_name().and_then(|n| n.to_str()).is_some_and(crate::write::is_temp_name))
            .collect()
    }

    #[test]
    fn memtomem_fresh_folder_gets_v1_and_a_new_manifest() {
        let (_tmp, dir) = artifact();
        let old = b"old text\r\nno final newline \xc3\xa9";
        assert_eq!(freeze(&dir, old).unwrap(), "v1");
        assert_eq!(fs::read(dir.join("versions/v1.md")).unwrap(), old);
        // Byte for byte what memtomem writes for a first version (json.dumps(indent=2) + "\n").
        let expected = "{\n  \"schema_version\": 1,\n  \"versions\": {\n    \"v1\": {\n      \"created_at\": \
                        \"2026-03-01T12:34:56Z\",\n      \"note\": \"pre-overwrite snapshot (ctxgate force-save)\"\n    \
                        }\n  },\n  \"labels\": {}\n}\n";
        assert_eq!(fs::read_to_string(dir.join(MANIFEST)).unwrap(), expected);
        assert_eq!(mode(&dir.join("versions/v1.md")), 0o600);
        assert_eq!(mode(&dir.join(MANIFEST)), 0o600);
        assert_eq!(mode(&dir.join(MANIFEST_LOCK)), 0o600);
        assert_eq!(fs::read_to_string(dir.join("agent.md")).unwrap(), "current\n");
        assert!(leftover_temps(&dir).is_empty());
    }

    #[test]
    fn memtomem_next_tags_count_on() {
        let (_tmp, dir) = artifact();
        assert_eq!(freeze(&dir, b"one").unwrap(), "v1");
        assert_eq!(freeze(&dir, b"two").unwrap(), "v2");
        assert_eq!(fs::read(dir.join("versions/v1.md")).unwrap(), b"one");
        assert_eq!(fs::read(dir.join("versions/v2.md")).unwrap(), b"two");
        assert_eq!(manifest(&dir)["versions"].as_object().unwrap().len(), 2);
    }

    #[test]
    fn memtomem_unknown_keys_and_schema_version_2_are_kept() {
        let (_tmp, dir) = artifact();
        fs::create_dir_all(dir.join("versions/v2")).unwrap();
        fs::write(dir.join("versions/v1.md"), "first").unwrap();
        fs::write(dir.join("versions/v10.md"), "tenth").unwrap();
        let before = serde_json::json!({
            "schema_version": 2,
            "versions": {
                "v1": {"created_at": "2026-01-01T00:00:00Z", "note": "a", "sha256": "abc", "by": {"who": "me"}},
                "v2": {"created_at": "2026-01-02T00:00:00Z", "note": "", "layout": "tree"},
                "v10": {"created_at": "2026-01-03T00:00:00Z", "note": "ten", "zz": [1, 2.5, null]}
            },
            "labels": {"production": "v1"},
            "future": {"nested": [true, "é"]},
            "alpha": 7
        });
        fs::write(dir.join(MANIFEST), serde_json::to_vec(&before).unwrap()).unwrap();
        assert_eq!(freeze(&dir, b"old").unwrap(), "v11");
        let after = manifest(&dir);
        let mut expected = before.clone();
        expected["versions"]["v11"] = serde_json::json!({"created_at": "2026-03-01T12:34:56Z", "note": FORCE_NOTE});
        assert_eq!(after, expected);
        // Rows in tag-number order (v2 before v10), known keys first, as memtomem writes them.
        let text = fs::read_to_string(dir.join(MANIFEST)).unwrap();
        let pos = |needle: &str| text.find(needle).unwrap();
        assert!(pos("\"schema_version\"") < pos("\"versions\"") && pos("\"versions\"") < pos("\"labels\""));
        assert!(pos("\"labels\"") < pos("\"alpha\"") && pos("\"alpha\"") < pos("\"future\""));
        assert!(pos("\"v1\"") < pos("\"v2\"") && pos("\"v2\"") < pos("\"v10\"") && pos("\"v10\"") < pos("\"v11\""));
        assert!(pos("\"note\": \"a\"") < pos("\"by\""));
        assert!(text.contains("\"é\""), "raw UTF-8, like memtomem's ensure_ascii=False");
        assert_eq!(fs::read_to_string(dir.join("versions/v1.md")).unwrap(), "first");
    }

    #[test]
    fn memtomem_orphan_version_file_on_disk_is_skipped() {
        let (_tmp, dir) = artifact();
        fs::create_dir(dir.join("versions")).unwrap();
        fs::write(dir.join("versions/v7.md"), "orphan").unwrap();
        fs::write(dir.join("versions/v02.md"), "not a tag").unwrap();
        fs::write(dir.join("versions/.v9.md.abc.tmp"), "a temp").unwrap();
        let rows = r#"{"schema_version": 1, "versions": {"v1": {"created_at": "x", "note": ""}}, "labels": {}}"#;
        fs::write(dir.join(MANIFEST), rows).unwrap();
        assert_eq!(freeze(&dir, b"old").unwrap(), "v8");
        assert_eq!(fs::read_to_string(dir.join("versions/v7.md")).unwrap(), "orphan");
        let tags: Vec<String> = manifest(&dir)["versions"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(tags, ["v1", "v8"]);
    }

    #[test]
    fn memtomem_skill_tree_folder_on_disk_is_skipped() {
        let (_tmp, dir) = artifact();
        fs::create_dir_all(dir.join("versions/v4")).unwrap();
        assert_eq!(freeze(&dir, b"old").unwrap(), "v5");
        assert!(dir.join("versions/v4").is_dir());
    }

    #[test]
    fn memtomem_manifest_without_labels_or_schema_gets_memtomem_defaults() {
        let (_tmp, dir) = artifact();
        fs::write(dir.join(MANIFEST), r#"{"versions": {"v3": {"note": "hand-made"}}}"#).unwrap();
        assert_eq!(freeze(&dir, b"old").unwrap(), "v4");
        let after = manifest(&dir);
        assert_eq!(after["schema_version"], 1);
        assert_eq!(after["labels"], serde_json::json!({}));
        assert_eq!(after["versions"]["v3"], serde_json::json!({"note": "hand-made"}));
    }

    #[test]
    fn memtomem_labels_are_untouched() {
        let (_tmp, dir) = artifact();
        fs::create_dir(dir.join("versions")).unwrap();
        fs::write(dir.join("versions/v1.md"), "a").unwrap();
        fs::write(dir.join("versions/v2.md"), "b").unwrap();
        let labels = serde_json::json!({"production": "v1", "staging": "v2", "canary": "v2"});
        let before = serde_json::json!({
            "schema_version": 1,
            "versions": {"v1": {"created_at": "t", "note": ""}, "v2": {"created_at": "t", "note": ""}},
            "labels": labels,
        });
        fs::write(dir.join(MANIFEST), serde_json::to_vec_pretty(&before).unwrap()).unwrap();
        assert_eq!(freeze(&dir, b"c").unwrap(), "v3");
        assert_eq!(manifest(&dir)["labels"], labels);
        assert_eq!(fs::read_to_string(dir.join("versions/v1.md")).unwrap(), "a");
        assert_eq!(fs::read_to_string(dir.join("versions/v2.md")).unwrap(), "b");
    }

    #[test]
    fn memtomem_created_at_is_whole_seconds_utc_with_z() {
        let (_tmp, dir) = artifact();
        let leap_day = SystemTime::UNIX_EPOCH + Duration::new(1_709_251_199, 999_999_999); // 2024-02-29T23:59:59.999…
        freeze_version(&dir, b"a", "n", leap_day).unwrap();
        freeze_version(&dir, b"b", "n", SystemTime::UNIX_EPOCH).unwrap();
        freeze(&dir, b"c").unwrap();
        let rows = manifest(&dir);
        assert_eq!(rows["versions"]["v1"]["created_at"], "2024-02-29T23:59:59Z");
        assert_eq!(rows["versions"]["v2"]["created_at"], "1970-01-01T00:00:00Z");
        assert_eq!(rows["versions"]["v3"]["created_at"], "2026-03-01T12:34:56Z");
        for tag in ["v1", "v2", "v3"] {
            let stamp = rows["versions"][tag]["created_at"].as_str().unwrap().as_bytes();
            assert_eq!(stamp.len(), 20);
            for (i, b) in stamp.iter().enumerate() {
                match i {
                    4 | 7 => assert_eq!(*b, b'-'),
                    10 => assert_eq!(*b, b'T'),
                    13 | 16 => assert_eq!(*b, b':'),
                    19 => assert_eq!(*b, b'Z'),
                    _ => assert!(b.is_ascii_digit()),
                }
            }
        }
    }

    #[test]
    fn memtomem_malformed_manifest_is_an_error_and_nothing_is_written() {
        let malformed = [
            "not json",
            "",
            "[]",
            r#"{"versions": []}"#,
            r#"{"versions": {"v0": {}}}"#,
            r#"{"versions": {"v1/../../x": {}}}"#,
            r#"{"versions": {"V1": {}}}"#,
            r#"{"versions": {"v99999999999999999999999": {}}}"#,
            r#"{"labels": "production"}"#,
            r#"{"schema_version": true}"#,
            r#"{"schema_version": 0}"#,
            r#"{"schema_version": 1.5}"#,
            r#"{"schema_version": "1"}"#,
            r#"{"schema_version": 3, "versions": {}}"#,
        ];
        for text in malformed {
            let (_tmp, dir) = artifact();
            fs::write(dir.join(MANIFEST), text).unwrap();
            fs::write(dir.join(MANIFEST_LOCK), "").unwrap();
            let before = snapshot(&dir);
            let err = freeze(&dir, b"old").unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{text}: {err}");
            assert_eq!(snapshot(&dir), before, "{text}");
        }
    }

    #[test]
    fn memtomem_version_files_are_never_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("v1.md"), "kept").unwrap();
        assert!(!write_once(tmp.path(), "v1.md", b"new").unwrap());
        assert_eq!(fs::read_to_string(tmp.path().join("v1.md")).unwrap(), "kept");
        assert!(write_once(tmp.path(), "v2.md", b"new").unwrap());
        assert_eq!(fs::read_to_string(tmp.path().join("v2.md")).unwrap(), "new");
        assert!(leftover_temps(tmp.path()).is_empty());
    }

    #[test]
    fn memtomem_busy_lock_gives_up_and_writes_nothing() {
        let (_tmp, dir) = artifact();
        let other =
            std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(dir.join(MANIFEST_LOCK)).unwrap();
        other.lock().unwrap();
        let before = snapshot(&dir);
        let err = freeze_with_wait(&dir, b"old", FORCE_NOTE, at(), Duration::from_millis(60)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert_eq!(snapshot(&dir), before);
        other.unlock().unwrap();
        assert_eq!(freeze(&dir, b"old").unwrap(), "v1");
        assert!(dir.join(MANIFEST_LOCK).exists(), "the lock file is never deleted");
    }

    #[test]
    fn memtomem_versions_path_that_is_a_file_is_an_error() {
        let (_tmp, dir) = artifact();
        fs::write(dir.join("versions"), "a file").unwrap();
        assert!(freeze(&dir, b"old").is_err());
        assert!(!dir.join(MANIFEST).exists());
    }
}
