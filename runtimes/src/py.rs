//! The few Python semantics memtomem's output depends on: `str.splitlines`, `str.strip`,
//! `float()` and `repr(float)`, and `str(list)`. Each one differs from its Rust namesake in ways
//! that change bytes (which characters are whitespace or line breaks, `1e+16` vs `1e16`, `'a'`
//! vs `"a"`), so they are spelled out here once.

/// Python's `str.isspace()`: Rust's `char::is_whitespace` plus the four ASCII separators
/// U+001C–U+001F, which Python counts as whitespace.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `str.strip()` with no argument.
pub fn strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// `str.rstrip()` with no argument.
pub fn rstrip(s: &str) -> &str {
    s.trim_end_matches(is_space)
}

/// `str.split()` with no argument: runs of whitespace separate, empty pieces are dropped.
pub fn split_whitespace(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_space).filter(|piece| !piece.is_empty())
}

/// `str.splitlines()`: breaks at `\n`, `\r`, `\r\n`, VT, FF, U+001C–U+001E, NEL, U+2028 and
/// U+2029; a final line break adds no empty line.
pub fn splitlines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let breaks = matches!(c, '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}')
            || c == '\u{2028}'
            || c == '\u{2029}';
        if !breaks {
            continue;
        }
        lines.push(&s[start..at]);
        let mut end = at + c.len_utf8();
        if c == '\r' {
            if let Some(&(next_at, '\n')) = chars.peek() {
                chars.next();
                end = next_at + 1;
            }
        }
        start = end;
    }
    if start < s.len() {
        lines.push(&s[start..]);
    }
    lines
}

/// `float(text)` for the inputs a frontmatter value can hold: surrounding whitespace, a sign,
/// `inf` / `infinity` / `nan` in any case, decimal digits with single underscores between
/// digits (PEP 515), a fraction and an exponent. `None` where Python raises `ValueError`.
/// (Python also accepts non-ASCII decimal digits; a frontmatter never had one in practice.)
pub fn parse_float(text: &str) -> Option<f64> {
    let text = strip(text);
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = unsigned.to_ascii_lowercase();
    let magnitude = if lower == "inf" || lower == "infinity" {
        f64::INFINITY
    } else if lower == "nan" {
        f64::NAN
    } else {
        decimal(unsigned)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// An unsigned decimal literal as Python's float() reads it, underscores between digits allowed.
fn decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut plain = String::with_capacity(text.len());
    let (mut digits, mut seen_dot, mut seen_exp, mut exp_digits) = (0usize, false, false, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                if seen_exp {
                    exp_digits += 1;
                } else {
                    digits += 1;
                }
                plain.push(char::from(b));
            }
            b'_' => {
                let between =
                    i > 0 && bytes[i - 1].is_ascii_digit() && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                if !between {
                    return None;
                }
            }
            b'.' if !seen_dot && !seen_exp => {
                seen_dot = true;
                plain.push('.');
            }
            b'e' | b'E' if !seen_exp && digits > 0 => {
                seen_exp = true;
                plain.push('e');
                if let Some(&sign @ (b'+' | b'-')) = bytes.get(i + 1) {
                    plain.push(char::from(sign));
                }
            }
            b'+' | b'-' if i > 0 && matches!(bytes[i - 1], b'e' | b'E') => {}
            _ => return None,
        }
    }
    if digits == 0 || (seen_exp && exp_digits == 0) {
        return None;
    }
    plain.parse().ok()
}

/// `repr(x)` (which is also `str(x)`) for a float: the shortest digits that round-trip, in
/// positional notation when the decimal exponent is in [-4, 16), else `d.ddde±XX`.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    // `{:e}` gives the shortest round-trip digits too: "-1.2345e19", "1e-5", "0e0".
    let sci = format!("{x:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::from(sign);
    if (-4..16).contains(&exponent) {
        if exponent >= 0 {
            let int_len = usize::try_from(exponent).unwrap_or(0) + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.push_str(&"0".repeat(int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat(usize::try_from(-exponent - 1).unwrap_or(0)));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!("e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.unsigned_abs()));
    }
    out
}

/// `repr(s)` for a string: single quotes unless the text holds a single quote and no double
/// quote; backslash, the quote, `\t` `\n` `\r` and non-printable characters escaped.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !is_printable(c) => {
                let code = u32::from(c);
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code <= 0xffff {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `str(list_of_str)`: `['a', "b'c"]`.
pub fn list_repr(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|item| str_repr(item)).collect();
    format!("[{}]", parts.join(", "))
}

/// Python's `str.isprintable()` for one character: not a control or format character, not a
/// separator other than the space, not private use. Unassigned code points (which Python also
/// escapes) are not tracked; they cannot be typed into a frontmatter by accident.
fn is_printable(c: char) -> bool {
    let code = u32::from(c);
    let control = code < 0x20 || (0x7f..=0xa0).contains(&code);
    let separator = matches!(code, 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000);
    let format = matches!(
        code,
        0xad | 0x600..=0x605
            | 0x61c
            | 0x6dd
            | 0x70f
            | 0x890..=0x891
            | 0x8e2
            | 0x180e
            | 0x200b..=0x200f
            | 0x202a..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0x110bd
            | 0x110cd
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
    );
    let private = matches!(code, 0xe000..=0xf8ff | 0xf0000..=0xffffd | 0x100000..=0x10fffd);
    let nonchar = (code & 0xfffe) == 0xfffe || (0xfdd0..=0xfdef).contains(&code);
    !(control || separator || format || private || nonchar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitlines_matches_python() {
        assert_eq!(splitlines("a\nb\r\nc\rd\u{c}e\u{85}f\u{2028}g\n"), ["a", "b", "c", "d", "e", "f", "g"]);
        assert_eq!(splitlines(""), Vec::<&str>::new());
        assert_eq!(splitlines("\n\n"), ["", ""]);
        assert_eq!(splitlines("x\r"), ["x"]);
    }

    #[test]
    fn floats_parse_and_print_as_python() {
        let cases = [
            ("0.2", "0.2"),
            ("1", "1.0"),
            ("1e-5", "1e-05"),
            ("12345678901234567890", "1.2345678901234567e+19"),
            ("1e16", "1e+16"),
            ("1_0.5", "10.5"),
            (" 0.50 ", "0.5"),
            ("-0.0", "-0.0"),
            ("-Infinity", "-inf"),
            ("NaN", "nan"),
            ("123456789012345.6", "123456789012345.6"),
            ("0.0001", "0.0001"),
            ("0.00001234", "1.234e-05"),
            (".5", "0.5"),
            ("5.", "5.0"),
            ("1E+2", "100.0"),
            ("9999999999999998", "9999999999999998.0"),
        ];
        for (text, repr) in cases {
            assert_eq!(parse_float(text).map(float_repr).as_deref(), Some(repr), "{text}");
        }
        for bad in ["warm", "", "_1", "1_", "1__0", "1e", "e5", "1.2.3", "0x10", "1_.5", "[1, 2]", "++1", "inf_"] {
            assert_eq!(parse_float(bad), None, "{bad}");
        }
    }

    #[test]
    fn reprs_match_python() {
        let items: Vec<String> =
            ["a", "b'c", "d\"e", "x'y\"z", "tab\there", "é", "\u{85}"].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(list_repr(&items), r#"['a', "b'c", 'd"e', 'x\'y"z', 'tab\there', 'é', '\x85']"#);
    }
}
