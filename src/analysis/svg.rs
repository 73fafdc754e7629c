//! Inline SVG charts for the review packet: workload per week (stacked bars with the weekly
//! norm), the Bloom level distribution (objectives and share of grade) and the sequence graph
//! (boxes and prerequisite arrows at the positions computed by [`super::views`]). Pure string
//! building; no scripts, no external references, no `xmlns` URL (inline SVG in HTML needs none).

use std::fmt::Write;

use crate::model::BloomLevel;

use super::html::{esc, num, pct};
use super::views::{BloomTable, GRAPH_NODE_H, GRAPH_NODE_W, GraphNode, SequenceGraph, WorkloadView};

/// Fill colour of a Bloom level (a sequential blue scale) and whether text on it should be white.
pub(crate) fn level_colour(level: Option<BloomLevel>) -> (&'static str, bool) {
    match level {
        Some(BloomLevel::Remember) => ("#deebf7", false),
        Some(BloomLevel::Understand) => ("#b9d6ee", false),
        Some(BloomLevel::Apply) => ("#84b9df", false),
        Some(BloomLevel::Analyze) => ("#4a93c8", false),
        Some(BloomLevel::Evaluate) => ("#2166ac", true),
        Some(BloomLevel::Create) => ("#0b3d74", true),
        None => ("#eeeeee", false),
    }
}

/// A "nice" upper bound and tick step for an axis reaching `max`.
fn nice_axis(max: f64) -> (f64, f64) {
    if !(max.is_finite() && max > 0.0) {
        return (1.0, 1.0);
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    ((max / step).ceil() * step, step)
}

/// Stacked bars of hours per week, the weekly norm as a dashed line, spikes outlined in red.
pub(crate) fn workload_chart(view: &WorkloadView) -> String {
    if view.weeks.is_empty() {
        return String::new();
    }
    let n = view.weeks.len() as f64;
    let (left, right, top, bottom) = (48.0, 16.0, 16.0, 40.0);
    let bar = if n > 30.0 { 12.0 } else { 22.0 };
    let gap = bar * 0.4;
    let width = (left + right + n * (bar + gap)).max(420.0);
    let height = 240.0;
    let plot_h = height - top - bottom;
    let max_h = view.weeks.iter().map(|w| w.hours).fold(0.0, f64::max).max(view.weekly_norm.unwrap_or(0.0));
    let (ymax, step) = nice_axis(max_h * 1.05);
    let y = |h: f64| top + plot_h - h / ymax * plot_h;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="wl-title"><title id="wl-title">Student hours per week</title>"#,
        w = num(width),
        h = num(height)
    );
    // Grid and y axis.
    let mut t = 0.0;
    while t <= ymax + 1e-9 {
        let yy = y(t);
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{yy:.1}" x2="{x2:.1}" y2="{yy:.1}" stroke="#dddddd"/><text x="{tx}" y="{ty:.1}" class="tick" text-anchor="end">{label}</text>"##,
            x2 = width - right,
            tx = left - 6.0,
            ty = yy + 4.0,
            label = num(t)
        );
        t += step;
    }
    let _ = write!(
        s,
        r#"<text x="12" y="{:.1}" class="axis" transform="rotate(-90 12 {:.1})" text-anchor="middle">hours</text>"#,
        top + plot_h / 2.0,
        top + plot_h / 2.0
    );
    for (i, w) in view.weeks.iter().enumerate() {
        let x = left + gap / 2.0 + i as f64 * (bar + gap);
        let mut base = 0.0;
        for (h, colour, what) in [
            (w.activity_hours, "#4c78a8", "activities"),
            (w.assessment_hours, "#f58518", "assessments"),
            (w.other_hours, "#bab0ac", "scheduled time"),
        ] {
            if h > 0.0 {
                let _ = write!(
                    s,
                    r#"<rect x="{x:.1}" y="{:.1}" width="{bar}" height="{:.1}" fill="{colour}"><title>Week {}: {} h {what}</title></rect>"#,
                    y(base + h),
                    (y(base) - y(base + h)).max(0.0),
                    w.week,
                    num(h)
                );
                base += h;
            }
        }
        if w.spike {
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#d62728" stroke-width="2"/>"##,
                x - 2.0,
                y(w.hours) - 2.0,
                bar + 4.0,
                (y(0.0) - y(w.hours)) + 2.0
            );
        }
        if n <= 30.0 || w.week % 2 == 1 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" class="tick" text-anchor="middle">{}</text>"#,
                x + bar / 2.0,
                top + plot_h + 14.0,
                w.week
            );
        }
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" class="axis" text-anchor="middle">week</text>"#,
        left + (width - left - right) / 2.0,
        height - 6.0
    );
    if let Some(norm) = view.weekly_norm {
        let yy = y(norm);
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#2ca02c" stroke-width="2" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" class="tick" text-anchor="end" fill="#2ca02c">norm {} h/week</text>"##,
            width - right,
            width - right,
            yy - 4.0,
            num(norm)
        );
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars per Bloom level: number of objectives and share of the grade.
pub(crate) fn bloom_chart(table: &BloomTable) -> String {
    let rows = &table.totals;
    if rows.is_empty() || table.objectives == 0 {
        return String::new();
    }
    let (label_w, bar_w, row_h) = (96.0, 200.0, 22.0);
    let width = label_w + 2.0 * bar_w + 80.0;
    let height = 28.0 + rows.len() as f64 * row_h;
    let max_count = rows.iter().map(|c| c.count).max().unwrap_or(1).max(1) as f64;
    let max_share = rows.iter().map(|c| c.grade_share).fold(0.0, f64::max).max(f64::EPSILON);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="bl-title"><title id="bl-title">Objectives and share of grade per Bloom level</title>"#,
        w = num(width),
        h = num(height)
    );
    let _ = write!(
        s,
        r#"<text x="{label_w}" y="14" class="axis">objectives</text><text x="{}" y="14" class="axis">share of grade</text>"#,
        label_w + bar_w + 40.0
    );
    for (i, c) in rows.iter().enumerate() {
        let y = 22.0 + i as f64 * row_h;
        let (fill, _) = level_colour(c.level);
        let name = c.level.map(super::alignment::level_name).unwrap_or("Unclassified");
        let w1 = c.count as f64 / max_count * (bar_w - 30.0);
        let w2 = (c.grade_share / max_share).clamp(0.0, 1.0) * (bar_w - 30.0);
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" class="tick" text-anchor="end">{name}</text><rect x="{label_w}" y="{y:.1}" width="{w1:.1}" height="{:.1}" fill="{fill}" stroke="#999999" stroke-width="0.5"/><text x="{:.1}" y="{:.1}" class="tick">{}</text><rect x="{:.1}" y="{y:.1}" width="{w2:.1}" height="{:.1}" fill="{fill}" stroke="#999999" stroke-width="0.5"/><text x="{:.1}" y="{:.1}" class="tick">{}</text>"##,
            label_w - 6.0,
            y + 13.0,
            row_h - 6.0,
            label_w + w1 + 4.0,
            y + 13.0,
            c.count,
            label_w + bar_w + 40.0,
            row_h - 6.0,
            label_w + bar_w + 40.0 + w2 + 4.0,
            y + 13.0,
            pct(c.grade_share)
        );
    }
    s.push_str("</svg>");
    s
}

/// The sequence graph: one box per node, arrows from prerequisite to dependant. Edges that go
/// against the outline or lie on a cycle are red.
/// The SVG path of an edge from `a`'s right side to `b`'s left side: a curve when `b` lies to the
/// right, else a loop `drop` points below the lower box.
fn edge_path(a: &GraphNode, b: &GraphNode, drop: f64) -> String {
    let (x1, y1) = (a.x + GRAPH_NODE_W, a.y + GRAPH_NODE_H / 2.0);
    let (x2, y2) = (b.x, b.y + GRAPH_NODE_H / 2.0);
    if x2 > x1 {
        let dx = (x2 - x1) / 2.0;
        format!("M{x1:.1} {y1:.1}C{:.1} {y1:.1} {:.1} {y2:.1} {x2:.1} {y2:.1}", x1 + dx, x2 - dx)
    } else {
        // Same layer or backwards: loop around below the boxes.
        let below = a.y.max(b.y) + GRAPH_NODE_H + drop;
        format!("M{x1:.1} {y1:.1}C{:.1} {below:.1} {:.1} {below:.1} {x2:.1} {y2:.1}", x1 + 40.0, x2 - 40.0)
    }
}

pub(crate) fn sequence_graph(g: &SequenceGraph) -> String {
    if g.nodes.is_empty() {
        return String::new();
    }
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart graph" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="sg-title"><title id="sg-title">Sequence graph: prerequisites from left to right</title><defs><marker id="sg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#555555"/></marker><marker id="sg-arrow-bad" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#d62728"/></marker></defs>"##,
        w = num(g.width),
        h = num(g.height)
    );
    for e in &g.edges {
        let (Some(a), Some(b)) = (g.nodes.get(e.from), g.nodes.get(e.to)) else { continue };
        let bad = e.backward || e.cyclic;
        let (colour, marker) = if bad { ("#d62728", "sg-arrow-bad") } else { ("#555555", "sg-arrow") };
        let path = edge_path(a, b, 10.0);
        let _ = write!(
            s,
            r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.5" marker-end="url(#{marker})"{}/>"#,
            if bad { r#" stroke-dasharray="5 3""# } else { "" }
        );
    }
    // Mastery pathways: dashed, orange to a remediation, green to an enrichment; the route's box
    // says which.
    for e in &g.pathways {
        let (Some(a), Some(b)) = (g.nodes.get(e.from), g.nodes.get(e.to)) else { continue };
        let (colour, word) = match e.role {
            crate::model::PathwayRole::Remediation => ("#b35806", "if not reached"),
            crate::model::PathwayRole::Enrichment => ("#1b7837", "if reached"),
        };
        let path = edge_path(a, b, 22.0);
        let _ = write!(
            s,
            r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="3 3"><title>{role} {word}: {label}</title></path>"#,
            role = e.role,
            label = esc(&e.label),
        );
    }
    for (i, n) in g.nodes.iter().enumerate() {
        let (fill, white) = level_colour(n.max_level);
        // A route's box names its role and the objectives that decide it.
        let route = g.pathways.iter().find(|e| e.to == i).map(|e| format!("{} · {}", e.role, e.label));
        let text_fill = if white { "#ffffff" } else { "#111111" };
        let title = if n.node.code.is_empty() {
            n.node.title.clone()
        } else {
            format!("{} {}", n.node.code, n.node.title)
        };
        let week = n.week.map(|w| format!("week {w}")).unwrap_or_default();
        let sub = match route {
            Some(route) => vec![route, week],
            None => vec![
                n.node.kind.clone(),
                week,
                n.max_level.map(|l| super::alignment::level_name(l).to_owned()).unwrap_or_default(),
            ],
        }
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
        let _ = write!(
            s,
            r##"<g><title>{full}</title><rect x="{x:.1}" y="{y:.1}" width="{GRAPH_NODE_W}" height="{GRAPH_NODE_H}" rx="6" fill="{fill}" stroke="#555555"/><text x="{tx:.1}" y="{ty1:.1}" class="node" fill="{text_fill}">{t}</text><text x="{tx:.1}" y="{ty2:.1}" class="sub" fill="{text_fill}">{sub}</text></g>"##,
            full = esc(&n.node.path),
            x = n.x,
            y = n.y,
            tx = n.x + 8.0,
            ty1 = n.y + 18.0,
            ty2 = n.y + 34.0,
            t = esc(&super::context::shorten(&title, 24)),
            sub = esc(&sub)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis_rounds_up_to_a_tick() {
        assert_eq!(nice_axis(9.3), (10.0, 2.0));
        assert_eq!(nice_axis(0.0), (1.0, 1.0));
        let (max, step) = nice_axis(137.0);
        assert!(max >= 137.0 && (max / step).fract() == 0.0);
    }
}
