//! The in-memory index behind the standards picker: find framework items by code and text.
//!
//! Built once per document (or after an import) from `doc.standard_items`; it owns its data so
//! the desktop app can keep it between edits. Matching is case- and accent-insensitive; every
//! query word must occur in the item's code or text. Ranking: exact code, code prefix, code
//! substring, then words that start words of the text, then plain substrings; ties keep the
//! framework's outline order. A linear scan over pre-folded strings answers well under the
//! 50 ms budget on 10,000 items (see BENCHMARKS.md); no inverted index is needed at that size.

use crate::model::{Document, FrameworkId, StandardItemId};

/// One search result.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    /// The item.
    pub item: StandardItemId,
    /// Its framework.
    pub framework: FrameworkId,
    /// Its code (human coding scheme).
    pub code: String,
    /// Its statement.
    pub statement: String,
    /// Relevance (higher is better).
    pub score: u32,
}

struct Entry {
    item: StandardItemId,
    framework: FrameworkId,
    code: String,
    statement: String,
    code_key: String,
    text_key: String,
}

/// Search index over every framework item of a document.
pub struct FrameworkIndex {
    entries: Vec<Entry>,
}

impl std::fmt::Debug for FrameworkIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameworkIndex").field("items", &self.entries.len()).finish()
    }
}

impl FrameworkIndex {
    /// Indexes every standard item of `doc`.
    pub fn new(doc: &Document) -> Self {
        let entries = doc
            .standard_items
            .iter()
            .map(|s| {
                let mut text = String::with_capacity(s.statement.len() + s.abbreviated.len() + 16);
                for part in [&s.statement, &s.abbreviated, &s.item_type, &s.identifier] {
                    if !part.is_empty() {
                        text.push_str(part);
                        text.push(' ');
                    }
                }
                Entry {
                    item: s.id,
                    framework: s.framework,
                    code: s.code.clone(),
                    statement: s.statement.clone(),
                    code_key: fold(&s.code),
                    text_key: fold(&text),
                }
            })
            .collect();
        FrameworkIndex { entries }
    }

    /// Number of items indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best `limit` items for `query` across all frameworks.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        self.search_in(query, None, limit)
    }

    /// The best `limit` items for `query`, optionally within one framework. An empty query
    /// returns the first items in outline order.
    pub fn search_in(&self, query: &str, framework: Option<FrameworkId>, limit: usize) -> Vec<Hit> {
        if limit == 0 {
            return Vec::new();
        }
        let folded = fold(query);
        let words: Vec<&str> = folded.split_whitespace().collect();
        let whole = words.join(" ");
        let mut scored: Vec<(u32, usize)> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if framework.is_some_and(|f| f != e.framework) {
                continue;
            }
            let Some(score) = score(e, &whole, &words) else { continue };
            scored.push((score, i));
        }
        // Highest score first, then outline order; only the top `limit` need full ordering.
        let cmp = |a: &(u32, usize), b: &(u32, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if scored.len() > limit {
            scored.select_nth_unstable_by(limit - 1, cmp);
            scored.truncate(limit);
        }
        scored.sort_unstable_by(cmp);
        scored
            .into_iter()
            .map(|(score, i)| {
                let e = &self.entries[i];
                Hit {
                    item: e.item,
                    framework: e.framework,
                    code: e.code.clone(),
                    statement: e.statement.clone(),
                    score,
                }
            })
            .collect()
    }
}

fn score(e: &Entry, whole: &str, words: &[&str]) -> Option<u32> {
    if words.is_empty() {
        return Some(0);
    }
    let mut score = 0u32;
    if !e.code_key.is_empty() {
        if e.code_key == whole {
            score += 10_000;
        } else if e.code_key.starts_with(whole) {
            score += 5_000;
        } else if e.code_key.contains(whole) {
            score += 2_000;
        }
    }
    for w in words {
        let in_code = e.code_key.contains(w);
        let text_score = word_score(&e.text_key, w);
        if !in_code && text_score == 0 {
            return None;
        }
        score += if in_code { 300 } else { 0 } + text_score;
    }
    // Prefer shorter statements among equals: they are usually the headings people look for.
    score += 100u32.saturating_sub((e.text_key.len() / 20) as u32);
    Some(score)
}

/// 60 when `word` starts a word of `text`, 20 when it only occurs inside one, 0 otherwise.
fn word_score(text: &str, word: &str) -> u32 {
    let mut best = 0;
    let mut start = 0;
    while let Some(pos) = text[start..].find(word) {
        let at = start + pos;
        let boundary = text[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        if boundary {
            return 60;
        }
        best = 20;
        start = at + word.len().max(1);
        while start < text.len() && !text.is_char_boundary(start) {
            start += 1;
        }
        if start >= text.len() {
            break;
        }
    }
    best
}

/// Lower-case with common Latin accents removed.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        for l in c.to_lowercase() {
            out.push(match l {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
                'ç' | 'ć' | 'č' => 'c',
                'ď' => 'd',
                'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
                'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => 'i',
                'ñ' | 'ń' | 'ň' => 'n',
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
                'ř' => 'r',
                'ś' | 'š' | 'ş' => 's',
                'ť' | 'ţ' => 't',
                'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
                'ý' | 'ÿ' => 'y',
                'ź' | 'ż' | 'ž' => 'z',
                '\u{2019}' | '\u{2018}' => '\'',
                other => other,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Framework, StandardItem};

    fn doc(items: &[(&str, &str)]) -> Document {
        let mut doc = Document::new("t");
        let fw = Framework {
            id: FrameworkId::new(),
            identifier: String::new(),
            uri: String::new(),
            title: "F".into(),
            creator: String::new(),
            version: String::new(),
            language: String::new(),
            source: "test".into(),
            extra: serde_json::Value::Null,
        };
        for (code, statement) in items {
            doc.standard_items.push(StandardItem {
                id: StandardItemId::new(),
                framework: fw.id,
                parent: None,
                identifier: String::new(),
                uri: String::new(),
                code: (*code).into(),
                statement: (*statement).into(),
                abbreviated: String::new(),
                item_type: String::new(),
                extra: serde_json::Value::Null,
            });
        }
        doc.frameworks.push(fw);
        doc
    }

    #[test]
    fn exact_code_ranks_first_then_word_matches() {
        let d = doc(&[
            ("RL.3.10", "Read and comprehend literature"),
            ("RL.3.1", "Ask and answer questions to demonstrate understanding"),
            ("W.3.1", "Write opinion pieces"),
        ]);
        let index = FrameworkIndex::new(&d);
        let hits = index.search("rl.3.1", 10);
        assert_eq!(hits.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(), ["RL.3.1", "RL.3.10"]);
        let hits = index.search("ANSWER questions", 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].code, "RL.3.1");
        assert!(index.search("nothing like this", 10).is_empty());
    }

    #[test]
    fn matching_ignores_case_and_accents() {
        let d = doc(&[("FR.1", "Compréhension écrite")]);
        let index = FrameworkIndex::new(&d);
        assert_eq!(index.search("comprehension ECRITE", 5).len(), 1);
    }
}
