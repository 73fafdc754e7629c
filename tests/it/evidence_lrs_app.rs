//! Reading an LRS as the desktop app does (`workflow::evidence::import_lrs`: progress per page,
//! Cancel between pages, nothing written when cancelled) and over https: a local LRS serving TLS
//! with a certificate issued by a root made in the test, trusted only through the CA file
//! (`LrsQuery::ca_file`, `trellis evidence import --lrs-ca FILE`).

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use trellis::evidence::Evidence;
use trellis::evidence::import::Options;
use trellis::evidence::import::lrs::{LrsLimits, LrsQuery};
use trellis::model::Document;
use trellis::store::Store;
use trellis::task::{Progress, Task};

fn fresh(dir: &Path) -> (Store, Document) {
    let doc: Document =
        trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap();
    let store = Store::create(&dir.join("doc.trellis"), &doc).unwrap();
    (store, doc)
}

fn opts() -> Options {
    Options { cohort: Some("LRS".into()), ..Options::default() }
}

fn statements(doc: &Document, n: usize) -> Vec<serde_json::Value> {
    (0..n)
        .map(|i| {
            let objective = doc.objectives[i % 2].id.0;
            serde_json::json!({
                "id": format!("6a1d0c2e-0000-4000-8000-{i:012}"),
                "actor": {"account": {"homePage": "https://lms.example", "name": format!("s-{}", i % 3)}},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                "object": {"id": format!("urn:trellis:objective:{objective}")},
                "result": {"score": {"scaled": 0.5 + (i % 2) as f64 / 4.0}},
                "timestamp": format!("2024-01-0{}T10:00:00Z", 1 + i % 9),
            })
        })
        .collect()
}

/// A TLS server certificate for 127.0.0.1 and localhost, issued by a new root: (root PEM,
/// server config).
fn tls_setup() -> (String, Arc<rustls::ServerConfig>) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "Trellis test root");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &ca).unwrap();
    // rustls is built with ring only (as ureq uses it), so that is the provider it picks.
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    (ca.pem(), Arc::new(config))
}

/// Answers one request on `stream`: two statements a page, a relative `more` link.
fn answer<S: Read + Write>(stream: S, statements: &[serde_json::Value], seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("").to_owned();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
    }
    seen.lock().unwrap().push(target.clone());
    let page: usize = target
        .split_once('?')
        .map_or("", |(_, q)| q)
        .split('&')
        .find_map(|p| p.strip_prefix("page="))
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let chunk: Vec<&serde_json::Value> = statements.iter().skip(page * 2).take(2).collect();
    let more = if statements.len() > (page + 1) * 2 {
        format!("/xapi/statements?page={}", page + 1)
    } else {
        String::new()
    };
    let body = serde_json::json!({"statements": chunk, "more": more}).to_string();
    let stream = reader.get_mut();
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Experience-API-Version: 1.0.3\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.flush();
}

/// A small LRS on 127.0.0.1 (https when `tls` is given); at most 20 connections, then its
/// thread ends. Returns the endpoint and the request targets it saw.
fn serve(
    statements: Vec<serde_json::Value>,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let scheme = if tls.is_some() { "https" } else { "http" };
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20) {
            let Ok(stream) = stream else { return };
            stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
            match &tls {
                Some(config) => {
                    let Ok(conn) = rustls::ServerConnection::new(Arc::clone(config)) else { return };
                    let mut tls_stream = rustls::StreamOwned::new(conn, stream);
                    answer(&mut tls_stream, &statements, &log);
                    tls_stream.conn.send_close_notify();
                    let _ = tls_stream.flush();
                }
                None => answer(stream, &statements, &log),
            }
        }
    });
    (format!("{scheme}://{addr}/xapi/"), seen)
}

fn query(endpoint: &str, ca: Option<PathBuf>) -> LrsQuery {
    LrsQuery { endpoint: endpoint.to_owned(), ca_file: ca, ..LrsQuery::default() }
}

#[test]
fn an_https_lrs_is_read_when_its_root_is_given_as_the_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(dir.path());
    let (root_pem, config) = tls_setup();
    let ca = dir.path().join("root.pem");
    std::fs::write(&ca, root_pem).unwrap();
    let (endpoint, seen) = serve(statements(&doc, 5), Some(config));
    assert!(endpoint.starts_with("https://"));
    let report = trellis::evidence::import::lrs::import(
        &mut store,
        &doc,
        &query(&endpoint, Some(ca)),
        &LrsLimits::default(),
        &opts(),
    )
    .unwrap();
    assert_eq!((report.rows, report.added), (5, 5), "{}", report.to_text());
    assert_eq!(seen.lock().unwrap().len(), 3, "three pages of two");
    assert_eq!(Evidence::load(&store, None).unwrap().results.len(), 5);
}

#[test]
fn an_https_lrs_whose_certificate_is_not_trusted_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(dir.path());
    let (_, config) = tls_setup();
    let (endpoint, _) = serve(statements(&doc, 3), Some(config));
    // The built-in roots do not know the test's root.
    let err = trellis::evidence::import::lrs::import(
        &mut store,
        &doc,
        &query(&endpoint, None),
        &LrsLimits::default(),
        &opts(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(&endpoint.replace("/xapi/", "")) && err.contains("could not be read"), "{err}");
    assert!(err.to_lowercase().contains("certificate"), "the reason is named: {err}");
    // Another root given as the CA file: refused as well.
    let (other_root, _) = tls_setup();
    let ca = dir.path().join("other.pem");
    std::fs::write(&ca, other_root).unwrap();
    let err = trellis::evidence::import::lrs::import(
        &mut store,
        &doc,
        &query(&endpoint, Some(ca)),
        &LrsLimits::default(),
        &opts(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    assert!(Evidence::load(&store, None).unwrap().results.is_empty());
}

#[test]
fn a_ca_file_that_is_not_pem_or_given_for_plain_http_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(dir.path());
    let bad = dir.path().join("notes.txt");
    std::fs::write(&bad, "not a certificate\n").unwrap();
    let err = trellis::evidence::import::lrs::import(
        &mut store,
        &doc,
        &query("https://127.0.0.1:9/xapi/", Some(bad.clone())),
        &LrsLimits::default(),
        &opts(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("notes.txt") && err.contains("certificate"), "{err}");
    let err = trellis::evidence::import::lrs::import(
        &mut store,
        &doc,
        &query("http://127.0.0.1:9/xapi/", Some(bad)),
        &LrsLimits::default(),
        &opts(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("https"), "{err}");
}

#[test]
fn the_workflow_reports_each_page_and_imports_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(dir.path());
    let (endpoint, _) = serve(statements(&doc, 5), None);
    let seen: Mutex<Vec<Progress>> = Mutex::new(Vec::new());
    let progress = |p: Progress| seen.lock().unwrap().push(p);
    let cancel = AtomicBool::new(false);
    let task = Task::new("the LRS import", &progress, &cancel);
    let limits = LrsLimits { page_size: 2, ..LrsLimits::default() };
    let report = trellis::workflow::evidence::import_lrs(
        &mut store,
        &doc,
        &query(&endpoint, None),
        &limits,
        &opts(),
        &task,
    )
    .unwrap();
    assert_eq!(report.added, 5);
    let seen = seen.into_inner().unwrap();
    let messages: Vec<&str> = seen.iter().map(|p| p.message.as_str()).collect();
    assert!(messages[0].starts_with("Connecting to http://127.0.0.1"), "{messages:?}");
    let pages: Vec<&Progress> = seen.iter().filter(|p| p.message.starts_with("Read ")).collect();
    assert_eq!(pages.iter().map(|p| p.done).collect::<Vec<_>>(), vec![2, 4, 5], "{messages:?}");
    assert!(pages[0].total > pages[0].done && pages[2].total == 5, "{seen:?}");
    assert_eq!(messages.last(), Some(&"Done"));
    assert_eq!(Evidence::load(&store, None).unwrap().results.len(), 5);
    // One undo step removes the whole import.
    store.undo().unwrap();
    assert!(Evidence::load(&store, None).unwrap().results.is_empty());
}

#[test]
fn cancelling_between_pages_ends_the_workflow_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(dir.path());
    let (endpoint, seen_requests) = serve(statements(&doc, 6), None);
    let cancel = AtomicBool::new(false);
    // The user presses Cancel once the first page is in.
    let progress = |p: Progress| {
        if p.message.starts_with("Read ") {
            cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    };
    let task = Task::new("the LRS import", &progress, &cancel);
    let err = trellis::workflow::evidence::import_lrs(
        &mut store,
        &doc,
        &query(&endpoint, None),
        &LrsLimits::default(),
        &opts(),
        &task,
    )
    .unwrap_err();
    assert!(trellis::task::is_cancelled(&err), "{err}");
    assert_eq!(seen_requests.lock().unwrap().len(), 1, "no page is asked for after the cancel");
    assert!(Evidence::load(&store, None).unwrap().results.is_empty());
    assert!(Evidence::load(&store, None).unwrap().cohorts.is_empty());
}

#[test]
fn cli_reads_an_https_lrs_with_lrs_ca_and_refuses_it_without() {
    let dir = tempfile::tempdir().unwrap();
    let doc_path = dir.path().join("doc.trellis");
    let (store, doc) = fresh(dir.path());
    drop(store);
    let (root_pem, config) = tls_setup();
    let ca = dir.path().join("root.pem");
    std::fs::write(&ca, root_pem).unwrap();
    let (endpoint, _) = serve(statements(&doc, 4), Some(config));
    let run = |extra: &[&std::ffi::OsStr]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_trellis"));
        cmd.args(["evidence", "import"]).arg(&doc_path).args(["--lrs", &endpoint, "--cohort", "LRS"]);
        cmd.args(extra).env_remove("TRELLIS_LRS_PASSWORD").output().unwrap()
    };
    let refused = run(&[]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    let ok = run(&["--lrs-ca".as_ref(), ca.as_os_str()]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let store = Store::open(&doc_path).unwrap();
    assert_eq!(Evidence::load(&store, None).unwrap().results.len(), 4);
}
