//! Frontmatter YAML as a small tree whose every key and value knows its line and column. The
//! parsing is saphyr-parser's (YAML 1.2); this only stacks its events into nodes.

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};
use std::collections::HashSet;

/// Deeper than any frontmatter anyone writes, and shallow enough that dropping the tree never
/// nears the stack's end (block nesting has no limit in the parser itself).
const MAX_DEPTH: usize = 64;

/// A 1-based line and column (in characters) of the artifact's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Scalar(Scalar),
    Seq(Vec<Node>, Pos),
    Map(Vec<Entry>, Pos),
    /// `*anchor`: valid YAML, but nothing here looks through it.
    Alias(Pos),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    /// Plain scalars are typed by YAML's core schema; quoted and block scalars are strings.
    pub plain: bool,
    /// `!!str`, `!!int`, … written out.
    pub tag: Option<String>,
    pub at: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// What a scalar means under YAML 1.2's core schema, the schema of the runtimes' YAML readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

impl Scalar {
    pub fn ty(&self) -> Type {
        if let Some(tag) = &self.tag {
            // saphyr writes `!!int` out as the core schema's full tag.
            let core = tag.strip_prefix("tag:yaml.org,2002:").or_else(|| tag.strip_prefix("!!"));
            return match core {
                Some("null") => Type::Null,
                Some("bool") => Type::Bool,
                Some("int") => Type::Int,
                Some("float") => Type::Float,
                _ => Type::Str,
            };
        }
        if !self.plain {
            return Type::Str;
        }
        let t = self.text.as_str();
        match t {
            "" | "~" | "null" | "Null" | "NULL" => Type::Null,
            "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => Type::Bool,
            ".inf" | ".Inf" | ".INF" | "-.inf" | "-.Inf" | "-.INF" | "+.inf" | ".nan" | ".NaN" | ".NAN" => Type::Float,
            _ if is_int(t) => Type::Int,
            _ if is_float(t) => Type::Float,
            _ => Type::Str,
        }
    }
}

fn is_int(t: &str) -> bool {
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if let Some(hex) = digits.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_float(t: &str) -> bool {
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(whole) && frac.is_none_or(digits) && (whole.len() + frac.map_or(0, str::len)) > 0;
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok && (frac.is_some() || exponent.is_some())
}

impl Node {
    pub fn at(&self) -> Pos {
        match self {
            Node::Scalar(s) => s.at,
            Node::Seq(_, at) | Node::Map(_, at) | Node::Alias(at) => *at,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar that YAML reads as a string.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().filter(|s| s.ty() == Type::Str).map(|s| s.text.as_str())
    }

    /// `string`, `number`, `list`, …: what the user wrote, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Node::Scalar(s) => match s.ty() {
                Type::Null => "empty",
                Type::Bool => "a boolean",
                Type::Int | Type::Float => "a number",
                Type::Str => "a string",
            },
            Node::Seq(..) => "a list",
            Node::Map(..) => "a map",
            Node::Alias(_) => "an alias",
        }
    }
}

/// A YAML syntax error, at its place in the artifact's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: Pos,
    pub message: String,
}

/// A duplicated key: strict readers refuse the file, lenient ones keep the last value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub key: String,
    pub at: Pos,
}

#[derive(Debug, Default)]
pub struct Parsed {
    /// `None` for an empty or comment-only document.
    pub root: Option<Node>,
    pub duplicates: Vec<Duplicate>,
}

enum Frame {
    Seq(Vec<Node>, Pos),
    /// Entries so far, their scalar keys (to see duplicates in linear time), and a key waiting
    /// for its value.
    Map(Vec<Entry>, HashSet<String>, Option<Node>, Pos),
}

/// Parses `yaml`, whose first line is line `first_line` of the file.
pub fn parse(yaml: &str, first_line: u32) -> Result<Parsed, SyntaxError> {
    let pos = |m: &Marker| Pos {
        line: u32::try_from(m.line()).unwrap_or(u32::MAX).saturating_add(first_line - 1),
        column: u32::try_from(m.col()).unwrap_or(u32::MAX).saturating_add(1),
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut out = Parsed::default();
    let mut documents = 0;
    for event in Parser::new_from_str(yaml) {
        let (event, span) = event.map_err(|e| SyntaxError { at: pos(e.marker()), message: e.info().to_owned() })?;
        let at = pos(&span.start);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError { at, message: "more than one YAML document".to_owned() });
                }
                continue;
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if stack.len() >= MAX_DEPTH => {
                return Err(SyntaxError { at, message: format!("nested more than {MAX_DEPTH} levels deep") });
            }
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq(Vec::new(), at));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Frame::Map(Vec::new(), HashSet::new(), None, at));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, at)) => Node::Seq(items, at),
                _ => continue,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, _, _, at)) => Node::Map(entries, at),
                _ => continue,
            },
            Event::Scalar(text, style, _, tag) => Node::Scalar(Scalar {
                text: text.into_owned(),
                plain: style == ScalarStyle::Plain,
                tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                at,
            }),
            Event::Alias(_) => Node::Alias(at),
            _ => continue,
        };
        match stack.last_mut() {
            None => out.root = Some(node),
            Some(Frame::Seq(items, _)) => items.push(node),
            Some(Frame::Map(entries, keys, pending, _)) => match pending.take() {
                None => {
                    if let Some(key) = node.as_scalar() {
                        if !keys.insert(key.text.clone()) {
                            out.duplicates.push(Duplicate { key: key.text.clone(), at: key.at });
                        }
                    }
                    *pending = Some(node);
                }
                Some(key) => entries.push(Entry { key, value: node }),
            },
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_file_lines_and_one_based_columns() {
        let parsed = parse("name: x\ndescription: >\n  folded\n", 2).ok().and_then(|p| p.root);
        let Some(Node::Map(entries, _)) = parsed else { panic!("not a map") };
        assert_eq!(entries[0].key.at(), Pos { line: 2, column: 1 });
        assert_eq!(entries[0].value.at(), Pos { line: 2, column: 7 });
        assert_eq!(entries[1].value.as_str(), Some("folded\n"));
    }

    #[test]
    fn a_syntax_error_has_its_place() {
        let err = parse("name: x\ndescription: a: b\n", 2).err();
        assert_eq!(err.map(|e| e.at.line), Some(3));
    }

    #[test]
    fn core_schema_types() {
        let ty = |t: &str| Scalar { text: t.into(), plain: true, tag: None, at: Pos { line: 1, column: 1 } }.ty();
        assert_eq!(ty("12"), Type::Int);
        assert_eq!(ty("-0x1f"), Type::Int);
        assert_eq!(ty("1.5"), Type::Float);
        assert_eq!(ty("1e3"), Type::Float);
        assert_eq!(ty("true"), Type::Bool);
        assert_eq!(ty("yes"), Type::Str);
        assert_eq!(ty("~"), Type::Null);
        assert_eq!(ty("1.2.3"), Type::Str);
        assert_eq!(ty("."), Type::Str);
    }

    #[test]
    fn tags_are_typed_and_nesting_is_bounded() {
        let parsed = parse("a: !!int 5\nb: !!str 5\nc: !!bool true\n", 2).ok().and_then(|p| p.root);
        let Some(Node::Map(entries, _)) = parsed else { panic!("not a map") };
        let types: Vec<_> = entries.iter().map(|e| e.value.as_scalar().map(Scalar::ty)).collect();
        assert_eq!(types, [Some(Type::Int), Some(Type::Str), Some(Type::Bool)]);
        let deep = format!("m:\n{}x\n", "- ".repeat(200_000));
        assert!(parse(&deep, 2).is_err());
    }

    #[test]
    fn duplicates_are_reported() {
        let parsed = parse("a: 1\nb: 2\na: 3\n", 2).ok();
        assert_eq!(
            parsed.map(|p| p.duplicates),
            Some(vec![Duplicate { key: "a".into(), at: Pos { line: 4, column: 1 } }])
        );
    }
}
