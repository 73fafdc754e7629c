//! Language variants of a document: the translated learner-facing text, per language.
//!
//! The design (ids, alignments, levels, structure) is one; a language variant only holds text.
//! Each [`TranslatedText`] is keyed by the id of the field it translates (a *field id* such as
//! `objective/<uuid>/statement` or `quizItem/<uuid>/choice/<uuid>/feedback`; the list of
//! translatable fields lives in `crate::translate::fields`) and remembers a hash of the source
//! text it was made from, so a later change of the source marks it as needing review.
//! A translation whose field no longer exists (its entity was deleted) is kept but ignored; the
//! next import of that language drops it.

use serde::{Deserialize, Serialize};

/// Longest language tag accepted (BCP 47 tags in practice stay far below).
pub const MAX_LANGUAGE_TAG_LEN: usize = 35;

/// Longest field id accepted.
pub const MAX_FIELD_ID_LEN: usize = 200;

/// The translated text of one language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Translation {
    /// BCP 47 language tag of the variant (`fr`, `pt-BR`).
    pub language: String,
    /// Translated fields, ordered by field id.
    #[serde(default)]
    pub texts: Vec<TranslatedText>,
}

/// One translated field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TranslatedText {
    /// The field id: `<kind>/<uuid>/<field path>`.
    pub id: String,
    /// The translated text (Markdown where the source field is Markdown).
    pub text: String,
    /// SHA-256 (hex, first 16 characters) of the source text this translation was made from.
    pub source_hash: String,
    /// Review state of the translation.
    #[serde(default)]
    pub state: TranslationState,
}

/// Review state of a translated field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum TranslationState {
    /// Translated, not yet reviewed.
    #[default]
    Translated,
    /// Must be looked at again (the translator or a tool said so).
    NeedsReview,
    /// Reviewed and approved.
    Final,
}

impl TranslationState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TranslationState::Translated => "translated",
            TranslationState::NeedsReview => "needsReview",
            TranslationState::Final => "final",
        }
    }

    /// The state stored as `name`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "translated" => Some(TranslationState::Translated),
            "needsReview" => Some(TranslationState::NeedsReview),
            "final" => Some(TranslationState::Final),
            _ => None,
        }
    }
}

/// Whether `tag` looks like a BCP 47 language tag: ASCII letters, digits and hyphens, starting
/// with 2–8 letters, subtags of 1–8 characters.
pub fn is_language_tag(tag: &str) -> bool {
    if tag.is_empty() || tag.len() > MAX_LANGUAGE_TAG_LEN {
        return false;
    }
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Splits a field id into its entity kind, entity id and field path.
pub fn split_field_id(id: &str) -> Option<(&str, uuid::Uuid, &str)> {
    if id.len() > MAX_FIELD_ID_LEN {
        return None;
    }
    let mut parts = id.splitn(3, '/');
    let kind = parts.next()?;
    let entity = uuid::Uuid::parse_str(parts.next()?).ok()?;
    let field = parts.next()?;
    let ok = !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_alphabetic())
        && !field.is_empty()
        && field.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'-' || b == b'_');
    ok.then_some((kind, entity, field))
}

/// The problems of a document's translations as `(place, problem)` pairs: bad language tags,
/// two variants of one language, malformed or repeated field ids, empty source hashes.
pub(crate) fn problems(translations: &[Translation]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut languages = std::collections::HashSet::new();
    for t in translations {
        let place = format!("translation \"{}\"", t.language);
        if !is_language_tag(&t.language) {
            out.push((place.clone(), "the language is not a BCP 47 language tag".to_owned()));
        }
        if !languages.insert(t.language.to_ascii_lowercase()) {
            out.push((place.clone(), "the language has two variants".to_owned()));
        }
        let mut ids = std::collections::HashSet::new();
        for text in &t.texts {
            if split_field_id(&text.id).is_none() {
                out.push((place.clone(), format!("\"{}\" is not a field id", text.id)));
            }
            if !ids.insert(text.id.as_str()) {
                out.push((place.clone(), format!("field {} is translated twice", text.id)));
            }
            if text.text.len() > super::MAX_TEXT_LEN {
                out.push((place.clone(), format!("the text of {} is too long", text.id)));
            }
            if text.source_hash.is_empty() || text.source_hash.len() > 64 {
                out.push((place.clone(), format!("the source hash of {} is missing or too long", text.id)));
            }
        }
    }
    out
}

/// Puts variants in language order and texts in field-id order.
pub(crate) fn normalize(translations: &mut [Translation]) {
    if !translations.is_sorted_by(|a, b| a.language <= b.language) {
        translations.sort_by(|a, b| a.language.cmp(&b.language));
    }
    for t in translations {
        if !t.texts.is_sorted_by(|a, b| a.id <= b.id) {
            t.texts.sort_by(|a, b| a.id.cmp(&b.id));
        }
    }
}
