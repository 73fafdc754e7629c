//! A small XML tree for the import formats (manifests, QTI 1.2, Canvas settings), read with
//! quick-xml. It is deliberately strict where XML is dangerous: a document type declaration
//! (DTD) is refused outright, so no entity can be defined, expanded or fetched; only the five
//! predefined entities and character references are resolved. Nesting depth is limited so a
//! hostile file cannot exhaust the stack. Names are kept without their namespace prefix because
//! the formats use several prefixes for the same vocabulary.
//!
//! It does not validate against schemas; the importers check what they need and report the rest.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

use super::safety::{line_col, parse_error, utf8};
use crate::Result;

/// Deepest element nesting accepted.
const MAX_DEPTH: usize = 200;

/// A node of the tree.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    /// An element.
    Element(Element),
    /// Character data (text and CDATA, entities resolved).
    Text(String),
}

/// An element with its local name, attributes (local names) and children.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
    /// 1-based line where the element starts (for messages).
    pub line: usize,
}

impl Element {
    /// The attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Child elements in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// Child elements with the given local name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.name == name)
    }

    /// First child element with the given local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// Follows a path of child names.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        let mut here = self;
        for name in names {
            here = here.child(name)?;
        }
        Some(here)
    }

    /// All descendant text, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for node in &self.children {
            match node {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }

    /// Trimmed text of the first child with that name, when present and not empty.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|e| e.text().trim().to_owned()).filter(|t| !t.is_empty())
    }

    /// Descendants (depth first, document order) with the given local name.
    pub fn descendants<'a>(&'a self, name: &str) -> Vec<&'a Element> {
        let mut out = Vec::new();
        let mut stack: Vec<&Element> = self.elements().collect::<Vec<_>>().into_iter().rev().collect();
        while let Some(e) = stack.pop() {
            if e.name == name {
                out.push(e);
            }
            stack.extend(e.elements().collect::<Vec<_>>().into_iter().rev());
        }
        out
    }
}

fn local(name: &str) -> String {
    match name.rfind(':') {
        Some(i) => name[i + 1..].to_owned(),
        None => name.to_owned(),
    }
}

/// Parses XML bytes into the root element. `source_name` names the file in errors
/// (`course.imscc: imsmanifest.xml`).
pub(crate) fn parse(bytes: &[u8], source_name: &str) -> Result<Element> {
    let text = utf8(bytes, source_name)?;
    let raw = text.as_bytes();
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    let at = |offset: u64| {
        let (line, column) = line_col(raw, offset as usize);
        format!("line {line}, column {column}")
    };
    let mut lines = LineCounter::default();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            parse_error(source_name, format!("{}: malformed XML: {e}", at(reader.error_position())))
        })?;
        match event {
            Event::DocType(_) => {
                return Err(parse_error(
                    source_name,
                    format!(
                        "{}: the file declares a document type (DTD); DTDs and the entities they define are refused \
                         so nothing is expanded or fetched",
                        at(position)
                    ),
                ));
            }
            Event::Start(start) | Event::Empty(start) if root.is_some() && stack.is_empty() => {
                let _ = start;
                return Err(parse_error(
                    source_name,
                    format!("{}: content after the root element", at(position)),
                ));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(parse_error(
                        source_name,
                        format!("{}: elements are nested more than {MAX_DEPTH} deep", at(position)),
                    ));
                }
                let line = lines.line_at(raw, position as usize);
                let element = element_from(&start, line, position, source_name, &at)?;
                stack.push(element);
            }
            Event::Empty(start) => {
                let line = lines.line_at(raw, position as usize);
                let element = element_from(&start, line, position, source_name, &at)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(parse_error(source_name, format!("{}: unexpected end tag", at(position))));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(done)),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(c) => push_text(&mut stack, &c.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match resolve_predefined_entity(&r) {
                        Some(s) => s.to_owned(),
                        None => {
                            return Err(parse_error(
                                source_name,
                                format!(
                                    "{}: the entity `&{};` is not defined; only the five XML entities are accepted",
                                    at(position),
                                    &*r
                                ),
                            ));
                        }
                    },
                    Err(e) => {
                        return Err(parse_error(
                            source_name,
                            format!("{}: bad character reference: {e}", at(position)),
                        ));
                    }
                };
                push_text(&mut stack, &resolved);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(parse_error(
            source_name,
            format!("line {}: element <{}> is never closed", open.line, open.name),
        ));
    }
    root.ok_or_else(|| parse_error(source_name, "no XML root element found"))
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(parent) = stack.last_mut() {
        if let Some(Node::Text(last)) = parent.children.last_mut() {
            last.push_str(text);
        } else {
            parent.children.push(Node::Text(text.to_owned()));
        }
    }
}

/// The line of each element start, counted on from the previous one: elements come in document
/// order, so the whole file is scanned once (counting from the start for every element made
/// large manifests and quizzes quadratic to read).
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    /// 1-based line of byte `offset`; offsets must not decrease between calls.
    fn line_at(&mut self, raw: &[u8], offset: usize) -> usize {
        let offset = offset.min(raw.len());
        if offset >= self.offset {
            self.line += raw[self.offset..offset].iter().filter(|&&b| b == b'\n').count();
        } else {
            self.line = raw[..offset].iter().filter(|&&b| b == b'\n').count();
        }
        self.offset = offset;
        self.line + 1
    }
}

fn element_from(
    start: &quick_xml::events::BytesStart<'_>,
    line: usize,
    position: u64,
    source_name: &str,
    at: &dyn Fn(u64) -> String,
) -> Result<Element> {
    let name = local(start.name().as_ref());
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr =
            attr.map_err(|e| parse_error(source_name, format!("{}: bad attribute: {e}", at(position))))?;
        let key = attr.key.as_ref().to_owned();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = attr
            .normalized_value_with(quick_xml::XmlVersion::Implicit1_0, 1, |_| None)
            .map_err(|e| parse_error(source_name, format!("{}: attribute `{key}`: {e}", at(position))))?;
        attrs.push((local(&key), value.into_owned()));
    }
    Ok(Element { name, attrs, children: Vec::new(), line })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_elements_attributes_text_and_entities() {
        let root = parse(
            br#"<?xml version="1.0"?><a xmlns:x="u" x:k="1 &amp; 2"><x:b>one &lt;two&gt; &#x263A;</x:b><c/><![CDATA[<raw>]]></a>"#,
            "t.xml",
        )
        .unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.attr("k"), Some("1 & 2"));
        assert_eq!(root.child_text("b").as_deref(), Some("one <two> \u{263A}"));
        assert!(root.child("c").is_some());
        assert!(root.text().contains("<raw>"));
    }

    #[test]
    fn refuses_dtds_and_unknown_entities() {
        let xxe = br#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#;
        let err = parse(xxe, "evil.xml").unwrap_err().to_string();
        assert!(err.contains("evil.xml") && err.contains("DTD") && err.contains("line 1"), "{err}");
        let err = parse(b"<a>&nbsp;</a>", "e.xml").unwrap_err().to_string();
        assert!(err.contains("nbsp"), "{err}");
    }

    #[test]
    fn refuses_deep_nesting_and_unclosed_elements() {
        let deep = "<a>".repeat(500);
        assert!(parse(deep.as_bytes(), "d.xml").unwrap_err().to_string().contains("nested"));
        assert!(parse(b"<a><b></b>", "u.xml").is_err());
    }

    #[test]
    fn element_lines_are_counted_in_one_pass_and_stay_right() {
        let root = parse(b"<a>\n  <b/>\n\n  <c>\n    <d/></c>\n</a>", "l.xml").unwrap();
        let lines: Vec<(String, usize)> = std::iter::once(&root)
            .chain(root.descendants("b"))
            .chain(root.descendants("c"))
            .chain(root.descendants("d"))
            .map(|e| (e.name.clone(), e.line))
            .collect();
        assert_eq!(
            lines,
            [("a".to_owned(), 1), ("b".to_owned(), 2), ("c".to_owned(), 4), ("d".to_owned(), 5)]
        );
        // Thousands of elements on thousands of lines: the count stays linear.
        let big = format!("<r>{}</r>", "<i/>\n".repeat(20_000));
        let root = parse(big.as_bytes(), "big.xml").unwrap();
        assert_eq!(root.elements().last().map(|e| e.line), Some(20_000));
    }
}
