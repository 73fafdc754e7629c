//! Sanitised HTML (the output of [`crate::markdown::render`], as lowering prepares it) → the
//! XHTML subset QTI 2.1 and QTI 3.0 allow inside item bodies, choices and feedback.
//!
//! QTI content is XML in the QTI namespace with a fixed list of XHTML elements, so the fragment is
//! rewritten tag by tag: elements both QTI versions know are kept with the attributes QTI gives
//! them (`a href`; `img src alt width height`, `alt` always present; `th`/`td` `colspan`
//! `rowspan`), void elements are closed (`<br/>`), elements QTI lacks (`del`, `u`, `mark`, …) are
//! replaced by their content, task-list check boxes and embedded objects are dropped, and the
//! HTML entity `&nbsp;` becomes `&#160;`. In inline mode (inline feedback, which QTI restricts to
//! inline content) block elements are replaced by their content too, separated by a space.
//!
//! The input is what ammonia serialises (balanced, attributes double-quoted, text escaped), so a
//! linear scan is enough; anything unexpected is escaped as text, and elements left open are
//! closed at the end, so the output is always well-formed.

use crate::export::xml::escape_into;

/// Elements kept (both QTI 2.1 and 3.0 have them) that may hold content.
const KEEP: &[&str] = &[
    "a",
    "abbr",
    "address",
    "b",
    "big",
    "blockquote",
    "caption",
    "cite",
    "code",
    "colgroup",
    "dd",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "i",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "var",
];

/// Void elements kept (written `<name/>`).
const KEEP_VOID: &[&str] = &["br", "hr", "img", "col"];

/// Elements dropped with their content.
const DROP_WITH_CONTENT: &[&str] = &["script", "style", "template", "iframe", "object", "embed", "math"];

/// Block elements unwrapped in inline mode.
const BLOCK: &[&str] = &[
    "address",
    "blockquote",
    "caption",
    "colgroup",
    "dd",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ol",
    "p",
    "pre",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Converts a sanitised HTML fragment to QTI XHTML (block content allowed).
pub fn flow(html: &str) -> String {
    convert(html, false)
}

/// Converts a sanitised HTML fragment to QTI inline content (blocks unwrapped).
pub fn inline(html: &str) -> String {
    convert(html, true)
}

fn convert(html: &str, inline: bool) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut open: Vec<&'static str> = Vec::new();
    let mut skip_until: Option<String> = None;
    let mut open_links_without_href = 0usize;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        if skip_until.is_none() {
            text(&mut out, &rest[..lt]);
        }
        rest = &rest[lt..];
        let Some(tag) = parse_tag(rest) else {
            // A lone `<`: text.
            if skip_until.is_none() {
                out.push_str("&lt;");
            }
            rest = &rest[1..];
            continue;
        };
        rest = &rest[tag.len..];
        let name = tag.name.to_ascii_lowercase();
        if let Some(until) = &skip_until {
            if tag.closing && &name == until {
                skip_until = None;
            }
            continue;
        }
        if DROP_WITH_CONTENT.contains(&name.as_str()) {
            if !tag.closing && !tag.self_closing {
                skip_until = Some(name);
            }
            continue;
        }
        let block = inline && BLOCK.contains(&name.as_str());
        if block || (inline && name == "hr") {
            // Keep words of neighbouring blocks apart.
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            continue;
        }
        if let Some(void) = KEEP_VOID.iter().find(|v| **v == name) {
            if !tag.closing {
                write_start(&mut out, void, &tag.attrs, true);
            }
            continue;
        }
        let Some(keep) = KEEP.iter().find(|k| **k == name) else {
            continue; // unwrapped: the content stays, the tag goes
        };
        // QTI requires `href` on links: a link the sanitiser emptied is its text.
        if *keep == "a" && !tag.closing && !tag.attrs.iter().any(|(k, v)| k == "href" && !v.is_empty()) {
            open_links_without_href += 1;
            continue;
        }
        if *keep == "a" && tag.closing && open_links_without_href > 0 && !open.contains(&"a") {
            open_links_without_href -= 1;
            continue;
        }
        if tag.closing {
            if let Some(at) = open.iter().rposition(|o| o == keep) {
                while open.len() > at {
                    if let Some(o) = open.pop() {
                        close(&mut out, o);
                    }
                }
            }
        } else if tag.self_closing {
            write_start(&mut out, keep, &tag.attrs, false);
            close(&mut out, keep);
        } else {
            write_start(&mut out, keep, &tag.attrs, false);
            open.push(keep);
        }
    }
    if skip_until.is_none() {
        text(&mut out, rest);
    }
    while let Some(o) = open.pop() {
        close(&mut out, o);
    }
    if inline { collapse_whitespace(&out) } else { out }
}

/// Runs of whitespace as one space, trimmed (inline content has no line structure).
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_ascii_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Copies escaped text, turning the one HTML-only entity the serialiser writes into XML and
/// dropping the characters XML 1.0 cannot carry (as [`crate::export::xml::escape`] does).
fn text(out: &mut String, text: &str) {
    let text: std::borrow::Cow<'_, str> = if text.contains("&nbsp;") {
        std::borrow::Cow::Owned(text.replace("&nbsp;", "&#160;"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    if text.chars().all(xml_char) {
        out.push_str(&text);
    } else {
        out.extend(text.chars().filter(|&c| xml_char(c)));
    }
}

/// Whether XML 1.0 (and HTML) text can carry the character.
fn xml_char(c: char) -> bool {
    (!c.is_control() || matches!(c, '\t' | '\n' | '\r')) && c != '\u{FFFE}' && c != '\u{FFFF}'
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Writes a start tag with the attributes QTI allows on that element.
fn write_start(out: &mut String, name: &str, attrs: &[(String, String)], void: bool) {
    out.push('<');
    out.push_str(name);
    let get = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let mut put = |key: &str, value: &str| {
        out.push(' ');
        out.push_str(key);
        out.push_str("=\"");
        escape_into(out, value);
        out.push('"');
    };
    match name {
        "a" => {
            if let Some(href) = get("href") {
                put("href", href);
            }
        }
        "img" => {
            put("src", get("src").unwrap_or_default());
            put("alt", get("alt").unwrap_or_default());
            for key in ["width", "height"] {
                if let Some(v) = get(key).filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())) {
                    put(key, v);
                }
            }
        }
        "td" | "th" => {
            for key in ["colspan", "rowspan"] {
                if let Some(v) = get(key).filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())) {
                    put(key, v);
                }
            }
        }
        _ => {}
    }
    out.push_str(if void { "/>" } else { ">" });
}

/// One parsed tag.
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    self_closing: bool,
    /// Attribute names (lower case) and unescaped values.
    attrs: Vec<(String, String)>,
    /// Bytes the tag takes, from `<` to `>` inclusive.
    len: usize,
}

/// Parses a tag at the start of `s` (which starts with `<`); `None` when it is no tag (a `<` in
/// text, a comment or a declaration, which the sanitiser never leaves but are skipped as text).
fn parse_tag(s: &str) -> Option<Tag<'_>> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    if i == name_start || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = &s[name_start..i];
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => return Some(Tag { name, closing, self_closing: false, attrs, len: i + 1 }),
            b'/' if bytes.get(i + 1) == Some(&b'>') => {
                return Some(Tag { name, closing, self_closing: true, attrs, len: i + 2 });
            }
            _ => {}
        }
        let key_start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b'/') && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = s[key_start..i].to_ascii_lowercase();
        if i == key_start {
            i += 1; // a stray `/`
            continue;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            match bytes.get(i)? {
                q @ (b'"' | b'\'') => {
                    let end = s[i + 1..].find(*q as char)? + i + 1;
                    value = unescape(&s[i + 1..end]);
                    i = end + 1;
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && bytes[i] != b'>' && !bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    value = unescape(&s[start..i]);
                }
            }
        }
        attrs.push((key, value));
    }
}

/// Undoes the escapes the HTML serialiser writes in attribute values.
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    value
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_qti_elements_closes_voids_and_unwraps_the_rest() {
        let html = crate::markdown::render(
            "Some *text* ~~gone~~ and a [link](https://example.org \"t\")  \nline\n\n![A plot](assets/p.png)\n\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n",
        );
        let x = flow(&html);
        assert!(x.contains("<em>text</em> gone and"), "{x}");
        assert!(x.contains("<a href=\"https://example.org\">link</a>"), "no rel/title: {x}");
        assert!(x.contains("<br/>"), "{x}");
        assert!(x.contains("<img src=\"assets/p.png\" alt=\"A plot\"/>"), "{x}");
        assert!(!x.contains("<input") && !x.contains("<del"), "{x}");
        assert!(x.contains("<hr/>") && x.contains("<td>1</td>"), "{x}");
    }

    #[test]
    fn inline_mode_unwraps_blocks_and_output_is_well_formed() {
        let x = inline("<p>One &amp; two&nbsp;three</p>\n<ul>\n<li>a</li>\n<li><em>b</em></li>\n</ul>");
        assert_eq!(x, "One &amp; two&#160;three a <em>b</em>");
        assert_eq!(flow("<p>open <em>never closed"), "<p>open <em>never closed</em></p>");
        assert_eq!(flow("a < b <script>x</script> c"), "a &lt; b  c");
        assert_eq!(flow("<img src=\"x.png\">"), "<img src=\"x.png\" alt=\"\"/>");
        assert_eq!(flow("<p><a rel=\"noopener\">x</a> y\u{1}</p>"), "<p>x y</p>");
        assert_eq!(
            flow("<a href=\"?a=1&amp;b=&quot;2&quot;\">x</a>"),
            "<a href=\"?a=1&amp;b=&quot;2&quot;\">x</a>"
        );
    }
}
