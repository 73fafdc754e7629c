//! `Document`: the whole curriculum as one in-memory aggregate, the shape that the store loads,
//! the canonical JSON serialises and every analysis and exporter reads.
//!
//! Collections are flat vectors in *canonical order*: nodes in pre-order (parents before
//! children, siblings in outline order); objectives, activities and assessments grouped by node
//! in that order, each group in its own order. [`Document::normalize`] restores that order and
//! [`Document::validate`] enforces every invariant in one place, so nothing else needs to.

use std::collections::{BTreeSet, HashMap, HashSet};

use petgraph::algo::toposort;
use petgraph::graphmap::DiGraphMap;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::*;

/// Canonical-format version written in every JSON document.
pub const FORMAT_VERSION: u32 = 1;

/// Longest text accepted in a single field (1 MiB). Asset data is exempt.
pub const MAX_TEXT_LEN: usize = 1 << 20;

/// A whole curriculum document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Document {
    /// Canonical-format version (currently 1).
    pub format: u32,
    /// The document root.
    pub curriculum: Curriculum,
    /// Outline nodes in pre-order.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// Objectives grouped by node.
    #[serde(default)]
    pub objectives: Vec<Objective>,
    /// Imported frameworks.
    #[serde(default)]
    pub frameworks: Vec<Framework>,
    /// Framework items grouped by framework.
    #[serde(default)]
    pub standard_items: Vec<StandardItem>,
    /// Associations between framework items.
    #[serde(default)]
    pub associations: Vec<StandardAssociation>,
    /// Activities grouped by node.
    #[serde(default)]
    pub activities: Vec<Activity>,
    /// Assessments grouped by node.
    #[serde(default)]
    pub assessments: Vec<Assessment>,
    /// Rubrics.
    #[serde(default)]
    pub rubrics: Vec<Rubric>,
    /// Review comments.
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// Review status audit trail.
    #[serde(default)]
    pub review_events: Vec<ReviewEvent>,
    /// Named snapshots.
    #[serde(default)]
    pub snapshots: Vec<Snapshot>,
    /// Stored files.
    #[serde(default)]
    pub assets: Vec<Asset>,
    /// Language variants: translated learner-facing text per language (omitted when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<Translation>>", optional))]
    pub translations: Vec<Translation>,
}

/// One broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Where: `objective 0190…` or `node "Unit 2"`.
    pub place: String,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.problem)
    }
}

impl Document {
    /// An empty document with the given title.
    pub fn new(title: impl Into<String>) -> Self {
        let now = Timestamp::now();
        Document::with_curriculum(
            FORMAT_VERSION,
            Curriculum {
                id: CurriculumId::new(),
                title: title.into(),
                code: String::new(),
                description: String::new(),
                audience: String::new(),
                level: String::new(),
                language: "en".to_owned(),
                credit_system: CreditSystem::None,
                credits: None,
                weeks: None,
                template: None,
                objective_profile: None,
                review_plan: None,
                created_at: now.clone(),
                updated_at: now,
            },
        )
    }

    /// A document of format `format` holding `curriculum` and nothing else yet.
    pub fn with_curriculum(format: u32, curriculum: Curriculum) -> Self {
        Document {
            format,
            curriculum,
            nodes: Vec::new(),
            objectives: Vec::new(),
            frameworks: Vec::new(),
            standard_items: Vec::new(),
            associations: Vec::new(),
            activities: Vec::new(),
            assessments: Vec::new(),
            rubrics: Vec::new(),
            comments: Vec::new(),
            review_events: Vec::new(),
            snapshots: Vec::new(),
            assets: Vec::new(),
            translations: Vec::new(),
        }
    }

    /// Puts every collection into canonical order without changing sibling order.
    ///
    /// Nodes whose parent is missing keep their place at the end so that [`Document::validate`]
    /// can report them.
    pub fn normalize(&mut self) {
        let order = preorder(&self.nodes);
        let rank: HashMap<NodeId, usize> =
            order.iter().enumerate().map(|(rank, &i)| (self.nodes[i].id, rank)).collect();
        let mut nodes: Vec<Option<Node>> = std::mem::take(&mut self.nodes).into_iter().map(Some).collect();
        let mut sorted = Vec::with_capacity(nodes.len());
        for &i in &order {
            if let Some(node) = nodes[i].take() {
                sorted.push(node);
            }
        }
        sorted.extend(nodes.into_iter().flatten());
        self.nodes = sorted;
        let key = |node: &NodeId| rank.get(node).copied().unwrap_or(usize::MAX);
        // Lists read from the store are nearly always in order already: checking is one lookup
        // per entity, sorting several per entity.
        sort_stably(&mut self.objectives, |o| key(&o.node));
        sort_stably(&mut self.activities, |a| key(&a.node));
        sort_stably(&mut self.assessments, |a| key(&a.node));
        let fw_rank: HashMap<FrameworkId, usize> =
            self.frameworks.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
        let fw_key = |f: &FrameworkId| fw_rank.get(f).copied().unwrap_or(usize::MAX);
        sort_stably(&mut self.standard_items, |s| fw_key(&s.framework));
        sort_stably(&mut self.associations, |s| fw_key(&s.framework));
        super::translation::normalize(&mut self.translations);
    }

    /// Checks every invariant and returns all violations (empty when the document is sound).
    pub fn violations(&self) -> Vec<Violation> {
        Checker::new(self).run()
    }

    /// `Ok` when the document is sound, otherwise the violations.
    pub fn validate(&self) -> Result<(), Vec<Violation>> {
        let violations = self.violations();
        if violations.is_empty() { Ok(()) } else { Err(violations) }
    }

    /// [`Document::validate`] as the library's error: `Error::Invalid` naming `source_name` (the
    /// file or input the document came from) with every problem. The one place a caller turns
    /// violations into an error.
    pub fn validate_as(&self, source_name: impl Into<String>) -> crate::Result<()> {
        self.validate().map_err(|problems| crate::Error::invalid(source_name, &problems))
    }

    /// Whether the collections are in canonical order.
    pub fn is_normalized(&self) -> bool {
        let mut copy = self.clone();
        copy.normalize();
        copy == *self
    }

    /// Lookup tables over this document.
    pub fn index(&self) -> Index<'_> {
        Index::new(self)
    }
}

/// Pre-order of node indices: roots in vector order, children in vector order.
fn preorder(nodes: &[Node]) -> Vec<usize> {
    let ids: HashSet<NodeId> = nodes.iter().map(|n| n.id).collect();
    let mut children: HashMap<Option<NodeId>, Vec<usize>> = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        let parent = node.parent.filter(|p| ids.contains(p));
        let parent = if node.parent.is_some() && parent.is_none() { Some(node.id) } else { parent };
        // Orphans are parked under their own id (never reached from a root).
        children.entry(parent).or_default().push(i);
    }
    let mut out = Vec::with_capacity(nodes.len());
    let mut seen = HashSet::new();
    let mut stack: Vec<usize> =
        children.get(&None).map(|v| v.iter().rev().copied().collect()).unwrap_or_default();
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        out.push(i);
        if let Some(kids) = children.get(&Some(nodes[i].id)) {
            stack.extend(kids.iter().rev().filter(|&&k| k != i));
        }
    }
    out
}

/// Lookup tables over a document, built once per analysis or export.
pub struct Index<'a> {
    /// The document indexed.
    pub doc: &'a Document,
    nodes: HashMap<NodeId, &'a Node>,
    objectives: HashMap<ObjectiveId, &'a Objective>,
    activities: HashMap<ActivityId, &'a Activity>,
    assessments: HashMap<AssessmentId, &'a Assessment>,
    rubrics: HashMap<RubricId, &'a Rubric>,
    standard_items: HashMap<StandardItemId, &'a StandardItem>,
    assets: HashMap<AssetId, &'a Asset>,
    children: HashMap<Option<NodeId>, Vec<&'a Node>>,
}

impl<'a> Index<'a> {
    /// Builds the tables.
    pub fn new(doc: &'a Document) -> Self {
        let mut children: HashMap<Option<NodeId>, Vec<&Node>> = HashMap::new();
        for node in &doc.nodes {
            children.entry(node.parent).or_default().push(node);
        }
        Index {
            doc,
            nodes: doc.nodes.iter().map(|n| (n.id, n)).collect(),
            objectives: doc.objectives.iter().map(|o| (o.id, o)).collect(),
            activities: doc.activities.iter().map(|a| (a.id, a)).collect(),
            assessments: doc.assessments.iter().map(|a| (a.id, a)).collect(),
            rubrics: doc.rubrics.iter().map(|r| (r.id, r)).collect(),
            standard_items: doc.standard_items.iter().map(|s| (s.id, s)).collect(),
            assets: doc.assets.iter().map(|a| (a.id, a)).collect(),
            children,
        }
    }

    /// A node by id.
    pub fn node(&self, id: NodeId) -> Option<&'a Node> {
        self.nodes.get(&id).copied()
    }
    /// An objective by id.
    pub fn objective(&self, id: ObjectiveId) -> Option<&'a Objective> {
        self.objectives.get(&id).copied()
    }
    /// An activity by id.
    pub fn activity(&self, id: ActivityId) -> Option<&'a Activity> {
        self.activities.get(&id).copied()
    }
    /// An assessment by id.
    pub fn assessment(&self, id: AssessmentId) -> Option<&'a Assessment> {
        self.assessments.get(&id).copied()
    }
    /// A rubric by id.
    pub fn rubric(&self, id: RubricId) -> Option<&'a Rubric> {
        self.rubrics.get(&id).copied()
    }
    /// A framework item by id.
    pub fn standard_item(&self, id: StandardItemId) -> Option<&'a StandardItem> {
        self.standard_items.get(&id).copied()
    }
    /// An asset by id.
    pub fn asset(&self, id: AssetId) -> Option<&'a Asset> {
        self.assets.get(&id).copied()
    }
    /// Top-level nodes in order.
    pub fn roots(&self) -> &[&'a Node] {
        self.children.get(&None).map(Vec::as_slice).unwrap_or(&[])
    }
    /// Children of a node in order.
    pub fn children(&self, id: NodeId) -> &[&'a Node] {
        self.children.get(&Some(id)).map(Vec::as_slice).unwrap_or(&[])
    }
    /// Ancestors of a node, nearest first.
    pub fn ancestors(&self, id: NodeId) -> Vec<&'a Node> {
        let mut out = Vec::new();
        let mut current = self.node(id).and_then(|n| n.parent);
        while let Some(parent) = current.and_then(|p| self.node(p)) {
            if out.iter().any(|n: &&Node| n.id == parent.id) {
                break;
            }
            out.push(parent);
            current = parent.parent;
        }
        out
    }
    /// Human path of a node: `Course › Unit 2 › Lesson 2.1`.
    pub fn path(&self, id: NodeId) -> String {
        let mut parts: Vec<&str> = self.ancestors(id).iter().rev().map(|n| n.title.as_str()).collect();
        if let Some(node) = self.node(id) {
            parts.push(&node.title);
        }
        parts.join(" › ")
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
    /// Objectives of one node, in order.
    pub fn objectives_of(&self, node: NodeId) -> impl Iterator<Item = &'a Objective> + '_ {
        self.doc.objectives.iter().filter(move |o| o.node == node)
    }
    /// Activities of one node, in order.
    pub fn activities_of(&self, node: NodeId) -> impl Iterator<Item = &'a Activity> + '_ {
        self.doc.activities.iter().filter(move |a| a.node == node)
    }
    /// Assessments of one node, in order.
    pub fn assessments_of(&self, node: NodeId) -> impl Iterator<Item = &'a Assessment> + '_ {
        self.doc.assessments.iter().filter(move |a| a.node == node)
    }
}

struct Checker<'a> {
    doc: &'a Document,
    out: Vec<Violation>,
    all_ids: HashSet<Uuid>,
    /// Nodes' pathway objectives, checked once the objectives are known.
    pathway_refs: Vec<(String, Vec<ObjectiveId>)>,
}

impl<'a> Checker<'a> {
    fn new(doc: &'a Document) -> Self {
        Checker { doc, out: Vec::new(), all_ids: HashSet::new(), pathway_refs: Vec::new() }
    }

    fn fail(&mut self, place: impl Into<String>, problem: impl Into<String>) {
        self.out.push(Violation { place: place.into(), problem: problem.into() });
    }

    fn unique(&mut self, kind: &str, id: Uuid) {
        if !self.all_ids.insert(id) {
            self.fail(format!("{kind} {id}"), "id is used by more than one entity");
        }
    }

    fn text(&mut self, place: &str, field: &str, value: &str) {
        if value.len() > MAX_TEXT_LEN {
            self.fail(
                place,
                format!("{field} is {} bytes long; the limit is {MAX_TEXT_LEN} bytes", value.len()),
            );
        } else if let Some(line) = super::limits::html_too_deep(value, MAX_HTML_DEPTH) {
            self.fail(
                place,
                format!(
                    "{field}, line {line}: its HTML is nested more than {MAX_HTML_DEPTH} elements deep; Trellis reads at most {MAX_HTML_DEPTH}"
                ),
            );
        }
    }

    /// Refuses outline and framework hierarchies nested deeper than the limits (and framework
    /// item parent cycles). Linear: each tree is walked once from its roots.
    fn depths(&mut self) {
        let doc = self.doc;
        let node_depth = tree_depth(doc.nodes.iter().map(|n| (n.id, n.parent)));
        if let Some((id, depth)) = node_depth.deepest
            && depth > MAX_OUTLINE_DEPTH
        {
            let title = doc.nodes.iter().find(|n| n.id == id).map_or("", |n| n.title.as_str());
            self.fail(
                format!("node {id} \"{title}\""),
                format!(
                    "the outline is nested {} levels deep here; Trellis reads at most {MAX_OUTLINE_DEPTH}",
                    thousands(depth)
                ),
            );
        }
        let mut by_framework: HashMap<FrameworkId, Vec<(StandardItemId, Option<StandardItemId>)>> =
            HashMap::new();
        for s in &doc.standard_items {
            by_framework.entry(s.framework).or_default().push((s.id, s.parent));
        }
        let mut frameworks: Vec<_> = by_framework.into_iter().collect();
        frameworks.sort_by_key(|(f, _)| *f);
        for (framework, items) in frameworks {
            let depth = tree_depth(items.iter().copied());
            let item = |id: StandardItemId| {
                let code = doc.standard_items.iter().find(|s| s.id == id).map_or("", |s| s.code.as_str());
                format!("standard item {id} \"{code}\"")
            };
            if let Some((id, deepest)) = depth.deepest
                && deepest > MAX_FRAMEWORK_DEPTH
            {
                self.fail(
                    item(id),
                    format!(
                        "the hierarchy of framework {framework} is nested {} levels deep here; Trellis reads at most {MAX_FRAMEWORK_DEPTH}",
                        thousands(deepest)
                    ),
                );
            }
            if let Some(id) = depth.cyclic.first() {
                self.fail(
                    item(*id),
                    format!(
                        "is part of a parent cycle in framework {framework} ({} item(s) are)",
                        depth.cyclic.len()
                    ),
                );
            }
        }
    }

    fn number(&mut self, place: &str, field: &str, value: Option<f64>) {
        if let Some(v) = value
            && !v.is_finite()
        {
            self.fail(place, format!("{field} must be a finite number"));
        }
    }

    fn run(mut self) -> Vec<Violation> {
        let doc = self.doc;
        if doc.format != FORMAT_VERSION {
            self.fail(
                "document",
                format!("format {} is not supported (expected {FORMAT_VERSION})", doc.format),
            );
        }
        let c = &doc.curriculum;
        self.unique("curriculum", c.id.0);
        self.text("curriculum", "title", &c.title);
        self.text("curriculum", "description", &c.description);
        self.number("curriculum", "credits", c.credits);
        for problem in c.review_plan.iter().flat_map(ReviewPlan::problems) {
            self.fail("curriculum review plan", problem);
        }

        let node_ids: HashSet<NodeId> = doc.nodes.iter().map(|n| n.id).collect();
        for node in &doc.nodes {
            let place = format!("node {} \"{}\"", node.id, node.title);
            self.unique("node", node.id.0);
            self.text(&place, "title", &node.title);
            self.text(&place, "summary", &node.summary);
            if node.kind.trim().is_empty() {
                self.fail(&place, "kind is empty");
            }
            if let Some(parent) = node.parent
                && !node_ids.contains(&parent)
            {
                self.fail(&place, format!("parent {parent} does not exist"));
            }
            self.refs(&place, "prerequisite", &node.prerequisites, &node_ids);
            if node.prerequisites.contains(&node.id) {
                self.fail(&place, "is its own prerequisite");
            }
            if let Some(p) = &node.pathway {
                self.pathway_refs.push((place.clone(), p.objectives.clone()));
            }
        }
        // Parent links must form a forest.
        let reached: HashSet<usize> = preorder(&doc.nodes).into_iter().collect();
        for (i, node) in doc.nodes.iter().enumerate() {
            if !reached.contains(&i) && node.parent.is_some_and(|p| node_ids.contains(&p)) {
                self.fail(format!("node {} \"{}\"", node.id, node.title), "is part of a parent cycle");
            }
        }
        self.depths();
        let node_edges = doc.nodes.iter().flat_map(|n| n.prerequisites.iter().map(move |p| (p.0, n.id.0)));
        self.acyclic("node prerequisites", node_edges);

        let objective_ids: HashSet<ObjectiveId> = doc.objectives.iter().map(|o| o.id).collect();
        let framework_ids: HashSet<FrameworkId> = doc.frameworks.iter().map(|f| f.id).collect();
        let item_ids: HashSet<StandardItemId> = doc.standard_items.iter().map(|s| s.id).collect();
        for o in &doc.objectives {
            let place = format!("objective {} \"{}\"", o.id, o.code);
            self.unique("objective", o.id.0);
            self.text(&place, "statement", &o.statement);
            if !node_ids.contains(&o.node) {
                self.fail(&place, format!("node {} does not exist", o.node));
            }
            self.refs(&place, "supported objective", &o.supports, &objective_ids);
            self.refs(&place, "prerequisite objective", &o.prerequisites, &objective_ids);
            self.refs(&place, "standard item", &o.standards, &item_ids);
            if o.supports.contains(&o.id) {
                self.fail(&place, "supports itself");
            }
            let courses: Vec<NodeId> = o.emphasis.iter().map(|e| e.course).collect();
            self.refs(&place, "curriculum-map course", &courses, &node_ids);
        }
        for (place, objectives) in std::mem::take(&mut self.pathway_refs) {
            self.refs(&place, "pathway objective", &objectives, &objective_ids);
        }
        let supports = doc.objectives.iter().flat_map(|o| o.supports.iter().map(move |s| (o.id.0, s.0)));
        self.acyclic("objective supports links", supports);
        let prereqs = doc.objectives.iter().flat_map(|o| o.prerequisites.iter().map(move |p| (p.0, o.id.0)));
        self.acyclic("objective prerequisites", prereqs);

        for f in &doc.frameworks {
            self.unique("framework", f.id.0);
            self.text(&format!("framework {}", f.id), "title", &f.title);
        }
        for s in &doc.standard_items {
            let place = format!("standard item {} \"{}\"", s.id, s.code);
            self.unique("standard item", s.id.0);
            self.text(&place, "statement", &s.statement);
            if !framework_ids.contains(&s.framework) {
                self.fail(&place, format!("framework {} does not exist", s.framework));
            }
            if let Some(parent) = s.parent
                && !item_ids.contains(&parent)
            {
                self.fail(&place, format!("parent item {parent} does not exist"));
            }
        }
        for a in &doc.associations {
            self.unique("association", a.id.0);
            if !framework_ids.contains(&a.framework) {
                self.fail(
                    format!("association {}", a.id),
                    format!("framework {} does not exist", a.framework),
                );
            }
        }

        let asset_ids: HashSet<AssetId> = doc.assets.iter().map(|a| a.id).collect();
        for a in &doc.activities {
            let place = format!("activity {} \"{}\"", a.id, a.title);
            self.unique("activity", a.id.0);
            self.text(&place, "title", &a.title);
            self.text(&place, "instructions", &a.instructions);
            if !node_ids.contains(&a.node) {
                self.fail(&place, format!("node {} does not exist", a.node));
            }
            self.refs(&place, "objective", &a.objectives, &objective_ids);
            if let Some(p) = &a.pathway {
                self.refs(&place, "pathway objective", &p.objectives, &objective_ids);
            }
            for r in &a.resources {
                if let Some(asset) = r.asset
                    && !asset_ids.contains(&asset)
                {
                    self.fail(&place, format!("resource asset {asset} does not exist"));
                }
            }
            if let Some(c) = &a.content
                && !asset_ids.contains(&c.asset)
            {
                self.fail(&place, format!("interactive content asset {} does not exist", c.asset));
            }
        }

        let rubric_ids: HashSet<RubricId> = doc.rubrics.iter().map(|r| r.id).collect();
        for a in &doc.assessments {
            let place = format!("assessment {} \"{}\"", a.id, a.title);
            self.unique("assessment", a.id.0);
            self.text(&place, "title", &a.title);
            self.text(&place, "instructions", &a.instructions);
            if !node_ids.contains(&a.node) {
                self.fail(&place, format!("node {} does not exist", a.node));
            }
            self.number(&place, "points", a.points);
            self.number(&place, "weight", a.weight);
            if let Some(m) = a.mastery_score
                && !(0.0..=1.0).contains(&m)
            {
                self.fail(&place, "masteryScore must be between 0 and 1");
            }
            if let Some(r) = a.rubric
                && !rubric_ids.contains(&r)
            {
                self.fail(&place, format!("rubric {r} does not exist"));
            }
            self.refs(&place, "objective", &a.objectives, &objective_ids);
            for item in &a.items {
                let place = format!("item {} of {place}", item.id);
                self.unique("item", item.id.0);
                self.text(&place, "stem", &item.stem);
                self.number(&place, "points", Some(item.points));
                self.refs(&place, "objective", &item.objectives, &objective_ids);
                self.item_body(&place, &item.body);
            }
        }

        let level_ids: HashMap<RubricId, HashSet<RubricLevelId>> =
            doc.rubrics.iter().map(|r| (r.id, r.levels.iter().map(|l| l.id).collect())).collect();
        for r in &doc.rubrics {
            let place = format!("rubric {} \"{}\"", r.id, r.title);
            self.unique("rubric", r.id.0);
            for l in &r.levels {
                self.unique("rubric level", l.id.0);
                self.number(&place, "level points", Some(l.points));
            }
            for c in &r.criteria {
                self.unique("criterion", c.id.0);
                let place = format!("criterion \"{}\" of {place}", c.title);
                self.number(&place, "weight", Some(c.weight));
                if let Some(o) = c.objective
                    && !objective_ids.contains(&o)
                {
                    self.fail(&place, format!("objective {o} does not exist"));
                }
                let mut seen = HashSet::new();
                for d in &c.descriptors {
                    self.text(&place, "descriptor", &d.text);
                    if !level_ids.get(&r.id).is_some_and(|ls| ls.contains(&d.level)) {
                        self.fail(
                            &place,
                            format!("descriptor level {} is not a level of this rubric", d.level),
                        );
                    }
                    if !seen.insert(d.level) {
                        self.fail(&place, format!("level {} has two descriptors", d.level));
                    }
                }
            }
        }

        for a in &doc.assets {
            self.unique("asset", a.id.0);
            if super::asset::sha256_hex(&a.data) != a.sha256 {
                self.fail(format!("asset {} \"{}\"", a.id, a.name), "sha256 does not match the data");
            }
        }
        let names: Vec<&str> = doc.assets.iter().map(|a| a.name.as_str()).collect();
        let distinct: BTreeSet<&str> = names.iter().copied().collect();
        if distinct.len() != names.len() {
            self.fail("assets", "two assets have the same name");
        }

        let comment_ids: HashSet<CommentId> = doc.comments.iter().map(|c| c.id).collect();
        for e in &doc.review_events {
            self.unique("review event", e.id.0);
            if !node_ids.contains(&e.node) {
                self.fail(format!("review event {}", e.id), format!("node {} does not exist", e.node));
            }
        }
        for s in &doc.snapshots {
            self.unique("snapshot", s.id.0);
        }
        // Comments may target any entity, so they are checked once every id is known.
        for c in &doc.comments {
            self.unique("comment", c.id.0);
        }
        for (place, problem) in super::translation::problems(&doc.translations) {
            self.fail(place, problem);
        }
        for c in &doc.comments {
            let place = format!("comment {}", c.id);
            self.text(&place, "body", &c.body);
            if !self.all_ids.contains(&c.target) && !self.nested_ids().contains(&c.target) {
                self.fail(&place, format!("target {} does not exist", c.target));
            }
            if let Some(p) = c.parent
                && !comment_ids.contains(&p)
            {
                self.fail(&place, format!("parent comment {p} does not exist"));
            }
        }
        self.out
    }

    fn nested_ids(&self) -> HashSet<Uuid> {
        let mut ids = HashSet::new();
        for a in &self.doc.assessments {
            for i in &a.items {
                ids.insert(i.id.0);
            }
        }
        for r in &self.doc.rubrics {
            ids.extend(r.criteria.iter().map(|c| c.id.0));
            ids.extend(r.levels.iter().map(|l| l.id.0));
        }
        ids
    }

    fn item_body(&mut self, place: &str, body: &ItemBody) {
        match body {
            ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } => {
                let mut seen = HashSet::new();
                for c in choices {
                    self.text(place, "choice", &c.text);
                    if !seen.insert(c.id) {
                        self.fail(place, format!("choice id {} is repeated", c.id));
                    }
                }
                if matches!(body, ItemBody::MultipleChoice { .. })
                    && choices.iter().filter(|c| c.correct).count() > 1
                {
                    self.fail(place, "a multiple-choice item has more than one correct choice");
                }
            }
            ItemBody::Numeric { answer, tolerance } => {
                self.number(place, "answer", Some(*answer));
                self.number(place, "tolerance", Some(*tolerance));
                if *tolerance < 0.0 {
                    self.fail(place, "tolerance must not be negative");
                }
            }
            ItemBody::Matching { pairs } => {
                let mut seen = HashSet::new();
                for p in pairs {
                    if !seen.insert(p.id) {
                        self.fail(place, format!("pair id {} is repeated", p.id));
                    }
                }
            }
            ItemBody::TrueFalse { .. } | ItemBody::ShortAnswer { .. } | ItemBody::Essay { .. } => {}
        }
    }

    fn refs<T: Copy + Eq + std::hash::Hash + std::fmt::Display>(
        &mut self,
        place: &str,
        what: &str,
        refs: &[T],
        known: &HashSet<T>,
    ) {
        let mut seen = HashSet::new();
        for r in refs {
            if !known.contains(r) {
                self.fail(place, format!("{what} {r} does not exist"));
            }
            if !seen.insert(*r) {
                self.fail(place, format!("{what} {r} is listed twice"));
            }
        }
    }

    fn acyclic(&mut self, what: &str, edges: impl Iterator<Item = (Uuid, Uuid)>) {
        let graph: DiGraphMap<Uuid, ()> = DiGraphMap::from_edges(edges);
        if let Err(cycle) = toposort(&graph, None) {
            self.fail(what, format!("contain a cycle through {}", cycle.node_id()));
        }
    }
}

/// Depths of a forest given as `(id, parent)` pairs.
struct TreeDepth<T> {
    /// The deepest entity and its level (a root is at level 1).
    deepest: Option<(T, usize)>,
    /// Entities whose parent exists but which no root reaches (parent cycles), in input order.
    cyclic: Vec<T>,
}

/// Walks a forest from its roots once (parents that do not exist count as roots, another
/// check reports them), so the cost is linear however deep the tree is.
fn tree_depth<T: Copy + Eq + std::hash::Hash>(entries: impl Iterator<Item = (T, Option<T>)>) -> TreeDepth<T> {
    let entries: Vec<(T, Option<T>)> = entries.collect();
    let known: HashSet<T> = entries.iter().map(|(id, _)| *id).collect();
    let mut children: HashMap<T, Vec<T>> = HashMap::new();
    let mut stack = Vec::new();
    for &(id, parent) in &entries {
        match parent.filter(|p| known.contains(p)) {
            Some(p) if p != id => children.entry(p).or_default().push(id),
            Some(_) => {}
            None => stack.push((id, 1usize)),
        }
    }
    let mut reached: HashSet<T> = HashSet::with_capacity(entries.len());
    let mut deepest: Option<(T, usize)> = None;
    while let Some((id, depth)) = stack.pop() {
        if !reached.insert(id) {
            continue;
        }
        if deepest.is_none_or(|(_, d)| depth > d) {
            deepest = Some((id, depth));
        }
        if let Some(kids) = children.get(&id) {
            stack.extend(kids.iter().map(|&k| (k, depth + 1)));
        }
    }
    let cyclic = entries.iter().map(|(id, _)| *id).filter(|id| !reached.contains(id)).collect();
    TreeDepth { deepest, cyclic }
}

/// `7000` → `7,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Stable sort by `key`, skipped when the list is already in order (the same result).
fn sort_stably<T>(list: &mut [T], key: impl Fn(&T) -> usize) {
    if !list.is_sorted_by_key(&key) {
        list.sort_by_cached_key(|x| key(x));
    }
}
