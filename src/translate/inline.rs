//! Markdown's inline markup as protected codes, and back.
//!
//! A Markdown field is cut into translatable text and markup: emphasis, strong, strikethrough,
//! links and images become *paired* codes around the text they hold (the link target stays in
//! the code, so it cannot be broken), and everything else that is not prose (inline code,
//! raw HTML, line breaks, list markers, headings' `#`, code blocks, tables' pipes) becomes a
//! *standalone* code. The codes hold the exact source bytes, so joining the pieces gives the
//! source back byte for byte, and a translation whose text moved between codes is turned back
//! into Markdown by writing each code's bytes where it now stands.
//!
//! Plain-text fields (titles, statements) are one text piece: nothing in them is markup.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

/// One piece of a field's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Translatable text.
    Text(String),
    /// A standalone code holding `data` (markup the translator must keep).
    Ph {
        /// Code id, unique in the field.
        id: u32,
        /// The markup's source bytes.
        data: String,
    },
    /// A paired code: the opening markup, the pieces it holds, the closing markup.
    Pair {
        /// Code id, unique in the field.
        id: u32,
        /// The opening markup (`**`, `[`).
        open: String,
        /// The closing markup (`**`, `](url)`).
        close: String,
        /// What the pair holds.
        inner: Vec<Piece>,
    },
}

/// Where a field's content was cut: its pieces.
pub type Pieces = Vec<Piece>;

/// The pieces of `source`: one text piece for plain fields, the cut described above for
/// Markdown fields. Joining them ([`join`]) gives `source` back.
pub fn split(source: &str, markdown: bool) -> Pieces {
    if source.is_empty() {
        return Vec::new();
    }
    if !markdown {
        return vec![Piece::Text(source.to_owned())];
    }
    Cutter::new(source).run()
}

/// Joins pieces back into Markdown.
pub fn join(pieces: &[Piece]) -> String {
    let mut out = String::new();
    join_into(pieces, &mut out);
    out
}

fn join_into(pieces: &[Piece], out: &mut String) {
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Ph { data, .. } => out.push_str(data),
            Piece::Pair { open, close, inner, .. } => {
                out.push_str(open);
                join_into(inner, out);
                out.push_str(close);
            }
        }
    }
}

/// The translatable text of the pieces (codes left out), for counting words and checking that a
/// field has anything to translate.
pub fn plain_text(pieces: &[Piece]) -> String {
    let mut out = String::new();
    fn walk(pieces: &[Piece], out: &mut String) {
        for p in pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Ph { .. } => {}
                Piece::Pair { inner, .. } => walk(inner, out),
            }
        }
    }
    walk(pieces, &mut out);
    out
}

/// The codes of a field by id: `(is_pair, open or data, close)`.
pub fn codes(pieces: &[Piece]) -> HashMap<u32, (bool, String, String)> {
    let mut out = HashMap::new();
    fn walk(pieces: &[Piece], out: &mut HashMap<u32, (bool, String, String)>) {
        for p in pieces {
            match p {
                Piece::Text(_) => {}
                Piece::Ph { id, data } => {
                    out.insert(*id, (false, data.clone(), String::new()));
                }
                Piece::Pair { id, open, close, inner } => {
                    out.insert(*id, (true, open.clone(), close.clone()));
                    walk(inner, out);
                }
            }
        }
    }
    walk(pieces, &mut out);
    out
}

/// A target read from a translation file: text and code references by id, not yet checked
/// against the source's codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetPiece {
    /// Text.
    Text(String),
    /// A standalone code by id.
    Ph(u32),
    /// A paired code by id around its content.
    Pair(u32, Vec<TargetPiece>),
}

/// Turns a target back into Markdown with the source's codes: every code of the source must
/// appear exactly once, with the same kind (standalone or paired); otherwise the problem is
/// described.
pub fn rebuild(target: &[TargetPiece], source: &[Piece]) -> Result<String, String> {
    let codes = codes(source);
    let required: Vec<u32> = codes.keys().copied().collect();
    rebuild_with(target, &codes, &required)
}

/// [`rebuild`] with the codes a target may use (`codes`, by id) and the ones it must use
/// (`required`), for a field whose stored translation has markup of its own.
pub fn rebuild_with(
    target: &[TargetPiece],
    codes: &HashMap<u32, (bool, String, String)>,
    required: &[u32],
) -> Result<String, String> {
    let mut seen: HashMap<u32, usize> = HashMap::new();
    let mut out = String::new();
    fn walk(
        pieces: &[TargetPiece],
        codes: &HashMap<u32, (bool, String, String)>,
        seen: &mut HashMap<u32, usize>,
        out: &mut String,
    ) -> Result<(), String> {
        for p in pieces {
            match p {
                TargetPiece::Text(t) => out.push_str(t),
                TargetPiece::Ph(id) => match codes.get(id) {
                    Some((false, data, _)) => {
                        *seen.entry(*id).or_default() += 1;
                        out.push_str(data);
                    }
                    Some((true, _, _)) => {
                        return Err(format!(
                            "inline code {id} is a pair in the source but stands alone here"
                        ));
                    }
                    None => return Err(format!("inline code {id} is not in the source")),
                },
                TargetPiece::Pair(id, inner) => match codes.get(id) {
                    Some((true, open, close)) => {
                        *seen.entry(*id).or_default() += 1;
                        out.push_str(open);
                        walk(inner, codes, seen, out)?;
                        out.push_str(close);
                    }
                    Some((false, _, _)) => {
                        return Err(format!(
                            "inline code {id} stands alone in the source but is a pair here"
                        ));
                    }
                    None => return Err(format!("inline code {id} is not in the source")),
                },
            }
        }
        Ok(())
    }
    walk(target, codes, &mut seen, &mut out)?;
    let mut missing: Vec<u32> = required.iter().filter(|id| !seen.contains_key(id)).copied().collect();
    missing.sort_unstable();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(u32::to_string).collect();
        return Err(format!("inline code {} of the source is missing", list.join(", ")));
    }
    let mut twice: Vec<u32> = seen.iter().filter(|(_, n)| **n > 1).map(|(id, _)| *id).collect();
    twice.sort_unstable();
    if let Some(id) = twice.first() {
        return Err(format!("inline code {id} appears more than once"));
    }
    Ok(out)
}

/// A pair whose opening markup was placed: its id and that markup.
type OpenPair = (u32, String);

/// The cut of one Markdown field (see the module documentation).
struct Cutter<'a> {
    source: &'a str,
    /// The pieces under construction: the outer list and one list per open pair.
    stack: Vec<(Option<OpenPair>, Vec<Piece>)>,
    /// Bytes of the source already placed in a piece.
    cursor: usize,
    next_id: u32,
}

impl<'a> Cutter<'a> {
    fn new(source: &'a str) -> Self {
        Cutter { source, stack: vec![(None, Vec::new())], cursor: 0, next_id: 1 }
    }

    fn id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn push(&mut self, piece: Piece) {
        if let Some((_, list)) = self.stack.last_mut() {
            // Adjacent standalone codes and adjacent texts merge into one.
            match (list.last_mut(), &piece) {
                (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(b),
                (Some(Piece::Ph { data: a, .. }), Piece::Ph { data: b, .. }) => a.push_str(b),
                _ => list.push(piece),
            }
        }
    }

    /// Places the source bytes from the cursor up to `to` as a standalone code.
    fn markup_until(&mut self, to: usize) {
        if to > self.cursor {
            let data = self.source[self.cursor..to].to_owned();
            let id = match self.stack.last().and_then(|(_, l)| l.last()) {
                Some(Piece::Ph { id, .. }) => *id,
                _ => self.id(),
            };
            self.push(Piece::Ph { id, data });
            self.cursor = to;
        }
    }

    fn text(&mut self, range: Range<usize>) {
        if range.start < self.cursor {
            return;
        }
        self.markup_until(range.start);
        let text = self.source[range.clone()].to_owned();
        self.push(Piece::Text(text));
        self.cursor = range.end;
    }

    fn run(mut self) -> Pieces {
        let events: Vec<(Event<'_>, Range<usize>)> =
            crate::markdown::parser(self.source).into_offset_iter().collect();
        // Pairs whose opening markup was placed, by their end offset in the source.
        let mut open_ends: Vec<usize> = Vec::new();
        let mut in_code_block = 0usize;
        let mut in_html = 0usize;
        for i in 0..events.len() {
            let (event, range) = &events[i];
            match event {
                Event::Start(Tag::CodeBlock(_)) => in_code_block += 1,
                Event::End(TagEnd::CodeBlock) => in_code_block = in_code_block.saturating_sub(1),
                Event::Start(Tag::HtmlBlock) => in_html += 1,
                Event::End(TagEnd::HtmlBlock) => in_html = in_html.saturating_sub(1),
                Event::Text(_) if in_code_block == 0 && in_html == 0 => self.text(range.clone()),
                Event::Start(
                    Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. },
                ) if in_code_block == 0 && range.start >= self.cursor => {
                    self.markup_until(range.start);
                    // The opening markup runs up to the first thing inside.
                    let inner_start = events
                        .get(i + 1)
                        .map(|(_, r)| r.start)
                        .filter(|s| *s >= range.start && *s <= range.end)
                        .unwrap_or(range.end);
                    let open = self.source[range.start..inner_start].to_owned();
                    let id = self.id();
                    self.cursor = inner_start;
                    self.stack.push((Some((id, open)), Vec::new()));
                    open_ends.push(range.end);
                }
                Event::End(
                    TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image,
                ) if in_code_block == 0 && open_ends.last() == Some(&range.end) && self.stack.len() > 1 => {
                    open_ends.pop();
                    // The closing markup is what follows the last thing inside.
                    let inner_end = events
                        .get(i.wrapping_sub(1))
                        .map(|(_, r)| r.end)
                        .filter(|e| *e >= self.cursor && *e <= range.end)
                        .unwrap_or(self.cursor);
                    self.markup_until(inner_end.max(self.cursor));
                    let close = self.source[self.cursor.min(range.end)..range.end].to_owned();
                    self.cursor = range.end.max(self.cursor);
                    if let Some((Some((id, open)), inner)) = self.stack.pop() {
                        self.push(Piece::Pair { id, open, close, inner });
                    }
                }
                _ => {}
            }
        }
        // Pairs left open (never seen in practice) are flattened back.
        while self.stack.len() > 1 {
            if let Some((Some((id, open)), inner)) = self.stack.pop() {
                self.push(Piece::Ph { id, data: open });
                for p in inner {
                    self.push(p);
                }
            }
        }
        self.markup_until(self.source.len());
        self.stack.pop().map(|(_, l)| l).unwrap_or_default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn round(md: &str) -> Pieces {
        let pieces = split(md, true);
        assert_eq!(join(&pieces), md, "{pieces:?}");
        pieces
    }

    #[test]
    fn markdown_comes_back_byte_for_byte() {
        for md in [
            "Plain text.",
            "Some *emphasis* and **strong** and ~~gone~~.",
            "A [link to **bold**](https://example.org \"t\") here.",
            "Code `x = 1` and ![a plot](assets/p.png).",
            "- one\n- two *b*\n\n1. first\n2. second",
            "# Heading\n\nParagraph with\nsoft break.",
            "```\ncode block *not* markup\n```\n\nAfter.",
            "| a | b |\n|---|---|\n| *c* | d |",
            "Escaped \\* star and &amp; entity <b>html</b>.",
            "",
            "**",
            "*unclosed",
        ] {
            round(md);
        }
    }

    #[test]
    fn emphasis_and_links_are_pairs_with_the_url_inside_the_code() {
        let pieces = round("Read [the guide](https://x.org/g) *now*.");
        assert_eq!(pieces[0], Piece::Text("Read ".into()));
        let Piece::Pair { open, close, inner, .. } = &pieces[1] else { panic!("{pieces:?}") };
        assert_eq!((open.as_str(), close.as_str()), ("[", "](https://x.org/g)"));
        assert_eq!(inner, &vec![Piece::Text("the guide".into())]);
        assert!(matches!(&pieces[3], Piece::Pair { open, .. } if open == "*"));
    }

    #[test]
    fn a_target_with_moved_codes_rebuilds_and_a_broken_one_is_refused() {
        let source = split("Read [the guide](u) *now*.", true);
        let ids: Vec<u32> = source
            .iter()
            .filter_map(|p| match p {
                Piece::Pair { id, .. } => Some(*id),
                _ => None,
            })
            .collect();
        let target = vec![
            TargetPiece::Pair(ids[1], vec![TargetPiece::Text("Maintenant".into())]),
            TargetPiece::Text(", lisez ".into()),
            TargetPiece::Pair(ids[0], vec![TargetPiece::Text("le guide".into())]),
            TargetPiece::Text(".".into()),
        ];
        assert_eq!(rebuild(&target, &source).unwrap(), "*Maintenant*, lisez [le guide](u).");
        let missing = vec![TargetPiece::Text("Lisez le guide.".into())];
        assert!(rebuild(&missing, &source).unwrap_err().contains("missing"));
        let unknown = vec![TargetPiece::Ph(99)];
        assert!(rebuild(&unknown, &source).unwrap_err().contains("not in the source"));
    }
}
