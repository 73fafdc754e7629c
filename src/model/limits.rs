//! Nesting limits every way into a document shares: how deep the outline, a framework's item
//! hierarchy and HTML inside text may nest.
//!
//! [`super::Document::validate`] enforces the outline and framework limits, so the canonical
//! JSON reader, the store, and the CASE, CSV and cartridge importers refuse the same documents
//! with the same message; the HTML limit is checked by validation (HTML kept in text fields) and
//! by the HTML → Markdown converter of the importers before any HTML is parsed into a tree.
//! The limits are generous for real curricula (outlines are a handful of levels deep, CASE
//! frameworks rarely more than ten, LMS pages a few dozen) and keep every traversal, the
//! store's cascading deletes and the HTML sanitiser far from stack and time exhaustion.

/// Deepest outline accepted: a top-level node is at level 1.
pub const MAX_OUTLINE_DEPTH: usize = 64;

/// Deepest framework item hierarchy accepted: a top-level item is at level 1.
pub const MAX_FRAMEWORK_DEPTH: usize = 64;

/// Deepest HTML element nesting accepted in imported pages and in text fields.
pub const MAX_HTML_DEPTH: usize = 256;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content is text, not markup.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"];

/// Elements an HTML parser does not close implicitly when an unrelated end tag arrives (the
/// "special" category of the HTML parsing algorithm, plus the table-scope boundaries).
const SPECIAL: &[&str] = &[
    "address",
    "applet",
    "article",
    "aside",
    "blockquote",
    "body",
    "button",
    "caption",
    "center",
    "colgroup",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "html",
    "li",
    "listing",
    "main",
    "marquee",
    "menu",
    "nav",
    "noscript",
    "object",
    "ol",
    "p",
    "plaintext",
    "pre",
    "search",
    "section",
    "select",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Scope boundaries: an end tag never closes an element outside them.
const SCOPE: &[&str] = &["applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"];

/// Start tags that close an open `<p>` first.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "search",
    "section",
    "summary",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "listing",
    "form",
    "table",
    "hr",
    "xmp",
    "plaintext",
    "li",
    "dd",
    "dt",
];

/// Whether HTML nests elements more than `limit` deep, and if so the 1-based line where it
/// first does.
///
/// The scan is linear: it keeps a stack of open elements that never grows past `limit`, and
/// follows the HTML parser's main rules closely enough to count what a browser would build (an
/// unclosed `<p>`, `<li>`, `<td>`, `<tr>`, `<option>` is closed by the next one; an end tag
/// does not close special elements such as `<div>` it does not name; void elements and
/// self-closing tags add no level; comments and the content of `<script>`, `<style>`, … are
/// skipped). Text with no more than `limit` `<` characters cannot nest deeper and is not
/// scanned at all.
pub fn html_too_deep(html: &str, limit: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    if bytes.iter().filter(|&&b| b == b'<').count() <= limit {
        return None;
    }
    let mut stack: Vec<String> = Vec::with_capacity(limit + 1);
    let mut line = 1usize;
    let mut i = 0usize;
    // Advances `i` to just past `needle` (or the end), counting lines.
    let skip_to = |i: &mut usize, line: &mut usize, needle: &[u8]| {
        while *i < bytes.len() {
            if bytes[*i..].starts_with(needle) {
                *i += needle.len();
                return;
            }
            if bytes[*i] == b'\n' {
                *line += 1;
            }
            *i += 1;
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
        }
        if b != b'<' {
            i += 1;
            continue;
        }
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"!--") {
            i += 4;
            skip_to(&mut i, &mut line, b"-->");
            continue;
        }
        if rest.first().is_some_and(|c| matches!(c, b'!' | b'?')) {
            i += 2;
            skip_to(&mut i, &mut line, b">");
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = i + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let mut j = name_start;
        while j < bytes.len() && !matches!(bytes[j], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>') {
            j += 1;
        }
        let name = html.get(name_start..j).unwrap_or("").to_ascii_lowercase();
        // The rest of the tag, attribute values in quotes included.
        let mut quote = None;
        let mut self_closing = false;
        while j < bytes.len() {
            let c = bytes[j];
            if c == b'\n' {
                line += 1;
            }
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == b'"' || c == b'\'' => quote = Some(c),
                None if c == b'>' => {
                    self_closing = j > 0 && bytes[j - 1] == b'/';
                    break;
                }
                None => {}
            }
            j += 1;
        }
        i = j + 1;
        if closing {
            close(&mut stack, &name);
            continue;
        }
        implied_close(&mut stack, &name);
        if self_closing || VOID.contains(&name.as_str()) {
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            skip_to(&mut i, &mut line, format!("</{name}").as_bytes());
            continue;
        }
        stack.push(name);
        if stack.len() > limit {
            return Some(line);
        }
    }
    None
}

/// Applies an end tag the way the HTML parser does (closely enough to count levels).
fn close(stack: &mut Vec<String>, name: &str) {
    let special = SPECIAL.contains(&name);
    let boundary = |open: &str| match name {
        "table" => matches!(open, "html" | "template"),
        "tbody" | "thead" | "tfoot" | "tr" | "td" | "th" | "caption" => {
            matches!(open, "table" | "html" | "template")
        }
        // `</span>` does not close a `<div>` opened inside the span; `</div>` does not reach
        // out of a table cell.
        _ => {
            (!special && SPECIAL.contains(&open))
                || SCOPE.contains(&open)
                || (name == "li" && matches!(open, "ol" | "ul"))
                || (name == "p" && open == "button")
        }
    };
    for pos in (0..stack.len()).rev() {
        let open = stack[pos].as_str();
        if open == name {
            stack.truncate(pos);
            return;
        }
        if boundary(open) {
            return;
        }
    }
}

/// Closes what a start tag closes implicitly (an open `<p>` before a block, the previous
/// `<li>`, `<dd>`/`<dt>`, table cell, row or section, `<option>`).
fn implied_close(stack: &mut Vec<String>, name: &str) {
    if CLOSES_P.contains(&name) {
        close(stack, "p");
    }
    fn list_stop(open: &str) -> bool {
        SPECIAL.contains(&open) && !matches!(open, "address" | "div" | "p")
    }
    let (targets, stop): (&[&str], fn(&str) -> bool) = match name {
        "li" => (&["li"], list_stop),
        "dd" | "dt" => (&["dd", "dt"], list_stop),
        "td" | "th" => (&["td", "th"], |o| matches!(o, "table" | "tr" | "html" | "template")),
        "tr" => (&["tr"], |o| matches!(o, "table" | "tbody" | "thead" | "tfoot" | "html" | "template")),
        "tbody" | "thead" | "tfoot" => {
            (&["tbody", "thead", "tfoot"], |o| matches!(o, "table" | "html" | "template"))
        }
        "option" => (&["option"], |_| true),
        _ => return,
    };
    for pos in (0..stack.len()).rev() {
        let open = stack[pos].as_str();
        if targets.contains(&open) {
            stack.truncate(pos);
            return;
        }
        if stop(open) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_found_at_its_line() {
        let deep = format!("<p>\n{}x{}", "<span>".repeat(300), "</span>".repeat(300));
        assert_eq!(html_too_deep(&deep, 256), Some(2));
        let flat = "<span>a</span>".repeat(10_000);
        assert_eq!(html_too_deep(&flat, 256), None);
    }

    #[test]
    fn unclosed_paragraphs_list_items_and_cells_do_not_add_levels() {
        let sloppy = "<p>a<p>b<br><img src=x><ul><li>c<b>x<li>d</ul><table><tr><td>e<td>f<tr><td>g</table>"
            .repeat(500);
        assert_eq!(html_too_deep(&sloppy, 256), None);
        let comments = "<!-- <div> --><script>if (a <b) {}</script><hr/>".repeat(500);
        assert_eq!(html_too_deep(&comments, 256), None);
    }

    #[test]
    fn end_tags_that_cannot_close_a_block_do_not_hide_depth() {
        let tricky = "<span><div></span>".repeat(300);
        assert!(html_too_deep(&tricky, 256).is_some());
    }
}
