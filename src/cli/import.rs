//! `trellis import FILE --from FORMAT SRC`: brings outside data into a document. Every import
//! validates the complete result before anything is written, and writes in one transaction.
//! Frameworks and cartridges are read by `trellis::workflow::import`, as in the app.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use trellis::store::{EditOp, Store};

use super::exit;

/// Source formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Source {
    /// Trellis canonical JSON (a whole document).
    Json,
    /// IMS CASE 1.0/1.1 CFPackage JSON: a standards framework (re-import updates it in place).
    Case,
    /// Outcomes or competency CSV: Moodle, Canvas or OpenSALT (see --csv-format).
    Csv,
    /// IMS Common Cartridge 1.1–1.3 (.imscc/.zip, or an unpacked folder): a course.
    Cc,
    /// A Trellis folder of text files (a whole document, see docs/folder-format.md).
    Folder,
}

/// Spreadsheet formats for `--from csv`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CsvFormatArg {
    /// Moodle competency framework CSV.
    Moodle,
    /// Canvas outcomes CSV.
    Canvas,
    /// OpenSALT spreadsheet.
    Opensalt,
}

impl From<CsvFormatArg> for trellis::import::csv::CsvFormat {
    fn from(value: CsvFormatArg) -> Self {
        match value {
            CsvFormatArg::Moodle => Self::Moodle,
            CsvFormatArg::Canvas => Self::Canvas,
            CsvFormatArg::Opensalt => Self::OpenSalt,
        }
    }
}

/// Arguments of `trellis import`.
#[derive(Args)]
pub struct ImportArgs {
    /// The `.trellis` document to import into (created when it does not exist).
    pub file: PathBuf,
    /// Source format.
    #[arg(long = "from", value_enum)]
    pub from: Source,
    /// The file to import.
    pub source: PathBuf,
    /// For `--from json` into an existing document: replace its content (undoable).
    #[arg(long)]
    pub replace: bool,
    /// For `--from csv`: the spreadsheet format (detected from the header row when omitted).
    #[arg(long = "csv-format", value_enum)]
    pub csv_format: Option<CsvFormatArg>,
    /// For `--from case|csv|cc`: report what the import would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// For `--from case|csv|cc`: refuse the import (write nothing) when the importer reports a
    /// warning or an error, such as conflicting duplicate CASE identifiers.
    #[arg(long)]
    pub strict: bool,
}

impl ImportArgs {
    /// Runs the import.
    pub fn run(self) -> anyhow::Result<u8> {
        match self.from {
            Source::Json | Source::Folder => {
                let doc = match self.from {
                    Source::Folder => super::folder::read(&self.source)?,
                    _ => trellis::json::read_import(&self.source)
                        .with_context(|| format!("reading {}", self.source.display()))?,
                };
                if self.file.exists() {
                    if !self.replace {
                        return Err(anyhow::Error::new(trellis::Error::Exists { path: self.file.clone() })
                            .context(
                                "pass --replace to replace its content (undoable with `trellis undo`)",
                            ));
                    }
                    let mut store = Store::open(&self.file)
                        .with_context(|| format!("opening {}", self.file.display()))?;
                    store
                        .apply(EditOp::ReplaceDocument { document: Box::new(doc) })
                        .with_context(|| format!("replacing the content of {}", self.file.display()))?;
                } else {
                    Store::create(&self.file, &doc)
                        .with_context(|| format!("creating {}", self.file.display()))?;
                }
                println!("imported {} into {}", self.source.display(), self.file.display());
            }
            Source::Case | Source::Csv => return self.framework(),
            Source::Cc => return self.course(),
        }
        Ok(exit::OK)
    }

    /// Opens the target document, or starts a new one titled `title` when it does not exist.
    fn target(&self, title: &str) -> anyhow::Result<(trellis::model::Document, Option<Store>)> {
        if self.file.exists() {
            let store =
                Store::open(&self.file).with_context(|| format!("opening {}", self.file.display()))?;
            let doc = store.load().with_context(|| format!("reading {}", self.file.display()))?;
            Ok((doc, Some(store)))
        } else {
            Ok((trellis::model::Document::new(title), None))
        }
    }

    /// Validates the whole result, then writes it in one transaction (one undo step).
    fn save(&self, doc: trellis::model::Document, store: Option<Store>) -> anyhow::Result<()> {
        doc.validate_as(self.source.display().to_string())?;
        if self.dry_run {
            println!("dry run: {} was not changed", self.file.display());
            return Ok(());
        }
        match store {
            Some(mut store) => store
                .apply(EditOp::ReplaceDocument { document: Box::new(doc) })
                .with_context(|| format!("writing the import into {}", self.file.display()))?,
            None => {
                Store::create(&self.file, &doc)
                    .with_context(|| format!("creating {}", self.file.display()))?;
            }
        }
        Ok(())
    }

    fn framework(&self) -> anyhow::Result<u8> {
        use trellis::workflow::import::{FrameworkFormat, read_framework};
        let format = match self.from {
            Source::Csv => FrameworkFormat::Csv(self.csv_format.map(Into::into)),
            _ => FrameworkFormat::Case,
        };
        let import = read_framework(&self.source, format)
            .with_context(|| format!("importing {}", self.source.display()))?;
        print_findings(&import.findings);
        self.refuse_if_strict(&import.findings)?;
        let (mut doc, store) = self.target(&import.framework.title.clone())?;
        let report = trellis::import::merge_framework(&mut doc, import);
        print!("{}", report.summary());
        if report.is_empty() {
            println!("{} already holds this version; nothing to write", self.file.display());
            return Ok(exit::OK);
        }
        self.save(doc, store)?;
        Ok(exit::OK)
    }

    fn course(&self) -> anyhow::Result<u8> {
        let task = trellis::task::Task::quiet("the import");
        let import = trellis::workflow::import::read_cartridge(&self.source, &task)
            .with_context(|| format!("importing {}", self.source.display()))?;
        print_findings(&import.findings);
        println!("{}", import.summary());
        self.refuse_if_strict(&import.findings)?;
        let (mut doc, store) = self.target(&import.document.curriculum.title.clone())?;
        if store.is_none() {
            doc = import.document;
        } else {
            trellis::import::merge_course(&mut doc, import);
        }
        self.save(doc, store)?;
        Ok(exit::OK)
    }
}

impl ImportArgs {
    /// With `--strict`, an import with warnings or errors is refused before anything is written.
    fn refuse_if_strict(&self, findings: &[trellis::Finding]) -> anyhow::Result<()> {
        let serious = findings.iter().filter(|f| f.severity >= trellis::Severity::Warning).count();
        if self.strict && serious > 0 {
            return Err(anyhow::Error::new(trellis::Error::Refused(format!(
                "{}: {serious} warning(s) or error(s) above; nothing was written (--strict)",
                self.source.display()
            ))));
        }
        Ok(())
    }
}

/// Prints importer findings, most serious first, one per line.
fn print_findings(findings: &[trellis::Finding]) {
    for f in findings {
        let place = if f.target.path.is_empty() { String::new() } else { format!(" ({})", f.target.path) };
        println!("{}: {}{place} [{}]", f.severity.as_str(), f.message, f.code);
    }
}
