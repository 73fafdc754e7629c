//! Evidence from the LMS and LRS sources: Canvas's Learning Mastery Gradebook export, Moodle's
//! grade export, statements read from an LRS over HTTP (a tiny LRS served by the test on
//! 127.0.0.1), a changed row replacing the stored result, and the Canvas outcome metadata
//! carrying the document's mastery policy.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use trellis::evidence::Evidence;
use trellis::evidence::import::lrs::{LrsLimits, LrsQuery};
use trellis::evidence::import::{self, ImportReport, Options, Source};
use trellis::model::Document;
use trellis::store::Store;

fn example() -> Document {
    trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap()
}

fn fresh(dir: &tempfile::TempDir) -> (Store, Document) {
    let doc = example();
    let store = Store::create(&dir.path().join("doc.trellis"), &doc).unwrap();
    (store, doc)
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn opts(cohort: &str) -> Options {
    Options { cohort: Some(cohort.into()), ..Options::default() }
}

fn results_of(store: &Store) -> Vec<(uuid::Uuid, f64, Option<f64>)> {
    let evidence = Evidence::load(store, None).unwrap();
    evidence.results.iter().map(|r| (r.target_id, r.score, r.points_possible)).collect()
}

// ---------------------------------------------------------------------------------------------
// Canvas Learning Mastery Gradebook

fn mastery_export(doc: &Document, sep: &str) -> String {
    let (o1, o2) = (&doc.objectives[0], &doc.objectives[1]);
    let header = [
        "Student name".to_owned(),
        "Student ID".to_owned(),
        "Student SIS ID".to_owned(),
        format!("Intro Statistics > Unit 1 > {} {} result", o1.code, o1.statement),
        format!("Intro Statistics > Unit 1 > {} {} mastery points", o1.code, o1.statement),
        format!("Course outcomes > {} result", o2.code),
        format!("Course outcomes > {} mastery points", o2.code),
        "Imported > Not in this design result".to_owned(),
        "Imported > Not in this design mastery points".to_owned(),
    ];
    let quote = |h: &String| if h.contains(sep) { format!("\"{h}\"") } else { h.clone() };
    let header: Vec<String> = header.iter().map(quote).collect();
    let rows = [
        ["\"Lee, Ann\"", "101", "A-101", "3.5", "3", "2", "3", "4", "3"],
        ["\"Chen, Bo\"", "102", "N/A", "", "3", "1.25", "3", "", "3"],
        ["\"Diaz, Cy\"", "", "N/A", "4", "3", "", "3", "", "3"],
    ];
    let mut text = header.join(sep) + "\r\n";
    for r in rows {
        text.push_str(&r.join(sep));
        text.push_str("\r\n");
    }
    text
}

#[test]
fn mastery_gradebook_result_columns_match_objectives_and_unknown_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let src = write(&dir, "lmgb.csv", &mastery_export(&doc, ","));
    let report = import::import(&mut store, &doc, Source::CanvasMastery, &src, &opts("LMGB")).unwrap();
    assert_eq!((report.rows, report.added, report.learners, report.empty), (3, 3, 2, 1), "{report:?}");
    let unknown: Vec<_> = report.unmatched.iter().map(|u| (u.reason.as_str(), u.examples.clone())).collect();
    assert_eq!(
        unknown,
        vec![
            (
                "outcome column names no objective of the design",
                vec![(1, "Imported > Not in this design result".to_owned())]
            ),
            ("no student id", vec![(4, "Diaz, Cy".to_owned())]),
        ]
    );
    assert!(
        report.notes.iter().any(|n| n.contains("3 \"mastery points\" columns not read")),
        "{:?}",
        report.notes
    );
    let (o1, o2) = (doc.objectives[0].id.0, doc.objectives[1].id.0);
    // Rolled-up scores, on the objective's own scale (no points possible).
    assert_eq!(results_of(&store), vec![(o1, 3.5, None), (o2, 2.0, None), (o2, 1.25, None)]);

    // The same file again changes nothing.
    let again = import::import(&mut store, &doc, Source::CanvasMastery, &src, &opts("LMGB")).unwrap();
    assert_eq!((again.added, again.updated, again.already), (0, 0, 3));
    assert_eq!(store.history().unwrap().undo_depth, 1);
}

#[test]
fn mastery_gradebook_with_semicolons_a_bom_and_odd_header_case_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let text = mastery_export(&doc, ";")
        .replacen("Student name", "STUDENT  NAME", 1)
        .replacen("Student ID", " student id ", 1)
        .replace(" result", " Result");
    let src = write(&dir, "lmgb-semicolon.csv", &format!("\u{feff}{text}"));
    let report = import::import(&mut store, &doc, Source::CanvasMastery, &src, &opts("LMGB")).unwrap();
    assert_eq!((report.rows, report.added, report.learners), (3, 3, 2), "{report:?}");
    assert!(report.ignored_columns.is_empty(), "{:?}", report.ignored_columns);

    let bad = write(&dir, "not-lmgb.csv", "name,score\nx,1\n");
    let err =
        import::import(&mut store, &doc, Source::CanvasMastery, &bad, &opts("LMGB")).unwrap_err().to_string();
    assert!(err.contains("not-lmgb.csv:1") && err.contains("Student ID"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Moodle grades

fn moodle_export(doc: &Document, sep: &str) -> String {
    let quiz = doc.assessments.iter().find(|a| a.title.starts_with("Quiz 1")).unwrap();
    let lab = doc.assessments.iter().find(|a| a.title == "Lab portfolio").unwrap();
    let header = [
        "First name".to_owned(),
        "Last name".to_owned(),
        "ID number".to_owned(),
        "Institution".to_owned(),
        "Department".to_owned(),
        "Email address".to_owned(),
        format!("Quiz: {} (Real)", quiz.title),
        format!("Assignment: {} (Real)", lab.title),
        format!("Assignment: {} (Percentage)", lab.title),
        format!("Assignment: {} (Letter)", lab.title),
        "Forum: Weekly reflections (Real)".to_owned(),
        "Course total (Real)".to_owned(),
        "Last downloaded from this course".to_owned(),
    ];
    let quote = |h: &String| if h.contains(sep) { format!("\"{h}\"") } else { h.clone() };
    let mut text = header.iter().map(quote).collect::<Vec<_>>().join(sep) + "\n";
    let rows = [
        [
            "Ann",
            "Lee",
            "S-1",
            "Uni",
            "Stats",
            "ann@example.edu",
            "12.00",
            "30.00",
            "75.00 %",
            "C",
            "5.00",
            "80.00",
            "1733500000",
        ],
        [
            "Bo",
            "Chen",
            "",
            "Uni",
            "Stats",
            "bo@example.edu",
            "-",
            "20.00",
            "50.00 %",
            "F",
            "-",
            "40.00",
            "1733500000",
        ],
        ["Cy", "Diaz", "", "", "", "", "8.00", "-", "-", "-", "-", "8.00", "1733500000"],
    ];
    for r in rows {
        text.push_str(&r.join(sep));
        text.push('\n');
    }
    text
}

#[test]
fn moodle_grade_items_match_assessments_with_percentage_preferred_and_real_out_of_the_design_points() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let quiz = doc.assessments.iter().find(|a| a.title.starts_with("Quiz 1")).unwrap();
    let lab = doc.assessments.iter().find(|a| a.title == "Lab portfolio").unwrap();
    let src = write(&dir, "Stats grades.csv", &moodle_export(&doc, ","));
    let report = import::import(&mut store, &doc, Source::MoodleGrades, &src, &opts("Moodle")).unwrap();
    assert_eq!((report.rows, report.added, report.learners), (3, 3, 2), "{report:?}");
    // Bo's "-" on the quiz; the lab's Percentage column is read, its Real and Letter are not.
    assert_eq!(report.empty, 1);
    let reasons: Vec<_> = report.unmatched.iter().map(|u| (u.reason.as_str(), u.count)).collect();
    assert_eq!(
        reasons,
        vec![
            ("grade item names no assessment of the design", 1),
            ("no learner id (ID number, Email address or Username)", 1)
        ]
    );
    assert_eq!(report.unmatched[0].examples[0].1, "Forum: Weekly reflections (Real)");
    for column in [
        "Institution",
        "Department",
        "Assignment: Lab portfolio (Real)",
        "Assignment: Lab portfolio (Letter)",
        "Course total (Real)",
        "Last downloaded from this course",
    ] {
        assert!(report.ignored_columns.iter().any(|c| c == column), "{column}: {:?}", report.ignored_columns);
    }
    assert!(report.notes.iter().any(|n| n.contains("out of 16")), "{:?}", report.notes);
    let mut results = results_of(&store);
    results.sort_by(|a, b| a.1.total_cmp(&b.1));
    assert_eq!(
        results,
        vec![(quiz.id.0, 12.0, Some(16.0)), (lab.id.0, 50.0, Some(100.0)), (lab.id.0, 75.0, Some(100.0))]
    );
}

#[test]
fn moodle_exports_with_tab_or_semicolon_separators_and_a_bom_are_read() {
    for (sep, name) in [("\t", "grades.txt"), (";", "grades-semicolon.csv")] {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, doc) = fresh(&dir);
        let text = moodle_export(&doc, sep).replacen("First name", "FIRST NAME", 1);
        let src = write(&dir, name, &format!("\u{feff}{text}"));
        let report = import::import(&mut store, &doc, Source::MoodleGrades, &src, &opts("Moodle")).unwrap();
        assert_eq!((report.rows, report.added, report.learners), (3, 3, 2), "{name}: {report:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// A changed row replaces the stored result

#[test]
fn a_changed_row_replaces_the_stored_result_and_the_report_says_updated() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let o1 = &doc.objectives[0];
    let before = format!(
        "learner,objective,score,points_possible,date\ns-1,{c},3,4,2024-01-10\ns-1,{c},4,4,2024-01-20\ns-2,{c},1,4,2024-01-10\n",
        c = o1.code
    );
    let src = write(&dir, "results.csv", &before);
    let first = import::import(&mut store, &doc, Source::Csv, &src, &opts("Fall")).unwrap();
    assert_eq!((first.added, first.updated), (3, 0));

    // s-2's result of 2024-01-10 is corrected from 1 to 2.
    let after = before.replace("s-2,CO1,1,4", "s-2,CO1,2,4");
    assert_ne!(after, before);
    std::fs::write(&src, &after).unwrap();
    let second = import::import(&mut store, &doc, Source::Csv, &src, &opts("Fall")).unwrap();
    assert_eq!((second.added, second.updated, second.already), (0, 1, 2), "{second:?}");
    assert!(second.to_text().contains("1 updated"), "{}", second.to_text());
    let scores: Vec<f64> = results_of(&store).iter().map(|r| r.1).collect();
    assert_eq!(scores, vec![3.0, 4.0, 2.0]);
    // The replacement is one undo step of its own.
    assert_eq!(store.history().unwrap().undo_depth, 2);
    store.undo().unwrap();
    let scores: Vec<f64> = results_of(&store).iter().map(|r| r.1).collect();
    assert_eq!(scores, vec![3.0, 4.0, 1.0]);
}

#[test]
fn a_changed_gradebook_cell_replaces_that_cell_only() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let quiz = doc.assessments.iter().find(|a| a.title.starts_with("Quiz 1")).unwrap();
    let text = |score: &str| {
        format!(
            "Student,ID,Section,{} (1234)\nPoints Possible,,,16\n\"Lee, Ann\",101,S1,{score}\n\"Chen, Bo\",102,S1,8\n",
            quiz.title
        )
    };
    let src = write(&dir, "grades.csv", &text("12"));
    import::import(&mut store, &doc, Source::CanvasGradebook, &src, &opts("G")).unwrap();
    std::fs::write(&src, text("14")).unwrap();
    let report = import::import(&mut store, &doc, Source::CanvasGradebook, &src, &opts("G")).unwrap();
    assert_eq!((report.added, report.updated, report.already), (0, 1, 1));
    let scores: Vec<f64> = results_of(&store).iter().map(|r| r.1).collect();
    assert_eq!(scores, vec![14.0, 8.0]);
}

#[test]
fn rows_a_source_does_not_tell_apart_are_all_kept_and_reimporting_them_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let code = &doc.objectives[0].code;
    // Two results of one learner on one objective, without date or attempt.
    let src = write(&dir, "same.csv", &format!("learner,objective,score\ns-1,{code},2\ns-1,{code},3\n"));
    let first = import::import(&mut store, &doc, Source::Csv, &src, &opts("F")).unwrap();
    assert_eq!((first.added, first.updated), (2, 0));
    let again = import::import(&mut store, &doc, Source::Csv, &src, &opts("F")).unwrap();
    assert_eq!((again.added, again.updated, again.already), (0, 0, 2));
    assert_eq!(results_of(&store).len(), 2);
}

// ---------------------------------------------------------------------------------------------
// An LRS over HTTP

/// One request the test LRS saw.
#[derive(Clone, Debug)]
struct Seen {
    target: String,
    version: Option<String>,
    auth: Option<String>,
}

fn statement(id: &str, objective: &str, learner: &str, scaled: f64, stored: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "actor": {"account": {"homePage": "https://lms.example", "name": learner}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        "object": {"id": format!("urn:trellis:objective:{objective}")},
        "result": {"score": {"scaled": scaled}},
        "timestamp": stored,
        "stored": stored,
    })
}

/// A tiny LRS on 127.0.0.1: checks the version header and Basic auth (user `teacher`,
/// password `s3cret`), filters by `since` on `stored`, serves two statements per page with a
/// relative `more` link (or, with `evil_more`, an absolute link to another origin).
fn serve_lrs(statements: Vec<serde_json::Value>, evil_more: bool) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        // Bounded: at most 20 requests, then the thread ends.
        for stream in listener.incoming().take(20) {
            let Ok(mut stream) = stream else { return };
            stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let target = request_line.split_whitespace().nth(1).unwrap_or("").to_owned();
            let (mut version, mut auth) = (None, None);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    match k.trim().to_ascii_lowercase().as_str() {
                        "x-experience-api-version" => version = Some(v.trim().to_owned()),
                        "authorization" => auth = Some(v.trim().to_owned()),
                        _ => {}
                    }
                }
            }
            log.lock().unwrap().push(Seen {
                target: target.clone(),
                version: version.clone(),
                auth: auth.clone(),
            });
            let expected = format!("Basic {}", base64_encode("teacher:s3cret"));
            let (status, body) = if version.as_deref() != Some("1.0.3") {
                ("400 Bad Request", "{\"error\":\"X-Experience-API-Version\"}".to_owned())
            } else if auth.as_deref() != Some(expected.as_str()) {
                ("401 Unauthorized", "{\"error\":\"credentials\"}".to_owned())
            } else {
                let query = target.split_once('?').map_or("", |(_, q)| q);
                let param = |k: &str| {
                    query.split('&').find_map(|p| p.strip_prefix(&format!("{k}="))).map(percent_decode)
                };
                let since = param("since");
                let page: usize = param("page").and_then(|p| p.parse().ok()).unwrap_or(0);
                let selected: Vec<&serde_json::Value> = statements
                    .iter()
                    .filter(|s| since.as_deref().is_none_or(|t| s["stored"].as_str().unwrap_or("") > t))
                    .collect();
                let chunk: Vec<&serde_json::Value> =
                    selected.iter().skip(page * 2).take(2).copied().collect();
                let more = if selected.len() > (page + 1) * 2 {
                    let since_part = since.map(|s| format!("&since={s}")).unwrap_or_default();
                    if evil_more {
                        format!("http://127.0.0.2:{}/xapi/statements?page={}", addr.port(), page + 1)
                    } else {
                        format!("/xapi/statements?page={}{since_part}", page + 1)
                    }
                } else {
                    String::new()
                };
                ("200 OK", serde_json::json!({"statements": chunk, "more": more}).to_string())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nX-Experience-API-Version: 1.0.3\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.flush();
            // Drain whatever is left so the client never sees a reset.
            let mut rest = [0u8; 64];
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(10)));
            let _ = stream.read(&mut rest);
        }
    });
    (format!("http://{addr}/xapi/"), seen)
}

fn base64_encode(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn five_statements(doc: &Document) -> Vec<serde_json::Value> {
    let (o1, o2) = (doc.objectives[0].id.0.to_string(), doc.objectives[1].id.0.to_string());
    vec![
        statement("6a1d0c2e-0000-4000-8000-000000000001", &o1, "s-1", 0.5, "2024-01-01T10:00:00Z"),
        statement("6a1d0c2e-0000-4000-8000-000000000002", &o1, "s-2", 0.75, "2024-01-02T10:00:00Z"),
        statement("6a1d0c2e-0000-4000-8000-000000000003", &o2, "s-1", 1.0, "2024-01-03T10:00:00Z"),
        statement("6a1d0c2e-0000-4000-8000-000000000004", &o2, "s-2", 0.25, "2024-01-04T10:00:00Z"),
        statement("6a1d0c2e-0000-4000-8000-000000000005", &o1, "s-3", 1.0, "2024-01-05T10:00:00Z"),
    ]
}

fn query(endpoint: &str, password: &str) -> LrsQuery {
    LrsQuery {
        endpoint: endpoint.to_owned(),
        user: Some("teacher".into()),
        password: Some(password.into()),
        ..LrsQuery::default()
    }
}

fn lrs_import(store: &mut Store, doc: &Document, q: &LrsQuery) -> trellis::Result<ImportReport> {
    import::lrs::import(store, doc, q, &LrsLimits::default(), &opts("LRS"))
}

#[test]
fn an_lrs_is_read_page_by_page_with_the_version_header_and_basic_auth() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let (endpoint, seen) = serve_lrs(five_statements(&doc), false);
    let report = lrs_import(&mut store, &doc, &query(&endpoint, "s3cret")).unwrap();
    assert_eq!(
        (report.source.as_str(), report.rows, report.added, report.learners),
        ("xapi", 5, 5, 3),
        "{report:?}"
    );
    let requests = seen.lock().unwrap().clone();
    // Three pages: the first with the query, then two `more` links.
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests.iter().all(|r| r.version.as_deref() == Some("1.0.3")));
    assert!(requests.iter().all(|r| r.auth.as_deref().is_some_and(|a| a.starts_with("Basic "))));
    assert!(requests[0].target.starts_with("/xapi/statements?limit=500"), "{}", requests[0].target);
    assert_eq!(requests[1].target, "/xapi/statements?page=1");
    assert_eq!(results_of(&store).len(), 5);

    // Reading the same statements again changes nothing.
    let again = lrs_import(&mut store, &doc, &query(&endpoint, "s3cret")).unwrap();
    assert_eq!((again.added, again.updated, again.already), (0, 0, 5));
    assert_eq!(store.history().unwrap().undo_depth, 1);
}

#[test]
fn an_lrs_import_filters_by_since() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let (endpoint, seen) = serve_lrs(five_statements(&doc), false);
    let q = LrsQuery { since: Some("2024-01-03T10:00:00+00:00".into()), ..query(&endpoint, "s3cret") };
    let report = lrs_import(&mut store, &doc, &q).unwrap();
    assert_eq!((report.rows, report.added), (2, 2), "{report:?}");
    let first = seen.lock().unwrap()[0].target.clone();
    // Sent as an RFC 3339 UTC timestamp, percent-encoded.
    assert!(first.contains("since=2024-01-03T10%3A00%3A00Z"), "{first}");
}

#[test]
fn an_lrs_that_refuses_the_credentials_is_named_with_its_status_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let (endpoint, _) = serve_lrs(five_statements(&doc), false);
    let err = lrs_import(&mut store, &doc, &query(&endpoint, "wrong")).unwrap_err().to_string();
    assert!(err.contains(&format!("{endpoint}statements")) && err.contains("HTTP 401"), "{err}");
    assert!(!err.contains("wrong"), "the password must not appear: {err}");
    assert!(results_of(&store).is_empty());
    assert_eq!(store.history().unwrap().undo_depth, 0);
}

#[test]
fn an_lrs_more_link_to_another_origin_is_not_followed_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let (endpoint, seen) = serve_lrs(five_statements(&doc), true);
    let err = lrs_import(&mut store, &doc, &query(&endpoint, "s3cret")).unwrap_err().to_string();
    assert!(err.contains("leaves its origin"), "{err}");
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(results_of(&store).is_empty());
}

#[test]
fn an_lrs_with_more_statements_than_the_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let (endpoint, _) = serve_lrs(five_statements(&doc), false);
    let limits = LrsLimits { max_statements: 3, ..LrsLimits::default() };
    let err = import::lrs::import(&mut store, &doc, &query(&endpoint, "s3cret"), &limits, &opts("LRS"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("more than 3 statements"), "{err}");
    assert!(results_of(&store).is_empty());
}

#[test]
fn an_lrs_that_is_not_there_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let endpoint = format!("http://127.0.0.1:{port}/xapi");
    let limits = LrsLimits { timeout: std::time::Duration::from_secs(5), ..LrsLimits::default() };
    let err = import::lrs::import(&mut store, &doc, &query(&endpoint, "s3cret"), &limits, &opts("LRS"))
        .unwrap_err()
        .to_string();
    assert!(err.contains(&format!("{endpoint}/statements")) && err.contains("could not be read"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The Canvas outcome metadata carries the mastery policy

fn canvas_outcomes_xml(doc: &Document, mastery: Option<trellis::evidence::store::PolicySet>) -> String {
    use trellis::export::{ExportFormat, ExportOptions, LmsProfile, MemWriter, export_document};
    let mut options = ExportOptions::for_document(doc).with_profile(LmsProfile::Canvas);
    options.mastery = mastery;
    let mut mem = MemWriter::new();
    export_document(doc, ExportFormat::Cc13, &options, &mut mem, &mut |_| {}).unwrap();
    mem.text("course_settings/learning_outcomes.xml").unwrap().to_owned()
}

/// The `learningOutcome` element whose vendor GUID is `id`.
fn outcome_element<'a>(xml: &'a str, id: &str) -> &'a str {
    let at = xml.find(&format!("<vendor_guid>{id}</vendor_guid>")).unwrap();
    let start = xml[..at].rfind("<learningOutcome ").unwrap();
    let end = at + xml[at..].find("</learningOutcome>").unwrap();
    &xml[start..end]
}

#[test]
fn canvas_outcome_metadata_carries_the_documents_mastery_policy() {
    use trellis::evidence::store::{policies, policies_at, set_policy};
    use trellis::evidence::{Method, Policy};
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    let path = dir.path().join("doc.trellis");
    // A document without a policy: nothing to pass, the package as before.
    assert_eq!(policies(store.connection(), &path).unwrap(), None);

    let default = Policy {
        points_possible: 5.0,
        mastery_points: 4.0,
        method: Method::NMastery,
        calculation_int: Some(2),
        min_results: 1,
    };
    let first = doc.objectives[0].id.0;
    let highest = Policy { method: Method::Highest, calculation_int: None, ..Policy::default() };
    assert_eq!(policies_at(&dir.path().join("other.json")).unwrap(), None);
    store
        .apply_with("Set policies", |tx| {
            set_policy(tx, &path, None, Some(&default))?;
            set_policy(tx, &path, Some(first), Some(&highest))
        })
        .unwrap();
    drop(store);
    let set = policies_at(&path).unwrap().unwrap();
    assert_eq!(set.policy_for(first), &highest);

    let xml = canvas_outcomes_xml(&doc, Some(set));
    let overridden = outcome_element(&xml, &first.to_string());
    assert!(overridden.contains("<calculation_method>highest</calculation_method>"), "{overridden}");
    assert!(!overridden.contains("calculation_int"), "{overridden}");
    assert!(overridden.contains("<points_possible>4</points_possible>"), "{overridden}");
    assert!(overridden.contains("<mastery_points>3</mastery_points>"), "{overridden}");
    let second = outcome_element(&xml, &doc.objectives[1].id.0.to_string());
    assert!(second.contains("<calculation_method>n_mastery</calculation_method>"), "{second}");
    assert!(second.contains("<calculation_int>2</calculation_int>"), "{second}");
    assert!(second.contains("<points_possible>5</points_possible>"), "{second}");
    assert!(second.contains("<mastery_points>4</mastery_points>"), "{second}");
    // The ratings follow the policy's scale: the rubric's 4-point levels stretched to 5.
    assert!(second.contains("<points>5</points>") && second.contains("<points>3.75</points>"), "{second}");
}

#[test]
fn without_a_policy_the_canvas_outcomes_are_written_as_before() {
    let doc = example();
    let xml = canvas_outcomes_xml(&doc, None);
    assert_eq!(
        xml.matches("<calculation_method>decaying_average</calculation_method>").count(),
        doc.objectives.len()
    );
    assert_eq!(xml.matches("<calculation_int>65</calculation_int>").count(), doc.objectives.len());
    // The default policy (every document gets it with its first import) is Canvas's default as
    // Trellis exports it: the same file, rubric scales (U6.2's 10 points) kept.
    let same = canvas_outcomes_xml(&doc, Some(trellis::evidence::store::PolicySet::default()));
    assert_eq!(same, xml);
    assert!(xml.contains("<points_possible>10</points_possible>"));
}

// ---------------------------------------------------------------------------------------------
// The command line

#[test]
fn the_cli_imports_from_an_lrs_with_the_password_from_the_environment_and_from_the_new_files() {
    let dir = tempfile::tempdir().unwrap();
    let (store, doc) = fresh(&dir);
    drop(store);
    let path = dir.path().join("doc.trellis");
    let (endpoint, seen) = serve_lrs(five_statements(&doc), false);
    let trellis = |args: &[&str], password: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_trellis"));
        cmd.args(args).env_remove("TRELLIS_LRS_PASSWORD");
        if let Some(p) = password {
            cmd.env("TRELLIS_LRS_PASSWORD", p);
        }
        cmd.output().unwrap()
    };
    let doc_arg = path.to_str().unwrap();
    let out = trellis(
        &[
            "evidence",
            "import",
            doc_arg,
            "--lrs",
            &endpoint,
            "--lrs-user",
            "teacher",
            "--since",
            "2024-01-02",
            "--json",
        ],
        Some("s3cret"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["source"].as_str(), report["added"].as_u64()), (Some("xapi"), Some(4)), "{report}");
    assert_eq!(report["cohort"], "127.0.0.1");
    assert!(seen.lock().unwrap()[0].target.contains("since=2024-01-02T00%3A00%3A00Z"));

    // Without the password the LRS refuses, and the error names the URL and the status.
    let out = trellis(&["evidence", "import", doc_arg, "--lrs", &endpoint, "--lrs-user", "teacher"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("HTTP 401") && err.contains(&endpoint), "{err}");

    // --from and --lrs exclude each other; one of them is needed.
    assert!(!trellis(&["evidence", "import", doc_arg], None).status.success());
    let lmgb = write(&dir, "lmgb.csv", &mastery_export(&doc, ","));
    let out =
        trellis(&["evidence", "import", doc_arg, "--from", "canvas-mastery", lmgb.to_str().unwrap()], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("3 results added, 0 updated"), "{text}");
    let moodle = write(&dir, "moodle.csv", &moodle_export(&doc, ","));
    let out =
        trellis(&["evidence", "import", doc_arg, "--from", "moodle-grades", moodle.to_str().unwrap()], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("note: Moodle's export does not carry"), "{text}");
}

#[test]
fn trellis_export_of_a_document_with_a_policy_writes_it_into_the_canvas_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let (store, doc) = fresh(&dir);
    drop(store);
    let path = dir.path().join("doc.trellis");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_trellis")).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let outcomes = |name: &str| {
        let package = dir.path().join(name);
        run(&[
            "export",
            path.to_str().unwrap(),
            "--format",
            "cc13",
            "--profile",
            "canvas",
            "-o",
            package.to_str().unwrap(),
        ]);
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&package).unwrap()).unwrap();
        let mut xml = String::new();
        archive.by_name("course_settings/learning_outcomes.xml").unwrap().read_to_string(&mut xml).unwrap();
        xml
    };
    let before = outcomes("before.imscc");
    assert!(!before.contains("n_mastery"));
    run(&["evidence", "policy", path.to_str().unwrap(), "--method", "n_mastery", "--calculation-int", "3"]);
    let after = outcomes("after.imscc");
    assert_eq!(
        after.matches("<calculation_method>n_mastery</calculation_method>").count(),
        doc.objectives.len()
    );
    assert_eq!(after.matches("<calculation_int>3</calculation_int>").count(), doc.objectives.len());
}

#[test]
fn a_broken_row_in_a_mastery_gradebook_or_moodle_export_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, doc) = fresh(&dir);
    for (source, text, name) in [
        (Source::CanvasMastery, mastery_export(&doc, ","), "lmgb-broken.csv"),
        (Source::MoodleGrades, moodle_export(&doc, ","), "moodle-broken.csv"),
    ] {
        // The third data row holds a byte that is not UTF-8.
        let mut bytes = text.into_bytes();
        let third = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(2).unwrap().0 + 1;
        bytes.insert(third + 1, 0xff);
        let src = dir.path().join(name);
        std::fs::write(&src, bytes).unwrap();
        let err = import::import(&mut store, &doc, source, &src, &opts("X")).unwrap_err().to_string();
        assert!(err.contains(&format!("{name}:4")) && err.contains("not UTF-8"), "{err}");
        assert!(results_of(&store).is_empty(), "{name}");
        assert_eq!(store.history().unwrap().undo_depth, 0, "{name}");
    }
}
