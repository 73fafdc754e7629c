//! What other LMSs read from our packages and imports: the QTI 1.2 answer key as importers that
//! stop at the first `continue="No"` condition read it (Open edX's cc2olx, Moodle), the same QTI
//! played by an engine that evaluates every condition (Canvas), protocol-relative links dropped
//! from every export, and the hierarchy of OpenSALT spreadsheets inferred from hierarchy codes.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use trellis::export::{ExportFormat, LmsProfile, MemWriter, ident, ident_with};
use trellis::import::csv;
use trellis::model::*;

use crate::export_cc::{examples, export, fixture_document};

/// A parsed XML element (enough of QTI for these checks).
#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn parse(xml: &str) -> El {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack = vec![El::default()];
        let attrs = |e: &quick_xml::events::BytesStart<'_>| {
            e.attributes()
                .map(|a| {
                    let a = a.unwrap();
                    let value = a
                        .value
                        .to_string()
                        .replace("&quot;", "\"")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&apos;", "'")
                        .replace("&amp;", "&");
                    (a.key.local_name().as_ref().to_owned(), value)
                })
                .collect()
        };
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) => stack.push(El {
                    name: e.local_name().as_ref().to_owned(),
                    attrs: attrs(&e),
                    ..El::default()
                }),
                Event::Empty(e) => stack.last_mut().unwrap().children.push(El {
                    name: e.local_name().as_ref().to_owned(),
                    attrs: attrs(&e),
                    ..El::default()
                }),
                Event::End(_) => {
                    let done = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(done);
                }
                Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
                Event::CData(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    let name = r.xml10_content().into_owned();
                    let resolved = resolve_predefined_entity(&name).map(str::to_owned).unwrap_or_else(|| {
                        let code = name.trim_start_matches('#');
                        let n = match code.strip_prefix('x') {
                            Some(hex) => u32::from_str_radix(hex, 16).unwrap(),
                            None => code.parse().unwrap(),
                        };
                        char::from_u32(n).unwrap().to_string()
                    });
                    stack.last_mut().unwrap().text.push_str(&resolved);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        stack.pop().unwrap()
    }

    fn all<'a>(&'a self, name: &str, out: &mut Vec<&'a El>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.all(name, out);
        }
    }

    fn find_all(&self, name: &str) -> Vec<&El> {
        let mut out = Vec::new();
        self.all(name, &mut out);
        out
    }

    fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// One `respcondition`, as importers and engines see it.
struct Condition<'a> {
    el: &'a El,
    /// QTI's default for `continue` is "No".
    stops: bool,
}

impl Condition<'_> {
    fn var(&self) -> &El {
        self.el.child("conditionvar").unwrap()
    }

    /// The score it sets or adds, when positive.
    fn score(&self) -> Option<f64> {
        self.el.kids("setvar").map(|s| s.text.trim().parse::<f64>().unwrap()).find(|v| *v > 0.0)
    }

    fn sets_score(&self) -> bool {
        self.el.kids("setvar").next().is_some()
    }

    fn unconditional(&self) -> bool {
        self.var().child("other").is_some()
    }

    /// Values the condition requires (`varequal` outside any `not`).
    fn required(&self) -> BTreeSet<String> {
        fn walk(el: &El, out: &mut BTreeSet<String>) {
            for c in &el.children {
                match c.name.as_str() {
                    "varequal" => {
                        out.insert(c.text.trim().to_owned());
                    }
                    "not" => {}
                    _ => walk(c, out),
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(self.var(), &mut out);
        out
    }

    /// What cc2olx's `_mark_correct_responses` takes as correct from this condition: the
    /// `varequal` children of `conditionvar`, else those of its `and` / `or` children.
    fn cc2olx_marks(&self) -> Vec<String> {
        let direct: Vec<String> = self.var().kids("varequal").map(|v| v.text.trim().to_owned()).collect();
        if !direct.is_empty() {
            return direct;
        }
        let mut out = Vec::new();
        for group in ["and", "or"] {
            for g in self.var().kids(group) {
                out.extend(g.kids("varequal").map(|v| v.text.trim().to_owned()));
            }
        }
        out
    }

    /// QTI evaluation of the condition for a set of selected idents of `response1`.
    fn matches(&self, selected: &BTreeSet<String>) -> bool {
        fn eval(el: &El, selected: &BTreeSet<String>) -> bool {
            match el.name.as_str() {
                "varequal" => selected.contains(el.text.trim()),
                "not" => !el.children.iter().all(|c| eval(c, selected)),
                "and" | "conditionvar" => el.children.iter().all(|c| eval(c, selected)),
                "or" => el.children.iter().any(|c| eval(c, selected)),
                "other" => true,
                other => panic!("unexpected condition element {other}"),
            }
        }
        eval(self.var(), selected)
    }
}

fn conditions(item: &El) -> Vec<Condition<'_>> {
    item.child("resprocessing")
        .map(|r| {
            r.kids("respcondition")
                .map(|el| Condition { el, stops: el.attrs.get("continue").is_none_or(|c| c != "Yes") })
                .collect()
        })
        .unwrap_or_default()
}

/// The choice idents of every item of a document and whether each is correct (true/false items
/// included: their two choices are derived from the item id).
fn answer_key(doc: &Document) -> BTreeMap<String, bool> {
    let mut key = BTreeMap::new();
    for a in &doc.assessments {
        for item in &a.items {
            match &item.body {
                ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } => {
                    for c in choices {
                        key.insert(ident(c.id.0), c.correct);
                    }
                }
                ItemBody::TrueFalse { answer } => {
                    key.insert(ident_with(item.id.0, "true"), *answer);
                    key.insert(ident_with(item.id.0, "false"), !*answer);
                }
                _ => {}
            }
        }
    }
    key
}

/// The fixture document with feedback on every choice, right or wrong: the case in which
/// feedback conditions and the scoring condition compete for first place.
fn feedback_everywhere() -> Document {
    let mut doc = fixture_document();
    for a in &mut doc.assessments {
        for item in &mut a.items {
            if let ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } =
                &mut item.body
            {
                for (n, c) in choices.iter_mut().enumerate() {
                    c.feedback = format!("Feedback for choice {n}.");
                }
            }
        }
    }
    doc.validate().unwrap();
    doc
}

fn qti_files(mem: &MemWriter) -> Vec<(String, El)> {
    mem.paths()
        .iter()
        .filter(|p| p.ends_with(".xml") || p.ends_with(".qti"))
        .filter_map(|p| {
            let text = mem.text(p)?;
            text.contains("<questestinterop").then(|| (p.clone(), El::parse(text)))
        })
        .collect()
}

fn documents() -> Vec<(String, Document)> {
    let mut docs = vec![("fixture with choice feedback".to_owned(), feedback_everywhere())];
    docs.extend(examples());
    docs
}

const PACKAGES: [(ExportFormat, LmsProfile); 3] = [
    (ExportFormat::Cc13, LmsProfile::Generic),
    (ExportFormat::Cc11, LmsProfile::Generic),
    (ExportFormat::Cc13, LmsProfile::Canvas),
];

#[test]
fn qti_scoring_conditions_come_before_feedback_for_every_item_type() {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (name, doc) in documents() {
        let key = answer_key(&doc);
        for (format, profile) in PACKAGES {
            let (mem, _) = export(&doc, format, profile);
            for (path, qti) in qti_files(&mem) {
                for item in qti.find_all("item") {
                    let label = format!("{name} {format} {profile} {path} item {}", item.attrs["ident"]);
                    let conds = conditions(item);
                    let first_score = conds.iter().position(|c| c.score().is_some());
                    // Essays have no scoring condition; then there is nothing to come first.
                    let before = &conds[..first_score.unwrap_or(0)];
                    for c in before {
                        assert!(
                            !c.unconditional(),
                            "{label}: an unconditional condition comes before scoring"
                        );
                        assert!(
                            !c.sets_score(),
                            "{label}: a condition before the scoring one sets the score"
                        );
                    }
                    let labels: Vec<String> = item
                        .find_all("response_lid")
                        .iter()
                        .filter(|r| r.attrs["ident"] == "response1")
                        .flat_map(|r| r.find_all("response_label"))
                        .map(|l| l.attrs["ident"].clone())
                        .collect();
                    let profile_field = item
                        .find_all("qtimetadatafield")
                        .into_iter()
                        .find(|f| {
                            f.child("fieldlabel")
                                .is_some_and(|l| l.text == "cc_profile" || l.text == "question_type")
                        })
                        .and_then(|f| f.child("fieldentry"))
                        .map(|e| e.text.clone())
                        .unwrap_or_default();
                    seen.insert(profile_field.clone());
                    if labels.is_empty() {
                        continue;
                    }
                    let correct: BTreeSet<String> =
                        labels.iter().filter(|l| key.get(*l).copied().unwrap()).cloned().collect();
                    assert!(!correct.is_empty(), "{label}: no correct choice in the model");
                    let scoring =
                        &conds[first_score.unwrap_or_else(|| panic!("{label}: nothing sets a score"))];
                    assert_eq!(scoring.required(), correct, "{label}: the first scoring condition");
                    // The cc2olx reading: every varequal up to the first stopping condition.
                    let mut marked = BTreeSet::new();
                    for c in &conds {
                        marked.extend(c.cc2olx_marks());
                        if c.stops {
                            break;
                        }
                    }
                    assert_eq!(marked, correct, "{label}: the key a first-match importer reads");
                }
            }
        }
    }
    for kind in [
        "cc.multiple_choice.v0p1",
        "cc.multiple_response.v0p1",
        "cc.true_false.v0p1",
        "cc.fib.v0p1",
        "cc.essay.v0p1",
        "multiple_choice_question",
        "multiple_answers_question",
        "true_false_question",
        "short_answer_question",
        "numerical_question",
        "essay_question",
        "matching_question",
    ] {
        assert!(seen.contains(kind), "no {kind} item was checked (saw {seen:?})");
    }
}

/// Plays every possible response of every choice item through QTI's evaluation (conditions in
/// order, stopping after a matching `continue="No"` one, `other` always true, as Canvas reads
/// it) and compares the score and the feedback shown with what the model asks for.
#[test]
fn qti_choice_items_score_and_give_feedback_as_the_model_says() {
    let doc = feedback_everywhere();
    let mut played = 0;
    for (format, profile) in PACKAGES {
        let (mem, _) = export(&doc, format, profile);
        let qti: Vec<(String, El)> = qti_files(&mem);
        for a in &doc.assessments {
            for item in &a.items {
                let (choices, multiple): (Vec<(String, bool, bool)>, bool) = match &item.body {
                    ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } => (
                        choices.iter().map(|c| (ident(c.id.0), c.correct, !c.feedback.is_empty())).collect(),
                        matches!(item.body, ItemBody::MultipleResponse { .. }),
                    ),
                    ItemBody::TrueFalse { answer } => (
                        vec![
                            (ident_with(item.id.0, "true"), *answer, false),
                            (ident_with(item.id.0, "false"), !*answer, false),
                        ],
                        false,
                    ),
                    _ => continue,
                };
                let want_ident = ident(item.id.0);
                let Some(el) =
                    qti.iter().flat_map(|(_, q)| q.find_all("item")).find(|i| i.attrs["ident"] == want_ident)
                else {
                    continue;
                };
                let feedback_ids: BTreeSet<String> =
                    el.kids("itemfeedback").map(|f| f.attrs["ident"].clone()).collect();
                let responses: Vec<BTreeSet<String>> = if multiple {
                    (0u32..1 << choices.len())
                        .map(|mask| {
                            (0..choices.len())
                                .filter(|i| mask & (1 << i) != 0)
                                .map(|i| choices[i].0.clone())
                                .collect()
                        })
                        .collect()
                } else {
                    choices.iter().map(|c| BTreeSet::from([c.0.clone()])).collect()
                };
                for selected in responses {
                    let mut score = 0.0;
                    let mut shown = BTreeSet::new();
                    for c in conditions(el) {
                        if !c.matches(&selected) {
                            continue;
                        }
                        for s in c.el.kids("setvar") {
                            let v: f64 = s.text.trim().parse().unwrap();
                            if s.attrs["action"] == "Set" {
                                score = v;
                            } else {
                                score += v;
                            }
                        }
                        shown.extend(c.el.kids("displayfeedback").map(|d| d.attrs["linkrefid"].clone()));
                        if c.stops {
                            break;
                        }
                    }
                    let right = choices.iter().all(|(id, correct, _)| selected.contains(id) == *correct);
                    let mut want: BTreeSet<String> = choices
                        .iter()
                        .filter(|(id, _, fb)| *fb && selected.contains(id))
                        .map(|(id, _, _)| format!("{id}_fb"))
                        .collect();
                    let general = if right { "correct_fb" } else { "general_incorrect_fb" };
                    if feedback_ids.contains(general) {
                        want.insert(general.to_owned());
                    }
                    let label = format!("{format} {profile} item {want_ident} response {selected:?}");
                    assert_eq!(score, if right { 100.0 } else { 0.0 }, "{label}: score");
                    assert_eq!(shown, want, "{label}: feedback shown");
                    played += 1;
                }
            }
        }
    }
    assert!(played > 20, "only {played} responses were played");
}

/// The same check on the packages the shipped examples give, through the offline validator when
/// `../shared` is there (the reordered conditions stay valid packages).
#[test]
#[ignore = "needs ../shared"]
fn reordered_qti_packages_of_the_examples_pass_the_package_validator() {
    let dir = tempfile::tempdir().unwrap();
    let mut packages = Vec::new();
    for (name, doc) in documents() {
        for (format, profile) in PACKAGES {
            let (mem, _) = export(&doc, format, profile);
            let path = dir.path().join(format!("{}-{format}-{profile}.imscc", name.replace(' ', "-")));
            std::fs::write(&path, mem.to_zip().unwrap()).unwrap();
            packages.push(path);
        }
    }
    super::support::assert_validate_package(&packages);
}

// ---- protocol-relative links ----

const REMOTE: [&str; 3] =
    ["[a](//evil.example/x)", "![i](//evil.example/i.png)", "<a href=\"//evil.example\">raw</a>"];

#[test]
fn protocol_relative_links_are_dropped_in_the_preview() {
    for source in REMOTE {
        let html = trellis::markdown::render(source);
        assert!(!html.contains("evil.example"), "{source} rendered as {html}");
        let html = trellis::markdown::render_inline(source);
        assert!(!html.contains("evil.example"), "{source} rendered inline as {html}");
    }
    // The link text and the image's alternative text stay.
    let html = trellis::markdown::render(REMOTE[0]);
    assert!(html.contains(">a</a>"), "{html}");
    let html = trellis::markdown::render(REMOTE[1]);
    assert!(html.contains("alt=\"i\""), "{html}");
}

#[test]
fn protocol_relative_links_reach_no_export() {
    let mut doc = fixture_document();
    let hostile = REMOTE.join("\n\n");
    doc.curriculum.description = hostile.clone();
    for node in &mut doc.nodes {
        node.summary = format!("{}\n\n{hostile}", node.summary);
    }
    for a in &mut doc.assessments {
        a.instructions = format!("{}\n\n{hostile}", a.instructions);
        for item in &mut a.items {
            item.stem = format!("{}\n\n{hostile}", item.stem);
            if let ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } =
                &mut item.body
            {
                for c in choices {
                    c.feedback = hostile.clone();
                }
            }
        }
    }
    doc.validate().unwrap();
    for format in [
        ExportFormat::Cc13,
        ExportFormat::Cc11,
        ExportFormat::Scorm12,
        ExportFormat::Scorm2004,
        ExportFormat::Cmi5,
    ] {
        for profile in [LmsProfile::Generic, LmsProfile::Canvas, LmsProfile::Moodle] {
            let (mem, _) = export(&doc, format, profile);
            for path in mem.paths() {
                let Some(text) = mem.text(path) else { continue };
                let decoded = text
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&");
                for attr in ["href=\"//", "src=\"//", "href='//", "src='//"] {
                    assert!(!decoded.contains(attr), "{format} {profile}: {path} keeps a {attr}… reference");
                }
                assert!(
                    !decoded.contains("//evil.example"),
                    "{format} {profile}: {path} names //evil.example"
                );
            }
        }
    }
}

// ---- CSV hierarchy ----

fn codes_and_parents(import: &trellis::import::FrameworkImport) -> BTreeMap<String, String> {
    let by_id: BTreeMap<StandardItemId, &str> =
        import.items.iter().map(|i| (i.id, i.code.as_str())).collect();
    import
        .items
        .iter()
        .map(|i| (i.code.clone(), i.parent.map(|p| by_id[&p].to_owned()).unwrap_or_default()))
        .collect()
}

#[test]
fn opensalt_rows_without_a_parent_go_under_the_row_their_code_names() {
    // One explicit parent in the file used to switch inference off for every other row.
    let csv_text = "CFItemType,fullStatement,humanCodingScheme,parent\n\
                    Domain,Numbers,1,\n\
                    Cluster,Fractions,1.2,\n\
                    Standard,Add fractions,1.2.3,\n\
                    Standard,Compare fractions,1.2.4,\n\
                    Standard,Explicitly elsewhere,1.2.5,2\n\
                    Domain,Geometry,2,\n\
                    Standard,Orphan under a missing cluster,2.7.1,\n\
                    Standard,Orphan without any ancestor,9.1,\n";
    let import = csv::parse(csv_text.as_bytes(), "numbers.csv", None).unwrap();
    let parents = codes_and_parents(&import);
    assert_eq!(parents["1"], "");
    assert_eq!(parents["1.2"], "1");
    assert_eq!(parents["1.2.3"], "1.2");
    assert_eq!(parents["1.2.4"], "1.2");
    assert_eq!(parents["1.2.5"], "2", "the explicit parent column wins");
    assert_eq!(parents["2.7.1"], "2", "nearest ancestor code in the file");
    assert_eq!(parents["9.1"], "");
    let inferred = import.findings.iter().find(|f| f.code == "import-csv-inferred-hierarchy").unwrap();
    assert!(inferred.message.contains("4 item(s)"), "{}", inferred.message);
    let missing = import.findings.iter().find(|f| f.code == "import-csv-implied-parent-missing").unwrap();
    assert_eq!(missing.severity, trellis::Severity::Info);
    assert!(missing.message.contains("2 item(s)"), "{}", missing.message);
    assert!(
        missing.message.contains("line 8: `2.7.1` implies `2.7`, placed under `2`"),
        "{}",
        missing.message
    );
    assert!(
        missing.message.contains("line 9: `9.1` implies `9`, placed at the top level"),
        "{}",
        missing.message
    );
    assert!(missing.target.path.contains("numbers.csv"));
    // Parents before children, so the document's tree order holds.
    let pos: BTreeMap<&str, usize> =
        import.items.iter().enumerate().map(|(n, i)| (i.code.as_str(), n)).collect();
    assert!(pos["1"] < pos["1.2"] && pos["1.2"] < pos["1.2.3"]);
}

#[test]
fn opensalt_smart_level_codes_give_the_hierarchy() {
    let csv_text = "fullStatement,smartLevel,Human Coding Scheme\n\
                    Reading,1,RL\n\
                    Key ideas,1.1,RL.KI\n\
                    Cite evidence,1.1.1,RL.1\n\
                    Writing,2,W\n\
                    Argue,2.1,W.1\n";
    let import = csv::parse(csv_text.as_bytes(), "ela.csv", None).unwrap();
    let parents = codes_and_parents(&import);
    assert_eq!(parents["RL.KI"], "RL");
    assert_eq!(parents["RL.1"], "RL.KI");
    assert_eq!(parents["W.1"], "W");
    assert_eq!(parents["RL"], "");
    assert!(import.findings.iter().all(|f| f.code != "import-csv-implied-parent-missing"));
    let inferred = import.findings.iter().find(|f| f.code == "import-csv-inferred-hierarchy").unwrap();
    assert!(inferred.message.contains("smartLevel"), "{}", inferred.message);
    // smartLevel has no model column: it stays in extra.
    assert_eq!(import.items[0].extra["smartLevel"], "1");
}

#[test]
fn a_flat_file_without_hierarchy_codes_stays_flat_and_quiet() {
    let csv_text = "fullStatement,Human Coding Scheme\nOne,A\nTwo,B\nThree,\n";
    let import = csv::parse(csv_text.as_bytes(), "flat.csv", None).unwrap();
    assert!(import.items.iter().all(|i| i.parent.is_none()));
    assert!(import.findings.is_empty(), "{:?}", import.findings);
}

#[test]
#[ignore = "needs ../shared"]
fn opensalt_samples_report_implied_parents_that_the_file_lacks() {
    let shared = super::support::shared_dir();
    let dir = shared.join("samples/csv");
    // 99 CCSS standards (`L.1.4`, `RI.3.7`, …) whose clusters are not rows of the file.
    let import = csv::parse_path(&dir.join("opensalt_test_items.csv"), None).unwrap();
    assert_eq!(import.items.len(), 99);
    let missing = import.findings.iter().find(|f| f.code == "import-csv-implied-parent-missing").unwrap();
    assert!(missing.message.starts_with("99 item(s)"), "{}", missing.message);
    assert!(
        missing.message.contains("`L.1.4` implies `L.1`, placed at the top level"),
        "{}",
        missing.message
    );
    // Explicit `Is Child Of` parents are kept as they are.
    let import = csv::parse_path(&dir.join("opensalt_sample_case.csv"), None).unwrap();
    let parents = codes_and_parents(&import);
    assert_eq!(parents["M.F"], "M");
    // Codes only: A.B.C under A.B, A.B.C.L under A.B.C.
    let import = csv::parse_path(&dir.join("opensalt_children_assoc.csv"), None).unwrap();
    let parents = codes_and_parents(&import);
    assert_eq!(parents["A.B.C"], "A.B");
    assert_eq!(parents["A.B.C.L"], "A.B.C");
    assert_eq!(parents["A.B"], "");
    let missing = import.findings.iter().find(|f| f.code == "import-csv-implied-parent-missing").unwrap();
    assert!(missing.message.contains("`A.B` implies `A`"), "{}", missing.message);
}
