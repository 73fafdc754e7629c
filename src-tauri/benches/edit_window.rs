//! Edits and undo on the window's copy of the large generated curriculum, as the app makes
//! them: a lean edit (`AppState::with_store`, a rename answered with the history), then a
//! structural one (`AppState::change`: commit, refresh of the loaded copy, patch, history) and
//! its answer serialised as the IPC answer would be; then undo.
//!
//! `TRELLIS_LARGE=path/to/large.trellis cargo bench -p trellis-desktop --bench edit_window`
//! (the file from `TRELLIS_LARGE_OUT=… cargo bench --bench store`); prints its figures.

use std::time::Instant;

use trellis::model::ReviewStatus;
use trellis::store::{EditOp, Store};
use trellis_desktop::state::AppState;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let Some(source) = std::env::var_os("TRELLIS_LARGE") else {
        println!("TRELLIS_LARGE is not set: nothing measured");
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("large.trellis");
    std::fs::copy(source, &path)?;
    let state = AppState::new(dir.path(), dir.path().join("documents"));
    state.attach("main", Store::open(&path)?)?;
    tauri::async_runtime::block_on(async {
        let (_, doc) = state.evidence("main", None).await?;
        let node = doc.nodes[0].id;
        drop(doc);
        async fn doc_node_title(state: &AppState) -> Result<String> {
            Ok(state.with_document("main", |d| Ok(d.nodes[0].title.clone())).await?)
        }
        let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
        let (mut edit, mut json, mut undo) = (Vec::new(), Vec::new(), Vec::new());
        let (mut lean, mut renamed) = (Vec::new(), doc_node_title(&state).await?);
        for i in 0..10 {
            // A lean edit first (answered with the history only, as the app sends a rename),
            // then the structural one.
            renamed.push('.');
            let mut n = state.with_document("main", move |d| Ok(d.nodes[0].clone())).await?;
            n.title = renamed.clone();
            let t = Instant::now();
            state.with_store("main", move |s| s.apply(EditOp::UpdateNode { node: n })).await?;
            lean.push(ms(t));
            let status = if i % 2 == 0 { ReviewStatus::InReview } else { ReviewStatus::Draft };
            let t = Instant::now();
            let change = state
                .change("main", move |s| {
                    s.apply(EditOp::SetReviewStatus { node, status, author: "b".into(), note: String::new() })
                })
                .await?;
            edit.push(ms(t));
            let t = Instant::now();
            let text = serde_json::to_string(&change)?;
            json.push(ms(t));
            assert!(!text.is_empty());
        }
        for _ in 0..10 {
            let t = Instant::now();
            state.change("main", |s| s.undo().map(drop)).await?;
            undo.push(ms(t));
        }
        let show = |v: &[f64]| v.iter().map(|x| format!("{x:.1}")).collect::<Vec<_>>().join(", ");
        println!("rename, lean (ms): {}", show(&lean));
        println!("status change after it (ms): {}", show(&edit));
        println!("its answer as JSON (ms): {}", show(&json));
        println!("undo (ms): {}", show(&undo));
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
