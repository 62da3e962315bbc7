//! Line endings: a CRLF file is edited with LF in the textarea and saved back with CRLF (§6).

/// True when the text uses CRLF line endings (its first line ending decides).
pub fn uses_crlf(text: &str) -> bool {
    text.find('\n').is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r')
}

/// `\r\n` → `\n`.
pub fn to_lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Converts LF text back to the file's style.
pub fn restore(text_lf: &str, crlf: bool) -> String {
    if crlf {
        to_lf(text_lf).replace('\n', "\r\n")
    } else {
        text_lf.to_owned()
    }
}

/// The dirty check: equal once line endings are normalised.
pub fn same_text(a: &str, b: &str) -> bool {
    to_lf(a) == to_lf(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_round_trip() {
        let file = "a\r\nb\r\n";
        assert!(uses_crlf(file));
        assert!(!uses_crlf("a\nb\r\n"));
        assert!(!uses_crlf("no newline"));
        assert_eq!(to_lf(file), "a\nb\n");
        assert_eq!(restore(&to_lf(file), true), file);
        assert_eq!(restore("a\nb", false), "a\nb");
        assert!(same_text("a\r\nb", "a\nb"));
    }
}
