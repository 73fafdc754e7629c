//! Mastery pathways and spaced review: the model fields round-trip through the store, the
//! canonical JSON, the folder format and the three-way merge; a deleted objective leaves the
//! pathways that named it; the SCORM 2004 sequencing they turn into validates against the
//! schemas; the checks and the review planner (`P…` findings, `analysis::spaced`).
//! How the sequencing *plays* is tested in `tests/runtime/pathways.test.js`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use trellis::export::{ExportFormat, ExportOptions, MemWriter, export_document};
use trellis::model::{Document, ObjectiveId, Pathway, PathwayRole, ReviewPlan};
use trellis::store::{EditOp, Store};

use super::support::root;
use super::support::trellis_cli as trellis;

/// The pathways fixture: lesson L1 with a scored quiz, remediation L1R and enrichment L1E for
/// its objective, then lesson L2; an optional video of L1 is a remediation activity; a review
/// plan with a start date.
fn fixture() -> Document {
    trellis::json::read(&root().join("tests/runtime/fixtures/pathways.json")).unwrap()
}

fn node_by_code<'a>(doc: &'a Document, code: &str) -> &'a trellis::model::Node {
    doc.nodes.iter().find(|n| n.code == code).unwrap()
}

fn objective_by_code(doc: &Document, code: &str) -> ObjectiveId {
    doc.objectives.iter().find(|o| o.code == code).unwrap().id
}

#[test]
fn pathways_and_the_review_plan_round_trip_through_store_json_and_folder() {
    let doc = fixture();
    assert!(node_by_code(&doc, "L1R").pathway.is_some());
    assert!(doc.activities.iter().any(|a| a.pathway.is_some()));
    assert!(doc.curriculum.review_plan.is_some());
    let text = trellis::json::to_string(&doc);

    // Canonical JSON.
    let back = trellis::json::from_str(&text, "pathways.json").unwrap();
    assert_eq!(back, doc);

    // Store.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.trellis");
    drop(Store::create(&path, &doc).unwrap());
    let loaded = Store::open(&path).unwrap().load().unwrap();
    assert_eq!(trellis::json::to_string(&loaded), text);

    // Folder format.
    let folder = dir.path().join("folder");
    trellis::folder::write(&doc, &folder).unwrap();
    let read = trellis::folder::read(&folder).unwrap();
    assert_eq!(trellis::json::to_string(&read), text);
}

#[test]
fn documents_without_pathways_keep_their_bytes() {
    let path = root().join("examples/intro-statistics.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = trellis::json::from_str(&text, "intro-statistics.json").unwrap();
    let out = trellis::json::to_string(&doc);
    assert!(!out.contains("\"pathway\"") && !out.contains("\"reviewPlan\""));
    assert_eq!(out.trim_end(), text.trim_end());
}

#[test]
fn edits_set_and_clear_pathways_and_undo_restores_them() {
    let doc = fixture();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.trellis");
    let mut store = Store::create(&path, &doc).unwrap();
    let l2 = node_by_code(&doc, "L2").clone();
    let o = objective_by_code(&doc, "L1.1");
    let mut changed = l2.clone();
    changed.pathway = Some(Pathway { role: PathwayRole::Enrichment, objectives: vec![o] });
    store.apply(EditOp::UpdateNode { node: changed.clone() }).unwrap();
    let mut curriculum = doc.curriculum.clone();
    curriculum.review_plan = Some(ReviewPlan { intervals_days: vec![2, 5, 9], ..ReviewPlan::default() });
    store.apply(EditOp::UpdateCurriculum { curriculum: curriculum.clone() }).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(node_by_code(&loaded, "L2").pathway, changed.pathway);
    assert_eq!(loaded.curriculum.review_plan, curriculum.review_plan);
    store.undo().unwrap();
    store.undo().unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(node_by_code(&loaded, "L2").pathway, None);
    assert_eq!(loaded.curriculum.review_plan, doc.curriculum.review_plan);
}

#[test]
fn an_edit_naming_an_unknown_pathway_objective_is_refused() {
    let doc = fixture();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("p.trellis"), &doc).unwrap();
    let mut node = node_by_code(&doc, "L2").clone();
    let ghost = ObjectiveId::new();
    node.pathway = Some(Pathway { role: PathwayRole::Remediation, objectives: vec![ghost] });
    let err = store.apply(EditOp::UpdateNode { node }).unwrap_err().to_string();
    assert!(err.contains(&ghost.to_string()), "{err}");
    assert_eq!(trellis::json::to_string(&store.load().unwrap()), trellis::json::to_string(&doc));
}

#[test]
fn deleting_an_objective_drops_it_from_pathways_and_undo_brings_it_back() {
    let doc = fixture();
    let o = objective_by_code(&doc, "L1.1");
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("p.trellis"), &doc).unwrap();
    store.apply(EditOp::DeleteObjective { id: o }).unwrap();
    let loaded = store.load().unwrap();
    loaded.validate().unwrap();
    let remediation = node_by_code(&loaded, "L1R").pathway.clone().unwrap();
    assert_eq!(remediation.role, PathwayRole::Remediation);
    assert!(remediation.objectives.is_empty());
    assert!(loaded.activities.iter().filter_map(|a| a.pathway.as_ref()).all(|p| p.objectives.is_empty()));
    store.undo().unwrap();
    assert_eq!(trellis::json::to_string(&store.load().unwrap()), trellis::json::to_string(&doc));
}

#[test]
fn the_merge_keeps_a_pathway_from_one_side_and_a_review_plan_from_the_other() {
    let base = fixture();
    let mut ours = base.clone();
    let mut theirs = base.clone();
    let o = objective_by_code(&base, "L1.1");
    let at = ours.nodes.iter().position(|n| n.code == "L2").unwrap();
    ours.nodes[at].pathway = Some(Pathway { role: PathwayRole::Enrichment, objectives: vec![o] });
    theirs.curriculum.review_plan =
        Some(ReviewPlan { intervals_days: vec![1, 2, 4, 8], ..ReviewPlan::default() });
    let merged = trellis::merge::merge(&base, &ours, &theirs).unwrap();
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    assert_eq!(merged.document.nodes[at].pathway, ours.nodes[at].pathway);
    assert_eq!(merged.document.curriculum.review_plan, theirs.curriculum.review_plan);

    // One side deletes the objective the other side's new pathway names: the reference goes.
    let mut theirs = base.clone();
    theirs.objectives.retain(|x| x.id != o);
    for a in &mut theirs.activities {
        a.objectives.retain(|x| *x != o);
    }
    for a in &mut theirs.assessments {
        a.objectives.retain(|x| *x != o);
        for i in &mut a.items {
            i.objectives.retain(|x| *x != o);
        }
    }
    for n in &mut theirs.nodes {
        if let Some(p) = &mut n.pathway {
            p.objectives.retain(|x| *x != o);
        }
    }
    for a in &mut theirs.activities {
        if let Some(p) = &mut a.pathway {
            p.objectives.retain(|x| *x != o);
        }
    }
    theirs.validate().unwrap();
    let merged = trellis::merge::merge(&base, &ours, &theirs).unwrap();
    merged.document.validate().unwrap();
    assert_eq!(merged.document.nodes[at].pathway.as_ref().map(|p| p.objectives.len()), Some(0));
    assert!(merged.findings.iter().any(|f| f.code == "M1-merge-dangling-reference"));
}

#[test]
fn a_review_plan_with_bad_intervals_is_invalid() {
    let mut doc = fixture();
    doc.curriculum.review_plan = Some(ReviewPlan { intervals_days: vec![7, 3], ..ReviewPlan::default() });
    let problems = doc.validate().unwrap_err();
    assert!(problems.iter().any(|p| p.problem.contains("increase")), "{problems:?}");
}

fn scorm2004_manifest(doc: &Document) -> String {
    let options = ExportOptions::for_document(doc);
    let mut mem = MemWriter::new();
    export_document(doc, ExportFormat::Scorm2004, &options, &mut mem, &mut |_| {}).unwrap();
    mem.text("imsmanifest.xml").unwrap().to_owned()
}

/// The `<item>` element of a node's SCO, as text.
fn item_xml<'a>(manifest: &'a str, doc: &Document, code: &str) -> &'a str {
    let ident = format!("i{}_sco", node_by_code(doc, code).id.0.simple());
    let at = manifest.find(&format!("<item identifier=\"{ident}\"")).unwrap();
    let end = manifest[at..].find("</item>").unwrap();
    &manifest[at..at + end]
}

#[test]
fn scorm2004_pathway_lessons_get_skip_and_hide_rules_and_no_rollup() {
    let doc = fixture();
    let manifest = scorm2004_manifest(&doc);
    let o = objective_by_code(&doc, "L1.1").to_string();

    let remediation = item_xml(&manifest, &doc, "L1R");
    assert!(remediation.contains("<imsss:ruleConditions conditionCombination=\"all\">"));
    assert!(remediation.contains(&format!("referencedObjective=\"{o}\" condition=\"satisfied\"")));
    assert!(remediation.contains("action=\"skip\"") && remediation.contains("action=\"hiddenFromChoice\""));
    assert!(remediation.contains("rollupObjectiveSatisfied=\"false\" rollupProgressCompletion=\"false\""));
    assert!(remediation.contains(&format!("targetObjectiveID=\"urn:trellis:objective:{o}\"")));

    let enrichment = item_xml(&manifest, &doc, "L1E");
    assert!(
        enrichment.contains(&format!("referencedObjective=\"{o}\" operator=\"not\" condition=\"satisfied\""))
    );
    assert!(enrichment.contains("rollupObjectiveSatisfied=\"false\""));

    // The main path is unchanged.
    let main = item_xml(&manifest, &doc, "L1");
    assert!(!main.contains("sequencingRules"));
    assert!(main.contains("rollupObjectiveSatisfied=\"true\""));

    // A pathway whose objectives are not aligned to the lesson reads them through an objective
    // of its own.
    let mut doc = doc;
    let at = doc.nodes.iter().position(|n| n.code == "L2").unwrap();
    doc.nodes[at].pathway =
        Some(Pathway { role: PathwayRole::Enrichment, objectives: vec![objective_by_code(&doc, "L1.1")] });
    let manifest = scorm2004_manifest(&doc);
    let l2 = item_xml(&manifest, &doc, "L2");
    assert!(l2.contains("objectiveID=\"pathway-i"), "{l2}");
    assert!(l2.contains(
        "readSatisfiedStatus=\"true\" readNormalizedMeasure=\"false\" writeSatisfiedStatus=\"false\""
    ));
    assert!(xmllint_scorm2004(&manifest).is_empty());
}

/// xmllint (offline) with the SCORM 2004 schemas under tests/schemas; the failures.
fn xmllint_scorm2004(xml: &str) -> Vec<String> {
    super::export_scorm::xmllint(ExportFormat::Scorm2004, xml)
}

#[test]
fn scorm2004_pathway_manifest_validates_against_the_schemas() {
    let manifest = scorm2004_manifest(&fixture());
    assert_eq!(xmllint_scorm2004(&manifest), Vec::<String>::new());
}

#[test]
#[ignore = "needs ../shared"]
fn validate_package_passes_on_the_pathway_packages() {
    let doc = fixture();
    let dir = tempfile::tempdir().unwrap();
    let mut packages = Vec::new();
    for format in [ExportFormat::Scorm2004, ExportFormat::Scorm12, ExportFormat::Cmi5] {
        let path = dir.path().join(format!("pathways-{format}.zip"));
        let options = ExportOptions::for_document(&doc);
        let mut mem = MemWriter::new();
        export_document(&doc, format, &options, &mut mem, &mut |_| {}).unwrap();
        std::fs::write(&path, mem.to_zip().unwrap()).unwrap();
        packages.push(path);
    }
    super::support::assert_validate_package(&packages);
}

fn codes(doc: &Document) -> Vec<(String, String)> {
    let catalog = trellis::pedagogy::templates::Catalog::builtin();
    trellis::analysis::check(doc, catalog)
        .into_iter()
        .filter(|f| f.code.starts_with('P'))
        .map(|f| (f.code, f.target.path))
        .collect()
}

#[test]
fn a_remediation_that_only_shows_a_video_for_an_apply_objective_is_flagged() {
    let mut doc = fixture();
    let found = codes(&doc);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "P1-remediation-level-mismatch");
    assert!(found[0].1.ends_with("Optional: mean in pictures"), "{found:?}");
    // The same route as a practice activity practises at the objective's level.
    let video = doc.activities.iter_mut().find(|a| a.pathway.is_some()).unwrap();
    video.kind = trellis::model::ActivityKind::Practice;
    assert_eq!(codes(&doc), Vec::new());
}

#[test]
fn remediations_that_send_learners_round_in_a_loop_are_errors() {
    let mut doc = fixture();
    let o1 = objective_by_code(&doc, "L1.1");
    let ob = objective_by_code(&doc, "L2.1");
    // L1R remediates L1.1 and gets a quiz on L1.1: failing it sends the learner back to L1R.
    let l1r = node_by_code(&doc, "L1R").id;
    let mut quiz = doc.assessments.iter().find(|a| a.objectives == [o1]).unwrap().clone();
    quiz.id = trellis::model::AssessmentId::new();
    quiz.node = l1r;
    for i in &mut quiz.items {
        i.id = trellis::model::ItemId::new();
    }
    doc.assessments.push(quiz.clone());
    doc.normalize();
    doc.validate().unwrap();
    assert!(codes(&doc).iter().any(|(c, p)| c == "P2-pathway-loop" && p.ends_with("The mean, step by step")));

    // Two remediations, each assessing what the other remediates.
    let mut doc = fixture();
    let at = doc.nodes.iter().position(|n| n.code == "L1E").unwrap();
    doc.nodes[at].pathway = Some(Pathway { role: PathwayRole::Remediation, objectives: vec![ob] });
    let l1e = doc.nodes[at].id;
    let mut a = quiz.clone();
    a.id = trellis::model::AssessmentId::new();
    a.node = l1r;
    a.objectives = vec![ob];
    for i in &mut a.items {
        i.id = trellis::model::ItemId::new();
        i.objectives = vec![ob];
    }
    let mut b = quiz;
    b.id = trellis::model::AssessmentId::new();
    b.node = l1e;
    for i in &mut b.items {
        i.id = trellis::model::ItemId::new();
    }
    doc.assessments.extend([a, b]);
    doc.normalize();
    doc.validate().unwrap();
    let found = codes(&doc);
    let loops: Vec<_> = found.iter().filter(|(c, _)| c == "P2-pathway-loop").collect();
    assert_eq!(loops.len(), 1, "{found:?}");
}

#[test]
fn a_pathway_whose_objective_nothing_measures_before_it_is_flagged() {
    let mut doc = fixture();
    let ob = objective_by_code(&doc, "L2.1");
    // The enrichment now depends on the median, which is only assessed in the lesson after it.
    let at = doc.nodes.iter().position(|n| n.code == "L1E").unwrap();
    doc.nodes[at].pathway = Some(Pathway { role: PathwayRole::Enrichment, objectives: vec![ob] });
    let found = codes(&doc);
    assert!(
        found.iter().any(|(c, p)| c == "P4-pathway-objective-unassessed" && p.ends_with("Weighted means")),
        "{found:?}"
    );
    // Without objectives the pathway is plain content.
    doc.nodes[at].pathway = Some(Pathway { role: PathwayRole::Enrichment, objectives: Vec::new() });
    assert!(codes(&doc).iter().any(|(c, _)| c == "P5-pathway-without-objectives"));
}

#[test]
fn the_planner_places_reviews_on_the_intervals_after_introduction() {
    let doc = fixture();
    let schedule = trellis::analysis::spaced::plan(&doc).unwrap();
    let o1 = schedule.of(objective_by_code(&doc, "L1.1")).unwrap();
    assert_eq!(o1.introduced_week, Some(1));
    let days: Vec<u32> = o1.reviews.iter().map(|r| r.day).collect();
    assert_eq!(days, [1, 3, 7, 14]);
    let weeks: Vec<u32> = o1.reviews.iter().map(|r| r.week).collect();
    assert_eq!(weeks, [1, 1, 2, 3]);
    let dates: Vec<&str> = o1.reviews.iter().filter_map(|r| r.date.as_deref()).collect();
    assert_eq!(dates, ["2026-09-08", "2026-09-10", "2026-09-14", "2026-09-21"]);
    // The median is introduced in week 2: its reviews start from day 7.
    let ob = schedule.of(objective_by_code(&doc, "L2.1")).unwrap();
    assert_eq!(ob.reviews.iter().map(|r| r.day).collect::<Vec<_>>(), [8, 10, 14, 21]);
    assert!(ob.reviews.iter().all(|r| r.within_course));
    // Course outcomes are reviewed through their supporting objectives.
    assert!(schedule.of(objective_by_code(&doc, "CO1")).is_none());
    // Review minutes per week: 10 minutes per review.
    let total: u32 = schedule.minutes_per_week.iter().map(|(_, m)| m).sum();
    let reviews: usize = schedule.objectives.iter().map(|o| o.reviews.len()).sum();
    assert_eq!(total as usize, reviews * 10);
    // No plan, no schedule; a switched-off plan neither.
    let mut off = doc.clone();
    off.curriculum.review_plan.as_mut().unwrap().enabled = false;
    assert!(trellis::analysis::spaced::plan(&off).is_none());
}

#[test]
fn objectives_that_no_review_brings_back_inside_the_course_are_flagged() {
    let mut doc = fixture();
    assert!(!codes(&doc).iter().any(|(c, _)| c == "P3-objective-not-revisited"));
    // Every review a month after introduction falls after the four-week course.
    doc.curriculum.review_plan.as_mut().unwrap().intervals_days = vec![30];
    let found: Vec<_> = codes(&doc).into_iter().filter(|(c, _)| c == "P3-objective-not-revisited").collect();
    assert!(found.iter().any(|(_, p)| p.ends_with("L2.1")), "{found:?}");
    // Without a plan the check does not run.
    doc.curriculum.review_plan = None;
    assert!(!codes(&doc).iter().any(|(c, _)| c == "P3-objective-not-revisited"));
}

fn export_files(doc: &Document, format: ExportFormat) -> MemWriter {
    let options = ExportOptions::for_document(doc);
    let mut mem = MemWriter::new();
    export_document(doc, format, &options, &mut mem, &mut |_| {}).unwrap();
    mem
}

#[test]
fn cmi5_puts_pathway_lessons_in_blocks_that_never_block_the_course() {
    let doc = fixture();
    let mem = export_files(&doc, ExportFormat::Cmi5);
    let xml = mem.text("cmi5.xml").unwrap();
    let r = node_by_code(&doc, "L1R").id;
    let at = xml.find(&format!("<block id=\"urn:trellis:pathway:{r}\">")).unwrap();
    let block = &xml[at..at + xml[at..].find("</block>").unwrap()];
    assert!(block.contains("Review: The mean, step by step"));
    assert!(block.contains("For learners who have not yet reached L1.1."));
    assert!(block.contains(&format!("<au id=\"urn:trellis:au:{r}\" moveOn=\"NotApplicable\"")));
    let e = node_by_code(&doc, "L1E").id;
    assert!(xml.contains(&format!("<block id=\"urn:trellis:pathway:{e}\">")));
    assert!(xml.contains("Go further: Weighted means"));
    // The main path keeps its rules.
    let l1 = node_by_code(&doc, "L1").id;
    assert!(xml.contains(&format!("<au id=\"urn:trellis:au:{l1}\" moveOn=\"CompletedAndPassed\"")));
    let failures = super::export_scorm::xmllint(ExportFormat::Cmi5, xml);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn scorm12_and_cmi5_lesson_pages_name_the_routes_and_scorm2004_leaves_them_to_sequencing() {
    let doc = fixture();
    let page = format!("lessons/i{}_sco.html", node_by_code(&doc, "L1").id.0.simple());
    for format in [ExportFormat::Scorm12, ExportFormat::Cmi5] {
        let mem = export_files(&doc, format);
        let html = mem.text(&page).unwrap();
        assert!(
            html.contains(
                "<p>If you did not reach L1.1, review: <strong>The mean, step by step</strong> (in the course menu).</p>"
            ),
            "{format}"
        );
        assert!(html.contains("<p>Go further: <strong>Weighted means</strong> (in the course menu).</p>"));
        // The next lesson scores another objective: nothing there.
        let next = format!("lessons/i{}_sco.html", node_by_code(&doc, "L2").id.0.simple());
        assert!(!mem.text(&next).unwrap().contains("trellis-pathways"));
    }
    let mem = export_files(&doc, ExportFormat::Scorm2004);
    assert!(!mem.text(&page).unwrap().contains("trellis-pathways"));
}

#[test]
fn the_site_links_a_lesson_to_its_remediation_and_enrichment() {
    let doc = fixture();
    let mem = export_files(&doc, ExportFormat::Site);
    let (page, html) = mem
        .entries()
        .find(|(p, b)| p.starts_with("the-mean-0") && std::str::from_utf8(b).is_ok())
        .map(|(p, b)| (p.to_owned(), String::from_utf8(b.to_vec()).unwrap()))
        .unwrap();
    assert!(
        html.contains("<p>If you did not reach L1.1, review: <a href=\"the-mean-step-by-step-00000004.html\">The mean, step by step</a></p>"),
        "{page}"
    );
    assert!(html.contains("<p>Go further: <a href=\"weighted-means-00000005.html\">Weighted means</a></p>"));
    let remediation = mem.text("the-mean-step-by-step-00000004.html").unwrap();
    assert!(remediation.contains("This page is remediation for learners who have not yet reached L1.1."));
    // Documents without pathways get no such section.
    let plain = trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap();
    let mem = export_files(&plain, ExportFormat::Site);
    assert!(mem.entries().all(|(_, b)| !String::from_utf8_lossy(b).contains("site-pathways")));
}

#[test]
fn the_cli_sets_lists_and_clears_pathways_and_the_review_plan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.trellis");
    let mut doc = fixture();
    doc.curriculum.review_plan = None;
    for n in &mut doc.nodes {
        n.pathway = None;
    }
    drop(Store::create(&path, &doc).unwrap());
    let file = path.to_str().unwrap();

    let out = trellis(&["pathway", "set", file, "L2", "--role", "enrichment", "--objective", "L1.1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = trellis(&["pathway", "list", file]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("lesson “The median”: enrichment for L1.1"), "{listed}");
    // Unknown objectives and items are refused with the input exit code.
    let out = trellis(&["pathway", "set", file, "L2", "--role", "remediation", "--objective", "Z9"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"Z9\""));
    let out = trellis(&["pathway", "clear", file, "L2"]);
    assert!(out.status.success());
    let loaded = Store::open(&path).unwrap().load().unwrap();
    assert!(node_by_code(&loaded, "L2").pathway.is_none());

    let out = trellis(&["review-plan", "set", file, "--intervals", "2,4,8", "--start", "2026-09-07"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = trellis(&["review-plan", "show", file]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("L1.1 (week 1): 2026-09-09, 2026-09-11, 2026-09-15"), "{shown}");
    let out = trellis(&["review-plan", "set", file, "--intervals", "8,2"]);
    assert_eq!(out.status.code(), Some(2));
    let out = trellis(&["review-plan", "clear", file]);
    assert!(out.status.success());
    assert!(Store::open(&path).unwrap().load().unwrap().curriculum.review_plan.is_none());
}

#[test]
fn the_sequence_graph_and_the_packet_draw_the_pathways() {
    let doc = fixture();
    let g = trellis::analysis::views::sequence_graph(&doc);
    let title = |i: usize| g.nodes[i].node.title.clone();
    let mut edges: Vec<(String, String, PathwayRole, String)> =
        g.pathways.iter().map(|e| (title(e.from), title(e.to), e.role, e.label.clone())).collect();
    edges.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        edges,
        [
            ("The mean".into(), "The mean, step by step".into(), PathwayRole::Remediation, "L1.1".into()),
            ("The mean".into(), "Weighted means".into(), PathwayRole::Enrichment, "L1.1".into()),
        ]
    );
    // The routes sit right of the lesson that decides them; no prerequisite edge is invented.
    for e in &g.pathways {
        assert!(g.nodes[e.to].layer > g.nodes[e.from].layer);
    }
    assert!(g.edges.is_empty());
    let packet = trellis::analysis::report::render(
        &doc,
        trellis::pedagogy::templates::Catalog::builtin(),
        &Default::default(),
    );
    assert!(packet.contains("stroke-dasharray=\"3 3\""), "pathway edges are dashed");
    assert!(packet.contains("remediation · L1.1"));
    // A document without pathways has none.
    let plain = trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap();
    assert!(trellis::analysis::views::sequence_graph(&plain).pathways.is_empty());
}

#[test]
fn the_workload_view_carries_review_minutes_and_the_schedule() {
    let doc = fixture();
    let view = trellis::analysis::views::workload(&doc);
    let schedule = view.reviews.as_ref().unwrap();
    for w in &view.weeks {
        let planned =
            schedule.minutes_per_week.iter().find(|(week, _)| *week == w.week).map_or(0, |(_, m)| *m);
        assert_eq!(w.review_minutes, Some(planned), "week {}", w.week);
    }
    assert!(view.weeks.iter().any(|w| w.review_minutes.unwrap_or(0) > 0));
    // The outline's badges: what a lesson introduces and when it comes back.
    let l1 = node_by_code(&doc, "L1").id;
    let introduced: Vec<&str> = schedule.introduced_in(l1).map(|o| o.label.as_str()).collect();
    assert_eq!(introduced, ["L1.1"]);
    // Review time is shown, not added to the planned hours.
    let mut without = doc.clone();
    without.curriculum.review_plan = None;
    let plain = trellis::analysis::views::workload(&without);
    assert_eq!(plain.total_hours, view.total_hours);
    assert!(plain.reviews.is_none() && plain.weeks.iter().all(|w| w.review_minutes.is_none()));
    let json = serde_json::to_string(&plain).unwrap();
    assert!(!json.contains("reviewMinutes") && !json.contains("\"reviews\""));
}

#[test]
fn the_canvas_profile_exports_the_reviews_as_dated_calendar_events() {
    let doc = fixture();
    let export = |doc: &Document| {
        let mut options = ExportOptions::for_document(doc);
        options.profile = trellis::export::LmsProfile::Canvas;
        let mut mem = MemWriter::new();
        export_document(doc, ExportFormat::Cc13, &options, &mut mem, &mut |_| {}).unwrap();
        mem
    };
    let mem = export(&doc);
    let events = mem.text("course_settings/events.xml").unwrap();
    assert!(mem.text("imsmanifest.xml").unwrap().contains("<file href=\"course_settings/events.xml\"/>"));
    // L1.1 is introduced in week 1 (from 2026-09-07): reviews 1, 3, 7 and 14 days later.
    for date in ["2026-09-08", "2026-09-10", "2026-09-14", "2026-09-21"] {
        let at = events.find(&format!("<start_at>{date}T09:00:00</start_at>")).unwrap();
        let event = &events[events[..at].rfind("<event ").unwrap()..at];
        assert!(event.contains("L1.1"), "{date}: {event}");
    }
    assert!(events.contains("Calculate the mean of a small data set."));
    // Ten minutes per objective reviewed that day.
    assert!(events.contains("<end_at>2026-09-08T09:20:00</end_at>"));
    // Without a start date there are no dates, so no events; without a plan neither.
    let mut undated = doc.clone();
    undated.curriculum.review_plan.as_mut().unwrap().start_date = None;
    assert!(export(&undated).get("course_settings/events.xml").is_none());
    let mut none = doc;
    none.curriculum.review_plan = None;
    assert!(export(&none).get("course_settings/events.xml").is_none());
}

#[test]
fn the_refreshed_copy_sees_pathways_the_deletion_trigger_changed() {
    let doc = fixture();
    let o = objective_by_code(&doc, "L1.1");
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("p.trellis"), &doc).unwrap();
    let mut copy = store.load().unwrap();
    store.apply(EditOp::DeleteObjective { id: o }).unwrap();
    let patch = store.refresh(&mut copy).unwrap();
    assert_eq!(trellis::json::to_string(&copy), trellis::json::to_string(&store.load().unwrap()));
    assert!(node_by_code(&copy, "L1R").pathway.as_ref().unwrap().objectives.is_empty());
    let r = node_by_code(&doc, "L1R").id;
    assert!(serde_json::to_string(&patch).unwrap().contains(&r.to_string()), "the patch names the node");
}

// ---- activities on a pathway, and units on a pathway ------------------------------------------

#[test]
fn an_activity_on_a_pathway_is_labelled_with_its_kind_and_objectives_in_every_format() {
    let doc = fixture();
    let label = "<p class=\"trellis-pathway\">Remediation: for learners who have not yet reached L1.1.</p>";
    for format in [
        ExportFormat::Scorm2004,
        ExportFormat::Scorm12,
        ExportFormat::Cmi5,
        ExportFormat::Site,
        ExportFormat::Cc13,
    ] {
        let mem = export_files(&doc, format);
        let pages: Vec<&str> = mem
            .paths()
            .iter()
            .filter(|p| p.ends_with(".html"))
            .filter(|p| mem.text(p).is_some_and(|t| t.contains("Optional: mean in pictures")))
            .map(String::as_str)
            .collect();
        assert!(!pages.is_empty(), "{format}: the activity is shown");
        for page in &pages {
            let html = mem.text(page).unwrap();
            // The label belongs to the activity: right after its heading and meta line.
            let at = html.find("Optional: mean in pictures</h").unwrap_or_else(|| panic!("{format}: {page}"));
            let part = &html[at..at + html[at..].find("</article>").unwrap_or(html.len() - at)];
            assert!(part.contains(label), "{format}: {page}: {part}");
        }
        // Activities on no pathway get no label.
        let labels = mem
            .paths()
            .iter()
            .filter_map(|p| mem.text(p))
            .filter(|t| t.contains("trellis-pathway\""))
            .count();
        assert_eq!(labels, pages.len(), "{format}: only the pathway activity's pages carry a label");
    }
    // An enrichment names its kind too.
    let mut doc = doc;
    let at = doc.activities.iter().position(|a| a.title == "Optional: mean in pictures").unwrap();
    doc.activities[at].pathway.as_mut().unwrap().role = PathwayRole::Enrichment;
    let mem = export_files(&doc, ExportFormat::Scorm12);
    let page = format!("lessons/i{}_sco.html", node_by_code(&doc, "L1").id.0.simple());
    assert!(
        mem.text(&page)
            .unwrap()
            .contains("<p class=\"trellis-pathway\">Enrichment: for learners who have reached L1.1.</p>")
    );
}

/// The unit pathways fixture: unit U1 with lesson L1 and its scored quiz; unit U1R (lessons L1R
/// and L1R2) a remediation and unit U1E (lesson L1E) an enrichment for L1.1; then unit U2.
fn unit_fixture() -> Document {
    trellis::json::read(&root().join("tests/runtime/fixtures/pathways-units.json")).unwrap()
}

/// The sequencing of a unit's own `<item>` (a cluster: its last `<imsss:sequencing>` before the
/// item of the unit `next`, which follows it).
fn unit_sequencing<'a>(manifest: &'a str, doc: &Document, code: &str, next: &str) -> &'a str {
    let at =
        manifest.find(&format!("<item identifier=\"i{}\">", node_by_code(doc, code).id.0.simple())).unwrap();
    let end =
        manifest.find(&format!("<item identifier=\"i{}\">", node_by_code(doc, next).id.0.simple())).unwrap();
    let item = &manifest[at..end];
    &item[item.rfind("<imsss:sequencing>").unwrap()..]
}

#[test]
fn units_on_a_pathway_get_skip_and_hide_rules_and_validate() {
    let doc = unit_fixture();
    assert!(
        doc.nodes.iter().any(|n| n.kind == "unit" && n.pathway.is_some()),
        "the fixture has unit pathways"
    );
    assert!(
        !codes(&doc).iter().any(|(c, _)| c.starts_with('P') && c.contains("loop")),
        "no pathway loop: {:?}",
        codes(&doc)
    );
    let manifest = scorm2004_manifest(&doc);
    let o = objective_by_code(&doc, "L1.1");
    let read = format!("pathway-i{}", o.0.simple());

    let remediation = unit_sequencing(&manifest, &doc, "U1R", "U1E");
    assert!(remediation.contains("<imsss:ruleConditions conditionCombination=\"all\">"), "{remediation}");
    assert!(
        remediation.contains(&format!("referencedObjective=\"{read}\" condition=\"satisfied\"")),
        "{remediation}"
    );
    assert!(remediation.contains("action=\"skip\"") && remediation.contains("action=\"hiddenFromChoice\""));
    assert!(remediation.contains("rollupObjectiveSatisfied=\"false\" rollupProgressCompletion=\"false\""));
    assert!(remediation.contains(&format!("targetObjectiveID=\"urn:trellis:objective:{o}\"")));

    let enrichment = unit_sequencing(&manifest, &doc, "U1E", "U2");
    assert!(
        enrichment
            .contains(&format!("referencedObjective=\"{read}\" operator=\"not\" condition=\"satisfied\""))
    );
    assert!(enrichment.contains("rollupObjectiveSatisfied=\"false\""));

    assert_eq!(xmllint_scorm2004(&manifest), Vec::<String>::new());
}

#[test]
#[ignore = "needs ../shared"]
fn validate_package_passes_on_the_unit_pathway_packages() {
    let doc = unit_fixture();
    let dir = tempfile::tempdir().unwrap();
    let mut packages = Vec::new();
    for format in [ExportFormat::Scorm2004, ExportFormat::Scorm12, ExportFormat::Cmi5] {
        let path = dir.path().join(format!("unit-pathways-{format}.zip"));
        std::fs::write(&path, export_files(&doc, format).to_zip().unwrap()).unwrap();
        packages.push(path);
    }
    super::support::assert_validate_package(&packages);
}
