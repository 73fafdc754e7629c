//! `trellis translate export|import|status`: the translation round trip through XLIFF
//! (`trellis::translate`, docs/translation.md). Export writes one language's units; import
//! checks the whole file and stores it as a language variant in one undoable step, or stores
//! nothing and lists every bad unit.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use trellis::store::{EditOp, Store};
use trellis::translate::{self, XliffVersion};

use super::exit;

/// Arguments of `trellis translate`.
#[derive(Args)]
pub struct TranslateArgs {
    #[command(subcommand)]
    command: TranslateCommand,
}

#[derive(Subcommand)]
enum TranslateCommand {
    /// Write every learner-facing string of DOC as an XLIFF file for translation into LANG.
    Export {
        /// The document (`.trellis`, or canonical `.json`).
        file: PathBuf,
        /// Target language (BCP 47 tag: fr, de-CH, pt-BR).
        #[arg(long = "to", value_name = "LANG")]
        to: String,
        /// XLIFF version: 2.1 (default) or 1.2 (for older translation tools).
        #[arg(long = "xliff", default_value = "2.1", value_parser = parse_version)]
        xliff: XliffVersion,
        /// The XLIFF file to write.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// Store a translated XLIFF file in DOC as a language variant (one undoable step).
    Import {
        /// The document (`.trellis`).
        file: PathBuf,
        /// The translated XLIFF file (2.x or 1.2).
        xliff: PathBuf,
        /// Check the file and report, but change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// How far each language (or LANG) covers the document: translated, outdated, untranslated.
    Status {
        /// The document.
        file: PathBuf,
        /// Only this language.
        #[arg(long = "lang", value_name = "LANG")]
        lang: Option<String>,
    },
}

fn parse_version(s: &str) -> Result<XliffVersion, String> {
    XliffVersion::parse(s).ok_or_else(|| format!("\"{s}\" is not an XLIFF version this writes (2.1 or 1.2)"))
}

impl TranslateArgs {
    /// Runs the subcommand.
    pub fn run(self) -> anyhow::Result<u8> {
        match self.command {
            TranslateCommand::Export { file, to, xliff, output } => {
                let doc = trellis::store::load_path(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let text = translate::export_xliff(&doc, &to, xliff)
                    .with_context(|| format!("exporting {} for translation", file.display()))?;
                trellis::fsutil::write_atomic(&output, text.as_bytes())
                    .with_context(|| format!("writing {}", output.display()))?;
                let c = translate::coverage(&doc, &to);
                println!(
                    "wrote {} units of {} for {to} to {} ({} translated, {} to review, {} untranslated)",
                    c.fields,
                    file.display(),
                    output.display(),
                    c.translated,
                    c.outdated,
                    c.untranslated
                );
                Ok(exit::OK)
            }
            TranslateCommand::Import { file, xliff, dry_run } => {
                let bytes = std::fs::read(&xliff).with_context(|| format!("reading {}", xliff.display()))?;
                let name = xliff.display().to_string();
                let text = trellis::import::safety::utf8(&bytes, &name)?;
                let mut store = Store::open(&file).with_context(|| format!("opening {}", file.display()))?;
                let doc = store.load().with_context(|| format!("reading {}", file.display()))?;
                let (new, report) = translate::import_xliff(&doc, text, &name)?;
                if !dry_run {
                    store
                        .apply_all(
                            &format!("Import translation ({})", report.language),
                            vec![EditOp::ReplaceDocument { document: Box::new(new) }],
                        )
                        .with_context(|| format!("storing the translation in {}", file.display()))?;
                }
                println!(
                    "{} {} (XLIFF {}, {}): {} unit(s), {} translated, {} untranslated{}",
                    if dry_run { "checked" } else { "imported" },
                    xliff.display(),
                    report.version,
                    report.language,
                    report.units,
                    report.translated,
                    report.untranslated,
                    if report.dropped > 0 {
                        format!(", {} translation(s) of deleted fields dropped", report.dropped)
                    } else {
                        String::new()
                    }
                );
                if dry_run {
                    println!("dry run: {} was not changed", file.display());
                }
                Ok(exit::OK)
            }
            TranslateCommand::Status { file, lang } => {
                let doc = trellis::store::load_path(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let langs: Vec<String> = match lang {
                    Some(l) => vec![l],
                    None => doc.translations.iter().map(|t| t.language.clone()).collect(),
                };
                println!("source language: {}", doc.curriculum.language);
                if langs.is_empty() {
                    println!("no translations");
                }
                for l in langs {
                    let c = translate::coverage(&doc, &l);
                    println!(
                        "{l}: {}/{} fields translated ({} approved), {} need review, {} untranslated",
                        c.translated, c.fields, c.approved, c.outdated, c.untranslated
                    );
                }
                Ok(exit::OK)
            }
        }
    }
}
