//! The window's kept evidence of learning beside a million results (`AppState::evidence`): what
//! the analysis costs after a design edit (the evidence kept) against after an evidence change
//! (read again), and how long an edit takes while the evidence is being read.
//!
//! `cargo bench -p trellis-desktop --bench evidence_kept`; prints its figures (three rounds).

use std::sync::Arc;
use std::time::Instant;

use trellis::store::{EditOp, Store};
use trellis_desktop::commands::evidence::{EvidenceAnalysisRequest, analysis_of};
use trellis_desktop::state::AppState;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let doc = trellis_desktop::examples::document("intro-statistics")?;
    let state = Arc::new(AppState::new(dir.path(), dir.path().join("documents")));
    state.attach("main", Store::create(&dir.path().join("course.trellis"), &doc)?)?;
    let learners = 1_000_000 / doc.objectives.len() + 1;
    let mut csv = String::from("learner,objective,score,points_possible,date\n");
    for l in 0..learners {
        for (i, o) in doc.objectives.iter().enumerate() {
            let (score, day) = ((l * 7 + i * 13) % 5, 1 + (l + i) % 28);
            csv.push_str(&format!("lms-{l},{},{score},4,2024-02-{day:02}\n", o.code));
        }
    }
    let file = dir.path().join("results.csv");
    std::fs::write(&file, csv)?;
    let ms = |t: Instant| format!("{:.3} ms", t.elapsed().as_secs_f64() * 1000.0);
    tauri::async_runtime::block_on(async {
        let t = Instant::now();
        state
            .change_evidence("main", move |store, doc| {
                let task = trellis::task::Task::quiet("the import");
                let source = Some(trellis::evidence::import::Source::Csv);
                trellis::workflow::evidence::import_file(
                    store,
                    doc,
                    &file,
                    source,
                    &Default::default(),
                    &task,
                )
            })
            .await?;
        println!("import: {}", ms(t));
        let request = EvidenceAnalysisRequest::default();
        for round in 0..3 {
            let t = Instant::now();
            let (evidence, design) = state.evidence("main", None).await?;
            let read = ms(t);
            let t = Instant::now();
            state.evidence_cohorts("main").await?;
            let cohorts = ms(t);
            let t = Instant::now();
            analysis_of(&design, &evidence, &request)?;
            let what = if round == 0 { "read" } else { "kept, after a rename" };
            println!(
                "round {round} ({} results, evidence {what}): evidence {read}, cohorts {cohorts}, analysis {}",
                evidence.results.len(),
                ms(t)
            );
            let mut objective = design.objectives[0].clone();
            objective.code = format!("R{round}");
            state.with_store("main", move |s| s.apply(EditOp::UpdateObjective { objective })).await?;
        }
        // An edit while the evidence is read again (after an evidence change).
        state.change_evidence("main", |_, _| Ok(())).await?;
        let reader = state.clone();
        let reading = tauri::async_runtime::spawn(async move {
            let t = Instant::now();
            reader.evidence("main", None).await.map(|_| ms(t))
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        let mut objective = doc.objectives[1].clone();
        objective.code = "X".into();
        let t = Instant::now();
        state.with_store("main", move |s| s.apply(EditOp::UpdateObjective { objective })).await?;
        let edit = ms(t);
        println!("an edit while the evidence is read: {edit} (the read: {})", reading.await??);
        Ok(())
    })
}
