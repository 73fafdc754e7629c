//! Translation round trip: language variants of a document, exchanged with translators as XLIFF.
//!
//! This module owns what is translatable and how it travels:
//! - [`fields`]: the one list of learner-facing fields and their stable field ids, walked by the
//!   export, the import, [`localise`] and the app;
//! - [`inline`]: Markdown's inline markup as protected inline codes and back;
//! - [`xliff`]: writing XLIFF 2.1 and 1.2 and reading both back, with limits for hostile files
//!   (size, no DTDs or entity declarations, unit count, nesting);
//! - [`export_xliff`] / [`import_xliff`]: a language's units with the translations already
//!   made (unchanged sources keep theirs, changed sources are marked for review by source hash),
//!   and the checked import that stores a translation as a language variant of the document
//!   (`Document::translations`; the design stays one) or refuses the whole file, unit by unit;
//! - [`localise`]: the document as it reads in one language, for `--lang` exports.
//!
//! The storage of variants (table `translations`, migration 0005) is the store's; the model
//! type is [`crate::model::Translation`]. See `docs/translation.md`.

pub mod fields;
pub mod inline;
pub mod xliff;

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::model::{Document, TranslatedText, Translation, TranslationState, is_language_tag};
use crate::{Error, Result};

pub use xliff::XliffVersion;

/// The source hash stored with a translation: the first 16 hex digits of the SHA-256 of the
/// source text.
pub fn source_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(16);
    for b in &digest[..8] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// How far a language variant covers the document.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    /// Translatable (non-empty) fields of the document.
    pub fields: usize,
    /// Fields with a translation made from their current source.
    pub translated: usize,
    /// Fields whose translation was made from another source text (needs review).
    pub outdated: usize,
    /// Fields without a translation.
    pub untranslated: usize,
    /// Translations marked final (approved), among the translated ones.
    pub approved: usize,
}

/// The status of one field in one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FieldStatus {
    /// No translation.
    Untranslated,
    /// Translated from the current source.
    Translated(TranslationState),
    /// Translated from an earlier source text: needs review.
    Outdated,
}

/// The variant of `lang` in `doc`, if any (language tags compare case-insensitively).
pub fn variant<'a>(doc: &'a Document, lang: &str) -> Option<&'a Translation> {
    doc.translations.iter().find(|t| t.language.eq_ignore_ascii_case(lang))
}

/// The status of a field with source `text` given its translation, if any.
pub fn status(text: &str, translation: Option<&TranslatedText>) -> FieldStatus {
    match translation {
        None => FieldStatus::Untranslated,
        Some(t) if t.source_hash != source_hash(text) => FieldStatus::Outdated,
        Some(t) if t.state == TranslationState::NeedsReview => FieldStatus::Outdated,
        Some(t) => FieldStatus::Translated(t.state),
    }
}

/// How far `lang` covers `doc`.
pub fn coverage(doc: &Document, lang: &str) -> Coverage {
    let by_id: HashMap<&str, &TranslatedText> =
        variant(doc, lang).map(|v| v.texts.iter().map(|t| (t.id.as_str(), t)).collect()).unwrap_or_default();
    let mut c = Coverage::default();
    for f in fields::list(doc) {
        c.fields += 1;
        match status(&f.text, by_id.get(f.meta.id.as_str()).copied()) {
            FieldStatus::Untranslated => c.untranslated += 1,
            FieldStatus::Outdated => c.outdated += 1,
            FieldStatus::Translated(state) => {
                c.translated += 1;
                if state == TranslationState::Final {
                    c.approved += 1;
                }
            }
        }
    }
    c
}

/// The languages of a document: its source language first, then each variant's.
pub fn languages(doc: &Document) -> Vec<String> {
    let mut out = vec![doc.curriculum.language.clone()];
    out.extend(doc.translations.iter().map(|t| t.language.clone()));
    out
}

/// `doc` as it reads in `lang`: every field with a translation holds the translated text (an
/// outdated translation too: [`coverage`] counts those), the others keep the source text, and
/// the curriculum's language is `lang`. The design (ids, alignments, levels, order) is
/// untouched. For the source language itself the document comes back unchanged.
pub fn localise(doc: &Document, lang: &str) -> Document {
    let mut out = doc.clone();
    if doc.curriculum.language.eq_ignore_ascii_case(lang) && variant(doc, lang).is_none() {
        return out;
    }
    let by_id: HashMap<&str, &str> = variant(doc, lang)
        .map(|v| v.texts.iter().map(|t| (t.id.as_str(), t.text.as_str())).collect())
        .unwrap_or_default();
    fields::walk(&mut out, |meta, text| {
        if let Some(t) = by_id.get(meta.id.as_str())
            && !text.trim().is_empty()
        {
            *text = (*t).to_owned();
        }
    });
    out.curriculum.language = lang.to_owned();
    out.translations.clear();
    out
}

/// Checks a language tag given on the command line or in a file.
pub fn check_language(lang: &str) -> Result<()> {
    if is_language_tag(lang) {
        Ok(())
    } else {
        Err(Error::Refused(format!("\"{lang}\" is not a language tag (BCP 47, e.g. fr, de-CH, pt-BR)")))
    }
}

/// Writes the XLIFF file for translating `doc` into `lang`: one unit per non-empty field, with
/// the translations the document already holds (unchanged sources keep theirs with their state;
/// a changed source gets its old translation marked as needing review).
pub fn export_xliff(doc: &Document, lang: &str, version: XliffVersion) -> Result<String> {
    check_language(lang)?;
    if doc.curriculum.language.eq_ignore_ascii_case(lang) {
        return Err(Error::Refused(format!(
            "{lang} is the document's own language; translate into another language"
        )));
    }
    let by_id: HashMap<&str, &TranslatedText> =
        variant(doc, lang).map(|v| v.texts.iter().map(|t| (t.id.as_str(), t)).collect()).unwrap_or_default();
    let units: Vec<xliff::OutUnit> = fields::list(doc)
        .into_iter()
        .map(|f| {
            let found = by_id.get(f.meta.id.as_str()).copied();
            let target = match status(&f.text, found) {
                FieldStatus::Untranslated => None,
                FieldStatus::Outdated => found.map(|t| (t.text.clone(), xliff::TargetState::NeedsReview)),
                FieldStatus::Translated(state) => found.map(|t| {
                    let s = if state == TranslationState::Final {
                        xliff::TargetState::Final
                    } else {
                        xliff::TargetState::Translated
                    };
                    (t.text.clone(), s)
                }),
            };
            xliff::OutUnit { source: inline::split_shown(&f.text, f.meta.markdown), field: f, target }
        })
        .collect();
    Ok(xliff::write(doc, lang, version, &units))
}

/// What an import stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// The language imported.
    pub language: String,
    /// The XLIFF version of the file.
    pub version: String,
    /// Units read.
    pub units: usize,
    /// Units whose translation was stored.
    pub translated: usize,
    /// Units without a translation (left as they were).
    pub untranslated: usize,
    /// Translations dropped because their field no longer exists.
    pub dropped: usize,
}

/// Reads an XLIFF file (2.x or 1.2) made from [`export_xliff`] and returns `doc` with the
/// translations stored in its variant for the file's target language, or refuses the whole
/// file: every unit with an unknown id, a source text that is not the document's, or an inline
/// code that was broken, dropped, repeated or made up is listed (`Error::Invalid`, naming
/// `source_name` and each unit), and nothing is stored.
pub fn import_xliff(doc: &Document, text: &str, source_name: &str) -> Result<(Document, ImportReport)> {
    let file = xliff::read(text, source_name)?;
    check_language(&file.target_language)
        .map_err(|e| Error::invalid(source_name, &[format!("target language: {e}")]))?;
    if !file.source_language.is_empty()
        && !file.source_language.eq_ignore_ascii_case(&doc.curriculum.language)
    {
        return Err(Error::invalid(
            source_name,
            &[format!(
                "the file translates from {} but the document is written in {}",
                file.source_language, doc.curriculum.language
            )],
        ));
    }
    let list = fields::list(doc);
    let by_id: HashMap<&str, &fields::Field> = list.iter().map(|f| (f.meta.id.as_str(), f)).collect();
    let mut problems = Vec::new();
    let mut stored: Vec<TranslatedText> = Vec::new();
    let mut report = ImportReport {
        language: file.target_language.clone(),
        version: file.version.clone(),
        units: file.units.len(),
        ..ImportReport::default()
    };
    let before: HashMap<&str, &TranslatedText> = variant(doc, &file.target_language)
        .map(|v| v.texts.iter().map(|t| (t.id.as_str(), t)).collect())
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    for unit in &file.units {
        let place = format!("unit {}", unit.id);
        if !seen.insert(unit.field_id.as_str()) {
            problems.push(format!("{place}: the unit appears twice"));
            continue;
        }
        let Some(field) = by_id.get(unit.field_id.as_str()) else {
            problems.push(format!("{place}: unknown unit id (no such field in the document)"));
            continue;
        };
        let pieces = inline::split(&field.text, field.meta.markdown);
        // The file shows the source without Markdown's escapes (files written before that
        // showed them): either form is the document's source.
        let same_source = |pieces: &[inline::Piece], text: &str| {
            inline::rebuild(&unit.source, pieces).is_ok_and(|source| source == text)
        };
        let known = same_source(&pieces, &field.text)
            || (field.meta.markdown && {
                let shown = inline::shown(&pieces);
                same_source(&shown, &inline::join(&shown))
            });
        if !known {
            problems.push(format!(
                "{place}: the source text is not the document's (the field changed after the export, or the file was edited); export again"
            ));
            continue;
        }
        let Some(target) = &unit.target else {
            report.untranslated += 1;
            continue;
        };
        // A stored translation may carry markup of its own (a link to a page in its language):
        // the export wrote it as extra codes numbered after the source's, and the translation
        // keeps only the source codes it kept.
        let mut codes = inline::codes(&pieces);
        let mut required: Vec<u32> = codes.keys().copied().collect();
        if let Some(old) = before.get(field.meta.id.as_str()) {
            let own =
                inline::codes(&xliff::renumber(&inline::split(&old.text, field.meta.markdown), &pieces));
            required.retain(|id| own.contains_key(id));
            for (id, code) in own {
                codes.entry(id).or_insert(code);
            }
        }
        // What the translator typed between the codes is plain text: in a Markdown field its
        // Markdown characters are escaped so that learners see them as typed.
        let rebuilt = if field.meta.markdown {
            inline::rebuild_literal(target, &codes, &required)
        } else {
            inline::rebuild_with(target, &codes, &required)
        };
        let text = match rebuilt {
            Ok(text) => text,
            Err(problem) => {
                problems.push(format!("{place}: target: {problem}"));
                continue;
            }
        };
        if text.trim().is_empty() {
            report.untranslated += 1;
            continue;
        }
        if text.len() > crate::model::MAX_TEXT_LEN {
            problems.push(format!(
                "{place}: target: the text is longer than {} bytes",
                crate::model::MAX_TEXT_LEN
            ));
            continue;
        }
        stored.push(TranslatedText {
            id: field.meta.id.clone(),
            text,
            source_hash: source_hash(&field.text),
            state: unit.state,
        });
    }
    if !problems.is_empty() {
        return Err(Error::invalid(source_name, &problems));
    }
    report.translated = stored.len();
    let mut out = doc.clone();
    let lang = file.target_language.clone();
    let index = match out.translations.iter().position(|t| t.language.eq_ignore_ascii_case(&lang)) {
        Some(i) => i,
        None => {
            out.translations.push(Translation { language: lang, texts: Vec::new() });
            out.translations.len() - 1
        }
    };
    let variant = &mut out.translations[index];
    let before = variant.texts.len();
    variant.texts.retain(|t| by_id.contains_key(t.id.as_str()));
    report.dropped = before - variant.texts.len();
    let mut at: HashMap<String, usize> =
        variant.texts.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();
    for t in stored {
        match at.get(&t.id) {
            Some(&i) => variant.texts[i] = t,
            None => {
                at.insert(t.id.clone(), variant.texts.len());
                variant.texts.push(t);
            }
        }
    }
    out.normalize();
    out.validate_as(source_name)?;
    Ok((out, report))
}
