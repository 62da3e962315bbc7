//! Finding the frontmatter block the way the runtimes' loaders do: an opening `---` on the very
//! first line, a closing `---` on a line of its own, the YAML between.

/// Where the frontmatter is, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// No `---` opens the file (after any BOM and blank lines).
    Missing,
    /// Opened on `line`, never closed.
    Unclosed { line: u32 },
    /// `yaml` is the text between the fences with line endings made LF, starting on file line
    /// `first_line`; the body starts on `body_line`.
    Closed { yaml: String, first_line: u32, body_line: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Front<'a> {
    /// A UTF-8 byte order mark before everything.
    pub bom: bool,
    /// Blank lines before the opening `---`.
    pub blank_lines: u32,
    pub block: Block,
    /// The text after the closing fence (all of it when there is no block).
    pub body: &'a str,
    /// Fence lines with spaces or tabs after the `---`.
    pub spaced_fences: Vec<u32>,
    /// No fence closes the block, but this indented `---` line does for lenient readers.
    pub indented_close: Option<u32>,
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches([' ', '\t', '\r']) == "---"
}

fn is_spaced(line: &str) -> bool {
    line.trim_end_matches('\r').ends_with([' ', '\t'])
}

fn line_no(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// Splits `text` into its frontmatter block and body.
pub fn split(text: &str) -> Front<'_> {
    let (bom, rest) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut offsets = Vec::new();
    let mut start = 0;
    for (i, b) in rest.bytes().enumerate() {
        if b == b'\n' {
            offsets.push((start, i));
            start = i + 1;
        }
    }
    if start < rest.len() {
        offsets.push((start, rest.len()));
    }
    let line = |i: usize| offsets.get(i).map(|&(s, e)| &rest[s..e]);
    let blank_lines = offsets.iter().take_while(|&&(s, e)| rest[s..e].trim().is_empty()).count();
    let missing = Front {
        bom,
        blank_lines: 0,
        block: Block::Missing,
        body: rest,
        spaced_fences: Vec::new(),
        indented_close: None,
    };
    match line(blank_lines) {
        Some(first) if is_fence(first) => {}
        _ => return missing,
    }
    let open = blank_lines;
    let strict = (open + 1..offsets.len()).find(|&i| line(i).is_some_and(is_fence));
    let indented = || (open + 1..offsets.len()).find(|&i| line(i).is_some_and(|l| l.trim() == "---"));
    let (close, indented_close) = match strict {
        Some(close) => (close, None),
        None => match indented() {
            Some(close) => (close, Some(line_no(close))),
            None => {
                return Front {
                    bom,
                    blank_lines: u32::try_from(blank_lines).unwrap_or(u32::MAX),
                    block: Block::Unclosed { line: line_no(open) },
                    body: "",
                    spaced_fences: Vec::new(),
                    indented_close: None,
                }
            }
        },
    };
    let spaced_fences = [open, close].into_iter().filter(|&i| line(i).is_some_and(is_spaced)).map(line_no).collect();
    let mut yaml = String::new();
    for i in open + 1..close {
        // A lone CR would be a line break to YAML but not to the file's lines: make it a space.
        yaml.push_str(&line(i).unwrap_or("").trim_end_matches('\r').replace('\r', " "));
        yaml.push('\n');
    }
    let body_start = offsets.get(close + 1).map_or(rest.len(), |&(s, _)| s);
    Front {
        bom,
        blank_lines: u32::try_from(blank_lines).unwrap_or(u32::MAX),
        block: Block::Closed { yaml, first_line: line_no(open + 1), body_line: line_no(close + 1) },
        body: &rest[body_start..],
        spaced_fences,
        indented_close,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_block_with_crlf() {
        let front = split("---\r\nname: a\r\n---\r\nbody\r\n");
        assert_eq!(front.block, Block::Closed { yaml: "name: a\n".into(), first_line: 2, body_line: 4 });
        assert_eq!(front.body, "body\r\n");
    }

    #[test]
    fn bom_and_blank_lines_are_seen() {
        let front = split("\u{feff}\n\n---\nname: a\n---\n");
        assert!(front.bom);
        assert_eq!(front.blank_lines, 2);
        assert_eq!(front.block, Block::Closed { yaml: "name: a\n".into(), first_line: 4, body_line: 6 });
    }

    #[test]
    fn unclosed_and_missing() {
        assert_eq!(split("---\nname: a\n").block, Block::Unclosed { line: 1 });
        assert_eq!(split("# title\n---\n").block, Block::Missing);
        assert_eq!(split("").block, Block::Missing);
    }

    #[test]
    fn spaced_and_indented_fences_are_seen() {
        let front = split("---  \nname: a\n  ---\nbody\n");
        assert_eq!(front.spaced_fences, vec![1]);
        assert_eq!(front.indented_close, Some(3));
        assert_eq!(front.block, Block::Closed { yaml: "name: a\n".into(), first_line: 2, body_line: 4 });
        // A real fence later wins over an indented one (a literal block holding `  ---`).
        let front = split("---\nd: |\n  ---\n---\n");
        assert_eq!(front.indented_close, None);
        assert_eq!(front.block, Block::Closed { yaml: "d: |\n  ---\n".into(), first_line: 2, body_line: 5 });
    }

    #[test]
    fn a_fence_inside_a_value_is_not_the_end() {
        let front = split("---\ndescription: a --- b\n---\n");
        assert_eq!(front.block, Block::Closed { yaml: "description: a --- b\n".into(), first_line: 2, body_line: 4 });
    }
}
