//! `trellis diff OLD NEW [--format text|json|html] [-o OUT] [--exit-code]`: the semantic diff
//! between two versions of a curriculum (`trellis::analysis::diff::diff`). Each side is a
//! document file, `FILE@SNAPSHOT` (a snapshot stored in FILE), or the name of a snapshot stored
//! in the other side's document. With a third argument, `trellis diff REV1 REV2 PATH` compares
//! the document at PATH (file or folder) in two git revisions.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use trellis::analysis::diff::{diff, render_html, render_text, snapshot_document};
use trellis::model::Document;

use super::exit;

/// Arguments of `trellis diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// The old version: a file, FILE@SNAPSHOT, or a snapshot name stored in NEW.
    pub old: String,
    /// The new version: a file, FILE@SNAPSHOT, or a snapshot name stored in OLD.
    pub new: String,
    /// With a path, OLD and NEW are git revisions and this file or folder is compared between them.
    pub path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Exit with code 1 when the versions differ.
    #[arg(long)]
    pub exit_code: bool,
}

/// Output format.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// The diff as JSON data.
    Json,
    /// A self-contained HTML page.
    Html,
}

/// Loads one side: a file, `FILE@SNAPSHOT`, or a snapshot of `other`.
pub fn resolve(spec: &str, other: Option<&Document>) -> anyhow::Result<Document> {
    let path = Path::new(spec);
    if path.exists() {
        return trellis::store::load_path(path).with_context(|| format!("reading {spec}"));
    }
    if let Some((file, snap)) = spec.rsplit_once('@')
        && Path::new(file).exists()
    {
        let doc = trellis::store::load_path(Path::new(file)).with_context(|| format!("reading {file}"))?;
        return snapshot_document(&doc, snap).with_context(|| format!("loading snapshot {snap} of {file}"));
    }
    match other {
        Some(doc) => snapshot_document(doc, spec)
            .with_context(|| format!("{spec} is neither a file nor a snapshot of the other document")),
        None => bail!("{spec} does not exist"),
    }
}

impl DiffArgs {
    /// Runs the diff.
    pub fn run(self) -> anyhow::Result<u8> {
        let (old, new) = if let Some(path) = &self.path {
            let at = |rev: &str| {
                trellis::merge::git::document_at(rev, path)
                    .with_context(|| format!("reading {} at revision {rev}", path.display()))
            };
            (at(&self.old)?, at(&self.new)?)
        } else if Path::new(&self.old).exists() || self.old.contains('@') {
            let old = resolve(&self.old, None)?;
            let new = resolve(&self.new, Some(&old))?;
            (old, new)
        } else {
            let new = resolve(&self.new, None)?;
            let old = resolve(&self.old, Some(&new))?;
            (old, new)
        };
        let d = diff(&old, &new);
        let text = match self.format {
            Format::Text => render_text(&d),
            Format::Json => {
                let mut s = serde_json::to_string_pretty(&d).context("serialising the diff")?;
                s.push('\n');
                s
            }
            Format::Html => render_html(&d),
        };
        match &self.output {
            Some(out) => trellis::json::write_atomic(out, text.as_bytes())
                .with_context(|| format!("writing {}", out.display()))?,
            None => print!("{text}"),
        }
        Ok(if self.exit_code && !d.is_empty() { exit::FINDINGS } else { exit::OK })
    }
}
