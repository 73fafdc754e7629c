//! Reading xAPI statements from a Learning Record Store over HTTP (xAPI 1.0.3, "Statement
//! Resource"): `GET <endpoint>/statements` with `X-Experience-API-Version: 1.0.3`, HTTP Basic
//! authentication when a user is given, the filters `since`, `until` and `activity` (with
//! `related_activities=true`, so statements whose context names the activity count too) and
//! `limit` (the page size), then every `more` link the LRS returns (relative to the LRS's
//! origin, or absolute on the same origin; a link to another origin is refused, so the
//! credentials never leave the LRS). Each page is read whole (at most
//! [`LrsLimits::max_page_bytes`]) and its statements go through the xAPI reader
//! ([`super::xapi`]) into one transaction: the import ends with the same report as a file
//! import, writes nothing when any request fails, and keys results by statement id, so reading
//! the same statements again (from the LRS or from a file) changes nothing.
//!
//! `http` and `https`: TLS is rustls (with ring), and the server's certificate is checked
//! against the Mozilla root certificates compiled into the program, or, when a CA file is given
//! ([`LrsQuery::ca_file`], `--lrs-ca FILE`), against the certificates of that PEM file only (an
//! institution's own root). The password is never part of the URL or of an error message, and
//! a `more` link never moves the reading from `https` to `http`.
//!
//! [`import_with_task`] reports each page read (statements so far) to a [`Task`] and stops
//! with [`Error::Cancelled`] as soon as the task is cancelled, also while a page is being
//! received (each request runs on a thread of its own, see [`fetch`]); nothing is written then:
//! the whole import is one transaction.

use std::collections::{HashMap, HashSet};
use std::io::Read as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;

use super::{ImportReport, Matcher, Options, Sink, Source, parse_time, xapi};
use crate::evidence::store::Writer;
use crate::model::{Document, Timestamp};
use crate::store::Store;
use crate::task::{Progress, Task};
use crate::{Error, Result};

/// What to read from an LRS.
#[derive(Clone, Debug, Default)]
pub struct LrsQuery {
    /// The LRS's xAPI endpoint (`http://host/xapi/`); `statements` is appended unless the URL
    /// ends with it.
    pub endpoint: String,
    /// Only statements stored since this time (a date or date-time, see [`parse_time`]).
    pub since: Option<String>,
    /// Only statements stored up to this time.
    pub until: Option<String>,
    /// Only statements about this activity IRI (as object or in their context).
    pub activity: Option<String>,
    /// The user for HTTP Basic authentication.
    pub user: Option<String>,
    /// The password (read from the environment by the CLI, never from its arguments).
    pub password: Option<String>,
    /// A PEM file of root certificates to trust for an `https` LRS instead of the built-in
    /// Mozilla roots (an institution's own certificate authority).
    pub ca_file: Option<PathBuf>,
}

/// Limits of one LRS import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LrsLimits {
    /// Most statements read; more is refused (narrow the query with `since`/`until`).
    pub max_statements: u64,
    /// Statements asked for per page (`limit`).
    pub page_size: u32,
    /// Largest page body in bytes.
    pub max_page_bytes: u64,
    /// Time allowed for one request (connecting, sending and reading the whole page); a
    /// cancelled import does not wait for it.
    pub timeout: Duration,
}

impl Default for LrsLimits {
    fn default() -> Self {
        LrsLimits {
            max_statements: 1_000_000,
            page_size: 500,
            max_page_bytes: 64 << 20,
            timeout: Duration::from_secs(60),
        }
    }
}

/// The parts of an `http://` URL this reader needs.
#[derive(Debug)]
struct Url {
    /// `http://host:port`.
    origin: String,
    /// The URL of the statements resource, without a query.
    statements: String,
    /// The host, for the default cohort name.
    host: String,
}

fn parse_url(text: &str) -> Result<Url> {
    let text = text.trim();
    let bad = |why: &str| Error::Refused(format!("{text}: not a usable LRS URL ({why})"));
    let (scheme, rest) = if let Some(rest) = text.strip_prefix("http://") {
        ("http", rest)
    } else if let Some(rest) = text.strip_prefix("https://") {
        ("https", rest)
    } else {
        return Err(bad("expected http://host[:port]/path or https://host[:port]/path"));
    };
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return Err(bad("no host"));
    }
    if authority.contains('@') {
        return Err(bad(
            "credentials in the URL; give the user with --lrs-user and the password in TRELLIS_LRS_PASSWORD",
        ));
    }
    if path.contains(['?', '#']) {
        return Err(bad("a query or fragment; give the filters with --since, --until and --activity"));
    }
    let path = path.trim_end_matches('/');
    let origin = format!("{scheme}://{authority}");
    let statements = if path.ends_with("/statements") {
        format!("{origin}{path}")
    } else {
        format!("{origin}{path}/statements")
    };
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6).to_owned(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h).to_owned(),
    };
    Ok(Url { origin, statements, host })
}

/// The root certificates of a PEM file, for an `https` LRS.
fn read_ca(path: &std::path::Path) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&bytes) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => {
                return Err(Error::Parse {
                    source_name: path.display().to_string(),
                    message: format!("not a PEM certificate file ({e})"),
                });
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::Parse {
            source_name: path.display().to_string(),
            message: "no certificate (-----BEGIN CERTIFICATE-----) in the file".into(),
        });
    }
    Ok(certs)
}

/// The URL a `more` link names, on the LRS's origin only.
fn resolve_more(origin: &str, more: &str, first: &str) -> Result<String> {
    if more.starts_with("http://") || more.starts_with("https://") {
        let same = more.strip_prefix(origin).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if !same {
            return Err(Error::Refused(format!(
                "{first}: the LRS's \"more\" link {more:?} leaves its origin {origin}; not followed (the credentials stay with the LRS)"
            )));
        }
        return Ok(more.to_owned());
    }
    let more = more.trim_start_matches('/');
    Ok(format!("{origin}/{more}"))
}

/// A filter time as the RFC 3339 UTC timestamp xAPI expects.
fn filter_time(what: &str, text: &str) -> Result<String> {
    parse_time(text).map(|secs| Timestamp::from_unix(secs).0).ok_or_else(|| {
        Error::Refused(format!(
            "--{what} {text:?} is not a date or date-time (YYYY-MM-DD, optionally THH:MM[:SS] and Z or ±HH:MM)"
        ))
    })
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

/// How often a page being received looks at the task's cancel flag.
const CANCEL_POLL: Duration = Duration::from_millis(20);

/// The bytes a page is read in, between two looks at the stop flag.
const CHUNK: usize = 64 << 10;

/// One request for a page of statements: its status and body (at most `max_bytes`).
///
/// The request runs on a thread of its own while this one watches `task`: a cancel returns
/// [`Error::Cancelled`] at once, also while the LRS is slow to answer, dribbles a page or stops
/// sending. The abandoned request stops at its next chunk (64 KiB) or, when nothing arrives,
/// at the request's timeout ([`LrsLimits::timeout`]), in the background; its data is dropped.
fn fetch(
    agent: &ureq::Agent,
    page_url: &str,
    auth: Option<&str>,
    query: &[(&str, String)],
    max_bytes: u64,
    task: &Task<'_>,
) -> Result<(ureq::http::StatusCode, Vec<u8>)> {
    let stop = Arc::new(AtomicBool::new(false));
    let (send, receive) = mpsc::channel();
    let (agent, url, auth) = (agent.clone(), page_url.to_owned(), auth.map(str::to_owned));
    let query: Vec<(String, String)> = query.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    let stopped = Arc::clone(&stop);
    let spawned = std::thread::Builder::new().name("lrs page".into()).spawn(move || {
        let page = receive_page(&agent, &url, auth.as_deref(), &query, max_bytes, &stopped);
        // The receiver is gone when the import was cancelled; nothing waits for the page then.
        let _ = send.send(page);
    });
    if let Err(e) = spawned {
        return Err(Error::Refused(format!("{page_url}: the LRS could not be read (no thread: {e})")));
    }
    loop {
        match receive.recv_timeout(CANCEL_POLL) {
            Ok(page) => return page,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if task.is_cancelled() {
                    stop.store(true, Ordering::SeqCst);
                    return Err(task.cancelled());
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Refused(format!("{page_url}: the LRS's answer could not be read")));
            }
        }
    }
}

/// The request of [`fetch`], on its thread: reads the body in chunks, stopping when `stop` is
/// set (the page is then not used).
fn receive_page(
    agent: &ureq::Agent,
    page_url: &str,
    auth: Option<&str>,
    query: &[(String, String)],
    max_bytes: u64,
    stop: &AtomicBool,
) -> Result<(ureq::http::StatusCode, Vec<u8>)> {
    let mut request =
        agent.get(page_url).header("X-Experience-API-Version", "1.0.3").header("Accept", "application/json");
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    for (k, v) in query {
        request = request.query(k, v);
    }
    let response =
        request.call().map_err(|e| Error::Refused(format!("{page_url}: the LRS could not be read ({e})")))?;
    let status = response.status();
    let mut reader = response.into_body().into_reader();
    let mut body = Vec::new();
    let mut chunk = vec![0u8; CHUNK];
    loop {
        if stop.load(Ordering::SeqCst) {
            return Err(Error::Refused(format!("{page_url}: reading stopped")));
        }
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::Refused(format!("{page_url}: the LRS's answer could not be read ({e})")));
            }
        };
        if (body.len() + n) as u64 > max_bytes {
            return Err(Error::Refused(format!(
                "{page_url}: a page of statements is larger than {} MB; ask for smaller pages",
                max_bytes >> 20
            )));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok((status, body))
}

/// Reads the statements `query` selects from the LRS into the document open in `store`, whose
/// design is `doc`, as one undo step (source `xapi`; the cohort defaults to the LRS's host).
/// Nothing is written when a request fails, a page is not xAPI, or a limit is passed.
pub fn import(
    store: &mut Store,
    doc: &Document,
    query: &LrsQuery,
    limits: &LrsLimits,
    options: &Options,
) -> Result<ImportReport> {
    import_with_task(store, doc, query, limits, options, &Task::quiet("the LRS import"))
}

/// [`import`] reporting to `task`: after each page, the statements read so far (the total is
/// not known before the last page, so `total` is `done` plus one page while more follow); a
/// cancel stops the reading at once, also in the middle of a page, with [`Error::Cancelled`]
/// and writes nothing.
pub fn import_with_task(
    store: &mut Store,
    doc: &Document,
    query: &LrsQuery,
    limits: &LrsLimits,
    options: &Options,
    task: &Task<'_>,
) -> Result<ImportReport> {
    let url = parse_url(&query.endpoint)?;
    let ca = match &query.ca_file {
        Some(path) if url.origin.starts_with("https://") => Some(read_ca(path)?),
        Some(path) => {
            return Err(Error::Refused(format!(
                "{}: a CA file ({}) is for an https LRS; this URL is plain http",
                url.statements,
                path.display()
            )));
        }
        None => None,
    };
    let since = query.since.as_deref().map(|t| filter_time("since", t)).transpose()?;
    let until = query.until.as_deref().map(|t| filter_time("until", t)).transpose()?;
    let cohort = match &options.cohort {
        Some(c) if !c.trim().is_empty() => c.trim().to_owned(),
        Some(_) => return Err(Error::Refused("the cohort name is empty".into())),
        None => url.host.clone(),
    };
    let auth = match (&query.user, &query.password) {
        (Some(user), password) => {
            if user.contains(':') {
                return Err(Error::Refused(
                    "the LRS user may not contain ':' (HTTP Basic authentication)".into(),
                ));
            }
            let pair = format!("{user}:{}", password.as_deref().unwrap_or(""));
            Some(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)))
        }
        (None, Some(_)) => {
            return Err(Error::Refused(
                "a password for the LRS was given without a user (--lrs-user)".into(),
            ));
        }
        (None, None) => None,
    };
    let mut params: Vec<(&str, String)> = vec![("limit", limits.page_size.to_string())];
    if let Some(since) = since {
        params.push(("since", since));
    }
    if let Some(until) = until {
        params.push(("until", until));
    }
    if let Some(activity) = &query.activity {
        params.push(("activity", activity.trim().to_owned()));
        params.push(("related_activities", "true".into()));
    }
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("trellis/", env!("CARGO_PKG_VERSION")));
    if is_loopback(&url.host) {
        config = config.proxy(None);
    }
    if let Some(certs) = ca {
        config = config.tls_config(
            ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::new_with_certs(&certs)).build(),
        );
    }
    let agent: ureq::Agent = config.build().into();
    let max_statements = limits.max_statements.min(options.limits.max_rows);
    let matcher = Matcher::new(doc);
    let doc_path = store.path().to_owned();
    let label = format!("Import xapi evidence from {} into cohort {cohort}", url.origin);
    store.apply_with(&label, |tx| {
        let mut writer = Writer::new(tx, &doc_path, &cohort, &options.term, Source::Xapi, options.keep_names)?;
        let mut report =
            ImportReport { source: Source::Xapi.as_str().into(), cohort: cohort.clone(), ..ImportReport::default() };
        let mut sink = Sink { writer: &mut writer, report: &mut report, learners: HashMap::new() };
        let mut next = Some(url.statements.clone());
        let mut fetched: HashSet<String> = HashSet::new();
        let (mut count, mut pages) = (0u64, 0u64);
        while let Some(page_url) = next.take() {
            task.check()?;
            if !fetched.insert(page_url.clone()) {
                return Err(Error::Refused(format!(
                    "{page_url}: the LRS's \"more\" link names a page already read; stopped"
                )));
            }
            let query: &[(&str, String)] = if pages == 0 { &params } else { &[] };
            let (status, body) = fetch(&agent, &page_url, auth.as_deref(), query, limits.max_page_bytes, task)?;
            if !status.is_success() {
                let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
                let hint = match status.as_u16() {
                    401 | 403 => " (check --lrs-user and TRELLIS_LRS_PASSWORD)",
                    301 | 302 | 303 | 307 | 308 => " (a redirect; give the URL it names)",
                    _ => "",
                };
                return Err(Error::Refused(format!(
                    "{page_url}: the LRS answered HTTP {} {}{hint}: {}",
                    status.as_u16(),
                    status.canonical_reason().unwrap_or(""),
                    text.trim()
                )));
            }
            pages += 1;
            let page: Value = serde_json::from_slice(&body).map_err(|e| Error::Parse {
                source_name: page_url.clone(),
                message: format!("the LRS's answer is not a JSON StatementResult ({e})"),
            })?;
            let Some(statements) = page.get("statements").and_then(Value::as_array) else {
                return Err(Error::Parse {
                    source_name: page_url.clone(),
                    message: "the LRS's answer has no \"statements\" array (not an xAPI StatementResult)".into(),
                });
            };
            for statement in statements {
                count += 1;
                if count > max_statements {
                    return Err(Error::Refused(format!(
                        "{}: more than {max_statements} statements; an evidence import reads at most that many (narrow it with --since and --until)",
                        url.statements
                    )));
                }
                xapi::statement(statement, count, &matcher, &mut sink)?;
            }
            next = match page.get("more").and_then(Value::as_str).map(str::trim) {
                Some(more) if !more.is_empty() => Some(resolve_more(&url.origin, more, &url.statements)?),
                _ => None,
            };
            let page_size = u64::from(limits.page_size);
            task.report(Progress {
                done: count,
                total: if next.is_some() { count + page_size } else { count },
                message: format!("Read {count} statements ({pages} pages) from {}", url.origin),
            });
        }
        sink.finish()?;
        report.notes.push(format!("read {count} statements in {pages} pages from {}", url.statements));
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_statements_resource_on_one_origin() {
        let u = parse_url("http://127.0.0.1:8080/xapi/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.statements, "http://127.0.0.1:8080/xapi/statements");
        assert_eq!(u.origin, "http://127.0.0.1:8080");
        assert_eq!(u.host, "127.0.0.1");
        let u = parse_url("http://lrs.test/data/xAPI/statements").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.statements, "http://lrs.test/data/xAPI/statements");
        assert!(parse_url("http://user:pw@lrs.test/").is_err());
        let u = parse_url("https://lrs.test:8443/xapi").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.statements, "https://lrs.test:8443/xapi/statements");
        assert_eq!((u.origin.as_str(), u.host.as_str()), ("https://lrs.test:8443", "lrs.test"));
        assert_eq!(parse_url("http://[::1]:80/x").map(|u| u.host).unwrap_or_default(), "::1");
        assert!(parse_url("ftp://lrs.test/").is_err());
        let origin = "http://lrs.test";
        assert_eq!(
            resolve_more(origin, "/xapi/statements?more=2", "x").unwrap_or_default(),
            "http://lrs.test/xapi/statements?more=2"
        );
        assert_eq!(
            resolve_more(origin, "http://lrs.test/m/3", "x").unwrap_or_default(),
            "http://lrs.test/m/3"
        );
        assert!(resolve_more(origin, "http://lrs.test.evil/m", "x").is_err());
        assert!(resolve_more(origin, "http://other/m", "x").is_err());
        // An https LRS's link back to plain http is another origin.
        assert!(resolve_more("https://lrs.test", "http://lrs.test/m", "x").is_err());
    }
}
