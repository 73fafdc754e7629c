//! Tiny HTML helpers for the review packet and the HTML diff: escaping and a few elements.
//! Every piece of document text goes through [`esc`]; Markdown is reduced to plain text with
//! [`crate::markdown::to_plain_text`] so that no link, image or script from the document can
//! reach the packet.

/// Escapes text for element content and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than whitespace are not allowed in HTML or XML text.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Markdown as escaped plain text, paragraphs kept as `<p>`.
pub(crate) fn md_plain(markdown: &str) -> String {
    let text = crate::markdown::to_plain_text(markdown);
    text.split('\n').filter(|l| !l.trim().is_empty()).map(|l| format!("<p>{}</p>", esc(l.trim()))).collect()
}

/// A number with at most one decimal.
pub(crate) fn num(x: f64) -> String {
    super::alignment::fmt_num(x)
}

/// A percentage of a 0–1 share.
pub(crate) fn pct(share: f64) -> String {
    format!("{} %", num(share * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(esc("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn markdown_becomes_plain_paragraphs_without_links() {
        let html = md_plain("Read [this](https://example.org) <script>x</script>\n\nSecond");
        assert!(!html.contains("href"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("<p>Second</p>"), "{html}");
    }
}
