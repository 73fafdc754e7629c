//! The lookup tables every check shares, built once per analysis: outline positions, node
//! scopes (program / course / unit / lesson), the evidence and practice links of each
//! objective, grade shares and finding targets. Checks read these instead of scanning the
//! document repeatedly, which keeps a full check linear in the size of the document.
//! It owns no rules: deciding what is wrong is the job of the check modules.

use std::collections::{HashMap, HashSet};

use crate::finding::{Finding, Severity, Target};
use crate::model::{
    Activity, ActivityKind, Assessment, AssessmentPurpose, BloomLevel, Criterion, Document, Domain, Node,
    NodeId, Objective, ObjectiveId, QuizItem, Rubric, RubricId,
};

use super::Scope;

/// How an assessment measures an objective.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Via<'a> {
    /// The assessment as a whole lists the objective.
    Assessment,
    /// A quiz item lists the objective (or inherits it from its assessment).
    Item(&'a QuizItem),
    /// A rubric criterion of the assessment's rubric is aligned to the objective.
    Criterion,
}

/// One piece of assessment evidence for an objective.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Evidence<'a> {
    pub assessment: &'a Assessment,
    pub via: Via<'a>,
}

/// Position of something in time: teaching week (when known) and outline rank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct When {
    pub week: Option<u32>,
    pub rank: usize,
}

impl When {
    /// Whether `self` happens strictly before `other` (weeks first when both have one).
    pub fn before(self, other: When) -> bool {
        match (self.week, other.week) {
            (Some(a), Some(b)) if a != b => a < b,
            _ => self.rank < other.rank,
        }
    }
}

/// A fast, non-cryptographic hasher for id keys (UUIDs are already well mixed). The analysis
/// runs on documents the user opened; hash flooding is not a concern worth SipHash's cost here.
#[derive(Clone, Copy, Default)]
pub(crate) struct IdHasher(u64);

const MIX: u64 = 0x9E37_79B9_7F4A_7C15;

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(23) ^ u64::from_le_bytes(b)).wrapping_mul(MIX);
        }
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(23) ^ i as u64).wrapping_mul(MIX);
    }
}

/// A hash map keyed by ids, with [`IdHasher`].
pub(crate) type IdMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;
/// A hash set of ids, with [`IdHasher`].
pub(crate) type IdSet<K> = HashSet<K, std::hash::BuildHasherDefault<IdHasher>>;

/// Everything the analysis knows about one node.
struct NodeInfo<'a> {
    node: &'a Node,
    rank: usize,
    end: usize,
    scope: Scope,
    course: Option<NodeId>,
    week: Option<u32>,
    path: String,
    children: Vec<&'a Node>,
    objectives: Vec<&'a Objective>,
}

/// Shared lookup tables over one document.
pub(crate) struct Ctx<'a> {
    pub doc: &'a Document,
    nodes: IdMap<NodeId, NodeInfo<'a>>,
    roots: Vec<&'a Node>,
    objectives: IdMap<ObjectiveId, (usize, &'a Objective)>,
    rubrics: IdMap<RubricId, &'a Rubric>,
    supporters: IdMap<ObjectiveId, Vec<ObjectiveId>>,
    evidence: IdMap<ObjectiveId, Vec<Evidence<'a>>>,
    practice: IdMap<ObjectiveId, Vec<&'a Activity>>,
    rubric_users: IdMap<RubricId, Vec<&'a Assessment>>,
    levels: IdMap<ObjectiveId, BloomLevel>,
}

impl<'a> Ctx<'a> {
    /// Builds every table.
    pub fn new(doc: &'a Document) -> Self {
        let known: IdSet<NodeId> = doc.nodes.iter().map(|n| n.id).collect();
        let mut children: IdMap<NodeId, Vec<&Node>> = IdMap::default();
        let mut roots = Vec::new();
        for n in &doc.nodes {
            match n.parent.filter(|p| known.contains(p)) {
                Some(p) => children.entry(p).or_default().push(n),
                None if n.parent.is_none() => roots.push(n),
                None => {} // dangling parent: placed last below
            }
        }
        let mut objectives_by_node: IdMap<NodeId, Vec<&Objective>> = IdMap::default();
        for o in &doc.objectives {
            objectives_by_node.entry(o.node).or_default().push(o);
        }
        let mut nodes: IdMap<NodeId, NodeInfo> = IdMap::default();
        nodes.reserve(doc.nodes.len());
        // Walk the tree from the roots so that ranks are a true pre-order even if the vectors
        // are not normalised, and so that inherited properties flow from parent to child.
        let mut counter = 0usize;
        let mut stack: Vec<(&Node, bool)> = roots.iter().rev().map(|n| (*n, false)).collect();
        while let Some((node, done)) = stack.pop() {
            if done {
                if let Some(info) = nodes.get_mut(&node.id) {
                    info.end = counter.saturating_sub(1);
                }
                continue;
            }
            if nodes.contains_key(&node.id) {
                continue;
            }
            let parent = node.parent.and_then(|p| nodes.get(&p));
            let scope = Scope::of_kind(&node.kind, parent.map(|p| p.scope));
            let course = if scope == Scope::Course { Some(node.id) } else { parent.and_then(|p| p.course) };
            let week = node.week.or_else(|| parent.and_then(|p| p.week));
            let path = match parent {
                Some(p) => format!("{} › {}", p.path, node.title),
                None => node.title.clone(),
            };
            let kids = children.remove(&node.id).unwrap_or_default();
            stack.push((node, true));
            stack.extend(kids.iter().rev().map(|n| (*n, false)));
            nodes.insert(
                node.id,
                NodeInfo {
                    node,
                    rank: counter,
                    end: counter,
                    scope,
                    course,
                    week,
                    path,
                    children: kids,
                    objectives: objectives_by_node.remove(&node.id).unwrap_or_default(),
                },
            );
            counter += 1;
        }
        // Nodes not reachable from a root (only in invalid documents) go last.
        for node in &doc.nodes {
            if let std::collections::hash_map::Entry::Vacant(e) = nodes.entry(node.id) {
                e.insert(NodeInfo {
                    node,
                    rank: counter,
                    end: counter,
                    scope: Scope::of_kind(&node.kind, None),
                    course: None,
                    week: node.week,
                    path: node.title.clone(),
                    children: Vec::new(),
                    objectives: objectives_by_node.remove(&node.id).unwrap_or_default(),
                });
                counter += 1;
            }
        }

        let mut supporters: IdMap<ObjectiveId, Vec<ObjectiveId>> = IdMap::default();
        let mut objectives = IdMap::default();
        for (i, o) in doc.objectives.iter().enumerate() {
            objectives.insert(o.id, (i, o));
            for s in &o.supports {
                supporters.entry(*s).or_default().push(o.id);
            }
        }
        let rubrics: IdMap<RubricId, &Rubric> = doc.rubrics.iter().map(|r| (r.id, r)).collect();

        let mut rubric_users: IdMap<RubricId, Vec<&Assessment>> = IdMap::default();
        for a in &doc.assessments {
            if let Some(r) = a.rubric {
                rubric_users.entry(r).or_default().push(a);
            }
        }

        let mut evidence: IdMap<ObjectiveId, Vec<Evidence>> = IdMap::default();
        for a in &doc.assessments {
            for o in &a.objectives {
                evidence.entry(*o).or_default().push(Evidence { assessment: a, via: Via::Assessment });
            }
            for item in &a.items {
                for o in effective_item_objectives(a, item) {
                    evidence.entry(*o).or_default().push(Evidence { assessment: a, via: Via::Item(item) });
                }
            }
            if let Some(r) = a.rubric.and_then(|r| rubrics.get(&r)) {
                for c in &r.criteria {
                    if let Some(o) = c.objective {
                        evidence.entry(o).or_default().push(Evidence { assessment: a, via: Via::Criterion });
                    }
                }
            }
        }

        let mut practice: IdMap<ObjectiveId, Vec<&Activity>> = IdMap::default();
        for a in &doc.activities {
            for o in &a.objectives {
                practice.entry(*o).or_default().push(a);
            }
        }

        // The document's calibration profile, when it has a readable one, decides inferred
        // levels here as it does in the objective lint (an unreadable one is the lint's O14).
        let profile = crate::pedagogy::document_profile(doc).ok().flatten();
        let levels = doc
            .objectives
            .iter()
            .filter_map(|o| effective_level(o, profile.as_ref()).map(|l| (o.id, l)))
            .collect();

        Ctx { doc, nodes, roots, objectives, rubrics, supporters, evidence, practice, rubric_users, levels }
    }

    /// A node by id.
    pub fn node(&self, id: NodeId) -> Option<&'a Node> {
        self.nodes.get(&id).map(|i| i.node)
    }

    /// An objective by id.
    pub fn objective(&self, id: ObjectiveId) -> Option<&'a Objective> {
        self.objectives.get(&id).map(|(_, o)| *o)
    }

    /// A rubric by id.
    pub fn rubric(&self, id: RubricId) -> Option<&'a Rubric> {
        self.rubrics.get(&id).copied()
    }

    /// Top-level nodes in order.
    pub fn roots(&self) -> &[&'a Node] {
        &self.roots
    }

    /// Children of a node in order.
    pub fn children(&self, id: NodeId) -> &[&'a Node] {
        self.nodes.get(&id).map(|i| i.children.as_slice()).unwrap_or(&[])
    }

    /// Ancestors of a node, nearest first.
    pub fn ancestors(&self, id: NodeId) -> Vec<&'a Node> {
        let mut out: Vec<&Node> = Vec::new();
        let mut current = self.node(id).and_then(|n| n.parent);
        while let Some(parent) = current.and_then(|p| self.node(p)) {
            if out.iter().any(|n| n.id == parent.id) {
                break;
            }
            out.push(parent);
            current = parent.parent;
        }
        out
    }

    /// The node and all its descendants, in pre-order.
    pub fn subtree(&self, id: NodeId) -> Vec<&'a Node> {
        let mut out = Vec::new();
        let mut stack: Vec<&Node> = self.node(id).into_iter().collect();
        while let Some(node) = stack.pop() {
            out.push(node);
            stack.extend(self.children(node.id).iter().rev());
        }
        out
    }

    /// Pre-order rank of a node.
    pub fn rank(&self, node: NodeId) -> usize {
        self.nodes.get(&node).map_or(usize::MAX, |i| i.rank)
    }

    /// Highest pre-order rank inside a node's subtree (the node's "end").
    pub fn end(&self, node: NodeId) -> usize {
        self.nodes.get(&node).map_or(usize::MAX, |i| i.end)
    }

    /// Scope of a node.
    pub fn scope(&self, node: NodeId) -> Scope {
        self.nodes.get(&node).map_or(Scope::Unit, |i| i.scope)
    }

    /// Scope of an objective (the scope of its node).
    pub fn objective_scope(&self, o: &Objective) -> Scope {
        self.scope(o.node)
    }

    /// The course a node belongs to (itself when it is a course).
    pub fn course_of(&self, node: NodeId) -> Option<NodeId> {
        self.nodes.get(&node).and_then(|i| i.course)
    }

    /// Teaching week of a node (inherited from the nearest ancestor that has one).
    pub fn week_of(&self, node: NodeId) -> Option<u32> {
        self.nodes.get(&node).and_then(|i| i.week)
    }

    /// When an activity of this node takes place: at the start of the node.
    pub fn activity_when(&self, a: &Activity) -> When {
        When { week: self.week_of(a.node), rank: self.rank(a.node) }
    }

    /// When an assessment of this node takes place: at the end of the node's subtree, because a
    /// unit test attached to a unit is taken after the unit's lessons.
    pub fn assessment_when(&self, a: &Assessment) -> When {
        When { week: self.week_of(a.node), rank: self.end(a.node) }
    }

    /// Objectives of a node, in order.
    pub fn objectives_of(&self, node: NodeId) -> &[&'a Objective] {
        self.nodes.get(&node).map(|i| i.objectives.as_slice()).unwrap_or(&[])
    }

    /// Index of an objective in `doc.objectives` (its outline order).
    pub fn objective_pos(&self, id: ObjectiveId) -> usize {
        self.objectives.get(&id).map_or(usize::MAX, |(i, _)| *i)
    }

    /// Objectives that declare they support `id` (direct only).
    pub fn supporters(&self, id: ObjectiveId) -> &[ObjectiveId] {
        self.supporters.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// `id` and every objective that supports it, directly or transitively.
    pub fn support_closure(&self, id: ObjectiveId) -> Vec<ObjectiveId> {
        let mut out = vec![id];
        if self.supporters(id).is_empty() {
            return out;
        }
        let mut seen: IdSet<ObjectiveId> = out.iter().copied().collect();
        let mut i = 0;
        while i < out.len() {
            for s in self.supporters(out[i]) {
                if seen.insert(*s) {
                    out.push(*s);
                }
            }
            i += 1;
        }
        out
    }

    /// Direct assessment evidence of an objective.
    pub fn evidence(&self, id: ObjectiveId) -> &[Evidence<'a>] {
        self.evidence.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Activities that practise an objective directly.
    pub fn practice(&self, id: ObjectiveId) -> &[&'a Activity] {
        self.practice.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Assessments that use a rubric.
    pub fn rubric_users(&self, id: RubricId) -> &[&'a Assessment] {
        self.rubric_users.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The level analysis works with: the stored level, or the one inferred from the statement.
    pub fn level(&self, id: ObjectiveId) -> Option<BloomLevel> {
        self.levels.get(&id).copied()
    }

    /// Objectives of a given scope, in outline order.
    pub fn objectives_in_scope(&self, scope: Scope) -> impl Iterator<Item = &'a Objective> + '_ {
        self.doc.objectives.iter().filter(move |o| self.scope(o.node) == scope)
    }

    /// Whether `ancestor` is a proper ancestor of `node`.
    pub fn is_ancestor(&self, ancestor: NodeId, node: NodeId) -> bool {
        ancestor != node && self.rank(ancestor) < self.rank(node) && self.rank(node) <= self.end(ancestor)
    }

    /// Outline path of a node.
    pub fn node_path(&self, node: NodeId) -> String {
        self.nodes.get(&node).map(|i| i.path.clone()).unwrap_or_default()
    }

    /// Short label of an objective: its code, or the start of its statement.
    pub fn objective_label(o: &Objective) -> String {
        if o.code.trim().is_empty() { shorten(&o.statement, 48) } else { o.code.clone() }
    }

    /// Builds a finding.
    pub fn finding(
        code: &str,
        severity: Severity,
        target: Target,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding { code: code.to_owned(), severity, message: message.into(), target, hint: hint.into() }
    }

    /// Target for the document as a whole.
    pub fn t_curriculum(&self) -> Target {
        Target {
            kind: "curriculum".into(),
            id: Some(self.doc.curriculum.id.to_string()),
            path: self.doc.curriculum.title.clone(),
        }
    }

    /// Target for a node.
    pub fn t_node(&self, n: &Node) -> Target {
        Target { kind: "node".into(), id: Some(n.id.to_string()), path: self.node_path(n.id) }
    }

    /// Target for an objective.
    pub fn t_objective(&self, o: &Objective) -> Target {
        Target {
            kind: "objective".into(),
            id: Some(o.id.to_string()),
            path: join(&self.node_path(o.node), &Self::objective_label(o)),
        }
    }

    /// Target for an activity.
    pub fn t_activity(&self, a: &Activity) -> Target {
        Target {
            kind: "activity".into(),
            id: Some(a.id.to_string()),
            path: join(&self.node_path(a.node), &a.title),
        }
    }

    /// Target for an assessment.
    pub fn t_assessment(&self, a: &Assessment) -> Target {
        Target {
            kind: "assessment".into(),
            id: Some(a.id.to_string()),
            path: join(&self.node_path(a.node), &a.title),
        }
    }

    /// Target for a quiz item.
    pub fn t_item(&self, a: &Assessment, item: &QuizItem) -> Target {
        let n = a.items.iter().position(|i| i.id == item.id).map(|i| i + 1).unwrap_or(0);
        Target {
            kind: "item".into(),
            id: Some(item.id.to_string()),
            path: join(&join(&self.node_path(a.node), &a.title), &format!("Item {n}")),
        }
    }

    /// Target for a rubric.
    pub fn t_rubric(&self, r: &Rubric) -> Target {
        Target {
            kind: "rubric".into(), id: Some(r.id.to_string()), path: format!("Rubric “{}”", r.title)
        }
    }

    /// Target for a rubric criterion.
    pub fn t_criterion(&self, r: &Rubric, c: &Criterion) -> Target {
        Target {
            kind: "criterion".into(),
            id: Some(c.id.to_string()),
            path: join(&format!("Rubric “{}”", r.title), &c.title),
        }
    }
}

/// The objectives a quiz item measures: its own, or its assessment's when it names none.
pub(crate) fn effective_item_objectives<'b>(a: &'b Assessment, item: &'b QuizItem) -> &'b [ObjectiveId] {
    if item.objectives.is_empty() { &a.objectives } else { &item.objectives }
}

/// Whether an assessment counts towards the grade.
pub(crate) fn is_graded(a: &Assessment) -> bool {
    match a.purpose {
        AssessmentPurpose::Diagnostic => false,
        AssessmentPurpose::Summative => a.weight.is_none_or(|w| w > 0.0),
        AssessmentPurpose::Formative => a.weight.is_some_and(|w| w > 0.0),
    }
}

/// Whether an activity is instructional material (something to read, watch or visit) rather
/// than something students do.
pub(crate) fn is_material(kind: ActivityKind) -> bool {
    matches!(kind, ActivityKind::Reading | ActivityKind::Video | ActivityKind::Link)
}

/// The level of an objective as the analysis uses it. The stored level (set by the designer or
/// inferred earlier) wins; otherwise a cognitive objective's level is inferred from its
/// statement by the pedagogy engine (with the document's calibration profile). Affective and psychomotor objectives have no cognitive
/// level unless one is stored.
pub(crate) fn effective_level(
    o: &Objective,
    profile: Option<&crate::pedagogy::Profile>,
) -> Option<BloomLevel> {
    o.level.or_else(|| {
        (o.domain == Domain::Cognitive)
            .then(|| crate::pedagogy::analyze_objective_using(&o.statement, profile).level)
            .flatten()
    })
}

/// `a › b`, or just `b` when `a` is empty.
pub(crate) fn join(a: &str, b: &str) -> String {
    if a.is_empty() { b.to_owned() } else { format!("{a} › {b}") }
}

/// The first `max` characters of a text, with an ellipsis when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out = out.trim_end().to_owned();
    out.push('…');
    out
}
