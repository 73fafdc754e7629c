//! XLIFF 2.1 and 1.2: writing a language's units and reading a translated file back.
//!
//! One `<unit>` (2.1) or `<trans-unit>` (1.2) per field, its id the field id with `.` for `/`
//! (XLIFF 2 ids are NMTOKENs), notes saying where the text appears, its Bloom level and its
//! length limit. Markdown markup travels as inline codes ([`super::inline`]): paired codes as
//! `<pc>` (2.1) / `<g>` (1.2), standalone ones as `<ph>` (2.1, the markup in `<originalData>`) /
//! `<x/>` (1.2). Reading accepts what translation tools write back: codes as pairs or as
//! start/end markers (`<sc>`/`<ec>`, `<bx>`/`<ex>`, `<bpt>`/`<ept>`), several segments per unit,
//! annotations (`<mrk>`) around text.
//!
//! The reader reads the file in one streaming pass and treats it as hostile: at most
//! [`MAX_FILE_BYTES`], no document type declaration (so no entity is defined or fetched; only the
//! five XML entities and character references are resolved), at most [`MAX_UNITS`] units,
//! elements nested at most `model::MAX_HTML_DEPTH` deep.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::fields::Field;
use super::inline::{Piece, TargetPiece};
use crate::model::{Document, TranslationState};
use crate::{Error, Result};

/// Largest XLIFF file read.
pub const MAX_FILE_BYTES: usize = 256 << 20;

/// Most units read from one file.
pub const MAX_UNITS: usize = 1_000_000;

/// The XLIFF version written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum XliffVersion {
    /// XLIFF 2.1 (core namespace `urn:oasis:names:tc:xliff:document:2.0`).
    #[default]
    V21,
    /// XLIFF 1.2, for older tools.
    V12,
}

impl XliffVersion {
    /// Parses `2.1`, `2`, `2.0` or `1.2`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "2.1" | "2" | "2.0" => Some(XliffVersion::V21),
            "1.2" => Some(XliffVersion::V12),
            _ => None,
        }
    }
}

/// The state written for a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetState {
    /// Translated.
    Translated,
    /// Approved.
    Final,
    /// The source changed since: review it.
    NeedsReview,
}

/// One unit to write.
pub struct OutUnit {
    /// The field.
    pub field: Field,
    /// Its source cut into text and codes.
    pub source: Vec<Piece>,
    /// The translation already made, with its state.
    pub target: Option<(String, TargetState)>,
}

/// The XLIFF unit id of a field id.
pub fn unit_id(field_id: &str) -> String {
    field_id.replace('/', ".")
}

fn field_id(unit_id: &str) -> String {
    unit_id.replace('.', "/")
}

/// Escapes text for XLIFF content: as `export::xml::escape`, and carriage returns as character
/// references (a parser turns a literal CR LF into LF).
fn esc(out: &mut String, text: &str) {
    if text.contains('\r') {
        let mut tmp = String::new();
        crate::export::xml::escape_into(&mut tmp, text);
        out.push_str(&tmp.replace('\r', "&#13;"));
    } else {
        crate::export::xml::escape_into(out, text);
    }
}

/// Escapes an attribute value (line breaks kept as references: parsers turn them into spaces).
fn attr(text: &str) -> String {
    let mut out = String::new();
    esc(&mut out, text);
    out.replace('\n', "&#10;").replace('\t', "&#9;")
}

fn notes(unit: &OutUnit) -> Vec<(&'static str, String)> {
    let m = &unit.field.meta;
    let mut out = vec![("location", format!("Appears as: {}", m.place))];
    if let Some(level) = m.level {
        out.push(("bloom-level", format!("Bloom level: {}", level.as_str())));
    }
    if let Some(max) = m.max_chars {
        out.push(("length", format!("Length limit: at most {max} characters")));
    }
    if m.markdown {
        out.push((
            "format",
            "Markdown: the inline codes hold links, emphasis and layout; keep every code, move it with the words it marks"
                .to_owned(),
        ));
    }
    if matches!(unit.target, Some((_, TargetState::NeedsReview))) {
        out.push((
            "review",
            "The source text changed after this was translated: review the translation".to_owned(),
        ));
    }
    out
}

/// Writes the file.
pub fn write(doc: &Document, lang: &str, version: XliffVersion, units: &[OutUnit]) -> String {
    match version {
        XliffVersion::V21 => write_21(doc, lang, units),
        XliffVersion::V12 => write_12(doc, lang, units),
    }
}

fn write_21(doc: &Document, lang: &str, units: &[OutUnit]) -> String {
    let mut out = String::with_capacity(units.len() * 400 + 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.1\" srcLang=\"{}\" trgLang=\"{}\">\n",
        attr(&doc.curriculum.language),
        attr(lang)
    ));
    out.push_str(&format!(
        "  <file id=\"f1\" original=\"trellis:{}\">\n    <notes>\n      <note category=\"document\">{}</note>\n    </notes>\n",
        doc.curriculum.id,
        {
            let mut t = String::new();
            esc(&mut t, &format!("Trellis curriculum \"{}\"", doc.curriculum.title));
            t
        }
    ));
    for unit in units {
        out.push_str(&format!("    <unit id=\"{}\">\n      <notes>\n", attr(&unit_id(&unit.field.meta.id))));
        for (category, text) in notes(unit) {
            out.push_str(&format!("        <note category=\"{category}\">"));
            esc(&mut out, &text);
            out.push_str("</note>\n");
        }
        out.push_str("      </notes>\n");
        let target = unit.target.as_ref().map(|(text, _)| {
            renumber(&super::inline::split_shown(text, unit.field.meta.markdown), &unit.source)
        });
        let mut data = Vec::new();
        collect_data(&unit.source, &mut data);
        // Markup only the stored translation has (its own codes, numbered after the source's).
        if let Some(target) = &target {
            let mut own = Vec::new();
            collect_data(target, &mut own);
            for (id, text) in own {
                if !data.iter().any(|(known, _)| *known == id) {
                    data.push((id, text));
                }
            }
        }
        if !data.is_empty() {
            out.push_str("      <originalData>\n");
            for (id, text) in &data {
                out.push_str(&format!("        <data id=\"{id}\" xml:space=\"preserve\">"));
                esc(&mut out, text);
                out.push_str("</data>\n");
            }
            out.push_str("      </originalData>\n");
        }
        match &unit.target {
            None => out.push_str("      <segment>\n"),
            Some((_, TargetState::Translated)) => out.push_str("      <segment state=\"translated\">\n"),
            Some((_, TargetState::Final)) => out.push_str("      <segment state=\"final\">\n"),
            Some((_, TargetState::NeedsReview)) => {
                out.push_str("      <segment state=\"initial\" subState=\"trellis:needs-review\">\n")
            }
        }
        out.push_str("        <source xml:space=\"preserve\">");
        pieces_21(&unit.source, &mut out);
        out.push_str("</source>\n");
        if let Some(target) = &target {
            out.push_str("        <target xml:space=\"preserve\">");
            pieces_21(target, &mut out);
            out.push_str("</target>\n");
        }
        out.push_str("      </segment>\n    </unit>\n");
    }
    out.push_str("  </file>\n</xliff>\n");
    out
}

/// The `<data>` entries of a source: `d<N>` for a standalone code, `d<N>o`/`d<N>c` for a pair.
fn collect_data(pieces: &[Piece], out: &mut Vec<(String, String)>) {
    for p in pieces {
        match p {
            Piece::Text(_) => {}
            Piece::Ph { id, data } => out.push((format!("d{id}"), data.clone())),
            Piece::Pair { id, open, close, inner } => {
                out.push((format!("d{id}o"), open.clone()));
                out.push((format!("d{id}c"), close.clone()));
                collect_data(inner, out);
            }
        }
    }
}

fn pieces_21(pieces: &[Piece], out: &mut String) {
    for p in pieces {
        match p {
            Piece::Text(t) => esc(out, t),
            Piece::Ph { id, .. } => out.push_str(&format!("<ph id=\"{id}\" dataRef=\"d{id}\"/>")),
            Piece::Pair { id, inner, .. } => {
                out.push_str(&format!("<pc id=\"{id}\" dataRefStart=\"d{id}o\" dataRefEnd=\"d{id}c\">"));
                pieces_21(inner, out);
                out.push_str("</pc>");
            }
        }
    }
}

/// A stored translation's pieces with the ids of the source's codes where the markup is the
/// same (a translation keeps the source's codes; the cut of the translated text numbers them
/// in its own order). Codes the source does not have stay as text-free standalone codes of
/// their own numbers above the source's.
pub(crate) fn renumber(target: &[Piece], source: &[Piece]) -> Vec<Piece> {
    let codes = super::inline::codes(source);
    let mut free: Vec<(u32, bool, String, String)> =
        codes.into_iter().map(|(id, (pair, a, b))| (id, pair, a, b)).collect();
    free.sort_by_key(|c| c.0);
    let mut next = free.iter().map(|c| c.0).max().unwrap_or(0) + 1;
    fn walk(pieces: &[Piece], free: &mut Vec<(u32, bool, String, String)>, next: &mut u32) -> Vec<Piece> {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => Piece::Text(t.clone()),
                Piece::Ph { data, .. } => {
                    let id = match free.iter().position(|c| !c.1 && c.2 == *data) {
                        Some(i) => free.remove(i).0,
                        None => {
                            *next += 1;
                            *next - 1
                        }
                    };
                    Piece::Ph { id, data: data.clone() }
                }
                Piece::Pair { open, close, inner, .. } => {
                    let id = match free.iter().position(|c| c.1 && c.2 == *open && c.3 == *close) {
                        Some(i) => free.remove(i).0,
                        None => {
                            *next += 1;
                            *next - 1
                        }
                    };
                    Piece::Pair {
                        id,
                        open: open.clone(),
                        close: close.clone(),
                        inner: walk(inner, free, next),
                    }
                }
            })
            .collect()
    }
    walk(target, &mut free, &mut next)
}

fn write_12(doc: &Document, lang: &str, units: &[OutUnit]) -> String {
    let mut out = String::with_capacity(units.len() * 400 + 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<xliff xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" version=\"1.2\">\n");
    out.push_str(&format!(
        "  <file original=\"trellis:{}\" source-language=\"{}\" target-language=\"{}\" datatype=\"x-trellis-markdown\">\n",
        doc.curriculum.id,
        attr(&doc.curriculum.language),
        attr(lang)
    ));
    out.push_str("    <header>\n      <note from=\"trellis\">");
    esc(&mut out, &format!("Trellis curriculum \"{}\"", doc.curriculum.title));
    out.push_str("</note>\n    </header>\n    <body>\n");
    for unit in units {
        let m = &unit.field.meta;
        out.push_str(&format!("      <trans-unit id=\"{}\" xml:space=\"preserve\"", attr(&unit_id(&m.id))));
        if let Some(max) = m.max_chars {
            out.push_str(&format!(" maxwidth=\"{max}\" size-unit=\"char\""));
        }
        out.push_str(">\n        <source>");
        pieces_12(&unit.source, &mut out);
        out.push_str("</source>\n");
        if let Some((text, state)) = &unit.target {
            let state = match state {
                TargetState::Translated => "translated",
                TargetState::Final => "final",
                TargetState::NeedsReview => "needs-review-translation",
            };
            out.push_str(&format!("        <target state=\"{state}\">"));
            let target = super::inline::split_shown(text, m.markdown);
            pieces_12(&renumber(&target, &unit.source), &mut out);
            out.push_str("</target>\n");
        }
        for (_, text) in notes(unit) {
            out.push_str("        <note from=\"trellis\">");
            esc(&mut out, &text);
            out.push_str("</note>\n");
        }
        out.push_str("      </trans-unit>\n");
    }
    out.push_str("    </body>\n  </file>\n</xliff>\n");
    out
}

fn ctype(open: &str) -> &'static str {
    if open.starts_with("![") {
        "x-image"
    } else if open.starts_with('[') {
        "link"
    } else if open.starts_with("**") || open.starts_with("__") {
        "bold"
    } else if open.starts_with('*') || open.starts_with('_') {
        "italic"
    } else {
        "x-markdown"
    }
}

fn pieces_12(pieces: &[Piece], out: &mut String) {
    for p in pieces {
        match p {
            Piece::Text(t) => esc(out, t),
            Piece::Ph { id, .. } => out.push_str(&format!("<x id=\"{id}\" ctype=\"x-markdown\"/>")),
            Piece::Pair { id, open, inner, .. } => {
                out.push_str(&format!("<g id=\"{id}\" ctype=\"{}\">", ctype(open)));
                pieces_12(inner, out);
                out.push_str("</g>");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

/// A unit read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InUnit {
    /// The unit id as written in the file.
    pub id: String,
    /// The field id it names.
    pub field_id: String,
    /// The source content.
    pub source: Vec<TargetPiece>,
    /// The target content, when the unit has a target.
    pub target: Option<Vec<TargetPiece>>,
    /// The state the file gives the translation.
    pub state: TranslationState,
}

/// A file read back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InFile {
    /// `2.0`, `2.1` or `1.2`.
    pub version: String,
    /// Source language of the file.
    pub source_language: String,
    /// Target language of the file.
    pub target_language: String,
    /// Every unit in file order.
    pub units: Vec<InUnit>,
}

/// Reads an XLIFF 2.x or 1.2 file in one streaming pass (quick-xml events; notes, original
/// data and alternative translations are skipped, not kept).
pub fn read(text: &str, source_name: &str) -> Result<InFile> {
    if text.len() > MAX_FILE_BYTES {
        return Err(Error::invalid(
            source_name,
            &[format!("the file is {} bytes; the limit is {MAX_FILE_BYTES} bytes", text.len())],
        ));
    }
    let raw = text.as_bytes();
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    let at =
        |offset: u64| crate::import::safety::line_col(raw, usize::try_from(offset).unwrap_or(usize::MAX)).0;
    let malformed = |offset: u64, message: String| {
        crate::import::safety::parse_error(source_name, format!("line {}: {message}", at(offset)))
    };
    let mut p = Parser::default();
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| malformed(reader.error_position(), format!("malformed XML: {e}")))?;
        let step = match event {
            Event::DocType(_) => Err(
                "the file declares a document type (DTD); DTDs and the entities they define are refused so nothing is expanded or fetched"
                    .to_owned(),
            ),
            Event::Start(e) => p.start(&e, false, position),
            Event::Empty(e) => p.start(&e, true, position),
            Event::End(_) => p.end(),
            Event::Text(t) => {
                p.text(&t.xml10_content());
                Ok(())
            }
            Event::CData(c) => {
                p.text(&c.xml10_content());
                Ok(())
            }
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => {
                    p.text(c.encode_utf8(&mut [0; 4]));
                    Ok(())
                }
                Ok(None) => match resolve_predefined_entity(&r) {
                    Some(s) => {
                        p.text(s);
                        Ok(())
                    }
                    None => Err(format!(
                        "the entity `&{};` is not defined; only the five XML entities are accepted",
                        &*r
                    )),
                },
                Err(e) => Err(format!("bad character reference: {e}")),
            },
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => Ok(()),
        };
        if let Err(message) = step {
            return Err(malformed(position, message));
        }
        if p.file.units.len() > MAX_UNITS {
            return Err(malformed(position, format!("the file holds more than {MAX_UNITS} units")));
        }
    }
    if !p.root_seen {
        return Err(crate::import::safety::parse_error(source_name, "no XML root element found"));
    }
    let mut problems: Vec<String> = p
        .problems
        .into_iter()
        .map(|(offset, id, problem)| format!("unit {id} (line {}): {problem}", at(offset)))
        .collect();
    if p.file.target_language.is_empty() {
        problems.insert(0, "the file names no target language".to_owned());
    }
    if !problems.is_empty() {
        return Err(Error::invalid(source_name, &problems));
    }
    Ok(p.file)
}

/// Elements the reader tells apart (everything else is `Other`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Xliff,
    File,
    Unit,
    Segment,
    Ignorable,
    Source,
    Target,
    Other,
}

/// An open element inside a source or target.
enum Frame {
    /// A paired code (`<pc>`, `<g>`): its id and the pieces before it.
    Pair(u32, Vec<TargetPiece>),
    /// A start marker (`<sc/>`, `<bx/>`, `<bpt>`): its id and the pieces before it.
    Open(u32, Vec<TargetPiece>),
    /// An annotation (`<mrk>`): its text counts.
    Transparent,
    /// Native code inside a 1.2 code element (`<ph>`, `<bpt>`, …): not text.
    Skip,
}

/// The source or target being read.
struct Content {
    target: bool,
    /// Element depth of the `<source>`/`<target>` element.
    depth: usize,
    out: Vec<TargetPiece>,
    frames: Vec<Frame>,
    /// Open elements of the content that push no frame (empty ones never reach here).
    broken: bool,
}

/// The unit being read.
#[derive(Default)]
struct UnitState {
    id: String,
    offset: u64,
    source: Vec<TargetPiece>,
    target: Option<Vec<TargetPiece>>,
    /// 2.x: the segment's source and target, then appended to the unit's.
    segment: Option<(bool, Vec<TargetPiece>, Option<Vec<TargetPiece>>)>,
    /// 2.x: each segment's state and sub-state; 1.2: the target's state.
    states: Vec<(String, String)>,
    error: Option<String>,
}

#[derive(Default)]
struct Parser {
    file: InFile,
    v2: bool,
    root_seen: bool,
    files: usize,
    stack: Vec<Tag>,
    unit: Option<UnitState>,
    content: Option<Content>,
    problems: Vec<(u64, String, String)>,
}

fn attr_of(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|err| format!("bad attribute: {err}"))?;
        let xmlns = a.key.as_ref() == "xmlns" || a.key.prefix().is_some_and(|p| p.as_ref() == "xmlns");
        if !xmlns && a.key.local_name().as_ref() == name {
            let value = a
                .normalized_value_with(quick_xml::XmlVersion::Implicit1_0, 1, |_| None)
                .map_err(|err| format!("attribute `{name}`: {err}"))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

fn code_id(e: &BytesStart<'_>, name: &str, keys: &[&str]) -> Result<u32, String> {
    for key in keys {
        if let Some(raw) = attr_of(e, key)? {
            return raw
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("<{name}> {key}=\"{raw}\" is not one of this file's code ids"));
        }
    }
    Err(format!("<{name}> has no {}", keys.join(" or ")))
}

fn push_piece(out: &mut Vec<TargetPiece>, piece: TargetPiece) {
    match (out.last_mut(), piece) {
        (Some(TargetPiece::Text(a)), TargetPiece::Text(b)) => a.push_str(&b),
        (_, p) => out.push(p),
    }
}

impl Parser {
    fn start(&mut self, e: &BytesStart<'_>, empty: bool, offset: u64) -> Result<(), String> {
        if self.stack.len() >= crate::model::MAX_HTML_DEPTH {
            return Err(format!("elements are nested more than {} deep", crate::model::MAX_HTML_DEPTH));
        }
        let local = e.local_name();
        let name = local.as_ref().to_owned();
        if self.content.is_some() {
            self.content_start(e, &name, empty);
            if !empty {
                self.stack.push(Tag::Other);
            }
            return Ok(());
        }
        let parent = self.stack.last().copied();
        let tag = match (parent, name.as_str()) {
            (None, "xliff") => {
                if self.root_seen {
                    return Err("content after the root element".to_owned());
                }
                self.root_seen = true;
                let version = attr_of(e, "version")?.unwrap_or_default();
                match version.as_str() {
                    "2.0" | "2.1" | "2.2" => {
                        self.v2 = true;
                        self.file.source_language = attr_of(e, "srcLang")?.unwrap_or_default();
                        self.file.target_language = attr_of(e, "trgLang")?.unwrap_or_default();
                    }
                    "1.2" | "1.1" => {}
                    other => {
                        return Err(format!("XLIFF version \"{other}\" is not supported (2.0, 2.1 or 1.2)"));
                    }
                }
                self.file.version = version;
                Tag::Xliff
            }
            (None, other) => return Err(format!("the root element is <{other}>, not <xliff>")),
            (Some(Tag::Xliff), "file") => {
                self.files += 1;
                if !self.v2 {
                    let source = attr_of(e, "source-language")?.unwrap_or_default();
                    let target = attr_of(e, "target-language")?.unwrap_or_default();
                    if self.files == 1 {
                        self.file.source_language = source;
                        self.file.target_language = target;
                    } else if !target.eq_ignore_ascii_case(&self.file.target_language) {
                        return Err(format!("a second <file> translates into {target}"));
                    }
                }
                Tag::File
            }
            (Some(_), "unit") if self.v2 && self.unit.is_none() => self.open_unit(e, offset)?,
            (Some(_), "trans-unit") if !self.v2 && self.unit.is_none() => self.open_unit(e, offset)?,
            (Some(Tag::Unit), "segment" | "ignorable") if self.v2 => {
                let ignorable = name == "ignorable";
                if let Some(unit) = &mut self.unit {
                    unit.segment = Some((ignorable, Vec::new(), None));
                    if !ignorable {
                        let state = attr_of(e, "state")?.unwrap_or_else(|| "initial".to_owned());
                        let sub = attr_of(e, "subState")?.unwrap_or_default();
                        unit.states.push((state, sub));
                    }
                }
                if name == "segment" { Tag::Segment } else { Tag::Ignorable }
            }
            (Some(Tag::Segment | Tag::Ignorable), "source" | "target") if self.v2 => {
                self.open_content(name == "target", empty)
            }
            (Some(Tag::Unit), "source" | "target") if !self.v2 => {
                if name == "target"
                    && let Some(unit) = &mut self.unit
                {
                    unit.states.push((attr_of(e, "state")?.unwrap_or_default(), String::new()));
                }
                self.open_content(name == "target", empty)
            }
            _ => Tag::Other,
        };
        if !empty {
            self.stack.push(tag);
        } else {
            self.close(tag);
        }
        Ok(())
    }

    fn open_unit(&mut self, e: &BytesStart<'_>, offset: u64) -> Result<Tag, String> {
        let id = attr_of(e, "id")?.unwrap_or_default();
        self.unit = Some(UnitState { id, offset, ..UnitState::default() });
        Ok(Tag::Unit)
    }

    fn open_content(&mut self, target: bool, empty: bool) -> Tag {
        let tag = if target { Tag::Target } else { Tag::Source };
        if !empty {
            self.content = Some(Content {
                target,
                depth: self.stack.len() + 1,
                out: Vec::new(),
                frames: Vec::new(),
                broken: false,
            });
        } else {
            self.store_content(target, Vec::new());
        }
        tag
    }

    fn content_start(&mut self, e: &BytesStart<'_>, name: &str, empty: bool) {
        let v2 = self.v2;
        let Some(c) = &mut self.content else { return };
        if c.broken {
            return;
        }
        if c.frames.iter().any(|f| matches!(f, Frame::Skip)) {
            if !empty {
                c.frames.push(Frame::Skip);
            }
            return;
        }
        let result: Result<(), String> = (|| {
            match (v2, name, empty) {
                (true, "ph", true) | (false, "x", true) | (false, "ph" | "it", true) => {
                    push_piece(&mut c.out, TargetPiece::Ph(code_id(e, name, &["id"])?));
                }
                (false, "ph" | "it", false) => {
                    push_piece(&mut c.out, TargetPiece::Ph(code_id(e, name, &["id"])?));
                    c.frames.push(Frame::Skip);
                }
                (true, "pc", false) | (false, "g", false) => {
                    let id = code_id(e, name, &["id"])?;
                    c.frames.push(Frame::Pair(id, std::mem::take(&mut c.out)));
                }
                (true, "pc", true) | (false, "g", true) => {
                    push_piece(&mut c.out, TargetPiece::Pair(code_id(e, name, &["id"])?, Vec::new()));
                }
                (true, "sc", _) | (false, "bx" | "bpt", _) => {
                    let id = code_id(e, name, if v2 { &["id"] } else { &["rid", "id"] })?;
                    c.frames.push(Frame::Open(id, std::mem::take(&mut c.out)));
                    if !empty {
                        c.frames.push(Frame::Skip);
                    }
                }
                (true, "ec", _) | (false, "ex" | "ept", _) => {
                    let id = code_id(e, name, if v2 { &["startRef", "id"] } else { &["rid", "id"] })?;
                    match c.frames.pop() {
                        Some(Frame::Open(open, before)) if open == id => {
                            let inner = std::mem::replace(&mut c.out, before);
                            push_piece(&mut c.out, TargetPiece::Pair(id, inner));
                        }
                        _ => {
                            return Err(format!(
                                "inline code {id} is closed where it was not opened (codes overlap or are broken)"
                            ));
                        }
                    }
                    if !empty {
                        c.frames.push(Frame::Skip);
                    }
                }
                (true, "mrk", false) | (false, "mrk", false) => c.frames.push(Frame::Transparent),
                (true, "mrk" | "sm" | "em", true) | (false, "mrk", true) => {}
                (true, "cp", true) => {
                    let hex = attr_of(e, "hex")?.unwrap_or_default();
                    let ch = u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| format!("<cp hex=\"{hex}\"> is not a character"))?;
                    push_piece(&mut c.out, TargetPiece::Text(ch.to_string()));
                }
                (_, other, _) => {
                    return Err(format!("<{other}> is not an inline element this file format allows here"));
                }
            }
            Ok(())
        })();
        if let Err(problem) = result {
            c.broken = true;
            let which = if c.target { "target" } else { "source" };
            if let Some(unit) = &mut self.unit
                && unit.error.is_none()
            {
                unit.error = Some(format!("{which}: {problem}"));
            }
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(c) = &mut self.content
            && !c.broken
            && !c.frames.iter().any(|f| matches!(f, Frame::Skip))
        {
            push_piece(&mut c.out, TargetPiece::Text(text.to_owned()));
        }
    }

    fn end(&mut self) -> Result<(), String> {
        let depth = self.stack.len();
        let tag = self.stack.pop().ok_or_else(|| "unexpected end tag".to_owned())?;
        if let Some(c) = &mut self.content {
            if depth > c.depth {
                if !c.broken {
                    match c.frames.pop() {
                        Some(Frame::Pair(id, before)) => {
                            let inner = std::mem::replace(&mut c.out, before);
                            push_piece(&mut c.out, TargetPiece::Pair(id, inner));
                        }
                        Some(Frame::Transparent | Frame::Skip) => {}
                        Some(Frame::Open(..)) | None => {
                            c.broken = true;
                            let which = if c.target { "target" } else { "source" };
                            if let Some(unit) = &mut self.unit
                                && unit.error.is_none()
                            {
                                unit.error = Some(format!(
                                    "{which}: inline codes overlap (a start marker is still open where an element ends)"
                                ));
                            }
                        }
                    }
                }
                return Ok(());
            }
            // The source or target itself ends.
            if let Some(c) = self.content.take() {
                let Content { target, out, frames, broken, .. } = c;
                if !broken
                    && let Some(open) = frames.iter().rev().find_map(|f| match f {
                        Frame::Open(id, _) | Frame::Pair(id, _) => Some(*id),
                        _ => None,
                    })
                    && let Some(unit) = &mut self.unit
                    && unit.error.is_none()
                {
                    unit.error = Some(format!(
                        "{}: inline code {open} is opened and never closed",
                        if target { "target" } else { "source" }
                    ));
                }
                self.store_content(target, out);
            }
        }
        self.close(tag);
        Ok(())
    }

    fn store_content(&mut self, target: bool, out: Vec<TargetPiece>) {
        let Some(unit) = &mut self.unit else { return };
        match &mut unit.segment {
            Some((_, source, seg_target)) if self.v2 => {
                if target {
                    *seg_target = Some(out);
                } else {
                    *source = out;
                }
            }
            _ => {
                if target {
                    unit.target = Some(out);
                } else {
                    unit.source = out;
                }
            }
        }
    }

    fn close(&mut self, tag: Tag) {
        match tag {
            Tag::Segment | Tag::Ignorable => {
                if let Some(unit) = &mut self.unit
                    && let Some((ignorable, source, target)) = unit.segment.take()
                {
                    match target {
                        Some(t) => unit.target.get_or_insert_with(Vec::new).extend(t),
                        // An ignorable without target stands for itself.
                        None if ignorable => {
                            if let Some(t) = &mut unit.target {
                                t.extend(source.clone());
                            }
                        }
                        None => {}
                    }
                    unit.source.extend(source);
                }
            }
            Tag::Unit => {
                if let Some(unit) = self.unit.take() {
                    self.finish_unit(unit);
                }
            }
            _ => {}
        }
    }

    fn finish_unit(&mut self, unit: UnitState) {
        if let Some(problem) = unit.error {
            self.problems.push((unit.offset, unit.id, problem));
            return;
        }
        let state = if self.v2 {
            // A target in a segment left `initial` was filled in by a tool that sets no states.
            if unit.states.iter().any(|(_, sub)| sub.contains("review")) {
                TranslationState::NeedsReview
            } else if !unit.states.is_empty() && unit.states.iter().all(|(s, _)| s == "final") {
                TranslationState::Final
            } else {
                TranslationState::Translated
            }
        } else {
            match unit.states.first().map(|(s, _)| s.as_str()) {
                Some("final" | "signed-off") => TranslationState::Final,
                Some(s) if s.starts_with("needs-") || s == "new" => TranslationState::NeedsReview,
                _ => TranslationState::Translated,
            }
        };
        self.file.units.push(InUnit {
            field_id: field_id(&unit.id),
            id: unit.id,
            source: unit.source,
            target: unit.target,
            state,
        });
    }
}
