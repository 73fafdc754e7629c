//! The TypeScript bindings of the IPC types (ts-rs), written to `ui/src/lib/ipc/gen/`. The test
//! regenerates them into a scratch directory and compares with the committed files: when a Rust
//! type changed, it rewrites the committed files and fails, so drift never goes unnoticed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

fn gen_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/gen")
}

fn export_all(dir: &Path) -> Result<(), ts_rs::ExportError> {
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    crate::dto::DocumentState::export_all(&cfg)?;
    crate::dto::DocumentChange::export_all(&cfg)?;
    crate::dto::RecentDocument::export_all(&cfg)?;
    crate::dto::ExampleInfo::export_all(&cfg)?;
    crate::error::CommandError::export_all(&cfg)?;
    trellis::store::EditOp::export_all(&cfg)?;
    trellis::Finding::export_all(&cfg)?;
    trellis::analysis::views::Views::export_all(&cfg)?;
    trellis::analysis::diff::DocumentDiff::export_all(&cfg)?;
    crate::commands::export::ExportChoices::export_all(&cfg)?;
    crate::commands::import::ImportOutcome::export_all(&cfg)?;
    crate::commands::interactive::InteractiveInfo::export_all(&cfg)?;
    crate::commands::interactive::AttachOutcome::export_all(&cfg)?;
    crate::commands::evidence::EvidenceSourceInfo::export_all(&cfg)?;
    crate::commands::evidence::EvidenceImportRequest::export_all(&cfg)?;
    crate::commands::evidence::EvidenceLrsRequest::export_all(&cfg)?;
    crate::commands::evidence::EvidenceImportOutcome::export_all(&cfg)?;
    crate::commands::evidence::EvidenceAnalysisRequest::export_all(&cfg)?;
    crate::commands::evidence::MasteryPolicies::export_all(&cfg)?;
    crate::commands::evidence::PolicyInput::export_all(&cfg)?;
    trellis::evidence::analysis::Analysis::export_all(&cfg)?;
    trellis::evidence::mastery::MasteryReport::export_all(&cfg)?;
    trellis::evidence::store::CohortSummary::export_all(&cfg)?;
    crate::commands::report::ReviewPacketRequest::export_all(&cfg)?;
    crate::commands::report::ReviewPacketOutcome::export_all(&cfg)?;
    crate::commands::export::ExportRequest::export_all(&cfg)?;
    crate::commands::export::ExportOutcome::export_all(&cfg)?;
    crate::commands::translate::TranslationOverview::export_all(&cfg)?;
    trellis::export::Progress::export_all(&cfg)?;
    trellis::pedagogy::Template::export_all(&cfg)?;
    trellis::pedagogy::ObjectiveAnalysis::export_all(&cfg)?;
    crate::commands::workspace::FolderOpen::export_all(&cfg)?;
    crate::commands::workspace::FolderRefresh::export_all(&cfg)?;
    crate::commands::workspace::FieldChoice::export_all(&cfg)?;
    crate::commands::workspace::MergeConflictResolved::export_all(&cfg)?;
    trellis::workspace::EntityChange::export_all(&cfg)?;
    Ok(())
}

fn read_ts(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "ts")
            && let (Some(name), Ok(text)) = (path.file_name(), std::fs::read_to_string(&path))
        {
            out.insert(name.to_string_lossy().into_owned(), text);
        }
    }
    out
}

#[test]
#[allow(clippy::unwrap_used)]
fn typescript_bindings_match_the_rust_types() {
    let scratch = tempfile::tempdir().unwrap();
    export_all(scratch.path()).unwrap();
    let fresh = read_ts(scratch.path());
    assert!(fresh.contains_key("Document.ts") && fresh.contains_key("EditOp.ts"), "{:?}", fresh.keys());
    let committed = read_ts(&gen_dir());
    let stale: Vec<&String> =
        fresh.iter().filter(|(name, text)| committed.get(*name) != Some(text)).map(|(n, _)| n).collect();
    if !stale.is_empty() {
        std::fs::create_dir_all(gen_dir()).unwrap();
        for name in &stale {
            std::fs::write(gen_dir().join(name), &fresh[*name]).unwrap();
        }
        panic!(
            "ui/src/lib/ipc/gen was out of date and has been regenerated ({stale:?}); review and commit it"
        );
    }
}
