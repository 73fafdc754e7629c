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
//! The text between the codes is plain text for the translator: [`shown`] gives it without
//! Markdown's backslash escapes, and [`rebuild_literal`] escapes what a translator typed there
//! wherever it would otherwise be markup, so learners see it as typed.
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

/// The pieces as a translator reads them: the text between the codes without Markdown's
/// backslash escapes (`5 \* 3` shows as `5 * 3`); the codes are the same as [`split`]'s. Text
/// inside an autolink is kept as it is (Markdown reads no escapes there). [`rebuild_literal`]
/// escapes the text again, so a text that comes back unchanged is stored unchanged.
pub fn shown(pieces: &[Piece]) -> Pieces {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => Piece::Text(unescape(t)),
            Piece::Pair { id, open, close, inner } => Piece::Pair {
                id: *id,
                open: open.clone(),
                close: close.clone(),
                inner: if is_autolink(open) { inner.clone() } else { shown(inner) },
            },
            ph @ Piece::Ph { .. } => ph.clone(),
        })
        .collect()
}

/// [`split`] as the translator reads it: for a Markdown field, [`shown`] of its pieces; a
/// plain-text field is its text.
pub fn split_shown(source: &str, markdown: bool) -> Pieces {
    let pieces = split(source, markdown);
    if markdown { shown(&pieces) } else { pieces }
}

/// Whether a pair's opening markup is an autolink's `<` (its text is the address itself).
fn is_autolink(open: &str) -> bool {
    open.starts_with('<')
}

/// `text` without Markdown's backslash escapes (a backslash before ASCII punctuation).
pub fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(next);
            chars.next();
        } else {
            out.push(c);
        }
    }
    out
}

/// Where a typed text goes: inside a paired code (emphasis, a link's text), and whether the
/// field defines link references (then `[label]` alone is a link).
#[derive(Clone, Copy)]
struct Context {
    in_pair: bool,
    /// Inside a link's or image's text, where a bracket would end the text.
    in_link: bool,
    references: bool,
    /// The first character of what follows the text (a code's markup), `None` at the end of the
    /// field.
    after: Option<char>,
}

/// Appends plain `text` to the Markdown `out` (what precedes it in the field) so that it reads
/// as typed, with a backslash before each character that would be markup where it stands, and
/// before no other (so a text without such characters is stored as typed):
/// - `*`, `_`, `~` that could open emphasis or strikethrough (or close one, inside a pair);
/// - `` ` ``; `]` before `(`, `[` or `:`; `[` and `]` in a link's text or when the field
///   defines link references;
/// - `<` that could start a tag or autolink, `&` that could start an entity, `\` before
///   punctuation or a line end, `!` before a link's `[`;
/// - `|` in a table row;
/// - at the start of a line (after indentation and the markers of the list item or quote it is
///   in): `#` of a heading, `>`, `=`, `:`, `|`, `+`/`-`/`*` of a list item or rule, `[` of a
///   task, and the `.` or `)` of a numbered item (`1. `);
/// - the first of `--` and of `...`, which smart punctuation would turn into a dash or an
///   ellipsis. Quotes are left alone: the renderer curls them as it does the source's.
///
/// At the end of the text, what follows is the next code's markup (or the end of the field).
fn escape_into(text: &str, out: &mut String, cx: Context) {
    let tail = out.rsplit('\n').next().unwrap_or("");
    // Whether nothing but indentation and container markers precede on the current line.
    let mut line_start = tail.chars().all(|c| {
        c.is_whitespace() || c.is_ascii_digit() || matches!(c, '>' | '-' | '+' | '*' | '#' | '.' | ')')
    });
    let mut table_row = tail.contains('|');
    let mut prev = out.chars().next_back();
    let chars: Vec<char> = text.chars().collect();
    // The index of a number's `.`/`)` that would make a list item.
    let mut list_delimiter = None;
    for (i, &c) in chars.iter().enumerate() {
        // The end of the field counts as a line end.
        let next = chars.get(i + 1).copied().or(cx.after).or(Some('\n'));
        let space = |x: Option<char>| x.is_some_and(char::is_whitespace);
        // Before the text: as CommonMark, the start of the field counts as whitespace.
        let space_before = prev.is_none_or(char::is_whitespace);
        let punct_before =
            prev.is_some_and(|p| p.is_ascii_punctuation() || (!p.is_alphanumeric() && !p.is_whitespace()));
        let punct_after =
            next.is_some_and(|n| n.is_ascii_punctuation() || (!n.is_alphanumeric() && !n.is_whitespace()));
        // Whether a delimiter here could open (left-flanking) or close (right-flanking).
        let left = !space(next) && (!punct_after || space_before || punct_before);
        let right = !space_before && (!punct_before || space(next) || punct_after);
        let block = line_start && !c.is_whitespace();
        let ends_item = next.is_none_or(char::is_whitespace);
        if block && c.is_ascii_digit() {
            let digits = chars[i..].iter().take_while(|d| d.is_ascii_digit()).count();
            if digits <= 9
                && matches!(chars.get(i + digits), Some('.' | ')'))
                && chars.get(i + digits + 1).is_none_or(|c| c.is_whitespace())
            {
                list_delimiter = Some(i + digits);
            }
        }
        let escape = match c {
            '*' | '~' => {
                (block && (c == '~' || ends_item || next == Some('*'))) || left || (right && cx.in_pair)
            }
            '_' => {
                let open = left && (!right || punct_before);
                let close = right && (!left || punct_after);
                (block && matches!(next, Some('_'))) || open || (close && cx.in_pair)
            }
            '`' => true,
            // `[ ]`, `[x]`: a task list item's box.
            '[' => {
                cx.references
                    || cx.in_link
                    || (block && matches!(next, Some(' ' | 'x' | 'X')) && chars.get(i + 2) == Some(&']'))
            }
            ']' => cx.references || cx.in_link || next.is_none_or(|n| matches!(n, '(' | '[' | ':')),
            '&' => {
                let rest = &chars[i + 1..];
                let name = rest
                    .iter()
                    .skip(usize::from(rest.first() == Some(&'#')))
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .count();
                let hash = usize::from(rest.first() == Some(&'#'));
                if rest.is_empty() {
                    next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#')
                } else {
                    name > 0 && rest.get(hash + name).is_none_or(|c| *c == ';')
                }
            }
            '<' => next.is_none_or(|n| !(n.is_whitespace() || n.is_ascii_digit() || n == '=')),
            '\\' => next.is_none_or(|n| n.is_ascii_punctuation() || n == '\n' || n == '\r'),
            '!' => next == Some('['),
            '|' => block || table_row,
            '#' => block && next.is_none_or(|n| n.is_whitespace() || n == '#'),
            '>' | '=' | ':' => block,
            '+' => block && ends_item,
            // `--`/`---` would become dashes (smart punctuation); `- ` a list item.
            '-' => (block && ends_item) || next == Some('-'),
            '.' if next == Some('.') && chars.get(i + 2) == Some(&'.') => true,
            '.' | ')' => list_delimiter == Some(i),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        if c == '\n' {
            line_start = true;
            table_row = false;
        } else if !c.is_whitespace() {
            line_start = false;
        }
        prev = Some(c);
    }
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
    rebuild_codes(target, codes, required, false)
}

/// [`rebuild_with`] for a Markdown field: the text between the codes is what the translator
/// typed as plain text, so every character that would mean something in Markdown there is
/// escaped ([`escape_into`]) and the learner sees it as typed. Text inside an autolink
/// (`<https://…>`) is left as it is: Markdown reads no escapes there.
pub fn rebuild_literal(
    target: &[TargetPiece],
    codes: &HashMap<u32, (bool, String, String)>,
    required: &[u32],
) -> Result<String, String> {
    rebuild_codes(target, codes, required, true)
}

fn rebuild_codes(
    target: &[TargetPiece],
    codes: &HashMap<u32, (bool, String, String)>,
    required: &[u32],
    literal: bool,
) -> Result<String, String> {
    let mut seen: HashMap<u32, usize> = HashMap::new();
    let mut out = String::new();
    fn walk(
        pieces: &[TargetPiece],
        codes: &HashMap<u32, (bool, String, String)>,
        seen: &mut HashMap<u32, usize>,
        out: &mut String,
        literal: Option<Context>,
    ) -> Result<(), String> {
        for (k, p) in pieces.iter().enumerate() {
            match p {
                TargetPiece::Text(t) if let Some(cx) = literal => {
                    // What follows the text: the next code's markup, or the end of the pair
                    // or field.
                    let after = match pieces.get(k + 1) {
                        Some(TargetPiece::Ph(id) | TargetPiece::Pair(id, _)) => {
                            codes.get(id).and_then(|(_, data, _)| data.chars().next())
                        }
                        Some(TargetPiece::Text(t)) => t.chars().next(),
                        None => cx.after,
                    };
                    escape_into(t, out, Context { after, ..cx })
                }
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
                        let inner_cx = if is_autolink(open) {
                            None
                        } else {
                            literal.map(|cx| Context {
                                in_pair: true,
                                in_link: cx.in_link || open.starts_with('[') || open.starts_with("!["),
                                after: close.chars().next(),
                                ..cx
                            })
                        };
                        walk(inner, codes, seen, out, inner_cx)?;
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
    // A reference definition (`[label]: url`, a footnote's `[^label]:`) is a code of its own.
    let references = codes.values().any(|(_, data, _)| data.contains("]:"));
    let literal = literal.then_some(Context { in_pair: false, in_link: false, references, after: None });
    walk(target, codes, &mut seen, &mut out, literal)?;
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

    /// Whether the byte before `at` is a backslash escaping the punctuation at `at` (the
    /// parser's text starts after it): such a backslash belongs to the text, not to markup.
    fn escaped_at(&self, at: usize) -> bool {
        at > 0
            && self.source.as_bytes().get(at - 1) == Some(&b'\\')
            && self.source.as_bytes().get(at).is_some_and(u8::is_ascii_punctuation)
    }

    fn text(&mut self, range: Range<usize>) {
        if range.start < self.cursor {
            return;
        }
        let start = if range.start > self.cursor && self.escaped_at(range.start) {
            range.start - 1
        } else {
            range.start
        };
        self.markup_until(start);
        let text = self.source[start..range.end].to_owned();
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
                    let inner_start = if inner_start > range.start + 1
                        && matches!(events.get(i + 1), Some((Event::Text(_), _)))
                        && self.escaped_at(inner_start)
                    {
                        inner_start - 1
                    } else {
                        inner_start
                    };
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
