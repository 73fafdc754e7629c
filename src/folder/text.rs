//! The text of one folder file: an entity's fields as TOML, written one field per line in the
//! model's declaration order, and read back into JSON values the model's serde derives accept.
//!
//! Writing goes through the entity's own JSON (its serde derive), read into [`Tree`], which
//! keeps the declaration order of keys and the exact text of numbers. Nothing here knows the
//! model: the caller says which keys hold free JSON (`fields`, `extra`), whose values need not be
//! representable in TOML (null, integers beyond 64 bits): such values are written as JSON text
//! under `KEY-json`.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// An ordered JSON value (the order of keys as the serialiser wrote them).
#[derive(Clone, Debug, PartialEq)]
pub enum Tree {
    /// JSON null (an absent optional field).
    Null,
    /// A boolean.
    Bool(bool),
    /// A number, as JSON writes it.
    Num(Number),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Tree>),
    /// An object, keys in order.
    Obj(Vec<(String, Tree)>),
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TreeVisitor;
        impl<'de> Visitor<'de> for TreeVisitor {
            type Value = Tree;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Tree, E> {
                Ok(Tree::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tree, E> {
                Ok(Tree::Num(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tree, E> {
                Ok(Tree::Num(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tree, E> {
                Number::from_f64(v).map(Tree::Num).ok_or_else(|| E::custom("a number is not finite"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Tree, E> {
                Ok(Tree::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Tree, E> {
                Ok(Tree::Str(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Tree, E> {
                Ok(Tree::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Tree, E> {
                Ok(Tree::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
                Tree::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Tree::Arr(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Tree>()? {
                    out.push((k, v));
                }
                Ok(Tree::Obj(out))
            }
        }
        deserializer.deserialize_any(TreeVisitor)
    }
}

impl Tree {
    /// The value as an ordered tree, through its serde serialisation.
    pub fn of<T: serde::Serialize>(value: &T) -> Tree {
        serde_json::to_string(value)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Tree::Null)
    }

    /// Whether TOML can hold the value exactly (no null, integers within 64 signed bits).
    fn toml_safe(&self) -> bool {
        match self {
            Tree::Null => false,
            Tree::Bool(_) | Tree::Str(_) => true,
            Tree::Num(n) => n.is_f64() || n.is_i64(),
            Tree::Arr(items) => items.iter().all(Tree::toml_safe),
            Tree::Obj(entries) => entries.iter().all(|(_, v)| v.toml_safe()),
        }
    }

    fn is_table(&self) -> bool {
        matches!(self, Tree::Obj(_))
    }

    fn is_table_array(&self) -> bool {
        matches!(self, Tree::Arr(items) if !items.is_empty() && items.iter().all(Tree::is_table))
    }

    fn to_json(&self) -> Value {
        match self {
            Tree::Null => Value::Null,
            Tree::Bool(b) => Value::Bool(*b),
            Tree::Num(n) => Value::Number(n.clone()),
            Tree::Str(s) => Value::String(s.clone()),
            Tree::Arr(items) => Value::Array(items.iter().map(Tree::to_json).collect()),
            Tree::Obj(entries) => {
                Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }
}

/// Writes TOML documents.
pub struct TomlWriter<'a> {
    /// Keys (at the top level) whose values are free JSON.
    pub free: &'a [&'a str],
}

impl TomlWriter<'_> {
    /// The TOML text of an object's entries (nulls are left out), ending with a newline.
    pub fn document(&self, entries: &[(String, Tree)]) -> String {
        let mut out = String::new();
        let mut tables: Vec<(String, &Tree)> = Vec::new();
        for (key, value) in entries {
            if matches!(value, Tree::Null) {
                continue;
            }
            if self.free.contains(&key.as_str()) {
                match value {
                    Tree::Obj(_) => tables.push((key.clone(), value)),
                    _ => {
                        let json = value.to_json().to_string();
                        line(&mut out, &format!("{key}-json"), &Tree::Str(json));
                    }
                }
                continue;
            }
            if value.is_table() || value.is_table_array() {
                tables.push((key.clone(), value));
            } else {
                line(&mut out, key, value);
            }
        }
        for (key, value) in tables {
            if self.free.contains(&key.as_str()) {
                free_table(&mut out, &key, value);
            } else {
                table(&mut out, &key_text(&key), value);
            }
        }
        out
    }
}

/// `[path]` or `[[path]]` sections of a nested value.
fn table(out: &mut String, path: &str, value: &Tree) {
    match value {
        Tree::Obj(entries) => {
            out.push_str(&format!("[{path}]\n"));
            body(out, path, entries);
        }
        Tree::Arr(items) => {
            for item in items {
                if let Tree::Obj(entries) = item {
                    out.push_str(&format!("[[{path}]]\n"));
                    body(out, path, entries);
                }
            }
        }
        _ => {}
    }
}

fn body(out: &mut String, path: &str, entries: &[(String, Tree)]) {
    let mut nested = Vec::new();
    for (key, value) in entries {
        if matches!(value, Tree::Null) {
            continue;
        }
        if value.is_table() || value.is_table_array() {
            nested.push((key, value));
        } else {
            line(out, key, value);
        }
    }
    for (key, value) in nested {
        table(out, &format!("{path}.{}", key_text(key)), value);
    }
}

/// A free-JSON object: TOML-safe entries under `[key]`, the others as JSON text under
/// `[key-json]`.
fn free_table(out: &mut String, key: &str, value: &Tree) {
    let Tree::Obj(entries) = value else { return };
    out.push_str(&format!("[{}]\n", key_text(key)));
    let mut unsafe_entries = Vec::new();
    for (k, v) in entries {
        if v.toml_safe() {
            line(out, k, v);
        } else {
            unsafe_entries.push((k, v));
        }
    }
    if !unsafe_entries.is_empty() {
        out.push_str(&format!("[{}]\n", key_text(&format!("{key}-json"))));
        for (k, v) in unsafe_entries {
            line(out, k, &Tree::Str(v.to_json().to_string()));
        }
    }
}

/// One `key = value` line (a multi-line string or a non-empty array of scalars takes several).
fn line(out: &mut String, key: &str, value: &Tree) {
    out.push_str(&key_text(key));
    out.push_str(" = ");
    match value {
        Tree::Str(s) if s.contains('\n') => multiline_string(out, s),
        Tree::Arr(items)
            if !items.is_empty() && items.iter().all(|i| !matches!(i, Tree::Arr(_) | Tree::Obj(_))) =>
        {
            out.push_str("[\n");
            for item in items {
                out.push_str("  ");
                out.push_str(&inline(item));
                out.push_str(",\n");
            }
            out.push(']');
        }
        _ => out.push_str(&inline(value)),
    }
    out.push('\n');
}

/// A value on one line.
fn inline(value: &Tree) -> String {
    match value {
        Tree::Null => "\"\"".to_owned(),
        Tree::Bool(b) => b.to_string(),
        Tree::Num(n) => number(n),
        Tree::Str(s) => basic_string(s),
        Tree::Arr(items) => format!("[{}]", items.iter().map(inline).collect::<Vec<_>>().join(", ")),
        Tree::Obj(entries) if entries.is_empty() => "{}".to_owned(),
        Tree::Obj(entries) => format!(
            "{{ {} }}",
            entries
                .iter()
                .map(|(k, v)| format!("{} = {}", key_text(k), inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A JSON number as TOML: integers as they are, floats as JSON writes them (`1.0`, `1e300`),
/// which TOML reads as the same float.
fn number(n: &Number) -> String {
    n.to_string()
}

/// A key: bare when it can be, else a quoted string.
fn key_text(key: &str) -> String {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        key.to_owned()
    } else {
        basic_string(key)
    }
}

fn escape_char(out: &mut String, c: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\u{:04X}", c as u32)),
        c => out.push(c),
    }
}

/// A one-line basic string.
fn basic_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' {
            out.push_str("\\\"");
        } else {
            escape_char(&mut out, c);
        }
    }
    out.push('"');
    out
}

/// A multi-line basic string: one line of text per line of file, so editing one line of prose
/// changes one line of the file. Quotes are escaped only where three could meet, and a line
/// starting with `+++` (the front-matter delimiter) starts with an escaped `+`.
fn multiline_string(out: &mut String, s: &str) {
    out.push_str("\"\"\"\n");
    let chars: Vec<char> = s.chars().collect();
    let mut at_line_start = true;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push('\t'),
            '"' if chars.get(i + 1).is_none_or(|&n| n == '"') => out.push_str("\\\""),
            '"' => out.push('"'),
            '+' if at_line_start && chars[i..].starts_with(&['+', '+', '+']) => out.push_str("\\u002B"),
            c => escape_char(out, c),
        }
        at_line_start = c == '\n';
    }
    out.push_str("\"\"\"");
}

/// A TOML value read back as JSON. Datetimes and non-finite floats have no JSON form.
pub fn toml_to_json(value: toml::Value) -> Result<Value, String> {
    Ok(match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Number(i.into()),
        toml::Value::Float(f) => {
            Value::Number(Number::from_f64(f).ok_or_else(|| format!("{f} is not a finite number"))?)
        }
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => {
            return Err(format!("{d} is a TOML date; write dates and times as quoted strings"));
        }
        toml::Value::Array(items) => {
            Value::Array(items.into_iter().map(toml_to_json).collect::<Result<_, _>>()?)
        }
        toml::Value::Table(table) => Value::Object(table_to_json(table)?),
    })
}

/// A TOML table read back as a JSON object.
pub fn table_to_json(table: toml::Table) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for (k, v) in table {
        let v = toml_to_json(v).map_err(|e| format!("{k}: {e}"))?;
        out.insert(k, v);
    }
    Ok(out)
}

/// Restores the free-JSON keys of an object read from TOML: `KEY-json` strings (a whole value)
/// and `[KEY-json]` tables (entries written as JSON text) join `KEY`.
pub fn restore_free(object: &mut Map<String, Value>, key: &str) -> Result<(), String> {
    let json_key = format!("{key}-json");
    let Some(extra) = object.remove(&json_key) else { return Ok(()) };
    let parse = |text: &Value, name: &str| -> Result<Value, String> {
        let text = text.as_str().ok_or_else(|| format!("{name} must be a string of JSON text"))?;
        serde_json::from_str(text).map_err(|e| format!("{name}: not JSON ({e})"))
    };
    match extra {
        Value::Object(entries) => {
            let target = object.entry(key.to_owned()).or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(target) = target else {
                return Err(format!("{key} must be a table when [{json_key}] is present"));
            };
            for (k, v) in entries {
                let v = parse(&v, &format!("{json_key}.{k}"))?;
                if target.insert(k.clone(), v).is_some() {
                    return Err(format!("{k} is given both in [{key}] and in [{json_key}]"));
                }
            }
        }
        text => {
            if object.contains_key(key) {
                return Err(format!("{key} and {json_key} are both given"));
            }
            object.insert(key.to_owned(), parse(&text, &json_key)?);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(entries: Vec<(String, Tree)>, free: &[&str]) -> Map<String, Value> {
        let text = TomlWriter { free }.document(&entries);
        let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let mut object = table_to_json(table).unwrap_or_default();
        for key in free {
            restore_free(&mut object, key).unwrap_or_else(|e| panic!("{e}"));
        }
        object
    }

    #[test]
    fn strings_and_numbers_come_back_exactly() {
        let tricky = "a \"\"\" b\n+++\nline \\ with\ttab\r\n\u{1} end\"";
        let floats = [0.1 + 0.2, 1e300, -0.0, 1.0, 5e-324, 123456.789];
        let mut entries = vec![("s".to_owned(), Tree::Str(tricky.to_owned()))];
        for (i, f) in floats.iter().enumerate() {
            entries.push((format!("f{i}"), Tree::Num(Number::from_f64(*f).unwrap_or(0.into()))));
        }
        let object = round_trip(entries, &[]);
        assert_eq!(object["s"], tricky);
        for (i, f) in floats.iter().enumerate() {
            assert_eq!(object[&format!("f{i}")].as_f64().map(f64::to_bits), Some(f.to_bits()));
        }
    }

    #[test]
    fn free_json_that_toml_cannot_hold_is_kept_as_json() {
        let value: Value =
            serde_json::json!({"a": null, "b": [1, "x", {"c": 2}], "big": u64::MAX, "k y": true});
        let tree: Tree = serde_json::from_value(value.clone()).unwrap_or(Tree::Null);
        let object = round_trip(vec![("extra".into(), tree)], &["extra"]);
        assert_eq!(object["extra"], value);
        let tree = Tree::Arr(vec![Tree::Null]);
        let object = round_trip(vec![("extra".into(), tree)], &["extra"]);
        assert_eq!(object["extra"], serde_json::json!([null]));
    }
}
