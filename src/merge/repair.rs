//! After the field-by-field merge: finds the cross-entity problems the merge itself created and
//! resolves each deterministically, reporting it as a finding (codes in `docs/findings.md`):
//!
//! - `M1-merge-dangling-reference`: a link to an entity the other side deleted (an alignment,
//!   prerequisite, supported objective, pathway objective, standard, rubric, asset, comment
//!   target) is dropped;
//! - `M2-merge-restored-owner`: a node, framework or framework item deleted on one side that
//!   the other side still uses as an owner (new content under a deleted unit) is restored;
//! - `M3-merge-cycle-broken`: prerequisite or supports links from both sides that together
//!   make a cycle: theirs' link in the cycle is dropped;
//! - `M4-merge-duplicate-code`: two nodes under one parent, or two objectives of one node,
//!   now share a code that neither side had twice (a warning, nothing changed);
//! - `M5-merge-parent-cycle`: each side moved a node under the other: the node takes ours'
//!   parent back.

use std::collections::{BTreeMap, HashMap, HashSet};

use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;
use uuid::Uuid;

use crate::finding::{Finding, Severity, Target};
use crate::model::{Document, Node, NodeId, ObjectiveId};

/// Repairs `doc` in place and returns what was done.
pub(super) fn repair(
    doc: &mut Document,
    base: &Document,
    ours: &Document,
    theirs: &Document,
) -> Vec<Finding> {
    let mut out = Vec::new();
    restore_owners(doc, [ours, theirs, base], &mut out);
    parent_cycles(doc, ours, base, &mut out);
    dangling(doc, &mut out);
    cycles(doc, ours, &mut out);
    duplicate_codes(doc, ours, theirs, &mut out);
    out
}

fn finding(
    code: &str,
    severity: Severity,
    kind: &str,
    id: impl ToString,
    message: String,
    hint: &str,
) -> Finding {
    Finding {
        code: code.to_owned(),
        severity,
        message,
        target: Target { kind: kind.to_owned(), id: Some(id.to_string()), path: String::new() },
        hint: hint.to_owned(),
    }
}

/// Restores deleted owners (nodes, frameworks, framework items) the other side still uses.
fn restore_owners(doc: &mut Document, sources: [&Document; 3], out: &mut Vec<Finding>) {
    loop {
        let nodes: HashSet<NodeId> = doc.nodes.iter().map(|n| n.id).collect();
        let mut wanted: BTreeMap<NodeId, String> = BTreeMap::new();
        let mut want = |id: NodeId, user: String| {
            if !nodes.contains(&id) {
                wanted.entry(id).or_insert(user);
            }
        };
        for n in &doc.nodes {
            if let Some(p) = n.parent {
                want(p, format!("node {} \"{}\"", n.id, n.title));
            }
        }
        for o in &doc.objectives {
            want(o.node, format!("objective {} \"{}\"", o.id, o.code));
        }
        for a in &doc.activities {
            want(a.node, format!("activity {} \"{}\"", a.id, a.title));
        }
        for a in &doc.assessments {
            want(a.node, format!("assessment {} \"{}\"", a.id, a.title));
        }
        for e in &doc.review_events {
            want(e.node, format!("review event {}", e.id));
        }
        let mut restored = false;
        for (id, user) in wanted {
            if let Some(node) = sources.iter().find_map(|d| d.nodes.iter().find(|n| n.id == id)) {
                out.push(finding(
                    "M2-merge-restored-owner",
                    Severity::Warning,
                    "node",
                    id,
                    format!(
                        "node \"{}\" was deleted on one side but the other side still uses it ({user}); it is kept",
                        node.title
                    ),
                    "Delete the node again, with what it contains, if it should go.",
                ));
                doc.nodes.push(node.clone());
                restored = true;
            }
        }
        let frameworks: HashSet<_> = doc.frameworks.iter().map(|f| f.id).collect();
        let mut missing: Vec<_> = doc
            .standard_items
            .iter()
            .map(|s| s.framework)
            .chain(doc.associations.iter().map(|a| a.framework))
            .filter(|f| !frameworks.contains(f))
            .collect();
        missing.sort();
        missing.dedup();
        for id in missing {
            if let Some(f) = sources.iter().find_map(|d| d.frameworks.iter().find(|f| f.id == id)) {
                out.push(finding(
                    "M2-merge-restored-owner",
                    Severity::Warning,
                    "framework",
                    id,
                    format!("framework \"{}\" was deleted on one side but the other side still uses it; it is kept", f.title),
                    "Delete the framework again if it should go.",
                ));
                doc.frameworks.push(f.clone());
                restored = true;
            }
        }
        let items: HashSet<_> = doc.standard_items.iter().map(|s| s.id).collect();
        let mut missing: Vec<_> =
            doc.standard_items.iter().filter_map(|s| s.parent).filter(|p| !items.contains(p)).collect();
        missing.sort();
        missing.dedup();
        for id in missing {
            if let Some(s) = sources.iter().find_map(|d| d.standard_items.iter().find(|s| s.id == id)) {
                out.push(finding(
                    "M2-merge-restored-owner",
                    Severity::Warning,
                    "standard item",
                    id,
                    format!("framework item \"{}\" was deleted on one side but the other side still uses it as a parent; it is kept", s.code),
                    "Delete the item again if it should go.",
                ));
                doc.standard_items.push(s.clone());
                restored = true;
            }
        }
        if !restored {
            return;
        }
        doc.normalize();
    }
}

/// Nodes that no root reaches (each side moved one under the other) take ours' parent back.
fn parent_cycles(doc: &mut Document, ours: &Document, base: &Document, out: &mut Vec<Finding>) {
    for _ in 0..doc.nodes.len() {
        let unreached = unreached_nodes(&doc.nodes);
        let Some(&at) = unreached.first() else { return };
        let id = doc.nodes[at].id;
        let before = doc.nodes[at].parent;
        let parent_in = |d: &Document| d.nodes.iter().find(|n| n.id == id).map(|n| n.parent);
        let candidates = [parent_in(ours), parent_in(base), Some(None)];
        let parent = candidates.into_iter().flatten().find(|p| *p != before).unwrap_or(None);
        doc.nodes[at].parent = parent;
        out.push(finding(
            "M5-merge-parent-cycle",
            Severity::Warning,
            "node",
            id,
            format!(
                "node \"{}\" was moved under a node that the other side moved under it; it keeps ours' place",
                doc.nodes[at].title
            ),
            "Move the node again if theirs' place was meant.",
        ));
        doc.normalize();
    }
}

/// Indices of nodes whose parent chain never reaches a root (parent cycles).
fn unreached_nodes(nodes: &[Node]) -> Vec<usize> {
    let ids: HashSet<NodeId> = nodes.iter().map(|n| n.id).collect();
    let mut children: HashMap<NodeId, Vec<usize>> = HashMap::new();
    let mut stack = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        match n.parent.filter(|p| ids.contains(p)) {
            Some(p) => children.entry(p).or_default().push(i),
            None => stack.push(i),
        }
    }
    let mut reached = vec![false; nodes.len()];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        stack.extend(children.get(&nodes[i].id).into_iter().flatten());
    }
    (0..nodes.len()).filter(|&i| !reached[i]).collect()
}

/// Drops links to entities that are gone.
fn dangling(doc: &mut Document, out: &mut Vec<Finding>) {
    let nodes: HashSet<NodeId> = doc.nodes.iter().map(|n| n.id).collect();
    let objectives: HashSet<ObjectiveId> = doc.objectives.iter().map(|o| o.id).collect();
    let items: HashSet<_> = doc.standard_items.iter().map(|s| s.id).collect();
    let rubrics: HashSet<_> = doc.rubrics.iter().map(|r| r.id).collect();
    let assets: HashSet<_> = doc.assets.iter().map(|a| a.id).collect();
    let mut report = |kind: &str, id: Uuid, what: String| {
        out.push(finding(
            "M1-merge-dangling-reference",
            Severity::Warning,
            kind,
            id,
            format!("{kind} {id}: {what}, which the other side deleted, is dropped"),
            "Align the entity again if the link is still wanted.",
        ));
    };
    for n in &mut doc.nodes {
        n.prerequisites.retain(|p| {
            nodes.contains(p) || {
                report("node", n.id.0, format!("the prerequisite node {p}"));
                false
            }
        });
    }
    for o in &mut doc.objectives {
        let id = o.id.0;
        for (what, list) in
            [("supported objective", &mut o.supports), ("prerequisite objective", &mut o.prerequisites)]
        {
            list.retain(|x| {
                objectives.contains(x) || {
                    report("objective", id, format!("the {what} {x}"));
                    false
                }
            });
        }
        o.standards.retain(|s| {
            items.contains(s) || {
                report("objective", id, format!("the alignment to standard item {s}"));
                false
            }
        });
        o.emphasis.retain(|e| {
            nodes.contains(&e.course) || {
                report("objective", id, format!("the curriculum-map mark for course {}", e.course));
                false
            }
        });
    }
    let mut aligned = |kind: &str, id: Uuid, list: &mut Vec<ObjectiveId>| {
        list.retain(|x| {
            objectives.contains(x) || {
                report(kind, id, format!("the alignment to objective {x}"));
                false
            }
        });
    };
    for a in &mut doc.activities {
        aligned("activity", a.id.0, &mut a.objectives);
        if let Some(p) = &mut a.pathway {
            aligned("activity", a.id.0, &mut p.objectives);
        }
    }
    for n in &mut doc.nodes {
        if let Some(p) = &mut n.pathway {
            aligned("node", n.id.0, &mut p.objectives);
        }
    }
    for a in &mut doc.assessments {
        aligned("assessment", a.id.0, &mut a.objectives);
        for item in &mut a.items {
            aligned("item", item.id.0, &mut item.objectives);
        }
    }
    for a in &mut doc.activities {
        for r in &mut a.resources {
            if let Some(asset) = r.asset.filter(|x| !assets.contains(x)) {
                r.asset = None;
                report("activity", a.id.0, format!("the file {asset} of resource \"{}\"", r.title));
            }
        }
        if let Some(asset) = a.content.as_ref().map(|c| c.asset).filter(|x| !assets.contains(x)) {
            a.content = None;
            report("activity", a.id.0, format!("the interactive content in file {asset}"));
        }
    }
    for a in &mut doc.assessments {
        if let Some(r) = a.rubric.filter(|r| !rubrics.contains(r)) {
            a.rubric = None;
            report("assessment", a.id.0, format!("the rubric {r}"));
        }
    }
    for r in &mut doc.rubrics {
        let levels: HashSet<_> = r.levels.iter().map(|l| l.id).collect();
        for c in &mut r.criteria {
            if let Some(o) = c.objective.filter(|o| !objectives.contains(o)) {
                c.objective = None;
                report("criterion", c.id.0, format!("the alignment to objective {o}"));
            }
            c.descriptors.retain(|d| {
                levels.contains(&d.level) || {
                    report("criterion", c.id.0, format!("the descriptor for level {}", d.level));
                    false
                }
            });
        }
    }
    // Comments may target any entity, nested ones included.
    let mut all: HashSet<Uuid> = HashSet::new();
    all.insert(doc.curriculum.id.0);
    all.extend(doc.nodes.iter().map(|n| n.id.0));
    all.extend(doc.objectives.iter().map(|o| o.id.0));
    all.extend(doc.frameworks.iter().map(|f| f.id.0));
    all.extend(doc.standard_items.iter().map(|s| s.id.0));
    all.extend(doc.associations.iter().map(|s| s.id.0));
    all.extend(doc.activities.iter().map(|a| a.id.0));
    for a in &doc.assessments {
        all.insert(a.id.0);
        all.extend(a.items.iter().map(|i| i.id.0));
    }
    for r in &doc.rubrics {
        all.insert(r.id.0);
        all.extend(r.levels.iter().map(|l| l.id.0));
        all.extend(r.criteria.iter().map(|c| c.id.0));
    }
    all.extend(doc.review_events.iter().map(|e| e.id.0));
    all.extend(doc.snapshots.iter().map(|s| s.id.0));
    all.extend(doc.assets.iter().map(|a| a.id.0));
    all.extend(doc.comments.iter().map(|c| c.id.0));
    doc.comments.retain(|c| {
        all.contains(&c.target) || {
            report("comment", c.id.0, format!("the comment on {}", c.target));
            false
        }
    });
    let comments: HashSet<_> = doc.comments.iter().map(|c| c.id).collect();
    for c in &mut doc.comments {
        if let Some(p) = c.parent.filter(|p| !comments.contains(p)) {
            c.parent = None;
            report("comment", c.id.0, format!("the reply link to comment {p}"));
        }
    }
}

/// Breaks cycles in the prerequisite and supports graphs by dropping links ours does not have.
fn cycles(doc: &mut Document, ours: &Document, out: &mut Vec<Finding>) {
    let ours_edges =
        |f: fn(&Document) -> Vec<(Uuid, Uuid)>| -> HashSet<(Uuid, Uuid)> { f(ours).into_iter().collect() };
    let node_prereq: fn(&Document) -> Vec<(Uuid, Uuid)> =
        |d| d.nodes.iter().flat_map(|n| n.prerequisites.iter().map(move |p| (n.id.0, p.0))).collect();
    let obj_prereq: fn(&Document) -> Vec<(Uuid, Uuid)> =
        |d| d.objectives.iter().flat_map(|o| o.prerequisites.iter().map(move |p| (o.id.0, p.0))).collect();
    let obj_supports: fn(&Document) -> Vec<(Uuid, Uuid)> =
        |d| d.objectives.iter().flat_map(|o| o.supports.iter().map(move |p| (o.id.0, p.0))).collect();
    for (what, kind, edges) in [
        ("prerequisite", "node", node_prereq),
        ("prerequisite", "objective", obj_prereq),
        ("supports", "objective", obj_supports),
    ] {
        let keep = ours_edges(edges);
        for (from, to) in break_cycles(&edges(doc), &keep) {
            match (kind, what) {
                ("node", _) => {
                    if let Some(n) = doc.nodes.iter_mut().find(|n| n.id.0 == from) {
                        n.prerequisites.retain(|p| p.0 != to);
                    }
                }
                (_, "prerequisite") => {
                    if let Some(o) = doc.objectives.iter_mut().find(|o| o.id.0 == from) {
                        o.prerequisites.retain(|p| p.0 != to);
                    }
                }
                _ => {
                    if let Some(o) = doc.objectives.iter_mut().find(|o| o.id.0 == from) {
                        o.supports.retain(|p| p.0 != to);
                    }
                }
            }
            let link = if what == "supports" { "supports link" } else { "prerequisite link" };
            out.push(finding(
                "M3-merge-cycle-broken",
                Severity::Warning,
                kind,
                from,
                format!(
                    "the {link} from {kind} {from} to {to} made a cycle with the other side's links; theirs' link is dropped"
                ),
                "Decide which order is meant and add the link again if needed.",
            ));
        }
    }
}

/// Edges to remove so that `edges` is acyclic: in each cycle, the first edge (in id order) not
/// in `keep`, else the first edge.
fn break_cycles(edges: &[(Uuid, Uuid)], keep: &HashSet<(Uuid, Uuid)>) -> Vec<(Uuid, Uuid)> {
    let mut graph: DiGraphMap<Uuid, ()> = DiGraphMap::new();
    for &(a, b) in edges {
        graph.add_edge(a, b, ());
    }
    let mut removed = Vec::new();
    loop {
        let scc = tarjan_scc(&graph)
            .into_iter()
            .find(|c| c.len() > 1 || c.iter().any(|&n| graph.contains_edge(n, n)));
        let Some(component) = scc else { return removed };
        let members: HashSet<Uuid> = component.iter().copied().collect();
        let mut inside: Vec<(Uuid, Uuid)> = graph
            .all_edges()
            .map(|(a, b, _)| (a, b))
            .filter(|(a, b)| members.contains(a) && members.contains(b))
            .collect();
        inside.sort();
        let Some(&edge) = inside.iter().find(|e| !keep.contains(e)).or(inside.first()) else {
            return removed;
        };
        graph.remove_edge(edge.0, edge.1);
        removed.push(edge);
    }
}

/// Reports codes shared by siblings (nodes under one parent, objectives of one node) that
/// neither side had twice.
fn duplicate_codes(doc: &Document, ours: &Document, theirs: &Document, out: &mut Vec<Finding>) {
    fn groups(d: &Document) -> BTreeMap<(String, Uuid, String), Vec<Uuid>> {
        let mut g: BTreeMap<(String, Uuid, String), Vec<Uuid>> = BTreeMap::new();
        for n in d.nodes.iter().filter(|n| !n.code.is_empty()) {
            let parent = n.parent.map_or(Uuid::nil(), |p| p.0);
            g.entry(("node".into(), parent, n.code.clone())).or_default().push(n.id.0);
        }
        for o in d.objectives.iter().filter(|o| !o.code.is_empty()) {
            g.entry(("objective".into(), o.node.0, o.code.clone())).or_default().push(o.id.0);
        }
        g.retain(|_, ids| ids.len() > 1);
        g
    }
    let (before_o, before_t) = (groups(ours), groups(theirs));
    for (key, ids) in groups(doc) {
        if before_o.contains_key(&key) || before_t.contains_key(&key) {
            continue;
        }
        let (kind, _, code) = &key;
        let list: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        out.push(finding(
            "M4-merge-duplicate-code",
            Severity::Warning,
            kind,
            ids[0],
            format!(
                "{} {kind}s now share the code \"{code}\" ({}): each side added or renamed one",
                ids.len(),
                list.join(", ")
            ),
            "Give one of them another code.",
        ));
    }
}
