//! HTML (LMS pages, descriptions, quiz text) → Markdown, keeping what Markdown cannot express
//! as sanitised HTML.
//!
//! The input is first normalised by ammonia (the same sanitiser as `crate::markdown`, with a
//! slightly wider tag list so that frames and equations can be recognised before they are
//! stripped), then tokenised with html5ever and rebuilt as a small tree that is written out as
//! CommonMark + GFM: paragraphs, headings, emphasis, links, images, lists, block quotes, code,
//! rules and simple tables. Everything else is kept as HTML that goes through
//! [`crate::markdown::sanitize`]: complex tables (spans, block content), definition lists,
//! `<sub>`/`<sup>`/`<u>`, sized images. Embedded frames, video and audio become links. Canvas
//! equation images become `\(…\)` TeX text. Text is escaped so it renders as the same text.
//!
//! HTML nested deeper than [`MAX_HTML_DEPTH`] elements is refused by [`try_convert_with`] (the
//! cartridge importer) or reduced to its text by [`convert_with`], before the sanitiser parses
//! it, and the tree the writer walks never grows deeper than that limit.
//!
//! URLs pass through a caller-supplied [`UrlRewriter`] (the Common Cartridge importer maps
//! package files to `assets/…` and reports broken links); the default keeps them.
//! Not here: deciding which files are assets, or rendering Markdown back to HTML.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::export::xml::escape as escape_html;
use crate::model::MAX_HTML_DEPTH;
use crate::model::limits::html_too_deep;

/// Where a URL is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlUse {
    /// `<a href>`.
    Link,
    /// `<img src>`.
    Image,
    /// `<iframe>`, `<video>`, `<audio>`, `<source>`, `<embed>` `src`.
    Embed,
}

/// What to do with a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlAction {
    /// Keep this URL.
    Keep(String),
    /// Keep the text (or alt text), drop the link or image.
    Unlink,
}

/// Decides what happens to each URL (resolve package paths, report missing files).
pub trait UrlRewriter {
    /// Maps one URL.
    fn rewrite(&mut self, url: &str, usage: UrlUse) -> UrlAction;
}

/// Keeps every URL.
pub struct KeepUrls;

impl UrlRewriter for KeepUrls {
    fn rewrite(&mut self, url: &str, _usage: UrlUse) -> UrlAction {
        UrlAction::Keep(url.to_owned())
    }
}

/// The result of a conversion.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Converted {
    /// The Markdown (no trailing newline).
    pub markdown: String,
    /// Things the reader should know (frames turned into links, HTML kept as HTML).
    pub notes: Vec<String>,
}

/// HTML nested deeper than [`MAX_HTML_DEPTH`] elements, refused before it is parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooDeep {
    /// 1-based line of the input where the nesting passes the limit.
    pub line: usize,
}

impl std::fmt::Display for TooDeep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: the HTML is nested more than {MAX_HTML_DEPTH} elements deep; Trellis reads at most {MAX_HTML_DEPTH}",
            self.line
        )
    }
}

/// Converts an HTML fragment or document with URLs kept as they are.
pub fn convert(html: &str) -> Converted {
    convert_with(html, &mut KeepUrls)
}

/// Converts an HTML fragment or document, mapping URLs through `urls`.
///
/// HTML nested deeper than [`MAX_HTML_DEPTH`] is not parsed: its text is kept as plain
/// (escaped) text and a note says so. Use [`try_convert_with`] to refuse it instead.
pub fn convert_with(html: &str, urls: &mut dyn UrlRewriter) -> Converted {
    match try_convert_with(html, urls) {
        Ok(converted) => converted,
        Err(too_deep) => Converted {
            markdown: escape(&collapse(&text_only(html))).trim().to_owned(),
            notes: vec![format!("{too_deep}: only its text was kept")],
        },
    }
}

/// Converts like [`convert_with`], refusing HTML nested deeper than [`MAX_HTML_DEPTH`]
/// elements (checked in one linear pass before anything is parsed into a tree).
pub fn try_convert_with(html: &str, urls: &mut dyn UrlRewriter) -> Result<Converted, TooDeep> {
    if let Some(line) = html_too_deep(html, MAX_HTML_DEPTH) {
        return Err(TooDeep { line });
    }
    let clean = pre_clean(html);
    let tree = build_tree(&clean);
    let mut writer = Writer { urls, notes: Vec::new() };
    let blocks = writer.blocks(&tree, ROOT);
    Ok(Converted { markdown: blocks.join("\n\n"), notes: writer.notes })
}

/// The character data of HTML, tags and comments dropped (linear, no tree).
fn text_only(html: &str) -> String {
    struct Text(RefCell<String>);
    impl TokenSink for Text {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            if let Token::CharacterTokens(text) = token {
                self.0.borrow_mut().push_str(&text);
            }
            TokenSinkResult::Continue
        }
    }
    let tokenizer = Tokenizer::new(Text(RefCell::new(String::new())), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

/// Plain text of an HTML fragment (for titles and statements).
pub fn to_plain_text(html: &str) -> String {
    let text = crate::markdown::to_plain_text(&convert(html).markdown);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pre_clean(html: &str) -> String {
    ammonia::Builder::default()
        .add_tags(["iframe", "video", "audio", "source", "embed"])
        .add_clean_content_tags(["title"])
        .add_tag_attributes("iframe", ["src", "title"])
        .add_tag_attributes("video", ["src", "title"])
        .add_tag_attributes("audio", ["src", "title"])
        .add_tag_attributes("source", ["src"])
        .add_tag_attributes("embed", ["src", "title"])
        .add_tag_attributes("img", ["alt", "title", "width", "height", "data-equation-content"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan"])
        .add_tag_attributes("ol", ["start"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(None)
        .clean(html)
        .to_string()
}

const ROOT: usize = 0;

#[derive(Debug)]
enum Node {
    Element { name: String, attrs: Vec<(String, String)>, children: Vec<usize> },
    Text(String),
}

struct TreeSink {
    nodes: RefCell<Vec<Node>>,
    stack: RefCell<Vec<usize>>,
}

const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

impl TreeSink {
    fn append(&self, node: Node) -> usize {
        let mut nodes = self.nodes.borrow_mut();
        let id = nodes.len();
        nodes.push(node);
        let parent = self.stack.borrow().last().copied().unwrap_or(ROOT);
        if let Node::Element { children, .. } = &mut nodes[parent] {
            children.push(id);
        }
        id
    }

    fn tag(&self, tag: Tag) {
        let name = tag.name.to_string();
        match tag.kind {
            TagKind::StartTag => {
                let attrs =
                    tag.attrs.iter().map(|a| (a.name.local.to_string(), a.value.to_string())).collect();
                let id = self.append(Node::Element { name: name.clone(), attrs, children: Vec::new() });
                // The writer recurses over this tree, so it never grows deeper than the limit
                // (the input was checked before sanitising; this holds whatever the sanitiser
                // made of it): deeper elements are attached at the deepest level allowed.
                let room = self.stack.borrow().len() < MAX_HTML_DEPTH;
                if room && !tag.self_closing && !VOID.contains(&name.as_str()) {
                    self.stack.borrow_mut().push(id);
                }
            }
            TagKind::EndTag => {
                let nodes = self.nodes.borrow();
                let mut stack = self.stack.borrow_mut();
                if let Some(pos) = stack
                    .iter()
                    .rposition(|&i| matches!(&nodes[i], Node::Element { name: n, .. } if *n == name))
                {
                    stack.truncate(pos);
                }
            }
        }
    }
}

impl TokenSink for TreeSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => self.tag(tag),
            Token::CharacterTokens(text) => {
                let parent = self.stack.borrow().last().copied().unwrap_or(ROOT);
                let mut nodes = self.nodes.borrow_mut();
                let last = match &nodes[parent] {
                    Node::Element { children, .. } => children.last().copied(),
                    Node::Text(_) => None,
                };
                if let Some(last) = last
                    && let Node::Text(t) = &mut nodes[last]
                {
                    t.push_str(&text);
                    return TokenSinkResult::Continue;
                }
                drop(nodes);
                self.append(Node::Text(text.to_string()));
            }
            Token::NullCharacterToken
            | Token::CommentToken(_)
            | Token::DoctypeToken(_)
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

fn build_tree(html: &str) -> Vec<Node> {
    let sink = TreeSink {
        nodes: RefCell::new(vec![Node::Element {
            name: "#root".into(),
            attrs: Vec::new(),
            children: Vec::new(),
        }]),
        stack: RefCell::new(Vec::new()),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.nodes.into_inner()
}

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "iframe",
    "video",
    "audio",
];

/// Containers whose content is simply lifted into the surrounding flow.
const TRANSPARENT_BLOCKS: &[&str] = &[
    "div", "article", "aside", "center", "footer", "header", "hgroup", "main", "nav", "section", "address",
    "figure",
];

/// Inline tags kept as HTML because Markdown has no syntax for them.
const RAW_INLINE: &[&str] =
    &["sub", "sup", "u", "ins", "mark", "small", "abbr", "q", "cite", "dfn", "var", "bdi", "bdo"];

/// An element's name, attributes and children.
type ElementView<'t> = (&'t str, &'t [(String, String)], &'t [usize]);

struct Writer<'a> {
    urls: &'a mut dyn UrlRewriter,
    notes: Vec<String>,
}

impl Writer<'_> {
    fn element<'t>(&self, tree: &'t [Node], id: usize) -> Option<ElementView<'t>> {
        match &tree[id] {
            Node::Element { name, attrs, children } => {
                Some((name.as_str(), attrs.as_slice(), children.as_slice()))
            }
            Node::Text(_) => None,
        }
    }

    fn is_block(&self, tree: &[Node], id: usize) -> bool {
        self.element(tree, id).is_some_and(|(name, _, _)| BLOCKS.contains(&name))
    }

    /// Markdown blocks for the children of `id`.
    fn blocks(&mut self, tree: &[Node], id: usize) -> Vec<String> {
        let Some((_, _, children)) = self.element(tree, id) else { return Vec::new() };
        let mut out = Vec::new();
        let mut run: Vec<usize> = Vec::new();
        for &child in children {
            if self.is_block(tree, child) {
                self.flush_paragraph(tree, &mut run, &mut out);
                out.extend(self.block(tree, child));
            } else {
                run.push(child);
            }
        }
        self.flush_paragraph(tree, &mut run, &mut out);
        out
    }

    fn flush_paragraph(&mut self, tree: &[Node], run: &mut Vec<usize>, out: &mut Vec<String>) {
        if run.is_empty() {
            return;
        }
        let text = self.inline_list(tree, run);
        run.clear();
        let text = finish_paragraph(&text);
        if !text.is_empty() {
            out.push(text);
        }
    }

    fn block(&mut self, tree: &[Node], id: usize) -> Vec<String> {
        let Some((name, attrs, children)) = self.element(tree, id) else { return Vec::new() };
        match name {
            "p" | "dt" | "dd" | "summary" | "caption" | "figcaption" => {
                let has_block = children.iter().any(|&c| self.is_block(tree, c));
                if has_block {
                    self.blocks(tree, id)
                } else {
                    let text = finish_paragraph(&self.inline_list(tree, children));
                    if text.is_empty() { Vec::new() } else { vec![text] }
                }
            }
            n if TRANSPARENT_BLOCKS.contains(&n) => self.blocks(tree, id),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse::<usize>().unwrap_or(1);
                let text = self.inline_list(tree, children).replace("\\\n", " ");
                let mut text = collapse(&text);
                // A trailing run of `#` would be read as the heading's closing sequence.
                let run = text.len() - text.trim_end_matches('#').len();
                if run > 0 {
                    let keep = text.len() - run;
                    text = format!("{}{}", &text[..keep], "\\#".repeat(run));
                }
                if text.is_empty() { Vec::new() } else { vec![format!("{} {}", "#".repeat(level), text)] }
            }
            "hr" => vec!["* * *".to_owned()],
            "pre" => {
                let mut code = String::new();
                raw_text(tree, id, &mut code);
                let code = code.strip_prefix('\n').unwrap_or(&code).trim_end_matches('\n');
                let fence = "`".repeat(longest_run(code, '`').max(2) + 1);
                vec![format!("{fence}\n{code}\n{fence}")]
            }
            "blockquote" => {
                let inner = self.blocks(tree, id).join("\n\n");
                if inner.is_empty() {
                    return Vec::new();
                }
                vec![
                    inner
                        .lines()
                        .map(|l| if l.is_empty() { ">".to_owned() } else { format!("> {l}") })
                        .collect::<Vec<_>>()
                        .join("\n"),
                ]
            }
            "ul" | "ol" => self.list(tree, name == "ol", attrs, children),
            "li" => self.blocks(tree, id),
            "table" => self.table(tree, id),
            "iframe" | "video" | "audio" => {
                let src = attr(attrs, "src").map(str::to_owned).or_else(|| {
                    children.iter().find_map(|&c| match self.element(tree, c) {
                        Some(("source", a, _)) => attr(a, "src").map(str::to_owned),
                        _ => None,
                    })
                });
                let Some(src) = src else { return Vec::new() };
                let label = attr(attrs, "title").filter(|t| !t.trim().is_empty()).map_or_else(
                    || match name {
                        "video" => "Video".to_owned(),
                        "audio" => "Audio".to_owned(),
                        _ => "Embedded content".to_owned(),
                    },
                    str::to_owned,
                );
                match self.urls.rewrite(&src, UrlUse::Embed) {
                    UrlAction::Keep(url) => {
                        self.notes.push(format!("an embedded {name} was turned into a link to {url}"));
                        vec![format!("[{}]({})", escape(&label), link_destination(&url))]
                    }
                    UrlAction::Unlink => vec![escape(&label)],
                }
            }
            _ => self.raw_block(tree, id),
        }
    }

    fn list(
        &mut self,
        tree: &[Node],
        ordered: bool,
        attrs: &[(String, String)],
        children: &[usize],
    ) -> Vec<String> {
        let mut number: u64 = attr(attrs, "start").and_then(|s| s.trim().parse().ok()).unwrap_or(1);
        let mut items = Vec::new();
        for &child in children {
            // Whitespace between items is not an item.
            if let Node::Text(t) = &tree[child]
                && t.trim().is_empty()
            {
                continue;
            }
            let blocks = match self.element(tree, child) {
                Some(("li", _, _)) => self.blocks(tree, child),
                Some(_) if self.is_block(tree, child) => self.block(tree, child),
                Some(_) | None => {
                    let text = finish_paragraph(&self.inline_list(tree, &[child]));
                    if text.is_empty() { Vec::new() } else { vec![text] }
                }
            };
            let marker = if ordered { format!("{number}. ") } else { "- ".to_owned() };
            number += 1;
            let body = blocks.join("\n\n");
            let indent = " ".repeat(marker.len());
            let mut text = String::new();
            for (i, line) in body.lines().enumerate() {
                if i == 0 {
                    text.push_str(&marker);
                    text.push_str(line);
                } else {
                    text.push('\n');
                    if !line.is_empty() {
                        text.push_str(&indent);
                        text.push_str(line);
                    }
                }
            }
            if body.is_empty() {
                text.push_str(marker.trim_end());
            }
            items.push(text);
        }
        if items.is_empty() { Vec::new() } else { vec![items.join("\n")] }
    }

    fn table(&mut self, tree: &[Node], id: usize) -> Vec<String> {
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut simple = true;
        collect_rows(tree, id, &mut rows, &mut simple);
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        for row in &rows {
            for &cell in row {
                let Node::Element { attrs, children, .. } = &tree[cell] else { continue };
                if attr(attrs, "colspan").is_some_and(|v| v.trim() != "1")
                    || attr(attrs, "rowspan").is_some_and(|v| v.trim() != "1")
                    || children.iter().any(|&c| self.is_block(tree, c) && !is_plain_p(tree, c))
                {
                    simple = false;
                }
            }
        }
        if !simple || rows.is_empty() || width == 0 {
            return self.raw_block(tree, id);
        }
        let mut lines = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            let mut cells: Vec<String> = row
                .iter()
                .map(|&cell| {
                    let children = match &tree[cell] {
                        Node::Element { children, .. } => children.clone(),
                        Node::Text(_) => Vec::new(),
                    };
                    let text = self.inline_flow(tree, &children).replace("\\\n", " ");
                    escape_bare_pipes(&collapse(&text))
                })
                .collect();
            cells.resize(width, String::new());
            lines.push(format!("| {} |", cells.join(" | ")));
            if r == 0 {
                lines.push(format!("|{}|", vec![" --- "; width].join("|")));
            }
        }
        vec![lines.join("\n")]
    }

    /// Inline content of cells that may wrap it in a `<p>`.
    fn inline_flow(&mut self, tree: &[Node], children: &[usize]) -> String {
        let mut parts = Vec::new();
        for &c in children {
            match &tree[c] {
                Node::Element { name, children: inner, .. } if name == "p" => {
                    parts.push(self.inline_list(tree, inner))
                }
                _ => parts.push(self.inline_list(tree, &[c])),
            }
        }
        parts.join(" ")
    }

    /// Keeps an element as sanitised HTML in its own block.
    fn raw_block(&mut self, tree: &[Node], id: usize) -> Vec<String> {
        let mut html = String::new();
        self.serialize(tree, id, &mut html);
        let clean = crate::markdown::sanitize(&html);
        // An HTML block ends at a blank line, so there must be none inside.
        let mut lines: Vec<&str> = clean.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            return Vec::new();
        }
        let starts_block = self.element(tree, id).is_some_and(|(n, _, _)| BLOCKS.contains(&n));
        let wrapped;
        if !starts_block {
            wrapped = format!("<div>{}</div>", lines.join("\n"));
            lines = vec![wrapped.as_str()];
        }
        let name = self.element(tree, id).map_or("html", |(n, _, _)| n);
        self.notes.push(format!("a <{name}> was kept as HTML because Markdown cannot express it"));
        vec![lines.join("\n")]
    }

    /// Serialises a subtree as HTML, passing URLs through the rewriter.
    fn serialize(&mut self, tree: &[Node], id: usize, out: &mut String) {
        match &tree[id] {
            Node::Text(t) => out.push_str(&escape_html(t)),
            Node::Element { name, attrs, children } => {
                out.push('<');
                out.push_str(name);
                for (k, v) in attrs {
                    let value = match (name.as_str(), k.as_str()) {
                        ("a", "href") => match self.urls.rewrite(v, UrlUse::Link) {
                            UrlAction::Keep(u) => u,
                            UrlAction::Unlink => continue,
                        },
                        ("img", "src") => match self.urls.rewrite(v, UrlUse::Image) {
                            UrlAction::Keep(u) => u,
                            UrlAction::Unlink => continue,
                        },
                        _ => v.clone(),
                    };
                    out.push_str(&format!(" {k}=\"{}\"", escape_html(&value)));
                }
                out.push('>');
                if VOID.contains(&name.as_str()) {
                    return;
                }
                for &c in children {
                    self.serialize(tree, c, out);
                }
                out.push_str(&format!("</{name}>"));
            }
        }
    }

    fn inline_list(&mut self, tree: &[Node], ids: &[usize]) -> String {
        let mut out = String::new();
        for &id in ids {
            self.inline(tree, id, &mut out);
        }
        out
    }

    fn inline(&mut self, tree: &[Node], id: usize, out: &mut String) {
        let (name, attrs, children) = match &tree[id] {
            Node::Text(t) => {
                out.push_str(&escape(&collapse_keep_edges(t)));
                return;
            }
            Node::Element { name, attrs, children } => (name.as_str(), attrs.as_slice(), children.as_slice()),
        };
        match name {
            "br" => out.push_str("\\\n"),
            "strong" | "b" => self.wrap(tree, children, "**", out),
            "em" | "i" => self.wrap(tree, children, "*", out),
            "s" | "del" | "strike" => self.wrap(tree, children, "~~", out),
            "code" | "kbd" | "samp" | "tt" => {
                let mut text = String::new();
                raw_text(tree, id, &mut text);
                let text = text.replace('\n', " ");
                if text.is_empty() {
                    return;
                }
                let fence = "`".repeat(longest_run(&text, '`') + 1);
                let pad = if text.starts_with('`') || text.ends_with('`') || text.starts_with(' ') {
                    " "
                } else {
                    ""
                };
                out.push_str(&format!("{fence}{pad}{text}{pad}{fence}"));
            }
            "a" => {
                let text = self.inline_list(tree, children);
                let label = if text.trim().is_empty() {
                    attr(attrs, "title").map(escape).unwrap_or_default()
                } else {
                    text.trim().to_owned()
                };
                let Some(href) = attr(attrs, "href") else {
                    out.push_str(&label);
                    return;
                };
                match self.urls.rewrite(href, UrlUse::Link) {
                    UrlAction::Keep(url) => {
                        let label = if label.is_empty() { escape(&url) } else { label };
                        out.push_str(&format!("[{label}]({})", link_destination(&url)));
                    }
                    UrlAction::Unlink => out.push_str(&label),
                }
            }
            "img" => self.image(attrs, out),
            "iframe" | "video" | "audio" | "embed" | "source" => {
                let blocks = self.block(tree, id);
                out.push_str(&blocks.join(" "));
            }
            n if RAW_INLINE.contains(&n) => {
                let inner = self.inline_list(tree, children);
                out.push_str(&format!("<{n}>{inner}</{n}>"));
            }
            "p" | "div" | "li" | "dt" | "dd" => {
                // Block inside inline context: keep the text flowing.
                let inner = self.inline_list(tree, children);
                out.push(' ');
                out.push_str(&inner);
                out.push(' ');
            }
            _ => {
                let inner = self.inline_list(tree, children);
                out.push_str(&inner);
            }
        }
    }

    fn wrap(&mut self, tree: &[Node], children: &[usize], mark: &str, out: &mut String) {
        let inner = self.inline_list(tree, children);
        let trimmed = inner.trim();
        if trimmed.is_empty() {
            out.push_str(&inner);
            return;
        }
        if inner.starts_with(char::is_whitespace) {
            out.push(' ');
        }
        out.push_str(&format!("{mark}{trimmed}{mark}"));
        if inner.ends_with(char::is_whitespace) {
            out.push(' ');
        }
    }

    fn image(&mut self, attrs: &[(String, String)], out: &mut String) {
        let alt = attr(attrs, "alt").unwrap_or("").trim();
        if let Some(tex) = attr(attrs, "data-equation-content").filter(|t| !t.trim().is_empty()) {
            out.push_str(&escape(&format!("\\({}\\)", tex.trim())));
            return;
        }
        let Some(src) = attr(attrs, "src") else {
            out.push_str(&escape(alt));
            return;
        };
        let url = match self.urls.rewrite(src, UrlUse::Image) {
            UrlAction::Keep(url) => url,
            UrlAction::Unlink => {
                out.push_str(&escape(alt));
                return;
            }
        };
        let (width, height) = (attr(attrs, "width"), attr(attrs, "height"));
        if width.is_some() || height.is_some() {
            // Markdown has no image size; keep the image as (sanitised) HTML.
            let mut html = format!("<img src=\"{}\" alt=\"{}\"", escape_html(&url), escape_html(alt));
            if let Some(w) = width {
                html.push_str(&format!(" width=\"{}\"", escape_html(w)));
            }
            if let Some(h) = height {
                html.push_str(&format!(" height=\"{}\"", escape_html(h)));
            }
            html.push('>');
            out.push_str(crate::markdown::sanitize(&html).trim());
            return;
        }
        out.push_str(&format!("![{}]({})", escape(alt), link_destination(&url)));
    }
}

fn is_plain_p(tree: &[Node], id: usize) -> bool {
    matches!(&tree[id], Node::Element { name, children, .. } if name == "p"
        && children.iter().all(|&c| !matches!(&tree[c], Node::Element { name, .. } if BLOCKS.contains(&name.as_str()))))
}

fn collect_rows(tree: &[Node], id: usize, rows: &mut Vec<Vec<usize>>, simple: &mut bool) {
    let Node::Element { children, .. } = &tree[id] else { return };
    for &c in children {
        match &tree[c] {
            Node::Element { name, children: cells, .. } if name == "tr" => {
                let row: Vec<usize> = cells
                    .iter()
                    .copied()
                    .filter(|&cell| matches!(&tree[cell], Node::Element { name, .. } if name == "td" || name == "th"))
                    .collect();
                rows.push(row);
            }
            Node::Element { name, .. } if matches!(name.as_str(), "thead" | "tbody" | "tfoot") => {
                collect_rows(tree, c, rows, simple);
            }
            Node::Element { name, .. } if name == "caption" || name == "colgroup" => *simple = false,
            Node::Text(t) if t.trim().is_empty() => {}
            _ => *simple = false,
        }
    }
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn raw_text(tree: &[Node], id: usize, out: &mut String) {
    match &tree[id] {
        Node::Text(t) => out.push_str(t),
        Node::Element { name, children, .. } => {
            if name == "br" {
                out.push('\n');
            }
            for &c in children {
                raw_text(tree, c, out);
            }
        }
    }
}

fn longest_run(text: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        if c == ch {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// Collapses whitespace runs to one space, keeping a single space at either edge.
fn collapse_keep_edges(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

fn collapse(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() && c != '\u{a0}')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Trims a paragraph, removes spaces around hard breaks, and escapes what would start a block.
fn finish_paragraph(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.split("\\\n") {
        lines.push(guard_line_start(line.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")));
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    lines.join("\\\n")
}

/// Escapes a line start that Markdown would read as a heading, list, quote or rule.
fn guard_line_start(line: String) -> String {
    let first = line.chars().next();
    match first {
        Some('#' | '-' | '+' | '=' | '>') => format!("\\{line}"),
        Some(c) if c.is_ascii_digit() => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            match line[digits..].chars().next() {
                Some(m @ ('.' | ')')) if digits <= 9 => {
                    format!("{}\\{m}{}", &line[..digits], &line[digits + 1..])
                }
                _ => line,
            }
        }
        _ => line,
    }
}

/// Escapes text so Markdown renders it literally.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' if chars.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') => {
                out.push_str("\\&")
            }
            // Smart punctuation would turn `--` into a dash and `...` into an ellipsis.
            '-' if chars.get(i + 1) == Some(&'-') => out.push_str("\\-"),
            '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => out.push_str("\\."),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes `|` not already escaped (link URLs inside a table cell, say).
fn escape_bare_pipes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut escaped = false;
    for c in text.chars() {
        if c == '|' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

/// A link destination, in angle brackets when it holds spaces or parentheses.
fn link_destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) || url.is_empty() {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        convert(html).markdown
    }

    #[test]
    fn converts_common_structure() {
        assert_eq!(md("<p>Hello <strong>bold</strong> and <em>it</em></p>"), "Hello **bold** and *it*");
        assert_eq!(md("<h2>Title</h2><p>x</p>"), "## Title\n\nx");
        assert_eq!(md("<ul><li>a</li><li>b</li></ul>"), "- a\n- b");
        assert_eq!(md("<ol start=\"3\"><li>a</li><li>b</li></ol>"), "3. a\n4. b");
        assert_eq!(md("<p><a href=\"http://x.org/a b\">link</a></p>"), "[link](<http://x.org/a b>)");
        assert_eq!(md("<blockquote><p>q</p></blockquote>"), "> q");
        assert_eq!(md("<pre>let x = 1;\nlet y;</pre>"), "```\nlet x = 1;\nlet y;\n```");
        assert_eq!(md("a<br>b"), "a\\\nb");
    }

    #[test]
    fn escapes_text_that_looks_like_markdown() {
        assert_eq!(md("<p>\\(f(10)\\) *not* 1. no</p>"), "\\\\(f(10)\\\\) \\*not\\* 1. no");
        assert_eq!(md("<p>1. first</p>"), "1\\. first");
        assert_eq!(md("<p># not a heading</p>"), "\\# not a heading");
    }

    #[test]
    fn keeps_what_markdown_cannot_express_as_sanitised_html() {
        let out = md("<p>H<sub>2</sub>O</p><table><tr><td colspan=\"2\">x</td></tr></table>");
        assert!(out.contains("H<sub>2</sub>O"), "{out}");
        assert!(out.contains("<table>") && out.contains("colspan=\"2\""), "{out}");
        let out = md("<script>alert(1)</script><p onclick=\"x()\">safe</p>");
        assert_eq!(out, "safe");
    }

    #[test]
    fn simple_tables_become_gfm_tables() {
        let out = md("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2|3</td></tr></table>");
        assert_eq!(out, "| a | b |\n| --- | --- |\n| 1 | 2\\|3 |");
    }

    #[test]
    fn frames_become_links_and_are_reported() {
        let out = convert("<iframe src=\"https://www.youtube.com/embed/x\" title=\"Intro\"></iframe>");
        assert_eq!(out.markdown, "[Intro](https://www.youtube.com/embed/x)");
        assert_eq!(out.notes.len(), 1);
    }

    #[test]
    fn rendering_the_markdown_gives_back_the_text() {
        let html = "<p>Price: 5 * 3 = 15 &amp; [x] _y_ `z` &lt;b&gt;</p>";
        let text = crate::markdown::to_plain_text(&md(html));
        assert_eq!(text, "Price: 5 * 3 = 15 & [x] _y_ `z` <b>");
    }
}
