//! Field specifications: the data that lets the desktop app draw a form without code per
//! template or per export format (`SchemaForm.svelte` renders any `Vec<FieldSpec>`).
//!
//! This module only declares the shapes and checks a value against them. It renders nothing.

use serde::{Deserialize, Serialize};

/// What every field has.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldBase {
    /// Key under which the value is stored (`essentialQuestions`).
    pub name: String,
    /// Label shown to the designer.
    pub label: String,
    /// Help text shown under the field.
    #[serde(default)]
    pub help: String,
    /// Whether the template's checks expect a value.
    #[serde(default)]
    pub required: bool,
    /// Value a new node starts with.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub default: Option<serde_json::Value>,
}

/// One choice of a select field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SelectOption {
    /// Stored value.
    pub value: String,
    /// Shown label.
    pub label: String,
}

/// A form field, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum FieldSpec {
    /// One line of plain text.
    Text {
        /// Common attributes.
        #[serde(flatten)]
        base: FieldBase,
        /// Example shown in an empty field.
        #[serde(default)]
        placeholder: String,
    },
    /// Markdown text.
    Markdown {
        /// Common attributes.
        #[serde(flatten)]
        base: FieldBase,
    },
    /// An ordered list of short texts (essential questions, established goals).
    List {
        /// Common attributes.
        #[serde(flatten)]
        base: FieldBase,
        /// What one item is called ("Essential question").
        #[serde(default)]
        item_label: String,
    },
    /// One value from a fixed list.
    Select {
        /// Common attributes.
        #[serde(flatten)]
        base: FieldBase,
        /// The choices.
        options: Vec<SelectOption>,
    },
    /// Several values from a fixed list.
    Multiselect {
        /// Common attributes.
        #[serde(flatten)]
        base: FieldBase,
        /// The choices.
        options: Vec<SelectOption>,
    },
    /// A revised-Bloom level.
    BloomLevel {
        /// Common attributes.
        #[serde(flatten)]
        base: FieldBase,
    },
    /// A number.
    Number {
        /// Common attributes.
        #[serde(flatten)]
        base: FieldBase,
        /// Smallest accepted value.
        #[serde(default)]
        min: Option<f64>,
        /// Largest accepted value.
        #[serde(default)]
        max: Option<f64>,
        /// Unit shown after the field ("%", "h").
        #[serde(default)]
        unit: String,
    },
    /// A duration in minutes.
    Duration {
        /// Common attributes.
        #[serde(flatten)]
        base: FieldBase,
    },
    /// On or off.
    Toggle {
        /// Common attributes.
        #[serde(flatten)]
        base: FieldBase,
    },
}

impl FieldSpec {
    /// The common attributes.
    pub fn base(&self) -> &FieldBase {
        match self {
            FieldSpec::Text { base, .. }
            | FieldSpec::Markdown { base }
            | FieldSpec::List { base, .. }
            | FieldSpec::Select { base, .. }
            | FieldSpec::Multiselect { base, .. }
            | FieldSpec::BloomLevel { base }
            | FieldSpec::Number { base, .. }
            | FieldSpec::Duration { base }
            | FieldSpec::Toggle { base } => base,
        }
    }

    /// The field's key.
    pub fn name(&self) -> &str {
        &self.base().name
    }

    /// The type tag as serialised (`bloomLevel`).
    pub fn type_name(&self) -> &'static str {
        match self {
            FieldSpec::Text { .. } => "text",
            FieldSpec::Markdown { .. } => "markdown",
            FieldSpec::List { .. } => "list",
            FieldSpec::Select { .. } => "select",
            FieldSpec::Multiselect { .. } => "multiselect",
            FieldSpec::BloomLevel { .. } => "bloomLevel",
            FieldSpec::Number { .. } => "number",
            FieldSpec::Duration { .. } => "duration",
            FieldSpec::Toggle { .. } => "toggle",
        }
    }

    /// Why `value` does not fit this field, or `None` when it does.
    pub fn mismatch(&self, value: &serde_json::Value) -> Option<String> {
        use serde_json::Value;
        let ok = match (self, value) {
            (_, Value::Null) => true,
            (FieldSpec::Text { .. } | FieldSpec::Markdown { .. }, Value::String(_)) => true,
            (FieldSpec::List { .. }, Value::Array(items)) => items.iter().all(Value::is_string),
            (FieldSpec::Select { options, .. }, Value::String(s)) => options.iter().any(|o| &o.value == s),
            (FieldSpec::Multiselect { options, .. }, Value::Array(items)) => {
                items.iter().all(|v| v.as_str().is_some_and(|s| options.iter().any(|o| o.value == s)))
            }
            (FieldSpec::BloomLevel { .. }, Value::String(s)) => crate::model::BloomLevel::parse(s).is_some(),
            (FieldSpec::Number { min, max, .. }, Value::Number(n)) => {
                n.as_f64().is_some_and(|x| min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m))
            }
            (FieldSpec::Duration { .. }, Value::Number(n)) => n.as_u64().is_some(),
            (FieldSpec::Toggle { .. }, Value::Bool(_)) => true,
            _ => false,
        };
        (!ok).then(|| format!("{} is not a valid {} value for \"{}\"", value, self.type_name(), self.name()))
    }

    /// Whether a stored value counts as filled in.
    pub fn is_filled(value: Option<&serde_json::Value>) -> bool {
        match value {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::String(s)) => !s.trim().is_empty(),
            Some(serde_json::Value::Array(a)) => {
                a.iter().any(|v| v.as_str().is_none_or(|s| !s.trim().is_empty()))
            }
            Some(_) => true,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn field_specs_are_tagged_by_type_with_flattened_base() {
        let spec: FieldSpec = serde_json::from_value(serde_json::json!({
            "type": "bloomLevel", "name": "level", "label": "Level", "required": true
        }))
        .unwrap();
        assert_eq!(spec.type_name(), "bloomLevel");
        assert!(spec.base().required);
        let back = serde_json::to_value(&spec).unwrap();
        assert_eq!(back["type"], "bloomLevel");
        assert_eq!(back["name"], "level");
        assert!(spec.mismatch(&serde_json::json!("analyse")).is_none());
        assert!(spec.mismatch(&serde_json::json!("think")).is_some());
    }
}
