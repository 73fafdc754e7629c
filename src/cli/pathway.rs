//! `trellis pathway …` and `trellis review-plan …`: mark a lesson or an activity as remediation
//! or enrichment for objectives (`set`, `clear`, `list`), and set, show or clear the curriculum's
//! spaced-review plan. Each change is one undoable edit; `show` prints the planned reviews per
//! objective (text or JSON) from `trellis::analysis::spaced`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use trellis::model::{Document, ObjectiveId, Pathway, PathwayRole, ReviewPlan};
use trellis::store::{EditOp, Store};

use super::exit;

/// Arguments of `trellis pathway`.
#[derive(Args)]
pub struct PathwayArgs {
    #[command(subcommand)]
    command: PathwayCommand,
}

#[derive(Clone, Copy, ValueEnum)]
enum Role {
    Remediation,
    Enrichment,
}

#[derive(Subcommand)]
enum PathwayCommand {
    /// Mark a lesson (node) or an activity as remediation or enrichment for objectives.
    Set {
        /// The document (`.trellis`).
        document: PathBuf,
        /// The lesson or activity: its id, or a node's code (`L2.3`).
        item: String,
        /// Remediation (for learners who have not yet reached the objectives) or enrichment.
        #[arg(long, value_enum)]
        role: Role,
        /// An objective whose mastery decides the route: its id or code (repeatable).
        #[arg(long = "objective", required = true)]
        objectives: Vec<String>,
    },
    /// Put a lesson or an activity back on the main path.
    Clear {
        /// The document (`.trellis`).
        document: PathBuf,
        /// The lesson or activity: its id, or a node's code.
        item: String,
    },
    /// List the remediation and enrichment routes of a document.
    List {
        /// The document (`.trellis` or canonical `.json`).
        document: PathBuf,
    },
}

/// Arguments of `trellis review-plan`.
#[derive(Args)]
pub struct ReviewPlanArgs {
    #[command(subcommand)]
    command: ReviewPlanCommand,
}

#[derive(Subcommand)]
enum ReviewPlanCommand {
    /// Plan retrieval practice of every lesson and unit objective on expanding intervals.
    Set {
        /// The document (`.trellis`).
        document: PathBuf,
        /// Days after an objective's introduction, increasing, comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = trellis::model::DEFAULT_REVIEW_INTERVALS)]
        intervals: Vec<u32>,
        /// Minutes of student time per review of one objective.
        #[arg(long, default_value_t = trellis::model::DEFAULT_REVIEW_MINUTES)]
        minutes: u32,
        /// First day of teaching week 1 (`YYYY-MM-DD`), so reviews get dates.
        #[arg(long)]
        start: Option<String>,
    },
    /// Print the planned reviews per objective and the review minutes per week.
    Show {
        /// The document (`.trellis` or canonical `.json`).
        document: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Remove the review plan.
    Clear {
        /// The document (`.trellis`).
        document: PathBuf,
    },
}

fn open(document: &Path) -> anyhow::Result<(Store, Document)> {
    let store = Store::open(document).with_context(|| format!("opening {}", document.display()))?;
    let doc = store.load().with_context(|| format!("reading {}", document.display()))?;
    Ok((store, doc))
}

fn read(document: &Path) -> anyhow::Result<Document> {
    if document.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        return trellis::json::read(document).with_context(|| format!("reading {}", document.display()));
    }
    trellis::store::load_path(document).with_context(|| format!("reading {}", document.display()))
}

/// A lesson or activity named on the command line.
enum Item {
    Node(usize),
    Activity(usize),
}

fn find_item(doc: &Document, text: &str) -> Option<Item> {
    let text = text.trim();
    if let Ok(id) = text.parse::<uuid::Uuid>() {
        if let Some(i) = doc.nodes.iter().position(|n| n.id.0 == id) {
            return Some(Item::Node(i));
        }
        if let Some(i) = doc.activities.iter().position(|a| a.id.0 == id) {
            return Some(Item::Activity(i));
        }
        return None;
    }
    let mut matches = doc.nodes.iter().enumerate().filter(|(_, n)| n.code == text);
    match (matches.next(), matches.next()) {
        (Some((i, _)), None) => Some(Item::Node(i)),
        _ => None,
    }
}

fn find_objective(doc: &Document, text: &str) -> Option<ObjectiveId> {
    let text = text.trim();
    if let Ok(id) = text.parse::<ObjectiveId>() {
        return doc.objectives.iter().find(|o| o.id == id).map(|o| o.id);
    }
    let mut matches = doc.objectives.iter().filter(|o| o.code == text);
    match (matches.next(), matches.next()) {
        (Some(o), None) => Some(o.id),
        _ => None,
    }
}

fn objective_label(doc: &Document, id: ObjectiveId) -> String {
    doc.objectives
        .iter()
        .find(|o| o.id == id)
        .map(|o| if o.code.trim().is_empty() { o.id.to_string() } else { o.code.clone() })
        .unwrap_or_else(|| id.to_string())
}

/// Sets (or clears, `None`) the pathway of a lesson or activity in one edit.
fn set_pathway(document: &Path, item: &str, pathway: Option<Pathway>) -> anyhow::Result<u8> {
    let (mut store, doc) = open(document)?;
    let Some(found) = find_item(&doc, item) else {
        eprintln!(
            "error: {}: no lesson or activity has the id or code {item:?} (a code must name exactly one node)",
            document.display()
        );
        return Ok(exit::INPUT);
    };
    let (op, name) = match found {
        Item::Node(i) => {
            let mut node = doc.nodes[i].clone();
            node.pathway = pathway;
            let name = format!("“{}”", node.title);
            (EditOp::UpdateNode { node }, name)
        }
        Item::Activity(i) => {
            let mut activity = doc.activities[i].clone();
            activity.pathway = pathway;
            let name = format!("activity “{}”", activity.title);
            (EditOp::UpdateActivity { activity }, name)
        }
    };
    store.apply(op).with_context(|| format!("writing {}", document.display()))?;
    println!("{}: {name} updated", document.display());
    Ok(exit::OK)
}

impl PathwayArgs {
    /// Runs the subcommand.
    pub fn run(self) -> anyhow::Result<u8> {
        match self.command {
            PathwayCommand::Set { document, item, role, objectives } => {
                let doc = read(&document)?;
                let mut ids = Vec::new();
                for text in &objectives {
                    let Some(id) = find_objective(&doc, text) else {
                        eprintln!(
                            "error: {}: no objective has the id or code {text:?} (a code must name exactly one objective)",
                            document.display()
                        );
                        return Ok(exit::INPUT);
                    };
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                let role = match role {
                    Role::Remediation => PathwayRole::Remediation,
                    Role::Enrichment => PathwayRole::Enrichment,
                };
                set_pathway(&document, &item, Some(Pathway { role, objectives: ids }))
            }
            PathwayCommand::Clear { document, item } => set_pathway(&document, &item, None),
            PathwayCommand::List { document } => {
                let doc = read(&document)?;
                let mut any = false;
                let routes =
                    doc.nodes
                        .iter()
                        .filter_map(|n| n.pathway.as_ref().map(|p| (format!("{} “{}”", n.kind, n.title), p)))
                        .chain(doc.activities.iter().filter_map(|a| {
                            a.pathway.as_ref().map(|p| (format!("activity “{}”", a.title), p))
                        }));
                for (name, p) in routes {
                    any = true;
                    let labels: Vec<String> =
                        p.objectives.iter().map(|o| objective_label(&doc, *o)).collect();
                    println!(
                        "{name}: {} for {}",
                        p.role,
                        if labels.is_empty() { "-".into() } else { labels.join(", ") }
                    );
                }
                if !any {
                    println!("{}: no remediation or enrichment routes", document.display());
                }
                Ok(exit::OK)
            }
        }
    }
}

impl ReviewPlanArgs {
    /// Runs the subcommand.
    pub fn run(self) -> anyhow::Result<u8> {
        match self.command {
            ReviewPlanCommand::Set { document, intervals, minutes, start } => {
                let plan = ReviewPlan {
                    enabled: true,
                    intervals_days: intervals,
                    minutes_per_review: minutes,
                    start_date: start,
                };
                let problems = plan.problems();
                if !problems.is_empty() {
                    eprintln!("error: the review plan {}", problems.join("; "));
                    return Ok(exit::USAGE);
                }
                let (mut store, doc) = open(&document)?;
                let mut curriculum = doc.curriculum;
                curriculum.review_plan = Some(plan);
                store
                    .apply(EditOp::UpdateCurriculum { curriculum })
                    .with_context(|| format!("writing {}", document.display()))?;
                println!("{}: review plan set", document.display());
                Ok(exit::OK)
            }
            ReviewPlanCommand::Clear { document } => {
                let (mut store, doc) = open(&document)?;
                let mut curriculum = doc.curriculum;
                curriculum.review_plan = None;
                store
                    .apply(EditOp::UpdateCurriculum { curriculum })
                    .with_context(|| format!("writing {}", document.display()))?;
                println!("{}: review plan removed", document.display());
                Ok(exit::OK)
            }
            ReviewPlanCommand::Show { document, json } => {
                let doc = read(&document)?;
                let Some(schedule) = trellis::analysis::spaced::plan(&doc) else {
                    println!("{}: no review plan", document.display());
                    return Ok(exit::OK);
                };
                if json {
                    println!("{}", serde_json::to_string_pretty(&schedule)?);
                    return Ok(exit::OK);
                }
                for o in &schedule.objectives {
                    let Some(week) = o.introduced_week else {
                        println!("{}: no teaching week, not planned", o.label);
                        continue;
                    };
                    let reviews: Vec<String> = o
                        .reviews
                        .iter()
                        .map(|r| {
                            let at = r.date.clone().unwrap_or_else(|| format!("week {}", r.week));
                            if r.within_course { at } else { format!("{at} (after the course)") }
                        })
                        .collect();
                    println!("{} (week {week}): {}", o.label, reviews.join(", "));
                }
                let weeks: Vec<String> =
                    schedule.minutes_per_week.iter().map(|(w, m)| format!("week {w}: {m} min")).collect();
                println!("review time: {}", weeks.join(", "));
                Ok(exit::OK)
            }
        }
    }
}
