//! Evidence analysis: heatmap cells (measured, not enough data, no evidence), distributions,
//! skill gaps, item analysis against values worked out from the formulas, cohort trends, the
//! evidence findings in `trellis check`, and the packet's "Evidence of learning" section
//! (aggregates only).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use super::support::trellis_cli;
use trellis::evidence::analysis::{self, Cell, LearnerCell, Options};
use trellis::evidence::import::{self, Source};
use trellis::evidence::mastery::{self, Method, Policy};
use trellis::evidence::{Cohort, Evidence, Learner, ResultRow, TargetKind};
use trellis::model::Document;
use trellis::store::Store;

/// The example course with its `supports` and prerequisites cleared, so that each objective's
/// mastery comes from its own results only (no roll-up).
pub(crate) fn design() -> Document {
    let mut doc: Document =
        trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap();
    for o in &mut doc.objectives {
        o.supports.clear();
        o.prerequisites.clear();
    }
    for n in &mut doc.nodes {
        n.prerequisites.clear();
    }
    doc
}

fn index(doc: &Document, code: &str) -> usize {
    doc.objectives.iter().position(|o| o.code == code).unwrap()
}

/// Imports a plain CSV into a new `.trellis` file and returns the path and the store.
fn with_csv(dir: &Path, doc: &Document, imports: &[(&str, String)]) -> (PathBuf, Store) {
    let path = dir.join("doc.trellis");
    let mut store = Store::create(&path, doc).unwrap();
    for (i, (cohort, text)) in imports.iter().enumerate() {
        let src = dir.join(format!("results-{i}.csv"));
        std::fs::write(&src, text).unwrap();
        let opts = import::Options { cohort: Some((*cohort).to_owned()), ..import::Options::default() };
        import::import(&mut store, doc, Source::Csv, &src, &opts).unwrap();
    }
    (path, store)
}

/// Two cohorts: U1.1 mastered by 1 of 2 in the first, 2 of 2 in the second; U1.2 assessed once
/// per learner (judged only from two results by its policy); U1.3 with no result.
fn two_cohorts(doc: &Document) -> Vec<(&'static str, String)> {
    let (a, b) = (&doc.objectives[index(doc, "U1.1")], &doc.objectives[index(doc, "U1.2")]);
    vec![
        (
            "<b>Fall</b>",
            format!(
                "learner,objective,score,points_possible,section\n\
                 s-1,{a},4,4,S1\ns-2,{a},1,4,S2\ns-1,{b},2,4,S1\n",
                a = a.id,
                b = b.id
            ),
        ),
        (
            "Spring",
            format!("learner,objective,score,points_possible\ns-3,{a},4,4\ns-4,{a},3.5,4\n", a = a.id),
        ),
    ]
}

fn loaded(store: &Store, doc: &Document) -> Evidence {
    let mut e = Evidence::load(store, None).unwrap();
    // Import order: Fall first, whatever the clock said.
    for c in &mut e.cohorts {
        c.imported_at =
            if c.name == "Spring" { "2026-02-01T00:00:00Z" } else { "2025-09-01T00:00:00Z" }.into();
    }
    let strict = Policy { min_results: 2, ..Policy::default() };
    e.overrides.push((doc.objectives[index(doc, "U1.2")].id.0, strict));
    e
}

#[test]
fn heatmap_cells_trends_and_distributions() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let (_, store) = with_csv(dir.path(), &doc, &two_cohorts(&doc));
    let e = loaded(&store, &doc);
    let report = mastery::compute(&doc, &e);
    let a = analysis::analyse(&doc, &e, &report, Options::default());
    let (u11, u12, u13) = (index(&doc, "U1.1"), index(&doc, "U1.2"), index(&doc, "U1.3"));

    // Overall: 3 of 4 mastered (4, 1, 4, 3.5 against 3 points), mean (4+1+4+3.5)/4 = 3.125 → 3.13.
    assert_eq!(a.heatmap.overall[u11], Cell::Measured { n: 4, mastered: 3, share: 0.75, mean: 3.13 });
    // One result where the policy asks for two: not enough data, not a zero.
    assert_eq!(a.heatmap.overall[u12], Cell::NotEnoughData { learners: 1 });
    assert_eq!(a.heatmap.overall[u13], Cell::NoEvidence);

    // Columns: cohorts in import order, then Fall's sections.
    let labels: Vec<(String, String)> =
        a.heatmap.columns.iter().map(|c| (c.cohort.clone(), c.section.clone())).collect();
    assert_eq!(
        labels,
        [("<b>Fall</b>", ""), ("Spring", ""), ("<b>Fall</b>", "S1"), ("<b>Fall</b>", "S2")]
            .map(|(c, s)| (c.to_owned(), s.to_owned()))
    );
    assert_eq!(a.heatmap.columns[0].cells[u11], Cell::Measured { n: 2, mastered: 1, share: 0.5, mean: 2.5 });
    assert_eq!(a.heatmap.columns[1].cells[u11], Cell::Measured { n: 2, mastered: 2, share: 1.0, mean: 3.75 });
    assert_eq!(a.heatmap.columns[3].cells[u11], Cell::Measured { n: 1, mastered: 0, share: 0.0, mean: 1.0 });
    assert_eq!(a.heatmap.columns[1].cells[u12], Cell::NoEvidence);

    // Trend of U1.1: Fall 50 %, Spring 100 %.
    let trend: Vec<(String, Option<f64>)> =
        a.trends[u11].cohorts.iter().map(|p| (p.cohort.clone(), p.cell.share())).collect();
    assert_eq!(trend, vec![("<b>Fall</b>".to_owned(), Some(0.5)), ("Spring".to_owned(), Some(1.0))]);

    // Learners: four pseudonyms, sorted; one learner's U1.2 cell is "not enough data".
    assert_eq!(a.learners.learners.len(), 4);
    let mut sorted = a.learners.learners.clone();
    sorted.sort();
    assert_eq!(sorted, a.learners.learners);
    assert_eq!(
        a.learners.cells[u12]
            .iter()
            .filter(|c| matches!(c, LearnerCell::NotEnoughData { results: 1 }))
            .count(),
        1
    );
    assert_eq!(a.learners.cells[u13].iter().filter(|c| **c == LearnerCell::NoEvidence).count(), 4);
    assert_eq!(
        a.learners.cells[u11]
            .iter()
            .filter(|c| matches!(c, LearnerCell::Scored { mastered: true, .. }))
            .count(),
        3
    );

    // Distribution on the 4-point scale: one per point; 4 and 4 fall in the last (closed) band.
    let d = &a.distributions[u11];
    assert_eq!((d.n, d.not_enough_data), (4, 0));
    let counts: Vec<u32> = d.bands.iter().map(|b| b.count).collect();
    assert_eq!(counts, vec![0, 1, 0, 3]);
    assert_eq!(a.distributions[u12].not_enough_data, 1);

    // Serialisable, with the state as a tag.
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["heatmap"]["overall"][u12]["state"], "notEnoughData");
}

#[test]
fn skill_gaps_are_sorted_by_share_and_name_prerequisites_and_aligned_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = design();
    let (u11, u12, u13) = (index(&doc, "U1.1"), index(&doc, "U1.2"), index(&doc, "U1.3"));
    let (id11, id12, id13) = (doc.objectives[u11].id, doc.objectives[u12].id, doc.objectives[u13].id);
    // U1.3 needs U1.1 (an objective prerequisite).
    doc.objectives[u13].prerequisites.push(id11);
    let csv = format!(
        "learner,objective,score\n\
         a,{id11},4\nb,{id11},1\nc,{id11},4\n\
         a,{id12},4\nb,{id12},4\nc,{id12},4\n\
         a,{id13},1\nb,{id13},1\nc,{id13},4\n"
    );
    let (_, store) = with_csv(dir.path(), &doc, &[("Fall", csv)]);
    let e = Evidence::load(&store, None).unwrap();
    let report = mastery::compute(&doc, &e);
    let a = analysis::analyse(&doc, &e, &report, Options::default());
    // Threshold 70 %: U1.3 (1 of 3) before U1.1 (2 of 3); U1.2 (3 of 3) is no gap.
    let codes: Vec<&str> = a.gaps.iter().map(|g| g.objective.code.as_str()).collect();
    assert_eq!(codes, vec!["U1.3", "U1.1"]);
    let g = &a.gaps[0];
    assert_eq!((g.n, g.mastered), (3, 1));
    assert!((g.shortfall - (0.7 - 1.0 / 3.0)).abs() < 1e-12);
    assert_eq!(g.prerequisites.len(), 1);
    assert_eq!(g.prerequisites[0].objective.code, "U1.1");
    assert_eq!(g.prerequisites[0].via, "objective");
    assert_eq!(g.prerequisites[0].cell.share(), Some(2.0 / 3.0));
    let expected_assessments: Vec<String> = doc
        .assessments
        .iter()
        .filter(|x| x.objectives.contains(&id13) || x.items.iter().any(|i| i.objectives.contains(&id13)))
        .map(|x| x.title.clone())
        .collect();
    assert!(!expected_assessments.is_empty());
    assert_eq!(g.assessments.iter().map(|x| x.title.clone()).collect::<Vec<_>>(), expected_assessments);
    let expected_activities: Vec<String> =
        doc.activities.iter().filter(|x| x.objectives.contains(&id13)).map(|x| x.title.clone()).collect();
    assert_eq!(g.activities.iter().map(|x| x.title.clone()).collect::<Vec<_>>(), expected_activities);
    // A lower threshold leaves only U1.3.
    let strict = analysis::analyse(&doc, &e, &report, Options { gap_threshold: 0.5 });
    assert_eq!(strict.gaps.len(), 1);
}

/// Five learners × the four one-point items of the readiness check:
///
/// | learner | I1 | I2 | I3 | I4 | total |
/// |---|---|---|---|---|---|
/// | 1 | 1 | 1 | 1 | 1 | 4 |
/// | 2 | 1 | 1 | 1 | 0 | 3 |
/// | 3 | 1 | 1 | 0 | 0 | 2 |
/// | 4 | 1 | 0 | 1 | 0 | 2 |
/// | 5 | 0 | 0 | 0 | 1 | 1 |
const MATRIX: [[f64; 4]; 5] = [
    [1.0, 1.0, 1.0, 1.0],
    [1.0, 1.0, 1.0, 0.0],
    [1.0, 1.0, 0.0, 0.0],
    [1.0, 0.0, 1.0, 0.0],
    [0.0, 0.0, 0.0, 1.0],
];

fn item_evidence(
    doc: &Document,
    rows: &[[f64; 4]],
    extra: &[(usize, TargetKind, uuid::Uuid, f64, i64)],
) -> Evidence {
    let items = &doc.assessments[0].items;
    let cohort = Cohort {
        name: "Fall".into(),
        term: String::new(),
        source: "xapi".into(),
        imported_at: "2025-09-01T00:00:00Z".into(),
    };
    let learners = (0..rows.len())
        .map(|i| Learner {
            cohort: "Fall".into(),
            pseudonym: format!("{:016x}", 0xabc0 + i),
            name: None,
            section: String::new(),
        })
        .collect();
    let mut results = Vec::new();
    let mut row = 0;
    let mut push = |learner: usize, kind, id, score, at| {
        row += 1;
        results.push(ResultRow {
            learner: learner as u32,
            source: Source::Xapi,
            target_kind: kind,
            target_id: id,
            score,
            points_possible: Some(1.0),
            at: Some(at),
            attempt: None,
            source_row: row,
            response: None,
        });
    };
    for (l, scores) in rows.iter().enumerate() {
        for (i, s) in scores.iter().enumerate() {
            push(l, TargetKind::Item, items[i].id.0, *s, 100);
        }
    }
    for &(l, kind, id, score, at) in extra {
        push(l, kind, id, score, at);
    }
    Evidence { policy: Policy::default(), overrides: Vec::new(), cohorts: vec![cohort], learners, results }
}

fn codes(findings: &[trellis::Finding]) -> Vec<String> {
    findings.iter().map(|f| f.code.clone()).collect()
}

#[test]
fn item_analysis_matches_the_formulas() {
    let doc = design();
    assert_eq!(doc.assessments[0].items.len(), 4);
    let e = item_evidence(&doc, &MATRIX, &[]);
    let report = mastery::compute(&doc, &e);
    let a = analysis::analyse(&doc, &e, &report, Options::default());
    assert!(!a.items.responses_known);
    assert_eq!(a.items.assessments.len(), 1);
    let s = &a.items.assessments[0];
    assert_eq!(s.complete, 5);
    let close = |x: Option<f64>, want: f64| {
        let x = x.unwrap();
        assert!((x - want).abs() < 1e-9, "{x} ≠ {want}");
    };
    // Difficulty p = mean proportion of points: 4/5, 3/5, 3/5, 2/5; mean 0.6.
    for (item, p) in s.items.iter().zip([0.8, 0.6, 0.6, 0.4]) {
        close(item.difficulty, p);
        assert_eq!(item.n, 5);
    }
    close(s.mean_difficulty, 0.6);
    // Corrected point-biserial r(item, total − item), by hand:
    // I1: x = 1,1,1,1,0 (mean .8), rest = 3,2,1,1,1 (mean 1.6): Σdxdy = .6, Σdx² = .8, Σdy² = 3.2
    //     → .6 / √2.56 = .375.
    close(s.items[0].discrimination, 0.6 / (0.8f64 * 3.2).sqrt());
    // I2: x = 1,1,1,0,0, rest = 3,2,1,2,1: Σdxdy = .6, Σdx² = 1.2, Σdy² = 2.8.
    close(s.items[1].discrimination, 0.6 / (1.2f64 * 2.8).sqrt());
    // I3: x = 1,1,0,1,0, rest = 3,2,2,1,1: the same sums.
    close(s.items[2].discrimination, 0.6 / (1.2f64 * 2.8).sqrt());
    // I4: x = 1,0,0,0,1, rest = 3,3,2,2,0: Σdxdy = −1, Σdx² = 1.2, Σdy² = 6 → negative.
    close(s.items[3].discrimination, -1.0 / (1.2f64 * 6.0).sqrt());
    // Totals 4,3,2,2,1: mean 2.4, population variance 5.2 / 5 = 1.04; Σpq = .16+.24+.24+.24 = .88.
    // KR-20 = 4/3 · (1 − .88/1.04) = 8/39; α (population item variances = pq) is the same.
    close(s.kr20, 8.0 / 39.0);
    close(s.alpha, 8.0 / 39.0);

    // Findings: item 4 discriminates negatively (five learners are enough to judge).
    let findings = analysis::findings(&doc, &a);
    let neg: Vec<&trellis::Finding> =
        findings.iter().filter(|f| f.code == "E3-item-negative-discrimination").collect();
    assert_eq!(neg.len(), 1);
    assert_eq!(neg[0].target.id.as_deref(), Some(doc.assessments[0].items[3].id.to_string().as_str()));
    assert!(!codes(&findings).iter().any(|c| c.starts_with("E4") || c.starts_with("E5")));

    // Four learners: too few to judge items (E8), no E3.
    let few = item_evidence(&doc, &MATRIX[..4], &[]);
    let a = analysis::analyse(&doc, &few, &mastery::compute(&doc, &few), Options::default());
    let c = codes(&analysis::findings(&doc, &a));
    assert!(c.contains(&"E8-items-too-few-learners".to_owned()), "{c:?}");
    assert!(!c.contains(&"E3-item-negative-discrimination".to_owned()), "{c:?}");
}

#[test]
fn easy_hard_and_contradicting_assessments_are_reported() {
    let doc = design();
    // Everybody right: too easy (p = 1 > 0.9), α undefined (no variance).
    let easy = item_evidence(&doc, &[[1.0; 4]; 6], &[]);
    let a = analysis::analyse(&doc, &easy, &mastery::compute(&doc, &easy), Options::default());
    assert_eq!(a.items.assessments[0].alpha, None);
    assert!(codes(&analysis::findings(&doc, &a)).contains(&"E4-assessment-too-easy".to_owned()));
    // Nearly everybody wrong: too hard (p = 1/24 < 0.3).
    let mut rows = [[0.0; 4]; 6];
    rows[0][0] = 1.0;
    let hard = item_evidence(&doc, &rows, &[]);
    let a = analysis::analyse(&doc, &hard, &mastery::compute(&doc, &hard), Options::default());
    assert!(codes(&analysis::findings(&doc, &a)).contains(&"E5-assessment-too-hard".to_owned()));

    // Items of the first item's objective all right, but a later direct result of 0 on that
    // objective under `latest`: item average 1.0 ≥ 0.8 while nobody masters it (E6, and E1).
    let objective = doc.assessments[0].items[0].objectives[0].0;
    let extra: Vec<_> = (0..6).map(|l| (l, TargetKind::Objective, objective, 0.0, 200)).collect();
    let mut e = item_evidence(&doc, &[[1.0; 4]; 6], &extra);
    e.overrides.push((objective, Policy::default().with_method(Method::Latest, None)));
    let a = analysis::analyse(&doc, &e, &mastery::compute(&doc, &e), Options::default());
    let findings = analysis::findings(&doc, &a);
    let six: Vec<&trellis::Finding> =
        findings.iter().filter(|f| f.code == "E6-items-high-mastery-low").collect();
    assert_eq!(six.len(), 1);
    assert_eq!(six[0].target.id.as_deref(), Some(objective.to_string().as_str()));
    assert!(findings.iter().any(|f| f.code == "E1-objective-few-mastered"
        && f.target.id.as_deref() == Some(objective.to_string().as_str())));
}

#[test]
fn trellis_check_reports_evidence_findings_when_the_document_has_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let (empty, full) = (dir.path().join("empty"), dir.path().join("full"));
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::create_dir_all(&full).unwrap();
    let (without, store) = with_csv(&empty, &doc, &[]);
    drop(store);
    let (path, store) = with_csv(&full, &doc, &two_cohorts(&doc)[..1]);
    drop(store);
    let check = |file: &Path, extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), file.as_os_str()];
        args.extend(extra.iter().map(|s| std::ffi::OsStr::new(*s)));
        trellis_cli(&args)
    };
    let before = check(&without, &["--format", "json"]);
    assert!(!String::from_utf8_lossy(&before.stdout).contains("\"E1-"));
    let out = check(&path, &["--format", "json"]);
    let findings: Vec<trellis::Finding> = serde_json::from_slice(&out.stdout).unwrap();
    let c = codes(&findings);
    // U1.1: 1 of 2 mastered; U1.2 judged (default policy); others without evidence.
    assert!(c.contains(&"E1-objective-few-mastered".to_owned()), "{c:?}");
    assert!(c.contains(&"E2-objective-no-evidence".to_owned()), "{c:?}");
    let e1 = findings.iter().find(|f| f.code == "E1-objective-few-mastered").unwrap();
    assert!(e1.message.contains("1 of 2 learners (50 %)"), "{}", e1.message);
    // E1 is a warning: the exit code follows --fail-on as for every finding.
    let text = check(&path, &["--fail-on", "warning"]);
    assert_eq!(text.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&text.stdout).contains("E1-objective-few-mastered"));
}

#[test]
fn the_packet_shows_aggregates_of_the_evidence_and_no_learner() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = design();
    // CO1 rolls up from U1.1.
    let (co1, u11) = (index(&doc, "CO1"), index(&doc, "U1.1"));
    let co1_id = doc.objectives[co1].id;
    doc.objectives[u11].supports.push(co1_id);
    let (path, store) = with_csv(dir.path(), &doc, &two_cohorts(&doc));
    let e = loaded(&store, &doc);
    drop(store);
    let catalog = trellis::pedagogy::templates::Catalog::builtin();
    let opts =
        trellis::analysis::report::ReportOptions { generated_at: None, since: Some(("Approved", &doc)) };
    let html = trellis::analysis::report::render_with_evidence(&doc, catalog, &opts, Some(&e));
    let section = &html[html.find("<section id=\"evidence\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    // Course outcomes (the highest scope): CO1 … with their target and share.
    assert!(section.contains("Course outcomes"), "{section}");
    assert!(section.contains("<b>CO1</b>"), "{section}");
    assert!(section.contains("3 of 4 points (decaying_average)"), "{section}");
    assert!(section.contains("4 learner(s) in 2 cohort(s)"), "{section}");
    // The cohort name is escaped; the trend and the gap list are there; the changes are linked.
    assert!(section.contains("&lt;b&gt;Fall&lt;/b&gt;"), "{section}");
    assert!(!section.contains("<b>Fall</b>"));
    // CO1: 3 of 4 learners overall; 50 % then 100 % by cohort, drawn and written out.
    assert!(section.contains("<td>75 % of 4</td>"), "{section}");
    assert!(section.contains("<svg class=\"spark\""), "{section}");
    assert!(section.contains("&lt;b&gt;Fall&lt;/b&gt;: 50 % of 2 → Spring: 100 % of 2"), "{section}");
    // U1.1 is no outcome, but the gap list names objectives below 70 %: none here (75 %).
    assert!(section.contains("No objective is below the threshold"), "{section}");
    assert!(section.contains("href=\"#changes\""), "{section}");
    assert!(html.contains("<a href=\"#evidence\">Evidence of learning</a>"));
    // No learner pseudonym (nor LMS id) anywhere in the packet.
    for l in &e.learners {
        assert!(!html.contains(&l.pseudonym), "pseudonym {} in the packet", l.pseudonym);
    }

    // The CLI packet of the file has the section too; a .json design has none.
    let out = dir.path().join("packet.html");
    let status = trellis_cli(&["report".as_ref(), path.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("<section id=\"evidence\">"));
    assert!(written.contains("U1.1"));
    for l in &e.learners {
        assert!(!written.contains(&l.pseudonym));
    }
    let plain = trellis::analysis::report::render(&doc, catalog, &opts);
    assert!(!plain.contains("id=\"evidence\""));
}

#[test]
fn trellis_evidence_analyse_prints_gaps_and_the_whole_analysis_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let doc = design();
    let (path, store) = with_csv(dir.path(), &doc, &two_cohorts(&doc)[..1]);
    drop(store);
    let text = trellis_cli(&["evidence".as_ref(), "analyse".as_ref(), path.as_os_str()]);
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Skill gaps (below 70 %)"), "{text}");
    assert!(text.contains("U1.1         1/2 (50 %)"), "{text}");
    let json = trellis_cli(&[
        "evidence".as_ref(),
        "analyse".as_ref(),
        path.as_os_str(),
        "--json".as_ref(),
        "--gap-threshold".as_ref(),
        "0.4".as_ref(),
    ]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["options"]["gapThreshold"], 0.4);
    // At 40 %, U1.1 (50 %) is no gap; U1.2 (0 of 1) still is.
    let gaps: Vec<&str> =
        value["gaps"].as_array().unwrap().iter().filter_map(|g| g["objective"]["code"].as_str()).collect();
    assert_eq!(gaps, vec!["U1.2"]);
    assert_eq!(value["items"]["responsesKnown"], false);
    let bad = trellis_cli(&[
        "evidence".as_ref(),
        "analyse".as_ref(),
        path.as_os_str(),
        "--gap-threshold".as_ref(),
        "70".as_ref(),
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--gap-threshold must be a share from 0 to 1"));
}
