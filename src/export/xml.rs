//! The one HTML/XML escaper of the crate ([`escape`]) and a small, deterministic XML writer for
//! package files: elements, attributes and text written in the order given, two-space
//! indentation. It builds a `String` (package files are small; the zip streams them out one at a
//! time). It deliberately has no namespace handling beyond writing the attributes it is given.
//!
//! Every place that writes text or an attribute value into HTML or XML (package files, lesson
//! and cartridge pages, the review packet, the HTML diff, HTML kept inside imported Markdown)
//! escapes it with [`escape`]: one rule set, valid in XML 1.0 and in HTML5.

/// Escapes text for element content and double- or single-quoted attribute values, in XML and
/// in HTML: `&`, `<`, `>`, `"` and `'` become `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;`.
/// Characters neither XML 1.0 nor HTML accept in text are dropped: the C0 controls other than
/// tab, line feed and carriage return, DEL and the C1 controls (U+007F–U+009F), U+FFFE and
/// U+FFFF.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

/// [`escape`] appended to `out`; text with nothing to escape (most of it) is copied as is.
pub fn escape_into(out: &mut String, text: &str) {
    // U+FFFE and U+FFFF are EF BF BE / EF BF BF in UTF-8, the C1 controls C2 80–C2 9F.
    let plain = text.bytes().all(|b| match b {
        b'&' | b'<' | b'>' | b'"' | b'\'' | 0x7F | 0xC2 | 0xEF => false,
        b'\t' | b'\n' | b'\r' => true,
        b => b >= 0x20,
    });
    if plain {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// Formats a number the way LMS files expect it: integers without a fraction
/// (`5`), others with up to four decimals and no trailing zeros (`2.5`).
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Builds one XML document.
pub struct XmlWriter {
    out: String,
    stack: Vec<String>,
    /// Whether the innermost open element has children yet (for closing tags on their own line).
    open_has_children: bool,
}

impl Default for XmlWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl XmlWriter {
    /// A document starting with the UTF-8 XML declaration.
    pub fn new() -> Self {
        XmlWriter {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            stack: Vec::new(),
            open_has_children: true,
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.stack.len() {
            self.out.push_str("  ");
        }
    }

    fn tag_open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value);
            self.out.push('"');
        }
    }

    /// Opens an element; close it with [`XmlWriter::end`].
    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        if !self.open_has_children {
            self.out.push('\n');
        }
        self.tag_open(name, attrs);
        self.out.push('>');
        self.stack.push(name.to_owned());
        self.open_has_children = false;
        self
    }

    /// Closes the innermost open element.
    pub fn end(&mut self) -> &mut Self {
        if let Some(name) = self.stack.pop() {
            if self.open_has_children {
                self.indent();
            }
            self.out.push_str("</");
            self.out.push_str(&name);
            self.out.push_str(">\n");
        }
        self.open_has_children = true;
        self
    }

    /// Ends the line after the innermost open element's start tag, so that its end tag goes on a
    /// line of its own even when nothing is written inside it.
    pub fn open_line(&mut self) -> &mut Self {
        if !self.open_has_children {
            self.out.push('\n');
            self.open_has_children = true;
        }
        self
    }

    /// Writes `<name attrs>text</name>` (or `<name attrs/>` when the text is empty).
    pub fn elem(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        if !self.open_has_children {
            self.out.push('\n');
        }
        self.tag_open(name, attrs);
        if text.is_empty() {
            self.out.push_str("/>\n");
        } else {
            self.out.push('>');
            escape_into(&mut self.out, text);
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
        self.open_has_children = true;
        self
    }

    /// Writes `<name>text</name>` without attributes.
    pub fn text(&mut self, name: &str, text: &str) -> &mut Self {
        self.elem(name, &[], text)
    }

    /// Writes an empty element `<name attrs/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.elem(name, attrs, "")
    }

    /// Closes every open element and returns the document.
    pub fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.end();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_elements_with_escaped_text_and_attributes() {
        let mut w = XmlWriter::new();
        w.start("a", &[("x", "1 < 2 & \"q\"")]);
        w.text("b", "Tom & Jerry <3");
        w.empty("c", &[("href", "x.html")]);
        w.start("d", &[]).end();
        w.start("e", &[]).open_line().end();
        let xml = w.finish();
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1 &lt; 2 &amp; &quot;q&quot;\">\n  <b>Tom &amp; Jerry &lt;3</b>\n  <c href=\"x.html\"/>\n  <d></d>\n  <e>\n  </e>\n</a>\n"
        );
    }

    #[test]
    fn drops_characters_xml_cannot_carry() {
        assert_eq!(escape("a\u{1}b\u{b}c\td"), "abc\td");
        assert_eq!(escape("plain text, nothing to do"), "plain text, nothing to do");
        assert_eq!(escape("é \u{FFFE}\u{FFFF}\u{FFFD}"), "é \u{FFFD}");
        assert_eq!(escape("a\u{7f}b\u{85}c\u{9f}d\u{a0}e"), "abcd\u{a0}e", "DEL and C1 controls go");
        assert_eq!(
            escape("Tom & \"Jerry\" <b>'s</b>"),
            "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&apos;s&lt;/b&gt;"
        );
    }

    #[test]
    fn numbers_are_written_without_needless_fractions() {
        assert_eq!(number(5.0), "5");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(1.0 / 3.0), "0.3333");
        assert_eq!(number(f64::NAN), "0");
    }
}
