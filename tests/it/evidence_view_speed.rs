//! The Evidence view's analysis on open (`analysis::analyse_with` without the learner heatmap):
//! every cohort and section column of the heatmap equals mastery computed over that group's own
//! learners (also when a group holds every learner and its cells are taken from the overall
//! report), and the analysis without learners is the full analysis minus the learner heatmap (its
//! speed is measured by `benches/evidence.rs`, not here).
#![allow(clippy::unwrap_used)]

use trellis::evidence::analysis::{self, LearnerHeatmap, Options};
use trellis::evidence::import::Source;
use trellis::evidence::mastery;
use trellis::evidence::{Cohort, Evidence, Learner, ResultRow, TargetKind};
use trellis::model::Document;

use super::evidence_analysis::design;

/// A generated cohort: `learners` learners, each placed by `group` into (cohort, section), with
/// one to three results on every objective (scores 0–4, some without points possible, dated).
fn generated(
    doc: &Document,
    learners: usize,
    group: impl Fn(usize) -> (&'static str, &'static str),
) -> Evidence {
    let mut cohorts: Vec<Cohort> = Vec::new();
    let mut people = Vec::new();
    for l in 0..learners {
        let (cohort, section) = group(l);
        if !cohorts.iter().any(|c| c.name == cohort) {
            cohorts.push(Cohort {
                name: cohort.to_owned(),
                term: String::new(),
                source: "csv".into(),
                imported_at: format!("2026-0{}-01T00:00:00Z", cohorts.len() + 1),
            });
        }
        people.push(Learner {
            cohort: cohort.to_owned(),
            pseudonym: trellis::evidence::pseudonym(b"view salt", &format!("lms-{l}")),
            name: None,
            section: section.to_owned(),
        });
    }
    let mut results = Vec::new();
    for l in 0..learners {
        for (o, objective) in doc.objectives.iter().enumerate() {
            for attempt in 0..1 + (l + o) % 3 {
                results.push(ResultRow {
                    learner: l as u32,
                    source: Source::Csv,
                    target_kind: TargetKind::Objective,
                    target_id: objective.id.0,
                    score: ((l * 7 + o * 13 + attempt * 3) % 5) as f64,
                    points_possible: ((l + attempt) % 4 != 0).then_some(4.0),
                    at: Some(1_706_745_600 + 86_400 * ((l + o + attempt) % 28) as i64),
                    attempt: None,
                    source_row: results.len() as i64 + 2,
                    response: None,
                });
            }
        }
    }
    Evidence { cohorts, learners: people, results, ..Evidence::default() }
}

/// The evidence of the learners `keep` accepts, built here independently of the library.
fn only(e: &Evidence, keep: impl Fn(&Learner) -> bool) -> Evidence {
    let mut renumber = vec![None; e.learners.len()];
    let mut learners = Vec::new();
    for (i, l) in e.learners.iter().enumerate() {
        if keep(l) {
            renumber[i] = Some(learners.len() as u32);
            learners.push(l.clone());
        }
    }
    let results = e
        .results
        .iter()
        .filter_map(|r| renumber[r.learner as usize].map(|learner| ResultRow { learner, ..r.clone() }))
        .collect();
    Evidence { learners, results, ..e.clone() }
}

fn check_columns(doc: &Document, e: &Evidence) {
    let report = mastery::compute(doc, e);
    let a = analysis::analyse_with(doc, e, &report, Options::default(), false);
    assert!(!a.heatmap.columns.is_empty());
    for column in &a.heatmap.columns {
        let sub = only(e, |l| {
            l.cohort == column.cohort && (column.section.is_empty() || l.section == column.section)
        });
        let expected = analysis::analyse(doc, &sub, &mastery::compute(doc, &sub), Options::default());
        assert_eq!(column.cells, expected.heatmap.overall, "{} {}", column.cohort, column.section);
    }
}

#[test]
fn a_cohort_or_section_holding_every_learner_has_the_cells_of_its_own_mastery() {
    let doc = design();
    // One cohort, one section: both columns hold every learner.
    check_columns(&doc, &generated(&doc, 40, |_| ("Fall", "A")));
    // One cohort, two sections.
    check_columns(&doc, &generated(&doc, 40, |l| ("Fall", if l % 3 == 0 { "A" } else { "B" })));
    // Two cohorts, sections in one of them.
    check_columns(
        &doc,
        &generated(&doc, 40, |l| {
            if l % 2 == 0 { ("Fall", "") } else { ("Spring", if l % 4 == 1 { "X" } else { "Y" }) }
        }),
    );
}

#[test]
fn without_learners_the_analysis_is_the_full_one_minus_the_learner_heatmap() {
    let doc = design();
    let e =
        generated(&doc, 30, |l| (if l < 20 { "Fall" } else { "Spring" }, if l % 2 == 0 { "A" } else { "" }));
    let report = mastery::compute(&doc, &e);
    let full = analysis::analyse(&doc, &e, &report, Options { gap_threshold: 0.6 });
    assert!(!full.learners.cells.is_empty());
    let same = analysis::analyse_with(&doc, &e, &report, Options { gap_threshold: 0.6 }, true);
    assert_eq!(same, full);
    let lean = analysis::analyse_with(&doc, &e, &report, Options { gap_threshold: 0.6 }, false);
    let mut expected = full;
    expected.learners = LearnerHeatmap { objectives: Vec::new(), learners: Vec::new(), cells: Vec::new() };
    assert_eq!(lean, expected);
}
