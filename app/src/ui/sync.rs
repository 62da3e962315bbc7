//! Sync to the agent runtimes, as the user sees it (docs/USING.md, "Sync to the agent
//! runtimes"): each item's runtime statuses as compact badges, "Sync" per item and "Sync all" per
//! type on the list, "Import" for items only the runtimes have. The editor's offer to sync after
//! a save is `editor/sync_offer.rs`. The server does the work (`api::fns::sync_*`, `import_*`);
//! these components show its answers as toasts.
//!
//! Every answer arrives after an `await`, when the row or the editor that asked may be gone
//! (the list re-renders, the user navigated away): signals and callbacks are then touched with
//! `try_*` only.

use super::errors::error_text;
use super::i18n_ctx::{use_i18n, I18n};
use super::toast::{use_toasts, ToastKind, Toasts};
use super::words::{rule_msg, runtime_name, runtime_vendor, status_code, status_mark, status_msg, type_msg};
use crate::api::fns::{import_artifact, sync_artifact, sync_artifacts};
use crate::api::{ApiError, ArtifactType, ImportReportBody, ImportRequest, RuntimeState, SyncReportBody};
use crate::i18n::{Lang, Msg};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// `claude_agents: cannot write …` for each skip row (memtomem puts a runtime label, an artifact
/// name or `<all>` in the first field; the reason is the server's, with relative paths).
fn skip_reasons<'a>(rows: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    rows.map(
        |(who, reason)| if who == "<all>" || who.is_empty() { reason.to_owned() } else { format!("{who}: {reason}") },
    )
    .collect::<Vec<_>>()
    .join("; ")
}

/// The toast for a sync's answer (`what`: `"name"` or the type's name): how many runtime
/// targets are up to date, which runtime files that differed were replaced (kept in History), what was
/// skipped and why. A replacement or a skip makes it a warning.
pub fn sync_toast(lang: Lang, what: &str, report: &SyncReportBody) -> (ToastKind, String) {
    let mut text = lang.format(Msg::SyncDone, &[("what", what), ("count", &report.generated.len().to_string())]);
    if !report.replaced.is_empty() {
        let paths = report.replaced.iter().map(|r| r.path.as_str()).collect::<Vec<_>>().join(", ");
        text.push(' ');
        text += &lang.format(Msg::SyncReplaced, &[("count", &report.replaced.len().to_string()), ("paths", &paths)]);
    }
    if !report.skipped.is_empty() {
        let reasons = skip_reasons(report.skipped.iter().map(|s| (s.runtime.as_str(), s.reason.as_str())));
        text.push(' ');
        text += &lang.format(Msg::SyncSkipped, &[("count", &report.skipped.len().to_string()), ("reasons", &reasons)]);
    }
    if !report.not_loadable.is_empty() {
        let items = report
            .not_loadable
            .iter()
            .map(|n| format!("{} ({})", n.name, runtime_name(runtime_vendor(&n.runtime))))
            .collect::<Vec<_>>()
            .join(", ");
        text.push(' ');
        text += &lang.format(Msg::ChecksSyncNotLoadable, &[("items", &items)]);
    }
    let kind = if report.replaced.is_empty() && report.skipped.is_empty() && report.not_loadable.is_empty() {
        ToastKind::Success
    } else {
        ToastKind::Warning
    };
    (kind, text)
}

/// The toast for importing `name`: where it came from, or why it was not imported.
pub fn import_toast(lang: Lang, name: &str, report: &ImportReportBody) -> (ToastKind, String) {
    if let Some(done) = report.imported.iter().find(|i| i.name == name) {
        let from = done.source_runtime.as_deref().map(runtime_name).unwrap_or("?");
        return (ToastKind::Success, lang.format(Msg::Imported, &[("name", name), ("runtime", from)]));
    }
    let reasons = skip_reasons(report.skipped.iter().filter(|s| s.name == name).map(|s| ("", s.reason.as_str())));
    if reasons.is_empty() {
        (ToastKind::Warning, lang.format(Msg::ImportNothing, &[("name", name)]))
    } else {
        (ToastKind::Warning, lang.format(Msg::ImportSkipped, &[("name", name), ("reasons", &reasons)]))
    }
}

/// Toasts a sync's answer or its error, in the user's language.
pub fn announce_sync(i18n: I18n, toasts: Toasts, what: &str, result: &Result<SyncReportBody, ApiError>) {
    let lang = i18n.lang();
    match result {
        Ok(report) => {
            let (kind, text) = sync_toast(lang, what, report);
            toasts.push(kind, text);
        }
        Err(err) => toasts.push(
            ToastKind::Error,
            lang.format(Msg::SyncFailed, &[("what", what), ("reason", &error_text(lang, err))]),
        ),
    }
}

/// A list row's checks (docs/CHECKS.md): errors and warnings counted, the first message as the
/// tooltip. Nothing for a clean file.
#[component]
pub fn CheckBadge(summary: crate::api::types::CheckSummary) -> impl IntoView {
    let i18n = use_i18n();
    let (errors, warnings) = (summary.errors, summary.warnings);
    (errors + warnings > 0).then(|| {
        let class = if errors > 0 { "check-badge has-errors" } else { "check-badge has-warnings" };
        let label = move || {
            i18n.lang()
                .format(Msg::ChecksCount, &[("errors", &errors.to_string()), ("warnings", &warnings.to_string())])
        };
        // English shows the detail; another language the rule's own sentence, at its line.
        let title = move || {
            let lang = i18n.lang();
            match (lang, summary.first_rule.as_deref().and_then(rule_msg), summary.first_line) {
                (Lang::En, ..) | (_, None, _) | (_, _, None) => summary.first.clone().unwrap_or_default(),
                (lang, Some(msg), Some(line)) => {
                    format!("{}: {}", lang.format(Msg::ChecksLine, &[("line", &line.to_string())]), lang.text(msg))
                }
            }
        };
        view! {
            <span class=class data-errors=errors.to_string() data-warnings=warnings.to_string() title=title>
                <span aria-hidden="true">{format!("✗ {errors} ⚠ {warnings}")}</span>
                <span class="visually-hidden">{label}</span>
            </span>
        }
    })
}

/// One item's statuses, one badge per runtime in memtomem's order:
/// `<span data-runtime="claude" data-status="in_sync">Claude ✓</span>`, read aloud as
/// "Claude: in sync". Nothing when no runtime has a row for it.
#[component]
pub fn RuntimeBadges(states: Vec<RuntimeState>) -> impl IntoView {
    let i18n = use_i18n();
    (!states.is_empty()).then(|| view! {
        <span class="runtime-badges" role="group" aria-label=i18n.t(Msg::SyncRuntimes)>
            {states
                .into_iter()
                .map(|state| {
                    let vendor = runtime_vendor(&state.runtime).to_owned();
                    let shown = runtime_name(&vendor).to_owned();
                    let status = state.status;
                    let title = {
                        let shown = shown.clone();
                        move || {
                            let lang = i18n.lang();
                            lang.format(Msg::SyncRuntimeState, &[("runtime", &shown), ("status", lang.text(status_msg(status)))])
                        }
                    };
                    view! {
                        <span class="runtime-badge" data-runtime=vendor data-label=state.runtime data-status=status_code(status) title=title>
                            {shown}
                            <span aria-hidden="true">{format!(" {}", status_mark(status))}</span>
                            <span class="visually-hidden">{move || format!(": {}", i18n.lang().text(status_msg(status)))}</span>
                        </span>
                    }
                })
                .collect_view()}
        </span>
    })
}

/// The list's buttons: disabled while `work` runs, then `on_done` (the list re-reads itself);
/// either may be gone by then (the row was re-rendered), which is fine.
fn run_busy(busy: RwSignal<bool>, on_done: Callback<()>, work: impl std::future::Future<Output = ()> + 'static) {
    busy.set(true);
    spawn_local(async move {
        work.await;
        let _ = busy.try_set(false);
        let _ = on_done.try_run(());
    });
}

/// "Sync" for one item of the list: syncs it, toasts the answer, then `on_done` (the list
/// re-reads its statuses).
#[component]
pub fn SyncButton(kind: ArtifactType, name: String, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let label = {
        let name = name.clone();
        move || i18n.lang().format(Msg::SyncLabel, &[("name", &name)])
    };
    let run = move |_| {
        let name = name.clone();
        run_busy(busy, on_done, async move {
            let result = sync_artifact(kind, name.clone()).await;
            announce_sync(i18n, toasts, &format!("\"{name}\""), &result);
        });
    };
    view! {
        <button type="button" class="sync-button" aria-label=label disabled=move || busy.get() on:click=run>
            {i18n.t(Msg::Sync)}
        </button>
    }
}

/// "Sync all" for one type section of the list.
#[component]
pub fn SyncAllButton(kind: ArtifactType, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let label = move || {
        let lang = i18n.lang();
        lang.format(Msg::SyncAllLabel, &[("kind", lang.text(type_msg(kind)))])
    };
    let run = move |_| {
        run_busy(busy, on_done, async move {
            let result = sync_artifacts(kind).await;
            announce_sync(i18n, toasts, i18n.lang().text(type_msg(kind)), &result);
        });
    };
    view! {
        <button type="button" class="sync-all" aria-label=label disabled=move || busy.get() on:click=run>
            {i18n.t(Msg::SyncAll)}
        </button>
    }
}

/// "Import" for an item only the runtimes have: brings it into `.memtomem/` (never over an
/// existing canonical), toasts the answer, then `on_done`.
#[component]
pub fn ImportButton(kind: ArtifactType, name: String, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let label = {
        let name = name.clone();
        move || i18n.lang().format(Msg::ImportLabel, &[("name", &name)])
    };
    let run = move |_| {
        let name = name.clone();
        run_busy(busy, on_done, async move {
            let result = import_artifact(kind, name.clone(), ImportRequest::default()).await;
            let lang = i18n.lang();
            match result {
                Ok(report) => {
                    let (kind, text) = import_toast(lang, &name, &report);
                    toasts.push(kind, text);
                }
                // Only export-only runtimes (Codex or Kimi agents) have it: nothing to import from.
                Err(ApiError::NotFound { .. }) => {
                    toasts.push(ToastKind::Warning, lang.format(Msg::ImportNothing, &[("name", &name)]))
                }
                Err(err) => toasts.push(
                    ToastKind::Error,
                    lang.format(Msg::ImportFailed, &[("name", &name), ("reason", &error_text(lang, &err))]),
                ),
            }
        });
    };
    view! {
        <button type="button" class="import-button" aria-label=label disabled=move || busy.get() on:click=run>
            {i18n.t(Msg::Import)}
        </button>
    }
}

/// A row of the list for an item only the runtimes have: its name (no editor to open), its
/// statuses, and "Import".
#[component]
pub fn RuntimeOnlyRow(
    kind: ArtifactType,
    name: String,
    states: Vec<RuntimeState>,
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li class="runtime-only" data-runtime-only="">
            <span class="artifact-name">{name.clone()}</span>
            <span class="runtime-only-note">{i18n.t(Msg::SyncRuntimeOnly)}</span>
            <RuntimeBadges states />
            <ImportButton kind name on_done />
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{GeneratedBody, ImportSkippedBody, ImportedBody, ReplacedBody, SkippedBody};

    fn report() -> SyncReportBody {
        SyncReportBody {
            generated: vec![
                GeneratedBody { runtime: "claude_agents".into(), path: ".claude/agents/rev.md".into() },
                GeneratedBody { runtime: "gemini_agents".into(), path: ".gemini/agents/rev.md".into() },
            ],
            dropped: vec![],
            skipped: vec![],
            replaced: vec![],
            not_loadable: vec![],
            canonical_root: "/p/.memtomem".into(),
        }
    }

    #[test]
    fn sync_toasts_say_what_was_written_replaced_and_skipped() {
        let (kind, text) = sync_toast(Lang::En, "\"rev\"", &report());
        assert_eq!(kind, ToastKind::Success);
        assert_eq!(text, "Synced \"rev\": 2 runtime target(s) up to date.");

        let mut mixed = report();
        mixed.replaced.push(ReplacedBody {
            runtime: "claude_agents".into(),
            path: ".claude/agents/rev.md".into(),
            history_id: crate::api::HistoryId::new(1, 0),
        });
        mixed.skipped.push(SkippedBody {
            runtime: "<all>".into(),
            reason: "no canonical agents".into(),
            reason_code: "no_canonical_root".into(),
        });
        mixed.skipped.push(SkippedBody {
            runtime: "kimi_agents".into(),
            reason: "cannot write .kimi/agents/rev.yaml".into(),
            reason_code: "write_failed".into(),
        });
        let (kind, text) = sync_toast(Lang::En, "Agents", &mixed);
        assert_eq!(kind, ToastKind::Warning);
        assert!(text.contains("1 runtime file(s) that differed were replaced (.claude/agents/rev.md)"), "{text}");
        assert!(text.contains("kept in History"), "{text}");
        assert!(
            text.ends_with("2 skipped: no canonical agents; kimi_agents: cannot write .kimi/agents/rev.yaml"),
            "{text}"
        );
        let (_, ko) = sync_toast(Lang::Ko, "에이전트", &mixed);
        assert!(ko.contains("기록"), "{ko}");

        let mut refused = report();
        refused.not_loadable.push(crate::api::types::NotLoadableBody {
            runtime: "codex_skills".into(),
            name: "My_Skill".into(),
            rules: vec!["skill-name-chars".into()],
        });
        let (kind, text) = sync_toast(Lang::En, "Skills", &refused);
        assert_eq!(kind, ToastKind::Warning);
        assert!(text.ends_with("Written, but not loadable: My_Skill (Codex)"), "{text}");
    }

    #[test]
    fn import_toasts_name_the_source_or_the_reason() {
        let mut report = ImportReportBody {
            imported: vec![ImportedBody {
                name: "doc".into(),
                canonical_path: ".memtomem/skills/doc".into(),
                source_runtime: Some("claude".into()),
                duplicate_candidates: vec!["claude".into()],
            }],
            skipped: vec![],
            replaced: vec![],
            canonical_root: "/p/.memtomem".into(),
        };
        assert_eq!(
            import_toast(Lang::En, "doc", &report),
            (ToastKind::Success, "Imported \"doc\" from Claude into .memtomem.".into())
        );
        report.imported.clear();
        report.skipped.push(ImportSkippedBody {
            name: "doc".into(),
            reason: "canonical exists".into(),
            reason_code: "canonical_exists".into(),
        });
        assert_eq!(import_toast(Lang::En, "doc", &report).1, "Did not import \"doc\": canonical exists");
        report.skipped.clear();
        assert_eq!(import_toast(Lang::En, "doc", &report).0, ToastKind::Warning);
    }
}
