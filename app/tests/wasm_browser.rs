//! Browser unit tests, run in headless Chromium by wasm-bindgen-test-runner.
#![cfg(target_arch = "wasm32")]

use app::text::{diff_lines, LineTag};
use gloo_storage::{SessionStorage, Storage};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn session_storage_round_trip() {
    SessionStorage::clear();
    SessionStorage::set("ctxgate:test", vec!["a".to_owned(), "한국어".to_owned()]).unwrap();
    let back: Vec<String> = SessionStorage::get("ctxgate:test").unwrap();
    assert_eq!(back, ["a", "한국어"]);
    SessionStorage::delete("ctxgate:test");
    assert!(SessionStorage::get::<Vec<String>>("ctxgate:test").is_err());
}

#[wasm_bindgen_test]
fn line_diff_runs_in_the_browser() {
    let rows = diff_lines("keep\nmine\n", "keep\ntheirs\n");
    let tags: Vec<_> = rows.iter().map(|r| (r.tag, r.text.as_str())).collect();
    assert_eq!(tags, [(LineTag::Same, "keep"), (LineTag::Del, "theirs"), (LineTag::Add, "mine")]);
}

/// `eol::restore` diffs with a deadline: std's clock panics in the browser, so it must use web-time's.
#[wasm_bindgen_test]
fn line_endings_are_restored_in_the_browser() {
    use app::text::eol::{restore, to_lf};
    let file = "one\r\ntwo\nthree\rfour";
    assert_eq!(restore(file, &to_lf(file)), file);
    assert_eq!(restore(file, "one\ntwo!\nthree\nfour"), "one\r\ntwo!\nthree\rfour");
}

#[wasm_bindgen_test]
fn three_way_merge_runs_in_the_browser() {
    use app::text::merge::{merge3, MergeLabels};
    let base = "one two three\nkeep\n";
    let merged = merge3(base, "one 2 three\nkeep\n", "one two 3\nkeep\n", &MergeLabels::default());
    assert_eq!(merged.conflicts, 0);
    assert_eq!(merged.text, "one 2 3\nkeep\n");
    let conflict = merge3(base, "one 2 three\nkeep\n", "one II three\nkeep\n", &MergeLabels::default());
    assert_eq!(conflict.conflicts, 1);
    assert_eq!(
        conflict.text,
        "<<<<<<< mine\none 2 three\n||||||| base\none two three\n=======\none II three\n>>>>>>> disk\nkeep\n"
    );
}

fn sample_draft() -> app::text::draft::Draft {
    app::text::draft::Draft {
        content: "mine\n".into(),
        base_content: "base\n".into(),
        base_mtime_ns: app::api::MtimeNs(1_795_840_483_405_562_614),
        base_etag: app::api::Etag::parse(&"ab".repeat(32)).unwrap(),
        saved_at: "2026-11-28T04:00:00.000Z".into(),
    }
}

#[wasm_bindgen_test]
fn draft_store_write_read_remove_with_the_spec_key_and_shape() {
    use app::ui::draft::DraftStore;
    SessionStorage::clear();
    let store = DraftStore::new("0123456789ab", "skills", "demo");
    assert_eq!(store.key(), "ctxgate:draft:0123456789ab:skills:demo");
    assert!(store.save(&sample_draft()));
    // the raw JSON has exactly the documented fields
    let raw: serde_json::Value = SessionStorage::get(store.key()).unwrap();
    let mut keys: Vec<_> = raw.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["base_content", "base_etag", "base_mtime_ns", "content", "saved_at"]);
    assert_eq!(raw["base_mtime_ns"], "1795840483405562614");
    assert_eq!(store.load(), Some(sample_draft()));
    // another project or artifact never sees it
    assert_eq!(DraftStore::new("ffffffffffff", "skills", "demo").load(), None);
    assert_eq!(DraftStore::new("0123456789ab", "agents", "demo").load(), None);
    store.remove();
    assert_eq!(store.load(), None);
}

#[wasm_bindgen_test]
fn corrupt_or_foreign_storage_entries_are_ignored_without_panic() {
    use app::ui::draft::DraftStore;
    let store = DraftStore::new("0123456789ab", "skills", "corrupt");
    let storage = web_sys::window().unwrap().session_storage().unwrap().unwrap();
    for raw in [
        "",
        "not json",
        "null",
        "[1,2]",
        "{\"content\":5}",
        "{\"content\":\"x\",\"base_content\":\"\",\"base_mtime_ns\":\"12a\",\"base_etag\":\"x\",\"saved_at\":\"\"}",
    ] {
        storage.set_item(store.key(), raw).unwrap();
        assert_eq!(store.load(), None, "{raw}");
    }
    store.remove();
}

#[wasm_bindgen_test]
fn diff_banner_rows_have_classes_and_prefixes() {
    let html = app::text::html::diff_html("title\nnew line\nsame\n", "title\nold line\nsame\n");
    assert_eq!(
        html,
        "<div class=\"diff-line\"> title</div><div class=\"diff-line diff-del\">-old line</div>\
         <div class=\"diff-line diff-add\">+new line</div><div class=\"diff-line\"> same</div>"
    );
    let rows = diff_lines("a\n", "b\n");
    assert_eq!((rows[0].tag.class(), rows[0].tag.prefix()), ("diff-del", "-"));
    assert_eq!((rows[1].tag.class(), rows[1].tag.prefix()), ("diff-add", "+"));
}

// ---- Merge in the conflict dialog (docs/DECISIONS.md, "Merge in the conflict dialog") ----

/// A document where the two sides edit far apart (clean) or the same words (conflicts).
const MERGE_BASE: &str = "# Review\n\nCheck the diff.\nRun the tests.\n\nBe kind.\n";

#[wasm_bindgen_test]
fn dialog_merge_outcome_counts_conflicts_in_the_browser() {
    use app::text::merge::merge_outcome;
    let mine = MERGE_BASE.replace("# Review", "# Code review");
    let theirs = MERGE_BASE.replace("Be kind.", "Be kind and specific.");
    assert_eq!(merge_outcome(MERGE_BASE, &mine, &theirs), 0);
    let theirs_too = theirs.replace("# Review", "# Careful review");
    assert_eq!(merge_outcome(MERGE_BASE, &mine, &theirs_too), 1);
    let mine_two = mine.replace("Run the tests.", "Run all tests.");
    let theirs_two = theirs_too.replace("Run the tests.", "Run no tests.");
    assert_eq!(merge_outcome(MERGE_BASE, &mine_two, &theirs_two), 2);
}

#[wasm_bindgen_test]
fn merge_panel_result_is_the_clean_parts_plus_the_chosen_sides() {
    use app::text::merge::{merge3_parts, Choice, MergePart};
    use app::ui::editor::merge_panel::merge_result;
    let mine = MERGE_BASE.replace("# Review", "# Code review").replace("Be kind.", "Be kind and specific.");
    let theirs = MERGE_BASE.replace("# Review", "# Careful review").replace("Check the diff.", "Check the whole diff.");
    let parts = merge3_parts(MERGE_BASE, &mine, &theirs);
    assert_eq!(
        parts[0],
        MergePart::Conflict {
            mine: "# Code review\n".into(),
            base: "# Review\n".into(),
            theirs: "# Careful review\n".into(),
        }
    );
    let tail = "\nCheck the whole diff.\nRun the tests.\n\nBe kind and specific.\n";
    assert_eq!(merge_result(&parts, &[Some(Choice::Disk)]), Some(format!("# Careful review\n{tail}")));
    assert_eq!(merge_result(&parts, &[Some(Choice::Both)]), Some(format!("# Code review\n# Careful review\n{tail}")));
    assert_eq!(merge_result(&parts, &[None]), None);
}

#[wasm_bindgen_test]
fn conflict_panes_mark_the_differing_lines() {
    let (mine, disk) = app::text::html::pane_html("same\nmine <b>\n", "same\ndisk\n");
    assert!(mine.contains("<span class=\"pane-line diff-add\">mine &lt;b&gt;\n</span>"), "{mine}");
    assert!(disk.contains("<span class=\"pane-line diff-del\">disk\n</span>"), "{disk}");
    assert!(!mine.contains("diff-del") && !disk.contains("diff-add"));
}

/// A fresh element in the page to mount a component into.
fn mount_point() -> web_sys::HtmlElement {
    use wasm_bindgen::JsCast;
    let document = web_sys::window().unwrap().document().unwrap();
    let el = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&el).unwrap();
    el.dyn_into().unwrap()
}

/// Lets Leptos run its effects and apply DOM updates.
async fn settle() {
    for _ in 0..8 {
        leptos::task::tick().await;
    }
}

fn click(root: &web_sys::Element, selector: &str) {
    use wasm_bindgen::JsCast;
    root.query_selector(selector).unwrap().unwrap().dyn_into::<web_sys::HtmlElement>().unwrap().click();
}

#[wasm_bindgen_test]
async fn merge_panel_decides_counts_and_applies() {
    use app::text::merge::{merge3_parts, MergePart};
    use app::ui::editor::merge_panel::MergePanel;
    use leptos::prelude::*;
    // The same word changed two ways in two places: two conflicts (different words of one line
    // would merge cleanly: docs/DECISIONS.md, "Three-way merge").
    let mine = MERGE_BASE.replace("# Review", "# Code review").replace("Be kind.", "Be patient.");
    let theirs = MERGE_BASE.replace("# Review", "# Careful review").replace("Be kind.", "Be brief.");
    let parts = RwSignal::new(Some(merge3_parts(MERGE_BASE, &mine, &theirs)));
    let applied = RwSignal::new(None::<String>);
    let cancelled = RwSignal::new(false);
    let root = mount_point();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <MergePanel
                parts=Signal::from(parts)
                on_apply=Callback::new(move |text| applied.set(Some(text)))
                on_cancel=Callback::new(move |()| cancelled.set(true))
            />
        }
    });
    settle().await;
    let panel = root.query_selector("section#ctx-merge").unwrap().expect("panel shown");
    assert_eq!(panel.get_attribute("aria-label").as_deref(), Some("Merge"));
    assert_eq!(panel.query_selector_all(".merge-conflict").unwrap().length(), 2);
    let progress = || panel.query_selector(".merge-progress").unwrap().unwrap().text_content().unwrap_or_default();
    assert_eq!(progress(), "0 of 2 resolved");
    let apply = panel.query_selector(".merge-actions button.primary").unwrap().unwrap();
    assert!(apply.has_attribute("disabled"));
    // Each block offers "Use mine", "Use disk", "Use both", none pressed yet.
    let first = panel.query_selector(".merge-conflict:nth-child(1)").unwrap().unwrap();
    let labels: Vec<String> = (0..3)
        .map(|i| first.query_selector_all("button").unwrap().item(i).unwrap().text_content().unwrap_or_default())
        .collect();
    assert_eq!(labels, ["Use mine", "Use disk", "Use both"]);
    assert!(first.query_selector("details.merge-original summary").unwrap().is_some());

    click(&panel, ".merge-conflict:nth-child(1) .merge-choices button:nth-child(2)");
    settle().await;
    assert_eq!(progress(), "1 of 2 resolved");
    assert_eq!(
        first.query_selector("button[aria-pressed=\"true\"]").unwrap().unwrap().text_content().unwrap(),
        "Use disk"
    );
    assert!(apply.has_attribute("disabled"));
    click(&panel, ".merge-conflict:nth-child(2) .merge-choices button:nth-child(3)");
    settle().await;
    assert_eq!(progress(), "2 of 2 resolved");
    assert!(!apply.has_attribute("disabled"));
    click(&panel, ".merge-actions button.primary");
    settle().await;
    assert_eq!(
        applied.get_untracked().as_deref(),
        Some("# Careful review\n\nCheck the diff.\nRun the tests.\n\nBe patient.\nBe brief.\n")
    );
    click(&panel, ".merge-actions button:not(.primary)");
    settle().await;
    assert!(cancelled.get_untracked());

    // Closing hides the panel; a new merge starts undecided.
    parts.set(None);
    settle().await;
    assert!(root.query_selector("#ctx-merge").unwrap().is_none());
    parts.set(Some(vec![MergePart::Conflict { mine: "a\n".into(), base: "b\n".into(), theirs: "".into() }]));
    settle().await;
    let panel = root.query_selector("#ctx-merge").unwrap().unwrap();
    assert_eq!(panel.query_selector(".merge-progress").unwrap().unwrap().text_content().unwrap(), "0 of 1 resolved");
    // A side that deleted the lines says so.
    assert!(panel.query_selector(".merge-empty").unwrap().is_some());
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn conflict_dialog_offers_merge_second_and_says_the_outcome() {
    use app::ui::editor::conflict::{ConflictDialog, ConflictView};
    use leptos::prelude::*;
    let open = RwSignal::new(true);
    let conflicts = RwSignal::new(Some(0usize));
    let merged = RwSignal::new(0u32);
    let texts = RwSignal::new(ConflictView { mine: "a\nmine\n".into(), disk: "a\ndisk\n".into() });
    let root = mount_point();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let nothing = Callback::new(|()| {});
        view! {
            <ConflictDialog
                open=Signal::from(open)
                texts=Signal::from(texts)
                on_reload=nothing
                on_diff=nothing
                on_force=nothing
                on_dismiss=nothing
                merge_conflicts=conflicts
                on_merge=Callback::new(move |()| merged.update(|n| *n += 1))
            />
        }
    });
    settle().await;
    let dialog = root.query_selector("#ctx-conflict-modal").unwrap().unwrap();
    let buttons = dialog.query_selector_all(".dialog-actions button").unwrap();
    let names: Vec<String> = (0..buttons.length()).map(|i| buttons.item(i).unwrap().text_content().unwrap()).collect();
    assert_eq!(names, ["Reload (discard my edits)", "Merge", "Open diff editor", "Force save (overwrite)"]);
    let outcome = dialog.query_selector("[data-merge-conflicts]").unwrap().unwrap();
    assert_eq!(outcome.get_attribute("data-merge-conflicts").as_deref(), Some("0"));
    assert_eq!(outcome.text_content().unwrap(), "Your edits and the changes on disk can be merged automatically.");
    assert!(dialog.query_selector("#ctx-pane-mine + pre .diff-add").unwrap().is_some());
    assert!(dialog.query_selector("pre[aria-labelledby=\"ctx-pane-disk\"] .diff-del").unwrap().is_some());
    click(&dialog, ".dialog-actions button:nth-child(2)");
    settle().await;
    assert_eq!(merged.get_untracked(), 1);

    conflicts.set(Some(3));
    settle().await;
    let outcome = dialog.query_selector("[data-merge-conflicts]").unwrap().unwrap();
    assert_eq!(outcome.get_attribute("data-merge-conflicts").as_deref(), Some("3"));
    assert_eq!(outcome.text_content().unwrap(), "Merging leaves 3 conflicting part(s) for you to decide.");

    // No base: Merge is disabled and says why.
    conflicts.set(None);
    settle().await;
    let merge = buttons.item(1).unwrap().dyn_into_element();
    assert!(merge.has_attribute("disabled"));
    assert_eq!(merge.get_attribute("title").as_deref(), Some("The original version is not available"));
    assert!(dialog.query_selector("[data-merge-conflicts]").unwrap().is_none());
    open.set(false);
    settle().await;
    drop(handle);
    root.remove();
}

trait IntoElement {
    fn dyn_into_element(self) -> web_sys::Element;
}

impl IntoElement for web_sys::Node {
    fn dyn_into_element(self) -> web_sys::Element {
        use wasm_bindgen::JsCast;
        self.dyn_into().unwrap()
    }
}

/// Why a file with a NUL opens read-only (`ReadOnlyEditor`, `docs/DECISIONS.md`): the HTML
/// parser turns it into U+FFFD, raw or as `&#0;`, so the server-rendered textarea cannot hold
/// it; the `␀` the read-only view shows instead survives unchanged.
#[wasm_bindgen_test]
fn a_textarea_cannot_hold_a_nul_from_html() {
    use wasm_bindgen::JsCast;
    let document = web_sys::window().unwrap().document().unwrap();
    let holder = document.create_element("div").unwrap();
    for markup in ["<textarea>a\u{0}b</textarea>", "<textarea>a&#0;b</textarea>", "<textarea>a\u{2400}b</textarea>"] {
        holder.set_inner_html(markup);
        let textarea: web_sys::HtmlTextAreaElement = holder.first_element_child().unwrap().dyn_into().unwrap();
        let expected = if markup.contains('\u{2400}') { "a\u{2400}b" } else { "a\u{FFFD}b" };
        assert_eq!(textarea.value(), expected, "{markup:?}");
    }
}
