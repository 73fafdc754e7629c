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
//! The reader treats the file as hostile: at most [`MAX_FILE_BYTES`], no document type
//! declaration (so no entity is defined or fetched), at most [`MAX_UNITS`] units, nesting
//! limited (`crate::import::xml`).

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
        let target = unit
            .target
            .as_ref()
            .map(|(text, _)| renumber(&super::inline::split(text, unit.field.meta.markdown), &unit.source));
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
            let target = super::inline::split(text, m.markdown);
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

use crate::import::xml::{Element, Node};

/// Reads an XLIFF 2.x or 1.2 file.
pub fn read(text: &str, source_name: &str) -> Result<InFile> {
    if text.len() > MAX_FILE_BYTES {
        return Err(Error::invalid(
            source_name,
            &[format!("the file is {} bytes; the limit is {MAX_FILE_BYTES} bytes", text.len())],
        ));
    }
    let root = crate::import::xml::parse(text.as_bytes(), source_name)?;
    let bad =
        |line: usize, problem: String| Error::invalid(source_name, &[format!("line {line}: {problem}")]);
    if root.name != "xliff" {
        return Err(bad(root.line, format!("the root element is <{}>, not <xliff>", root.name)));
    }
    let version = root.attr("version").unwrap_or_default().to_owned();
    let mut file = InFile { version: version.clone(), ..InFile::default() };
    let mut problems = Vec::new();
    match version.as_str() {
        "2.0" | "2.1" | "2.2" => {
            file.source_language = root.attr("srcLang").unwrap_or_default().to_owned();
            file.target_language = root.attr("trgLang").unwrap_or_default().to_owned();
            for f in root.children_named("file") {
                for unit in descendants_named(f, "unit") {
                    if file.units.len() >= MAX_UNITS {
                        return Err(bad(unit.line, format!("the file holds more than {MAX_UNITS} units")));
                    }
                    match unit_21(unit) {
                        Ok(u) => file.units.push(u),
                        Err(p) => problems.push(p),
                    }
                }
            }
        }
        "1.2" | "1.1" => {
            let files: Vec<&Element> = root.children_named("file").collect();
            if let Some(f) = files.first() {
                file.source_language = f.attr("source-language").unwrap_or_default().to_owned();
                file.target_language = f.attr("target-language").unwrap_or_default().to_owned();
            }
            for f in files {
                let lang = f.attr("target-language").unwrap_or_default();
                if !lang.eq_ignore_ascii_case(&file.target_language) {
                    problems.push(format!("line {}: a second <file> translates into {lang}", f.line));
                }
                for unit in descendants_named(f, "trans-unit") {
                    if file.units.len() >= MAX_UNITS {
                        return Err(bad(unit.line, format!("the file holds more than {MAX_UNITS} units")));
                    }
                    match unit_12(unit) {
                        Ok(u) => file.units.push(u),
                        Err(p) => problems.push(p),
                    }
                }
            }
        }
        other => {
            return Err(bad(
                root.line,
                format!("XLIFF version \"{other}\" is not supported (2.0, 2.1 or 1.2)"),
            ));
        }
    }
    if file.target_language.is_empty() {
        problems.insert(0, "the file names no target language".to_owned());
    }
    if !problems.is_empty() {
        return Err(Error::invalid(source_name, &problems));
    }
    Ok(file)
}

fn descendants_named<'a>(e: &'a Element, name: &str) -> Vec<&'a Element> {
    e.descendants(name)
}

fn unit_21(unit: &Element) -> std::result::Result<InUnit, String> {
    let id = unit.attr("id").unwrap_or_default().to_owned();
    let place = format!("unit {id} (line {})", unit.line);
    let mut source = Vec::new();
    let mut target: Option<Vec<TargetPiece>> = None;
    let mut states = Vec::new();
    for part in unit.elements().filter(|e| e.name == "segment" || e.name == "ignorable") {
        let src = part.child("source").ok_or_else(|| format!("{place}: a segment without <source>"))?;
        let s = content(src, Dialect::V2).map_err(|p| format!("{place}: source: {p}"))?;
        match part.child("target") {
            Some(t) => {
                let t = content(t, Dialect::V2).map_err(|p| format!("{place}: target: {p}"))?;
                target.get_or_insert_with(Vec::new).extend(t);
            }
            // An ignorable without target stands for itself; a segment without one is untranslated.
            None if part.name == "ignorable" => {
                if let Some(t) = &mut target {
                    t.extend(s.clone());
                }
            }
            None => {}
        }
        source.extend(s);
        if part.name == "segment" {
            states.push((part.attr("state").unwrap_or("initial"), part.attr("subState").unwrap_or("")));
        }
    }
    // A target in a segment left `initial` was filled in by a tool that sets no states.
    let state = if states.iter().any(|(_, sub)| sub.contains("review")) {
        TranslationState::NeedsReview
    } else if !states.is_empty() && states.iter().all(|(s, _)| *s == "final") {
        TranslationState::Final
    } else {
        TranslationState::Translated
    };
    Ok(InUnit { field_id: field_id(&id), id, source, target, state })
}

fn unit_12(unit: &Element) -> std::result::Result<InUnit, String> {
    let id = unit.attr("id").unwrap_or_default().to_owned();
    let place = format!("unit {id} (line {})", unit.line);
    let src = unit.child("source").ok_or_else(|| format!("{place}: no <source>"))?;
    let source = content(src, Dialect::V1).map_err(|p| format!("{place}: source: {p}"))?;
    let t = unit.child("target");
    let target =
        t.map(|t| content(t, Dialect::V1)).transpose().map_err(|p| format!("{place}: target: {p}"))?;
    let state = match t.and_then(|t| t.attr("state")) {
        Some("final" | "signed-off") => TranslationState::Final,
        Some(s) if s.starts_with("needs-") || s == "new" => TranslationState::NeedsReview,
        _ => TranslationState::Translated,
    };
    Ok(InUnit { field_id: field_id(&id), id, source, target, state })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    V1,
    V2,
}

/// Reads inline content into text and code references. Start/end markers are paired by id.
fn content(e: &Element, dialect: Dialect) -> std::result::Result<Vec<TargetPiece>, String> {
    // Frames of open start markers: (id, pieces before it).
    let mut stack: Vec<(u32, Vec<TargetPiece>)> = Vec::new();
    let mut out = Vec::new();
    walk(e, dialect, &mut stack, &mut out)?;
    if let Some((id, _)) = stack.last() {
        return Err(format!("inline code {id} is opened and never closed"));
    }
    Ok(out)
}

fn code_id(e: &Element, attr: &str) -> std::result::Result<u32, String> {
    let raw = e.attr(attr).ok_or_else(|| format!("<{}> has no {attr}", e.name))?;
    raw.trim()
        .parse::<u32>()
        .map_err(|_| format!("<{}> {attr}=\"{raw}\" is not one of this file's code ids", e.name))
}

fn push(out: &mut Vec<TargetPiece>, piece: TargetPiece) {
    match (out.last_mut(), piece) {
        (Some(TargetPiece::Text(a)), TargetPiece::Text(b)) => a.push_str(&b),
        (_, p) => out.push(p),
    }
}

fn walk(
    e: &Element,
    dialect: Dialect,
    stack: &mut Vec<(u32, Vec<TargetPiece>)>,
    out: &mut Vec<TargetPiece>,
) -> std::result::Result<(), String> {
    for node in &e.children {
        let child = match node {
            Node::Text(t) => {
                push(out, TargetPiece::Text(t.clone()));
                continue;
            }
            Node::Element(c) => c,
        };
        match (dialect, child.name.as_str()) {
            (Dialect::V2, "ph") | (Dialect::V1, "x" | "ph" | "it") => {
                push(out, TargetPiece::Ph(code_id(child, "id")?))
            }
            (Dialect::V2, "pc") | (Dialect::V1, "g") => {
                let mut inner = Vec::new();
                let mut inner_stack = Vec::new();
                walk(child, dialect, &mut inner_stack, &mut inner)?;
                if let Some((id, _)) = inner_stack.last() {
                    return Err(format!("inline code {id} is opened and never closed"));
                }
                push(out, TargetPiece::Pair(code_id(child, "id")?, inner));
            }
            (Dialect::V2, "sc") | (Dialect::V1, "bx" | "bpt") => {
                let id = match (dialect, child.name.as_str()) {
                    (Dialect::V1, "bx" | "bpt") if child.attr("rid").is_some() => code_id(child, "rid")?,
                    _ => code_id(child, "id")?,
                };
                stack.push((id, std::mem::take(out)));
            }
            (Dialect::V2, "ec") | (Dialect::V1, "ex" | "ept") => {
                let id = match (dialect, child.name.as_str()) {
                    (Dialect::V2, _) if child.attr("startRef").is_some() => code_id(child, "startRef")?,
                    (Dialect::V1, _) if child.attr("rid").is_some() => code_id(child, "rid")?,
                    _ => code_id(child, "id")?,
                };
                match stack.pop() {
                    Some((open, before)) if open == id => {
                        let inner = std::mem::replace(out, before);
                        push(out, TargetPiece::Pair(id, inner));
                    }
                    _ => {
                        return Err(format!(
                            "inline code {id} is closed where it was not opened (codes overlap or are broken)"
                        ));
                    }
                }
            }
            // Annotations and markers: their text counts, the marker does not.
            (Dialect::V2, "mrk" | "sm" | "em") | (Dialect::V1, "mrk") => walk(child, dialect, stack, out)?,
            (Dialect::V2, "cp") => {
                let hex = child.attr("hex").unwrap_or_default();
                let c = u32::from_str_radix(hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("<cp hex=\"{hex}\"> is not a character"))?;
                push(out, TargetPiece::Text(c.to_string()));
            }
            (_, other) => {
                return Err(format!("<{other}> is not an inline element this file format allows here"));
            }
        }
    }
    Ok(())
}
