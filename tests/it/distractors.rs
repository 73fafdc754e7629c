//! Distractor analysis: the learner's response to a quiz item is kept when the source gives it
//! (xAPI `result.response` as Trellis's cmi5 lessons send it, the plain CSV's `response`
//! column), stored with the result (schema version 8), and the item analysis counts per option
//! the share of learners who chose it, in the upper and lower 27 % by total score; findings
//! `E9` (a distractor nobody chose) and `E10` (a distractor the upper group chose more than the
//! key); `trellis evidence analyse` prints the options.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use trellis::evidence::Evidence;
use trellis::evidence::analysis::{self, ItemStats, OptionStats};
use trellis::evidence::import::{self, Options, Source};
use trellis::model::{Assessment, Document, ItemBody};
use trellis::store::Store;

fn design() -> Document {
    trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap()
}

fn check_in(doc: &Document) -> &Assessment {
    doc.assessments.iter().find(|a| a.title == "Check-in: study design").unwrap()
}

fn ident(id: uuid::Uuid) -> String {
    format!("i{}", id.simple())
}

fn choice_ids(body: &ItemBody) -> Vec<uuid::Uuid> {
    match body {
        ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } => {
            choices.iter().map(|c| c.id.0).collect()
        }
        _ => Vec::new(),
    }
}

fn statement(n: usize, learner: usize, item: uuid::Uuid, scaled: f64, response: &str) -> String {
    serde_json::json!({
        "id": format!("7b2e0c2e-0000-4000-8000-{n:012}"),
        "actor": {"account": {"homePage": "https://lms.example", "name": format!("learner-{learner}")}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": format!("https://lms.example/au/1/item/{}", ident(item))},
        "result": {"score": {"scaled": scaled}, "response": response},
        "timestamp": "2025-03-01T10:00:00Z",
    })
    .to_string()
}

/// Ten learners answer the check-in (multiple choice keyed A, multiple response keyed A and B,
/// true/false keyed false). Learners 0–2 (the upper group) choose B on the multiple-choice item
/// and get the other two right; 3–6 choose the key A and get the others wrong; 7–9 (the lower
/// group) choose C and get the others wrong. Nobody chooses D. The multiple-choice responses are
/// the `i<hex>` identifiers the cmi5 runtime sends, the others letters and `true`/`false`.
fn statements(doc: &Document) -> String {
    let asm = check_in(doc);
    let (mc, mr, tf) = (&asm.items[0], &asm.items[1], &asm.items[2]);
    let c = choice_ids(&mc.body);
    let mut lines = Vec::new();
    for l in 0..10 {
        let (mc_choice, right) = match l {
            0..=2 => (c[1], true),
            3..=6 => (c[0], false),
            _ => (c[2], false),
        };
        let mc_score = if mc_choice == c[0] { 1.0 } else { 0.0 };
        lines.push(statement(lines.len(), l, mc.id.0, mc_score, &ident(mc_choice)));
        let (mr_response, mr_score) = if right { ("A[,]B", 1.0) } else { ("C", 0.0) };
        lines.push(statement(lines.len(), l, mr.id.0, mr_score, mr_response));
        let (tf_response, tf_score) = if right { ("false", 1.0) } else { ("true", 0.0) };
        lines.push(statement(lines.len(), l, tf.id.0, tf_score, tf_response));
    }
    lines.join("\n") + "\n"
}

fn imported(dir: &Path, doc: &Document, text: &str) -> Store {
    let path = dir.join("doc.trellis");
    let mut store = Store::create(&path, doc).unwrap();
    let src = dir.join("statements.jsonl");
    std::fs::write(&src, text).unwrap();
    let opts = Options { cohort: Some("Spring".into()), ..Options::default() };
    let report = import::import(&mut store, doc, Source::Xapi, &src, &opts).unwrap();
    assert_eq!(report.added, 30, "{}", report.to_text());
    store
}

fn item_stats<'a>(a: &'a analysis::ItemAnalysis, doc: &Document) -> &'a [ItemStats] {
    let asm = check_in(doc);
    &a.assessments.iter().find(|s| s.id == asm.id.0).unwrap().items
}

fn option<'a>(s: &'a ItemStats, label: &str) -> &'a OptionStats {
    s.options.iter().find(|o| o.label == label).unwrap()
}

#[test]
fn responses_are_stored_with_the_results_and_reimporting_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let text = statements(&doc);
    let mut store = imported(dir.path(), &doc, &text);
    let evidence = Evidence::load(&store, None).unwrap();
    let mc = check_in(&doc).items[0].id.0;
    let responses: Vec<&str> =
        evidence.results.iter().filter(|r| r.target_id == mc).filter_map(|r| r.response.as_deref()).collect();
    assert_eq!(responses.len(), 10);
    assert!(responses.iter().all(|r| r.starts_with('i') && r.len() == 33), "{responses:?}");
    // The same statements again: nothing changes; a changed response replaces the result.
    let src = dir.path().join("statements.jsonl");
    let opts = Options { cohort: Some("Spring".into()), ..Options::default() };
    let again = import::import(&mut store, &doc, Source::Xapi, &src, &opts).unwrap();
    assert_eq!((again.added, again.updated, again.already), (0, 0, 30));
    let c = choice_ids(&check_in(&doc).items[0].body);
    let changed = text.replacen(&ident(c[1]), &ident(c[3]), 1);
    std::fs::write(&src, changed).unwrap();
    let third = import::import(&mut store, &doc, Source::Xapi, &src, &opts).unwrap();
    assert_eq!((third.added, third.updated, third.already), (0, 1, 29));
    // Undo brings the earlier response back.
    store.undo().unwrap();
    let evidence = Evidence::load(&store, None).unwrap();
    assert!(!evidence.results.iter().any(|r| r.response.as_deref() == Some(ident(c[3]).as_str())));
}

#[test]
fn each_option_is_counted_overall_and_in_the_upper_and_lower_groups() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let store = imported(dir.path(), &doc, &statements(&doc));
    let evidence = Evidence::load(&store, None).unwrap();
    let a = analysis::item_analysis(&doc, &evidence);
    assert!(a.responses_known);
    let items = item_stats(&a, &doc);
    let mc = &items[0];
    assert_eq!(mc.responses, 10);
    assert_eq!(mc.options.iter().map(|o| o.label.as_str()).collect::<Vec<_>>(), ["A", "B", "C", "D"]);
    let (key, b, c, d) = (option(mc, "A"), option(mc, "B"), option(mc, "C"), option(mc, "D"));
    assert!(key.key && !b.key && !c.key && !d.key);
    assert_eq!((key.chosen, b.chosen, c.chosen, d.chosen), (4, 3, 3, 0));
    assert!((key.share - 0.4).abs() < 1e-9 && (b.share - 0.3).abs() < 1e-9);
    // Upper and lower groups: ceil(27 % of 10) = 3 learners each, by total on the check-in.
    assert_eq!((b.upper, b.lower), (Some(1.0), Some(0.0)));
    assert_eq!((c.upper, c.lower), (Some(0.0), Some(1.0)));
    assert_eq!((key.upper, key.lower), (Some(0.0), Some(0.0)));
    assert_eq!(d.upper, Some(0.0));
    // Multiple response: each chosen option counts; true/false has two options.
    let mr = &items[1];
    let counts: Vec<u32> = mr.options.iter().map(|o| o.chosen).collect();
    assert_eq!(counts, [3, 3, 7, 0]);
    let tf = &items[2];
    assert_eq!(
        tf.options.iter().map(|o| (o.label.as_str(), o.key, o.chosen)).collect::<Vec<_>>(),
        [("True", false, 7), ("False", true, 3)]
    );
}

#[test]
fn a_distractor_nobody_chose_and_one_the_upper_group_preferred_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let store = imported(dir.path(), &doc, &statements(&doc));
    let evidence = Evidence::load(&store, None).unwrap();
    let report = trellis::evidence::mastery::compute(&doc, &evidence);
    let a = analysis::analyse(&doc, &evidence, &report, analysis::Options::default());
    let findings = analysis::findings(&doc, &a);
    let codes = |code: &str| {
        findings.iter().filter(|f| f.code == code).map(|f| f.message.clone()).collect::<Vec<_>>()
    };
    let e9 = codes("E9-distractor-never-chosen");
    assert_eq!(e9.len(), 2, "{e9:?}");
    assert!(e9.iter().any(|m| m.contains("option D of item 1")), "{e9:?}");
    assert!(e9.iter().any(|m| m.contains("option D of item 2")), "{e9:?}");
    let e10 = codes("E10-distractor-attracts-upper-group");
    assert_eq!(e10.len(), 1, "{e10:?}");
    assert!(
        e10[0].contains("Option B of item 1") && e10[0].contains("100 %") && e10[0].contains("(0 %)"),
        "{e10:?}"
    );
    // Without responses there are no options and no such findings.
    let plain: String = statements(&doc)
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["result"].as_object_mut().unwrap().remove("response");
            v.to_string() + "\n"
        })
        .collect();
    let dir2 = tempfile::tempdir().unwrap();
    let store = imported(dir2.path(), &doc, &plain);
    let evidence = Evidence::load(&store, None).unwrap();
    let report = trellis::evidence::mastery::compute(&doc, &evidence);
    let a = analysis::analyse(&doc, &evidence, &report, analysis::Options::default());
    assert!(!a.items.responses_known);
    assert!(item_stats(&a.items, &doc).iter().all(|s| s.options.is_empty() && s.responses == 0));
    assert!(
        !analysis::findings(&doc, &a).iter().any(|f| f.code.starts_with("E9") || f.code.starts_with("E10"))
    );
}

#[test]
fn the_plain_csv_takes_an_item_and_a_response_column() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let asm = check_in(&doc);
    let mc = &asm.items[0];
    let mut csv = String::from("learner,objective,score,response\n");
    for (l, response) in ["A", "b", "A scarce choice", "an observational study"].iter().enumerate() {
        let score = if l == 1 { 0 } else { 1 };
        csv.push_str(&format!("s-{l},{},{score},{response}\n", ident(mc.id.0)));
    }
    let path = dir.path().join("doc.trellis");
    let mut store = Store::create(&path, &doc).unwrap();
    let src = dir.path().join("results.csv");
    std::fs::write(&src, csv).unwrap();
    let report = import::import(&mut store, &doc, Source::Csv, &src, &Options::default()).unwrap();
    assert_eq!(report.added, 4, "{}", report.to_text());
    let evidence = Evidence::load(&store, None).unwrap();
    let a = analysis::item_analysis(&doc, &evidence);
    let s = &item_stats(&a, &doc)[0];
    // A letter (either case) or the choice's text names an option; "A scarce choice" names none.
    assert_eq!(s.responses, 3);
    assert_eq!(s.options.iter().map(|o| o.chosen).collect::<Vec<_>>(), [2, 1, 0, 0]);
    assert_eq!((option(s, "A").upper, option(s, "A").lower), (Some(1.0), Some(0.0)));
}

#[test]
fn cli_analyse_prints_the_options_of_each_item() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let store = imported(dir.path(), &doc, &statements(&doc));
    drop(store);
    let out = Command::new(env!("CARGO_BIN_EXE_trellis"))
        .args(["evidence", "analyse"])
        .arg(dir.path().join("doc.trellis"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("upper / lower 27 %"), "{text}");
    assert!(
        text.contains("*A      40 % (4 of 10)  upper   0 %  lower   0 %  An observational study"),
        "{text}"
    );
    assert!(text.contains(" B      30 % (3 of 10)  upper 100 %  lower   0 %"), "{text}");
}
