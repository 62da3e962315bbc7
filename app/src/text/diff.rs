//! The line diff shown in the diff banner (docs/USING.md, "Editing, and what happens on a
//! conflict"): one row per line, tagged add / del / same.

use super::ops::DiffOp;
use std::time::Duration;

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

/// How long the diff may search for the smallest edit script before settling for a larger one
/// (two unrelated 10,000-line texts would otherwise take seconds).
const DIFF_DEADLINE: Duration = Duration::from_millis(200);

/// Lines of `disk` → `mine`: what the buffer adds (`+`) and what it drops from disk (`-`);
/// a replaced block lists its `-` lines before its `+` lines.
pub fn diff_lines(mine: &str, disk: &str) -> Vec<DiffLine> {
    let old: Vec<&str> = disk.split_inclusive('\n').collect();
    let new: Vec<&str> = mine.split_inclusive('\n').collect();
    let row = |tag, line: &str| DiffLine { tag, text: line.trim_end_matches(['\n', '\r']).to_owned() };
    let mut rows = Vec::with_capacity(old.len().max(new.len()));
    for op in super::ops::diff(&old, &new, Some(DIFF_DEADLINE)) {
        match op {
            DiffOp::Equal { new_index, len, .. } => {
                rows.extend(new[new_index..new_index + len].iter().map(|l| row(LineTag::Same, l)))
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                rows.extend(old[old_index..old_index + old_len].iter().map(|l| row(LineTag::Del, l)))
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                rows.extend(new[new_index..new_index + new_len].iter().map(|l| row(LineTag::Add, l)))
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                rows.extend(old[old_index..old_index + old_len].iter().map(|l| row(LineTag::Del, l)));
                rows.extend(new[new_index..new_index + new_len].iter().map(|l| row(LineTag::Add, l)));
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_identical_texts() {
        assert_eq!(diff_lines("", ""), vec![]);
        assert!(diff_lines("a\nb\n", "a\nb\n").iter().all(|r| r.tag == LineTag::Same));
        let rows = diff_lines("a\r\nb", "");
        assert_eq!(
            rows.iter().map(|r| (r.tag, r.text.as_str())).collect::<Vec<_>>(),
            [(LineTag::Add, "a"), (LineTag::Add, "b")]
        );
    }

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
