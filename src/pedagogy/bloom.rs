//! The verb lexicon: objective verbs and phrases → revised Bloom levels, built once from
//! `templates/lexicon/bloom-verbs.toml` (embedded at compile time) into lookup tables that
//! know every inflection and British/US spelling of each entry.
//!
//! This module owns the data and the word forms. It does not read sentences: splitting an
//! objective into stem, verbs, condition and degree is [`super::objective`]'s job.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::{BloomLevel, KnowledgeDimension};
use crate::{Error, Result};

/// FNV-1a hashing for the lookup tables. Their keys are short words fixed when the lexicon is
/// built, so a fast hash serves better than SipHash, whose flooding protection buys nothing
/// for tables that user input never inserts into.
#[derive(Clone, Copy, Debug, Default)]
pub struct FnvBuild;

/// The FNV-1a hasher.
pub struct Fnv(u64);

impl BuildHasher for FnvBuild {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A lookup table of the lexicon.
pub type Map<K, V> = HashMap<K, V, FnvBuild>;
/// A lookup set of the lexicon.
pub type Set<K> = HashSet<K, FnvBuild>;

/// The built-in lexicon source.
pub const LEXICON_TOML: &str = include_str!("../../templates/lexicon/bloom-verbs.toml");

/// The file name used in error messages about the built-in lexicon.
const LEXICON_NAME: &str = "templates/lexicon/bloom-verbs.toml";

/// The built-in lexicon, parsed on first use.
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    // The built-in file is tested (`builtin_lexicon_parses`); an empty lexicon keeps the app
    // running even if a broken file were ever shipped.
    LEXICON.get_or_init(|| Lexicon::from_toml(LEXICON_TOML, LEXICON_NAME).unwrap_or_default())
}

/// What an entry means for an objective.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sense {
    /// An observable behaviour; `levels[0]` is the primary level, the rest are other levels
    /// the verb is found at.
    Measurable(Vec<BloomLevel>),
    /// Not observable; `intended` is the level the author evidently means (`None` when the
    /// wording is affective or describes instruction).
    Unmeasurable {
        /// The level the wording points at.
        intended: Option<BloomLevel>,
        /// Why it is not measurable.
        why: String,
    },
}

/// One lexicon entry (a verb or a multi-word phrase, in its US base form).
#[derive(Clone, Debug)]
pub struct Entry {
    /// Base form, US spelling (`analyze`, `carry out`, `be aware of`).
    pub lemma: String,
    /// Level(s) or unmeasurable.
    pub sense: Sense,
}

impl Entry {
    /// Primary level (or intended level for unmeasurable wording).
    pub fn level(&self) -> Option<BloomLevel> {
        match &self.sense {
            Sense::Measurable(levels) => levels.first().copied(),
            Sense::Unmeasurable { intended, .. } => *intended,
        }
    }

    /// Whether the entry names an observable behaviour.
    pub fn measurable(&self) -> bool {
        matches!(self.sense, Sense::Measurable(_))
    }

    /// All levels the verb is found at (primary first).
    pub fn levels(&self) -> Vec<BloomLevel> {
        match &self.sense {
            Sense::Measurable(levels) => levels.clone(),
            Sense::Unmeasurable { intended, .. } => intended.iter().copied().collect(),
        }
    }
}

/// The grammatical form a word was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// `analyse`, `analyze` (imperative or infinitive).
    Base,
    /// `analyses`.
    Third,
    /// `analysed`.
    Past,
    /// `analysing`.
    Gerund,
}

/// A surface word form → entry.
#[derive(Clone, Debug)]
pub struct WordForm {
    /// Index into [`Lexicon::entries`].
    pub entry: usize,
    /// The form.
    pub form: Form,
    /// The base form in the writer's spelling (`analyse` for "analysing").
    pub written: String,
}

/// A multi-word phrase starting with a given base word.
#[derive(Clone, Debug)]
pub struct Phrase {
    /// The words after the first one, literally (`["out"]` for "carry out").
    pub rest: Vec<String>,
    /// Index into [`Lexicon::entries`].
    pub entry: usize,
}

/// Word sequences indexed by their first word, longest first, so that matching at a
/// position costs one hash lookup.
#[derive(Clone, Debug, Default)]
pub struct PhraseSet {
    by_first: Map<String, Vec<Vec<String>>>,
}

impl PhraseSet {
    /// Builds the set from phrases written as text.
    pub fn new<'s>(phrases: impl IntoIterator<Item = &'s String>) -> Self {
        let mut set = PhraseSet::default();
        for phrase in phrases {
            let w = words(phrase);
            if let Some(first) = w.first().cloned() {
                set.by_first.entry(first).or_default().push(w);
            }
        }
        for list in set.by_first.values_mut() {
            list.sort_by_key(|p| std::cmp::Reverse(p.len()));
        }
        set
    }

    /// The longest phrase that `words` starts with.
    pub fn match_at<'w>(&self, mut words: impl FnMut(usize) -> Option<&'w str>) -> Option<&[String]> {
        let first = words(0)?;
        let candidates = self.by_first.get(first)?;
        candidates
            .iter()
            .find(|p| p.iter().enumerate().skip(1).all(|(k, w)| words(k) == Some(w.as_str())))
            .map(Vec::as_slice)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }
}

/// An object-sensitive rule: a verb whose level depends on the words after it.
#[derive(Clone, Debug)]
pub struct ContextRule {
    /// Verbs (US base forms) the rule applies to.
    pub verbs: Set<String>,
    /// Word sequences to look for after the verb.
    pub cues: PhraseSet,
    /// The level when a cue matches.
    pub level: Option<BloomLevel>,
    /// Why (shown to the designer).
    pub why: String,
    /// Only the words right after the verb count.
    pub first_word: bool,
    /// A match makes the behaviour unmeasurable ("develop skills").
    pub unmeasurable: bool,
}

/// The whole lexicon, as lookup tables.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// Entries (verbs, phrases, unmeasurable wording).
    pub entries: Vec<Entry>,
    /// Every generated surface form of every single-word entry.
    pub forms: Map<String, WordForm>,
    /// Multi-word phrases keyed by their first word's US base form, longest first.
    pub phrases: Map<String, Vec<Phrase>>,
    /// Surface forms of the first words of phrases ("carried" → "carry", "are" → "be").
    pub heads: Map<String, (String, Form)>,
    /// Behaviour nouns → entry index ("analysis" → analyze).
    pub nominals: Map<String, usize>,
    /// Verbs that take their level from a behaviour noun in the object.
    pub light_verbs: Set<String>,
    /// Verbs that are also common nouns.
    pub noun_like: Set<String>,
    /// Object-sensitive rules, in order.
    pub contexts: Vec<ContextRule>,
    /// Adverbs that may precede a verb.
    pub adverbs: Set<String>,
    /// Adverbs that raise the level of the verb after them (`critically` → evaluate).
    pub raising: Map<String, BloomLevel>,
    /// Measurable alternatives per level.
    pub suggestions: Map<BloomLevel, Vec<String>>,
    /// Alternatives for affective wording.
    pub affective_suggestions: Vec<String>,
    /// Knowledge-dimension cue sequences, in the order they are checked.
    pub knowledge: Vec<(KnowledgeDimension, PhraseSet)>,
    /// Words naming an audience.
    pub audience: Set<String>,
    /// Condition openers.
    pub conditions: PhraseSet,
    /// Degree phrases.
    pub degrees: PhraseSet,
    /// Verbs that state what an instructor does when followed by an audience.
    pub instructor_verbs: Set<String>,
    /// Nouns that name a course or its parts ("This course covers …").
    pub course_subjects: Set<String>,
}

/// The lexicon file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    verbs: HashMap<String, OneOrMany>,
    #[serde(default)]
    irregular: HashMap<String, String>,
    #[serde(default)]
    unmeasurable: HashMap<String, UnmeasurableSpec>,
    #[serde(default)]
    nominals: HashMap<String, String>,
    #[serde(default)]
    light_verbs: LightVerbs,
    #[serde(default)]
    noun_like: NounLike,
    #[serde(default)]
    context: Vec<ContextSpec>,
    #[serde(default)]
    adverbs: AdverbSpec,
    #[serde(default)]
    suggestions: HashMap<String, Vec<String>>,
    #[serde(default)]
    knowledge: HashMap<String, Vec<String>>,
    #[serde(default)]
    abcd: AbcdSpec,
    #[serde(default)]
    perspective: PerspectiveSpec,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PerspectiveSpec {
    #[serde(default)]
    instructor_verbs: Vec<String>,
    #[serde(default)]
    subjects: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnmeasurableSpec {
    #[serde(default)]
    level: Option<String>,
    why: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LightVerbs {
    #[serde(default)]
    verbs: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NounLike {
    #[serde(default)]
    words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextSpec {
    verbs: Vec<String>,
    cues: Vec<String>,
    #[serde(default)]
    level: Option<String>,
    why: String,
    #[serde(default)]
    first_word: bool,
    #[serde(default)]
    unmeasurable: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AdverbSpec {
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    raising: HashMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AbcdSpec {
    #[serde(default)]
    audience: Vec<String>,
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default)]
    degrees: Vec<String>,
}

fn words(phrase: &str) -> Vec<String> {
    phrase.split_whitespace().map(str::to_lowercase).collect()
}

impl Lexicon {
    /// Parses a lexicon file. `source_name` names the file in errors.
    pub fn from_toml(text: &str, source_name: &str) -> Result<Lexicon> {
        let file: LexiconFile = toml::from_str(text)
            .map_err(|e| Error::Parse { source_name: source_name.to_owned(), message: e.to_string() })?;
        let bad = |message: String| Error::Parse { source_name: source_name.to_owned(), message };
        let level = |name: &str, place: &str| {
            BloomLevel::parse(name).ok_or_else(|| bad(format!("{place}: unknown level {name:?}")))
        };

        let mut lex = Lexicon::default();
        let mut index: HashMap<String, usize> = HashMap::new();

        // Measurable verbs, sorted so that the build is deterministic.
        let mut verbs: Vec<(&String, &OneOrMany)> = file.verbs.iter().collect();
        verbs.sort_by(|a, b| a.0.cmp(b.0));
        for (verb, spec) in verbs {
            let names: Vec<&str> = match spec {
                OneOrMany::One(one) => vec![one.as_str()],
                OneOrMany::Many(many) => many.iter().map(String::as_str).collect(),
            };
            if names.is_empty() {
                return Err(bad(format!("verbs.{verb:?}: no level given")));
            }
            let mut levels = Vec::new();
            for name in names {
                let l = level(name, &format!("verbs.{verb:?}"))?;
                if !levels.contains(&l) {
                    levels.push(l);
                }
            }
            index.insert(verb.to_lowercase(), lex.entries.len());
            lex.entries.push(Entry { lemma: verb.to_lowercase(), sense: Sense::Measurable(levels) });
        }
        let mut unmeasurable: Vec<(&String, &UnmeasurableSpec)> = file.unmeasurable.iter().collect();
        unmeasurable.sort_by(|a, b| a.0.cmp(b.0));
        for (phrase, spec) in unmeasurable {
            let intended = match &spec.level {
                Some(name) => Some(level(name, &format!("unmeasurable.{phrase:?}"))?),
                None => None,
            };
            if index.contains_key(&phrase.to_lowercase()) {
                return Err(bad(format!("{phrase:?} is listed both as a verb and as unmeasurable")));
            }
            index.insert(phrase.to_lowercase(), lex.entries.len());
            lex.entries.push(Entry {
                lemma: phrase.to_lowercase(),
                sense: Sense::Unmeasurable { intended, why: spec.why.clone() },
            });
        }

        // Word forms of single-word entries; multi-word entries become phrases.
        let irregular_by_base: HashMap<&str, Vec<&str>> =
            file.irregular.iter().fold(HashMap::new(), |mut map, (form, base)| {
                map.entry(base.as_str()).or_default().push(form.as_str());
                map
            });
        for (i, entry) in lex.entries.clone().iter().enumerate() {
            let parts = words(&entry.lemma);
            if parts.len() == 1 {
                lex.add_forms(&entry.lemma, i, &irregular_by_base);
            }
        }
        // Auxiliary words that start phrases ("be aware of", "get to know") need forms too.
        for (i, entry) in lex.entries.clone().iter().enumerate() {
            let parts = words(&entry.lemma);
            if parts.len() > 1 {
                let first = parts[0].clone();
                lex.phrases.entry(first).or_default().push(Phrase { rest: parts[1..].to_vec(), entry: i });
            }
        }
        let firsts: Vec<String> = lex.phrases.keys().cloned().collect();
        for first in firsts {
            for spelling in spellings(&first) {
                lex.heads.entry(spelling.clone()).or_insert((first.clone(), Form::Base));
                for (form, word) in inflections(&spelling) {
                    lex.heads.entry(word).or_insert((first.clone(), form));
                }
            }
            for word in irregular_by_base.get(first.as_str()).into_iter().flatten() {
                let form = if word.ends_with("ing") { Form::Gerund } else { Form::Past };
                lex.heads.entry((*word).to_owned()).or_insert((first.clone(), form));
            }
        }
        for phrases in lex.phrases.values_mut() {
            phrases.sort_by(|a, b| b.rest.len().cmp(&a.rest.len()).then_with(|| a.rest.cmp(&b.rest)));
        }

        for (noun, verb) in &file.nominals {
            let entry = *index
                .get(&verb.to_lowercase())
                .ok_or_else(|| bad(format!("nominals.{noun}: {verb:?} is not in the lexicon")))?;
            lex.nominals.insert(noun.to_lowercase(), entry);
        }
        lex.light_verbs = file.light_verbs.verbs.iter().map(|v| v.to_lowercase()).collect();
        lex.noun_like = file.noun_like.words.iter().map(|v| v.to_lowercase()).collect();
        for (n, spec) in file.context.iter().enumerate() {
            let level = match &spec.level {
                Some(name) => Some(level(name, &format!("context #{}", n + 1))?),
                None => None,
            };
            lex.contexts.push(ContextRule {
                verbs: spec.verbs.iter().map(|v| v.to_lowercase()).collect(),
                cues: PhraseSet::new(&spec.cues),
                level,
                why: spec.why.clone(),
                first_word: spec.first_word,
                unmeasurable: spec.unmeasurable,
            });
        }
        lex.adverbs = file.adverbs.words.iter().map(|v| v.to_lowercase()).collect();
        for (adverb, name) in &file.adverbs.raising {
            lex.raising.insert(adverb.to_lowercase(), level(name, &format!("adverbs.raising.{adverb}"))?);
        }
        for (name, list) in &file.suggestions {
            if name == "affective" {
                lex.affective_suggestions = list.clone();
            } else {
                lex.suggestions.insert(level(name, &format!("suggestions.{name}"))?, list.clone());
            }
        }
        for dimension in [
            KnowledgeDimension::Metacognitive,
            KnowledgeDimension::Procedural,
            KnowledgeDimension::Conceptual,
            KnowledgeDimension::Factual,
        ] {
            if let Some(cues) = file.knowledge.get(dimension.as_str()) {
                lex.knowledge.push((dimension, PhraseSet::new(cues)));
            }
        }
        if let Some(unknown) =
            file.knowledge.keys().find(|k| !KnowledgeDimension::ALL.iter().any(|d| d.as_str() == k.as_str()))
        {
            return Err(bad(format!("knowledge.{unknown}: not a knowledge dimension")));
        }
        lex.instructor_verbs = file.perspective.instructor_verbs.iter().map(|w| w.to_lowercase()).collect();
        lex.course_subjects = file.perspective.subjects.iter().map(|w| w.to_lowercase()).collect();
        lex.audience = file.abcd.audience.iter().map(|w| w.to_lowercase()).collect();
        lex.conditions = PhraseSet::new(&file.abcd.conditions);
        lex.degrees = PhraseSet::new(&file.abcd.degrees);
        Ok(lex)
    }

    /// Registers all forms of a single-word entry. Base forms win over inflected forms of
    /// other entries; otherwise the first registration wins.
    fn add_forms(&mut self, base: &str, entry: usize, irregular: &HashMap<&str, Vec<&str>>) {
        for spelling in spellings(base) {
            self.insert_form(&spelling, entry, Form::Base, &spelling);
            for (form, word) in inflections(&spelling) {
                self.insert_form(&word, entry, form, &spelling);
            }
        }
        if let Some(forms) = irregular.get(base) {
            for word in forms {
                let form = if word.ends_with("ing") { Form::Gerund } else { Form::Past };
                let form = if word.ends_with("es") && !word.ends_with("ies") { Form::Third } else { form };
                self.insert_form(word, entry, form, base);
            }
        }
    }

    fn insert_form(&mut self, word: &str, entry: usize, form: Form, written: &str) {
        match self.forms.get(word) {
            Some(existing) if existing.form == Form::Base || form != Form::Base => {}
            _ => {
                self.forms.insert(word.to_owned(), WordForm { entry, form, written: written.to_owned() });
            }
        }
    }

    /// Looks up a single word in any form.
    pub fn word(&self, word: &str) -> Option<&WordForm> {
        self.forms.get(word)
    }

    /// The entry of a word form.
    pub fn entry(&self, index: usize) -> &Entry {
        &self.entries[index]
    }

    /// Measurable alternatives at a level (affective alternatives for `None`).
    pub fn suggestions_for(&self, level: Option<BloomLevel>) -> &[String] {
        match level {
            Some(level) => self.suggestions.get(&level).map(Vec::as_slice).unwrap_or(&[]),
            None => &self.affective_suggestions,
        }
    }
}

/// The US base form and its British variants (`analyze` → `analyse`, `organize` → `organise`,
/// `practice` → `practise`).
pub fn spellings(base: &str) -> Vec<String> {
    let mut out = vec![base.to_owned()];
    if let Some(stem) = base.strip_suffix("ize") {
        out.push(format!("{stem}ise"));
    }
    if let Some(stem) = base.strip_suffix("yze") {
        out.push(format!("{stem}yse"));
    }
    if base == "practice" {
        out.push("practise".to_owned());
    }
    if base == "program" {
        out.push("programme".to_owned());
    }
    out
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Regular inflections of a base form. Overgenerates on purpose (both "modeled" and
/// "modelled"): the forms are lookup keys, not output.
pub fn inflections(base: &str) -> Vec<(Form, String)> {
    let b = base.as_bytes();
    let n = b.len();
    let mut out = Vec::new();
    if n < 2 {
        return out;
    }
    let last = b[n - 1];
    let before = b[n - 2];
    // Third person singular.
    if base.ends_with('s')
        || base.ends_with('x')
        || base.ends_with('z')
        || base.ends_with("ch")
        || base.ends_with("sh")
        || base.ends_with('o')
    {
        out.push((Form::Third, format!("{base}es")));
    } else if last == b'y' && !is_vowel(before) {
        out.push((Form::Third, format!("{}ies", &base[..n - 1])));
    } else {
        out.push((Form::Third, format!("{base}s")));
    }
    // Past and gerund.
    if last == b'e' {
        out.push((Form::Past, format!("{base}d")));
        if base.ends_with("ie") {
            out.push((Form::Gerund, format!("{}ying", &base[..n - 2])));
        } else if base.ends_with("ee") || base.ends_with("ye") || base.ends_with("oe") {
            out.push((Form::Gerund, format!("{base}ing")));
        } else {
            out.push((Form::Gerund, format!("{}ing", &base[..n - 1])));
        }
    } else if last == b'y' && !is_vowel(before) {
        out.push((Form::Past, format!("{}ied", &base[..n - 1])));
        out.push((Form::Gerund, format!("{base}ing")));
    } else {
        out.push((Form::Past, format!("{base}ed")));
        out.push((Form::Gerund, format!("{base}ing")));
        // Consonant doubling (plan → planned, model → modelled): consonant-vowel-consonant
        // ending, last consonant not w/x/y.
        let cvc = n >= 3
            && !is_vowel(last)
            && !matches!(last, b'w' | b'x' | b'y')
            && is_vowel(before)
            && !is_vowel(b[n - 3])
            && last.is_ascii_alphabetic()
            && b[n - 3].is_ascii_alphabetic();
        if cvc {
            let doubled = format!("{base}{}", last as char);
            out.push((Form::Past, format!("{doubled}ed")));
            out.push((Form::Gerund, format!("{doubled}ing")));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_parses() {
        let lex = Lexicon::from_toml(LEXICON_TOML, LEXICON_NAME).unwrap();
        assert!(lex.entries.len() > 300, "the lexicon should hold hundreds of entries");
        assert!(lexicon().forms.contains_key("analyse"));
    }

    #[test]
    fn inflections_cover_british_spellings_and_doubling() {
        let lex = lexicon();
        for (word, lemma, form) in [
            ("analyses", "analyze", Form::Third),
            ("analysing", "analyze", Form::Gerund),
            ("analyzed", "analyze", Form::Past),
            ("organises", "organize", Form::Third),
            ("planning", "plan", Form::Gerund),
            ("planned", "plan", Form::Past),
            ("modelling", "model", Form::Gerund),
            ("identifies", "identify", Form::Third),
            ("wrote", "write", Form::Past),
            ("practising", "practice", Form::Gerund),
        ] {
            let found = lex.word(word).unwrap_or_else(|| panic!("{word} is not in the lexicon"));
            assert_eq!(lex.entry(found.entry).lemma, lemma, "{word}");
            assert_eq!(found.form, form, "{word}");
        }
        assert_eq!(lex.word("analysing").unwrap().written, "analyse");
    }

    #[test]
    fn a_malformed_lexicon_names_the_file_and_line() {
        let err = Lexicon::from_toml("[verbs]\ndefine = \"rememberr\"\n", "my.toml").unwrap_err();
        assert!(err.to_string().contains("my.toml"), "{err}");
        assert!(err.to_string().contains("rememberr"), "{err}");
        let err = Lexicon::from_toml("[verbs\n", "bad.toml").unwrap_err();
        assert!(err.to_string().contains("bad.toml") && err.to_string().contains("line 1"), "{err}");
    }
}
