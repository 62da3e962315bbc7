//! Texts rendered as HTML strings: the one escaper, the diff banner's rows and the conflict
//! dialog's panes. Each is built as one string, because one component per line costs far more
//! on a 10,000-line file.

use super::diff::{diff_lines, DiffLine, LineTag};

/// Appends `text` escaped for HTML element content and attribute values.
pub fn push_escaped(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            _ => html.push(c),
        }
    }
}

/// `text` escaped for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text);
    out
}

/// The rows of the diff banner as HTML: one element per line, `diff-add` / `diff-del` classes.
pub fn diff_html(mine: &str, disk: &str) -> String {
    rows_html(&diff_lines(mine, disk))
}

/// Some of those rows (the banner shows only the rows in view of a long diff).
pub fn rows_html(rows: &[DiffLine]) -> String {
    let mut html = String::with_capacity(rows.iter().map(|r| r.text.len() + 40).sum());
    for row in rows {
        let class = row.tag.class();
        if class.is_empty() {
            html.push_str("<div class=\"diff-line\">");
        } else {
            html.push_str("<div class=\"diff-line ");
            html.push_str(class);
            html.push_str("\">");
        }
        html.push_str(row.tag.prefix());
        push_escaped(&mut html, &row.text);
        html.push_str("</div>");
    }
    html
}

/// Where each pane's first difference starts (the dialog scrolls it into view).
pub const FIRST_DIFF: &str = "<span class=\"pane-first-diff\"></span>";

/// The HTML of the two panes, (mine, disk): each pane's exact text (its `textContent` is the text
/// itself), with the lines only in mine wrapped as `diff-add` in the mine pane and the lines only
/// on disk as `diff-del` in the disk pane.
pub fn pane_html(mine: &str, disk: &str) -> (String, String) {
    let mut mine_lines = mine.split_inclusive('\n');
    let mut disk_lines = disk.split_inclusive('\n');
    let mut mine_html = String::with_capacity(mine.len() + 64);
    let mut disk_html = String::with_capacity(disk.len() + 64);
    let mut seen_difference = false;
    // The rows walk both texts in order: a same row is the next line of each, an add row the next
    // of mine, a del row the next of disk.
    for row in diff_lines(mine, disk) {
        if row.tag != LineTag::Same && !seen_difference {
            seen_difference = true;
            mine_html.push_str(FIRST_DIFF);
            disk_html.push_str(FIRST_DIFF);
        }
        match row.tag {
            LineTag::Same => {
                push_line(&mut mine_html, "", mine_lines.next());
                push_line(&mut disk_html, "", disk_lines.next());
            }
            LineTag::Add => push_line(&mut mine_html, row.tag.class(), mine_lines.next()),
            LineTag::Del => push_line(&mut disk_html, row.tag.class(), disk_lines.next()),
        }
    }
    (mine_html, disk_html)
}

fn push_line(html: &mut String, class: &str, line: Option<&str>) {
    let Some(line) = line else { return };
    if class.is_empty() {
        push_escaped(html, line);
    } else {
        html.push_str("<span class=\"pane-line ");
        html.push_str(class);
        html.push_str("\">");
        push_escaped(html, line);
        html.push_str("</span>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape("a < b && \"c\" > d"), "a &lt; b &amp;&amp; &quot;c&quot; &gt; d");
        assert_eq!(escape("</textarea>"), "&lt;/textarea&gt;");
    }

    #[test]
    fn diff_html_marks_and_escapes() {
        let html = diff_html("a\n<b>\n", "a\nc\n");
        assert_eq!(
            html,
            "<div class=\"diff-line\"> a</div><div class=\"diff-line diff-del\">-c</div><div class=\"diff-line diff-add\">+&lt;b&gt;</div>"
        );
    }

    #[test]
    fn panes_mark_their_own_side_and_keep_the_exact_text() {
        let (mine, disk) = pane_html("a\n<b>\nc\n", "a\nx & y\nc\n");
        assert_eq!(
            mine,
            "a\n<span class=\"pane-first-diff\"></span><span class=\"pane-line diff-add\">&lt;b&gt;\n</span>c\n"
        );
        assert_eq!(
            disk,
            "a\n<span class=\"pane-first-diff\"></span><span class=\"pane-line diff-del\">x &amp; y\n</span>c\n"
        );
    }

    #[test]
    fn identical_panes_have_no_marks_and_a_missing_final_newline_stays_missing() {
        assert_eq!(pane_html("a\nb", "a\nb"), ("a\nb".to_owned(), "a\nb".to_owned()));
        let (mine, disk) = pane_html("a\nb\nc", "a\nc");
        assert_eq!(mine, "a\n<span class=\"pane-first-diff\"></span><span class=\"pane-line diff-add\">b\n</span>c");
        assert_eq!(disk, "a\n<span class=\"pane-first-diff\"></span>c");
        assert_eq!(pane_html("", ""), (String::new(), String::new()));
    }
}
