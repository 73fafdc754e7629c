//! The canonical JSON format: its committed JSON Schema, and that the schema describes what
//! the code writes.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_json_schema_matches_the_rust_types() {
    let schema = trellis::json::schema();
    let path = repo().join("schema/trellis.schema.json");
    if std::env::var_os("TRELLIS_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &schema).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        schema, committed,
        "schema/trellis.schema.json drifted from the model; re-bless with TRELLIS_BLESS=1"
    );
}

#[test]
fn examples_and_generated_documents_conform_to_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&trellis::json::schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut docs: Vec<(String, serde_json::Value)> = Vec::new();
    for entry in std::fs::read_dir(repo().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            docs.push((
                path.display().to_string(),
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap(),
            ));
        }
    }
    for seed in 0..20 {
        let text = trellis::json::to_string(&trellis::generate::random(seed));
        docs.push((format!("generated {seed}"), serde_json::from_str(&text).unwrap()));
    }
    for (name, value) in &docs {
        let errors: Vec<String> =
            validator.iter_errors(value).map(|e| format!("{} at {}", e, e.instance_path())).take(3).collect();
        assert!(errors.is_empty(), "{name} does not conform: {errors:?}");
    }
    // And the schema rejects what the parser rejects.
    let mut bad = docs[0].1.clone();
    bad["nodes"][0]["kind"] = serde_json::json!(42);
    assert!(!validator.is_valid(&bad), "a number where a string belongs must fail the schema");
}

#[test]
fn saving_the_same_document_twice_gives_identical_bytes() {
    let doc = trellis::generate::random(99);
    let mut shuffled = doc.clone();
    // Group objectives and activities by node id instead of outline order; order within a node
    // (which is meaningful) is kept by the stable sort.
    shuffled.objectives.sort_by_key(|o| std::cmp::Reverse(o.node));
    shuffled.activities.sort_by_key(|a| std::cmp::Reverse(a.node));
    assert_eq!(
        trellis::json::to_string(&doc),
        trellis::json::to_string(&shuffled),
        "order is canonical, not incidental"
    );
}
