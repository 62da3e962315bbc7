//! `ctxgate op` (hidden): exactly one mutating store call, for the fault enumeration in
//! `server/tests/faults.rs`. strace's `inject=…:when=N` counts per thread, so the call runs on
//! the main thread with no async runtime and no watcher: the same fixture gives the same
//! syscalls in the same order, and point N is the same point in every run.
//!
//! The request is one JSON object (`{"op":"save","type":"skills","name":"x",…}`); the outcome is
//! one JSON line on stdout: `{"ok":true,…}` with the new tokens / history ids / trash id, or
//! `{"ok":false,"error":"…"}` (exit status 1). Printing it is the acknowledgement: a fault that
//! hits before this line is out means the caller was never told "saved".

use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;
use store::{Etag, HistoryId, Kind, MtimeNs};
use store::{Store, StoreError, Update};

#[derive(Debug, clap::Args)]
pub struct OpArgs {
    /// Project root.
    #[arg(long, value_name = "DIR")]
    pub root: PathBuf,
    /// History folder, as `serve --history-dir`.
    #[arg(long, value_name = "DIR")]
    pub history_dir: Option<PathBuf>,
    /// The operation, one JSON object (see `server/src/op.rs`).
    #[arg(value_name = "JSON")]
    pub request: String,
}

/// One store call. `type` is the plural (`skills`, `agents`, `commands`).
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
enum Request {
    Create {
        #[serde(rename = "type")]
        kind: String,
        name: String,
        content: String,
    },
    /// A guarded save from `etag` (`mtime_ns` is advisory when the etag is sent).
    Save {
        #[serde(rename = "type")]
        kind: String,
        name: String,
        content: String,
        etag: Etag,
        #[serde(default)]
        mtime_ns: Option<String>,
    },
    /// A force save from a stale `etag`, having seen `seen_etag`.
    Force {
        #[serde(rename = "type")]
        kind: String,
        name: String,
        content: String,
        etag: Etag,
        seen_etag: Etag,
    },
    /// A history entry brought back (`content` is the entry's), as the editor's Restore does.
    Restore {
        #[serde(rename = "type")]
        kind: String,
        name: String,
        content: String,
        etag: Etag,
    },
    Delete {
        #[serde(rename = "type")]
        kind: String,
        name: String,
    },
    TrashRestore {
        id: String,
    },
    Sync {
        #[serde(rename = "type")]
        kind: String,
        #[serde(default)]
        name: Option<String>,
    },
    Import {
        #[serde(rename = "type")]
        kind: String,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        overwrite: bool,
    },
    /// The start-up sweep of crashed writers' temp files.
    Sweep,
}

/// Runs `ctxgate op`: 0 when the store call succeeded, 1 when it answered an error, 2 when the
/// request could not be read or the store not opened.
pub fn run(args: &OpArgs) -> ExitCode {
    // Store warnings (a failed folder fsync, a freeze that could not be kept) go to stderr.
    crate::logging::init(crate::logging::LogFormat::Text);
    let request: Request = match serde_json::from_str(&args.request) {
        Ok(request) => request,
        Err(err) => return usage(&format!("bad request: {err}")),
    };
    let store = match Store::open_with_history(&args.root, args.history_dir.as_deref()) {
        Ok(store) => store,
        Err(err) => return usage(&format!("cannot open {}: {err}", args.root.display())),
    };
    match perform(&store, request) {
        Ok(mut answer) => {
            answer["ok"] = Value::Bool(true);
            println!("{answer}");
            ExitCode::SUCCESS
        }
        Err(reason) => {
            println!("{}", json!({"ok": false, "error": reason}));
            ExitCode::from(1)
        }
    }
}

fn usage(reason: &str) -> ExitCode {
    eprintln!("ctxgate op: {reason}");
    ExitCode::from(2)
}

fn kind_of(word: &str) -> Result<Kind, String> {
    Kind::from_plural(word).ok_or_else(|| format!("unknown type {word:?}"))
}

fn failed(err: StoreError) -> String {
    format!("{err:?}")
}

fn saved(saved: &store::Saved) -> Value {
    json!({"name": saved.name, "mtime_ns": saved.mtime_ns.0.to_string(), "etag": saved.etag})
}

fn replaced(files: &[store::ReplacedFile]) -> Value {
    files.iter().map(|r| json!({"runtime": r.runtime, "path": r.path, "history_id": r.history_id})).collect()
}

fn update(store: &Store, kind: &str, name: &str, update: &Update<'_>) -> Result<Value, String> {
    store.update(kind_of(kind)?, name, update).map(|s| saved(&s)).map_err(failed)
}

fn perform(store: &Store, request: Request) -> Result<Value, String> {
    let unknown_base = MtimeNs(0);
    match request {
        Request::Create { kind, name, content } => {
            store.create(kind_of(&kind)?, &name, &content).map(|s| saved(&s)).map_err(failed)
        }
        Request::Save { kind, name, content, etag, mtime_ns } => {
            let base_mtime_ns = mtime_ns.as_deref().and_then(MtimeNs::parse).unwrap_or(unknown_base);
            let request = Update {
                content: &content,
                base_mtime_ns,
                base_etag: Some(&etag),
                force: false,
                seen_etag: None,
                restored: false,
            };
            update(store, &kind, &name, &request)
        }
        Request::Force { kind, name, content, etag, seen_etag } => {
            let request = Update {
                content: &content,
                base_mtime_ns: unknown_base,
                base_etag: Some(&etag),
                force: true,
                seen_etag: Some(&seen_etag),
                restored: false,
            };
            update(store, &kind, &name, &request)
        }
        Request::Restore { kind, name, content, etag } => {
            let request = Update {
                content: &content,
                base_mtime_ns: unknown_base,
                base_etag: Some(&etag),
                force: false,
                seen_etag: None,
                restored: true,
            };
            update(store, &kind, &name, &request)
        }
        Request::Delete { kind, name } => store
            .delete(kind_of(&kind)?, &name)
            .map(|d| json!({"deleted": d.paths, "trash_id": d.trash_id}))
            .map_err(failed),
        // No trash item has a malformed id: `NotFound`, as the store answers an unknown one.
        Request::TrashRestore { id } => {
            let id = HistoryId::parse(&id).ok_or(StoreError::NotFound).map_err(failed)?;
            store.restore_trash(&id).map(|s| saved(&s)).map_err(failed)
        }
        Request::Sync { kind, name } => store
            .sync(kind_of(&kind)?, name.as_deref())
            .map(|report| {
                let skipped: Vec<Value> = report
                    .skipped
                    .iter()
                    .map(|s| json!({"runtime": s.runtime, "reason_code": s.reason_code}))
                    .collect();
                json!({"generated": report.generated.len(), "skipped": skipped, "replaced": replaced(&report.replaced)})
            })
            .map_err(failed),
        Request::Import { kind, name, overwrite } => store
            .import(kind_of(&kind)?, name.as_deref(), overwrite)
            .map(|report| {
                let imported: Vec<&str> = report.imported.iter().map(|i| i.name.as_str()).collect();
                let skipped: Vec<Value> =
                    report.skipped.iter().map(|s| json!({"name": s.name, "reason_code": s.reason_code})).collect();
                json!({"imported": imported, "skipped": skipped, "replaced": replaced(&report.replaced)})
            })
            .map_err(failed),
        Request::Sweep => Ok(json!({"removed": store.sweep_stale_temps()})),
    }
}
