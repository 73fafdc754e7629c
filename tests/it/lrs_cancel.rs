//! Cancelling an LRS import while a page is being received: a local server answers the request
//! and then sends the page's body a byte at a time (or nothing at all, or not even the headers);
//! a cancel from another thread ends the import with the typed `Cancelled` error, and the
//! document's evidence is what it was before. No time is asserted: a watchdog fails the test
//! instead of letting it hang (the request's own timeout is set longer than the watchdog, so
//! only the cancel can end the import in time).

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use trellis::Error;
use trellis::evidence::Evidence;
use trellis::evidence::import::lrs::{self, LrsLimits, LrsQuery};
use trellis::evidence::import::{self, Options, Source};
use trellis::model::Document;
use trellis::store::Store;
use trellis::task::Task;

/// How the test LRS misbehaves after the request arrives.
#[derive(Clone, Copy, Debug)]
enum Stall {
    /// Sends nothing, not even the status line.
    BeforeHeaders,
    /// Sends the headers (a 100,000-byte body) and then nothing.
    AfterHeaders,
    /// Sends the headers and the start of a StatementResult, then one space every 20 ms.
    Dribble,
}

/// A one-connection LRS on a free port; tells `answered` once the request is read and what it
/// sends first is sent. It stops when the client goes away, or after five minutes.
fn slow_lrs(stall: Stall, answered: mpsc::Sender<()>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let Ok((mut socket, _)) = listener.accept() else { return };
        let mut request = Vec::new();
        let mut byte = [0u8; 1];
        while !request.ends_with(b"\r\n\r\n") {
            match socket.read(&mut byte) {
                Ok(1) => request.push(byte[0]),
                _ => return,
            }
        }
        if !matches!(stall, Stall::BeforeHeaders) {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Experience-API-Version: 1.0.3\r\nContent-Length: 100000\r\n\r\n{\"statements\": [";
            if socket.write_all(head.as_bytes()).and_then(|()| socket.flush()).is_err() {
                return;
            }
        }
        let _ = answered.send(());
        for _ in 0..15_000 {
            std::thread::sleep(Duration::from_millis(20));
            if matches!(stall, Stall::Dribble)
                && socket.write_all(b" ").and_then(|()| socket.flush()).is_err()
            {
                return;
            }
        }
    });
    origin
}

/// A document with one cohort of evidence already imported (so "unchanged" is not "empty").
fn document(dir: &std::path::Path) -> (Store, Document) {
    let doc: Document =
        trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap();
    let mut store = Store::create(&dir.join("doc.trellis"), &doc).unwrap();
    let csv = dir.join("before.csv");
    std::fs::write(
        &csv,
        format!(
            "learner,objective,score\ns-1,{},3\ns-2,{},2\n",
            doc.objectives[0].id.0, doc.objectives[1].id.0
        ),
    )
    .unwrap();
    let options = Options { cohort: Some("before".into()), ..Options::default() };
    let report = import::import(&mut store, &doc, Source::Csv, &csv, &options).unwrap();
    assert_eq!(report.added, 2);
    (store, doc)
}

fn cancel_while_receiving(stall: Stall) {
    let dir = tempfile::tempdir().unwrap();
    let (store, doc) = document(dir.path());
    let before = Evidence::load(&store, None).unwrap();
    let steps_before = store.history().unwrap().undo_depth;
    let (answered, on_answer) = mpsc::channel();
    let origin = slow_lrs(stall, answered);
    let (done, result) = mpsc::channel();
    let cancel: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
    std::thread::spawn(move || {
        let mut store = store;
        let query = LrsQuery { endpoint: format!("{origin}/xapi/"), ..LrsQuery::default() };
        // The request's own timeout is longer than the watchdog below.
        let limits = LrsLimits { timeout: Duration::from_secs(600), ..LrsLimits::default() };
        let options = Options { cohort: Some("LRS".into()), ..Options::default() };
        let task = Task::new("the LRS import", &|_| {}, cancel);
        let outcome = lrs::import_with_task(&mut store, &doc, &query, &limits, &options, &task);
        let _ = done.send((outcome, store));
    });
    on_answer.recv_timeout(Duration::from_secs(60)).expect("the test LRS received the request");
    cancel.store(true, Ordering::SeqCst);
    let (outcome, store) = result
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{stall:?}: the import did not return after Cancel"));
    assert!(matches!(outcome, Err(Error::Cancelled { .. })), "{stall:?}: {outcome:?}");
    assert_eq!(Evidence::load(&store, None).unwrap(), before, "{stall:?}: the evidence is unchanged");
    assert_eq!(store.history().unwrap().undo_depth, steps_before, "{stall:?}: no undo step was recorded");
}

#[test]
fn a_cancel_ends_an_import_whose_page_never_starts() {
    cancel_while_receiving(Stall::BeforeHeaders);
}

#[test]
fn a_cancel_ends_an_import_whose_page_stops_after_its_headers() {
    cancel_while_receiving(Stall::AfterHeaders);
}

#[test]
fn a_cancel_ends_an_import_whose_page_arrives_a_byte_at_a_time() {
    cancel_while_receiving(Stall::Dribble);
}
