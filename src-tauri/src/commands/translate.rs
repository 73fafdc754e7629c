//! Translation in the app: the editing-language switcher and the translation table. Adapters over
//! `trellis::translate` (what `trellis translate` uses): [`translation_overview`] lists the
//! document's languages (the source language and each language variant, with how far each
//! covers the document) and, for one language, every learner-facing field with its source text,
//! its translation and whether it is untranslated, translated, approved or outdated (its source
//! changed since); [`set_translation`] stores, approves or clears one field's translation as one
//! undoable edit and answers with the change, like every other edit.
//!
//! The pure parts (`*_in` functions) take the design, so the tests compute exactly what the
//! commands answer.

use std::collections::HashMap;

use serde::Serialize;
use tauri::{State, Window};
use trellis::model::{BloomLevel, Document, TranslatedText, Translation, TranslationState};
use trellis::store::EditOp;
use trellis::translate::{self, FieldStatus, fields};

use crate::dto::DocumentChange;
use crate::error::CommandError;
use crate::state::AppState;

/// How far one language covers the document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct LanguageCoverage {
    /// BCP 47 tag.
    pub language: String,
    /// Translatable (non-empty) fields of the document.
    pub fields: u32,
    /// Fields translated from their current source (approved ones included).
    pub translated: u32,
    /// Approved translations.
    pub approved: u32,
    /// Translations made from an earlier source text, or marked for review.
    pub outdated: u32,
    /// Fields without a translation.
    pub untranslated: u32,
}

/// Where a field stands in one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum RowStatus {
    /// No translation.
    Untranslated,
    /// Translated from the current source.
    Translated,
    /// Translated and approved.
    Approved,
    /// Translated from an earlier source text (or marked for review): needs review.
    Outdated,
}

/// One learner-facing field in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TranslationRow {
    /// Field id (`objective/<uuid>/statement`).
    pub id: String,
    /// Where the text appears.
    pub place: String,
    /// Whether the field is Markdown.
    pub markdown: bool,
    /// Bloom level of the objective or question it belongs to.
    pub level: Option<BloomLevel>,
    /// Longest translation that fits, in characters.
    pub max_chars: Option<u32>,
    /// The source text.
    pub source: String,
    /// The translation, when there is one.
    pub translation: Option<String>,
    /// Where it stands.
    pub status: RowStatus,
}

/// The document's languages, and the fields of the language asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TranslationOverview {
    /// The language the document is written in.
    pub source_language: String,
    /// Each language variant with its coverage.
    pub languages: Vec<LanguageCoverage>,
    /// The language the rows are for (`None`: the source language, no rows).
    pub language: Option<String>,
    /// Every translatable field in document order, for `language`.
    pub rows: Vec<TranslationRow>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn coverage_of(doc: &Document, language: &str) -> LanguageCoverage {
    let c = translate::coverage(doc, language);
    LanguageCoverage {
        language: language.to_owned(),
        fields: count(c.fields),
        translated: count(c.translated),
        approved: count(c.approved),
        outdated: count(c.outdated),
        untranslated: count(c.untranslated),
    }
}

/// What [`translation_overview`] answers for `doc`.
pub fn overview_in(doc: &Document, language: Option<&str>) -> TranslationOverview {
    let source_language = doc.curriculum.language.clone();
    let languages = doc.translations.iter().map(|t| coverage_of(doc, &t.language)).collect();
    let language = language.filter(|l| !l.eq_ignore_ascii_case(&source_language)).map(str::to_owned);
    let rows = match &language {
        None => Vec::new(),
        Some(lang) => {
            let by_id: HashMap<&str, &TranslatedText> = translate::variant(doc, lang)
                .map(|v| v.texts.iter().map(|t| (t.id.as_str(), t)).collect())
                .unwrap_or_default();
            fields::list(doc)
                .into_iter()
                .map(|f| {
                    let found = by_id.get(f.meta.id.as_str()).copied();
                    let status = match translate::status(&f.text, found) {
                        FieldStatus::Untranslated => RowStatus::Untranslated,
                        FieldStatus::Outdated => RowStatus::Outdated,
                        FieldStatus::Translated(TranslationState::Final) => RowStatus::Approved,
                        FieldStatus::Translated(_) => RowStatus::Translated,
                    };
                    TranslationRow {
                        id: f.meta.id,
                        place: f.meta.place,
                        markdown: f.meta.markdown,
                        level: f.meta.level,
                        max_chars: f.meta.max_chars.map(count),
                        source: f.text,
                        translation: found.map(|t| t.text.clone()),
                        status,
                    }
                })
                .collect()
        }
    };
    TranslationOverview { source_language, languages, language, rows }
}

/// `doc` with field `id` of `language` set to `text` (made from the field's current source;
/// approved when `approved`), or its translation removed when `text` is blank. Refuses a
/// language that is not a tag or is the document's own, and a field the document does not have.
pub fn set_in(
    doc: &Document,
    language: &str,
    id: &str,
    text: &str,
    approved: bool,
) -> trellis::Result<Document> {
    translate::check_language(language)?;
    if language.eq_ignore_ascii_case(&doc.curriculum.language) {
        return Err(trellis::Error::Refused(format!(
            "{language} is the document's own language: edit the text itself"
        )));
    }
    let field = fields::list(doc)
        .into_iter()
        .find(|f| f.meta.id == id)
        .ok_or_else(|| trellis::Error::Refused(format!("the document has no translatable field {id}")))?;
    let mut out = doc.clone();
    let index = match out.translations.iter().position(|t| t.language.eq_ignore_ascii_case(language)) {
        Some(i) => i,
        None => {
            out.translations.push(Translation { language: language.to_owned(), texts: Vec::new() });
            out.translations.len() - 1
        }
    };
    let variant = &mut out.translations[index];
    variant.texts.retain(|t| t.id != id);
    if !text.trim().is_empty() {
        variant.texts.push(TranslatedText {
            id: id.to_owned(),
            text: text.to_owned(),
            source_hash: translate::source_hash(&field.text),
            state: if approved { TranslationState::Final } else { TranslationState::Translated },
        });
    }
    if variant.texts.is_empty() {
        out.translations.remove(index);
    }
    out.normalize();
    out.validate_as("the translation")?;
    Ok(out)
}

/// The document's languages and, for `language`, its fields.
#[tauri::command]
pub async fn translation_overview(
    window: Window,
    state: State<'_, AppState>,
    language: Option<String>,
) -> Result<TranslationOverview, CommandError> {
    state.with_document(window.label(), move |doc| Ok(overview_in(doc, language.as_deref()))).await
}

/// Stores (or, with a blank text, removes) one field's translation, one undo step.
#[tauri::command]
pub async fn set_translation(
    window: Window,
    state: State<'_, AppState>,
    language: String,
    id: String,
    text: String,
    approved: bool,
) -> Result<DocumentChange, CommandError> {
    state
        .change(window.label(), move |store| {
            let doc = store.load()?;
            let new = set_in(&doc, &language, &id, &text, approved)?;
            store.apply_all(
                &format!("Translate a field ({language})"),
                vec![EditOp::ReplaceDocument { document: Box::new(new) }],
            )
        })
        .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn example() -> Document {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/intro-statistics.json");
        trellis::json::read(&path).unwrap()
    }

    #[test]
    fn a_field_set_outdated_by_a_source_edit_and_cleared_shows_each_status() {
        let doc = example();
        let first = overview_in(&doc, Some("fr"));
        assert!(first.languages.is_empty() && first.rows.len() > 100);
        assert!(first.rows.iter().all(|r| r.status == RowStatus::Untranslated));
        let id = first.rows.iter().find(|r| r.id.starts_with("objective/")).unwrap().id.clone();

        let translated = set_in(&doc, "fr", &id, "Calculer une moyenne.", false).unwrap();
        let view = overview_in(&translated, Some("fr"));
        let row = view.rows.iter().find(|r| r.id == id).unwrap();
        assert_eq!(
            (row.status, row.translation.as_deref()),
            (RowStatus::Translated, Some("Calculer une moyenne."))
        );
        assert_eq!(view.languages[0].translated, 1);

        let approved = set_in(&translated, "fr", &id, "Calculer une moyenne.", true).unwrap();
        assert_eq!(overview_in(&approved, Some("fr")).languages[0].approved, 1);

        let mut edited = approved.clone();
        let objective = edited.objectives.iter_mut().find(|o| id.contains(&o.id.to_string())).unwrap();
        objective.statement.push_str(" Again.");
        let row = overview_in(&edited, Some("fr")).rows.into_iter().find(|r| r.id == id).unwrap();
        assert_eq!(row.status, RowStatus::Outdated);

        let cleared = set_in(&approved, "fr", &id, "  ", false).unwrap();
        assert!(cleared.translations.is_empty(), "the last translation removed removes the variant");
        assert!(set_in(&doc, "en", &id, "x", false).is_err(), "the source language is refused");
        assert!(
            set_in(&doc, "fr", "objective/0190aaaa-0000-7000-8000-000000000000/statement", "x", false)
                .is_err()
        );
        assert!(set_in(&doc, "not a tag", &id, "x", false).is_err());
        assert!(overview_in(&translated, Some("en")).rows.is_empty(), "no rows for the source language");
    }
}
