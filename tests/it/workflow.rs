//! The shared workflows (`trellis::workflow`) and their long-work plumbing (`trellis::task`,
//! `trellis::fsutil`): the review packet written whole or not at all, with its stages and every
//! way of cancelling it; a cartridge becoming a new document, with its stages and cancels; an
//! export cancelled with nothing left; documents created under fresh names. The CLI and the
//! desktop app call these same functions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use trellis::export::{ExportFormat, ExportOptions};
use trellis::model::{Document, Timestamp};
use trellis::pedagogy::templates::Catalog;
use trellis::store::{EditOp, Store};
use trellis::task::{Progress, Task, is_cancelled};
use trellis::workflow::import::cartridge_document;
use trellis::workflow::packet::{PacketOutcome, PacketRequest, PrintPdf, Since, write_packet};
use trellis::{Error, ErrorCode};

use crate::support::root;

fn example() -> Document {
    trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// The packet of `doc` at `html`, like the app asks for it: the PDF beside it.
fn packet(
    doc: &Document,
    since: Option<&str>,
    html: &Path,
    print: Option<PrintPdf>,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> trellis::Result<PacketOutcome> {
    let request = PacketRequest {
        since: since.map(|s| Since::Snapshot(s.to_owned())),
        generated_at: "2026-11-28T10:00:00Z".into(),
        pdf: print.map(|p| (html.with_extension("pdf"), p)),
    };
    let task = Task::new("the review packet", progress, cancel);
    write_packet(doc, Catalog::builtin(), html, request, &task)
}

fn quietly(
    doc: &Document,
    since: Option<&str>,
    html: &Path,
    print: Option<PrintPdf>,
) -> trellis::Result<PacketOutcome> {
    packet(doc, since, html, print, &|_| {}, &AtomicBool::new(false))
}

fn no_browser(_: &Path, _: &Path, _: &AtomicBool) -> trellis::Result<()> {
    Err(Error::Refused("no headless browser found to print the PDF (looked for chromium)".into()))
}

fn half_then_fail(_: &Path, out: &Path, _: &AtomicBool) -> trellis::Result<()> {
    std::fs::write(out, b"%PDF-1.7 trunc").unwrap();
    Err(Error::Internal("chromium could not print (exit status: 1)".into()))
}

fn fake_print(html: &Path, out: &Path, _: &AtomicBool) -> trellis::Result<()> {
    let source = std::fs::read_to_string(html).map_err(|e| Error::io(html, e))?;
    std::fs::write(out, format!("%PDF-1.7 {} bytes of HTML", source.len())).map_err(|e| Error::io(out, e))
}

/// The folders in which [`slow_print`] saw the cancel flag set while it printed.
static PRINTS_CANCELLED_IN: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Prints like a browser that takes long: a partial PDF at once, then waits (polling like
/// `print_pdf_cancellable`) until cancelled, noting the folder in [`PRINTS_CANCELLED_IN`]. If the
/// cancel never reaches it, it gives up after the tests' hang bound.
fn slow_print(_: &Path, out: &Path, cancel: &AtomicBool) -> trellis::Result<()> {
    std::fs::write(out, b"%PDF-1.7 partial").unwrap();
    let started = std::time::Instant::now();
    while started.elapsed() < crate::support::HANG_BOUND {
        if cancel.load(Ordering::SeqCst) {
            let _ = std::fs::remove_file(out);
            if let Some(dir) = out.parent() {
                PRINTS_CANCELLED_IN.lock().unwrap().push(dir.to_owned());
            }
            return Err(Error::Cancelled { what: "printing the PDF" });
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Err(Error::Internal("the test was never cancelled".into()))
}

fn older_packet(dir: &Path) -> PathBuf {
    let html = dir.join("packet.html");
    std::fs::write(&html, "an older packet").unwrap();
    std::fs::write(dir.join("packet.pdf"), "an older PDF").unwrap();
    html
}

fn assert_older_packet_untouched(dir: &Path) {
    assert_eq!(names(dir), ["packet.html", "packet.pdf"], "no temporary is left beside them");
    assert_eq!(std::fs::read_to_string(dir.join("packet.html")).unwrap(), "an older packet");
    assert_eq!(std::fs::read_to_string(dir.join("packet.pdf")).unwrap(), "an older PDF");
}

fn assert_cancelled(err: &Error) {
    assert!(is_cancelled(err), "{err}");
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert_eq!(err.to_string(), "the review packet was cancelled; nothing was written");
}

#[test]
fn the_packet_is_one_whole_file_naming_the_curriculum() {
    let dir = tempfile::tempdir().unwrap();
    let doc = example();
    let html = dir.path().join("packet.html");
    std::fs::write(&html, "an older packet").unwrap();
    let outcome = quietly(&doc, None, &html, None).unwrap();
    assert_eq!(
        (outcome.html.as_path(), outcome.pdf, outcome.pdf_error.is_none()),
        (html.as_path(), None, true)
    );
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"), "{}", &text[..40]);
    assert!(text.contains(&doc.curriculum.title));
    assert!(text.contains("Generated 2026-11-28T10:00:00Z"));
    assert!(text.trim_end().ends_with("</html>"));
    assert!(!text.contains("Changes since"));
    assert_eq!(names(dir.path()), ["packet.html"], "no temporary file is left beside it");
}

#[test]
fn changes_since_a_snapshot_chosen_by_id_are_in_the_packet_under_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("c.trellis"), &example()).unwrap();
    store.apply(EditOp::TakeSnapshot { name: "Submitted to committee".into() }).unwrap();
    let mut curriculum = store.load().unwrap().curriculum;
    curriculum.title = "Statistics for the sciences".into();
    store.apply(EditOp::UpdateCurriculum { curriculum }).unwrap();
    let doc = store.load().unwrap();
    let id = doc.snapshots[0].id.to_string();
    let html = dir.path().join("packet.html");
    quietly(&doc, Some(&id), &html, None).unwrap();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("Changes since “Submitted to committee”"), "the section names the snapshot");
    assert!(text.contains("Statistics for the sciences"));
}

#[test]
fn an_unknown_snapshot_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("packet.html");
    let err = quietly(&example(), Some("Draft 9"), &html, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(err.to_string().contains("Draft 9"), "{err}");
    assert!(names(dir.path()).is_empty());
}

#[test]
fn an_unwritable_destination_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("missing folder").join("packet.html");
    let err = quietly(&example(), None, &html, None).unwrap_err();
    assert!(err.to_string().contains(&html.display().to_string()), "{err}");
    assert!(names(dir.path()).is_empty());
}

/// Without a browser, or with one that fails halfway, the HTML is in place, no PDF (not even a
/// partial one) is left, and the outcome says what went wrong.
#[test]
fn a_failed_print_keeps_the_html_leaves_no_partial_pdf_and_says_why() {
    let printers: [(PrintPdf, ErrorCode, &str); 2] = [
        (no_browser, ErrorCode::Validation, "no headless browser found"),
        (half_then_fail, ErrorCode::Internal, "could not print"),
    ];
    for (print, code, says) in printers {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("packet.html");
        let outcome = quietly(&example(), None, &html, Some(print)).unwrap();
        let err = outcome.pdf_error.unwrap();
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains(says), "{err}");
        assert_eq!(outcome.pdf, None);
        assert_eq!(names(dir.path()), ["packet.html"]);
    }
}

#[test]
fn the_pdf_lands_beside_the_packet_under_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("Statistics review packet.html");
    let outcome = quietly(&example(), None, &html, Some(fake_print)).unwrap();
    let pdf = dir.path().join("Statistics review packet.pdf");
    assert_eq!(outcome.pdf, Some(pdf.clone()));
    assert!(std::fs::read_to_string(&pdf).unwrap().starts_with("%PDF"));
    assert_eq!(names(dir.path()), ["Statistics review packet.html", "Statistics review packet.pdf"]);
}

#[test]
fn the_packets_stages_are_reported_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("packet.html");
    let seen = Mutex::new(Vec::new());
    let progress = |p: Progress| seen.lock().unwrap().push((p.done, p.total, p.message));
    packet(&example(), None, &html, Some(fake_print), &progress, &AtomicBool::new(false)).unwrap();
    let stages = std::mem::take(&mut *seen.lock().unwrap());
    assert_eq!(
        stages,
        [
            (0, 4, "Checking the curriculum".to_owned()),
            (1, 4, "Rendering the packet".to_owned()),
            (2, 4, "Writing packet.html".to_owned()),
            (3, 4, "Printing the PDF".to_owned())
        ]
    );
    packet(&example(), None, &html, None, &progress, &AtomicBool::new(false)).unwrap();
    let messages: Vec<String> = seen.into_inner().unwrap().into_iter().map(|s| s.2).collect();
    assert_eq!(
        messages,
        ["Checking the curriculum", "Rendering the packet", "Writing packet.html"],
        "no printing stage without a PDF"
    );
}

#[test]
fn a_packet_cancelled_before_it_starts_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let html = older_packet(dir.path());
    let seen = Mutex::new(0);
    let progress = |_: Progress| *seen.lock().unwrap() += 1;
    let err =
        packet(&example(), None, &html, Some(fake_print), &progress, &AtomicBool::new(true)).unwrap_err();
    assert_cancelled(&err);
    assert_eq!(*seen.lock().unwrap(), 0, "no stage was started");
    assert_older_packet_untouched(dir.path());
}

#[test]
fn a_packet_cancelled_between_stages_writes_nothing() {
    for at in ["Rendering the packet", "Writing packet.html"] {
        let dir = tempfile::tempdir().unwrap();
        let html = older_packet(dir.path());
        let cancel = AtomicBool::new(false);
        // The designer presses Cancel while this stage runs; the next check stops the work.
        let progress = |p: Progress| {
            if p.message == at {
                cancel.store(true, Ordering::SeqCst);
            }
        };
        let err = packet(&example(), None, &html, None, &progress, &cancel).unwrap_err();
        assert_cancelled(&err);
        assert_older_packet_untouched(dir.path());
    }
}

#[test]
fn a_packet_cancelled_while_the_pdf_prints_leaves_the_older_packet_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let html = older_packet(dir.path());
    let cancel = std::sync::Arc::new(AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::channel();
    let progress = move |p: Progress| {
        if p.message == "Printing the PDF" {
            let _ = tx.send(());
        }
    };
    let canceller = {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            rx.recv().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(100));
            cancel.store(true, Ordering::SeqCst);
        })
    };
    let err = packet(&example(), None, &html, Some(slow_print), &progress, &cancel).unwrap_err();
    canceller.join().unwrap();
    assert_cancelled(&err);
    assert!(
        PRINTS_CANCELLED_IN.lock().unwrap().iter().any(|d| d == dir.path()),
        "the cancel reached the printer while it printed (it was not left to finish)"
    );
    assert_older_packet_untouched(dir.path());

    // Without an older packet, nothing at all is left.
    let empty = tempfile::tempdir().unwrap();
    let html = empty.path().join("packet.html");
    let err = packet(&example(), None, &html, Some(slow_print), &|_| {}, &AtomicBool::new(true)).unwrap_err();
    assert_cancelled(&err);
    assert!(names(empty.path()).is_empty());
}

/// The bundled example exported by the library's own Common Cartridge 1.3 writer.
fn cartridge(dir: &Path) -> (Document, PathBuf) {
    let doc = example();
    let path = dir.join("intro-statistics.imscc");
    let mut out = trellis::export::package::writer_for_path(&path).unwrap();
    let options = ExportOptions::new(Timestamp("2026-11-28T10:00:00Z".into()));
    trellis::export::export_document(&doc, ExportFormat::Cc13, &options, out.as_mut(), &mut |_| {}).unwrap();
    (doc, path)
}

fn import_quietly(source: &Path, dir: &Path) -> trellis::Result<trellis::workflow::import::NewDocument> {
    cartridge_document(source, dir, &Task::quiet("the import"))
}

#[test]
fn a_cartridge_becomes_a_new_document_named_after_its_course() {
    let scratch = tempfile::tempdir().unwrap();
    let (original, source) = cartridge(scratch.path());
    let documents = scratch.path().join("documents");
    let made = import_quietly(&source, &documents).unwrap();
    let title = &original.curriculum.title;
    assert_eq!(made.store.path(), documents.join(format!("{title}.trellis")));
    let imported = made.store.load().unwrap();
    for unit in original.nodes.iter().filter(|n| n.kind == "unit") {
        assert!(
            imported.nodes.iter().any(|n| n.title == unit.title),
            "unit {} is in the outline",
            unit.title
        );
    }
    let modules = imported.nodes.iter().filter(|n| n.kind == "module").count();
    assert!(modules > 0);
    assert!(
        made.summary.starts_with(&format!("Course “{}”: {modules} modules", imported.curriculum.title)),
        "{}",
        made.summary
    );

    // A second import of the same course never overwrites the first.
    drop(made);
    let again = import_quietly(&source, &documents).unwrap();
    assert_eq!(again.store.path(), documents.join(format!("{title} 2.trellis")));
}

#[test]
fn the_stages_of_a_cartridge_import_are_reported_in_order() {
    let scratch = tempfile::tempdir().unwrap();
    let (_, source) = cartridge(scratch.path());
    let documents = scratch.path().join("documents");
    let seen = Mutex::new(Vec::new());
    let progress = |p: Progress| seen.lock().unwrap().push(p);
    let never = AtomicBool::new(false);
    cartridge_document(&source, &documents, &Task::new("the import", &progress, &never)).unwrap();
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen[0].message, "Reading intro-statistics.imscc");
    let converting: Vec<&Progress> = seen.iter().filter(|p| p.message.starts_with("Converting")).collect();
    let n = converting[0].total - 2;
    assert!(n > 10, "the example's cartridge has many resources ({n})");
    assert_eq!(converting[0].message, format!("Converting {n} items"));
    assert!(converting.len() > 10, "one event per converted resource, not just one");
    assert!(converting.windows(2).all(|w| w[0].done < w[1].done), "done counts up");
    let last = seen.last().unwrap();
    assert_eq!((last.message.as_str(), last.done, last.total), ("Writing the new document", n + 1, n + 2));
    assert!(seen.iter().all(|p| p.done <= p.total));
}

#[test]
fn a_cancelled_cartridge_import_creates_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let (_, source) = cartridge(scratch.path());
    let documents = scratch.path().join("documents");
    // Cancelled before it starts, while reading, after a few resources, before writing.
    let cancel_at: [&dyn Fn(&Progress) -> bool; 4] = [
        &|_| false,
        &|p| p.message.starts_with("Reading"),
        &|p| p.message.starts_with("Converting") && p.done == 4,
        &|p| p.message.starts_with("Converting") && p.done + 2 == p.total,
    ];
    for (i, when) in cancel_at.iter().enumerate() {
        let cancel = AtomicBool::new(i == 0);
        let last = Mutex::new(String::new());
        let progress = |p: Progress| {
            if when(&p) {
                cancel.store(true, Ordering::SeqCst);
            }
            *last.lock().unwrap() = p.message;
        };
        let err = cartridge_document(&source, &documents, &Task::new("the import", &progress, &cancel))
            .err()
            .unwrap();
        assert_eq!(err.code(), ErrorCode::Cancelled, "case {i}: {err}");
        assert_eq!(err.to_string(), "the import was cancelled; nothing was written", "case {i}");
        assert!(!documents.exists(), "case {i}: not even the documents folder is created");
        assert!(!last.lock().unwrap().starts_with("Writing"), "case {i}");
    }
    // The same cartridge imports when nobody cancels.
    import_quietly(&source, &documents).unwrap();
    assert_eq!(names(&documents).len(), 1);
}

#[test]
fn a_file_that_is_not_a_zip_is_refused_by_name_and_creates_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let source = scratch.path().join("course.imscc");
    std::fs::write(&source, b"this is not a zip archive at all").unwrap();
    let documents = scratch.path().join("documents");
    let err = import_quietly(&source, &documents).err().unwrap();
    assert!(err.to_string().contains(&source.display().to_string()), "{err}");
    assert!(!documents.exists(), "the documents folder is not even created");
}

#[test]
fn a_zip_without_a_manifest_is_not_a_cartridge() {
    let scratch = tempfile::tempdir().unwrap();
    let source = scratch.path().join("notes.zip");
    let bytes = trellis::export::package::zip_bytes([("notes/week1.html", b"<p>hi</p>".as_slice())]).unwrap();
    std::fs::write(&source, bytes).unwrap();
    let documents = scratch.path().join("documents");
    std::fs::create_dir_all(&documents).unwrap();
    let err = import_quietly(&source, &documents).err().unwrap().to_string();
    assert!(err.contains("notes.zip"), "{err}");
    assert!(err.contains("imsmanifest.xml"), "{err}");
    assert!(names(&documents).is_empty());
}

#[test]
fn a_cartridge_entry_climbing_out_of_the_package_is_refused_and_nothing_is_created() {
    let scratch = tempfile::tempdir().unwrap();
    // The example's cartridge plus one extra entry, renamed to `../` in the raw bytes (local
    // header and central directory): a zip slip the library's writer would never make.
    let doc = example();
    let mut package = trellis::export::package::MemWriter::new();
    let options = ExportOptions::new(Timestamp("2026-11-28T10:00:00Z".into()));
    trellis::export::export_document(&doc, ExportFormat::Cc13, &options, &mut package, &mut |_| {}).unwrap();
    let mut files: Vec<(&str, &[u8])> =
        package.paths().iter().map(|p| (p.as_str(), package.get(p).unwrap_or_default())).collect();
    files.push(("xx/evil.html", b"<p>outside</p>"));
    let mut bytes = trellis::export::package::zip_bytes(files).unwrap();
    let needle = b"xx/evil.html";
    let at: Vec<usize> =
        bytes.windows(needle.len()).enumerate().filter(|(_, w)| w == needle).map(|(i, _)| i).collect();
    assert_eq!(at.len(), 2, "the name is in the local header and the central directory");
    for i in at {
        bytes[i..i + 3].copy_from_slice(b"../");
    }
    let source = scratch.path().join("slip.imscc");
    std::fs::write(&source, bytes).unwrap();
    let documents = scratch.path().join("documents");
    let err = import_quietly(&source, &documents).err().unwrap().to_string();
    assert!(err.contains("slip.imscc"), "{err}");
    assert!(err.contains("../evil.html"), "{err}");
    assert!(!documents.exists());
}

/// An export cancelled after its first entries ends with the typed error and leaves neither
/// the package nor its temporary; a package already at that path stays as it was.
#[test]
fn a_cancelled_export_leaves_nothing_and_an_older_package_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("course.imscc");
    std::fs::write(&dest, b"an older package").unwrap();
    let cancel = AtomicBool::new(false);
    let entries = Mutex::new(0);
    let progress = |_: Progress| {
        let mut n = entries.lock().unwrap();
        *n += 1;
        if *n == 3 {
            cancel.store(true, Ordering::SeqCst);
        }
    };
    let options = ExportOptions::new(Timestamp("2026-11-28T10:00:00Z".into()));
    let task = Task::new("the export", &progress, &cancel);
    let err =
        trellis::workflow::export::export_to_path(&example(), ExportFormat::Cc13, &options, &dest, &task)
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert_eq!(err.to_string(), "the export was cancelled; nothing was written");
    assert_eq!(names(dir.path()), ["course.imscc"]);
    assert_eq!(std::fs::read(&dest).unwrap(), b"an older package");

    // Not cancelled, the same call writes the package.
    let never = AtomicBool::new(false);
    let task = Task::new("the export", &|_| {}, &never);
    trellis::workflow::export::export_to_path(&example(), ExportFormat::Cc13, &options, &dest, &task)
        .unwrap();
    assert!(std::fs::metadata(&dest).unwrap().len() > 1000);
    assert_eq!(names(dir.path()), ["course.imscc"]);
}

/// A document made from a template or an example lands under a fresh name in a folder made
/// for it; an invalid one creates nothing, not even the folder; an unknown template is named.
#[test]
fn new_documents_get_fresh_names_and_invalid_ones_create_nothing() {
    use trellis::workflow::document::{create_in, from_template};
    let dir = tempfile::tempdir().unwrap();
    let documents = dir.path().join("documents");
    let first =
        from_template(&documents, Catalog::builtin(), "backward-design-unit", "Stats / Probability").unwrap();
    assert_eq!(first.path(), documents.join("Stats - Probability.trellis"));
    let second =
        from_template(&documents, Catalog::builtin(), "backward-design-unit", "Stats / Probability").unwrap();
    assert_eq!(second.path(), documents.join("Stats - Probability 2.trellis"));

    let err = from_template(&documents, Catalog::builtin(), "no-such-template", "X").err().unwrap();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(err.to_string().contains("no-such-template"), "{err}");

    let mut broken = example();
    let missing = trellis::model::NodeId::new();
    broken.nodes[1].parent = Some(missing);
    let elsewhere = dir.path().join("elsewhere");
    let err = create_in(&elsewhere, &broken, "example intro-statistics").err().unwrap();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(err.to_string().starts_with("example intro-statistics: "), "{err}");
    assert!(!elsewhere.exists(), "nothing is created, not even the folder");
}
