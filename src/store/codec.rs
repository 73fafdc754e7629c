//! Column encodings shared by the readers and writers: enums as their serde names, JSON
//! columns, ids as hyphenated TEXT. Private to the store.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::ItemBody;
use crate::{Error, Result};

/// An enum's serde name (`"performanceTask"`), as stored in TEXT columns.
pub fn enum_str<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => format!("<unencodable: {e}>"),
    }
}

/// Parses an enum stored by [`enum_str`] (unit variants, no allocation).
pub fn parse_enum<T: DeserializeOwned>(column: &str, text: &str) -> Result<T> {
    use serde::de::IntoDeserializer;
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> = text.into_deserializer();
    T::deserialize(de).map_err(|e| Error::Internal(format!("column {column} holds {text:?}: {e}")))
}

/// A JSON column value.
pub fn json_str<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// Parses a JSON column.
pub fn parse_json<T: DeserializeOwned>(column: &str, text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::Internal(format!("column {column} holds invalid JSON: {e}")))
}

/// Parses an id column.
pub fn parse_id<T: std::str::FromStr>(column: &str, text: &str) -> Result<T> {
    text.parse().map_err(|_| Error::Internal(format!("column {column} holds {text:?}, not a UUID")))
}

/// Parses a quiz item's `body` column. The store writes the `type` tag first
/// (`{"type":"multipleChoice",…}`), so the variant is known from that prefix and the object is
/// read straight into the variant's fields; serde's path for internally tagged enums first
/// buffers the whole object into an intermediate tree. A body that does not start with a known
/// tag takes that general path, so both accept and refuse the same text.
pub fn parse_item_body(column: &str, text: &str) -> Result<ItemBody> {
    let fast = match tag_of(text) {
        Some("multipleChoice") => serde_json::from_str::<body::Choices>(text)
            .map(|b| ItemBody::MultipleChoice { choices: b.choices }),
        Some("multipleResponse") => serde_json::from_str::<body::Choices>(text)
            .map(|b| ItemBody::MultipleResponse { choices: b.choices }),
        Some("trueFalse") => {
            serde_json::from_str::<body::TrueFalse>(text).map(|b| ItemBody::TrueFalse { answer: b.answer })
        }
        Some("shortAnswer") => serde_json::from_str::<body::ShortAnswer>(text)
            .map(|b| ItemBody::ShortAnswer { answers: b.answers, case_sensitive: b.case_sensitive }),
        Some("numeric") => serde_json::from_str::<body::Numeric>(text)
            .map(|b| ItemBody::Numeric { answer: b.answer, tolerance: b.tolerance }),
        Some("essay") => {
            serde_json::from_str::<body::Essay>(text).map(|b| ItemBody::Essay { guidance: b.guidance })
        }
        Some("matching") => {
            serde_json::from_str::<body::Matching>(text).map(|b| ItemBody::Matching { pairs: b.pairs })
        }
        _ => return parse_json(column, text),
    };
    // A refusal is reported in the words of the general path.
    fast.or_else(|_| parse_json(column, text))
}

/// The variant name of a body written as `{"type":"NAME",…}` (no spaces, no escapes).
fn tag_of(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("{\"type\":\"")?;
    let end = rest.find('"')?;
    let name = &rest[..end];
    (!name.contains('\\') && rest[end + 1..].starts_with([',', '}'])).then_some(name)
}

/// The fields of each [`ItemBody`] variant, with the same names and defaults as the model's
/// serde attributes (camelCase, `#[serde(default)]` where the model has it). The `type` key is
/// a field of its own, so a second `type` key is refused as the general path refuses it. Building
/// the variant from these names all of its fields: a field added to a variant fails to compile
/// in [`parse_item_body`] until it is added here.
mod body {
    use serde::Deserialize;
    use serde::de::IgnoredAny;

    use crate::model::{Choice, MatchPair};

    #[derive(Deserialize)]
    pub struct Choices {
        #[serde(rename = "type")]
        _tag: IgnoredAny,
        pub choices: Vec<Choice>,
    }

    #[derive(Deserialize)]
    pub struct TrueFalse {
        #[serde(rename = "type")]
        _tag: IgnoredAny,
        pub answer: bool,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ShortAnswer {
        #[serde(rename = "type")]
        _tag: IgnoredAny,
        pub answers: Vec<String>,
        #[serde(default)]
        pub case_sensitive: bool,
    }

    #[derive(Deserialize)]
    pub struct Numeric {
        #[serde(rename = "type")]
        _tag: IgnoredAny,
        pub answer: f64,
        #[serde(default)]
        pub tolerance: f64,
    }

    #[derive(Deserialize)]
    pub struct Essay {
        #[serde(rename = "type")]
        _tag: IgnoredAny,
        #[serde(default)]
        pub guidance: String,
    }

    #[derive(Deserialize)]
    pub struct Matching {
        #[serde(rename = "type")]
        _tag: IgnoredAny,
        pub pairs: Vec<MatchPair>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn general(text: &str) -> std::result::Result<ItemBody, String> {
        parse_json::<ItemBody>("items.body", text).map_err(|e| e.to_string())
    }

    fn fast(text: &str) -> std::result::Result<ItemBody, String> {
        parse_item_body("items.body", text).map_err(|e| e.to_string())
    }

    #[test]
    fn item_bodies_read_by_their_tag_equal_the_general_path() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..40 {
            let doc = crate::generate::random(seed);
            for item in doc.assessments.iter().flat_map(|a| &a.items) {
                let text = json_str(&item.body);
                assert!(tag_of(&text).is_some(), "the store writes the tag first: {text}");
                assert_eq!(fast(&text), general(&text));
                assert_eq!(fast(&text).as_ref(), Ok(&item.body));
                seen.insert(item.body.type_name());
            }
        }
        assert_eq!(seen.len(), 7, "every item type was read: {seen:?}");
    }

    #[test]
    fn odd_and_hostile_bodies_are_accepted_or_refused_as_the_general_path_does() {
        let cases = [
            r#"{"type":"essay"}"#,
            r#"{"type":"essay","guidance":"x","extra":[1,{"a":2}]}"#,
            r#"{"type":"numeric","answer":5}"#,
            r#"{"type":"numeric","answer":5,"tolerance":null}"#,
            r#"{"type":"numeric","answer":1e400}"#,
            r#"{"type":"shortAnswer","answers":["a"],"caseSensitive":true}"#,
            r#"{"type":"shortAnswer","answers":["a"],"case_sensitive":true}"#,
            r#"{"type":"trueFalse","answer":true,"type":"essay"}"#,
            r#"{"type":"trueFalse","answer":true,"answer":false}"#,
            r#"{"type":"trueFalse"}"#,
            r#"{"type":"trueFalse","answer":true} trailing"#,
            r#"{"type":"multipleChoice","choices":[{"id":"0190b5a0-0000-7000-8000-000000000001","text":"a","bogus":1}]}"#,
            r#"{"type":"matching","pairs":[]}"#,
            r#"{"type":"unknown","x":1}"#,
            r#"{"type":"ess\"ay"}"#,
            r#"{"answer":true,"type":"trueFalse"}"#,
            r#"{ "type": "trueFalse", "answer": true }"#,
            r#"{"type":"essay""#,
            r#"[]"#,
            "",
        ];
        for text in cases {
            assert_eq!(fast(text), general(text), "{text}");
        }
    }
}
