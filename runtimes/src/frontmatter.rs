//! memtomem's canonical frontmatter: a `---` block at the very start (after one BOM is dropped
//! and CRLF becomes LF) holding a flat YAML subset — `key: value`, inline `[a, b]` and block
//! `- a` lists, surrounding quotes stripped, everything else silently skipped. No YAML library
//! reads it the same way (`key: [a, b]` stays a list only at the top level, quotes are never
//! unescaped, `#` is a comment only at the start of a line), hence this reader.

use crate::py;

/// One frontmatter value. Scalars are never typed: `temperature: 0.5` is the text `0.5`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    List(Vec<String>),
    /// `key:` with nothing after it and no block list below.
    Null,
}

impl Value {
    /// Python truthiness: empty text, an empty list and a missing value are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Str(s) => !s.is_empty(),
            Value::List(items) => !items.is_empty(),
            Value::Null => false,
        }
    }

    /// Python's `str(value)`: lists print as Python reprs (`['a', 'b']`).
    pub fn to_py_string(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::List(items) => py::list_repr(items),
            Value::Null => "None".into(),
        }
    }
}

/// The parsed keys, in first-appearance order; a repeated key keeps its place and takes the
/// later value (a Python dict).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontmatter {
    entries: Vec<(String, Value)>,
}

impl Frontmatter {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// `frontmatter.get(key)` used as a condition.
    pub fn truthy(&self, key: &str) -> bool {
        self.get(key).is_some_and(Value::truthy)
    }

    /// `frontmatter.get(a) or frontmatter.get(b)`.
    pub fn first_truthy(&self, a: &str, b: &str) -> Option<&Value> {
        if self.truthy(a) {
            self.get(a)
        } else {
            self.get(b)
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    fn insert(&mut self, key: String, value: Value) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }
}

/// Drops one leading BOM and turns CRLF into LF (a lone CR stays).
pub fn normalize(content: &str) -> String {
    content.strip_prefix('\u{feff}').unwrap_or(content).replace("\r\n", "\n")
}

/// Finds the frontmatter of normalized text: `^---\n(.*?)\n---\n?`. Returns the YAML text and
/// where the body starts. Note that the closing line only has to *start* with `---`.
pub fn split(content: &str) -> Option<(&str, usize)> {
    let rest = content.strip_prefix("---\n")?;
    let close = rest.find("\n---")?;
    let yaml = &rest[..close];
    let mut end = 4 + close + 4;
    if content.as_bytes().get(end) == Some(&b'\n') {
        end += 1;
    }
    Some((yaml, end))
}

/// `'x'` / `"x"` → `x`: one matching pair of quotes around at least nothing.
pub fn strip_quotes(value: &str) -> &str {
    let mut chars = value.chars();
    match (chars.next(), chars.next_back()) {
        (Some(first), Some(last)) if first == last && (first == '\'' || first == '"') => {
            &value[first.len_utf8()..value.len() - last.len_utf8()]
        }
        _ => value,
    }
}

/// `^([A-Za-z_][\w-]*)\s*:\s*(.*)$` on one line: the key and the stripped value.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let mut key_end = first.len_utf8();
    for (at, c) in chars {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            key_end = at + c.len_utf8();
        } else {
            break;
        }
    }
    let after = line[key_end..].trim_start_matches(py::is_space);
    let value = after.strip_prefix(':')?;
    Some((&line[..key_end], py::strip(value)))
}

/// The flat YAML subset. Lines that fit no rule are skipped, as in memtomem.
pub fn parse_flat_yaml(text: &str) -> Frontmatter {
    let mut result = Frontmatter::default();
    let lines = py::splitlines(text);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let stripped = py::strip(line);
        if stripped.is_empty() || stripped.starts_with('#') {
            i += 1;
            continue;
        }
        let Some((key, value)) = key_value(line) else {
            i += 1;
            continue;
        };
        if value.is_empty() {
            let mut items = Vec::new();
            let mut j = i + 1;
            while j < lines.len() {
                let next = py::strip(lines[j]);
                if let Some(item) = next.strip_prefix("- ") {
                    items.push(strip_quotes(py::strip(item)).to_owned());
                    j += 1;
                } else if next.is_empty() {
                    j += 1;
                } else {
                    break;
                }
            }
            if items.is_empty() {
                result.insert(key.to_owned(), Value::Null);
                i += 1;
            } else {
                result.insert(key.to_owned(), Value::List(items));
                i = j;
            }
            continue;
        }
        if value.starts_with('[') && value.ends_with(']') && value.len() >= 2 {
            let inner = &value[1..value.len() - 1];
            let items = inner
                .split(',')
                .map(py::strip)
                .filter(|tok| !tok.is_empty())
                .map(|tok| strip_quotes(tok).to_owned())
                .collect();
            result.insert(key.to_owned(), Value::List(items));
        } else {
            result.insert(key.to_owned(), Value::Str(strip_quotes(value).to_owned()));
        }
        i += 1;
    }
    result
}

/// The body after the frontmatter as memtomem keeps it: leading newlines and trailing
/// whitespace dropped, one final `\n`.
pub fn body(rest: &str) -> String {
    let mut body = py::rstrip(rest.trim_start_matches('\n')).to_owned();
    body.push('\n');
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_flat_subset() {
        let fm = parse_flat_yaml(
            "# c\nname: \"x\"\ntools: [a, 'b', , c ]\nskills:\n  - one\n\n  - \"two\"\nmodel:\nodd line\n  indented: no\nk :  v  \n",
        );
        assert_eq!(fm.get("name"), Some(&Value::Str("x".into())));
        assert_eq!(fm.get("tools"), Some(&Value::List(vec!["a".into(), "b".into(), "c".into()])));
        assert_eq!(fm.get("skills"), Some(&Value::List(vec!["one".into(), "two".into()])));
        assert_eq!(fm.get("model"), Some(&Value::Null));
        assert_eq!(fm.get("indented"), None);
        assert_eq!(fm.get("k"), Some(&Value::Str("v".into())));
    }

    #[test]
    fn frontmatter_bounds() {
        assert_eq!(split("---\na: b\n---\nbody"), Some(("a: b", 13)));
        assert_eq!(split("---\na: b\n----\nbody"), Some(("a: b", 12)));
        assert_eq!(split("---\na: b\n---"), Some(("a: b", 12)));
        assert_eq!(split("---\n---\nbody"), None);
        assert_eq!(split("---\n\n---\nbody"), Some(("", 9)));
        assert_eq!(split("x\n---\na\n---\n"), None);
    }
}
