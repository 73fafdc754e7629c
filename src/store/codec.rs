//! Column encodings shared by the readers and writers: enums as their serde names, JSON
//! columns, ids as hyphenated TEXT. Private to the store.

use serde::Serialize;
use serde::de::DeserializeOwned;

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
