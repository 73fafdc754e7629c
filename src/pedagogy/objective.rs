//! Objective analysis: one statement in, an explainable [`ObjectiveAnalysis`] out (stem and
//! audience, main verbs, suggested Bloom level with the rule and the deciding verb, candidate
//! levels, measurability, knowledge dimension, ABCD parts, findings).
//!
//! The algorithm is deterministic and rule-based (no NLP model): strip the stem, find the main
//! verb and the verbs coordinated with it, resolve each verb's level from the lexicon (object
//! rules, behaviour nouns, "critically"), and take the highest. It never reads a document; the
//! document-wide lint is [`super::lint_document`]. Finding codes are listed in
//! `docs/pedagogy.md`.

use serde::Serialize;

use super::bloom::{Form, Lexicon, PhraseSet, Sense, lexicon};
use super::profile::Profile;
use super::text::{Kind, Token, tokenize};
use super::zeroshot;
use crate::finding::{Finding, Severity, Target};
use crate::model::{Abcd, BloomLevel, Domain, KnowledgeDimension};

/// Stable finding codes emitted by the objective analysis.
pub mod codes {
    /// The statement is empty.
    pub const EMPTY: &str = "O1-objective-empty";
    /// No observable verb: a topic, not an objective.
    pub const NO_VERB: &str = "O2-objective-no-verb";
    /// An unmeasurable verb or phrase ("understand", "be aware of").
    pub const UNMEASURABLE: &str = "O3-objective-unmeasurable";
    /// A valid verb with an unobservable object ("demonstrate an understanding of").
    pub const WEAK_OBJECT: &str = "O4-objective-weak-object";
    /// Written from the instructor's perspective ("introduce students to").
    pub const INSTRUCTOR: &str = "O5-objective-instructor-perspective";
    /// The deciding verb has several plausible levels.
    pub const AMBIGUOUS: &str = "O6-objective-ambiguous-verb";
    /// Several main verbs.
    pub const COMPOUND: &str = "O7-objective-compound";
    /// The verb was found away from the start of the statement.
    pub const LOW_CONFIDENCE: &str = "O8-objective-verb-not-leading";
    /// No audience named.
    pub const NO_AUDIENCE: &str = "O9-objective-no-audience";
    /// No condition stated.
    pub const NO_CONDITION: &str = "O10-objective-no-condition";
    /// No degree (criterion) stated.
    pub const NO_DEGREE: &str = "O11-objective-no-degree";
    /// The level stored on the objective differs from every level its wording supports.
    pub const LEVEL_DIFFERS: &str = "O12-objective-level-differs";
    /// The objective has no level stored; the analysis suggests one.
    pub const LEVEL_UNSET: &str = "O13-objective-level-unset";
    /// The document stores a calibration profile that cannot be read; the built-in rules are used.
    pub const PROFILE_INVALID: &str = "O14-objective-profile-invalid";
}

/// The full analysis of one objective statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ObjectiveAnalysis {
    /// The statement as given (trimmed).
    pub text: String,
    /// Suggested cognitive level (`None` when no cognitive behaviour was found).
    pub level: Option<BloomLevel>,
    /// Every level the main verbs support, lowest first.
    pub candidates: Vec<BloomLevel>,
    /// The main verbs, base form in the writer's spelling (`analyse`, `carry out`).
    pub verbs: Vec<String>,
    /// Whether every main verb names an observable behaviour.
    pub measurable: bool,
    /// Suggested knowledge dimension, when a cue in the object points at one.
    pub knowledge: Option<KnowledgeDimension>,
    /// Which ABCD parts are present.
    pub abcd: AbcdPresence,
    /// The ABCD parts as found in the text (empty strings when absent).
    pub parts: Abcd,
    /// One entry per main verb, with how its level was decided.
    pub matches: Vec<VerbMatch>,
    /// The verb that decided the level.
    pub deciding_verb: Option<String>,
    /// The rule that decided the level, in one sentence.
    pub rule: String,
    /// The steps of the analysis, for the designer.
    pub explanation: Vec<String>,
    /// How sure the verb detection is.
    pub confidence: Confidence,
    /// Problems found in the wording.
    pub findings: Vec<Finding>,
    /// The learning domain the wording points at: affective ("value", "show respect for")
    /// and psychomotor ("throw", "manipulate") statements still get the nearest cognitive
    /// level, with low confidence.
    pub domain: Domain,
    /// Which convention made the suggestion: `"built-in"`, or the name of the calibration
    /// profile that was applied (`trellis objectives calibrate`, `pedagogy::Profile`).
    pub convention: String,
}

/// Which ABCD parts an objective states.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AbcdPresence {
    /// Who ("Students will …").
    pub audience: bool,
    /// An observable behaviour.
    pub behavior: bool,
    /// Circumstances ("given a data set", "without notes").
    pub condition: bool,
    /// Criterion ("with 90 % accuracy", "within 10 minutes").
    pub degree: bool,
}

/// How sure the verb detection is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Confidence {
    /// The statement starts (after its stem) with a known verb or behaviour noun.
    High,
    /// A verb was found further into the statement.
    Low,
    /// No verb was found.
    None,
}

/// What decided a verb's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Basis {
    /// The verb's primary level in the lexicon.
    Lexicon,
    /// An object rule ("write a for loop" → apply).
    Context,
    /// A behaviour noun ("conduct a SWOT analysis" → analyze).
    Noun,
    /// A level-raising adverb ("critically discuss" → evaluate).
    Adverb,
    /// Unmeasurable wording; the level is the one it points at.
    Unmeasurable,
}

/// One main verb of an objective.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct VerbMatch {
    /// Base form in the writer's spelling (`analyse`).
    pub verb: String,
    /// The words as written (`critically analysing`).
    pub text: String,
    /// Level of this verb here.
    pub level: Option<BloomLevel>,
    /// Every level this verb is found at.
    pub candidates: Vec<BloomLevel>,
    /// Whether it names an observable behaviour.
    pub measurable: bool,
    /// What decided the level.
    pub basis: Basis,
    /// Why, in words.
    pub why: String,
    /// Byte offset of the match in `text`.
    pub start: usize,
    /// Byte offset after the match.
    pub end: usize,
}

/// Analyses one objective statement with the built-in lexicon.
///
/// ```
/// use trellis::model::BloomLevel;
/// let a = trellis::pedagogy::analyze_objective("Students will be able to critically evaluate sources.");
/// assert_eq!(a.level, Some(BloomLevel::Evaluate));
/// assert_eq!(a.verbs, ["evaluate"]);
/// ```
pub fn analyze_objective(statement: &str) -> ObjectiveAnalysis {
    analyze_with(lexicon(), statement)
}

/// Analyses one objective statement with a given lexicon.
pub fn analyze_with(lex: &Lexicon, statement: &str) -> ObjectiveAnalysis {
    Analyzer::new(lex, statement.trim()).run()
}

/// Analyses one objective statement with the built-in lexicon, then applies a calibration
/// profile when one is given (the suggestion may change; `convention` names the profile).
/// Without a profile this is exactly [`analyze_objective`].
pub fn analyze_objective_using(statement: &str, profile: Option<&Profile>) -> ObjectiveAnalysis {
    let mut a = analyze_objective(statement);
    if let Some(p) = profile {
        p.apply(&mut a);
    }
    a
}

/// Tokens analysed at most.
const MAX_TOKENS: usize = 400;
const MODALS: &[&str] = &["will", "should", "must", "shall", "can", "could", "may", "would", "might"];
const SWBAT: &[&str] = &["swbat", "tswbat", "swat", "twbat", "slwbat", "iwbat", "sbat", "swabt", "tlwbat"];
const DETERMINERS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "these",
    "those",
    "that",
    "its",
    "their",
    "his",
    "her",
    "our",
    "your",
    "my",
    "each",
    "every",
    "all",
    "some",
    "any",
    "both",
    "several",
    "multiple",
    "two",
    "three",
    "four",
    "five",
    "one",
    "how",
    "why",
    "what",
    "whether",
    "which",
    "who",
    "when",
    "where",
    "them",
    "it",
    "own",
    "key",
    "basic",
    "simple",
    "appropriate",
    "relevant",
    "new",
    "different",
];
const NOUN_PRECEDERS: &[&str] = &[
    "the", "a", "an", "of", "in", "on", "for", "with", "this", "these", "those", "its", "their", "his",
    "her", "our", "your", "my", "some", "any", "each", "every", "no", "such", "whose", "per", "from", "by",
    "at", "into", "about", "between", "as", "is", "are", "was", "were",
];
/// Nouns that pass through to the behaviour after them ("the ability to design").
const TRANSPARENT: &[&str] = &[
    "ability",
    "abilities",
    "capacity",
    "capability",
    "capabilities",
    "skill",
    "skills",
    "competence",
    "competency",
    "competencies",
    "proficiency",
    "facility",
    "fluency",
    "expertise",
    "readiness",
];
/// Verbs that do not show anything by themselves when their object is a state of mind
/// ("gain an understanding of" is unmeasurable; "demonstrate an understanding of" has a weak
/// object).
const NON_OBSERVABLE_LIGHT: &[&str] =
    &["gain", "acquire", "have", "possess", "develop", "deepen", "build", "obtain", "attain"];
const NOMINAL_FOLLOWERS: &[&str] =
    &["of", "in", "for", "into", "about", "between", "on", "regarding", "concerning", "with", "and", "to"];
const STEM_OPENERS: &[&[&str]] = &[
    &["by", "the", "end"],
    &["at", "the", "end"],
    &["by", "the", "conclusion"],
    &["at", "the", "conclusion"],
    &["upon"],
    &["on", "completion"],
    &["on", "successful"],
    &["on", "completing"],
    &["on", "finishing"],
    &["after", "completing"],
    &["after", "successfully"],
    &["after", "finishing"],
    &["after", "this"],
    &["after", "studying"],
    &["following", "completion"],
    &["following", "this"],
    &["following", "successful"],
    &["having", "completed"],
    &["having", "successfully"],
    &["having", "studied"],
    &["in", "this"],
    &["through", "this"],
    &["throughout", "this"],
    &["as", "a", "result"],
    &["once"],
    &["when", "you"],
    &["when", "students"],
    &["when", "learners"],
    &["when", "they"],
    &["within", "this"],
    &["during", "this"],
    &["over", "the", "course"],
    &["by", "completing"],
    &["through", "completing"],
    &["in", "completing"],
    &["for", "this"],
];
const AFTER_MODAL: &[&[&str]] = &[
    &["be", "able", "to"],
    &["be", "expected", "to"],
    &["be", "required", "to"],
    &["be", "prepared", "to"],
    &["be", "ready", "to"],
    &["be", "asked", "to"],
    &["be", "capable", "of"],
    &["be", "competent", "to"],
    &["be", "competent", "in"],
    &["be", "in", "a", "position", "to"],
    &["be", "equipped", "to"],
    &["be", "skilled", "at"],
    &["be", "skilled", "in"],
    &["be", "proficient", "in"],
    &["be", "proficient", "at"],
    &["are", "able", "to"],
    &["is", "able", "to"],
    &["are", "expected", "to"],
    &["is", "expected", "to"],
    &["have", "the", "opportunity", "to"],
    &["have", "developed", "the", "ability", "to"],
    &["have", "the", "ability", "to"],
    &["have", "the", "skills", "to"],
    &["demonstrate", "the", "ability", "to"],
    &["demonstrate", "their", "ability", "to"],
    &["demonstrate", "an", "ability", "to"],
    &["demonstrate", "ability", "to"],
    &["show", "the", "ability", "to"],
    &["show", "that", "they", "can"],
    &["develop", "the", "ability", "to"],
    &["acquire", "the", "ability", "to"],
    &["gain", "the", "ability", "to"],
    &["need", "to"],
    &["able", "to"],
    &["also"],
    &["independently"],
];

/// One main verb found in the tokens.
#[derive(Clone, Debug)]
struct Hit {
    /// First token (after adverbs).
    start: usize,
    /// First token including adverbs.
    outer: usize,
    /// Token after the match.
    end: usize,
    entry: usize,
    form: Form,
    written: String,
    adverbs: Vec<String>,
    /// A behaviour noun stands in for the verb.
    nominal: bool,
}

struct Analyzer<'a> {
    lex: &'a Lexicon,
    text: &'a str,
    tokens: Vec<Token>,
    explanation: Vec<String>,
    audience: Option<(usize, usize)>,
    conditions: Vec<(usize, usize)>,
    degrees: Vec<(usize, usize)>,
    instructor: Option<String>,
    /// Why confidence is low when the verb was not merely found late (zero-shot rules,
    /// affective or psychomotor wording).
    low_reason: Option<String>,
}

impl<'a> Analyzer<'a> {
    fn new(lex: &'a Lexicon, text: &'a str) -> Self {
        let mut tokens = tokenize(text);
        let mut explanation = Vec::new();
        if tokens.len() > MAX_TOKENS {
            // Objectives are a sentence or two; a pasted essay must not make the live analysis
            // slow (some scans are quadratic in the number of commas).
            tokens.truncate(MAX_TOKENS);
            explanation.push(format!("only the first {MAX_TOKENS} words and signs were analysed"));
        }
        Analyzer {
            lex,
            text,
            tokens,
            explanation,
            audience: None,
            conditions: Vec::new(),
            degrees: Vec::new(),
            instructor: None,
            low_reason: None,
        }
    }

    // ── token helpers ──────────────────────────────────────────────────────────────────────

    fn word(&self, i: usize) -> &str {
        match self.tokens.get(i) {
            Some(t) if t.kind != Kind::Punct => &t.text,
            _ => "",
        }
    }

    fn is_punct(&self, i: usize, c: char) -> bool {
        self.tokens.get(i).is_some_and(|t| t.is_punct(c))
    }

    fn seq_at(&self, i: usize, seq: &[impl AsRef<str>]) -> bool {
        seq.iter().enumerate().all(|(k, w)| self.tokens.get(i + k).is_some_and(|t| t.text == w.as_ref()))
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        if from >= to || from >= self.tokens.len() {
            return "";
        }
        let to = to.min(self.tokens.len());
        &self.text[self.tokens[from].start..self.tokens[to - 1].end]
    }

    fn clause_end(&self, from: usize) -> usize {
        (from..self.tokens.len())
            .find(|&k| {
                let t = &self.tokens[k];
                t.kind == Kind::Punct && matches!(t.text.as_str(), "," | ";" | ":" | "." | "!" | "?")
            })
            .unwrap_or(self.tokens.len())
    }

    fn is_adverb(&self, i: usize) -> bool {
        let w = self.word(i);
        if w.is_empty() {
            return false;
        }
        self.lex.adverbs.contains(w)
            || (w.len() > 4
                && w.ends_with("ly")
                && self.lex.word(w).is_none()
                && !self.lex.nominals.contains_key(w)
                && !matches!(w, "family" | "supply" | "assembly" | "anomaly" | "italy" | "july" | "reply"))
    }

    // ── stem ───────────────────────────────────────────────────────────────────────────────

    /// Skips bullets, numbering and codes ("1.", "a)", "LO2:", "•").
    fn skip_markers(&self, mut i: usize) -> usize {
        loop {
            let Some(t) = self.tokens.get(i) else { return i };
            let next_is = |c: char| self.is_punct(i + 1, c);
            if t.kind == Kind::Punct && "-*•·–—>)(#[]\"'".contains(t.text.as_str()) {
                i += 1;
            } else if t.kind == Kind::Number && (next_is('.') || next_is(')') || next_is(':')) {
                i += 2;
            } else if t.kind == Kind::Number
                && i == 0
                && self.tokens.get(1).is_some_and(|n| n.kind == Kind::Word)
            {
                i += 1;
            } else if t.kind == Kind::Word
                && ((t.text.len() == 1 && next_is(')'))
                    || (is_code_label(&t.text) && (next_is(':') || next_is('-') || next_is('.'))))
            {
                i += 2;
            } else if t.kind == Kind::Word
                && is_code_label(&t.text)
                && self.tokens.get(i + 1).is_some_and(|n| n.kind == Kind::Number)
                && (self.is_punct(i + 2, ':') || self.is_punct(i + 2, '.') || self.is_punct(i + 2, '-'))
            {
                i += 3;
            } else {
                return i;
            }
        }
    }

    /// Finds a modal introducing the behaviour ("Students will", "you'll") from `i`; returns
    /// (modal index, index after the modal) when the words before it name an audience.
    fn audience_modal(&self, i: usize) -> Option<(usize, usize)> {
        // "Explain why we should …": a statement that starts with a verb has no audience stem.
        if !self.lex.audience.contains(self.word(i))
            && self.lex.word(self.word(i)).is_some_and(|f| f.form == Form::Base)
        {
            return None;
        }
        let limit = (i + 16).min(self.tokens.len());
        let mut has_audience = false;
        for j in i..limit {
            let t = &self.tokens[j];
            if t.kind == Kind::Punct && matches!(t.text.as_str(), "." | ";" | ":" | "!" | "?") {
                return None;
            }
            let w = t.text.as_str();
            if let Some(who) = w.strip_suffix("'ll")
                && self.lex.audience.contains(who)
            {
                return Some((j, j + 1));
            }
            if j > i && has_audience && MODALS.contains(&w) {
                return Some((j, j + 1));
            }
            if j > i
                && has_audience
                && matches!(w, "are" | "is")
                && matches!(self.word(j + 1), "able" | "expected" | "required" | "asked")
            {
                return Some((j, j));
            }
            if self.lex.audience.contains(w) {
                has_audience = true;
            }
        }
        None
    }

    /// Strips stems, audience and a leading condition; returns the index where the behaviour
    /// starts.
    fn strip_stem(&mut self) -> usize {
        let mut i = self.skip_markers(0);
        let start = i;
        for _round in 0..6 {
            let before = i;
            // A leading condition or degree clause ("Given a data set, …", "Within 5 minutes, …"),
            // before the audience, or after it when a verb follows ("The learner will, with
            // 80 % accuracy, identify …").
            let leading = self
                .leading_clause_comma(i)
                .filter(|&c| self.audience.is_none() || self.hit_at(c + 1, false).is_some());
            if let Some(comma) = leading {
                if self.starts_with_any(i, &self.lex.conditions) {
                    self.conditions.push((i, comma));
                    self.explanation.push(format!("condition: \"{}\"", self.slice(i, comma)));
                    i = comma + 1;
                    continue;
                }
                // "List at least three causes, …" starts with its verb: not a leading clause.
                if self.hit_at(i, false).is_none() && (i..comma).any(|k| self.degree_at(k)) {
                    self.degrees.push((i, comma));
                    self.explanation.push(format!("degree: \"{}\"", self.slice(i, comma)));
                    i = comma + 1;
                    continue;
                }
            }
            // Time or completion stems ("By the end of this unit, …").
            if STEM_OPENERS.iter().any(|s| self.seq_at(i, s)) {
                if let Some(comma) = self.leading_clause_comma(i) {
                    i = comma + 1;
                } else if let Some(j) = (i + 1..self.tokens.len().min(i + 25))
                    .find(|&j| self.lex.audience.contains(self.word(j)) && self.audience_modal(j).is_some())
                {
                    i = j;
                }
            }
            // SWBAT and friends.
            if SWBAT.contains(&self.word(i)) {
                self.audience = Some((i, i + 1));
                i += 1;
            }
            // Audience and modal ("Students will", "The successful candidate should", "I can").
            if let Some((modal, after)) = self.audience_modal(i) {
                self.audience = Some((i, modal.max(i + 1)));
                i = after;
            } else if self.lex.audience.contains(self.word(i))
                && self.word(i) != "you"
                && self.verb_form_at(i + 1).is_some_and(|f| matches!(f, Form::Base | Form::Third))
            {
                // "Pupils describe …"
                self.audience = Some((i, i + 1));
                i += 1;
            } else if self.word(i) == "the"
                && self.lex.audience.contains(self.word(i + 1))
                && self.verb_form_at(i + 2).is_some_and(|f| f == Form::Third)
            {
                // "The student identifies …"
                self.audience = Some((i, i + 2));
                i += 2;
            }
            // "be able to", "be expected to", …
            if let Some(s) = AFTER_MODAL.iter().find(|s| self.seq_at(i, s)) {
                i += s.len();
            }
            if self.word(i) == "to" && self.verb_form_at(i + 1).is_some() {
                i += 1;
            }
            while self.is_punct(i, ':')
                || self.is_punct(i, ',')
                || self.is_punct(i, '-')
                || self.is_punct(i, '–')
            {
                i += 1;
            }
            if i == before {
                break;
            }
        }
        if i > start {
            let stem = self.slice(start, i).trim_end_matches([',', ':', ' ']).to_owned();
            self.explanation.push(format!("stem removed: \"{stem}\""));
        }
        i
    }

    fn leading_clause_comma(&self, i: usize) -> Option<usize> {
        (i + 1..self.tokens.len().min(i + 30)).find(|&k| self.is_punct(k, ',')).filter(|&k| {
            // The clause must not contain the modal of an audience ("Students will, given …").
            !(i..k).any(|j| MODALS.contains(&self.word(j)) && j > i)
        })
    }

    fn starts_with_any(&self, i: usize, phrases: &PhraseSet) -> bool {
        self.phrase_at(i, phrases).is_some()
    }

    fn phrase_at<'p>(&self, i: usize, phrases: &'p PhraseSet) -> Option<&'p [String]> {
        phrases.match_at(|k| self.tokens.get(i + k).map(|t| t.text.as_str()))
    }

    fn verb_form_at(&self, i: usize) -> Option<Form> {
        let w = self.word(i);
        if let Some(f) = self.lex.word(w) {
            return Some(f.form);
        }
        self.lex.heads.get(w).map(|(_, f)| *f)
    }

    // ── verbs ──────────────────────────────────────────────────────────────────────────────

    /// A verb (or behaviour noun, when `nominal` is allowed) at token `i`, after adverbs.
    fn hit_at(&self, i: usize, nominal: bool) -> Option<Hit> {
        let mut j = i;
        let mut adverbs = Vec::new();
        while adverbs.len() < 3 && self.is_adverb(j) {
            adverbs.push(self.word(j).to_owned());
            j += 1;
        }
        // "the ability to design", "proficiency in using"
        let t = if matches!(self.word(j), "the" | "a" | "an" | "their") { j + 1 } else { j };
        if TRANSPARENT.contains(&self.word(t)) && matches!(self.word(t + 1), "to" | "in" | "at" | "for") {
            return self.hit_at(t + 2, nominal).map(|mut h| {
                h.outer = i;
                h.adverbs.splice(0..0, adverbs);
                h
            });
        }
        let w = self.word(j);
        if w.is_empty() {
            return None;
        }
        // "learn to X", "learn how to X" take X's level.
        if let Some(f) = self.lex.word(w)
            && self.lex.entry(f.entry).lemma == "learn"
        {
            let k = if self.seq_at(j + 1, &["how", "to"]) {
                Some(j + 3)
            } else if self.word(j + 1) == "to" {
                Some(j + 2)
            } else {
                None
            };
            if let Some(hit) = k.and_then(|k| self.hit_at(k, false)) {
                return Some(Hit { outer: i, ..hit });
            }
        }
        // Multi-word phrases first ("carry out", "be aware of", "give examples").
        if let Some((head, form)) = self.lex.heads.get(w)
            && let Some(phrases) = self.lex.phrases.get(head)
        {
            for p in phrases {
                if self.seq_at(j + 1, &p.rest) {
                    let entry = self.lex.entry(p.entry);
                    return Some(Hit {
                        start: j,
                        outer: i,
                        end: j + 1 + p.rest.len(),
                        entry: p.entry,
                        form: *form,
                        written: entry.lemma.clone(),
                        adverbs,
                        nominal: false,
                    });
                }
            }
        }
        if let Some(f) = self.lex.word(w) {
            return Some(Hit {
                start: j,
                outer: i,
                end: j + 1,
                entry: f.entry,
                form: f.form,
                written: f.written.clone(),
                adverbs,
                nominal: false,
            });
        }
        if nominal {
            return self.nominal_at(j).map(|mut h| {
                h.outer = i;
                h.adverbs = adverbs;
                h
            });
        }
        None
    }

    /// A behaviour noun phrase at `i` ("an understanding of", "critical analysis of").
    fn nominal_at(&self, i: usize) -> Option<Hit> {
        let mut j = i;
        let mut skipped = 0;
        while skipped < 3 {
            let w = self.word(j);
            if w.is_empty() {
                return None;
            }
            if let Some(&entry) = self.lex.nominals.get(w) {
                let follower = self.tokens.get(j + 1);
                let ok = match follower {
                    None => true,
                    Some(t) if t.kind == Kind::Punct => matches!(t.text.as_str(), "," | "." | ";" | ":"),
                    Some(t) => NOMINAL_FOLLOWERS.contains(&t.text.as_str()),
                };
                if ok {
                    return Some(Hit {
                        start: j,
                        outer: i,
                        end: j + 1,
                        entry,
                        form: Form::Base,
                        written: self.lex.entry(entry).lemma.clone(),
                        adverbs: Vec::new(),
                        nominal: true,
                    });
                }
                return None;
            }
            if self.lex.word(w).is_some_and(|f| f.form == Form::Base) && skipped > 0 {
                return None;
            }
            j += 1;
            skipped += 1;
        }
        None
    }

    /// Instructor-perspective wording at `i` ("Introduce students to …", "This course covers
    /// …"). Returns the index of an embedded learner behaviour ("help students *analyse*"),
    /// or the end of the statement when there is none.
    fn instructor_at(&mut self, i: usize) -> Option<usize> {
        // "This course covers …", "The module introduces …"
        if matches!(self.word(i), "this" | "the" | "our")
            && self.lex.course_subjects.contains(self.word(i + 1))
        {
            self.instructor = Some(self.slice(i, (i + 3).min(self.tokens.len())).to_owned());
            return Some(self.tokens.len());
        }
        let w = self.word(i);
        let base = self.lex.word(w).map(|f| self.lex.entry(f.entry).lemma.as_str()).unwrap_or(w);
        if !self.lex.instructor_verbs.contains(base) {
            return None;
        }
        let mut k = i + 1;
        if matches!(self.word(k), "the" | "all" | "our") {
            k += 1;
        }
        if !(self.lex.audience.contains(self.word(k)) || self.word(k) == "them") || self.word(k) == "i" {
            return None;
        }
        self.instructor = Some(self.slice(i, k + 1).to_owned());
        let mut e = k + 1;
        if self.seq_at(e, &["how", "to"]) {
            e += 2;
        } else if self.word(e) == "to" {
            e += 1;
        }
        if self.hit_at(e, false).is_some() { Some(e) } else { Some(self.tokens.len()) }
    }

    /// The main verbs: the first one at `s` (or, with low confidence, later in the first
    /// clause), and every verb coordinated with it.
    fn main_verbs(&mut self, s: usize) -> (Vec<Hit>, Confidence) {
        let mut s = s;
        if let Some(e) = self.instructor_at(s) {
            s = e;
            if s >= self.tokens.len() {
                return (Vec::new(), Confidence::None);
            }
        }
        let (first, confidence) = match self.hit_at(s, true) {
            Some(hit) => (hit, Confidence::High),
            None => match self.scan_for_verb(s) {
                Some(hit) => (hit, Confidence::Low),
                None => return (Vec::new(), Confidence::None),
            },
        };
        let mut hits = vec![first];
        self.coordinated(&mut hits);
        (hits, confidence)
    }

    /// Looks for a verb later in the first clause ("The student, after reading, writes …").
    fn scan_for_verb(&self, s: usize) -> Option<Hit> {
        let end = self.clause_end(s).max((s + 1).min(self.tokens.len()));
        let end = if end == s { self.tokens.len() } else { end };
        for k in s..end {
            if k > 0 && NOUN_PRECEDERS.contains(&self.word(k - 1)) {
                continue;
            }
            if self.word(k + 1) == "of" {
                continue;
            }
            if let Some(hit) = self.hit_at(k, false)
                && hit.form != Form::Past
                && !(hit.form == Form::Gerund && k > s && self.word(k - 1) != "by")
            {
                return Some(hit);
            }
        }
        None
    }

    /// Adds verbs coordinated with the first main verb ("define and explain", "identify,
    /// describe and evaluate"), and verbs starting later sentences. Verbs in subordinate
    /// clauses ("to iterate", "that describes", "how the interpreter uses") are skipped.
    fn coordinated(&self, hits: &mut Vec<Hit>) {
        let first_form = hits[0].form;
        let nominal = hits[0].nominal || self.light_noun(&hits[0]).is_some();
        let n = self.tokens.len();
        let mut k = hits[0].end;
        // Whether the nearest verb before `k` is a main verb (not an infinitive or a verb
        // after a modal).
        let mut last_is_main = true;
        while k < n {
            let t = &self.tokens[k];
            let w = t.text.as_str();
            let sentence = t.kind == Kind::Punct && matches!(w, "." | ";" | "!" | "?");
            let separator =
                matches!(w, "and" | "or" | "then" | ",") || sentence || self.seq_at(k, &["as", "well", "as"]);
            if !separator {
                if t.kind == Kind::Word && !NOUN_PRECEDERS.contains(&self.word(k.saturating_sub(1))) {
                    // A base form inside the sentence is an infinitive ("to create"), follows a
                    // modal ("may impact") or a subject ("how we understand"): whatever is
                    // coordinated with it belongs to that clause, not to the main verb.
                    if self.verb_form_at(k) == Some(Form::Base) {
                        last_is_main = false;
                    }
                }
                k += 1;
                continue;
            }
            let mut p = k + 1;
            if self.seq_at(k, &["as", "well", "as"]) {
                p = k + 3;
            }
            while matches!(self.word(p), "and" | "or" | "then" | "also" | "subsequently" | "finally") {
                p += 1;
            }
            if sentence {
                p = self.skip_markers(p);
                if let Some(hit) = self.hit_at(p, nominal).filter(|h| h.form == Form::Base) {
                    k = hit.end;
                    hits.push(hit);
                    last_is_main = true;
                    continue;
                }
                k += 1;
                continue;
            }
            let candidate = self.hit_at(p, nominal);
            if let Some(hit) = candidate
                && last_is_main
                && self.accept_coordinated(&hit, first_form, hits[0].nominal)
            {
                k = hit.end;
                hits.push(hit);
                continue;
            }
            k += 1;
        }
    }

    fn accept_coordinated(&self, hit: &Hit, form: Form, first_nominal: bool) -> bool {
        // "Knowledge and understanding of …": nouns coordinate with nouns and -ing forms.
        if hit.nominal || (first_nominal && matches!(hit.form, Form::Gerund | Form::Base)) {
            return true;
        }
        if hit.form != form {
            return false;
        }
        let end = hit.end;
        let next = self.tokens.get(end);
        // Code identifiers: "remove()".
        if next.is_some_and(|t| t.is_punct('(')) && self.tokens[end - 1].glued_next {
            return false;
        }
        let lemma = &self.lex.entry(hit.entry).lemma;
        // Nouns: "the design and use of".
        if self.word(end) == "of" && self.lex.noun_like.contains(lemma) {
            return false;
        }
        if self.lex.noun_like.contains(lemma) {
            let w = self.word(end);
            let object_follows = DETERMINERS.contains(&w) || next.is_some_and(|t| t.kind == Kind::Number);
            // "research, plan and write …": a list of verbs continues after it.
            let chain = (next.is_some_and(|t| t.is_punct(',')) || matches!(w, "and" | "or"))
                && self.continues_with_verb(end, form);
            return object_follows || chain;
        }
        true
    }

    fn continues_with_verb(&self, mut p: usize, form: Form) -> bool {
        while self.is_punct(p, ',') || matches!(self.word(p), "and" | "or" | "then") {
            p += 1;
        }
        self.hit_at(p, false).is_some_and(|h| h.form == form)
    }

    /// The behaviour noun in a light verb's object ("conduct a SWOT *analysis* of").
    fn light_noun(&self, hit: &Hit) -> Option<(usize, usize)> {
        let lemma = &self.lex.entry(hit.entry).lemma;
        if hit.nominal || !self.lex.light_verbs.contains(lemma) {
            return None;
        }
        let n = self.tokens.len();
        let mut j = hit.end;
        let mut last: Option<usize> = None;
        while j < n && j < hit.end + 5 {
            let t = &self.tokens[j];
            if t.kind != Kind::Word
                || NOMINAL_FOLLOWERS.contains(&t.text.as_str())
                || matches!(
                    t.text.as_str(),
                    "that" | "which" | "who" | "how" | "why" | "what" | "using" | "by"
                )
            {
                break;
            }
            last = Some(j);
            j += 1;
        }
        let head = last?;
        let entry = *self.lex.nominals.get(self.word(head))?;
        let ok = match self.tokens.get(head + 1) {
            None => true,
            Some(t) if t.kind == Kind::Punct => matches!(t.text.as_str(), "," | "." | ";" | ":"),
            Some(t) => NOMINAL_FOLLOWERS.contains(&t.text.as_str()),
        };
        ok.then_some((head, entry))
    }

    // ── levels ─────────────────────────────────────────────────────────────────────────────

    /// Resolves one main verb's level; `until` is where its object ends.
    fn resolve(&self, hit: &Hit, until: usize) -> (VerbMatch, Option<&'static str>) {
        let entry = self.lex.entry(hit.entry);
        let text = self.slice(hit.outer, hit.end).to_owned();
        let start = self.tokens[hit.outer].start;
        let end = self.tokens[hit.end - 1].end;
        let mut m = VerbMatch {
            verb: hit.written.clone(),
            text,
            level: entry.level(),
            candidates: entry.levels(),
            measurable: entry.measurable(),
            basis: Basis::Lexicon,
            why: String::new(),
            start,
            end,
        };
        let mut weak = None;
        match &entry.sense {
            Sense::Unmeasurable { intended, why } => {
                m.basis = Basis::Unmeasurable;
                m.why = match intended {
                    Some(level) => {
                        format!("\"{}\" is not measurable ({why}); it points at {}", m.verb, level.as_str())
                    }
                    None => format!("\"{}\" is not measurable ({why})", m.verb),
                };
                if hit.nominal {
                    m.why = format!("the noun \"{}\" stands for {}", self.word(hit.start), m.why);
                }
                return (m, None);
            }
            Sense::Measurable(_) if hit.nominal => {
                m.basis = Basis::Noun;
                m.why = format!(
                    "the noun \"{}\" stands for \"{}\" ({})",
                    self.word(hit.start),
                    entry.lemma,
                    level_name(m.level)
                );
            }
            Sense::Measurable(_) => {
                m.why = format!("\"{}\" is {} in the lexicon", m.verb, level_name(m.level));
            }
        }
        // Object rules.
        let window_end = until.min(hit.end + 14);
        let mut matched_context = false;
        if !hit.nominal {
            for rule in &self.lex.contexts {
                if !rule.verbs.contains(&entry.lemma) {
                    continue;
                }
                let last = if rule.first_word { hit.end + 1 } else { window_end };
                let found = (hit.end..last.max(hit.end))
                    .find_map(|p| self.phrase_at(p, &rule.cues).map(|c| c.join(" ")));
                if let Some(cue) = found {
                    if let Some(level) = rule.level {
                        m.level = Some(level);
                        if !m.candidates.contains(&level) {
                            m.candidates.push(level);
                        }
                    }
                    if rule.unmeasurable {
                        m.measurable = false;
                    }
                    m.basis = Basis::Context;
                    m.why = format!("\"{} … {cue}\": {} ({})", m.verb, rule.why, level_name(m.level));
                    matched_context = true;
                    break;
                }
            }
        }
        // Behaviour nouns after light verbs.
        if !matched_context && let Some((head, noun_entry)) = self.light_noun(hit) {
            let noun = self.lex.entry(noun_entry);
            let noun_word = self.word(head).to_owned();
            match &noun.sense {
                Sense::Measurable(levels) => {
                    m.level = levels.first().copied();
                    m.candidates = levels.clone();
                    m.basis = Basis::Noun;
                    m.why = format!(
                        "\"{} … {noun_word}\" stands for \"{}\" ({})",
                        m.verb,
                        noun.lemma,
                        level_name(m.level)
                    );
                }
                Sense::Unmeasurable { intended, why } => {
                    m.level = *intended;
                    m.candidates = intended.iter().copied().collect();
                    m.measurable = false;
                    m.basis = Basis::Unmeasurable;
                    m.why = format!(
                        "\"{} … {noun_word}\" names no observable behaviour ({why}); it points at {}",
                        m.verb,
                        level_name(*intended)
                    );
                    if !NON_OBSERVABLE_LIGHT.contains(&entry.lemma.as_str()) {
                        weak = Some(codes::WEAK_OBJECT);
                    }
                }
            }
            m.text = self.slice(hit.outer, head + 1).to_owned();
            m.end = self.tokens[head].end;
        }
        // "critically discuss" → evaluate.
        if let Some((adverb, &raised)) =
            hit.adverbs.iter().find_map(|a| self.lex.raising.get(a).map(|l| (a, l)))
        {
            // "critically analyse" stays analyze: the adverb adds rigour, not a judgement.
            if m.measurable && entry.lemma != "analyze" && m.level.is_some_and(|l| l < raised) {
                m.level = Some(raised);
                if !m.candidates.contains(&raised) {
                    m.candidates.push(raised);
                }
                m.basis = Basis::Adverb;
                m.why = format!("\"{adverb} {}\" asks for a judgement ({})", m.verb, raised.as_str());
            }
        }
        m.candidates.sort();
        (m, weak)
    }

    // ── zero-shot rules ────────────────────────────────────────────────────────────────────

    /// The rules of [`zeroshot`] for what the lexicon alone does not decide: state nouns
    /// without a verb, verbs whose object decides, affective and psychomotor wording. Returns
    /// the domain; lowers the confidence and says why when a rule fired.
    fn zero_shot(
        &mut self,
        s: usize,
        hits: &[Hit],
        matches: &mut Vec<VerbMatch>,
        weak: &mut Vec<Option<&'static str>>,
        confidence: &mut Confidence,
    ) -> Domain {
        let n = self.tokens.len();
        let words: Vec<&str> = self.tokens.iter().map(|t| t.text.as_str()).collect();
        let mut domain = Domain::Cognitive;
        // State nouns: "have a sound knowledge of", "an understanding of", "critical awareness of".
        if self.instructor.is_none()
            && s < n
            && let Some(h) = zeroshot::state_noun(&words[s..])
        {
            let covers_first = hits.first().is_none_or(|f| f.start < s + h.len);
            let first_level = matches.first().and_then(|m| m.level);
            let replace = matches.is_empty()
                || (covers_first
                    && matches.len() == 1
                    && matches!(matches[0].basis, Basis::Noun | Basis::Unmeasurable)
                    && first_level != h.level);
            if replace {
                let phrase = self.slice(s, s + h.len).to_owned();
                let why = match h.level {
                    Some(l) => format!(
                        "no behaviour verb: \"{phrase}\" names a state, not a behaviour ({}); it points at {}",
                        h.why,
                        l.as_str()
                    ),
                    None => format!(
                        "no behaviour verb: \"{phrase}\" names a state ({}); no cognitive level",
                        h.why
                    ),
                };
                let m = VerbMatch {
                    verb: h.noun.to_owned(),
                    text: phrase,
                    level: h.level,
                    candidates: h.level.into_iter().collect(),
                    measurable: false,
                    basis: Basis::Unmeasurable,
                    why,
                    start: self.tokens[s].start,
                    end: self.tokens[(s + h.len - 1).min(n - 1)].end,
                };
                self.explanation.push(format!("zero-shot: {}", m.why));
                matches.clear();
                weak.clear();
                matches.push(m);
                weak.push(None);
                domain = h.domain;
                *confidence = Confidence::Low;
                self.low_reason = Some("a state noun, not a verb, names the behaviour".to_owned());
                return domain;
            }
        }
        for (k, hit) in hits.iter().enumerate() {
            let Some(m) = matches.get_mut(k) else { break };
            let lemma = self.lex.entry(hit.entry).lemma.clone();
            let until = hits.get(k + 1).map_or(n, |h| h.outer).min(hit.end + 14).max(hit.end);
            let object = &words[hit.end.min(n)..until.min(n)];
            // Verbs whose object decides ("develop a plan", "present an argument").
            if (m.basis == Basis::Lexicon || (m.basis == Basis::Noun && !hit.nominal))
                && let Some((rule, cue)) = zeroshot::object_rule(&lemma, object)
            {
                m.level = Some(rule.level);
                if !m.candidates.contains(&rule.level) {
                    m.candidates.push(rule.level);
                    m.candidates.sort();
                }
                m.basis = Basis::Context;
                m.why = format!("\"{} … {cue}\": {}", m.verb, rule.why);
                self.explanation.push(format!("object decides: {}", m.why));
            }
            // "develop skills in the critical appraisal of …": the behaviour noun after the skill
            // names the process.
            if m.basis == Basis::Context
                && !m.measurable
                && matches!(
                    object.first(),
                    Some(&("skill" | "skills" | "competence" | "proficiency" | "expertise"))
                )
                && matches!(object.get(1), Some(&("in" | "at" | "of")))
            {
                let rest = &object[2..];
                let found = rest.iter().take(5).enumerate().find_map(|(j, w)| {
                    self.lex.nominals.get(*w).map(|&e| (j, *w, self.lex.entry(e).level()))
                });
                if let Some((j, noun, Some(mut level))) = found {
                    if rest[..j].iter().any(|w| matches!(*w, "critical" | "critically"))
                        && level < BloomLevel::Evaluate
                    {
                        level = BloomLevel::Evaluate;
                    }
                    m.level = Some(level);
                    if !m.candidates.contains(&level) {
                        m.candidates.push(level);
                        m.candidates.sort();
                    }
                    m.why = format!(
                        "\"{} skills in … {noun}\": the skill is {} ({})",
                        m.verb,
                        noun,
                        level.as_str()
                    );
                    self.explanation.push(format!("skill named by its behaviour: {}", m.why));
                }
            }
            // A raising adverb right after the verb ("engage critically with", "reflect
            // critically on") asks for a judgement, as it does before the verb.
            if let Some(&raised) = object.first().and_then(|w| self.lex.raising.get(*w))
                && m.measurable
                && lemma != "analyze"
                && m.level.is_some_and(|l| l < raised)
            {
                m.level = Some(raised);
                if !m.candidates.contains(&raised) {
                    m.candidates.push(raised);
                    m.candidates.sort();
                }
                m.basis = Basis::Adverb;
                m.why = format!("\"{} {}\" asks for a judgement ({})", m.verb, object[0], raised.as_str());
                self.explanation.push(format!("adverb after the verb: {}", m.why));
            }
            // Affective wording ("value diversity", "show respect for", "work in a team").
            if let Some((rule, cue)) = zeroshot::affective(&lemma, object) {
                let nearest = match rule.level {
                    Some(l) => format!("nearest cognitive level: {}", l.as_str()),
                    None => "no cognitive level".to_owned(),
                };
                let shown = cue.map_or_else(|| m.verb.clone(), |c| format!("{} … {c}", m.verb));
                m.level = rule.level;
                m.candidates = rule.level.into_iter().collect();
                m.why = format!("\"{shown}\" is affective ({}); {nearest}", rule.why);
                self.explanation.push(format!("affective: {}", m.why));
                domain = Domain::Affective;
            } else if k == 0
                && (zeroshot::PSYCHOMOTOR.contains(&lemma.as_str())
                    || (matches!(
                        lemma.as_str(),
                        "perform" | "administer" | "carry out" | "do" | "practise" | "practice"
                    ) && object.iter().any(|w| zeroshot::PSYCHOMOTOR_OBJECTS.contains(w))))
            {
                if m.level.is_none_or(|l| l < BloomLevel::Apply) {
                    m.level = Some(BloomLevel::Apply);
                }
                m.why = format!(
                    "\"{}\" is a bodily performance (psychomotor); nearest cognitive level: {}",
                    m.text,
                    level_name(m.level)
                );
                self.explanation.push(format!("psychomotor: {}", m.why));
                domain = Domain::Psychomotor;
            }
        }
        // The domain counts only when no cognitive verb outranks the affective one.
        if domain == Domain::Affective
            && matches.iter().any(|m| m.level.is_some() && !m.why.contains("affective"))
        {
            domain = Domain::Cognitive;
        }
        if domain != Domain::Cognitive {
            *confidence = Confidence::Low;
            self.low_reason = Some(format!(
                "{} wording",
                if domain == Domain::Affective { "affective" } else { "psychomotor" }
            ));
        }
        domain
    }

    // ── ABCD and knowledge ─────────────────────────────────────────────────────────────────

    /// Whether a degree (criterion) starts at token `k`: a degree phrase, a number with a unit
    /// of accuracy or time ("90 %", "30 seconds", "8 out of 10"), a tolerance, "within 5 …".
    fn degree_at(&self, k: usize) -> bool {
        let Some(t) = self.tokens.get(k) else { return false };
        let numeric = t.kind == Kind::Number || is_number_word(&t.text);
        self.starts_with_any(k, &self.lex.degrees)
            || (numeric
                && (self.is_punct(k + 1, '%')
                    || matches!(
                        self.word(k + 1),
                        "percent"
                            | "per"
                            | "minutes"
                            | "minute"
                            | "seconds"
                            | "second"
                            | "hours"
                            | "hour"
                            | "mins"
                            | "min"
                            | "secs"
                            | "s"
                            | "out"
                            | "mm"
                            | "cm"
                    )
                    || (self.word(k + 1) == "of"
                        && self.tokens.get(k + 2).is_some_and(|t| t.kind == Kind::Number))))
            || t.is_punct('±')
            || (t.text == "within" && self.tokens.get(k + 1).is_some_and(|t| t.kind == Kind::Number))
    }

    fn find_degrees(&mut self, from: usize, skip: &[(usize, usize)]) {
        let n = self.tokens.len();
        let mut k = from;
        while k < n {
            if skip.iter().any(|&(a, b)| k >= a && k < b) {
                k += 1;
                continue;
            }
            let degree_here = self.degree_at(k);
            if degree_here {
                let end = self.clause_end(k).max(k + 1);
                self.degrees.push((k, end));
                k = end;
            } else {
                k += 1;
            }
        }
    }

    fn find_conditions(&mut self, from: usize, skip: &[(usize, usize)]) {
        let n = self.tokens.len();
        let mut k = from;
        while k < n {
            let blocked = skip.iter().chain(self.degrees.iter()).any(|&(a, b)| k >= a && k < b);
            if !blocked && k > from && self.starts_with_any(k, &self.lex.conditions) {
                let end = self.clause_end(k).max(k + 1);
                let end = self
                    .degrees
                    .iter()
                    .filter(|&&(a, _)| a > k && a < end)
                    .map(|&(a, _)| a)
                    .min()
                    .unwrap_or(end);
                self.conditions.push((k, end));
                k = end;
            } else {
                k += 1;
            }
        }
    }

    fn knowledge(&self, from: usize, level: Option<BloomLevel>) -> Option<(KnowledgeDimension, String)> {
        let n = self.tokens.len();
        let cue = |cues: &PhraseSet| (from..n).find_map(|p| self.phrase_at(p, cues).map(|c| c.join(" ")));
        let find = |dim: KnowledgeDimension| {
            self.lex.knowledge.iter().find(|(d, _)| *d == dim).and_then(|(_, cues)| cue(cues))
        };
        use KnowledgeDimension::*;
        if let Some(c) = find(Metacognitive) {
            return Some((Metacognitive, c));
        }
        let remember = level == Some(BloomLevel::Remember);
        let order: &[KnowledgeDimension] =
            if remember { &[Factual, Procedural, Conceptual] } else { &[Procedural, Conceptual, Factual] };
        for &dim in order {
            if let Some(c) = find(dim) {
                return Some((dim, c));
            }
        }
        match level {
            Some(BloomLevel::Remember) => Some((Factual, "a remember-level verb".to_owned())),
            Some(BloomLevel::Apply) => Some((Procedural, "an apply-level verb".to_owned())),
            _ => None,
        }
    }

    // ── the whole analysis ─────────────────────────────────────────────────────────────────

    fn run(mut self) -> ObjectiveAnalysis {
        let text = self.text.to_owned();
        if self.tokens.iter().all(|t| t.kind == Kind::Punct) {
            return empty_analysis(text);
        }
        let s = self.strip_stem();
        let (hits, confidence) = self.main_verbs(s);

        let mut matches = Vec::with_capacity(hits.len());
        let mut weak_codes = Vec::new();
        for (n, hit) in hits.iter().enumerate() {
            let until = hits.get(n + 1).map_or(self.tokens.len(), |h| h.outer);
            let (m, weak) = self.resolve(hit, until);
            self.explanation.push(format!("verb \"{}\": {}", m.text, m.why));
            weak_codes.push(weak);
            matches.push(m);
        }

        let mut confidence = confidence;
        let domain = self.zero_shot(s, &hits, &mut matches, &mut weak_codes, &mut confidence);

        // Compound rule: the highest level stated decides.
        let deciding = matches
            .iter()
            .enumerate()
            .filter(|(_, m)| m.level.is_some())
            .max_by(|a, b| a.1.level.cmp(&b.1.level).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i);
        let level = deciding.and_then(|i| matches[i].level);
        let mut candidates: Vec<BloomLevel> =
            matches.iter().flat_map(|m| m.candidates.iter().copied()).collect();
        candidates.extend(level);
        candidates.sort();
        candidates.dedup();
        let measurable =
            !matches.is_empty() && matches.iter().all(|m| m.measurable) && self.instructor.is_none();
        let rule = rule_text(&matches, deciding, self.instructor.as_deref());

        // ABCD.
        let behaviour_from = hits.first().map_or(s, |h| h.outer);
        let verb_spans: Vec<(usize, usize)> = hits.iter().map(|h| (h.outer, h.end)).collect();
        self.find_degrees(behaviour_from, &verb_spans);
        self.find_conditions(behaviour_from, &verb_spans);
        let object_from = hits.first().map_or(s, |h| h.end);
        let knowledge = if hits.is_empty() { None } else { self.knowledge(object_from, level) };
        if let Some((dim, cue)) = &knowledge {
            self.explanation.push(format!("knowledge dimension: {} (from \"{cue}\")", dim.as_str()));
        }
        let span_text = |spans: &[(usize, usize)], this: &Self| {
            spans
                .iter()
                .map(|&(a, b)| this.slice(a, b).trim_end_matches(['.', ',', ';']))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let parts = Abcd {
            audience: self.audience.map(|(a, b)| self.slice(a, b).to_owned()).unwrap_or_default(),
            behavior: if hits.is_empty() {
                String::new()
            } else {
                self.slice(behaviour_from, self.tokens.len()).trim_end_matches(['.', ';', ' ']).to_owned()
            },
            condition: span_text(&self.conditions, &self),
            degree: span_text(&self.degrees, &self),
        };
        let abcd = AbcdPresence {
            audience: self.audience.is_some(),
            behavior: measurable,
            condition: !self.conditions.is_empty(),
            degree: !self.degrees.is_empty(),
        };

        let findings = self.findings(&matches, &weak_codes, level, deciding, confidence, &abcd);
        ObjectiveAnalysis {
            text,
            level,
            candidates,
            verbs: matches.iter().map(|m| m.verb.clone()).collect(),
            measurable,
            knowledge: knowledge.map(|(d, _)| d),
            abcd,
            parts,
            deciding_verb: deciding.map(|i| matches[i].verb.clone()),
            matches,
            rule,
            explanation: self.explanation,
            confidence,
            findings,
            domain,
            convention: super::profile::BUILTIN.to_owned(),
        }
    }

    fn findings(
        &self,
        matches: &[VerbMatch],
        weak: &[Option<&'static str>],
        level: Option<BloomLevel>,
        deciding: Option<usize>,
        confidence: Confidence,
        abcd: &AbcdPresence,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut push = |code: &str, severity: Severity, message: String, hint: String| {
            out.push(Finding { code: code.to_owned(), severity, message, target: objective_target(), hint });
        };
        if let Some(instructor) = &self.instructor {
            push(
                codes::INSTRUCTOR,
                Severity::Warning,
                format!("\"{instructor}\" states what the instructor or course does, not what learners will do."),
                "Rewrite it from the learner's side: \"Learners will be able to …\" followed by an observable verb."
                    .to_owned(),
            );
        }
        if matches.is_empty() {
            if self.instructor.is_none() {
                push(
                    codes::NO_VERB,
                    Severity::Error,
                    "No behaviour verb was found: this reads as a topic, not an objective.".to_owned(),
                    "Start with what learners will do, e.g. \"Explain …\", \"Calculate …\", \"Design …\"."
                        .to_owned(),
                );
            }
            return out;
        }
        for (m, weak) in matches.iter().zip(weak) {
            if m.measurable {
                continue;
            }
            let suggestions = self.lex.suggestions_for(m.level).join(", ");
            let intended = match m.level {
                Some(level) => format!("at the {} level", level.as_str()),
                None => "(affective wording has no cognitive level)".to_owned(),
            };
            if weak.is_some() {
                push(
                    codes::WEAK_OBJECT,
                    Severity::Warning,
                    format!("\"{}\" names a behaviour but hides an unobservable one.", m.text),
                    format!("Say what learners will do to show it {intended}: {suggestions}."),
                );
            } else {
                push(
                    codes::UNMEASURABLE,
                    Severity::Warning,
                    format!("{}.", m.why),
                    format!("Use an observable verb {intended}: {suggestions}."),
                );
            }
        }
        if let Some(i) = deciding {
            let m = &matches[i];
            if m.measurable && m.candidates.len() > 1 {
                let levels: Vec<&str> = m.candidates.iter().map(|l| l.as_str()).collect();
                push(
                    codes::AMBIGUOUS,
                    Severity::Info,
                    format!(
                        "\"{}\" is used at several levels ({}); suggested: {}.",
                        m.verb,
                        levels.join(", "),
                        level_name(m.level)
                    ),
                    "Confirm the level; the object decides (e.g. \"compare against criteria\" is evaluate)."
                        .to_owned(),
                );
            }
        }
        if matches.len() > 1 {
            let mut distinct: Vec<BloomLevel> = matches.iter().filter_map(|m| m.level).collect();
            distinct.sort();
            distinct.dedup();
            let list: Vec<String> =
                matches.iter().map(|m| format!("{} ({})", m.verb, level_name(m.level))).collect();
            push(
                codes::COMPOUND,
                if distinct.len() > 1 { Severity::Warning } else { Severity::Info },
                format!("The objective states {} behaviours: {}.", matches.len(), list.join(", ")),
                format!(
                    "Split it into one objective per behaviour, or make sure the assessment covers each; \
                     the suggested level is the highest stated ({}).",
                    level_name(level)
                ),
            );
        }
        if confidence == Confidence::Low && self.low_reason.is_none() {
            push(
                codes::LOW_CONFIDENCE,
                Severity::Info,
                format!("The verb \"{}\" was found inside the statement, not at its start.", matches[0].verb),
                "Start the objective with the behaviour, e.g. \"Students will be able to <verb> …\"."
                    .to_owned(),
            );
        }
        if !abcd.audience {
            push(
                codes::NO_AUDIENCE,
                Severity::Info,
                "No audience is named.".to_owned(),
                "Name who will do it (\"Students will be able to …\"), or rely on the course's audience."
                    .to_owned(),
            );
        }
        if !abcd.condition {
            push(
                codes::NO_CONDITION,
                Severity::Info,
                "No condition is stated.".to_owned(),
                "Add the circumstances, tools or givens, e.g. \"given a data set\", \"using a calculator\", \
                 \"without notes\"."
                    .to_owned(),
            );
        }
        if !abcd.degree {
            push(
                codes::NO_DEGREE,
                Severity::Info,
                "No degree (criterion of success) is stated.".to_owned(),
                "Add how well, e.g. \"with 90 % accuracy\", \"within 10 minutes\", \"at least three\"."
                    .to_owned(),
            );
        }
        out
    }
}

fn empty_analysis(text: String) -> ObjectiveAnalysis {
    ObjectiveAnalysis {
        text,
        level: None,
        candidates: Vec::new(),
        verbs: Vec::new(),
        measurable: false,
        knowledge: None,
        abcd: AbcdPresence::default(),
        parts: Abcd::default(),
        matches: Vec::new(),
        deciding_verb: None,
        rule: "the statement is empty".to_owned(),
        explanation: Vec::new(),
        confidence: Confidence::None,
        findings: vec![Finding {
            code: codes::EMPTY.to_owned(),
            severity: Severity::Error,
            message: "The objective statement is empty.".to_owned(),
            target: objective_target(),
            hint: "Write what learners will be able to do.".to_owned(),
        }],
        domain: Domain::Cognitive,
        convention: super::profile::BUILTIN.to_owned(),
    }
}

fn objective_target() -> Target {
    Target { kind: "objective".to_owned(), id: None, path: String::new() }
}

fn level_name(level: Option<BloomLevel>) -> &'static str {
    level.map_or("no cognitive level", BloomLevel::as_str)
}

fn rule_text(matches: &[VerbMatch], deciding: Option<usize>, instructor: Option<&str>) -> String {
    if let Some(phrase) = instructor
        && matches.is_empty()
    {
        return format!("no learner behaviour: \"{phrase}\" describes instruction");
    }
    match (matches.len(), deciding) {
        (0, _) => "no behaviour verb found".to_owned(),
        (_, None) if matches[0].basis == Basis::Unmeasurable || matches[0].why.contains("affective") => {
            matches[0].why.clone()
        }
        (_, None) => format!("\"{}\" has no cognitive level", matches[0].verb),
        (1, Some(i)) => matches[i].why.clone(),
        (n, Some(i)) => {
            let others: Vec<String> = matches
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, m)| format!("\"{}\" ({})", m.verb, level_name(m.level)))
                .collect();
            format!(
                "highest level of {n} main verbs: \"{}\" ({}) over {}",
                matches[i].verb,
                level_name(matches[i].level),
                others.join(", ")
            )
        }
    }
}

fn is_code_label(word: &str) -> bool {
    let letters = word.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    matches!(
        letters,
        "lo" | "slo"
            | "clo"
            | "co"
            | "plo"
            | "ilo"
            | "mlo"
            | "ulo"
            | "tlo"
            | "obj"
            | "objective"
            | "outcome"
            | "goal"
            | "aim"
            | "competency"
            | "competence"
            | "standard"
            | "target"
            | "po"
            | "elo"
    ) || (word.len() <= 5
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
}

fn is_number_word(w: &str) -> bool {
    matches!(
        w,
        "one"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "ten"
            | "twelve"
            | "twenty"
            | "fifty"
            | "hundred"
    )
}
