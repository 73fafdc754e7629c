//! `trellis merge BASE OURS THEIRS -o OUT [--conflicts FILE]`: the semantic three-way merge of
//! two versions of a curriculum (`trellis::merge::merge`), for canonical JSON files, `.trellis`
//! files and Trellis folders. Git runs it as the merge driver (`trellis git setup`). Conflicts
//! go to `OUT.conflicts.json` (a folder: `OUT/conflicts/merge.json`) and make the exit code 1;
//! merge findings (M1–M5) are printed with their resolution. An empty BASE file (git's add/add:
//! both branches added the file) means there is no common ancestor.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use trellis::merge::{ConflictsFile, merge_from};
use trellis::model::Document;

use super::exit;

/// Arguments of `trellis merge`.
#[derive(Args)]
pub struct MergeArgs {
    /// The common ancestor (a canonical JSON file, a `.trellis` file or a Trellis folder).
    pub base: PathBuf,
    /// Our version.
    pub ours: PathBuf,
    /// Their version.
    pub theirs: PathBuf,
    /// Where to write the merged document (canonical JSON, or a folder when the inputs are
    /// folders); it may be OURS, as when git runs the merge driver.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Where to write the conflicts (default: OUT.conflicts.json; for a folder,
    /// OUT/conflicts/merge.json).
    #[arg(long, value_name = "FILE")]
    pub conflicts: Option<PathBuf>,
}

/// Reads a document whatever its form: a Trellis folder, canonical JSON (by content, since git
/// passes merge inputs as temporary files without an extension) or a `.trellis` file.
pub fn load_any(path: &Path) -> anyhow::Result<Document> {
    let read = || -> trellis::Result<Document> {
        if path.is_dir() {
            return trellis::folder::read(path);
        }
        let mut first = [0u8; 64];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut first))
            .map_err(|e| trellis::Error::io(path, e))?;
        if first[..n].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            trellis::json::read(path)
        } else {
            trellis::store::load_path(path)
        }
    };
    read().with_context(|| format!("reading {}", path.display()))
}

/// Reads the three versions at once, each on its own thread (`base` not at all when there is
/// none); a failure is reported for the first of base, ours, theirs that failed.
pub fn load_three(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    no_base: bool,
) -> anyhow::Result<(Option<Document>, Document, Document)> {
    let joined = |handle: std::thread::ScopedJoinHandle<'_, anyhow::Result<Document>>, path: &Path| {
        handle
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reading {} failed unexpectedly", path.display())))
    };
    let (b, o, t) = std::thread::scope(|s| {
        let b = (!no_base).then(|| s.spawn(|| load_any(base)));
        let t = s.spawn(|| load_any(theirs));
        let o = load_any(ours);
        (b.map(|b| joined(b, base)), o, joined(t, theirs))
    });
    Ok((b.transpose()?, o?, t?))
}

impl MergeArgs {
    /// Runs the merge.
    pub fn run(self) -> anyhow::Result<u8> {
        // Git passes an empty base file when both branches added the file (add/add).
        let no_base = std::fs::metadata(&self.base).is_ok_and(|m| m.is_file() && m.len() == 0);
        let (base, ours, theirs) = load_three(&self.base, &self.ours, &self.theirs, no_base)?;
        let outcome = merge_from(base.as_ref(), &ours, &theirs).context("merging")?;
        let folder = self.output.is_dir() || (self.ours.is_dir() && !self.output.exists());
        if folder {
            trellis::folder::write(&outcome.document, &self.output)
                .with_context(|| format!("writing {}", self.output.display()))?;
        } else if self.output.extension().is_some_and(|e| e.eq_ignore_ascii_case("trellis")) {
            bail!(
                "{}: trellis merge writes canonical JSON or a folder; import the result into a .trellis file",
                self.output.display()
            );
        } else {
            // The merged document is in canonical order already: written without a second copy.
            let text = trellis::json::to_string_normalized(&outcome.document);
            trellis::json::write_atomic(&self.output, text.as_bytes())
                .with_context(|| format!("writing {}", self.output.display()))?;
        }
        let conflicts_path = self.conflicts.clone().unwrap_or_else(|| {
            if folder {
                self.output.join("conflicts").join("merge.json")
            } else {
                let mut name = self.output.as_os_str().to_owned();
                name.push(".conflicts.json");
                PathBuf::from(name)
            }
        });
        for f in &outcome.findings {
            eprintln!(
                "{}: {} ({} {})",
                f.code,
                f.message,
                f.target.kind,
                f.target.id.as_deref().unwrap_or("")
            );
        }
        if outcome.conflicts.is_empty() {
            // A conflicts file left by an earlier merge no longer applies.
            if conflicts_path.is_file() {
                std::fs::remove_file(&conflicts_path)
                    .with_context(|| format!("removing {}", conflicts_path.display()))?;
            }
            eprintln!("merged {} with no conflict", self.output.display());
            return Ok(exit::OK);
        }
        if let Some(parent) = conflicts_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        trellis::json::write_atomic(&conflicts_path, ConflictsFile::new(&outcome).to_json().as_bytes())
            .with_context(|| format!("writing {}", conflicts_path.display()))?;
        for c in &outcome.conflicts {
            let field = if c.field.is_empty() { "the whole entity".to_owned() } else { c.field.clone() };
            eprintln!("conflict: {} {} {field} changed on both sides ({})", c.kind, c.id, c.path);
        }
        eprintln!(
            "{} conflict(s): {} holds ours; base, ours and theirs of each are in {}",
            outcome.conflicts.len(),
            self.output.display(),
            conflicts_path.display()
        );
        Ok(exit::FINDINGS)
    }
}
