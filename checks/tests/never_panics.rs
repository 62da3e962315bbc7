//! The checks run on every keystroke in the browser, where a panic kills the editor: no input
//! may make them panic, and every finding points inside the text.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use checks::{check, check_bytes};
use model::Kind;
use proptest::prelude::*;

/// Text built from the pieces frontmatter is made of, so the generator reaches the parser's
/// corners (fences, colons, quotes, flow brackets, tabs, CRLF, multibyte, BOM).
fn frontmatterish() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "---",
        "---  ",
        "  ---",
        "\n",
        "\r\n",
        "\t",
        " ",
        ": ",
        ":",
        "name",
        "description",
        "metadata",
        "tools",
        "- ",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "'",
        "|",
        ">",
        "#",
        "&a",
        "*a",
        "!!str",
        "é",
        "한",
        "\u{feff}",
        "x",
        "-",
        "1",
        "true",
        "~",
        ",",
    ]);
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

fn lines(text: &str) -> u32 {
    u32::try_from(text.split('\n').count()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn structured_text_never_panics(text in frontmatterish(), folder in "[a-zA-Z_.-]{1,8}") {
        for kind in Kind::ALL {
            for d in check(kind, &folder, &text) {
                prop_assert!(d.line >= 1 && d.line <= lines(&text).max(1), "{d:?} in {text:?}");
                prop_assert!(d.column >= 1, "{d:?}");
            }
        }
    }

    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for kind in Kind::ALL {
            let _ = check_bytes(kind, "x", &bytes);
        }
    }
}

#[test]
fn deep_nesting_and_big_files_finish() {
    let deep = format!("---\nname: x\nmetadata: {}{}\n---\n", "[".repeat(5000), "]".repeat(5000));
    let _ = check(Kind::Skills, "x", &deep);
    // Block nesting has no limit in the parser: the tree must not be built (or dropped) that deep.
    let block = format!("---\nname: x\ndescription: y\nmetadata:\n{}x\n---\n", "- ".repeat(200_000));
    let found = check(Kind::Skills, "x", &block);
    assert!(found.iter().any(|d| d.rule == "frontmatter-yaml"), "{found:?}");
    // Many keys: linear, not quadratic (50,000 keys took minutes at n²).
    let keys: String = (0..50_000).map(|i| format!("k{i}: 1\n")).collect();
    for kind in Kind::ALL {
        let _ = check(kind, "x", &format!("---\nname: x\ndescription: y\n{keys}---\n"));
    }
    let big = format!("---\nname: x\ndescription: y\n---\n{}", "line of text\n".repeat(200_000));
    let found = check(Kind::Skills, "x", &big);
    assert!(found.iter().any(|d| d.rule == "skill-body-length"));
}
