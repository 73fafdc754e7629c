//! `trellis evidence import|list|remove|policy|analyse` (evidence of learning in a document) and
//! `trellis mastery` (mastery per objective and learner as text, JSON or CSV). Each calls one
//! function of `trellis::evidence`; formats and rules: docs/evidence.md.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use trellis::evidence::analysis::{self, Analysis, Cell};
use trellis::evidence::import::{self, Options, Source};
use trellis::evidence::mastery::{self, MasteryReport, Method};
use trellis::evidence::{Evidence, store as evidence_store};
use trellis::store::Store;

use super::exit;

/// Arguments of `trellis evidence`.
#[derive(Args)]
pub struct EvidenceArgs {
    #[command(subcommand)]
    command: EvidenceCommand,
}

#[derive(Clone, Copy, ValueEnum)]
enum From {
    /// Canvas Outcome Results report (CSV).
    CanvasOutcomes,
    /// Canvas gradebook export (CSV).
    CanvasGradebook,
    /// xAPI statements (JSON array or JSON Lines).
    Xapi,
    /// Plain CSV: learner, objective, score, points_possible, date.
    Csv,
    /// Canvas Learning Mastery Gradebook export (CSV, one row per student).
    CanvasMastery,
    /// Moodle grade export (plain text file / CSV).
    MoodleGrades,
}

#[derive(Subcommand)]
enum EvidenceCommand {
    /// Import results into a cohort from a file (`--from SOURCE SRC`) or an LRS (`--lrs URL`)
    /// (one undo step; importing the same results again changes nothing, a changed result
    /// replaces the stored one).
    Import {
        /// The document (.trellis).
        doc: PathBuf,
        /// What the source file is.
        #[arg(long, value_enum, required_unless_present = "lrs", conflicts_with = "lrs", requires = "src")]
        from: Option<From>,
        /// The source file.
        src: Option<PathBuf>,
        /// Read xAPI statements from this LRS endpoint (http:// or https://host/xapi/) instead of
        /// a file; the password is read from the TRELLIS_LRS_PASSWORD environment variable.
        #[arg(long, conflicts_with = "src")]
        lrs: Option<String>,
        /// Only statements stored since this time (YYYY-MM-DD or an ISO 8601 date-time).
        #[arg(long, requires = "lrs")]
        since: Option<String>,
        /// Only statements stored until this time.
        #[arg(long, requires = "lrs")]
        until: Option<String>,
        /// Only statements about this activity IRI (as object or in their context).
        #[arg(long, requires = "lrs")]
        activity: Option<String>,
        /// The LRS user (HTTP Basic authentication; password from TRELLIS_LRS_PASSWORD).
        #[arg(long, requires = "lrs")]
        lrs_user: Option<String>,
        /// Trust only the root certificates of this PEM file for an https LRS (default: the
        /// built-in Mozilla roots).
        #[arg(long, requires = "lrs", value_name = "FILE")]
        lrs_ca: Option<PathBuf>,
        /// The cohort to import into (default: the source's file name).
        #[arg(long)]
        cohort: Option<String>,
        /// Term or section of a new cohort.
        #[arg(long, default_value = "")]
        term: String,
        /// Keep learners' names (by default only salted pseudonyms are stored).
        #[arg(long)]
        keep_names: bool,
        /// Print the import report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the cohorts with their learners and results.
    List {
        /// The document (.trellis).
        doc: PathBuf,
    },
    /// Remove a cohort with its learners and results (one undo step).
    Remove {
        /// The document (.trellis).
        doc: PathBuf,
        /// The cohort.
        #[arg(long)]
        cohort: String,
    },
    /// Set the mastery policy of the curriculum, or of one objective (`--objective`).
    Policy {
        /// The document (.trellis).
        doc: PathBuf,
        /// An objective's id or code (default: the curriculum's default policy).
        #[arg(long)]
        objective: Option<String>,
        /// Calculation method: highest, latest, average, n_mastery, decaying_average,
        /// standard_decaying_average, most_common.
        #[arg(long)]
        method: String,
        /// The method's parameter (n for n_mastery, the weight for the decaying averages).
        #[arg(long)]
        calculation_int: Option<i64>,
        /// Top of the point scale.
        #[arg(long, default_value_t = 4.0)]
        points_possible: f64,
        /// Score from which the objective is mastered.
        #[arg(long, default_value_t = 3.0)]
        mastery_points: f64,
        /// Fewest results before a judgement.
        #[arg(long, default_value_t = 1)]
        min_results: u32,
    },
    /// Heatmaps, distributions, skill gaps, item analysis and cohort trends (text summary, or the
    /// whole analysis as JSON, which includes learner pseudonyms).
    Analyse {
        /// The document (.trellis).
        doc: PathBuf,
        /// Only this cohort.
        #[arg(long)]
        cohort: Option<String>,
        /// Share of mastered learners below which an objective is a skill gap.
        #[arg(long, default_value_t = trellis::evidence::analysis::DEFAULT_GAP_THRESHOLD)]
        gap_threshold: f64,
        /// Print the whole analysis as JSON.
        #[arg(long)]
        json: bool,
    },
}

impl EvidenceArgs {
    pub fn run(self) -> anyhow::Result<u8> {
        match self.command {
            EvidenceCommand::Import {
                doc,
                from,
                src,
                lrs,
                since,
                until,
                activity,
                lrs_user,
                lrs_ca,
                cohort,
                term,
                keep_names,
                json,
            } => {
                let mut store = Store::open(&doc).with_context(|| format!("opening {}", doc.display()))?;
                let design = store.load()?;
                let options = Options { cohort, term, keep_names, ..Options::default() };
                let report = match (lrs, from, src) {
                    (Some(endpoint), _, _) => {
                        let password = std::env::var("TRELLIS_LRS_PASSWORD").ok();
                        let query = import::lrs::LrsQuery {
                            endpoint,
                            since,
                            until,
                            activity,
                            user: lrs_user,
                            password,
                            ca_file: lrs_ca,
                        };
                        import::lrs::import(
                            &mut store,
                            &design,
                            &query,
                            &import::lrs::LrsLimits::default(),
                            &options,
                        )?
                    }
                    (None, Some(from), Some(src)) => {
                        let source = match from {
                            From::CanvasOutcomes => Source::CanvasOutcomes,
                            From::CanvasGradebook => Source::CanvasGradebook,
                            From::Xapi => Source::Xapi,
                            From::Csv => Source::Csv,
                            From::CanvasMastery => Source::CanvasMastery,
                            From::MoodleGrades => Source::MoodleGrades,
                        };
                        import::import(&mut store, &design, source, &src, &options)?
                    }
                    _ => bail!("give a source: --from SOURCE FILE, or --lrs URL"),
                };
                let mut out = std::io::stdout().lock();
                if json {
                    serde_json::to_writer_pretty(&mut out, &report)?;
                    writeln!(out)?;
                } else {
                    write!(out, "{}", report.to_text())?;
                }
                Ok(exit::OK)
            }
            EvidenceCommand::List { doc } => {
                let store =
                    Store::open_read_only(&doc).with_context(|| format!("opening {}", doc.display()))?;
                let cohorts = evidence_store::cohorts(store.connection())?;
                let mut out = std::io::stdout().lock();
                if cohorts.is_empty() {
                    writeln!(out, "{} holds no evidence", doc.display())?;
                }
                for c in cohorts {
                    let term = if c.cohort.term.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", c.cohort.term)
                    };
                    let named = if c.named > 0 { format!(", {} with names", c.named) } else { String::new() };
                    writeln!(
                        out,
                        "{}{term}: {} learners{named}, {} results from {}, imported {}",
                        c.cohort.name, c.learners, c.results, c.cohort.source, c.cohort.imported_at
                    )?;
                }
                Ok(exit::OK)
            }
            EvidenceCommand::Remove { doc, cohort } => {
                let mut store = Store::open(&doc).with_context(|| format!("opening {}", doc.display()))?;
                let label = format!("Remove cohort {cohort}");
                let removed = store.apply_with(&label, |tx| evidence_store::remove_cohort(tx, &cohort))?;
                if !removed {
                    bail!(trellis::Error::NotFound {
                        kind: "cohort",
                        id: format!("{cohort:?} in {}", doc.display())
                    });
                }
                println!("Removed cohort {cohort} (trellis undo brings it back)");
                Ok(exit::OK)
            }
            EvidenceCommand::Policy {
                doc,
                objective,
                method,
                calculation_int,
                points_possible,
                mastery_points,
                min_results,
            } => {
                let mut store = Store::open(&doc).with_context(|| format!("opening {}", doc.display()))?;
                let Some(method) = Method::parse(&method) else {
                    let names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
                    bail!(trellis::Error::Refused(format!(
                        "unknown method {method:?}; expected one of {}",
                        names.join(", ")
                    )));
                };
                let policy = trellis::evidence::Policy {
                    points_possible,
                    mastery_points,
                    method,
                    calculation_int: calculation_int.or(method.parameter().map(|(_, d)| d)),
                    min_results,
                };
                let target = match &objective {
                    None => None,
                    Some(text) => {
                        let design = store.load()?;
                        let found = design.objectives.iter().find(|o| {
                            o.id.0.to_string() == text.trim()
                                || o.code.trim().eq_ignore_ascii_case(text.trim())
                        });
                        match found {
                            Some(o) => Some(o.id.0),
                            None => bail!(trellis::Error::NotFound { kind: "objective", id: text.clone() }),
                        }
                    }
                };
                policy.validate(objective.as_deref().unwrap_or("the default policy"))?;
                let path = doc.clone();
                store.apply_with("Set mastery policy", |tx| {
                    evidence_store::set_policy(tx, &path, target, Some(&policy))
                })?;
                Ok(exit::OK)
            }
            EvidenceCommand::Analyse { doc, cohort, gap_threshold, json } => {
                if !(0.0..=1.0).contains(&gap_threshold) {
                    bail!(trellis::Error::Refused(format!(
                        "--gap-threshold must be a share from 0 to 1 (found {gap_threshold})"
                    )));
                }
                let store =
                    Store::open_read_only(&doc).with_context(|| format!("opening {}", doc.display()))?;
                let design = store.load()?;
                let evidence = Evidence::load(&store, cohort.as_deref())?;
                let report = mastery::compute(&design, &evidence);
                let options = analysis::Options { gap_threshold };
                let result = analysis::analyse(&design, &evidence, &report, options);
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                if json {
                    serde_json::to_writer_pretty(&mut out, &result)?;
                    writeln!(out)?;
                } else {
                    write_analysis(&mut out, &result)?;
                }
                out.flush()?;
                Ok(exit::OK)
            }
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Csv,
}

/// Arguments of `trellis mastery`.
#[derive(Args)]
pub struct MasteryArgs {
    /// The document (.trellis).
    doc: PathBuf,
    /// Only this cohort.
    #[arg(long)]
    cohort: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

impl MasteryArgs {
    pub fn run(self) -> anyhow::Result<u8> {
        let store =
            Store::open_read_only(&self.doc).with_context(|| format!("opening {}", self.doc.display()))?;
        let design = store.load()?;
        let evidence = Evidence::load(&store, self.cohort.as_deref())?;
        let report = mastery::compute(&design, &evidence);
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        match self.format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            }
            Format::Csv => write_csv(&mut out, &report)?,
            Format::Text => write_text(&mut out, &report)?,
        }
        out.flush()?;
        Ok(exit::OK)
    }
}

fn number(x: Option<f64>) -> String {
    x.map_or(String::new(), |x| x.to_string())
}

fn write_csv(out: &mut impl Write, report: &MasteryReport) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["learner", "objective", "code", "score", "mastered", "results"])?;
    let codes: std::collections::HashMap<uuid::Uuid, &str> =
        report.objectives.iter().map(|o| (o.id, o.code.as_str())).collect();
    for l in &report.learners {
        w.write_record([
            l.learner.clone(),
            l.objective.to_string(),
            codes.get(&l.objective).copied().unwrap_or("").to_owned(),
            number(l.score),
            l.mastered.to_string(),
            l.results.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_text(out: &mut impl Write, report: &MasteryReport) -> anyhow::Result<()> {
    writeln!(
        out,
        "{:<12} {:<26} {:>8} {:>8} {:>6} {:>7}",
        "objective", "method", "assessed", "mastered", "mean", "mastery"
    )?;
    for o in &report.objectives {
        let method = match o.calculation_int {
            Some(n) => format!("{} {n}", o.method.as_str()),
            None => o.method.as_str().to_owned(),
        };
        let code = if o.code.is_empty() { o.id.to_string()[..8].to_owned() } else { o.code.clone() };
        writeln!(
            out,
            "{code:<12} {method:<26} {:>8} {:>8} {:>6} {:>3}/{}",
            o.assessed,
            o.mastered,
            o.mean.map_or("-".to_owned(), |m| format!("{m:.2}")),
            o.mastery_points,
            o.points_possible
        )?;
    }
    if report.orphaned > 0 {
        writeln!(out, "{} results name nothing of the current design and were not counted", report.orphaned)?;
    }
    Ok(())
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::NoEvidence => "no evidence".to_owned(),
        Cell::NotEnoughData { learners } => format!("not enough data ({learners} with results)"),
        Cell::Measured { n, mastered, share, .. } => format!("{mastered}/{n} ({:.0} %)", share * 100.0),
    }
}

/// The analysis for people: mastery per objective and cohort, the gaps, the item statistics.
fn write_analysis(out: &mut impl Write, a: &Analysis) -> anyhow::Result<()> {
    writeln!(out, "Mastery per objective (all cohorts, then each cohort in import order)")?;
    for (o, row) in a.heatmap.objectives.iter().enumerate() {
        let per_cohort: Vec<String> =
            a.trends[o].cohorts.iter().map(|p| format!("{}: {}", p.cohort, cell_text(&p.cell))).collect();
        writeln!(
            out,
            "  {:<12} {:<28} {}",
            row.code,
            cell_text(&a.heatmap.overall[o]),
            per_cohort.join("; ")
        )?;
    }
    writeln!(out, "\nSkill gaps (below {:.0} %)", a.options.gap_threshold * 100.0)?;
    if a.gaps.is_empty() {
        writeln!(out, "  none")?;
    }
    for g in &a.gaps {
        writeln!(out, "  {:<12} {}/{} ({:.0} %)", g.objective.code, g.mastered, g.n, g.share * 100.0)?;
        for p in &g.prerequisites {
            writeln!(out, "      prerequisite {} ({}): {}", p.objective.code, p.via, cell_text(&p.cell))?;
        }
        for x in &g.assessments {
            writeln!(out, "      assessed by {}", x.title)?;
        }
        for x in &g.activities {
            writeln!(out, "      practised in {}", x.title)?;
        }
    }
    if !a.items.assessments.is_empty() {
        if a.items.responses_known {
            writeln!(
                out,
                "\nItems (options: share of learners who chose it, upper / lower 27 % by total; * key)"
            )?;
        } else {
            writeln!(out, "\nItems (no responses in the evidence: no distractor analysis)")?;
        }
    }
    let fmt = |x: Option<f64>| x.map_or("-".to_owned(), |v| format!("{v:.2}"));
    for s in &a.items.assessments {
        writeln!(
            out,
            "  {}: {} complete learner(s), mean p {}, alpha {}, KR-20 {}",
            s.title,
            s.complete,
            fmt(s.mean_difficulty),
            fmt(s.alpha),
            fmt(s.kr20)
        )?;
        for i in &s.items {
            writeln!(
                out,
                "      item {:<3} n {:<5} p {:<6} point-biserial {}",
                i.number,
                i.n,
                fmt(i.difficulty),
                fmt(i.discrimination)
            )?;
            for o in &i.options {
                let pct = |x: Option<f64>| x.map_or("-".to_owned(), |v| format!("{:.0} %", v * 100.0));
                let text: String = o.text.chars().take(40).collect();
                writeln!(
                    out,
                    "          {}{:<5} {:>5} ({} of {})  upper {:>5}  lower {:>5}  {text}",
                    if o.key { "*" } else { " " },
                    o.label,
                    pct(Some(o.share)),
                    o.chosen,
                    i.responses,
                    pct(o.upper),
                    pct(o.lower)
                )?;
            }
        }
    }
    Ok(())
}
