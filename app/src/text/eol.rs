//! Line endings (docs/ARCHITECTURE.md, "One Save", step 1): the textarea holds LF only (browsers
//! turn CRLF and a lone CR into LF); a save changes only what the user changed. Lines the user did
//! not touch keep their original ending byte for byte — CRLF, LF or a lone CR — and new lines take
//! the file's dominant ending.

use super::ops::DiffOp;
use std::time::Duration;

/// `\r\n` and a lone `\r` → `\n`, as a textarea does.
pub fn to_lf(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The dirty check: equal once line endings are normalised.
pub fn same_text(a: &str, b: &str) -> bool {
    to_lf(a) == to_lf(b)
}

/// Splits into (line, ending) pairs; the last line's ending may be empty.
fn lines_with_endings(text: &str) -> Vec<(&str, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push((&text[start..i], "\n"));
                i += 1;
                start = i;
            }
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                out.push((&text[start..i], "\r\n"));
                i += 2;
                start = i;
            }
            b'\r' => {
                out.push((&text[start..i], "\r"));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < text.len() {
        out.push((&text[start..], ""));
    }
    out
}

/// The ending most lines of `text` use (LF when there are none, or on a tie with LF).
pub fn dominant_ending(text: &str) -> &'static str {
    let (mut crlf, mut lf, mut cr) = (0usize, 0usize, 0usize);
    for (_, ending) in lines_with_endings(text) {
        match ending {
            "\r\n" => crlf += 1,
            "\n" => lf += 1,
            "\r" => cr += 1,
            _ => {}
        }
    }
    if crlf > lf && crlf >= cr {
        "\r\n"
    } else if cr > lf && cr > crlf {
        "\r"
    } else {
        "\n"
    }
}

/// The text to write for the LF buffer `edited`, given the file's `original` bytes: unchanged
/// lines keep their own ending, and so does a line edited in place (a changed block pairs its
/// lines with the old ones in order); lines beyond the old ones take the dominant ending. An
/// unchanged buffer gives back `original` exactly.
pub fn restore(original: &str, edited: &str) -> String {
    let old = lines_with_endings(original);
    let old_lines: Vec<&str> = old.iter().map(|(line, _)| *line).collect();
    let ends_with_newline = edited.ends_with('\n');
    let mut new_lines: Vec<&str> = edited.split('\n').collect();
    if ends_with_newline || edited.is_empty() {
        new_lines.pop();
    }
    let dominant = dominant_ending(original);
    // Which old line each new line stands for (its ending is then reused).
    let mut same_as: Vec<Option<usize>> = vec![None; new_lines.len()];
    for op in super::ops::diff(&old_lines, &new_lines, Some(Duration::from_millis(200))) {
        let (old_index, new_index, len) = match op {
            DiffOp::Equal { old_index, new_index, len } => (old_index, new_index, len),
            DiffOp::Replace { old_index, old_len, new_index, new_len } => (old_index, new_index, old_len.min(new_len)),
            DiffOp::Delete { .. } | DiffOp::Insert { .. } => continue,
        };
        for k in 0..len {
            same_as[new_index + k] = Some(old_index + k);
        }
    }
    let mut out = String::with_capacity(edited.len() + new_lines.len());
    let last = new_lines.len().saturating_sub(1);
    for (i, line) in new_lines.iter().enumerate() {
        out.push_str(line);
        if i == last && !ends_with_newline {
            break;
        }
        let mut ending = match same_as[i].map(|k| old[k].1) {
            Some(ending) if !ending.is_empty() => ending,
            _ => dominant,
        };
        // A lone CR, then an empty line ending in LF, would read back as one CRLF: one line lost.
        if ending == "\n" && line.is_empty() && out.ends_with('\r') {
            ending = "\r";
        }
        out.push_str(ending);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unchanged_buffers_restore_byte_for_byte() {
        for file in ["a\r\nb\r\n", "a\nb", "a\rb\r\nc\nd", "", "\r", "\r\n\r\n", "x\r\r\n\n", "only"] {
            assert_eq!(restore(file, &to_lf(file)), file, "{file:?}");
        }
    }

    #[test]
    fn an_edit_changes_only_its_line() {
        let file = "one\r\ntwo\nthree\rfour\r\n";
        assert_eq!(restore(file, "one\ntwo!\nthree\nfour\n"), "one\r\ntwo!\nthree\rfour\r\n");
        // A new line takes the dominant ending (CRLF here); a lone CR line stays lone CR.
        assert_eq!(restore(file, "one\nnew\ntwo\nthree\nfour\n"), "one\r\nnew\r\ntwo\nthree\rfour\r\n");
        // Text added after a last line without ending gives that line the dominant ending.
        assert_eq!(restore("a\r\nb", "a\nb\nc"), "a\r\nb\r\nc");
        assert_eq!(restore("a\nb\n", "a\nb"), "a\nb");
        // An emptied or inserted empty line after a lone-CR line stays a line of its own.
        assert_eq!(restore("a\rb\n", "a\n\n"), "a\r\r");
        assert_eq!(restore("a\rb\n", "a\n\nb\n"), "a\r\rb\n");
    }

    #[test]
    fn lone_cr_is_not_dirty() {
        assert!(same_text("a\rb\r\nc", "a\nb\nc"));
        assert_eq!(dominant_ending("a\rb\rc\r\n"), "\r");
        assert_eq!(dominant_ending("a\r\nb\n"), "\n");
    }

    proptest! {
        /// Any mix of CRLF, LF and lone CR comes back byte-identical when nothing was edited.
        #[test]
        fn any_mix_round_trips(file in "[ab\\r\\n]{0,40}") {
            prop_assert_eq!(restore(&file, &to_lf(&file)), file);
        }

        /// Whatever the edit, the bytes written read back as exactly the buffer: endings never
        /// merge two lines (a lone CR followed by an empty LF line would read as one CRLF).
        #[test]
        fn saved_bytes_read_back_as_the_buffer(file in "[ab\\r\\n]{0,30}", edited in "[ab\\n]{0,30}") {
            prop_assert_eq!(to_lf(&restore(&file, &edited)), edited);
        }

        /// Editing one line changes the bytes of that line only.
        #[test]
        fn one_edit_touches_one_line(lines in prop::collection::vec(("[a-c]{1,3}", prop::sample::select(vec!["\r\n", "\n", "\r"])), 1..12), pick in any::<prop::sample::Index>()) {
            let file: String = lines.iter().map(|(l, e)| format!("{l}{e}")).collect();
            let i = pick.index(lines.len());
            let edited: String = lines.iter().enumerate().map(|(k, (l, _))| if k == i { format!("{l}Z\n") } else { format!("{l}\n") }).collect();
            let expected: String = lines.iter().enumerate().map(|(k, (l, e))| if k == i { format!("{l}Z{e}") } else { format!("{l}{e}") }).collect();
            prop_assert_eq!(restore(&file, &edited), expected);
        }
    }
}
