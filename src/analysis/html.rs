//! Tiny HTML helpers for the review packet and the HTML diff: the escaper and a few elements,
//! and the packet's stylesheet ([`CSS`], also used by the stand-alone HTML diff). Every piece of
//! document text goes through [`esc`]; Markdown is reduced to plain text with
//! [`crate::markdown::to_plain_text`] so that no link, image or script from the document can
//! reach the packet.

/// The crate's one HTML/XML escaper ([`crate::export::xml::escape`]), under the short name the
/// packet's templates use.
pub(crate) use crate::export::xml::escape as esc;

/// The stylesheet of the review packet and of the stand-alone HTML diff, screen and print
/// (inlined in a `<style>` element: the packet is one self-contained file). It contains no `<`,
/// so the packet stays parseable as XML too.
pub(crate) const CSS: &str = include_str!("review.css");

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
        assert_eq!(esc("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    }

    #[test]
    fn markdown_becomes_plain_paragraphs_without_links() {
        let html = md_plain("Read [this](https://example.org) <script>x</script>\n\nSecond");
        assert!(!html.contains("href"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("<p>Second</p>"), "{html}");
    }
}
