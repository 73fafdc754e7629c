//! Mastery at scale: the grouped, sorted calculation of `mastery::compute` gives exactly what a
//! straightforward calculation (one map entry per learner and objective, results sorted per
//! cell) gives, on random designs and evidence with every kind of target, orphaned results,
//! learners in several cohorts, ties in time, every method, minimum result counts and roll-ups.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use trellis::evidence::import::Source;
use trellis::evidence::mastery::{
    self, LearnerMastery, MasteryReport, Method, ObjectiveMastery, Policy, Scored, calculate, round2,
    sort_in_time,
};
use trellis::evidence::{Evidence, Learner, ResultRow, TargetKind};
use trellis::model::{Document, ObjectiveId};
use uuid::Uuid;

/// A small xorshift generator, so every case can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// The objectives a target reaches, found by walking the design for every result.
fn reached(doc: &Document, kind: TargetKind, id: Uuid) -> Option<Vec<usize>> {
    let index = |ids: &mut dyn Iterator<Item = Uuid>| -> Vec<usize> {
        let mut out: Vec<usize> =
            ids.filter_map(|id| doc.objectives.iter().position(|o| o.id.0 == id)).collect();
        out.sort_unstable();
        out.dedup();
        out
    };
    match kind {
        TargetKind::Objective => doc.objectives.iter().position(|o| o.id.0 == id).map(|i| vec![i]),
        TargetKind::Assessment => {
            let a = doc.assessments.iter().rev().find(|a| a.id.0 == id)?;
            let direct = index(&mut a.objectives.iter().map(|o| o.0));
            if direct.is_empty() {
                Some(index(&mut a.items.iter().flat_map(|i| i.objectives.iter().map(|o| o.0))))
            } else {
                Some(direct)
            }
        }
        TargetKind::Item => doc
            .assessments
            .iter()
            .flat_map(|a| &a.items)
            .rfind(|i| i.id.0 == id)
            .map(|i| index(&mut i.objectives.iter().map(|o| o.0))),
        TargetKind::Criterion => doc
            .rubrics
            .iter()
            .flat_map(|r| &r.criteria)
            .filter(|c| c.id.0 == id)
            .filter_map(|c| doc.objectives.iter().position(|o| Some(o.id) == c.objective))
            .next_back()
            .map(|i| vec![i]),
    }
}

/// Mastery computed the plain way: a map from (objective, learner pseudonym) to its results.
fn reference(doc: &Document, evidence: &Evidence) -> MasteryReport {
    let policies: Vec<&Policy> = doc.objectives.iter().map(|o| evidence.policy_for(o.id.0)).collect();
    let mut cells: HashMap<(usize, String), Vec<(Scored, bool)>> = HashMap::new();
    let mut orphaned = 0;
    for r in &evidence.results {
        let Some(learner) = evidence.learners.get(r.learner as usize) else {
            orphaned += 1;
            continue;
        };
        let Some(targets) = reached(doc, r.target_kind, r.target_id).filter(|t| !t.is_empty()) else {
            orphaned += 1;
            continue;
        };
        for o in targets {
            let score = match r.points_possible {
                Some(pp) if pp > 0.0 => r.score / pp * policies[o].points_possible,
                _ => r.score,
            };
            cells.entry((o, learner.pseudonym.clone())).or_default().push((
                Scored { at: r.at, attempt: r.attempt, score },
                r.target_kind == TargetKind::Objective,
            ));
        }
    }
    let mut judged: HashMap<(usize, String), (Option<f64>, u32)> = HashMap::new();
    for ((o, learner), results) in cells {
        // The objective's own results win over those reaching it through alignments.
        let own = results.iter().any(|(_, own)| *own);
        let mut results: Vec<Scored> =
            results.into_iter().filter(|(_, o)| !own || *o).map(|(s, _)| s).collect();
        sort_in_time(&mut results);
        let scores: Vec<f64> = results.iter().map(|s| s.score).collect();
        let n = scores.len() as u32;
        let score = if n >= policies[o].min_results { calculate(policies[o], &scores) } else { None };
        judged.insert((o, learner), (score, n));
    }
    // Roll-up: repeat over the objectives until every supporter is done before what it supports.
    let supporters = |o: usize| -> Vec<usize> {
        let mut out = Vec::new();
        for (i, s) in doc.objectives.iter().enumerate() {
            out.extend(s.supports.iter().filter(|t| t.0 == doc.objectives[o].id.0).map(|_| i));
        }
        out
    };
    let mut done = vec![false; doc.objectives.len()];
    let mut names: Vec<String> = evidence.learners.iter().map(|l| l.pseudonym.clone()).collect();
    names.sort();
    names.dedup();
    while let Some(o) =
        (0..doc.objectives.len()).find(|&o| !done[o] && supporters(o).iter().all(|&s| done[s]))
    {
        done[o] = true;
        let list = supporters(o);
        if list.is_empty() {
            continue;
        }
        for learner in &names {
            let key = (o, learner.clone());
            if judged.get(&key).is_some_and(|(s, _)| s.is_some()) {
                continue;
            }
            let mut shares = Vec::new();
            let mut count = 0;
            for &s in &list {
                if let Some((Some(score), n)) = judged.get(&(s, learner.clone())) {
                    shares.push(score / policies[s].points_possible);
                    count += n;
                }
            }
            if shares.is_empty() {
                continue;
            }
            let mean = shares.iter().sum::<f64>() / shares.len() as f64;
            let own = judged.get(&key).map_or(0, |(_, n)| *n);
            judged.insert(key, (Some(round2(mean * policies[o].points_possible)), count + own));
        }
    }
    let mut keys: Vec<(usize, String)> = judged.keys().cloned().collect();
    keys.sort();
    let mut report = MasteryReport { orphaned, ..MasteryReport::default() };
    for (o, obj) in doc.objectives.iter().enumerate() {
        let policy = policies[o];
        let mine: Vec<&(usize, String)> = keys.iter().filter(|k| k.0 == o).collect();
        let (mut assessed, mut mastered, mut sum) = (0, 0, 0.0);
        for key in mine {
            let (score, results) = judged[key];
            let is = score.is_some_and(|s| s >= policy.mastery_points);
            if let Some(s) = score {
                assessed += 1;
                mastered += u32::from(is);
                sum += s;
            }
            report.learners.push(LearnerMastery {
                learner: key.1.clone(),
                objective: obj.id.0,
                score,
                mastered: is,
                results,
            });
        }
        report.objectives.push(ObjectiveMastery {
            id: obj.id.0,
            code: obj.code.clone(),
            method: policy.method,
            calculation_int: policy.calculation_int,
            mastery_points: policy.mastery_points,
            points_possible: policy.points_possible,
            assessed,
            mastered,
            mean: (assessed > 0).then(|| round2(sum / f64::from(assessed))),
        });
    }
    report
}

/// A random rewiring of the example design: alignments, rubric criteria and supports (acyclic,
/// or now and then with a cycle, which a valid design has not).
fn random_design(rng: &mut Rng) -> Document {
    let mut doc: Document =
        trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap();
    doc.objectives.truncate(3 + rng.below(10));
    let ids: Vec<ObjectiveId> = doc.objectives.iter().map(|o| o.id).collect();
    let pick = |rng: &mut Rng, n: usize| -> Vec<ObjectiveId> {
        (0..rng.below(n + 1))
            .map(|_| if rng.chance(10) { ObjectiveId(Uuid::now_v7()) } else { ids[rng.below(ids.len())] })
            .collect()
    };
    for a in &mut doc.assessments {
        a.objectives = pick(rng, 2);
        for i in &mut a.items {
            i.objectives = pick(rng, 2);
        }
    }
    for c in doc.rubrics.iter_mut().flat_map(|r| &mut r.criteria) {
        c.objective = pick(rng, 1).first().copied();
    }
    let cyclic = rng.chance(10);
    let n = doc.objectives.len();
    for i in 0..n {
        doc.objectives[i].supports.clear();
        for _ in 0..rng.below(3) {
            let target = rng.below(n);
            if target > i || cyclic {
                doc.objectives[i].supports.push(ids[target]);
            }
        }
    }
    doc
}

fn random_policy(rng: &mut Rng) -> Policy {
    let method = Method::ALL[rng.below(Method::ALL.len())];
    let calculation_int = method.parameter().map(|(range, _)| range.start() + rng.below(4) as i64);
    Policy {
        points_possible: [4.0, 5.0, 10.0][rng.below(3)],
        mastery_points: [2.0, 3.0][rng.below(2)],
        method,
        calculation_int,
        min_results: 1 + rng.below(3) as u32,
    }
}

fn random_evidence(rng: &mut Rng, doc: &Document) -> Evidence {
    let mut targets: Vec<(TargetKind, Uuid)> = Vec::new();
    targets.extend(doc.objectives.iter().map(|o| (TargetKind::Objective, o.id.0)));
    targets.extend(doc.assessments.iter().map(|a| (TargetKind::Assessment, a.id.0)));
    targets.extend(doc.assessments.iter().flat_map(|a| &a.items).map(|i| (TargetKind::Item, i.id.0)));
    targets.extend(doc.rubrics.iter().flat_map(|r| &r.criteria).map(|c| (TargetKind::Criterion, c.id.0)));
    targets.push((TargetKind::Objective, Uuid::now_v7()));
    targets.push((TargetKind::Item, doc.objectives[0].id.0));
    let people = 2 + rng.below(12);
    let learners: Vec<Learner> = (0..people + rng.below(4))
        .map(|i| Learner {
            cohort: format!("c{}", i % 2),
            pseudonym: format!("{:016x}", (i % people) * 0x9e37_79b9),
            name: None,
            section: String::new(),
        })
        .collect();
    let results = (0..rng.below(400))
        .map(|row| {
            let (target_kind, target_id) = targets[rng.below(targets.len())];
            ResultRow {
                learner: rng.below(learners.len() + 1) as u32,
                source: Source::Csv,
                target_kind,
                target_id,
                score: rng.below(9) as f64 / 2.0,
                points_possible: [None, Some(4.0), Some(10.0), Some(0.0)][rng.below(4)],
                at: (!rng.chance(20)).then(|| rng.below(5) as i64),
                attempt: rng.chance(50).then(|| rng.below(3) as i64),
                source_row: row as i64 + 2,
                response: None,
            }
        })
        .collect();
    let policy = random_policy(rng);
    let mut overrides = Vec::new();
    for o in &doc.objectives {
        if rng.chance(40) {
            overrides.push((o.id.0, random_policy(rng)));
        }
    }
    Evidence { policy, overrides, cohorts: Vec::new(), learners, results }
}

#[test]
fn grouped_mastery_equals_the_straightforward_calculation_on_random_evidence() {
    let (mut entries, mut scored, mut orphaned) = (0, 0, 0);
    for seed in 1..=300u64 {
        let mut rng = Rng(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
        let doc = random_design(&mut rng);
        let evidence = random_evidence(&mut rng, &doc);
        let fast = mastery::compute(&doc, &evidence);
        let plain = reference(&doc, &evidence);
        assert_eq!(fast.orphaned, plain.orphaned, "orphaned results, seed {seed}");
        assert_eq!(fast, plain, "seed {seed}");
        entries += fast.learners.len();
        scored += fast.learners.iter().filter(|l| l.score.is_some()).count();
        orphaned += fast.orphaned;
        // Identical to the bit, signs of zero included.
        assert_eq!(
            serde_json::to_string(&fast).unwrap(),
            serde_json::to_string(&plain).unwrap(),
            "seed {seed}"
        );
    }
    // The cases are not trivially empty.
    assert!(entries > 3000 && scored > 1000 && orphaned > 1000, "{entries} {scored} {orphaned}");
}

#[test]
fn many_results_take_the_two_thread_path_and_give_the_same_report() {
    // Over 200,000 cells: the calculation splits the objectives between two threads.
    let mut rng = Rng(0x5eed);
    let doc = random_design(&mut rng);
    let mut evidence = random_evidence(&mut rng, &doc);
    let objectives: Vec<Uuid> = doc.objectives.iter().map(|o| o.id.0).collect();
    evidence.results = (0..250_000)
        .map(|row| ResultRow {
            learner: rng.below(evidence.learners.len()) as u32,
            source: Source::Csv,
            target_kind: TargetKind::Objective,
            target_id: objectives[rng.below(objectives.len())],
            score: rng.below(9) as f64 / 2.0,
            points_possible: Some(4.0),
            at: Some(rng.below(50) as i64),
            attempt: None,
            source_row: row + 2,
            response: None,
        })
        .collect();
    let fast = mastery::compute(&doc, &evidence);
    let plain = reference(&doc, &evidence);
    assert_eq!(fast, plain);
}
