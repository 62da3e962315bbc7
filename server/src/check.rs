//! `ctxgate check` (docs/USING.md, "Checks in CI and pre-commit"): the checks over a project's
//! saved artifacts, for CI and hooks. Reads only.

use crate::cli::{CheckArgs, CheckFormat};
use checks::{Diagnostic, Severity};
use model::Kind;
use serde::Serialize;
use std::process::ExitCode;
use store::{Store, StoreError};

#[derive(Serialize)]
struct Row<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    path: &'a str,
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
}

/// Exit 0 (no errors), 1 (errors), 2 (could not run).
pub fn run(args: &CheckArgs) -> ExitCode {
    match collect(args) {
        Ok(found) => {
            print(args.format, &found);
            let errors = found.iter().flat_map(|(.., ds)| ds).any(|d| d.severity == Severity::Error);
            ExitCode::from(u8::from(errors))
        }
        Err(reason) => {
            eprintln!("ctxgate check: {reason}");
            ExitCode::from(2)
        }
    }
}

type Found = Vec<(Kind, String, String, Vec<Diagnostic>)>;

fn collect(args: &CheckArgs) -> Result<Found, String> {
    if !args.root.is_dir() {
        return Err(format!("{} is not a folder", args.root.display()));
    }
    let store = Store::open(&args.root).map_err(|err| format!("cannot open {}: {err}", args.root.display()))?;
    let mut wanted = Vec::new();
    for target in &args.targets {
        let (word, name) = target.split_once('/').ok_or_else(|| format!("{target:?} is not TYPE/NAME"))?;
        let kind = Kind::from_plural(word).ok_or_else(|| format!("{word:?} is not skills, agents or commands"))?;
        model::validate_name(name).map_err(|err| format!("{target:?}: {err}"))?;
        wanted.push((kind, name.to_owned()));
    }
    if wanted.is_empty() {
        for kind in Kind::ALL {
            let entries = store.list(kind).map_err(|err| format!("cannot list {}: {err}", kind.plural()))?;
            wanted.extend(
                entries.into_iter().filter(|e| !runtimes::is_internal_artifact_dir(&e.name)).map(|e| (kind, e.name)),
            );
        }
    }
    let mut found = Vec::new();
    for (kind, name) in wanted {
        // Bytes, not text: a file that is not UTF-8 is a finding (`file-not-utf8`), not a failure.
        let (relative, bytes) = store.read_for_check(kind, &name).map_err(|err| match err {
            StoreError::NotFound => format!("no {} named {name:?}", kind.singular()),
            other => format!("cannot read {}/{name}: {other}", kind.plural()),
        })?;
        let bytes = bytes.ok_or_else(|| format!("cannot check {relative}: not a regular file of at most 4 MiB"))?;
        let diagnostics = checks::check_bytes(kind, &name, &bytes);
        found.push((kind, name, relative, diagnostics));
    }
    Ok(found)
}

fn print(format: CheckFormat, found: &Found) {
    match format {
        CheckFormat::Text => {
            for (_, _, path, diagnostics) in found {
                for d in diagnostics {
                    let severity = match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    };
                    let who =
                        if d.runtimes.is_empty() { String::new() } else { format!(" ({})", d.runtimes.join(", ")) };
                    println!("{path}:{}:{}: {severity}: {}{who} [{}]", d.line, d.column, d.message, d.rule);
                }
            }
        }
        CheckFormat::Json => {
            let rows: Vec<Row> = found
                .iter()
                .flat_map(|(kind, name, path, ds)| {
                    ds.iter().map(move |d| Row { kind: kind.plural(), name, path, diagnostic: d })
                })
                .collect();
            println!("{}", serde_json::json!({ "diagnostics": rows }));
        }
    }
}
