//! Exporting a document to a file or folder as long work: the package writer for the path
//! (staged beside it, so a failed or cancelled export leaves nothing), progress through the
//! [`Task`], and a cancel honoured before every package entry with [`crate::Error::Cancelled`].

use std::path::Path;

use crate::Result;
use crate::export::{ExportFormat, ExportOptions, ExportReport, PackageWriter};
use crate::model::Document;
use crate::task::Task;

/// Exports `doc` as `format` with `options` to `dest` (a zip, or a folder for folder formats;
/// see `export::package::writer_for_path`). Each entry reports progress; a cancel asked for
/// through `task` stops the export at the next entry, and the writer then removes what it
/// staged.
pub fn export_to_path(
    doc: &Document,
    format: ExportFormat,
    options: &ExportOptions,
    dest: &Path,
    task: &Task<'_>,
) -> Result<ExportReport> {
    task.check()?;
    let mut out = Cancellable { inner: crate::export::package::writer_for_path(dest)?, task };
    crate::export::export_document(doc, format, options, &mut out, &mut |p| task.report(p))
}

/// A package writer that fails at the next entry once a cancel was asked for; the real writer
/// then removes its staging files, so a cancelled export leaves nothing behind.
struct Cancellable<'t, 'a> {
    inner: Box<dyn PackageWriter>,
    task: &'t Task<'a>,
}

impl PackageWriter for Cancellable<'_, '_> {
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        self.task.check()?;
        self.inner.add(path, bytes)
    }

    fn finish(&mut self) -> Result<()> {
        self.task.check()?;
        self.inner.finish()
    }
}
