//! The one diff every text feature runs (diff banner, line endings, merge): Myers over interned
//! ids. `similar`'s algorithms are generic, and each element type and hook they are called with is
//! compiled again into the wasm; through one door they are compiled once (the merge used to link
//! Myers 26 times plus four other algorithms through `TextMerge`).

use std::collections::HashMap;
use std::ops::Range;
use std::time::Duration;

use similar::algorithms::{myers, Capture, Compact, Replace};
pub use similar::DiffOp;

// The Instant `similar` expects: web-time's in the browser (std's panics there), std's natively.
#[cfg(feature = "hydrate")]
use similar::Instant;
#[cfg(not(feature = "hydrate"))]
use std::time::Instant;

/// The edit script `old` → `new` (elements compared as strings), as `similar::capture_diff`
/// makes it: runs of changes slid together where equal elements allow (compaction), a delete
/// followed by an insert reported as one `Replace`. Past `deadline` Myers settles for a larger
/// script.
pub fn diff<'a>(old: &[&'a str], new: &[&'a str], deadline: Option<Duration>) -> Vec<DiffOp> {
    let mut ids: HashMap<&'a str, usize> = HashMap::with_capacity(old.len() + new.len());
    let mut intern = |s: &&'a str| {
        let next = ids.len();
        *ids.entry(*s).or_insert(next)
    };
    let a: Vec<usize> = old.iter().map(&mut intern).collect();
    let b: Vec<usize> = new.iter().map(&mut intern).collect();
    let mut hook = Compact::new(Replace::new(Capture::new()), &a, &b);
    let deadline = deadline.map(|d| Instant::now() + d);
    // The hook never fails (it only records).
    let _ = myers::diff_deadline(&mut hook, &a, 0..a.len(), &b, 0..b.len(), deadline);
    hook.into_inner().into_inner().into_ops()
}

/// One side's change: `base` elements replaced by `side` elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub base: Range<usize>,
    pub side: Range<usize>,
}

/// The changes base→side, adjacent ops joined into one edit.
pub fn edits<'a>(base: &[&'a str], side: &[&'a str]) -> Vec<Edit> {
    let mut out: Vec<Edit> = Vec::new();
    for op in diff(base, side, None) {
        if matches!(op, DiffOp::Equal { .. }) {
            continue;
        }
        let (b, s) = (op.old_range(), op.new_range());
        match out.last_mut() {
            Some(last) if last.base.end == b.start && last.side.end == s.start => {
                last.base.end = b.end;
                last.side.end = s.end;
            }
            _ => out.push(Edit { base: b, side: s }),
        }
    }
    out
}

/// A stretch of base that one or both sides changed, with what each changed it to (`None`: that
/// side left it alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub base: Range<usize>,
    pub mine: Option<Range<usize>>,
    pub theirs: Option<Range<usize>>,
}

/// diff3's alignment: the edits of both sides in base order, where edits of the two sides that
/// overlap or merely touch (share a base element, insert at one spot, or insert at the edge of
/// the other's replacement) form one change, as xdiff and git do.
pub fn changes(me: &[Edit], te: &[Edit]) -> Vec<Change> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    loop {
        let start = match (me.get(i), te.get(j)) {
            (None, None) => break,
            (Some(m), None) => m.base.start,
            (None, Some(t)) => t.base.start,
            (Some(m), Some(t)) => m.base.start.min(t.base.start),
        };
        // Grow the change while the next edit of either side starts inside it or right at its end.
        let (i0, j0) = (i, j);
        let mut end = start;
        loop {
            if let Some(m) = me.get(i).filter(|m| m.base.start <= end) {
                end = end.max(m.base.end);
                i += 1;
            } else if let Some(t) = te.get(j).filter(|t| t.base.start <= end) {
                end = end.max(t.base.end);
                j += 1;
            } else {
                break;
            }
        }
        let base = start..end;
        out.push(Change { mine: side_span(&me[i0..i], &base), theirs: side_span(&te[j0..j], &base), base });
    }
    out
}

/// Where the base stretch `span` lies in a side, given that side's edits inside it.
fn side_span(edits: &[Edit], span: &Range<usize>) -> Option<Range<usize>> {
    let (first, last) = (edits.first()?, edits.last()?);
    Some(first.side.start - (first.base.start - span.start)..last.side.end + (span.end - last.base.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_joins_a_delete_and_its_insert() {
        let ops = diff(&["a", "b", "c"], &["a", "B", "c", "d"], None);
        assert_eq!(
            ops.iter().map(|op| (op.old_range(), op.new_range())).collect::<Vec<_>>(),
            [(0..1, 0..1), (1..2, 1..2), (2..3, 2..3), (3..3, 3..4)]
        );
        assert!(matches!(ops[1], DiffOp::Replace { .. }));
    }

    #[test]
    fn touching_edits_of_both_sides_are_one_change() {
        let base = ["a", "b", "c", "d", "e"];
        let me = edits(&base, &["a", "B", "c", "d", "e"]);
        let te = edits(&base, &["a", "b", "C", "d", "E"]);
        assert_eq!(
            changes(&me, &te),
            [
                Change { base: 1..3, mine: Some(1..3), theirs: Some(1..3) },
                Change { base: 4..5, mine: None, theirs: Some(4..5) },
            ]
        );
    }
}
