//! Document commands: `new` (optionally from a template), `show`, `stats`, `undo`, `redo`, `schema`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use trellis::model::{BloomLevel, Document};
use trellis::store::{self, Store};

use super::exit;

/// Commands on a whole document.
#[derive(Subcommand)]
pub enum DocumentCommand {
    /// Create a new curriculum document, empty or from a template's skeleton.
    New {
        /// The `.trellis` file to create (must not exist).
        file: PathBuf,
        /// Title of the curriculum.
        #[arg(long)]
        title: String,
        /// Start from this template (`trellis templates` lists the ids).
        #[arg(long, value_name = "ID")]
        template: Option<String>,
    },
    /// Print the outline tree with counts of objectives, activities and assessments.
    Show {
        /// A `.trellis` document or canonical `.json` file.
        file: PathBuf,
    },
    /// Print statistics: counts per entity, Bloom levels, hours, history.
    Stats {
        /// A `.trellis` document or canonical `.json` file.
        file: PathBuf,
    },
    /// Revert the newest edit of a document.
    Undo {
        /// The `.trellis` document.
        file: PathBuf,
    },
    /// Re-apply the newest undone edit of a document.
    Redo {
        /// The `.trellis` document.
        file: PathBuf,
    },
    /// Print the JSON Schema of the canonical format.
    Schema,
}

impl DocumentCommand {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<u8> {
        match self {
            DocumentCommand::New { file, title, template } => {
                let catalog = super::templates::user_catalog();
                let found =
                    template.as_deref().map(|id| trellis::workflow::document::find_template(&catalog, id));
                let doc = match found {
                    None => Document::new(title),
                    Some(Ok(t)) => t.instantiate(&title),
                    Some(Err(message)) => {
                        eprintln!("error: {message}");
                        return Ok(exit::USAGE);
                    }
                };
                Store::create(&file, &doc).with_context(|| format!("creating {}", file.display()))?;
                match &doc.curriculum.template {
                    Some(id) => println!(
                        "created {} from template {id} ({} node(s))",
                        file.display(),
                        doc.nodes.len()
                    ),
                    None => println!("created {}", file.display()),
                }
            }
            DocumentCommand::Show { file } => {
                let doc = store::load_path(&file).with_context(|| format!("reading {}", file.display()))?;
                print!("{}", outline(&doc));
            }
            DocumentCommand::Stats { file } => {
                let doc = store::load_path(&file).with_context(|| format!("reading {}", file.display()))?;
                print!("{}", stats(&doc));
                if file.extension().is_none_or(|e| e != "json") {
                    let history = Store::open_read_only(&file)?.history()?;
                    println!(
                        "history: {} edit(s) to undo{}, {} to redo",
                        history.undo_depth,
                        history.undo.map(|l| format!(" (newest: {l})")).unwrap_or_default(),
                        history.redo_depth
                    );
                }
            }
            DocumentCommand::Undo { file } => {
                let mut store = Store::open(&file).with_context(|| format!("opening {}", file.display()))?;
                let label = store.undo().with_context(|| format!("undoing in {}", file.display()))?;
                println!("undone: {label}");
            }
            DocumentCommand::Redo { file } => {
                let mut store = Store::open(&file).with_context(|| format!("opening {}", file.display()))?;
                let label = store.redo().with_context(|| format!("redoing in {}", file.display()))?;
                println!("redone: {label}");
            }
            DocumentCommand::Schema => print!("{}", trellis::json::schema()),
        }
        Ok(exit::OK)
    }
}

/// The outline as an indented tree with per-node counts. Iterative and linear: counts are
/// gathered in one pass and the tree is walked with an explicit stack.
fn outline(doc: &Document) -> String {
    use std::collections::HashMap;
    let index = doc.index();
    let mut counts: HashMap<trellis::model::NodeId, [usize; 3]> = HashMap::new();
    for o in &doc.objectives {
        counts.entry(o.node).or_default()[0] += 1;
    }
    for a in &doc.activities {
        counts.entry(a.node).or_default()[1] += 1;
    }
    for a in &doc.assessments {
        counts.entry(a.node).or_default()[2] += 1;
    }
    let mut out = format!("{}{}\n", doc.curriculum.title, code_suffix(&doc.curriculum.code));
    // (node, indentation prefix, is last sibling)
    let roots = index.roots();
    let mut stack: Vec<(&trellis::model::Node, String, bool)> =
        roots.iter().enumerate().rev().map(|(i, n)| (*n, String::new(), i + 1 == roots.len())).collect();
    while let Some((node, prefix, last)) = stack.pop() {
        let [objectives, activities, assessments] = counts.get(&node.id).copied().unwrap_or_default();
        let mut parts = Vec::new();
        if objectives > 0 {
            parts.push(format!("{objectives} objective{}", plural(objectives)));
        }
        if activities > 0 {
            parts.push(format!("{activities} activit{}", if activities == 1 { "y" } else { "ies" }));
        }
        if assessments > 0 {
            parts.push(format!("{assessments} assessment{}", plural(assessments)));
        }
        let parts = if parts.is_empty() { String::new() } else { format!("  [{}]", parts.join(", ")) };
        let code = if node.code.is_empty() { String::new() } else { format!("{} ", node.code) };
        let branch = if last { "└─" } else { "├─" };
        out.push_str(&format!("{prefix}{branch} {} {code}{}{parts}\n", node.kind, node.title));
        let children = index.children(node.id);
        let prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
        for (i, child) in children.iter().enumerate().rev() {
            stack.push((child, prefix.clone(), i + 1 == children.len()));
        }
    }
    out
}

fn code_suffix(code: &str) -> String {
    if code.is_empty() { String::new() } else { format!(" ({code})") }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Counts, Bloom distribution and planned hours.
fn stats(doc: &Document) -> String {
    let items: usize = doc.assessments.iter().map(|a| a.items.len()).sum();
    let criteria: usize = doc.rubrics.iter().map(|r| r.criteria.len()).sum();
    let mut out = String::new();
    out.push_str(&format!("title: {}\n", doc.curriculum.title));
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for node in &doc.nodes {
        match kinds.iter_mut().find(|(k, _)| *k == node.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((node.kind.clone(), 1)),
        }
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    out.push_str(&format!("nodes: {} ({})\n", doc.nodes.len(), kinds.join(", ")));
    out.push_str(&format!("objectives: {}\n", doc.objectives.len()));
    out.push_str(&format!("activities: {}\n", doc.activities.len()));
    out.push_str(&format!("assessments: {} with {items} quiz item(s)\n", doc.assessments.len()));
    out.push_str(&format!("rubrics: {} with {criteria} criteria\n", doc.rubrics.len()));
    out.push_str(&format!(
        "frameworks: {} with {} item(s)\n",
        doc.frameworks.len(),
        doc.standard_items.len()
    ));
    out.push_str(&format!(
        "review: {} comment(s), {} status change(s), {} snapshot(s)\n",
        doc.comments.len(),
        doc.review_events.len(),
        doc.snapshots.len()
    ));
    let levels: Vec<String> = BloomLevel::ALL
        .iter()
        .map(|l| format!("{} {}", l.as_str(), doc.objectives.iter().filter(|o| o.level == Some(*l)).count()))
        .collect();
    let unclassified = doc.objectives.iter().filter(|o| o.level.is_none()).count();
    out.push_str(&format!("bloom levels: {}, unclassified {unclassified}\n", levels.join(", ")));
    let minutes: u64 = doc.activities.iter().filter_map(|a| a.duration_minutes).map(u64::from).sum::<u64>()
        + doc.assessments.iter().filter_map(|a| a.duration_minutes).map(u64::from).sum::<u64>();
    out.push_str(&format!(
        "planned student time: {:.1} h in activities and assessments\n",
        minutes as f64 / 60.0
    ));
    if let (Some(credits), Some((lo, hi))) =
        (doc.curriculum.credits, doc.curriculum.credit_system.hours_per_credit())
    {
        out.push_str(&format!(
            "credit norm: {credits} credit(s) ≈ {:.0}–{:.0} h of student work\n",
            credits * lo,
            credits * hi
        ));
    }
    out
}
