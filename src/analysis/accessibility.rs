//! Accessibility of learner-facing content (WCAG 2.2 level AA; Quality Matters standard 8,
//! "Accessibility and usability"): the rules `AX1`–`AX11`, each tied to one WCAG 2.2 success
//! criterion ([`RULES`]), run over every text a learner sees — the curriculum description, node
//! summaries, activity instructions and resource titles, assessment instructions and GRASPS,
//! quiz stems, choices, matching pairs and feedback, rubric descriptions, criteria and
//! descriptors, and the alternative text of stored images — plus the curriculum's language and
//! the assessments' time limits.
//!
//! Markdown fields are read *as written* (before the sanitiser drops styles, media and scripts,
//! because those are what the author meant): the Markdown structure from pulldown-cmark's
//! events (with the options `crate::markdown` renders with), raw HTML with the html5ever
//! tokenizer; no regular expression looks at markup. A field without `<`, `[`, `#` or `|` has
//! no markup to check and is not parsed, and a text that appears in several fields is parsed and
//! described once (its findings are the same wherever it stands; only their targets differ).
//! Rules and fixes are listed in `docs/findings.md`.
//!
//! Not here: the pages Trellis itself draws around the content (their accessibility is tested
//! in a browser with axe-core, `tests/runtime/a11y.test.js`), and anything needing a judgement
//! a machine cannot make (whether an alternative text is *good*, whether a passage is in
//! another language when nothing marks it).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::finding::{Finding, Severity, Target};
use crate::model::{Assessment, AssessmentFormat, Asset, Document, ItemBody, Node, NodeId, QuizItem, Rubric};

use super::context::join;

/// One accessibility rule: its stable code, the WCAG 2.2 success criterion it checks and a
/// short name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The finding code (`AX1-image-without-alt`).
    pub code: &'static str,
    /// The WCAG 2.2 success criterion (`1.1.1 Non-text Content`).
    pub criterion: &'static str,
    /// What the rule looks for.
    pub title: &'static str,
}

/// Image without a text alternative.
pub const AX1: &str = "AX1-image-without-alt";
/// Text alternative that is a file name.
pub const AX2: &str = "AX2-alt-is-file-name";
/// Heading levels skipped.
pub const AX3: &str = "AX3-heading-level-skipped";
/// Data table without header cells.
pub const AX4: &str = "AX4-table-without-headers";
/// Link text that says nothing about the target.
pub const AX5: &str = "AX5-link-text-unclear";
/// Audio or video without captions or a transcript.
pub const AX6: &str = "AX6-media-without-captions";
/// Inline colours with too little contrast.
pub const AX7: &str = "AX7-contrast-too-low";
/// The content's language is not declared.
pub const AX8: &str = "AX8-language-not-declared";
/// A passage's language mark is not a language tag.
pub const AX9: &str = "AX9-passage-language-invalid";
/// A quiz item that relies on colour or position only.
pub const AX10: &str = "AX10-relies-on-colour-or-position";
/// A time limit learners cannot extend.
pub const AX11: &str = "AX11-time-limit-not-adjustable";

/// Every rule, in code order.
pub const RULES: [Rule; 11] = [
    Rule { code: AX1, criterion: "1.1.1 Non-text Content (A)", title: "Images have a text alternative" },
    Rule {
        code: AX2,
        criterion: "1.1.1 Non-text Content (A)",
        title: "Text alternatives describe, not name files",
    },
    Rule {
        code: AX3,
        criterion: "1.3.1 Info and Relationships (A)",
        title: "Heading levels are not skipped",
    },
    Rule { code: AX4, criterion: "1.3.1 Info and Relationships (A)", title: "Tables have header cells" },
    Rule { code: AX5, criterion: "2.4.4 Link Purpose (In Context) (A)", title: "Link text names the target" },
    Rule {
        code: AX6,
        criterion: "1.2.1 / 1.2.2 Audio-only, Video-only, Captions (A)",
        title: "Audio and video have captions or a transcript",
    },
    Rule {
        code: AX7,
        criterion: "1.4.3 Contrast (Minimum) (AA)",
        title: "Inline colours have enough contrast",
    },
    Rule { code: AX8, criterion: "3.1.1 Language of Page (A)", title: "The content's language is declared" },
    Rule {
        code: AX9,
        criterion: "3.1.2 Language of Parts (AA)",
        title: "Passages in another language are marked correctly",
    },
    Rule {
        code: AX10,
        criterion: "1.3.3 Sensory Characteristics / 1.4.1 Use of Color (A)",
        title: "Quiz items do not rely on colour or position only",
    },
    Rule { code: AX11, criterion: "2.2.1 Timing Adjustable (A)", title: "Time limits can be extended" },
];

/// The rule of a finding code, if it is an accessibility code.
pub fn rule_of(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// Whether a finding code is one of this module's.
pub fn is_accessibility_code(code: &str) -> bool {
    rule_of(code).is_some()
}

/// The page background of Trellis pages (`src/export/assets/trellis.css`, `body`).
const PAGE_BACKGROUND: Rgb = Rgb(0xff, 0xff, 0xff);
/// The text colour of Trellis pages (`--ink`).
const PAGE_TEXT: Rgb = Rgb(0x1a, 0x1a, 0x1a);
/// Base font size in CSS pixels.
const BASE_PX: f32 = 16.0;

/// Runs the accessibility rules on a document (unsorted; [`super::check`] sorts them with the
/// other findings). It needs no analysis context, so what it costs alone is what it adds to
/// [`super::check`] (besides sorting).
pub fn check(doc: &Document) -> Vec<Finding> {
    let assets: HashMap<&str, &Asset> = doc.assets.iter().map(|a| (a.name.as_str(), a)).collect();
    let paths = Paths::new(doc);
    let mut run = Run { paths, assets, out: Vec::new(), issues: HashMap::new() };
    run.language();
    let c = &doc.curriculum;
    run.markdown(&Place::Curriculum, Field::Description, &c.description);
    for n in &doc.nodes {
        run.markdown(&Place::Node(n), Field::Summary, &n.summary);
    }
    for a in &doc.activities {
        let place = Place::Activity(a);
        run.markdown(&place, Field::Instructions, &a.instructions);
        for r in &a.resources {
            run.resource_title(&place, &r.title, r.url.as_deref());
        }
    }
    for a in &doc.assessments {
        run.assessment(a);
    }
    for r in &doc.rubrics {
        run.rubric(r);
    }
    for asset in &doc.assets {
        run.asset(asset);
    }
    run.out
}

/// The entity a field belongs to.
enum Place<'d> {
    Curriculum,
    Node(&'d crate::model::Node),
    Activity(&'d crate::model::Activity),
    Assessment(&'d Assessment),
    Item(&'d Assessment, &'d QuizItem),
    Rubric(&'d Rubric),
    Criterion(&'d Rubric, &'d crate::model::Criterion),
    Asset(&'d Asset),
}

/// Outline paths, computed only for the entities a finding is about (the analysis context
/// computes every node's path up front, which costs more than this whole check), each once.
struct Paths<'d> {
    doc: &'d Document,
    nodes: HashMap<NodeId, &'d Node>,
    done: RefCell<HashMap<NodeId, Rc<str>>>,
}

impl<'d> Paths<'d> {
    fn new(doc: &'d Document) -> Self {
        Paths { doc, nodes: doc.nodes.iter().map(|n| (n.id, n)).collect(), done: RefCell::default() }
    }

    /// `Course › Unit › Lesson`, as `Ctx::node_path` gives it.
    fn node(&self, id: NodeId) -> Rc<str> {
        if let Some(path) = self.done.borrow().get(&id) {
            return Rc::clone(path);
        }
        let path: Rc<str> = self.compute(id).into();
        self.done.borrow_mut().insert(id, Rc::clone(&path));
        path
    }

    fn compute(&self, id: NodeId) -> String {
        let mut titles = Vec::new();
        let mut at = self.nodes.get(&id);
        while let Some(n) = at {
            if titles.len() > self.nodes.len() {
                break; // a parent cycle (refused by validation); never loop
            }
            titles.push(n.title.as_str());
            at = n.parent.and_then(|p| self.nodes.get(&p));
        }
        titles.reverse();
        titles.join(" › ")
    }

    /// The target of a place, as the analysis context's `t_…` builders give it.
    fn target(&self, place: &Place) -> Target {
        let t = |kind: &str, id: String, path: String| Target { kind: kind.into(), id: Some(id), path };
        let rubric = |r: &Rubric| format!("Rubric “{}”", r.title);
        match place {
            Place::Curriculum => {
                t("curriculum", self.doc.curriculum.id.to_string(), self.doc.curriculum.title.clone())
            }
            Place::Node(n) => t("node", n.id.to_string(), self.node(n.id).to_string()),
            Place::Activity(a) => t("activity", a.id.to_string(), join(&self.node(a.node), &a.title)),
            Place::Assessment(a) => t("assessment", a.id.to_string(), join(&self.node(a.node), &a.title)),
            Place::Item(a, item) => {
                let n = a.items.iter().position(|i| i.id == item.id).map_or(0, |i| i + 1);
                let path = join(&join(&self.node(a.node), &a.title), &format!("Item {n}"));
                t("item", item.id.to_string(), path)
            }
            Place::Rubric(r) => t("rubric", r.id.to_string(), rubric(r)),
            Place::Criterion(r, c) => t("criterion", c.id.to_string(), join(&rubric(r), &c.title)),
            Place::Asset(a) => {
                t("asset", a.id.to_string(), join(&self.doc.curriculum.title, &format!("File “{}”", a.name)))
            }
        }
    }
}

/// The field of an entity a finding is about; its name starts the finding's message.
#[derive(Clone, Copy)]
enum Field<'d> {
    Description,
    Summary,
    Instructions,
    Resource,
    Grasps(&'static str),
    Stem,
    FeedbackCorrect,
    FeedbackIncorrect,
    Choice(usize),
    ChoiceFeedback(usize),
    MatchPrompt(usize),
    MatchAnswer(usize),
    Title,
    Descriptor(&'d str),
    AltText,
    Language,
    TimeLimit,
}

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Description => f.write_str("Description"),
            Field::Summary => f.write_str("Summary"),
            Field::Instructions => f.write_str("Instructions"),
            Field::Resource => f.write_str("Resources"),
            Field::Grasps(part) => write!(f, "GRASPS {part}"),
            Field::Stem => f.write_str("Stem"),
            Field::FeedbackCorrect => f.write_str("Feedback on a correct answer"),
            Field::FeedbackIncorrect => f.write_str("Feedback on an incorrect answer"),
            Field::Choice(n) => write!(f, "Choice {n}"),
            Field::ChoiceFeedback(n) => write!(f, "Feedback on choice {n}"),
            Field::MatchPrompt(n) => write!(f, "Matching prompt {n}"),
            Field::MatchAnswer(n) => write!(f, "Matching answer {n}"),
            Field::Title => f.write_str("Title"),
            Field::Descriptor(level) => write!(f, "Descriptor “{level}”"),
            Field::AltText => f.write_str("Alternative text"),
            Field::Language => f.write_str("Language"),
            Field::TimeLimit => f.write_str("Time limit"),
        }
    }
}

struct Run<'d> {
    paths: Paths<'d>,
    assets: HashMap<&'d str, &'d Asset>,
    out: Vec<Finding>,
    /// The problems of each distinct Markdown text checked so far: a text that appears in many
    /// fields is parsed once.
    issues: HashMap<&'d str, Rc<[Described]>>,
}

/// A problem of a text, described: its code, message and hint.
type Described = (&'static str, String, &'static str);

impl<'d> Run<'d> {
    fn push(&mut self, code: &str, place: &Place, field: Field, message: impl fmt::Display, hint: &str) {
        self.out.push(Finding {
            code: code.to_owned(),
            severity: Severity::Warning,
            message: format!("{field}: {message}"),
            target: self.paths.target(place),
            hint: hint.to_owned(),
        });
    }

    fn language(&mut self) {
        let lang = self.paths.doc.curriculum.language.trim();
        if lang.is_empty() {
            self.push(
                AX8,
                &Place::Curriculum,
                Field::Language,
                "the curriculum does not declare the language of its content, so every page is \
                 declared English (`en`) and screen readers may read it with the wrong voice.",
                "Set the curriculum's language to a BCP 47 tag (`en`, `de`, `fr-CA`, …).",
            );
        } else if !is_language_tag(lang) {
            self.push(
                AX8,
                &Place::Curriculum,
                Field::Language,
                format!(
                    "“{lang}” is not a BCP 47 language tag, so pages declare a language no reader knows."
                ),
                "Set the curriculum's language to a BCP 47 tag (`en`, `de`, `fr-CA`, …).",
            );
        }
    }

    fn assessment(&mut self, a: &'d Assessment) {
        let place = Place::Assessment(a);
        self.markdown(&place, Field::Instructions, &a.instructions);
        if let Some(g) = &a.grasps {
            for (part, text) in [
                ("goal", &g.goal),
                ("role", &g.role),
                ("audience", &g.audience),
                ("situation", &g.situation),
                ("product", &g.product),
                ("standards", &g.standards),
            ] {
                self.markdown(&place, Field::Grasps(part), text);
            }
        }
        if a.format == AssessmentFormat::Exam
            && let Some(minutes) = a.duration_minutes
        {
            self.push(
                AX11,
                &place,
                Field::TimeLimit,
                format!(
                    "the exam “{}” lasts {minutes} minutes, which Common Cartridge and Canvas exports set as its \
                     time limit, and the document has no way to extend it for learners who need more time.",
                    a.title
                ),
                "Clear the exam's duration if it is not a hard limit; otherwise arrange extra time (in Canvas: \
                 Moderate This Quiz → extra time) for learners with accommodations and say so in the instructions.",
            );
        }
        for item in &a.items {
            self.item(a, item);
        }
    }

    fn item(&mut self, a: &'d Assessment, item: &'d QuizItem) {
        let place = Place::Item(a, item);
        self.markdown(&place, Field::Stem, &item.stem);
        self.sensory(&place, Field::Stem, &item.stem);
        self.markdown(&place, Field::FeedbackCorrect, &item.feedback_correct);
        self.markdown(&place, Field::FeedbackIncorrect, &item.feedback_incorrect);
        match &item.body {
            ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } => {
                for (i, c) in choices.iter().enumerate() {
                    self.markdown(&place, Field::Choice(i + 1), &c.text);
                    self.sensory(&place, Field::Choice(i + 1), &c.text);
                    self.markdown(&place, Field::ChoiceFeedback(i + 1), &c.feedback);
                }
            }
            ItemBody::Matching { pairs } => {
                for (i, p) in pairs.iter().enumerate() {
                    self.markdown(&place, Field::MatchPrompt(i + 1), &p.prompt);
                    self.sensory(&place, Field::MatchPrompt(i + 1), &p.prompt);
                    self.markdown(&place, Field::MatchAnswer(i + 1), &p.answer);
                    self.sensory(&place, Field::MatchAnswer(i + 1), &p.answer);
                }
            }
            ItemBody::TrueFalse { .. }
            | ItemBody::ShortAnswer { .. }
            | ItemBody::Numeric { .. }
            | ItemBody::Essay { .. } => {}
        }
    }

    fn rubric(&mut self, r: &'d Rubric) {
        self.markdown(&Place::Rubric(r), Field::Description, &r.description);
        for c in &r.criteria {
            let place = Place::Criterion(r, c);
            self.markdown(&place, Field::Title, &c.title);
            self.markdown(&place, Field::Description, &c.description);
            for d in &c.descriptors {
                let level = r.levels.iter().find(|l| l.id == d.level).map_or("", |l| l.label.as_str());
                self.markdown(&place, Field::Descriptor(level), &d.text);
            }
        }
    }

    fn asset(&mut self, asset: &'d Asset) {
        if asset.media_type.starts_with("image/") && looks_like_file_name(&asset.alt, Some(&asset.name)) {
            self.push(
                AX2,
                &Place::Asset(asset),
                Field::AltText,
                format!(
                    "the alternative text of the image “{}” is a file name (“{}”), which tells a screen-reader user nothing.",
                    asset.name,
                    asset.alt.trim()
                ),
                "Describe what the image shows and why it is there (e.g. “Histogram of exam scores, skewed left”).",
            );
        }
    }

    fn resource_title(&mut self, place: &Place, title: &str, url: Option<&str>) {
        if let Some(why) = unclear_link_text(title) {
            self.push(
                AX5,
                place,
                Field::Resource,
                format!("the resource link “{}” {why}.", title.trim()),
                "Title the resource with what learners find there (e.g. “Census Bureau population tables”).",
            );
        } else if title.trim().is_empty() && url.is_some() {
            self.push(
                AX5,
                place,
                Field::Resource,
                "a resource link has no title, so its text is empty.",
                "Title the resource with what learners find there.",
            );
        }
    }

    /// Checks what a Markdown field renders to.
    fn markdown(&mut self, place: &Place, field: Field, text: &'d str) {
        if !may_have_markup(text) {
            return;
        }
        let described = match self.issues.get(text) {
            Some(d) => Rc::clone(d),
            None => {
                let d: Rc<[Described]> =
                    scan(&markdown_events(text), &self.assets).into_iter().map(Issue::describe).collect();
                self.issues.insert(text, Rc::clone(&d));
                d
            }
        };
        for (code, message, hint) in described.iter() {
            self.push(code, place, field, message, hint);
        }
    }

    /// Quiz text that points at something by its colour or position only.
    fn sensory(&mut self, place: &Place, field: Field, text: &str) {
        if !has_sensory_word(text) {
            return;
        }
        if let Some(phrase) = sensory_phrase(text) {
            self.push(
                AX10,
                place,
                field,
                format!(
                    "“{phrase}” identifies something by its colour or position only, which learners who cannot \
                     see it (or see colours) cannot follow; choices may also be shown in another order."
                ),
                "Name the thing itself (its label, value or text) instead of its colour or place on the screen.",
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTML scanning

/// A start tag, end tag or text of a field, borrowing from the field's text where it can.
enum Ev<'a> {
    Start { name: Cow<'a, str>, attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>, self_closing: bool },
    End(Cow<'a, str>),
    Text(Cow<'a, str>),
}

struct Sink<'a>(RefCell<Vec<Ev<'a>>>);

impl TokenSink for Sink<'_> {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut events = self.0.borrow_mut();
        match token {
            Token::TagToken(Tag { kind: TagKind::StartTag, name, attrs, self_closing, .. }) => {
                events.push(Ev::Start {
                    name: Cow::Owned(name.to_string()),
                    attrs: attrs
                        .iter()
                        .map(|a| (Cow::Owned(a.name.local.to_string()), Cow::Owned(a.value.to_string())))
                        .collect(),
                    self_closing,
                })
            }
            Token::TagToken(Tag { kind: TagKind::EndTag, name, .. }) => {
                events.push(Ev::End(Cow::Owned(name.to_string())))
            }
            Token::CharacterTokens(t) => match events.last_mut() {
                Some(Ev::Text(s)) => s.to_mut().push_str(&t),
                _ => events.push(Ev::Text(Cow::Owned(t.to_string()))),
            },
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Whether a Markdown text can hold anything the HTML rules look at: raw HTML or an autolink
/// (`<`), a link or image (`](`, `][`, or `]:` for a reference definition), or an ATX heading
/// (a line starting with `#`; setext headings are only levels 1 and 2, so cannot skip one).
/// Markdown tables always have a header row. Texts without any of these are not parsed.
fn may_have_markup(text: &str) -> bool {
    text.contains('<')
        || (text.contains(']') && (text.contains("](") || text.contains("][") || text.contains("]:")))
        || (text.contains('#') && text.lines().any(|l| l.trim_start().starts_with('#')))
}

/// Tokenizes a piece of raw HTML with html5ever and appends its events to `out`.
fn tokenize_into<'a>(html: &str, out: &mut Vec<Ev<'a>>) {
    let tokenizer = Tokenizer::new(Sink(RefCell::new(std::mem::take(out))), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    *out = tokenizer.sink.0.into_inner();
}

fn start<'a>(name: &'static str, attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>) -> Ev<'a> {
    Ev::Start { name: Cow::Borrowed(name), attrs, self_closing: false }
}

fn cow(s: pulldown_cmark::CowStr<'_>) -> Cow<'_, str> {
    match s {
        pulldown_cmark::CowStr::Borrowed(b) => Cow::Borrowed(b),
        other => Cow::Owned(other.to_string()),
    }
}

/// The events of a Markdown field as the HTML it renders to would give them: Markdown
/// structure (headings, tables with their header cells, links, images with their alternative
/// text) from pulldown-cmark's events, which is what its HTML writer renders, and raw HTML
/// (runs of consecutive HTML events) tokenized with html5ever. Rendering the HTML only to
/// tokenize it again cost five times as much on the large benchmark curriculum.
fn markdown_events(text: &str) -> Vec<Ev<'_>> {
    use pulldown_cmark::{Event, Tag, TagEnd};
    const HEADINGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];
    let mut out = Vec::new();
    let mut html = String::new();
    // Inside an image: its source, its alternative text so far, and the nesting of images.
    let mut image: Option<(Cow<'_, str>, String, usize)> = None;
    let mut in_head = false;
    for ev in crate::markdown::parser(text) {
        if !html.is_empty() && !matches!(ev, Event::Html(_) | Event::InlineHtml(_)) {
            tokenize_into(&html, &mut out);
            html.clear();
        }
        if let Some((src, alt, depth)) = image.as_mut() {
            match ev {
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                Event::Start(Tag::Image { .. }) => *depth += 1,
                Event::End(TagEnd::Image) if *depth > 1 => *depth -= 1,
                Event::End(TagEnd::Image) => {
                    let attrs = vec![
                        (Cow::Borrowed("src"), std::mem::take(src)),
                        (Cow::Borrowed("alt"), Cow::Owned(std::mem::take(alt))),
                    ];
                    out.push(Ev::Start { name: Cow::Borrowed("img"), attrs, self_closing: true });
                    image = None;
                }
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                out.push(start(HEADINGS[level as usize - 1], Vec::new()))
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push(Ev::End(Cow::Borrowed(HEADINGS[level as usize - 1])))
            }
            Event::Start(Tag::Table(_)) => out.push(start("table", Vec::new())),
            Event::End(TagEnd::Table) => out.push(Ev::End(Cow::Borrowed("table"))),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableCell) => out.push(start(if in_head { "th" } else { "td" }, Vec::new())),
            Event::End(TagEnd::TableCell) => {
                out.push(Ev::End(Cow::Borrowed(if in_head { "th" } else { "td" })))
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                out.push(start("a", vec![(Cow::Borrowed("href"), cow(dest_url))]));
            }
            Event::End(TagEnd::Link) => out.push(Ev::End(Cow::Borrowed("a"))),
            Event::Start(Tag::Image { dest_url, .. }) => image = Some((cow(dest_url), String::new(), 1)),
            Event::Text(t) | Event::Code(t) => out.push(Ev::Text(cow(t))),
            Event::Html(h) | Event::InlineHtml(h) => html.push_str(&h),
            _ => {}
        }
    }
    if !html.is_empty() {
        tokenize_into(&html, &mut out);
    }
    out
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr",
];

/// One problem found in a field's HTML.
#[derive(Debug, PartialEq)]
enum Issue {
    NoAlt { src: String },
    AltIsFileName { src: String, alt: String },
    HeadingSkipped { from: u32, to: u32 },
    TableWithoutHeaders,
    LinkUnclear { text: String, why: &'static str },
    MediaWithoutCaptions { kind: String },
    Contrast { fg: Rgb, bg: Rgb, ratio: f64, needed: f64 },
    BadLang { lang: String },
}

impl Issue {
    fn describe(self) -> (&'static str, String, &'static str) {
        match self {
            Issue::NoAlt { src } => (
                AX1,
                format!("the image “{src}” has no text alternative."),
                "Describe the image in its alternative text (`![what it shows](…)`), or in the file's alternative text \
                 when it is a stored file.",
            ),
            Issue::AltIsFileName { src, alt } => (
                AX2,
                format!("the alternative text of the image “{src}” is a file name (“{alt}”)."),
                "Replace it with what the image shows and why it is there.",
            ),
            Issue::HeadingSkipped { from, to } => (
                AX3,
                format!("a level-{to} heading follows a level-{from} heading, skipping a level."),
                "Use the next heading level down (one more `#`) so the outline has no gaps.",
            ),
            Issue::TableWithoutHeaders => (
                AX4,
                "a table has no header cells, so screen readers cannot say which column or row a value belongs to."
                    .into(),
                "Give the table a header row (a Markdown table's first row, or `<th>` cells).",
            ),
            Issue::LinkUnclear { text, why } => (
                AX5,
                format!("the link “{text}” {why}."),
                "Make the link text say where it leads (e.g. “the 2020 census tables” instead of “click here”).",
            ),
            Issue::MediaWithoutCaptions { kind } => (
                AX6,
                format!("the {kind} has no captions track and no transcript link."),
                "Add `<track kind=\"captions\" src=\"….vtt\">` to the video, or link a transcript (link text with “transcript”) \
                 next to it.",
            ),
            Issue::Contrast { fg, bg, ratio, needed } => (
                AX7,
                format!("text in {fg} on {bg} has a contrast ratio of {ratio:.2}:1; at least {needed}:1 is needed."),
                "Use a darker text colour or a lighter background (or drop the inline colours and let the page style \
                 decide).",
            ),
            Issue::BadLang { lang } => (
                AX9,
                if lang.is_empty() {
                    "a passage is marked with an empty language.".to_owned()
                } else {
                    format!("a passage is marked with the language “{lang}”, which is not a BCP 47 language tag.")
                },
                "Mark passages in another language with a BCP 47 tag (`<span lang=\"fr\">…</span>`).",
            ),
        }
    }
}

/// Inherited presentation of an open element.
#[derive(Clone)]
struct Style<'e> {
    name: &'e str,
    fg: Option<Rgb>,
    bg: Option<Rgb>,
    px: f32,
    bold: bool,
}

struct Link {
    text: String,
    href: String,
}

/// Scans a field's events for every HTML-level problem.
fn scan(events: &[Ev<'_>], assets: &HashMap<&str, &Asset>) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut last_heading = 0u32;
    let mut tables: Vec<bool> = Vec::new();
    let mut links: Vec<Link> = Vec::new();
    let mut media: Vec<(String, bool)> = Vec::new();
    let mut uncaptioned: Vec<String> = Vec::new();
    let mut transcript = false;
    let root = Style { name: "", fg: None, bg: None, px: BASE_PX, bold: false };
    let mut styles: Vec<Style> = Vec::new();
    let mut raw_text = 0usize;
    let mut contrast_seen: Vec<(Rgb, Rgb, bool)> = Vec::new();
    for ev in events {
        match ev {
            Ev::Start { name, attrs, self_closing } => {
                let attr = |key: &str| attr_of(attrs, key);
                if let Some(lang) = attr("lang").or(attr("xml:lang"))
                    && !is_language_tag(lang.trim())
                {
                    issues.push(Issue::BadLang { lang: lang.trim().to_owned() });
                }
                let name = name.as_ref();
                match name {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        let level = u32::from(name.as_bytes()[1] - b'0');
                        if last_heading > 0 && level > last_heading + 1 {
                            issues.push(Issue::HeadingSkipped { from: last_heading, to: level });
                        }
                        last_heading = level;
                    }
                    "table" => tables.push(false),
                    "th" => {
                        if let Some(t) = tables.last_mut() {
                            *t = true;
                        }
                    }
                    "a" => links.push(Link {
                        text: String::new(),
                        href: attr("href").unwrap_or_default().to_owned(),
                    }),
                    "img" => {
                        image(attr("src").unwrap_or_default(), attr("alt"), assets, &mut links, &mut issues)
                    }
                    "video" | "audio" => media.push((name.to_owned(), false)),
                    "track" => {
                        let kind = attr("kind").unwrap_or("subtitles").to_ascii_lowercase();
                        if (kind == "captions" || kind == "subtitles")
                            && let Some(m) = media.last_mut()
                        {
                            m.1 = true;
                        }
                    }
                    "script" | "style" | "template" => raw_text += 1,
                    _ => {}
                }
                if !VOID.contains(&name) && !self_closing {
                    let parent = styles.last().unwrap_or(&root);
                    let style = element_style(name, parent, attrs);
                    styles.push(style);
                }
            }
            Ev::End(name) => {
                let name = name.as_ref();
                match name {
                    "table" => {
                        let had_headers = tables.pop();
                        if had_headers == Some(false) {
                            issues.push(Issue::TableWithoutHeaders);
                        }
                    }
                    "a" => {
                        if let Some(link) = links.pop() {
                            finish_link(link, &mut transcript, &mut links, &mut issues);
                        }
                    }
                    "video" | "audio" => {
                        if let Some(pos) = media.iter().rposition(|(n, _)| n == name) {
                            for (kind, captioned) in media.drain(pos..) {
                                if !captioned {
                                    uncaptioned.push(kind);
                                }
                            }
                        }
                    }
                    "script" | "style" | "template" => raw_text = raw_text.saturating_sub(1),
                    _ => {}
                }
                if let Some(pos) = styles.iter().rposition(|s| s.name == name) {
                    styles.truncate(pos);
                }
            }
            Ev::Text(text) => {
                if raw_text > 0 || text.trim().is_empty() {
                    continue;
                }
                for link in &mut links {
                    link.text.push_str(text);
                }
                if let Some(s) = styles.last()
                    && (s.fg.is_some() || s.bg.is_some())
                {
                    let fg = s.fg.unwrap_or(PAGE_TEXT);
                    let bg = s.bg.unwrap_or(PAGE_BACKGROUND);
                    let large = s.px >= 24.0 || (s.bold && s.px >= 18.66);
                    let needed = if large { 3.0 } else { 4.5 };
                    let ratio = contrast(fg, bg);
                    if ratio < needed && !contrast_seen.contains(&(fg, bg, large)) {
                        contrast_seen.push((fg, bg, large));
                        issues.push(Issue::Contrast { fg, bg, ratio, needed });
                    }
                }
            }
        }
    }
    while let Some(link) = links.pop() {
        finish_link(link, &mut transcript, &mut links, &mut issues);
    }
    for (kind, captioned) in media {
        if !captioned {
            uncaptioned.push(kind);
        }
    }
    for t in tables {
        if !t {
            issues.push(Issue::TableWithoutHeaders);
        }
    }
    for kind in uncaptioned {
        if !transcript {
            issues.push(Issue::MediaWithoutCaptions { kind });
        }
    }
    issues
}

fn image(
    src: &str,
    alt: Option<&str>,
    assets: &HashMap<&str, &Asset>,
    links: &mut [Link],
    issues: &mut Vec<Issue>,
) {
    let alt = alt.map(str::trim).unwrap_or("");
    let asset = src
        .strip_prefix("asset:")
        .or_else(|| src.strip_prefix("assets/"))
        .and_then(|name| assets.get(name).or_else(|| assets.get(name.replace("%20", " ").as_str())));
    // Exporters fill an empty alternative from the stored file's (see `export::lower`).
    let effective = if alt.is_empty() { asset.map_or("", |a| a.alt.trim()) } else { alt };
    let shown = file_name(src);
    if effective.is_empty() {
        issues.push(Issue::NoAlt { src: shown.to_owned() });
    } else if !alt.is_empty() && looks_like_file_name(alt, Some(src)) {
        issues.push(Issue::AltIsFileName { src: shown.to_owned(), alt: alt.to_owned() });
    }
    for link in links {
        link.text.push_str(effective);
    }
}

fn finish_link(link: Link, transcript: &mut bool, outer: &mut [Link], issues: &mut Vec<Issue>) {
    let lower = link.text.to_lowercase();
    if lower.contains("transcript") || link.href.to_lowercase().contains("transcript") {
        *transcript = true;
    }
    if let Some(why) = unclear_link_text(&link.text) {
        issues.push(Issue::LinkUnclear { text: collapse(&link.text), why });
    }
    for o in outer {
        o.text.push_str(&link.text);
    }
}

fn attr_of<'e>(attrs: &'e [(Cow<'_, str>, Cow<'_, str>)], key: &str) -> Option<&'e str> {
    attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_ref())
}

fn element_style<'e>(name: &'e str, parent: &Style, attrs: &[(Cow<'_, str>, Cow<'_, str>)]) -> Style<'e> {
    let attr = |key: &str| attr_of(attrs, key);
    let mut s = Style { name, ..parent.clone() };
    match name {
        "b" | "strong" | "th" => s.bold = true,
        "h1" => (s.px, s.bold) = (BASE_PX * 2.0, true),
        "h2" => (s.px, s.bold) = (BASE_PX * 1.5, true),
        "h3" => (s.px, s.bold) = (BASE_PX * 1.17, true),
        "h4" | "h5" | "h6" => s.bold = true,
        "small" => s.px = parent.px * 0.83,
        "font" => {
            if let Some(c) = attr("color").and_then(parse_color) {
                s.fg = Some(c);
            }
        }
        _ => {}
    }
    if let Some(c) = attr("bgcolor").and_then(parse_color) {
        s.bg = Some(c);
    }
    if let Some(style) = attr("style") {
        for decl in style.split(';') {
            let Some((prop, value)) = decl.split_once(':') else { continue };
            let prop = prop.trim().to_ascii_lowercase();
            let value = value.trim().trim_end_matches("!important").trim().to_ascii_lowercase();
            match prop.as_str() {
                "color" => s.fg = parse_color(&value).or(s.fg),
                "background-color" => s.bg = parse_color(&value).or(s.bg),
                "background" => s.bg = value.split_whitespace().find_map(parse_color).or(s.bg),
                "font-size" => s.px = parse_size(&value, parent.px).unwrap_or(s.px),
                "font-weight" => {
                    s.bold = match value.as_str() {
                        "bold" | "bolder" => true,
                        "normal" | "lighter" => false,
                        n => n.parse::<u32>().map_or(s.bold, |w| w >= 700),
                    }
                }
                _ => {}
            }
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Colour

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rgb(u8, u8, u8);

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

const NAMED: [(&str, Rgb); 30] = [
    ("black", Rgb(0, 0, 0)),
    ("white", Rgb(255, 255, 255)),
    ("red", Rgb(255, 0, 0)),
    ("green", Rgb(0, 128, 0)),
    ("blue", Rgb(0, 0, 255)),
    ("yellow", Rgb(255, 255, 0)),
    ("orange", Rgb(255, 165, 0)),
    ("purple", Rgb(128, 0, 128)),
    ("gray", Rgb(128, 128, 128)),
    ("grey", Rgb(128, 128, 128)),
    ("silver", Rgb(192, 192, 192)),
    ("maroon", Rgb(128, 0, 0)),
    ("navy", Rgb(0, 0, 128)),
    ("teal", Rgb(0, 128, 128)),
    ("olive", Rgb(128, 128, 0)),
    ("lime", Rgb(0, 255, 0)),
    ("aqua", Rgb(0, 255, 255)),
    ("cyan", Rgb(0, 255, 255)),
    ("fuchsia", Rgb(255, 0, 255)),
    ("magenta", Rgb(255, 0, 255)),
    ("pink", Rgb(255, 192, 203)),
    ("brown", Rgb(165, 42, 42)),
    ("gold", Rgb(255, 215, 0)),
    ("lightgray", Rgb(211, 211, 211)),
    ("lightgrey", Rgb(211, 211, 211)),
    ("darkgray", Rgb(169, 169, 169)),
    ("darkgrey", Rgb(169, 169, 169)),
    ("lightyellow", Rgb(255, 255, 224)),
    ("darkred", Rgb(139, 0, 0)),
    ("darkblue", Rgb(0, 0, 139)),
];

/// Parses a CSS colour: `#rgb`, `#rrggbb` (alpha forms ignore the alpha), `rgb()`/`rgba()` and
/// common names. Anything else (`inherit`, `hsl()`, unknown names) is `None`: not judged.
fn parse_color(value: &str) -> Option<Rgb> {
    let v = value.trim().to_ascii_lowercase();
    if let Some(hex) = v.strip_prefix('#') {
        let digit = |i: usize| hex.get(i..=i).and_then(|d| u8::from_str_radix(d, 16).ok());
        let pair = |i: usize| hex.get(i..i + 2).and_then(|d| u8::from_str_radix(d, 16).ok());
        return match hex.len() {
            3 | 4 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 | 8 => Some(Rgb(pair(0)?, pair(2)?, pair(4)?)),
            _ => None,
        };
    }
    if let Some(args) = v.strip_prefix("rgba(").or_else(|| v.strip_prefix("rgb(")) {
        let args = args.strip_suffix(')')?;
        let mut parts = args.split([',', ' ', '/']).filter(|p| !p.is_empty()).map(|p| {
            if let Some(pc) = p.strip_suffix('%') {
                pc.parse::<f64>().ok().map(|x| (x * 2.55).round().clamp(0.0, 255.0) as u8)
            } else {
                p.parse::<f64>().ok().map(|x| x.round().clamp(0.0, 255.0) as u8)
            }
        });
        return Some(Rgb(parts.next()??, parts.next()??, parts.next()??));
    }
    NAMED.iter().find(|(n, _)| *n == v).map(|(_, c)| *c)
}

fn parse_size(value: &str, parent_px: f32) -> Option<f32> {
    let v = value.trim();
    let num = |s: &str| s.trim().parse::<f32>().ok().filter(|x| x.is_finite() && *x >= 0.0);
    if let Some(n) = v.strip_suffix("px") {
        num(n)
    } else if let Some(n) = v.strip_suffix("pt") {
        num(n).map(|x| x * 4.0 / 3.0)
    } else if let Some(n) = v.strip_suffix("rem") {
        num(n).map(|x| x * BASE_PX)
    } else if let Some(n) = v.strip_suffix("em") {
        num(n).map(|x| x * parent_px)
    } else if let Some(n) = v.strip_suffix('%') {
        num(n).map(|x| x / 100.0 * parent_px)
    } else {
        match v {
            "xx-small" => Some(9.0),
            "x-small" => Some(10.0),
            "small" => Some(13.0),
            "medium" => Some(16.0),
            "large" => Some(18.0),
            "x-large" => Some(24.0),
            "xx-large" => Some(32.0),
            "xxx-large" => Some(48.0),
            _ => None,
        }
    }
}

/// WCAG 2.x relative luminance.
fn luminance(c: Rgb) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.04045 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
}

/// WCAG 2.x contrast ratio (1 to 21).
fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

// ---------------------------------------------------------------------------------------------
// Text heuristics

/// Whether `tag` is a well-formed BCP 47 tag: a language subtag of 2–3 letters (the 5–8 letter
/// form is reserved and unused, so `french` is refused), then subtags of 1–8 letters or digits;
/// `x-`/`i-` private and grandfathered forms too.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(first) = parts.next() else { return false };
    let first_ok = first.chars().all(|c| c.is_ascii_alphabetic())
        && (matches!(first.len(), 2 | 3)
            || first.eq_ignore_ascii_case("x")
            || first.eq_ignore_ascii_case("i"));
    first_ok && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why a link text does not say where the link leads, if it does not.
fn unclear_link_text(text: &str) -> Option<&'static str> {
    const VAGUE: [&str; 20] = [
        "click here",
        "here",
        "click",
        "read more",
        "more",
        "link",
        "this link",
        "learn more",
        "more info",
        "more information",
        "this",
        "go",
        "details",
        "see here",
        "click this link",
        "this page",
        "page",
        "website",
        "continue reading",
        "see more",
    ];
    let t = collapse(text);
    let lower = t.to_lowercase();
    let core = lower.trim_matches(|c: char| !c.is_alphanumeric());
    if t.is_empty() {
        return Some("has no text");
    }
    if VAGUE.contains(&core) {
        return Some("says nothing about where it leads");
    }
    let bare = lower.trim();
    let url = bare.starts_with("http://") || bare.starts_with("https://") || bare.starts_with("www.");
    if url && !bare.contains(' ') {
        return Some("is a bare web address, which screen readers spell out character by character");
    }
    None
}

/// The file-name part of a path or URL.
fn file_name(src: &str) -> &str {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    path.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or(src)
}

/// Whether an alternative text is a file name (its own extension, the source's name, or a
/// camera-style name such as `IMG_1234`).
fn looks_like_file_name(alt: &str, src: Option<&str>) -> bool {
    const EXT: [&str; 12] =
        [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".tif", ".tiff", ".avif", ".heic", ".ico"];
    let a = alt.trim().to_ascii_lowercase();
    if a.is_empty() {
        return false;
    }
    if EXT.iter().any(|e| a.ends_with(e)) {
        return true;
    }
    if let Some(src) = src {
        let name = file_name(src).to_ascii_lowercase();
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        if a == name || (a == stem && !a.contains(' ')) {
            return true;
        }
    }
    let camera = ["img_", "img-", "dsc_", "dsc", "image", "screenshot", "photo", "pic"];
    !a.contains(' ')
        && camera.iter().any(|p| {
            a.strip_prefix(p).is_some_and(|rest| {
                !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '_' || c == '-')
            })
        })
}

/// Words that pick something out by colour.
const COLOURS: [&str; 14] = [
    "red",
    "green",
    "blue",
    "yellow",
    "orange",
    "purple",
    "pink",
    "grey",
    "gray",
    "brown",
    "highlighted",
    "coloured",
    "colored",
    "shaded",
];
/// What a colour or position word can point at in a quiz.
const THINGS: [&str; 24] = [
    "one",
    "ones",
    "option",
    "options",
    "answer",
    "answers",
    "choice",
    "choices",
    "box",
    "boxes",
    "text",
    "word",
    "words",
    "line",
    "lines",
    "bar",
    "bars",
    "item",
    "items",
    "button",
    "label",
    "statement",
    "column",
    "row",
];

/// Whether a text has any word the colour-or-position rule starts from (a cheap test before
/// [`sensory_phrase`]).
fn has_sensory_word(text: &str) -> bool {
    text.as_bytes().split(|b| !(b.is_ascii_alphanumeric() || *b == b'-')).any(|w| {
        if !(3..=11).contains(&w.len()) {
            return false;
        }
        let mut lower = [0u8; 11];
        for (l, b) in lower.iter_mut().zip(w) {
            *l = b.to_ascii_lowercase();
        }
        matches!(
            &lower[..w.len()],
            b"red"
                | b"green"
                | b"blue"
                | b"yellow"
                | b"orange"
                | b"purple"
                | b"pink"
                | b"grey"
                | b"gray"
                | b"brown"
                | b"highlighted"
                | b"coloured"
                | b"colored"
                | b"shaded"
                | b"above"
                | b"below"
                | b"left"
                | b"right"
                | b"left-hand"
                | b"right-hand"
        )
    })
}

/// The first phrase of a quiz text that identifies something by colour or position only.
fn sensory_phrase(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let words: Vec<&str> =
        lower.split(|c: char| !(c.is_alphanumeric() || c == '-')).filter(|w| !w.is_empty()).collect();
    let thing = |i: usize| words.get(i).is_some_and(|w| THINGS.contains(w));
    for (i, w) in words.iter().enumerate() {
        // "the red one", "the highlighted word", "green bars"
        if COLOURS.contains(w) && thing(i + 1) {
            return Some(format!("{w} {}", words[i + 1]));
        }
        // "shown in red", "marked in green"
        if matches!(*w, "shown" | "marked" | "printed" | "written" | "highlighted")
            && words.get(i + 1) == Some(&"in")
            && words.get(i + 2).is_some_and(|c| COLOURS[..10].contains(c))
        {
            return Some(format!("{w} in {}", words[i + 2]));
        }
        // "the option above", "the answer below", "the statement on the left"
        if thing(i)
            && let Some(next) = words.get(i + 1)
            && matches!(*next, "above" | "below")
        {
            return Some(format!("{w} {next}"));
        }
        if matches!(*w, "left" | "right" | "left-hand" | "right-hand") {
            if matches!(words.get(i + 1), Some(&"column" | &"columns" | &"box" | &"boxes")) {
                return Some(format!("{w} {}", words[i + 1]));
            }
            if i >= 2
                && words[i - 1] == "the"
                && words[i - 2] == "on"
                && !words.get(i + 1).is_some_and(|n| {
                    matches!(
                        *n,
                        "arm"
                            | "hand"
                            | "leg"
                            | "foot"
                            | "side"
                            | "eye"
                            | "ear"
                            | "lung"
                            | "ventricle"
                            | "atrium"
                    )
                })
            {
                return Some(format!("on the {w}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_ratios_match_wcag_examples() {
        assert!((contrast(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 21.0).abs() < 0.01);
        assert!((contrast(Rgb(0x77, 0x77, 0x77), Rgb(255, 255, 255)) - 4.48).abs() < 0.01);
        assert_eq!(parse_color("#abc"), Some(Rgb(0xaa, 0xbb, 0xcc)));
        assert_eq!(parse_color("rgb(10, 20, 30)"), Some(Rgb(10, 20, 30)));
        assert_eq!(parse_color("Grey"), Some(Rgb(128, 128, 128)));
        assert_eq!(parse_color("hsl(0 0% 0%)"), None);
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "de-CH", "fr-CA", "zh-Hant-TW", "es-419", "x-klingon"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "english", "e", "en_US", "en-", "fr--ca"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn sensory_phrases() {
        assert_eq!(sensory_phrase("Which is the red one?").as_deref(), Some("red one"));
        assert_eq!(sensory_phrase("Pick the option above.").as_deref(), Some("option above"));
        assert_eq!(sensory_phrase("Match the terms on the left.").as_deref(), Some("on the left"));
        assert_eq!(sensory_phrase("Values shown in green are outliers").as_deref(), Some("shown in green"));
        for quiet in [
            "Which cells carry oxygen? Red blood cells.",
            "Inject into the deltoid on the right arm.",
            "What is the right answer to 2 + 2?",
            "Which values lie above the median?",
        ] {
            assert_eq!(sensory_phrase(quiet), None, "{quiet}");
        }
    }

    #[test]
    fn the_quick_word_test_knows_every_colour() {
        for w in COLOURS {
            assert!(has_sensory_word(&format!("The {} one", w.to_uppercase())), "{w}");
        }
        assert!(!has_sensory_word("Which value is the median?"));
    }

    #[test]
    fn only_texts_with_markup_are_parsed() {
        for md in ["![a](b.png)", "[x][r]\n\n[r]: http://e", "<b>x</b>", "# Title", "text\n  ## Sub"] {
            assert!(may_have_markup(md), "{md}");
        }
        for md in ["plain", "| a | b |\n|---|---|\n| 1 | 2 |", "see [1]", "C# and F#"] {
            assert!(!may_have_markup(md), "{md}");
        }
    }

    #[test]
    fn targets_are_those_of_the_analysis_context() {
        let doc = crate::generate::large(crate::generate::Scale { courses: 2, units: 2, lessons: 2 });
        let cx = super::super::Ctx::new(&doc);
        let paths = Paths::new(&doc);
        assert_eq!(paths.target(&Place::Curriculum), cx.t_curriculum());
        for n in &doc.nodes {
            assert_eq!(paths.target(&Place::Node(n)), cx.t_node(n));
        }
        for a in &doc.activities {
            assert_eq!(paths.target(&Place::Activity(a)), cx.t_activity(a));
        }
        for a in &doc.assessments {
            assert_eq!(paths.target(&Place::Assessment(a)), cx.t_assessment(a));
            for i in &a.items {
                assert_eq!(paths.target(&Place::Item(a, i)), cx.t_item(a, i));
            }
        }
        for r in &doc.rubrics {
            assert_eq!(paths.target(&Place::Rubric(r)), cx.t_rubric(r));
            for c in &r.criteria {
                assert_eq!(paths.target(&Place::Criterion(r, c)), cx.t_criterion(r, c));
            }
        }
    }

    #[test]
    fn file_names_as_alternative_text() {
        assert!(looks_like_file_name("hist.png", None));
        assert!(looks_like_file_name("IMG_2044", None));
        assert!(looks_like_file_name("histogram", Some("assets/histogram.png")));
        assert!(!looks_like_file_name("Histogram of exam scores", Some("assets/histogram.png")));
        assert!(!looks_like_file_name("image of a cell", None));
    }
}
