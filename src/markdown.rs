//! Markdown rendering: the only place pulldown-cmark options are set and the only place HTML
//! is sanitised (ammonia). The app preview and every exporter call [`render`], so raw HTML
//! in a document can never reach a learner unsanitised.

use pulldown_cmark::{Options, Parser, html};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders Markdown to sanitised HTML. Scripts, event handlers, `javascript:` URLs, iframes and
/// styles are removed; images and links keep relative URLs so packaged assets resolve, but a
/// protocol-relative URL (`//host/…`, a remote reference) loses its `href`/`src`.
pub fn render(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options()));
    sanitize(&unsafe_html)
}

/// The Markdown parser with the options [`render`] uses, for analysis that must see what the
/// author wrote, raw HTML included (the accessibility check reads inline styles and media the
/// sanitiser drops). Its events are NOT sanitised: never render them for display or export.
pub(crate) fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, options())
}

/// Renders Markdown meant to sit inside one line (choice texts, titles): no wrapping `<p>`.
pub fn render_inline(markdown: &str) -> String {
    let html = render(markdown);
    let trimmed = html.trim();
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => trimmed.to_owned(),
    }
}

/// Sanitises an HTML fragment with the same policy as [`render`].
pub fn sanitize(html: &str) -> String {
    policy().clean(html).to_string()
}

/// The sanitising policy, built once (building it costs more than cleaning a short fragment).
fn policy() -> &'static ammonia::Builder<'static> {
    static POLICY: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    POLICY.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .url_relative(ammonia::UrlRelative::Custom(Box::new(keep_local_reference)))
            .link_rel(Some("noopener noreferrer"))
            .add_tag_attributes("img", ["alt", "title", "width", "height"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tags(["input"]);
        builder
    })
}

/// Keeps a relative URL unless a browser would resolve it to another host: `//host/x`, and the
/// forms browsers read the same way (`\\host`, `/\host`, with tabs, newlines or leading spaces
/// and control characters, which browsers strip). Returning `None` drops the attribute.
fn keep_local_reference(url: &str) -> Option<std::borrow::Cow<'_, str>> {
    let mut lead = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c });
    let remote = lead.next() == Some('/') && lead.next() == Some('/');
    (!remote).then_some(std::borrow::Cow::Borrowed(url))
}

/// Plain text of a Markdown fragment (for titles, LMS descriptions, search).
pub fn to_plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_structure() {
        let html = render("# Title\n\nSome *emphasis* and a [link](https://example.org).");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<em>emphasis</em>"), "{html}");
        assert!(html.contains(r#"href="https://example.org""#), "{html}");
    }

    #[test]
    fn strips_scripts_handlers_and_javascript_urls() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n\n<iframe src=\"https://evil\"></iframe>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
    }

    #[test]
    fn keeps_relative_asset_links_and_alt_text() {
        let html = render("![A histogram](assets/hist.png)");
        assert!(html.contains(r#"src="assets/hist.png""#), "{html}");
        assert!(html.contains(r#"alt="A histogram""#), "{html}");
    }

    #[test]
    fn drops_protocol_relative_links_and_images() {
        for source in [
            "[a](//evil.example/x)",
            "![i](//evil.example/i.png)",
            "<a href=\"//evil.example\">x</a>",
            "<img src=\"//evil.example/i.png\">",
            "<a href=\"/\\evil.example\">x</a>",
            "<a href=\"\\\\evil.example\">x</a>",
            "<a href=\" /&#9;/evil.example\">x</a>",
        ] {
            let html = render(source);
            assert!(!html.contains("evil.example"), "{source} gave {html}");
        }
        let html = render("[a](/root/x) [b](../up/y) [c](#top) [d](https://example.org/z)");
        for kept in ["/root/x", "../up/y", "#top", "https://example.org/z"] {
            assert!(html.contains(&format!("href=\"{kept}\"")), "{kept}: {html}");
        }
    }

    #[test]
    fn inline_rendering_drops_the_paragraph() {
        assert_eq!(render_inline("a **b**"), "a <strong>b</strong>");
    }
}
