//! The TOML strings memtomem writes: a basic string `"..."`, or — when the text has a line break
//! — a multi-line basic string opened by `"""` and a newline. Its escaping is narrower than a TOML
//! library's (tabs and non-ASCII stay literal, `"""` is broken up as `""\"`), so it is written
//! by hand.

/// A string value as memtomem's `_toml_scalar` writes it.
pub fn string(value: &str) -> String {
    if value.contains('\n') {
        format!("\"\"\"\n{}\"\"\"", multiline(value))
    } else {
        format!("\"{}\"", basic(value))
    }
}

fn control(out: &mut String, c: char) -> bool {
    let code = u32::from(c);
    if code < 0x20 || code == 0x7f {
        out.push_str(&format!("\\u{code:04x}"));
        true
    } else {
        false
    }
}

fn basic(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c => {
                if !control(&mut out, c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

fn multiline(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' | '\t' => out.push(c),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c => {
                if !control(&mut out, c) {
                    out.push(c);
                }
            }
        }
    }
    out.replace("\"\"\"", "\"\"\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_memtomem() {
        assert_eq!(string("Say \"hi\" \\ back\tslash"), r#""Say \"hi\" \\ back\tslash""#);
        assert_eq!(string("a\n\"\"\"b\u{7}\r"), "\"\"\"\na\n\"\"\\\"b\\u0007\\r\"\"\"");
        assert_eq!(string("\"\"\"\""), r#""\"\"\"\"""#);
    }
}
