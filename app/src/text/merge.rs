//! Three-way merge of a stale save (docs/DECISIONS.md, "Three-way merge"): `base` is what the editor
//! loaded, `mine` the buffer, `theirs` the file on disk now. Lines are merged first (diff3); a region that
//! both sides changed in place is merged again line by line, word by word, and whatever still overlaps
//! becomes a diff3-style conflict block. Pure logic: no IO, no threads, no clock, so it runs in the browser
//! too.

use super::ops::{changes, edits};

/// Names written after the conflict markers.
#[derive(Debug, Clone, Copy)]
pub struct MergeLabels<'a> {
    pub mine: &'a str,
    pub base: &'a str,
    pub theirs: &'a str,
}

impl Default for MergeLabels<'static> {
    fn default() -> Self {
        MergeLabels { mine: "mine", base: "base", theirs: "disk" }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeResult {
    /// The merged text, with conflict blocks where the sides could not be combined.
    pub text: String,
    /// Number of conflict blocks in `text`.
    pub conflicts: usize,
}

impl MergeResult {
    pub fn is_clean(&self) -> bool {
        self.conflicts == 0
    }
}

/// One stretch of a merge: text both sides agree on (or that only one side changed), or a conflict
/// the user has to decide. Each side keeps its own line endings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergePart {
    Clean(String),
    Conflict { mine: String, base: String, theirs: String },
}

/// How the user settles one conflict in the merge panel (docs/DECISIONS.md, "Merge in the conflict dialog").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Mine,
    Disk,
    /// Mine first, then disk.
    Both,
}

/// Merges the changes base→mine and base→theirs.
pub fn merge3(base: &str, mine: &str, theirs: &str, labels: &MergeLabels) -> MergeResult {
    let parts = merge3_parts(base, mine, theirs);
    render(&parts, labels, marker_eol([mine, theirs, base]))
}

/// The merge of `merge3` as parts, so a UI can show each conflict and let the user decide it;
/// adjacent clean stretches are joined, so parts alternate between clean text and conflicts.
pub fn merge3_parts(base: &str, mine: &str, theirs: &str) -> Vec<MergePart> {
    let (b, m, t) = (lines(base), lines(mine), lines(theirs));
    let mut parts = Vec::new();
    let mut clean = String::with_capacity(mine.len().max(theirs.len()));
    // Base and mine lines consumed so far; unchanged stretches are copied from mine.
    let (mut base_done, mut mine_done) = (0, 0);
    for change in changes(&edits(&b, &m), &edits(&b, &t)) {
        let unchanged = change.base.start - base_done;
        clean.extend(m[mine_done..mine_done + unchanged].iter().copied());
        mine_done += unchanged;
        base_done = change.base.end;
        match (change.mine, change.theirs) {
            (Some(mr), Some(tr)) if m[mr.clone()] != t[tr.clone()] => {
                mine_done = mr.end;
                let (base_part, mine_part, theirs_part) = (&b[change.base], &m[mr], &t[tr]);
                match merge_lines(base_part, mine_part, theirs_part) {
                    Some(merged) => clean.push_str(&merged),
                    None => {
                        if !clean.is_empty() {
                            parts.push(MergePart::Clean(std::mem::take(&mut clean)));
                        }
                        parts.push(MergePart::Conflict {
                            mine: mine_part.concat(),
                            base: base_part.concat(),
                            theirs: theirs_part.concat(),
                        });
                    }
                }
            }
            // Changed only in mine, or identically on both sides.
            (Some(mr), _) => {
                clean.extend(m[mr.clone()].iter().copied());
                mine_done = mr.end;
            }
            (None, Some(tr)) => {
                clean.extend(t[tr].iter().copied());
                mine_done += change.base.len();
            }
            (None, None) => {}
        }
    }
    clean.extend(m[mine_done..].iter().copied());
    if !clean.is_empty() {
        parts.push(MergePart::Clean(clean));
    }
    parts
}

/// Lines with their endings attached; `\r\n`, `\n` and a lone `\r` each end a line.
fn lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 32 + 1);
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let end = match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            b'\r' | b'\n' => i + 1,
            _ => {
                i += 1;
                continue;
            }
        };
        out.push(&text[start..end]);
        (start, i) = (end, end);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The number of conflicts the merge of these three texts leaves (what the conflict dialog says).
pub fn merge_outcome(base: &str, mine: &str, theirs: &str) -> usize {
    conflict_count(&merge3_parts(base, mine, theirs))
}

pub fn conflict_count(parts: &[MergePart]) -> usize {
    parts.iter().filter(|p| matches!(p, MergePart::Conflict { .. })).count()
}

/// The parts as one text, each conflict written as a diff3 block with `eol` after the markers.
pub fn render(parts: &[MergePart], labels: &MergeLabels, eol: &str) -> MergeResult {
    let mut text = String::with_capacity(parts.iter().map(part_len).sum());
    let mut conflicts = 0;
    for part in parts {
        match part {
            MergePart::Clean(clean) => text.push_str(clean),
            MergePart::Conflict { mine, base, theirs } => {
                conflicts += 1;
                push_conflict(&mut text, [mine, base, theirs], labels, eol);
            }
        }
    }
    MergeResult { text, conflicts }
}

/// The merged text with conflict `i` settled by `choices[i]`; `None` while any conflict is
/// undecided (or `choices` is short). The clean parts are kept as they are.
pub fn resolve(parts: &[MergePart], choices: &[Option<Choice>]) -> Option<String> {
    let mut out = String::with_capacity(parts.iter().map(part_len).sum());
    let mut choices = choices.iter();
    // Only the file's last line can lack its ending; a piece put after such a line first gets
    // the ending of the block it came from, so no two lines are glued together.
    let mut eol = "\n";
    for part in parts {
        match part {
            MergePart::Clean(clean) => push_piece(&mut out, clean, eol),
            MergePart::Conflict { mine, base, theirs } => {
                eol = marker_eol([mine, theirs, base]);
                match (*choices.next()?)? {
                    Choice::Mine => push_piece(&mut out, mine, eol),
                    Choice::Disk => push_piece(&mut out, theirs, eol),
                    Choice::Both => {
                        push_piece(&mut out, mine, eol);
                        push_piece(&mut out, theirs, eol);
                    }
                }
            }
        }
    }
    Some(out)
}

fn part_len(part: &MergePart) -> usize {
    match part {
        MergePart::Clean(clean) => clean.len(),
        MergePart::Conflict { mine, base, theirs } => mine.len() + base.len() + theirs.len() + 64,
    }
}

/// Appends `piece`, first ending the text so far with `eol` if its last line is unterminated.
fn push_piece(out: &mut String, piece: &str, eol: &str) {
    if !piece.is_empty() && !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str(piece);
}

/// Splits `text` into word-level tokens: a maximal run of letters, a maximal run of digits, or any other
/// single character (punctuation, each whitespace character, each line-ending character).
pub fn tokens(text: &str) -> Vec<&str> {
    #[derive(PartialEq)]
    enum Class {
        Letter,
        Digit,
        Other,
    }
    let class = |c: char| {
        if c.is_alphabetic() {
            Class::Letter
        } else if c.is_numeric() {
            Class::Digit
        } else {
            Class::Other
        }
    };
    let mut out = Vec::with_capacity(text.len() / 3 + 1);
    let mut start = 0;
    let mut current: Option<Class> = None;
    for (at, c) in text.char_indices() {
        let this = class(c);
        if this != Class::Other && current.as_ref() == Some(&this) {
            continue;
        }
        if at > start {
            out.push(&text[start..at]);
        }
        start = at;
        current = Some(this);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Marker lines follow the file's line-ending style: mine decides, the others only if mine has no newline.
fn marker_eol(texts: [&str; 3]) -> &'static str {
    for text in texts {
        if let Some(at) = text.find('\n') {
            return if text[..at].ends_with('\r') { "\r\n" } else { "\n" };
        }
    }
    "\n"
}

/// Writes one diff3 block; a side whose last line has no newline gets one so markers stay on their own lines.
fn push_conflict(out: &mut String, [mine, base, theirs]: [&str; 3], labels: &MergeLabels, eol: &str) {
    let end_line = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(eol);
        }
    };
    let marker = |out: &mut String, sign: &str, label: &str| {
        out.push_str(sign);
        if !label.is_empty() {
            out.push(' ');
            // A newline in a label would forge content lines.
            out.push_str(&label.replace(['\r', '\n'], " "));
        }
        out.push_str(eol);
    };
    end_line(out);
    marker(out, "<<<<<<<", labels.mine);
    out.push_str(mine);
    end_line(out);
    marker(out, "|||||||", labels.base);
    out.push_str(base);
    end_line(out);
    marker(out, "=======", "");
    out.push_str(theirs);
    end_line(out);
    marker(out, ">>>>>>>", labels.theirs);
}

/// Whether line k of `side` is line k of `base`, edited or not: as many lines, and pairing them by position
/// keeps as many lines unchanged as the line diff does. Otherwise a line was added or removed: one above and
/// one below also keep the count but shift the lines between them, which the diff sees as kept lines that
/// moved. Among equally good alignments (repeated lines such as fences) the positional one is as valid.
fn pairs_in_place(base: &[&str], side: &[&str]) -> bool {
    if side.len() != base.len() {
        return false;
    }
    let positional = base.iter().zip(side).filter(|(b, s)| b == s).count();
    let kept = base.len() - edits(base, side).iter().map(|e| e.base.len()).sum::<usize>();
    positional >= kept
}

/// Merges a line region both sides changed, line by line and word by word within each line; `None` means
/// a conflict. Word edits must land on the line they were made on (docs/DECISIONS.md, "Three-way merge"),
/// so the three versions must pair up line by line (`pairs_in_place`). Where a side adds or removes
/// lines, a word diff is free to align the new line with parts of its neighbours (`- [ ] lint code` added
/// above `- [ ] run tests` shares `- [ ] `) and so carry the other side's edit onto it: that stays a
/// conflict.
fn merge_lines(base: &[&str], mine: &[&str], theirs: &[&str]) -> Option<String> {
    if !pairs_in_place(base, mine) || !pairs_in_place(base, theirs) {
        return None;
    }
    let mut out = String::with_capacity(mine.iter().map(|l| l.len()).sum());
    for ((b, m), t) in base.iter().zip(mine).zip(theirs) {
        out.push_str(&merge_words(b, m, t)?);
    }
    Some(out)
}

/// Word-level diff3 of one line. Changes of the two sides that overlap or merely touch (share a base token,
/// insert at the same spot, or insert at the edge of the other's replacement) are only accepted when
/// identical; `None` means a real conflict.
fn merge_words(base: &str, mine: &str, theirs: &str) -> Option<String> {
    let (bt, mt, tt) = (tokens(base), tokens(mine), tokens(theirs));
    let mut out = String::with_capacity(mine.len().max(theirs.len()));
    let mut done = 0;
    for change in changes(&edits(&bt, &mt), &edits(&bt, &tt)) {
        out.extend(bt[done..change.base.start].iter().copied());
        match (change.mine, change.theirs) {
            (Some(m), None) => out.extend(mt[m].iter().copied()),
            (None, Some(t)) => out.extend(tt[t].iter().copied()),
            (Some(m), Some(t)) if mt[m.clone()] == tt[t.clone()] => out.extend(mt[m].iter().copied()),
            _ => return None,
        }
        done = change.base.end;
    }
    out.extend(bt[done..].iter().copied());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn merge(base: &str, mine: &str, theirs: &str) -> MergeResult {
        merge3(base, mine, theirs, &MergeLabels::default())
    }

    fn clean(text: &str) -> MergeResult {
        MergeResult { text: text.to_owned(), conflicts: 0 }
    }

    fn conflicted(text: &str, conflicts: usize) -> MergeResult {
        MergeResult { text: text.to_owned(), conflicts }
    }

    const DOC: &str = "# Review\n\nCheck the diff.\nRun the tests.\nWrite a summary.\n\nBe kind.\n";

    #[test]
    fn tokens_follow_the_rule() {
        assert_eq!(tokens("a_b"), ["a", "_", "b"]);
        assert_eq!(tokens("fastapi.routing"), ["fastapi", ".", "routing"]);
        assert_eq!(tokens("don't"), ["don", "'", "t"]);
        assert_eq!(tokens("v12ab  x\r\n"), ["v", "12", "ab", " ", " ", "x", "\r", "\n"]);
        assert_eq!(tokens("안녕 세계🚀🎉 café"), ["안녕", " ", "세계", "🚀", "🎉", " ", "café"]);
        assert!(tokens("").is_empty());
    }

    #[test]
    fn edits_far_apart() {
        let mine = DOC.replace("# Review", "# Code review");
        let theirs = DOC.replace("Be kind.", "Be kind and specific.");
        assert_eq!(
            merge(DOC, &mine, &theirs),
            clean("# Code review\n\nCheck the diff.\nRun the tests.\nWrite a summary.\n\nBe kind and specific.\n")
        );
    }

    #[test]
    fn edits_on_adjacent_lines() {
        let mine = DOC.replace("Check the diff.", "Check the whole diff.");
        let theirs = DOC.replace("Run the tests.", "Run the unit tests.");
        assert_eq!(
            merge(DOC, &mine, &theirs),
            clean("# Review\n\nCheck the whole diff.\nRun the unit tests.\nWrite a summary.\n\nBe kind.\n")
        );
    }

    #[test]
    fn different_words_of_one_line() {
        let base = "the quick brown fox jumps\n";
        assert_eq!(
            merge(base, "the slow brown fox jumps\n", "the quick brown cat jumps\n"),
            clean("the slow brown cat jumps\n")
        );
        // One unchanged token (the space) between the changes is enough.
        assert_eq!(
            merge("alpha beta gamma\n", "alpha BETA gamma\n", "alpha beta GAMMA\n"),
            clean("alpha BETA GAMMA\n")
        );
    }

    #[test]
    fn same_change_on_both_sides_is_applied_once() {
        let both = DOC.replace("Run the tests.", "Run all tests.");
        assert_eq!(merge(DOC, &both, &both), clean(&both));
        let theirs = both.replace("Be kind.", "Be kind.\nThank the author.");
        assert_eq!(merge(DOC, &both, &theirs), clean(&theirs));
        // Same word edit plus different words elsewhere on the line.
        assert_eq!(merge("a b c d\n", "A b C d\n", "A b c D\n"), clean("A b C D\n"));
    }

    #[test]
    fn same_word_changed_two_ways_conflicts() {
        let base = "intro\n\nuse fastapi.routing here\n\noutro\n";
        let got = merge(
            base,
            "INTRO\n\nuse starlette.routing here\n\noutro\n",
            "intro\n\nuse flask.routing here\n\noutro!\n",
        );
        let want = "INTRO\n\n<<<<<<< mine\nuse starlette.routing here\n||||||| base\nuse fastapi.routing here\n\
                    =======\nuse flask.routing here\n>>>>>>> disk\n\noutro!\n";
        assert_eq!(got, conflicted(want, 1));
        // A touching edit joins the line region, and the whole region becomes the block.
        let got = merge("a\nb c\n", "a\nb C\n", "A\nb D\n");
        assert_eq!(got, conflicted("<<<<<<< mine\na\nb C\n||||||| base\na\nb c\n=======\nA\nb D\n>>>>>>> disk\n", 1));
    }

    #[test]
    fn delete_vs_edit_conflicts() {
        let got = merge("a\nkeep this line\nz\n", "a\nz\n", "a\nkeep that line\nz\n");
        let want = "a\n<<<<<<< mine\n||||||| base\nkeep this line\n=======\nkeep that line\n>>>>>>> disk\nz\n";
        assert_eq!(got, conflicted(want, 1));
        // Deleting a word the other side edits is a conflict too.
        assert_eq!(merge("x very big y\n", "x big y\n", "x really big y\n").conflicts, 1);
    }

    #[test]
    fn insert_vs_insert_at_one_place() {
        let got = merge("a\nb\n", "a\nX\nb\n", "a\nY\nb\n");
        assert_eq!(got, conflicted("a\n<<<<<<< mine\nX\n||||||| base\n=======\nY\n>>>>>>> disk\nb\n", 1));
        assert_eq!(merge("a\nb\n", "a\nX\nb\n", "a\nX\nb\n"), clean("a\nX\nb\n"));
        // Word level: two inserts at one position, or an insert at the edge of the other's replacement.
        assert_eq!(merge("a b\n", "a x b\n", "a y b\n").conflicts, 1);
        assert_eq!(merge("alpha beta gamma\n", "alpha BETA gamma\n", "alpha beta, gamma\n").conflicts, 1);
    }

    #[test]
    fn changes_at_start_and_end() {
        assert_eq!(
            merge("first\nmid\nlast\n", "FIRST\nmid\nlast\n", "first\nmid\nlast\nmore\n"),
            clean("FIRST\nmid\nlast\nmore\n")
        );
        assert_eq!(
            merge("first\nmid\nlast\n", "top\nfirst\nmid\nlast\n", "first\nmid\nLAST\n"),
            clean("top\nfirst\nmid\nLAST\n")
        );
    }

    #[test]
    fn empty_base() {
        assert_eq!(merge("", "", "new\n"), clean("new\n"));
        assert_eq!(merge("", "same\n", "same\n"), clean("same\n"));
        assert_eq!(merge("", "a\n", "b\n"), conflicted("<<<<<<< mine\na\n||||||| base\n=======\nb\n>>>>>>> disk\n", 1));
        assert_eq!(merge("", "", ""), clean(""));
    }

    #[test]
    fn crlf_is_kept_and_used_for_markers() {
        let base = "a b\r\nc d\r\ne f\r\n";
        assert_eq!(merge(base, "a B\r\nc d\r\ne f\r\n", "a b\r\nc d\r\ne F\r\n"), clean("a B\r\nc d\r\ne F\r\n"));
        // Mixed endings survive untouched.
        assert_eq!(merge("x\r\ny\nz\r\n", "X\r\ny\nz\r\n", "x\r\ny\nZ\r\n"), clean("X\r\ny\nZ\r\n"));
        let got = merge("k\r\nv\r\n", "k\r\nmine\r\n", "k\r\ntheirs\r\n");
        let want = "k\r\n<<<<<<< mine\r\nmine\r\n||||||| base\r\nv\r\n=======\r\ntheirs\r\n>>>>>>> disk\r\n";
        assert_eq!(got, conflicted(want, 1));
    }

    #[test]
    fn missing_final_newline() {
        assert_eq!(merge("a\nb", "A\nb", "a\nB"), clean("A\nB"));
        assert_eq!(merge("a\nb\n", "A\nb\n", "a\nb"), clean("A\nb"));
        let want = "a\n<<<<<<< mine\nx\n||||||| base\nb\n=======\ny\n>>>>>>> disk\n";
        assert_eq!(merge("a\nb", "a\nx", "a\ny"), conflicted(want, 1));
    }

    #[test]
    fn non_ascii_text() {
        assert_eq!(
            merge("안녕 세계 좋은 아침\n", "안녕 친구 좋은 아침\n", "안녕 세계 좋은 저녁\n"),
            clean("안녕 친구 좋은 저녁\n")
        );
        assert_eq!(
            merge("café crème brûlée\n", "thé crème brûlée\n", "café crème glacée\n"),
            clean("thé crème glacée\n")
        );
        assert_eq!(
            merge("ship it 🚀 today\n", "ship it 🎉 today\n", "ship it 🚀 tomorrow\n"),
            clean("ship it 🎉 tomorrow\n")
        );
        let want = "<<<<<<< mine\n🎉\n||||||| base\n🚀\n=======\n✨\n>>>>>>> disk\n";
        assert_eq!(merge("🚀\n", "🎉\n", "✨\n"), conflicted(want, 1));
    }

    #[test]
    fn labels_are_written() {
        let labels = MergeLabels { mine: "buffer", base: "loaded", theirs: "on\ndisk" };
        let got = merge3("v\n", "m\n", "t\n", &labels);
        assert_eq!(got, conflicted("<<<<<<< buffer\nm\n||||||| loaded\nv\n=======\nt\n>>>>>>> on disk\n", 1));
        assert!(!got.is_clean());
        assert!(merge("v\n", "v\n", "t\n").is_clean());
    }

    #[test]
    fn clean_regions_around_conflicts_merge_and_each_block_counts() {
        let base = "one\n-\ntwo\nthree\nfour\nfive\nsix\n-\nseven\n";
        let mine = "ONE\n-\n2a\nthree\nfour\n5a\nsix\n-\nseven\n";
        let theirs = "one\n-\n2b\nthree\nFOUR\n5b\nsix\n-\nSEVEN\n";
        let want = "ONE\n-\n<<<<<<< mine\n2a\n||||||| base\ntwo\n=======\n2b\n>>>>>>> disk\nthree\n\
                    <<<<<<< mine\nfour\n5a\n||||||| base\nfour\nfive\n=======\nFOUR\n5b\n>>>>>>> disk\nsix\n-\nSEVEN\n";
        assert_eq!(merge(base, mine, theirs), conflicted(want, 2));
    }

    #[test]
    fn line_insert_next_to_an_edit_conflicts() {
        // Mine adds an item above the one theirs ticks: the word diff used to put the tick on the new item.
        let base = "- [ ] run tests\n";
        let mine = "- [ ] lint code\n- [ ] run tests\n";
        let theirs = "- [x] run tests\n";
        let want = "<<<<<<< mine\n- [ ] lint code\n- [ ] run tests\n||||||| base\n- [ ] run tests\n\
                    =======\n- [x] run tests\n>>>>>>> disk\n";
        assert_eq!(merge(base, mine, theirs), conflicted(want, 1));
        let want = "<<<<<<< mine\n- [x] run tests\n||||||| base\n- [ ] run tests\n\
                    =======\n- [ ] lint code\n- [ ] run tests\n>>>>>>> disk\n";
        assert_eq!(merge(base, theirs, mine), conflicted(want, 1));
    }

    #[test]
    fn line_delete_next_to_edits_conflicts() {
        // Mine drops the first rule, theirs edits both: the word diff used to invent "- deny write now".
        let base = "# Rules\n- allow read\n- allow write\n\nend\n";
        let mine = "# Rules\n- allow write\n\nend\n";
        let theirs = "# Rules\n- deny read\n- allow write now\n\nend\n";
        let want = "# Rules\n<<<<<<< mine\n- allow write\n||||||| base\n- allow read\n- allow write\n\
                    =======\n- deny read\n- allow write now\n>>>>>>> disk\n\nend\n";
        assert_eq!(merge(base, mine, theirs), conflicted(want, 1));
        let want = "# Rules\n<<<<<<< mine\n- deny read\n- allow write now\n||||||| base\n- allow read\n\
                    - allow write\n=======\n- allow write\n>>>>>>> disk\n\nend\n";
        assert_eq!(merge(base, theirs, mine), conflicted(want, 1));
    }

    #[test]
    fn repeated_lines_are_never_dropped() {
        // Identical neighbouring lines inside one word-merged region.
        let got = merge("- item\n- item\n- item\n", "- item one\n- item\n- item\n", "- item\n- item two\n- item\n");
        assert_eq!(got, clean("- item one\n- item two\n- item\n"));
        let got = merge("x\n```\n```\ny\n", "X\n```\n```sh\ny\n", "x\n```rust\n```\nY\n");
        assert_eq!(got, clean("X\n```rust\n```sh\nY\n"));
        // Fences, blank lines and list items repeated across the file, each side adding more copies (away
        // from the other side's edits: an added line next to one is a conflict).
        let base = "# Steps\n\n```sh\nmake build\n```\n\n```sh\nmake test\n```\n\n- item\n- item\n\nDone.\n";
        let mine = base.replace("make build", "make build release").replace("- item\n\n", "- item\n- item\n\n");
        let theirs = base.replace("make test", "make test all").replace("\nDone.", "\n```sh\nmake lint\n```\n\nDone.");
        let want = concat!(
            "# Steps\n\n```sh\nmake build release\n```\n\n```sh\nmake test all\n```\n\n",
            "- item\n- item\n- item\n\n```sh\nmake lint\n```\n\nDone.\n",
        );
        assert_eq!(merge(base, &mine, &theirs), clean(want));
        assert_eq!(merge(base, &theirs, &mine), clean(want));
        // Both sides add the same line in different places: two copies, not one.
        let mine = base.replace("# Steps\n", "# Steps\n- item\n");
        let theirs = format!("{base}- item\n");
        let want = format!("# Steps\n- item\n{}- item\n", &base["# Steps\n".len()..]);
        assert_eq!(merge(base, &mine, &theirs), clean(&want));
        assert_eq!(want.matches("- item\n").count(), 4);
    }

    /// (base, mine, theirs) of the cases above, clean and conflicting.
    const CASES: &[(&str, &str, &str)] = &[
        ("the quick brown fox jumps\n", "the slow brown fox jumps\n", "the quick brown cat jumps\n"),
        (
            "intro\n\nuse fastapi.routing here\n\noutro\n",
            "INTRO\n\nuse starlette.routing here\n\noutro\n",
            "intro\n\nuse flask.routing here\n\noutro!\n",
        ),
        ("a\nb c\n", "a\nb C\n", "A\nb D\n"),
        ("a\nkeep this line\nz\n", "a\nz\n", "a\nkeep that line\nz\n"),
        ("a\nb\n", "a\nX\nb\n", "a\nY\nb\n"),
        ("", "a\n", "b\n"),
        ("", "", ""),
        ("k\r\nv\r\n", "k\r\nmine\r\n", "k\r\ntheirs\r\n"),
        ("x\r\ny\nz\r\n", "X\r\ny\nz\r\n", "x\r\ny\nZ\r\n"),
        ("a\nb", "a\nx", "a\ny"),
        ("a\nb\n", "A\nb\n", "a\nb"),
        ("🚀\n", "🎉\n", "✨\n"),
        ("- [ ] run tests\n", "- [ ] lint code\n- [ ] run tests\n", "- [x] run tests\n"),
        (
            "one\n-\ntwo\nthree\nfour\nfive\nsix\n-\nseven\n",
            "ONE\n-\n2a\nthree\nfour\n5a\nsix\n-\nseven\n",
            "one\n-\n2b\nthree\nFOUR\n5b\nsix\n-\nSEVEN\n",
        ),
    ];

    fn conflict(mine: &str, base: &str, theirs: &str) -> MergePart {
        MergePart::Conflict { mine: mine.into(), base: base.into(), theirs: theirs.into() }
    }

    #[test]
    fn parts_of_a_clean_merge_are_one_clean_text() {
        let mine = DOC.replace("# Review", "# Code review");
        let theirs = DOC.replace("Be kind.", "Be kind and specific.");
        let want = "# Code review\n\nCheck the diff.\nRun the tests.\nWrite a summary.\n\nBe kind and specific.\n";
        assert_eq!(merge3_parts(DOC, &mine, &theirs), [MergePart::Clean(want.into())]);
        assert_eq!(merge_outcome(DOC, &mine, &theirs), 0);
        assert!(merge3_parts("", "", "").is_empty());
    }

    #[test]
    fn parts_of_a_conflicting_merge() {
        let (base, mine, theirs) = CASES[1];
        let want = [
            MergePart::Clean("INTRO\n\n".into()),
            conflict("use starlette.routing here\n", "use fastapi.routing here\n", "use flask.routing here\n"),
            MergePart::Clean("\noutro!\n".into()),
        ];
        assert_eq!(merge3_parts(base, mine, theirs), want);
        assert_eq!(merge_outcome(base, mine, theirs), 1);
        // Line endings stay inside the parts; a deleting side is an empty text.
        assert_eq!(
            merge3_parts("k\r\nv\r\n", "k\r\nmine\r\n", "k\r\ntheirs\r\n")[1],
            conflict("mine\r\n", "v\r\n", "theirs\r\n")
        );
        assert_eq!(
            merge3_parts("a\nkeep this line\nz\n", "a\nz\n", "a\nkeep that line\nz\n")[1],
            conflict("", "keep this line\n", "keep that line\n")
        );
    }

    #[test]
    fn parts_rendered_with_markers_are_merge3s_text() {
        for &(base, mine, theirs) in CASES {
            let parts = merge3_parts(base, mine, theirs);
            let merged = merge(base, mine, theirs);
            assert_eq!(render(&parts, &MergeLabels::default(), marker_eol([mine, theirs, base])), merged, "{base:?}");
            assert_eq!(conflict_count(&parts), merged.conflicts);
            // Clean stretches are joined: never two in a row, never an empty one.
            assert!(parts.windows(2).all(|w| !matches!(w, [MergePart::Clean(_), MergePart::Clean(_)])));
            assert!(parts.iter().all(|p| p != &MergePart::Clean(String::new())));
            if merged.is_clean() {
                assert_eq!(resolve(&parts, &[]), Some(merged.text));
            }
        }
    }

    #[test]
    fn resolving_conflicts_builds_the_text_in_order() {
        let (base, mine, theirs) = CASES[13];
        let parts = merge3_parts(base, mine, theirs);
        assert_eq!(conflict_count(&parts), 2);
        let pick = |a, b| resolve(&parts, &[Some(a), Some(b)]);
        assert_eq!(pick(Choice::Mine, Choice::Disk).as_deref(), Some("ONE\n-\n2a\nthree\nFOUR\n5b\nsix\n-\nSEVEN\n"));
        assert_eq!(
            pick(Choice::Both, Choice::Mine).as_deref(),
            Some("ONE\n-\n2a\n2b\nthree\nfour\n5a\nsix\n-\nSEVEN\n")
        );
        // Undecided, or too few choices: no result yet.
        assert_eq!(resolve(&parts, &[Some(Choice::Mine), None]), None);
        assert_eq!(resolve(&parts, &[Some(Choice::Mine)]), None);
        // A deleted side, CRLF, and sides without a final newline (never glued together).
        let parts = merge3_parts("a\nkeep this line\nz\n", "a\nz\n", "a\nkeep that line\nz\n");
        assert_eq!(resolve(&parts, &[Some(Choice::Mine)]).as_deref(), Some("a\nz\n"));
        assert_eq!(resolve(&parts, &[Some(Choice::Both)]).as_deref(), Some("a\nkeep that line\nz\n"));
        let parts = merge3_parts("k\r\nv\r\n", "k\r\nmine\r\n", "k\r\ntheirs\r\n");
        assert_eq!(resolve(&parts, &[Some(Choice::Both)]).as_deref(), Some("k\r\nmine\r\ntheirs\r\n"));
        let parts = merge3_parts("a\nb", "a\nx", "a\ny");
        assert_eq!(resolve(&parts, &[Some(Choice::Both)]).as_deref(), Some("a\nx\ny"));
        assert_eq!(resolve(&parts, &[Some(Choice::Disk)]).as_deref(), Some("a\ny"));
    }

    const WORDS: &[&str] = &["alpha", "beta", "gamma", "delta", "kappa", "sigma", "omega", "lorem"];
    const SEPS: &[&str] = &[" ", ", ", ". ", " - ", "_", "/", " (", ") ", "'"];
    const NEW: &[&str] = &["RED", "GREEN", "", "BLUE", "Été", "한국"];

    /// A word slot of the base: word, separator after it, who edits it (0 mine, 1 theirs, else nobody),
    /// and the replacement.
    type Slot = (usize, usize, u8, usize);

    fn doc() -> impl Strategy<Value = (Vec<(Vec<Slot>, bool)>, bool)> {
        let slot = (0..WORDS.len(), 0..SEPS.len(), 0u8..5, 0..NEW.len());
        (prop::collection::vec((prop::collection::vec(slot, 1..7), any::<bool>()), 1..14), any::<bool>())
    }

    /// Builds base, mine, theirs and the expected merge. Every line starts with its own number so lines
    /// are unique, and edited words are always separated by an untouched separator.
    fn build(lines: &[(Vec<Slot>, bool)], final_newline: bool) -> [String; 4] {
        let mut out: [String; 4] = Default::default();
        for (n, (slots, crlf)) in lines.iter().enumerate() {
            let prefix = format!("{n}: ");
            out.iter_mut().for_each(|s| s.push_str(&prefix));
            for &(word, sep, who, new) in slots {
                let [base, mine, theirs, want] = &mut out;
                base.push_str(WORDS[word]);
                mine.push_str(if who == 0 { NEW[new] } else { WORDS[word] });
                theirs.push_str(if who == 1 { NEW[new] } else { WORDS[word] });
                want.push_str(if who <= 1 { NEW[new] } else { WORDS[word] });
                out.iter_mut().for_each(|s| s.push_str(SEPS[sep]));
            }
            if n + 1 < lines.len() || final_newline {
                out.iter_mut().for_each(|s| s.push_str(if *crlf { "\r\n" } else { "\n" }));
            }
        }
        out
    }

    fn lines_of(text: &str) -> Vec<&str> {
        text.lines().collect()
    }

    const BOXES: &[&str] = &["x", "~"];
    const FRESH: &[&str] = &["RED", "GREEN", "BLUE"];
    /// Lines a side may add. They share the "- [ ] " prefix with every base line, which is what lets a word
    /// diff slide an inserted line's text across a line break.
    const ADDED: &[&str] = &["- [ ] lint code", "- [ ] run tests", "- [x] ship it"];

    /// What one side does to one base line. `Edit(slot, value)`: slot 0 is the checkbox, 1 and 2 the words.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum LineOp {
        Keep,
        Edit(usize, usize),
        Delete,
        InsertAbove(usize),
    }

    fn line_op() -> impl Strategy<Value = LineOp> {
        prop_oneof![
            4 => Just(LineOp::Keep),
            3 => (0..3usize, 0..3usize).prop_map(|(slot, value)| LineOp::Edit(slot, value)),
            1 => Just(LineOp::Delete),
            2 => (0..ADDED.len()).prop_map(LineOp::InsertAbove),
        ]
    }

    /// The slots of base line `k`; `item{k}` keeps every base line unique.
    fn slots(k: usize) -> [&'static str; 3] {
        [" ", WORDS[k % WORDS.len()], WORDS[(3 * k + 1) % WORDS.len()]]
    }

    fn edit_value(slot: usize, value: usize) -> &'static str {
        if slot == 0 {
            BOXES[value % BOXES.len()]
        } else {
            FRESH[value % FRESH.len()]
        }
    }

    fn list_line(k: usize, [check, one, two]: [&str; 3]) -> String {
        format!("- [{check}] {one} {two} item{k}\n")
    }

    /// One side's text: the base with that side's operations applied.
    fn apply_ops(ops: &[LineOp]) -> String {
        let mut out = String::new();
        for (k, op) in ops.iter().enumerate() {
            let mut line = slots(k);
            match *op {
                LineOp::Delete => continue,
                LineOp::InsertAbove(i) => out.push_str(&format!("{}\n", ADDED[i])),
                LineOp::Edit(slot, value) => line[slot] = edit_value(slot, value),
                LineOp::Keep => {}
            }
            out.push_str(&list_line(k, line));
        }
        out
    }

    /// The merge built by construction, or `None` where the merge rules demand a conflict (two different
    /// inserts at one place, a delete against an edit, one slot edited two ways).
    fn merged_ops(mine: &[LineOp], theirs: &[LineOp]) -> Option<String> {
        let mut out = String::new();
        for (k, (&m, &t)) in mine.iter().zip(theirs).enumerate() {
            match (m, t) {
                (LineOp::InsertAbove(a), LineOp::InsertAbove(b)) if a != b => return None,
                (LineOp::InsertAbove(a), _) | (_, LineOp::InsertAbove(a)) => out.push_str(&format!("{}\n", ADDED[a])),
                _ => {}
            }
            match (m, t) {
                (LineOp::Delete, LineOp::Edit(..)) | (LineOp::Edit(..), LineOp::Delete) => return None,
                (LineOp::Delete, _) | (_, LineOp::Delete) => continue,
                _ => {}
            }
            let mut line = slots(k);
            let mut edited = [false; 3];
            for op in [m, t] {
                if let LineOp::Edit(slot, value) = op {
                    let value = edit_value(slot, value);
                    if edited[slot] && line[slot] != value {
                        return None;
                    }
                    (line[slot], edited[slot]) = (value, true);
                }
            }
            out.push_str(&list_line(k, line));
        }
        Some(out)
    }

    /// Whether today's engine must merge cleanly: every group of touching line changes either comes from
    /// one side only, or holds only word edits. Inserts and deletes touching the other side's changes may
    /// conflict (an edit must not land on another line).
    fn must_merge(mine: &[LineOp], theirs: &[LineOp]) -> bool {
        // (first base line, end, side, inserts or deletes a line)
        let mut hunks: Vec<(usize, usize, usize, bool)> = Vec::new();
        for (side, ops) in [mine, theirs].into_iter().enumerate() {
            for (k, op) in ops.iter().enumerate() {
                match op {
                    LineOp::Keep => {}
                    LineOp::Edit(..) => hunks.push((k, k + 1, side, false)),
                    LineOp::Delete => hunks.push((k, k + 1, side, true)),
                    LineOp::InsertAbove(_) => hunks.push((k, k, side, true)),
                }
            }
        }
        hunks.sort_unstable();
        let mut groups: Vec<(usize, [bool; 2], bool)> = Vec::new();
        for (start, end, side, lines) in hunks {
            match groups.last_mut() {
                Some(group) if start <= group.0 => {
                    group.0 = group.0.max(end);
                    group.1[side] = true;
                    group.2 |= lines;
                }
                _ => {
                    let mut sides = [false; 2];
                    sides[side] = true;
                    groups.push((end, sides, lines));
                }
            }
        }
        groups.iter().all(|(_, sides, lines)| !(sides[0] && sides[1] && *lines))
    }

    /// Whether `ops` hold a run of changed lines (no kept line inside) that removes as many lines as it adds
    /// while deleting or adding some. As text that is the run rewritten in place (delete line 1 and add a line
    /// above line 2 = line 1 rewritten), which the merge rules merge word by word with the other side's edits
    /// of those lines: the construction cannot be told from the text, so such plans are left out.
    fn reads_as_rewrite(ops: &[LineOp]) -> bool {
        let (mut removed, mut added, mut moves) = (0, 0, false);
        for op in ops {
            match op {
                LineOp::Edit(..) => (removed, added) = (removed + 1, added + 1),
                LineOp::Delete => (removed, moves) = (removed + 1, true),
                LineOp::InsertAbove(_) => (added, moves) = (added + 1, true),
                LineOp::Keep => {}
            }
            // The line itself is kept (after any line added above it): the run ends here.
            if matches!(op, LineOp::Keep | LineOp::InsertAbove(_)) {
                if moves && removed == added {
                    return true;
                }
                (removed, added, moves) = (0, 0, false);
            }
        }
        moves && removed == added
    }

    fn line_plan() -> impl Strategy<Value = (Vec<LineOp>, Vec<LineOp>)> {
        prop::collection::vec((line_op(), line_op()), 1..10)
            .prop_map(|plan| plan.into_iter().unzip::<_, _, Vec<_>, Vec<_>>())
            .prop_filter("a run of line changes that reads as an in-place rewrite", |(mine, theirs)| {
                !reads_as_rewrite(mine) && !reads_as_rewrite(theirs)
            })
    }

    proptest! {
        // Cheap cases, and the failures it hunts need a particular mix of line and word changes.
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn line_moves_next_to_word_edits_never_misplace_them((mine_ops, theirs_ops) in line_plan()) {
            let keep = vec![LineOp::Keep; mine_ops.len()];
            let (base, mine, theirs) = (apply_ops(&keep), apply_ops(&mine_ops), apply_ops(&theirs_ops));
            let want = merged_ops(&mine_ops, &theirs_ops);
            let must = want.is_some() && must_merge(&mine_ops, &theirs_ops);
            for got in [merge(&base, &mine, &theirs), merge(&base, &theirs, &mine)] {
                if got.is_clean() {
                    prop_assert_eq!(
                        Some(&got.text),
                        want.as_ref(),
                        "clean merge differs from the construction\nbase:\n{}mine:\n{}theirs:\n{}",
                        base,
                        mine,
                        theirs
                    );
                } else {
                    prop_assert!(!must, "conflict where a clean merge is due:\n{}", got.text);
                    prop_assert_eq!(got.text.matches("<<<<<<< ").count(), got.conflicts);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(192))]

        #[test]
        fn disjoint_word_edits_merge_cleanly((lines, final_newline) in doc()) {
            let [base, mine, theirs, want] = build(&lines, final_newline);
            prop_assert_eq!(merge(&base, &mine, &theirs), clean(&want));
            prop_assert_eq!(merge(&base, &theirs, &mine), clean(&want));
        }

        #[test]
        fn unchanged_side_yields_the_other(base in "[ab é한😀\r\n]{0,40}", other in "[ab é한😀\r\n]{0,40}") {
            prop_assert_eq!(merge(&base, &base, &other), clean(&other));
            prop_assert_eq!(merge(&base, &other, &base), clean(&other));
        }

        #[test]
        fn swapping_sides_agrees(
            base in "((a|b|c|a b|b c|)(\n|\r\n)){0,8}(a|c)?",
            mine in "((a|b|c|a b|b c|x y|)(\n|\r\n)){0,8}(a|x)?",
            theirs in "((a|b|c|a b|b c|z|)(\n|\r\n)){0,8}(a|z)?",
        ) {
            let (one, two) = (merge(&base, &mine, &theirs), merge(&base, &theirs, &mine));
            prop_assert_eq!(one.conflicts, two.conflicts);
            if one.is_clean() {
                prop_assert_eq!(one.text, two.text);
            }
        }

        #[test]
        fn conflicts_keep_both_sides(choices in prop::collection::vec(0u8..6, 2..16), forced in any::<prop::sample::Index>()) {
            // Per base line: 0 mine rewrites it, 1 theirs does, 2 both (differently), else untouched.
            let mut choices = choices;
            let at = forced.index(choices.len());
            choices[at] = 2;
            let (mut base, mut mine, mut theirs) = (String::new(), String::new(), String::new());
            for (n, c) in choices.iter().enumerate() {
                let line = format!("{n}: {} {}\n", WORDS[n % WORDS.len()], WORDS[(n * 3) % WORDS.len()]);
                base.push_str(&line);
                // Distinct one-word rewrites, so every one can be looked for in the output.
                let tag = char::from(b'a' + n as u8);
                mine.push_str(&if *c == 0 || *c == 2 { format!("ZMINE{tag}\n") } else { line.clone() });
                theirs.push_str(&if *c == 1 || *c == 2 { format!("ZTHEIRS{tag}\n") } else { line.clone() });
            }
            let got = merge(&base, &mine, &theirs);
            prop_assert!(got.conflicts >= 1);
            let out = lines_of(&got.text);
            for changed in lines_of(&mine).into_iter().chain(lines_of(&theirs)).filter(|l| l.starts_with('Z')) {
                prop_assert!(out.contains(&changed), "{changed} missing from {}", got.text);
            }
            prop_assert_eq!(got.text.matches("<<<<<<< mine\n").count(), got.conflicts);
        }
    }
}
