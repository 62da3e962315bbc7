//! The line diff shown in the diff banner (SPEC §6): one row per line, tagged add / del / same.

use similar::{ChangeTag, TextDiff};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineTag {
    /// Only in the buffer ("Your edits").
    Add,
    /// Only on disk ("Current on disk").
    Del,
    Same,
}

impl LineTag {
    /// CSS class of the row; unchanged lines have none.
    pub fn class(self) -> &'static str {
        match self {
            LineTag::Add => "diff-add",
            LineTag::Del => "diff-del",
            LineTag::Same => "",
        }
    }

    pub fn prefix(self) -> &'static str {
        match self {
            LineTag::Add => "+",
            LineTag::Del => "-",
            LineTag::Same => " ",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine {
    pub tag: LineTag,
    /// The line without its line ending.
    pub text: String,
}

/// Lines of `disk` → `mine`: what the buffer adds (`+`) and what it drops from disk (`-`).
pub fn diff_lines(mine: &str, disk: &str) -> Vec<DiffLine> {
    let diff = TextDiff::configure().timeout(std::time::Duration::from_millis(200)).diff_lines(disk, mine);
    diff.iter_all_changes()
        .map(|change| DiffLine {
            tag: match change.tag() {
                ChangeTag::Insert => LineTag::Add,
                ChangeTag::Delete => LineTag::Del,
                ChangeTag::Equal => LineTag::Same,
            },
            text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_pair() {
        let rows = diff_lines("a\nB\nc\nd\n", "a\nb\nc\n");
        let got: Vec<(LineTag, &str)> = rows.iter().map(|r| (r.tag, r.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (LineTag::Same, "a"),
                (LineTag::Del, "b"),
                (LineTag::Add, "B"),
                (LineTag::Same, "c"),
                (LineTag::Add, "d")
            ]
        );
        assert_eq!(LineTag::Add.class(), "diff-add");
        assert_eq!(LineTag::Del.prefix(), "-");
    }
}
