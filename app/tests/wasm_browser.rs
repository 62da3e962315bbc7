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
        base_mtime_ns: "1795840483405562614".into(),
        base_etag: "ab".repeat(32),
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
    let html = app::ui::editor::diff_html("title\nnew line\nsame\n", "title\nold line\nsame\n");
    assert_eq!(
        html,
        "<div class=\"diff-line\"> title</div><div class=\"diff-line diff-del\">-old line</div>\
         <div class=\"diff-line diff-add\">+new line</div><div class=\"diff-line\"> same</div>"
    );
    let rows = diff_lines("a\n", "b\n");
    assert_eq!((rows[0].tag.class(), rows[0].tag.prefix()), ("diff-del", "-"));
    assert_eq!((rows[1].tag.class(), rows[1].tag.prefix()), ("diff-add", "+"));
}
