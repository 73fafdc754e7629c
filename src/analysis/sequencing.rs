//! Sequencing (REFERENCE.md §8): prerequisites between nodes and between objectives form a
//! DAG that the outline order respects, and cognitive level grows without abrupt jumps.
//! Checks: prerequisite cycles (with the cycle spelled out), a prerequisite placed after the
//! node or objective that needs it, abrupt level jumps along prerequisites and along the
//! outline, level inversions, and redundant (transitively implied) prerequisites.
//! Uses petgraph for strongly connected components. "Assessed before practised" is sequence
//! aware too but lives with the alignment checks (A4), where its evidence is gathered.

use std::collections::{HashMap, HashSet};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::finding::{Finding, Severity};
use crate::model::{BloomLevel, Document, Node, NodeId, Objective, ObjectiveId};

use super::Ctx;
use super::alignment::level_name;

/// Level difference (in Bloom ranks) that counts as an abrupt jump.
pub const JUMP: u8 = 3;

/// Runs the sequencing checks on a document.
pub fn check(doc: &Document) -> Vec<Finding> {
    run(&Ctx::new(doc))
}

pub(crate) fn run(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    nodes(cx, &mut out);
    objectives(cx, &mut out);
    outline_jumps(cx, &mut out);
    out
}

/// A directed graph over `T` ids with an edge `prerequisite → dependant`.
struct PrereqGraph<T> {
    ids: Vec<T>,
    pos: HashMap<T, usize>,
    graph: DiGraph<usize, ()>,
    /// Component number of every vertex; vertices on a cycle share one with others (or loop).
    component: Vec<usize>,
    cyclic: Vec<Vec<usize>>,
}

impl<T: Copy + Eq + std::hash::Hash> PrereqGraph<T> {
    fn new(ids: Vec<T>, edges: impl Iterator<Item = (T, T)>) -> Self {
        let pos: HashMap<T, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let mut graph = DiGraph::with_capacity(ids.len(), 0);
        for i in 0..ids.len() {
            graph.add_node(i);
        }
        for (p, d) in edges {
            if let (Some(&a), Some(&b)) = (pos.get(&p), pos.get(&d)) {
                graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
            }
        }
        let mut component = vec![0; ids.len()];
        let mut cyclic = Vec::new();
        for (c, scc) in tarjan_scc(&graph).into_iter().enumerate() {
            for v in &scc {
                component[v.index()] = c;
            }
            let self_loop = scc.len() == 1 && graph.contains_edge(scc[0], scc[0]);
            if scc.len() > 1 || self_loop {
                let mut members: Vec<usize> = scc.iter().map(|v| v.index()).collect();
                members.sort_unstable();
                cyclic.push(members);
            }
        }
        PrereqGraph { ids, pos, graph, component, cyclic }
    }

    fn same_component(&self, a: T, b: T) -> bool {
        match (self.pos.get(&a), self.pos.get(&b)) {
            (Some(&x), Some(&y)) => self.component[x] == self.component[y],
            _ => false,
        }
    }

    /// One cycle through the first member of a strongly connected component, as vertex indices
    /// (the first vertex is repeated at the end).
    fn cycle_in(&self, members: &[usize]) -> Vec<usize> {
        let inside: HashSet<usize> = members.iter().copied().collect();
        let start = members[0];
        // Breadth-first search from `start` back to `start` inside the component.
        let mut prev: HashMap<usize, usize> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut seen = HashSet::from([start]);
        while let Some(v) = queue.pop_front() {
            let mut next: Vec<usize> = self.graph.neighbors(NodeIndex::new(v)).map(|n| n.index()).collect();
            next.sort_unstable();
            for w in next {
                if !inside.contains(&w) {
                    continue;
                }
                if w == start {
                    let mut path = vec![start];
                    let mut cur = v;
                    while cur != start {
                        path.push(cur);
                        cur = prev.get(&cur).copied().unwrap_or(start);
                    }
                    path.push(start);
                    path.reverse();
                    return path;
                }
                if seen.insert(w) {
                    prev.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        vec![start, start]
    }

    /// Whether `target` is reachable from `from` by following prerequisite edges backwards
    /// (i.e. `target` is a prerequisite of `from`, directly or not), ignoring the direct edge
    /// `skip → from`.
    fn implied(&self, from: usize, target: usize, skip: usize) -> bool {
        let mut stack: Vec<usize> = self
            .graph
            .neighbors_directed(NodeIndex::new(from), petgraph::Direction::Incoming)
            .map(|n| n.index())
            .filter(|&n| n != skip)
            .collect();
        let mut seen: HashSet<usize> = stack.iter().copied().collect();
        while let Some(v) = stack.pop() {
            if v == target {
                return true;
            }
            for n in self.graph.neighbors_directed(NodeIndex::new(v), petgraph::Direction::Incoming) {
                if seen.insert(n.index()) {
                    stack.push(n.index());
                }
            }
        }
        false
    }
}

fn node_label(n: &Node) -> String {
    if n.code.trim().is_empty() {
        format!("“{}”", n.title)
    } else {
        format!("{} “{}”", n.code, n.title)
    }
}

fn nodes(cx: &Ctx, out: &mut Vec<Finding>) {
    let doc = cx.doc;
    let g = PrereqGraph::new(
        doc.nodes.iter().map(|n| n.id).collect(),
        doc.nodes.iter().flat_map(|n| n.prerequisites.iter().map(move |p| (*p, n.id))),
    );
    for members in &g.cyclic {
        let mut members = members.clone();
        members.sort_by_key(|&i| cx.rank(g.ids[i]));
        let cycle = g.cycle_in(&members);
        let names: Vec<String> = cycle.iter().filter_map(|&i| cx.node(g.ids[i])).map(node_label).collect();
        if let Some(first) = cx.node(g.ids[members[0]]) {
            out.push(Ctx::finding(
                "S1-prerequisite-cycle",
                Severity::Error,
                cx.t_node(first),
                format!("Prerequisites form a cycle: {}.", names.join(" → ")),
                "Remove one prerequisite link of the cycle; a prerequisite must come strictly before what needs it.",
            ));
        }
    }
    for n in &doc.nodes {
        let mut reported_redundant = false;
        for p in &n.prerequisites {
            let Some(pre) = cx.node(*p) else { continue };
            if g.same_component(*p, n.id) {
                continue; // reported as a cycle
            }
            let after_in_outline = cx.rank(pre.id) > cx.rank(n.id) && !cx.is_ancestor(n.id, pre.id);
            let after_in_weeks =
                matches!((cx.week_of(pre.id), cx.week_of(n.id)), (Some(a), Some(b)) if a > b);
            if after_in_outline || after_in_weeks {
                out.push(Ctx::finding(
                    "S2-prerequisite-after-dependent",
                    Severity::Error,
                    cx.t_node(n),
                    format!(
                        "{} needs {} first, but {} comes later{}.",
                        node_label(n),
                        node_label(pre),
                        node_label(pre),
                        match (cx.week_of(pre.id), cx.week_of(n.id)) {
                            (Some(a), Some(b)) if a > b => format!(" (week {a} vs week {b})"),
                            _ => " in the outline".to_owned(),
                        }
                    ),
                    "Move the prerequisite before the node that needs it, or remove the prerequisite link.",
                ));
            }
            if !reported_redundant
                && let (Some(&pi), Some(&ni)) = (g.pos.get(p), g.pos.get(&n.id))
                && g.implied(ni, pi, pi)
            {
                reported_redundant = true;
                out.push(Ctx::finding(
                    "S5-redundant-prerequisite",
                    Severity::Info,
                    cx.t_node(n),
                    format!(
                        "{} lists {} as a prerequisite, which is already implied by its other prerequisites.",
                        node_label(n),
                        node_label(pre)
                    ),
                    "Remove the direct link to keep the sequence graph readable (the order stays the same).",
                ));
            }
        }
        // Level jump along node prerequisites: compare the highest levels of the two nodes.
        let own = max_level(cx, n.id);
        if let Some(own) = own {
            let pre_max = n.prerequisites.iter().filter_map(|p| max_level(cx, *p)).max();
            if let Some(pm) = pre_max
                && own.rank() >= pm.rank() + JUMP
            {
                out.push(Ctx::finding(
                    "S3-level-jump",
                    Severity::Warning,
                    cx.t_node(n),
                    format!(
                        "{} reaches {} while its prerequisites reach at most {}.",
                        node_label(n),
                        level_name(own),
                        level_name(pm)
                    ),
                    "Add intermediate objectives (apply, analyze) or an intermediate unit so learners can climb.",
                ));
            }
        }
    }
}

fn objective_label(o: &Objective) -> String {
    Ctx::objective_label(o)
}

fn objectives(cx: &Ctx, out: &mut Vec<Finding>) {
    let doc = cx.doc;
    let g = PrereqGraph::new(
        doc.objectives.iter().map(|o| o.id).collect::<Vec<ObjectiveId>>(),
        doc.objectives.iter().flat_map(|o| o.prerequisites.iter().map(move |p| (*p, o.id))),
    );
    for members in &g.cyclic {
        let mut members = members.clone();
        members.sort_by_key(|&i| cx.objective_pos(g.ids[i]));
        let cycle = g.cycle_in(&members);
        let names: Vec<String> =
            cycle.iter().filter_map(|&i| cx.objective(g.ids[i])).map(objective_label).collect();
        if let Some(first) = cx.objective(g.ids[members[0]]) {
            out.push(Ctx::finding(
                "S1-objective-prerequisite-cycle",
                Severity::Error,
                cx.t_objective(first),
                format!("Objective prerequisites form a cycle: {}.", names.join(" → ")),
                "Remove one prerequisite link of the cycle.",
            ));
        }
    }
    for o in &doc.objectives {
        let mut reported_redundant = false;
        for p in &o.prerequisites {
            let Some(pre) = cx.objective(*p) else { continue };
            if g.same_component(*p, o.id) {
                continue;
            }
            if cx.rank(pre.node) > cx.end(o.node) {
                out.push(Ctx::finding(
                    "S2-objective-prerequisite-after-dependent",
                    Severity::Warning,
                    cx.t_objective(o),
                    format!(
                        "{} needs {} first, but {} is taught later ({}).",
                        objective_label(o),
                        objective_label(pre),
                        objective_label(pre),
                        cx.node_path(pre.node)
                    ),
                    "Teach the prerequisite objective earlier, or remove the prerequisite link.",
                ));
            }
            if let (Some(l), Some(pl)) = (cx.level(o.id), cx.level(pre.id)) {
                if l.rank() >= pl.rank() + JUMP {
                    out.push(Ctx::finding(
                        "S3-level-jump",
                        Severity::Warning,
                        cx.t_objective(o),
                        format!(
                            "{} ({}) builds directly on {} ({}), a jump of {} levels.",
                            objective_label(o),
                            level_name(l),
                            objective_label(pre),
                            level_name(pl),
                            l.rank() - pl.rank()
                        ),
                        "Add an intermediate objective so learners practise the levels in between.",
                    ));
                } else if pl > l {
                    out.push(Ctx::finding(
                        "S4-level-inversion",
                        Severity::Info,
                        cx.t_objective(o),
                        format!(
                            "{} ({}) requires {}, which is at a higher level ({}).",
                            objective_label(o),
                            level_name(l),
                            objective_label(pre),
                            level_name(pl)
                        ),
                        "Often fine (a later recall builds on earlier analysis), but check the order.",
                    ));
                }
            }
            if !reported_redundant
                && let (Some(&pi), Some(&oi)) = (g.pos.get(p), g.pos.get(&o.id))
                && g.implied(oi, pi, pi)
            {
                reported_redundant = true;
                out.push(Ctx::finding(
                    "S5-redundant-prerequisite",
                    Severity::Info,
                    cx.t_objective(o),
                    format!(
                        "{} lists {} as a prerequisite, which is already implied by its other prerequisites.",
                        objective_label(o),
                        objective_label(pre)
                    ),
                    "Remove the direct link; the order stays the same.",
                ));
            }
        }
    }
}

/// Highest level of the objectives in a node's subtree.
fn max_level(cx: &Ctx, node: NodeId) -> Option<BloomLevel> {
    cx.subtree(node).iter().flat_map(|d| cx.objectives_of(d.id)).filter_map(|o| cx.level(o.id)).max()
}

/// Abrupt level jumps between consecutive siblings (units of a course, lessons of a unit).
fn outline_jumps(cx: &Ctx, out: &mut Vec<Finding>) {
    // Highest level per subtree, computed bottom-up in reverse pre-order.
    let mut order: Vec<&Node> = cx.doc.nodes.iter().collect();
    order.sort_by_key(|n| cx.rank(n.id));
    let mut max: HashMap<NodeId, BloomLevel> = HashMap::new();
    for n in order.iter().rev() {
        let own = cx.objectives_of(n.id).iter().filter_map(|o| cx.level(o.id)).max();
        let kids = cx.children(n.id).iter().filter_map(|c| max.get(&c.id).copied()).max();
        if let Some(m) = own.max(kids) {
            max.insert(n.id, m);
        }
    }
    let mut parents: Vec<Option<NodeId>> = vec![None];
    parents.extend(order.iter().map(|n| Some(n.id)));
    for parent in parents {
        let kids = match parent {
            Some(p) => cx.children(p),
            None => cx.roots(),
        };
        let mut running: Option<BloomLevel> = None;
        for k in kids {
            let Some(m) = max.get(&k.id).copied() else { continue };
            // Nodes with prerequisites are judged against those instead (S3 above).
            if let Some(r) = running
                && m.rank() >= r.rank() + JUMP
                && k.prerequisites.is_empty()
            {
                out.push(Ctx::finding(
                    "S3-level-jump",
                    Severity::Warning,
                    cx.t_node(k),
                    format!(
                        "{} reaches {} while everything before it reaches at most {}.",
                        node_label(k),
                        level_name(m),
                        level_name(r)
                    ),
                    "Add intermediate objectives or move the node later so levels rise gradually.",
                ));
            }
            running = Some(running.map_or(m, |r| r.max(m)));
        }
    }
}
