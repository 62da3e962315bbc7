//! `#ctx-checks`: what each runtime will refuse in the text being typed (docs/CHECKS.md), under
//! the textarea, and the plain sentence beside Save. Clicking a finding puts the caret on its
//! line.

use crate::api::{Diagnostic, Severity};
use crate::i18n::{Lang, Msg};
use crate::ui::i18n_ctx::use_i18n;
use crate::ui::words::{rule_msg, runtime_product};
use leptos::prelude::*;

/// The runtimes that will not load the text, by product name, in the table's order.
pub fn refusing(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        for runtime in &d.runtimes {
            let name = runtime_product(runtime);
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// A finding's text: the rule in the user's language; English adds the detail.
fn finding_text(lang: Lang, d: &Diagnostic) -> String {
    match (lang, rule_msg(&d.rule)) {
        (Lang::En, _) | (_, None) => d.message.clone(),
        (lang, Some(msg)) => lang.text(msg).to_owned(),
    }
}

/// The findings listed; a file with thousands of unknown keys must not become thousands of rows.
const SHOWN: usize = 200;

#[component]
pub fn ChecksPanel(diagnostics: Signal<Vec<Diagnostic>>, on_jump: Callback<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let counts = Memo::new(move |_| diagnostics.with(|ds| checks::counts(ds)));
    let heading = move || {
        let c = counts.get();
        if c.errors + c.warnings == 0 {
            i18n.lang().text(Msg::ChecksNone).to_owned()
        } else {
            i18n.lang()
                .format(Msg::ChecksCount, &[("errors", &c.errors.to_string()), ("warnings", &c.warnings.to_string())])
        }
    };
    let rows = move || {
        let lang = i18n.lang();
        diagnostics.with(|ds| {
            ds.iter()
                .take(SHOWN)
                .map(|d| {
                    let line = d.line;
                    let severity = match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    };
                    let who: Vec<&str> = d.runtimes.iter().map(|r| runtime_product(r)).collect();
                    let who = (!who.is_empty()).then(|| {
                        let msg = if d.severity == Severity::Error { Msg::ChecksNotLoadedBy } else { Msg::ChecksConcerns };
                        lang.format(msg, &[("runtimes", &who.join(", "))])
                    });
                    view! {
                        <li class=format!("finding {severity}") data-rule=d.rule.clone() data-line=line.to_string()>
                            <button type="button" class="finding-line" on:click=move |_| on_jump.run(line)>
                                {lang.format(Msg::ChecksLine, &[("line", &line.to_string())])}
                            </button>
                            <span class="finding-severity">
                                {lang.text(if d.severity == Severity::Error { Msg::ChecksError } else { Msg::ChecksWarning })}
                            </span>
                            <span class="finding-message">{finding_text(lang, d)}</span>
                            {who.map(|who| view! { <span class="finding-runtimes">{who}</span> })}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let more = move || {
        let hidden = diagnostics.with(Vec::len).saturating_sub(SHOWN);
        (hidden > 0).then(|| {
            view! { <p class="findings-more">{i18n.lang().format(Msg::ChecksMore, &[("count", &hidden.to_string())])}</p> }
        })
    };
    view! {
        <section id="ctx-checks" class="checks">
            // Only the counts are announced as they change, not every finding per keystroke.
            <h2 class="checks-heading" aria-live="polite" data-errors=move || counts.get().errors.to_string() data-warnings=move || counts.get().warnings.to_string()>
                {i18n.t(Msg::ChecksTitle)}": "{heading}
            </h2>
            <ol class="findings">{rows}</ol>
            {more}
        </section>
    }
}

/// Beside Save: which runtimes will not load the text, said plainly. Saving stays allowed.
#[component]
pub fn SaveWarning(diagnostics: Signal<Vec<Diagnostic>>) -> impl IntoView {
    let i18n = use_i18n();
    let refusers = Memo::new(move |_| diagnostics.with(|ds| refusing(ds).join(", ")));
    move || {
        let who = refusers.get();
        (!who.is_empty()).then(|| {
            view! {
                <span id="ctx-save-warning" class="save-warning">
                    {i18n.lang().format(Msg::ChecksSaveWarning, &[("runtimes", &who)])}
                </span>
            }
        })
    }
}

/// Puts the caret at the start of `line` (1-based) of the editor's textarea and scrolls to it.
pub fn jump_to_line(line: u32) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(area) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("editor-content"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        else {
            return;
        };
        let value = area.value();
        // Offsets in a textarea count UTF-16 code units.
        let mut offset = 0u32;
        let mut lines = 1u32;
        for ch in value.chars() {
            if lines >= line {
                break;
            }
            offset += u32::try_from(ch.len_utf16()).unwrap_or(1);
            if ch == '\n' {
                lines += 1;
            }
        }
        let _ = area.focus();
        let _ = area.set_selection_range(offset, offset);
        // Lines do not wrap (`wrap="off"`), so each is scroll_height / count tall.
        let total = i32::try_from(value.split('\n').count()).unwrap_or(1).max(1);
        let per_line = area.scroll_height() / total;
        let target = per_line * (i32::try_from(line).unwrap_or(1) - 1);
        area.set_scroll_top((target - area.client_height() / 3).max(0));
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = line;
    }
}
