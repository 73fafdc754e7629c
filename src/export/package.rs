//! Where exported packages go: the [`PackageWriter`] trait and its implementations, a directory
//! ([`DirWriter`]), a deterministic zip file ([`ZipWriter`]), memory ([`MemWriter`], for tests
//! and previews) and a single file ([`FileWriter`], for JSON formats).
//!
//! Writers own the filesystem side of exporting so that exporters stay pure: they check every
//! entry path (relative, forward slashes, no `..`, no duplicates), write into a staging place
//! and only move the result into place in [`PackageWriter::finish`], so a failed export never
//! leaves a half-written package behind. Zip output is byte-identical for the same entries:
//! fixed timestamps, fixed permissions, entries in the order they are written, deflate.
//! Writers deliberately know nothing about package formats (manifests are the exporters' job).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// A sink for the files of one package.
pub trait PackageWriter {
    /// Adds one file at `path` (relative, `/`-separated). Paths must be unique in a package.
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()>;

    /// Completes the package (writes the zip directory, moves the staging place into place).
    /// Called once, after the last [`PackageWriter::add`].
    fn finish(&mut self) -> Result<()>;
}

/// Checks an entry path: relative, `/`-separated, no empty, `.` or `..` segments, no
/// backslashes or control characters.
pub fn check_entry_path(path: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::Internal(format!("package entry \"{path}\" is not allowed: {why}")));
    if path.is_empty() {
        return bad("empty path");
    }
    if path.starts_with('/') {
        return bad("absolute path");
    }
    if path.contains('\\') || path.chars().any(char::is_control) {
        return bad("backslash or control character");
    }
    if path.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
        return bad("empty, `.` or `..` segment");
    }
    Ok(())
}

/// Picks a writer for an output path: `.imscc`/`.zip` → zip, `.json` → single file, anything
/// else → directory.
pub fn writer_for_path(path: &Path) -> Result<Box<dyn PackageWriter>> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    Ok(match ext.as_str() {
        "imscc" | "zip" => Box::new(ZipWriter::create(path)?),
        "json" | "csv" => Box::new(FileWriter::new(path)),
        _ => Box::new(DirWriter::create(path)?),
    })
}

/// Writes the package into a directory. Files go to a staging directory next to the target
/// that is renamed into place by [`PackageWriter::finish`]. The target must not exist or be an
/// empty directory.
pub struct DirWriter {
    target: PathBuf,
    staging: PathBuf,
    seen: BTreeSet<String>,
    finished: bool,
}

impl DirWriter {
    /// Prepares a directory export to `target`.
    pub fn create(target: &Path) -> Result<Self> {
        if target.exists() {
            let empty = std::fs::read_dir(target).map_err(|e| Error::io(target, e))?.next().is_none();
            if !empty {
                return Err(Error::Exists { path: target.to_owned() });
            }
        }
        let staging = crate::fsutil::temp_beside(target, None);
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        Ok(DirWriter { target: target.to_owned(), staging, seen: BTreeSet::new(), finished: false })
    }
}

impl PackageWriter for DirWriter {
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        check_entry_path(path)?;
        if !self.seen.insert(path.to_owned()) {
            return Err(Error::Internal(format!("package entry \"{path}\" was written twice")));
        }
        let file = self.staging.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&file, bytes).map_err(|e| Error::io(&file, e))
    }

    fn finish(&mut self) -> Result<()> {
        if self.target.exists() {
            std::fs::remove_dir(&self.target).map_err(|e| Error::io(&self.target, e))?;
        }
        std::fs::rename(&self.staging, &self.target).map_err(|e| Error::io(&self.target, e))?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for DirWriter {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Streams the package into a zip file (deflate, fixed 1980-01-01 timestamps, mode 0644,
/// entries in write order), so the same entries always give the same bytes. The zip is written
/// to a temporary sibling and renamed over the target in [`PackageWriter::finish`].
///
/// Compression runs beside the exporter: entries are gathered into batches of about
/// [`ZIP_BATCH_BYTES`], each batch is deflated on one of [`zip_threads`] threads into a small
/// zip of its own, and a writing thread copies those zips' entries (already compressed) into
/// the package in batch order. Each entry is deflated on its own in either case, so the file
/// holds exactly the bytes of deflating the entries one after the other ([`zip_bytes`]), while
/// a large export keeps every core busy. Entry paths and duplicates are checked at once in
/// [`PackageWriter::add`]; an error of a compressing or writing thread is reported by a later
/// `add` or by `finish`.
pub struct ZipWriter {
    staging: Option<crate::fsutil::Staged>,
    staging_path: PathBuf,
    seen: BTreeSet<String>,
    /// Entries of the batch being gathered, and their size.
    batch: Vec<(String, Vec<u8>)>,
    batch_bytes: usize,
    /// The number of the next batch sent.
    next_batch: u64,
    queue: Option<std::sync::mpsc::SyncSender<ZipBatch>>,
    compressors: Vec<std::thread::JoinHandle<()>>,
    worker: Option<std::thread::JoinHandle<std::result::Result<BufWriter<File>, ZipError>>>,
}

/// A batch of entries and its place in the package.
type ZipBatch = (u64, Vec<(String, Vec<u8>)>);

/// Batches waiting for a compressing thread (bounds the memory held by the queue).
const ZIP_QUEUE: usize = 4;

/// Uncompressed bytes gathered into one batch (an entry larger than this is a batch alone).
const ZIP_BATCH_BYTES: usize = 1 << 20;

/// Threads that deflate batches: one per core, at least two, at most four.
fn zip_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4))
}

impl ZipWriter {
    /// Starts a zip whose final name is `target`.
    pub fn create(target: &Path) -> Result<Self> {
        let (staging, file) = crate::fsutil::Staged::create(target, None)?;
        let (queue, batches) = std::sync::mpsc::sync_channel::<ZipBatch>(ZIP_QUEUE);
        let batches = std::sync::Arc::new(std::sync::Mutex::new(batches));
        type Compressed = (u64, std::result::Result<Vec<u8>, ZipError>);
        let (done, compressed) = std::sync::mpsc::sync_channel::<Compressed>(ZIP_QUEUE * 2);
        let spawn_error =
            |e: std::io::Error| Error::Internal(format!("the zip threads could not start: {e}"));
        let worker = std::thread::Builder::new()
            .name("zip".into())
            .spawn(move || {
                let mut zip = zip::ZipWriter::new(BufWriter::new(file));
                // Batches come back in any order; they are copied in the order they were sent.
                let mut waiting = BTreeMap::new();
                let mut next = 0u64;
                for (number, bytes) in compressed {
                    waiting.insert(number, bytes);
                    while let Some(bytes) = waiting.remove(&next) {
                        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes?))?;
                        zip.merge_archive(archive)?;
                        next += 1;
                    }
                }
                if !waiting.is_empty() {
                    return Err(ZipError::Other("a zip batch was lost".into()));
                }
                Ok(zip.finish()?)
            })
            .map_err(spawn_error)?;
        let mut compressors = Vec::new();
        for i in 0..zip_threads() {
            let (batches, done) = (batches.clone(), done.clone());
            let compressor = std::thread::Builder::new()
                .name(format!("zip-deflate-{i}"))
                .spawn(move || {
                    loop {
                        let next = match batches.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        let Ok((number, entries)) = next else { return };
                        let size: usize = entries.iter().map(|(p, b)| b.len() + p.len() + 100).sum();
                        let mut zip = ZipStream::new(std::io::Cursor::new(Vec::with_capacity(size / 3)));
                        let bytes = entries
                            .iter()
                            .try_for_each(|(path, bytes)| zip.add(path, bytes))
                            .and_then(|()| zip.finish())
                            .map(std::io::Cursor::into_inner);
                        if done.send((number, bytes)).is_err() {
                            return;
                        }
                    }
                })
                .map_err(spawn_error)?;
            compressors.push(compressor);
        }
        Ok(ZipWriter {
            staging_path: staging.temp().to_owned(),
            staging: Some(staging),
            seen: BTreeSet::new(),
            batch: Vec::new(),
            batch_bytes: 0,
            next_batch: 0,
            queue: Some(queue),
            compressors,
            worker: Some(worker),
        })
    }

    /// Sends the gathered batch to the compressing threads; false if they stopped.
    fn send_batch(&mut self) -> Result<bool> {
        if self.batch.is_empty() {
            return Ok(true);
        }
        let queue = self.queue.as_ref().ok_or_else(|| Error::Internal("zip already finished".into()))?;
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        let number = self.next_batch;
        self.next_batch += 1;
        Ok(queue.send((number, batch)).is_ok())
    }

    /// Waits for the compressing and writing threads and converts the outcome.
    fn join(&mut self) -> Result<BufWriter<File>> {
        self.queue = None;
        for compressor in self.compressors.drain(..) {
            // A compressor's error travels to the writing thread with its batch.
            let _ = compressor.join();
        }
        let worker = self.worker.take().ok_or_else(|| Error::Internal("zip already finished".into()))?;
        match worker.join() {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(ZipError::Io(e))) => Err(Error::io(&self.staging_path, e)),
            Ok(Err(ZipError::Other(m))) => Err(Error::Internal(m)),
            Err(_) => Err(Error::Internal("the zip thread stopped unexpectedly".into())),
        }
    }

    /// The error that stopped the threads.
    fn stopped(&mut self) -> Error {
        self.join().err().unwrap_or_else(|| Error::Internal("the zip thread stopped".into()))
    }
}

impl PackageWriter for ZipWriter {
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        check_entry_path(path)?;
        if !self.seen.insert(path.to_owned()) {
            return Err(Error::Internal(format!("package entry \"{path}\" was written twice")));
        }
        if self.queue.is_none() {
            return Err(Error::Internal("zip already finished".into()));
        }
        self.batch.push((path.to_owned(), bytes.to_vec()));
        self.batch_bytes += bytes.len();
        if self.batch_bytes >= ZIP_BATCH_BYTES && !self.send_batch()? {
            // The threads stopped on an error: report it.
            return Err(self.stopped());
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        if !self.send_batch()? {
            return Err(self.stopped());
        }
        let mut buffered = self.join()?;
        buffered.flush().map_err(|e| Error::io(&self.staging_path, e))?;
        let file = buffered.into_inner().map_err(|e| Error::io(&self.staging_path, e.into_error()))?;
        drop(file);
        let staged = self.staging.take().ok_or_else(|| Error::Internal("zip already finished".into()))?;
        // Flushed to disk and renamed over the target; removed on failure.
        staged.place()
    }
}

impl Drop for ZipWriter {
    fn drop(&mut self) {
        if self.worker.is_some() {
            let _ = self.join();
        }
        // An unfinished zip's staged file is removed with it.
        drop(self.staging.take());
    }
}

enum ZipError {
    Io(std::io::Error),
    Other(String),
}

impl From<zip::result::ZipError> for ZipError {
    fn from(e: zip::result::ZipError) -> Self {
        match e {
            zip::result::ZipError::Io(e) => ZipError::Io(e),
            other => ZipError::Other(format!("zip: {other}")),
        }
    }
}

/// The deterministic zip stream shared by [`ZipWriter`] and [`zip_bytes`].
struct ZipStream<W: Write + std::io::Seek> {
    zip: zip::ZipWriter<W>,
    seen: BTreeSet<String>,
}

impl<W: Write + std::io::Seek> ZipStream<W> {
    fn new(inner: W) -> Self {
        ZipStream { zip: zip::ZipWriter::new(inner), seen: BTreeSet::new() }
    }

    fn add(&mut self, path: &str, bytes: &[u8]) -> std::result::Result<(), ZipError> {
        check_entry_path(path).map_err(|e| ZipError::Other(e.to_string()))?;
        if !self.seen.insert(path.to_owned()) {
            return Err(ZipError::Other(format!("package entry \"{path}\" was written twice")));
        }
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644)
            .large_file(bytes.len() as u64 >= u64::from(u32::MAX));
        self.zip.start_file(path, options)?;
        self.zip.write_all(bytes).map_err(ZipError::Io)?;
        Ok(())
    }

    fn finish(self) -> std::result::Result<W, ZipError> {
        Ok(self.zip.finish()?)
    }
}

/// Zips entries in memory exactly as [`ZipWriter`] would write them (used by tests and by the
/// benchmark comparing export time with plain zipping).
pub fn zip_bytes<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Result<Vec<u8>> {
    let mut zip = ZipStream::new(std::io::Cursor::new(Vec::new()));
    let to_error = |e: ZipError| match e {
        ZipError::Io(e) => Error::Internal(format!("zip in memory: {e}")),
        ZipError::Other(m) => Error::Internal(m),
    };
    for (path, bytes) in entries {
        zip.add(path, bytes).map_err(to_error)?;
    }
    Ok(zip.finish().map_err(to_error)?.into_inner())
}

/// Keeps the package in memory: entries in write order plus a lookup by path.
#[derive(Debug, Default, Clone)]
pub struct MemWriter {
    order: Vec<String>,
    files: BTreeMap<String, Vec<u8>>,
    finished: bool,
}

impl MemWriter {
    /// An empty package.
    pub fn new() -> Self {
        Self::default()
    }

    /// Entry paths in the order they were written.
    pub fn paths(&self) -> &[String] {
        &self.order
    }

    /// The bytes of one entry.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// One entry as UTF-8 text.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.get(path).and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Entries in write order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.order.iter().filter_map(|p| self.files.get(p).map(|b| (p.as_str(), b.as_slice())))
    }

    /// Whether [`PackageWriter::finish`] was called.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The package as zip bytes, exactly as [`ZipWriter`] would write it.
    pub fn to_zip(&self) -> Result<Vec<u8>> {
        zip_bytes(self.entries())
    }
}

impl PackageWriter for MemWriter {
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        check_entry_path(path)?;
        if self.files.contains_key(path) {
            return Err(Error::Internal(format!("package entry \"{path}\" was written twice")));
        }
        self.files.insert(path.to_owned(), bytes.to_vec());
        self.order.push(path.to_owned());
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.finished = true;
        Ok(())
    }
}

/// Writes a one-file package (canonical JSON, CASE JSON, outcome CSV) to a file, atomically. Whatever the
/// entry is called inside the package, it lands at the target path.
pub struct FileWriter {
    target: PathBuf,
    content: Option<Vec<u8>>,
}

impl FileWriter {
    /// Prepares a single-file export to `target`.
    pub fn new(target: &Path) -> Self {
        FileWriter { target: target.to_owned(), content: None }
    }
}

impl PackageWriter for FileWriter {
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        check_entry_path(path)?;
        if self.content.is_some() {
            return Err(Error::Refused(format!(
                "{}: this format writes several files; choose a directory or a .zip/.imscc name",
                self.target.display()
            )));
        }
        self.content = Some(bytes.to_vec());
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        let bytes = self.content.take().unwrap_or_default();
        crate::json::write_atomic(&self.target, &bytes)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths_must_stay_inside_the_package() {
        for bad in ["", "/etc/passwd", "a/../b", "a//b", "./a", "a\\b", "a\nb"] {
            assert!(check_entry_path(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(check_entry_path("web_resources/assets/plot.png").is_ok());
    }

    #[test]
    fn zipping_the_same_entries_twice_gives_identical_bytes() {
        let entries = [("b.txt", b"bee".as_slice()), ("a/a.txt", b"ay".as_slice())];
        let one = zip_bytes(entries).unwrap();
        let two = zip_bytes(entries).unwrap();
        assert_eq!(one, two);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
        assert_eq!(archive.by_index(0).unwrap().name().unwrap(), "b.txt", "entries keep write order");
    }

    #[test]
    fn mem_writer_refuses_duplicate_entries() {
        let mut mem = MemWriter::new();
        mem.add("x.html", b"1").unwrap();
        assert!(mem.add("x.html", b"2").is_err());
        assert_eq!(mem.text("x.html"), Some("1"));
    }

    #[test]
    fn dir_writer_moves_the_package_into_place_only_on_finish() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let mut w = DirWriter::create(&target).unwrap();
        w.add("sub/file.txt", b"hello").unwrap();
        assert!(!target.exists(), "nothing is visible before finish");
        w.finish().unwrap();
        assert_eq!(std::fs::read(target.join("sub/file.txt")).unwrap(), b"hello");
    }

    #[test]
    fn zip_writer_removes_its_temporary_file_when_abandoned() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out.imscc");
        {
            let mut w = ZipWriter::create(&target).unwrap();
            w.add("a.txt", b"a").unwrap();
        }
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "no debris after a failed export");
    }

    #[test]
    fn the_zip_file_holds_exactly_the_bytes_of_zipping_in_memory() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out.imscc");
        // More entries than the queue holds, some large, so the compressing thread lags behind.
        let entries: Vec<(String, Vec<u8>)> = (0..300)
            .map(|i| {
                (
                    format!("dir{}/file{i}.xml", i % 7),
                    format!("<x>{i}</x>").repeat(1 + (i % 50) * 200).into_bytes(),
                )
            })
            .collect();
        let mut w = ZipWriter::create(&target).unwrap();
        for (path, bytes) in &entries {
            w.add(path, bytes).unwrap();
        }
        assert!(!target.exists(), "nothing is visible before finish");
        w.finish().unwrap();
        let expected = zip_bytes(entries.iter().map(|(p, b)| (p.as_str(), b.as_slice()))).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), expected);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "only the package is left");
    }

    #[test]
    fn zip_writer_refuses_a_duplicate_or_bad_entry_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let mut w = ZipWriter::create(&tmp.path().join("out.zip")).unwrap();
        w.add("a.txt", b"a").unwrap();
        let twice = w.add("a.txt", b"b").unwrap_err().to_string();
        assert!(twice.contains("a.txt") && twice.contains("twice"), "{twice}");
        assert!(w.add("../escape.txt", b"x").is_err());
        w.finish().unwrap();
        let archive = zip::ZipArchive::new(File::open(tmp.path().join("out.zip")).unwrap()).unwrap();
        assert_eq!(archive.len(), 1);
    }
}
