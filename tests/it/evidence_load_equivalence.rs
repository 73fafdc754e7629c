//! Reading the evidence in two halves at once (`evidence::store::load_with`, what
//! `Evidence::load` does from 200,000 results on) gives exactly what one plain scan of the
//! tables gives: a reference reader written here (every column of every row, in rowid order,
//! parsed one row at a time as the first version of the store did) is compared with the library's
//! single and parallel reads — the learners, every result, and the mastery report and analysis
//! computed from them — on a generated evidence set with several sources, cohorts, sections,
//! responses and a removed cohort (gaps in the rowids), for every cohort and for one, on a
//! writable and on a read-only store; and on evidence read from the real xAPI samples.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use trellis::evidence::analysis::{self, Options as AnalysisOptions};
use trellis::evidence::import::{self, Options, Source};
use trellis::evidence::store::{PARALLEL_LOADS, cohorts, load_with, remove_cohort, summaries};
use trellis::evidence::{Evidence, Learner, ResultRow, TargetKind, mastery};
use trellis::model::Document;
use trellis::store::Store;

fn design() -> Document {
    trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap()
}

fn opts(cohort: &str) -> Options {
    Options { cohort: Some(cohort.into()), ..Options::default() }
}

/// The learners and results of the stored evidence (of `cohort`, or all), read row by row.
fn reference(store: &Store, cohort: Option<&str>) -> (Vec<Learner>, Vec<ResultRow>) {
    let conn = store.connection();
    let keep = |c: &str| cohort.is_none_or(|want| want == c);
    let mut learners = Vec::new();
    let mut index: HashMap<(String, String), u32> = HashMap::new();
    let mut stmt = conn
        .prepare("SELECT cohort, pseudonym, name, section FROM evidence_learners ORDER BY cohort, pseudonym")
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        let l = Learner {
            cohort: row.get(0).unwrap(),
            pseudonym: row.get(1).unwrap(),
            name: row.get(2).unwrap(),
            section: row.get(3).unwrap(),
        };
        if keep(&l.cohort) {
            index.insert((l.cohort.clone(), l.pseudonym.clone()), learners.len() as u32);
            learners.push(l);
        }
    }
    let mut results = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT cohort, source, learner, target_kind, target_id, score, points_possible, at, attempt, source_row, response
             FROM evidence_results ORDER BY rowid",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        let cohort: String = row.get(0).unwrap();
        if !keep(&cohort) {
            continue;
        }
        let source: String = row.get(1).unwrap();
        let learner: String = row.get(2).unwrap();
        let kind: String = row.get(3).unwrap();
        let target: String = row.get(4).unwrap();
        results.push(ResultRow {
            learner: index[&(cohort, learner)],
            source: Source::parse(&source).unwrap(),
            target_kind: TargetKind::parse(&kind).unwrap(),
            target_id: uuid::Uuid::parse_str(&target).unwrap(),
            score: row.get(5).unwrap(),
            points_possible: row.get(6).unwrap(),
            at: row.get(7).unwrap(),
            attempt: row.get(8).unwrap(),
            source_row: row.get(9).unwrap(),
            response: row.get(10).unwrap(),
        });
    }
    (learners, results)
}

/// Single and parallel reads equal the reference, and so do mastery and the analysis over them.
fn check(store: &Store, doc: &Document, cohort: Option<&str>) {
    let (learners, results) = reference(store, cohort);
    assert!(!results.is_empty(), "{cohort:?}: the set holds results");
    let single = load_with(store.connection(), store.path(), cohort, u64::MAX).unwrap();
    let split_before = PARALLEL_LOADS.load(Ordering::SeqCst);
    let parallel = load_with(store.connection(), store.path(), cohort, 1).unwrap();
    assert!(PARALLEL_LOADS.load(Ordering::SeqCst) > split_before, "{cohort:?}: the halves were read at once");
    let default = Evidence::load(store, cohort).unwrap();
    for (name, e) in [("single", &single), ("parallel", &parallel), ("default", &default)] {
        assert_eq!(e.learners, learners, "{cohort:?} {name}: learners");
        assert_eq!(e.results.len(), results.len(), "{cohort:?} {name}: count");
        assert!(e.results == results, "{cohort:?} {name}: results differ");
    }
    assert_eq!(parallel, single, "{cohort:?}: the whole evidence");
    if cohort.is_none() {
        // The cohorts' counts taken from the evidence are the store's own.
        assert_eq!(summaries(&default), cohorts(store.connection()).unwrap(), "cohort counts");
    }
    let plain = Evidence { learners, results, ..single.clone() };
    let expected = mastery::compute(doc, &plain);
    assert!(!expected.learners.is_empty());
    let report = mastery::compute(doc, &parallel);
    assert_eq!(report, expected, "{cohort:?}: mastery");
    assert_eq!(
        analysis::analyse(doc, &parallel, &report, AnalysisOptions::default()),
        analysis::analyse(doc, &plain, &expected, AnalysisOptions::default()),
        "{cohort:?}: analysis"
    );
}

/// A plain CSV of `learners` × every objective (some twice, some without points possible or
/// date, sections by learner) and every choice item of the first assessment with a response.
fn generated_csv(doc: &Document, learners: usize, salt: usize) -> String {
    let mut out =
        String::from("learner,objective,score,points_possible,date,attempt,section,response,name\n");
    for l in 0..learners {
        let section = ["A", "B", ""][l % 3];
        for (o, objective) in doc.objectives.iter().enumerate() {
            for attempt in 0..1 + (l + o + salt) % 2 {
                let score = (l * 7 + o * 13 + attempt + salt) % 5;
                let pp = if (l + o) % 4 == 0 { String::new() } else { "4".into() };
                let date = if (l + attempt) % 5 == 0 {
                    String::new()
                } else {
                    format!("2024-03-{:02}", 1 + (l + o) % 28)
                };
                out.push_str(&format!(
                    "lms-{l},{},{score},{pp},{date},{},{section},,Learner {l}\n",
                    objective.id.0,
                    attempt + 1
                ));
            }
        }
        for item in &doc.assessments[0].items {
            let choices: Vec<String> = match &item.body {
                trellis::model::ItemBody::MultipleChoice { choices, .. } => {
                    choices.iter().map(|c| c.id.0.simple().to_string()).collect()
                }
                _ => continue,
            };
            let pick = &choices[(l + salt) % choices.len()];
            out.push_str(&format!(
                "lms-{l},i{},{},1,2024-04-01,1,{section},i{pick},Learner {l}\n",
                item.id.0.simple(),
                (l + salt) % 2
            ));
        }
    }
    out
}

#[test]
fn reading_in_two_halves_gives_the_evidence_one_scan_gives() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let path = dir.path().join("doc.trellis");
    let mut store = Store::create(&path, &doc).unwrap();
    for (k, cohort) in ["Fall", "Gone", "Spring", "Summer"].iter().enumerate() {
        let csv = dir.path().join(format!("{cohort}.csv"));
        std::fs::write(&csv, generated_csv(&doc, 30 + 7 * k, k)).unwrap();
        let options = Options { keep_names: *cohort == "Spring", ..opts(cohort) };
        let report = import::import(&mut store, &doc, Source::Csv, &csv, &options).unwrap();
        assert!(report.added > 0);
    }
    // xAPI statements of the same learners on objectives and items, with responses.
    let mut lines = Vec::new();
    for l in 0..20 {
        let o = &doc.objectives[l % doc.objectives.len()];
        lines.push(serde_json::json!({
            "id": format!("6a1d0c2e-0000-4000-8000-{l:012}"),
            "actor": {"account": {"homePage": "https://lms.example", "name": format!("lms-{l}")}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
            "object": {"id": format!("urn:trellis:objective:{}", o.id.0)},
            "result": {"score": {"scaled": (l % 5) as f64 / 4.0}, "response": "free text"},
            "timestamp": format!("2024-05-{:02}T10:00:00Z", 1 + l % 28),
        }));
    }
    let jsonl = dir.path().join("statements.jsonl");
    std::fs::write(&jsonl, lines.iter().map(|l| l.to_string() + "\n").collect::<String>()).unwrap();
    assert_eq!(import::import(&mut store, &doc, Source::Xapi, &jsonl, &opts("Fall")).unwrap().added, 20);
    // A removed cohort leaves a gap in the rowids, inside the range the halves split.
    store.apply_with("Remove cohort Gone", |tx| remove_cohort(tx, "Gone")).unwrap();
    let doc = store.load().unwrap();
    let counted = cohorts(store.connection()).unwrap();
    assert!(counted.iter().any(|c| c.named > 0) && counted.iter().any(|c| c.named == 0), "{counted:?}");
    check(&store, &doc, None);
    check(&store, &doc, Some("Fall"));
    check(&store, &doc, Some("Summer"));
    drop(store);
    let read_only = Store::open_read_only(&path).unwrap();
    check(&read_only, &doc, None);
    check(&read_only, &doc, Some("Spring"));
}

#[test]
#[ignore = "needs ../shared"]
fn the_real_xapi_samples_read_in_two_halves_give_the_same_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let mut store = Store::create(&dir.path().join("doc.trellis"), &doc).unwrap();
    // Every statement of the samples that has an actor, pointed at an objective or an item of
    // the design (by its position), keeping its actor, timestamp, result and response.
    let mut statements = Vec::new();
    let folders = ["lrs_conformance_templates/statements", "spec_examples"];
    for folder in folders {
        let folder = super::support::samples_dir("xapi").join(folder);
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let values = match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Array(a)) => a,
                Ok(v @ serde_json::Value::Object(_)) => vec![v],
                _ => continue,
            };
            for mut s in values {
                if s.get("actor").is_none() || !s.is_object() {
                    continue;
                }
                let n = statements.len();
                let items = &doc.assessments[0].items;
                let object = if n % 3 == 2 {
                    format!("https://lms.example/au/item/{}", items[n % items.len()].id.0)
                } else {
                    format!("urn:trellis:objective:{}", doc.objectives[n % doc.objectives.len()].id.0)
                };
                s["id"] = serde_json::json!(format!("7b2e1d3f-0000-4000-8000-{n:012}"));
                s["object"] = serde_json::json!({ "id": object });
                if s.pointer("/result/score/scaled").and_then(serde_json::Value::as_f64).is_none() {
                    s["result"]["score"] = serde_json::json!({ "scaled": (n % 4) as f64 / 4.0 });
                }
                s.as_object_mut().unwrap().remove("context");
                statements.push(s);
            }
        }
    }
    assert!(statements.len() > 10, "the samples hold statements");
    let file = dir.path().join("samples.json");
    std::fs::write(&file, serde_json::Value::Array(statements).to_string()).unwrap();
    let report = import::import(&mut store, &doc, Source::Xapi, &file, &opts("Samples")).unwrap();
    assert!(report.added > 10, "{report:?}");
    let doc = store.load().unwrap();
    check(&store, &doc, None);
}

/// The design opens without reading the evidence: a damaged page of the results table does not
/// stop the design from opening and loading (the open checks the design's tables only), and
/// reading the evidence then refuses the file.
#[test]
fn the_design_opens_without_reading_the_evidence_and_damaged_evidence_is_refused_when_read() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let path = dir.path().join("doc.trellis");
    let mut store = Store::create(&path, &doc).unwrap();
    let csv = dir.path().join("results.csv");
    std::fs::write(&csv, generated_csv(&doc, 40, 0)).unwrap();
    assert!(import::import(&mut store, &doc, Source::Csv, &csv, &opts("Fall")).unwrap().added > 100);
    let root: i64 = store
        .connection()
        .query_row("SELECT rootpage FROM sqlite_master WHERE name = 'evidence_results'", [], |r| r.get(0))
        .unwrap();
    let page_size: i64 = store.connection().query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    let loaded = store.load().unwrap();
    drop(store);
    // Overwrite the results table's root page after its header with bytes no B-tree page holds.
    let mut bytes = std::fs::read(&path).unwrap();
    let start = ((root - 1) * page_size) as usize;
    for b in &mut bytes[start + 8..start + page_size as usize] {
        *b = 0xff;
    }
    std::fs::write(&path, &bytes).unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.load().unwrap(), loaded, "the design is read as it was");
    let err = Evidence::load(&store, None).unwrap_err();
    assert!(err.to_string().contains("malformed") || err.to_string().contains("corrupt"), "{err}");
}
