//! Synthetic curricula for benchmarks and property tests: [`large`] builds the benchmark
//! document at any scale, [`random`] builds a small, valid document from a seed that exercises
//! every entity, optional field and link type. Deterministic for a given input.

use std::collections::BTreeMap;

use crate::model::*;

/// Size of a generated curriculum.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    /// Courses under the program.
    pub courses: usize,
    /// Units per course.
    pub units: usize,
    /// Lessons per unit.
    pub lessons: usize,
}

impl Scale {
    /// The benchmark size: 40 courses × 10 units × 5 lessons (≈ 8k objectives, 20k activities,
    /// 6k assessments with 30k items, 1k rubrics).
    pub const LARGE: Scale = Scale { courses: 40, units: 10, lessons: 5 };
}

/// A small deterministic PRNG (xorshift64*), so generation needs no extra crate.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// Seeds the generator (0 is mapped to a fixed non-zero state).
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next_u64() % n as u64) as usize }
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    /// A deterministic UUID v7-shaped id.
    pub fn uuid(&mut self) -> uuid::Uuid {
        let hi = self.next_u64();
        let lo = self.next_u64();
        // 48-bit timestamp from a fixed epoch, version 7, variant 10.
        let ts = 0x0190_0000_0000u64 + (hi >> 40);
        let bytes_hi = (ts << 16) | 0x7000 | (hi & 0x0FFF);
        let bytes_lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        uuid::Uuid::from_u64_pair(bytes_hi, bytes_lo)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const VERBS: &[&str] = &[
    "define",
    "list",
    "explain",
    "summarize",
    "apply",
    "calculate",
    "analyze",
    "compare",
    "evaluate",
    "justify",
    "design",
    "construct",
];
const TOPICS: &[&str] = &[
    "sampling distributions",
    "confidence intervals",
    "the central limit theorem",
    "linear regression",
    "experimental design",
    "probability rules",
    "hypothesis tests",
    "data visualisation",
];
const TEXTS: &[&str] = &[
    "plain text",
    "Markdown with **bold**, _emphasis_ and a [link](https://example.org).",
    "Unicode: Ελληνικά, 日本語, emoji 📊, accents é à ü, and quotes \"'`",
    "Multi-line\n\n- item one\n- item two\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    "<script>alert('raw html is kept as text in the model')</script>",
    "",
];

fn id<T: From<uuid::Uuid>>(rng: &mut Rng) -> T {
    T::from(rng.uuid())
}

fn ts(rng: &mut Rng) -> Timestamp {
    Timestamp::from_unix(1_750_000_000 + rng.below(50_000_000) as i64)
}

/// The benchmark curriculum at `scale`.
pub fn large(scale: Scale) -> Document {
    let mut rng = Rng::new(42);
    let mut doc = Document::new("Generated program");
    doc.curriculum.id = id(&mut rng);
    doc.curriculum.created_at = Timestamp::from_unix(1_750_000_000);
    doc.curriculum.updated_at = Timestamp::from_unix(1_750_000_000);
    doc.curriculum.credit_system = CreditSystem::Ects;
    doc.curriculum.credits = Some(180.0);
    let program = node(&mut rng, None, "program", "P", "Generated program");
    let program_id = program.id;
    doc.nodes.push(program);
    let mut program_outcomes = Vec::new();
    for i in 0..8 {
        let o = objective(&mut rng, program_id, format!("PO{}", i + 1), i);
        program_outcomes.push(o.id);
        doc.objectives.push(o);
    }
    for c in 0..scale.courses {
        let course =
            node(&mut rng, Some(program_id), "course", &format!("C{}", c + 1), &format!("Course {}", c + 1));
        let course_id = course.id;
        doc.nodes.push(course);
        let mut course_outcomes = Vec::new();
        for i in 0..5 {
            let mut o = objective(&mut rng, course_id, format!("C{}.{}", c + 1, i + 1), i);
            o.supports.push(program_outcomes[(c + i) % program_outcomes.len()]);
            course_outcomes.push(o.id);
            doc.objectives.push(o);
        }
        for po in program_outcomes.iter().take(3) {
            if let Some(o) = doc.objectives.iter_mut().find(|o| o.id == *po) {
                let emphasis = [Emphasis::Introduced, Emphasis::Reinforced, Emphasis::Mastered][c % 3];
                o.emphasis.push(CourseEmphasis { course: course_id, emphasis });
            }
        }
        // 25 rubrics per course → 1k rubrics at the benchmark scale.
        let mut rubrics = Vec::new();
        for r in 0..25 {
            let rubric = rubric(&mut rng, &format!("Rubric {}.{}", c + 1, r + 1), course_outcomes[r % 5]);
            rubrics.push(rubric.id);
            doc.rubrics.push(rubric);
        }
        let mut previous_unit: Option<NodeId> = None;
        for u in 0..scale.units {
            let mut unit =
                node(&mut rng, Some(course_id), "unit", &format!("U{}", u + 1), &format!("Unit {}", u + 1));
            unit.prerequisites.extend(previous_unit);
            let unit_id = unit.id;
            previous_unit = Some(unit_id);
            doc.nodes.push(unit);
            let mut unit_objectives = Vec::new();
            for i in 0..5 {
                let mut o = objective(&mut rng, unit_id, format!("U{}.{}", u + 1, i + 1), i + u);
                o.supports.push(course_outcomes[i % 5]);
                unit_objectives.push(o.id);
                doc.objectives.push(o);
            }
            for l in 0..scale.lessons {
                let lesson = node(
                    &mut rng,
                    Some(unit_id),
                    "lesson",
                    &format!("L{}.{}", u + 1, l + 1),
                    &format!("Lesson {}.{}", u + 1, l + 1),
                );
                let lesson_id = lesson.id;
                doc.nodes.push(lesson);
                let mut lesson_objectives = Vec::new();
                for i in 0..3 {
                    let mut o =
                        objective(&mut rng, lesson_id, format!("L{}.{}.{}", u + 1, l + 1, i + 1), i + l);
                    o.supports.push(unit_objectives[(l + i) % unit_objectives.len()]);
                    lesson_objectives.push(o.id);
                    doc.objectives.push(o);
                }
                for a in 0..10 {
                    doc.activities.push(activity(&mut rng, lesson_id, a, &lesson_objectives));
                }
                // 3 assessments with 5 items per lesson (≈ 6k / 30k at the benchmark scale).
                for k in 0..3 {
                    let mut assessment = assessment(&mut rng, lesson_id, k, &lesson_objectives);
                    if k == 2 {
                        assessment.rubric = Some(rubrics[(u * scale.lessons + l) % rubrics.len()]);
                    }
                    doc.assessments.push(assessment);
                }
            }
        }
    }
    doc.normalize();
    doc
}

fn node(rng: &mut Rng, parent: Option<NodeId>, kind: &str, code: &str, title: &str) -> Node {
    Node {
        id: id(rng),
        parent,
        kind: kind.to_owned(),
        code: code.to_owned(),
        title: title.to_owned(),
        summary: format!("{title}: {}", rng.pick(TEXTS)),
        duration_minutes: Some(50 + rng.below(100) as u32),
        week: Some(1 + rng.below(15) as u32),
        prerequisites: Vec::new(),
        fields: BTreeMap::new(),
        status: *rng.pick(&ReviewStatus::ALL),
        pathway: None,
    }
}

fn objective(rng: &mut Rng, node: NodeId, code: String, salt: usize) -> Objective {
    let verb = VERBS[(salt + rng.below(3)) % VERBS.len()];
    let topic = rng.pick(TOPICS);
    let level = BloomLevel::ALL[(VERBS.iter().position(|v| *v == verb).unwrap_or(0)) / 2];
    Objective {
        id: id(rng),
        node,
        code,
        statement: format!("Students will be able to {verb} {topic}."),
        abcd: Abcd {
            audience: "Students".into(),
            behavior: format!("{verb} {topic}"),
            condition: if rng.chance(0.5) { "given a data set".into() } else { String::new() },
            degree: if rng.chance(0.3) { "with 90 % accuracy".into() } else { String::new() },
        },
        level: Some(level),
        level_source: LevelSource::Inferred,
        knowledge: Some(*rng.pick(&KnowledgeDimension::ALL)),
        domain: Domain::Cognitive,
        supports: Vec::new(),
        prerequisites: Vec::new(),
        standards: Vec::new(),
        emphasis: Vec::new(),
    }
}

fn activity(rng: &mut Rng, node: NodeId, n: usize, objectives: &[ObjectiveId]) -> Activity {
    Activity {
        id: id(rng),
        node,
        title: format!("Activity {}", n + 1),
        kind: *rng.pick(&ActivityKind::ALL),
        instructions: rng.pick(TEXTS).to_string(),
        duration_minutes: Some(10 + rng.below(80) as u32),
        grouping: Grouping::Individual,
        event: None,
        objectives: vec![objectives[n % objectives.len()]],
        resources: Vec::new(),
        content: None,
        pathway: None,
    }
}

fn assessment(rng: &mut Rng, node: NodeId, n: usize, objectives: &[ObjectiveId]) -> Assessment {
    let items = (0..5).map(|i| item(rng, i, objectives)).collect();
    Assessment {
        id: id(rng),
        node,
        title: format!("Assessment {}", n + 1),
        purpose: [AssessmentPurpose::Diagnostic, AssessmentPurpose::Formative, AssessmentPurpose::Summative]
            [n % 3],
        format: [AssessmentFormat::Quiz, AssessmentFormat::Exam, AssessmentFormat::Assignment][n % 3],
        instructions: rng.pick(TEXTS).to_string(),
        points: Some(10.0),
        weight: Some(1.0),
        duration_minutes: Some(30),
        mastery_score: Some(0.8),
        grasps: None,
        rubric: None,
        objectives: objectives.to_vec(),
        items,
    }
}

fn item(rng: &mut Rng, n: usize, objectives: &[ObjectiveId]) -> QuizItem {
    let body = match rng.below(7) {
        0 => ItemBody::MultipleChoice { choices: choices(rng, 4, 1) },
        1 => ItemBody::MultipleResponse { choices: choices(rng, 5, 2) },
        2 => ItemBody::TrueFalse { answer: rng.chance(0.5) },
        3 => ItemBody::ShortAnswer { answers: vec!["mean".into(), "average".into()], case_sensitive: false },
        4 => ItemBody::Numeric { answer: 2.5 + rng.below(100) as f64 / 8.0, tolerance: 0.125 },
        5 => ItemBody::Essay { guidance: "Look for a justified conclusion.".into() },
        _ => ItemBody::Matching {
            pairs: (0..3)
                .map(|i| MatchPair {
                    id: id(rng),
                    prompt: format!("Term {i}"),
                    answer: format!("Definition {i}"),
                })
                .collect(),
        },
    };
    QuizItem {
        id: id(rng),
        stem: format!("Question {}: {}", n + 1, rng.pick(TEXTS)),
        body,
        points: 1.0 + rng.below(4) as f64,
        feedback_correct: "Well done.".into(),
        feedback_incorrect: String::new(),
        level: Some(*rng.pick(&BloomLevel::ALL)),
        objectives: vec![objectives[n % objectives.len()]],
    }
}

fn choices(rng: &mut Rng, n: usize, correct: usize) -> Vec<Choice> {
    (0..n)
        .map(|i| Choice {
            id: id(rng),
            text: format!("Choice {i}"),
            correct: i < correct,
            feedback: String::new(),
        })
        .collect()
}

fn rubric(rng: &mut Rng, title: &str, objective: ObjectiveId) -> Rubric {
    let levels: Vec<RubricLevel> = ["Beginning", "Developing", "Proficient", "Exemplary"]
        .iter()
        .enumerate()
        .map(|(i, label)| RubricLevel { id: id(rng), label: (*label).into(), points: (i + 1) as f64 })
        .collect();
    let criteria = (0..4)
        .map(|c| Criterion {
            id: id(rng),
            title: format!("Criterion {}", c + 1),
            description: String::new(),
            weight: 1.0,
            objective: Some(objective),
            descriptors: levels
                .iter()
                .map(|l| Descriptor { level: l.id, text: format!("{} work", l.label) })
                .collect(),
        })
        .collect();
    Rubric {
        id: id(rng),
        title: title.into(),
        kind: RubricKind::Analytic,
        description: String::new(),
        levels,
        criteria,
    }
}

/// A small, valid document that exercises every entity, optional field and link type.
pub fn random(seed: u64) -> Document {
    let mut rng = Rng::new(seed);
    let mut doc = Document::new(rng.pick(TEXTS).to_string());
    doc.curriculum.id = id(&mut rng);
    doc.curriculum.created_at = ts(&mut rng);
    doc.curriculum.updated_at = ts(&mut rng);
    doc.curriculum.credit_system =
        *rng.pick(&[CreditSystem::None, CreditSystem::UsCreditHours, CreditSystem::Ects]);
    doc.curriculum.credits = rng.chance(0.5).then(|| rng.below(10) as f64 + 0.5);
    doc.curriculum.weeks = rng.chance(0.5).then(|| rng.below(20) as u32);
    doc.curriculum.template = rng.chance(0.5).then(|| "backward-design".to_owned());
    doc.curriculum.description = rng.pick(TEXTS).to_string();

    // Nodes: a random forest, parents always earlier.
    let n_nodes = 1 + rng.below(12);
    for i in 0..n_nodes {
        let parent = if i == 0 || rng.chance(0.2) { None } else { Some(doc.nodes[rng.below(i)].id) };
        let kind = *rng.pick(&["program", "course", "unit", "lesson", "phase"]);
        let title = *rng.pick(TEXTS);
        let mut n = node(&mut rng, parent, kind, &format!("N{i}"), title);
        if rng.chance(0.3) {
            n.fields.insert("essentialQuestions".into(), serde_json::json!(["Why?", rng.pick(TEXTS)]));
        }
        if rng.chance(0.3) {
            n.duration_minutes = None;
            n.week = None;
        }
        // Prerequisites only on earlier nodes: acyclic by construction.
        if i > 0 && rng.chance(0.4) {
            n.prerequisites.push(doc.nodes[rng.below(i)].id);
        }
        doc.nodes.push(n);
    }
    let node_ids: Vec<NodeId> = doc.nodes.iter().map(|n| n.id).collect();

    let framework = Framework {
        id: id(&mut rng),
        identifier: rng.uuid().to_string(),
        uri: "https://example.org/framework".into(),
        title: "Framework".into(),
        creator: "Example".into(),
        version: "1.0".into(),
        language: "en".into(),
        source: "case".into(),
        extra: serde_json::json!({"licenseURI": "https://example.org/license", "subject": ["Math"], "n": rng.below(5)}),
    };
    let fw_id = framework.id;
    doc.frameworks.push(framework);
    for i in 0..rng.below(5) {
        let parent = if i > 0 && rng.chance(0.5) { Some(doc.standard_items[rng.below(i)].id) } else { None };
        doc.standard_items.push(StandardItem {
            id: id(&mut rng),
            framework: fw_id,
            parent,
            identifier: rng.uuid().to_string(),
            uri: format!("https://example.org/items/{i}"),
            code: format!("S.{i}"),
            statement: rng.pick(TEXTS).to_string(),
            abbreviated: String::new(),
            item_type: "Standard".into(),
            extra: if rng.chance(0.5) {
                serde_json::json!({"conceptKeywords": ["a", "b"]})
            } else {
                serde_json::Value::Null
            },
        });
    }
    if rng.chance(0.5) {
        doc.associations.push(StandardAssociation {
            id: id(&mut rng),
            framework: fw_id,
            identifier: rng.uuid().to_string(),
            association_type: "exactMatchOf".into(),
            origin: ExternalRef { identifier: "a".into(), uri: "https://x/a".into(), title: "A".into() },
            destination: ExternalRef { identifier: "b".into(), uri: String::new(), title: String::new() },
            extra: serde_json::Value::Null,
        });
    }
    let item_ids: Vec<StandardItemId> = doc.standard_items.iter().map(|s| s.id).collect();

    for i in 0..rng.below(10) {
        let node = node_ids[rng.below(node_ids.len())];
        let mut o = objective(&mut rng, node, format!("O{i}"), i);
        o.level = rng.chance(0.8).then(|| *rng.pick(&BloomLevel::ALL));
        o.knowledge = rng.chance(0.5).then(|| *rng.pick(&KnowledgeDimension::ALL));
        o.domain = *rng.pick(&[Domain::Cognitive, Domain::Affective, Domain::Psychomotor]);
        if i > 0 && rng.chance(0.5) {
            o.supports.push(doc.objectives[rng.below(i)].id);
        }
        if i > 0 && rng.chance(0.3) {
            o.prerequisites.push(doc.objectives[rng.below(i)].id);
        }
        if !item_ids.is_empty() && rng.chance(0.5) {
            o.standards.push(item_ids[rng.below(item_ids.len())]);
        }
        if rng.chance(0.3) {
            o.emphasis.push(CourseEmphasis {
                course: node_ids[rng.below(node_ids.len())],
                emphasis: Emphasis::Reinforced,
            });
        }
        doc.objectives.push(o);
    }
    let objective_ids: Vec<ObjectiveId> = doc.objectives.iter().map(|o| o.id).collect();

    if rng.chance(0.5) {
        let data: Vec<u8> = (0..rng.below(64)).map(|_| rng.next_u64() as u8).collect();
        let mut asset = Asset::new("figure.png", "image/png", data);
        asset.id = id(&mut rng);
        asset.alt = "A figure".into();
        doc.assets.push(asset);
    }
    for i in 0..rng.below(6) {
        let node = node_ids[rng.below(node_ids.len())];
        let objs = if objective_ids.is_empty() {
            Vec::new()
        } else {
            vec![objective_ids[rng.below(objective_ids.len())]]
        };
        let mut a = activity(&mut rng, node, i, &[ObjectiveId(uuid::Uuid::nil())]);
        a.objectives = objs;
        a.event = rng.chance(0.5).then(|| "engage".to_owned());
        a.grouping =
            *rng.pick(&[Grouping::Individual, Grouping::Pairs, Grouping::SmallGroups, Grouping::WholeClass]);
        if rng.chance(0.5) {
            a.resources.push(Resource {
                title: "Link".into(),
                url: Some("https://example.org".into()),
                asset: None,
            });
        }
        if let Some(asset) = doc.assets.first()
            && rng.chance(0.5)
        {
            a.resources.push(Resource { title: "File".into(), url: None, asset: Some(asset.id) });
        }
        doc.activities.push(a);
    }
    if !objective_ids.is_empty() && rng.chance(0.7) {
        let r = rubric(&mut rng, "Rubric", objective_ids[0]);
        doc.rubrics.push(r);
    }
    for i in 0..rng.below(4) {
        let node = node_ids[rng.below(node_ids.len())];
        let objs: Vec<ObjectiveId> = objective_ids.iter().take(1 + rng.below(2)).copied().collect();
        let mut a = if objs.is_empty() {
            let mut a = assessment(&mut rng, node, i, &[ObjectiveId(uuid::Uuid::nil())]);
            a.objectives.clear();
            for it in &mut a.items {
                it.objectives.clear();
            }
            a
        } else {
            assessment(&mut rng, node, i, &objs)
        };
        a.rubric = doc.rubrics.first().map(|r| r.id).filter(|_| rng.chance(0.5));
        if rng.chance(0.3) {
            a.grasps = Some(Grasps { goal: "Goal".into(), role: "Analyst".into(), ..Grasps::default() });
            a.points = None;
            a.mastery_score = None;
        }
        doc.assessments.push(a);
    }
    let targets: Vec<uuid::Uuid> =
        node_ids.iter().map(|n| n.0).chain(objective_ids.iter().map(|o| o.0)).collect();
    for i in 0..rng.below(4) {
        let parent = if i > 0 && rng.chance(0.5) { Some(doc.comments[rng.below(i)].id) } else { None };
        doc.comments.push(Comment {
            id: id(&mut rng),
            target: targets[rng.below(targets.len())],
            parent,
            author: "Reviewer".into(),
            body: rng.pick(TEXTS).to_string(),
            created_at: ts(&mut rng),
            resolved: rng.chance(0.5),
        });
    }
    for _ in 0..rng.below(3) {
        doc.review_events.push(ReviewEvent {
            id: id(&mut rng),
            node: node_ids[rng.below(node_ids.len())],
            from: ReviewStatus::Draft,
            to: ReviewStatus::InReview,
            author: "Designer".into(),
            at: ts(&mut rng),
            note: rng.pick(TEXTS).to_string(),
        });
    }
    if rng.chance(0.3) {
        doc.snapshots.push(Snapshot {
            id: id(&mut rng),
            name: "Before review".into(),
            created_at: ts(&mut rng),
            document: "{\"format\": 1}".into(),
        });
    }
    doc.normalize();
    doc
}
