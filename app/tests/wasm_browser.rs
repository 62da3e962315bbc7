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
