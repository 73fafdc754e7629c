//! Import benchmarks: the standards picker's search over a 10,000-item framework, importing a
//! 10,000-item CASE package, importing a generated 50 MB Common Cartridge from disk, and how long
//! the import limits take to refuse hostile inputs (`hostile_refused`; the refusals themselves are
//! checked by `tests/it/hostile_input.rs`, which asserts no time).
//! Run with `cargo bench --bench import_search`; results go to BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use serde_json::{Value, json};
use trellis::import::safety::Package;
use trellis::import::{self, Limits, case, common_cartridge, search::FrameworkIndex};
use trellis::model::{Document, Node};

const WORDS: &[&str] = &[
    "ratio",
    "fraction",
    "reason",
    "equation",
    "model",
    "argument",
    "evidence",
    "text",
    "theme",
    "graph",
    "quantity",
    "measure",
    "compare",
    "explain",
    "analyze",
    "solve",
    "problem",
    "context",
    "inference",
    "structure",
    "data",
    "probability",
    "geometry",
    "function",
    "number",
    "operation",
    "place",
    "value",
];

/// A CASE package with `clusters` × `per` standards under cluster items.
fn case_package(clusters: usize, per: usize) -> Value {
    let doc_id = "d0000000-0000-4000-8000-000000000000";
    let mut items = Vec::new();
    let mut assocs = Vec::new();
    let mut n = 0usize;
    let mut push = |id: String,
                    code: String,
                    statement: String,
                    parent: &str,
                    seq: usize,
                    items: &mut Vec<Value>| {
        items.push(json!({
            "identifier": id, "uri": format!("https://example.org/CFItems/{id}"),
            "humanCodingScheme": code, "fullStatement": statement, "CFItemType": "Standard",
            "educationLevel": ["06"], "language": "en", "lastChangeDateTime": "2025-01-01T00:00:00+00:00"
        }));
        assocs.push(json!({
            "identifier": format!("a-{id}"), "associationType": "isChildOf", "sequenceNumber": seq,
            "originNodeURI": {"identifier": id, "uri": format!("https://example.org/CFItems/{id}"), "title": code},
            "destinationNodeURI": {"identifier": parent, "uri": format!("https://example.org/x/{parent}"), "title": "p"}
        }));
    };
    for c in 0..clusters {
        let cid = format!("c{c:07}-0000-4000-8000-000000000000");
        push(
            cid.clone(),
            format!("S.{c}"),
            format!("Cluster {c}: {}", WORDS[c % WORDS.len()]),
            doc_id,
            c + 1,
            &mut items,
        );
        for s in 0..per {
            n += 1;
            let sid = format!("s{n:07}-0000-4000-8000-000000000000");
            let statement = format!(
                "Students {} and {} the {} of {} in a real-world {} ({n}).",
                WORDS[n % WORDS.len()],
                WORDS[(n * 7) % WORDS.len()],
                WORDS[(n * 3) % WORDS.len()],
                WORDS[(n * 11) % WORDS.len()],
                WORDS[(n * 5) % WORDS.len()]
            );
            push(sid, format!("S.{c}.{}", s + 1), statement, &cid, s + 1, &mut items);
        }
    }
    json!({
        "CFDocument": {"identifier": doc_id, "uri": "https://example.org/d", "title": "Generated", "creator": "bench"},
        "CFItems": items,
        "CFAssociations": assocs,
    })
}

/// Writes a ~50 MB cartridge: 48 incompressible 1 MB files, 200 pages that link them, a quiz.
fn write_cartridge(path: &std::path::Path) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut resources = String::new();
    let mut items = String::new();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for f in 0..48 {
        let mut data = vec![0u8; 1 << 20];
        for chunk in data.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
        }
        zip.start_file(format!("web_resources/media/file{f}.bin"), stored).unwrap();
        zip.write_all(&data).unwrap();
        resources.push_str(&format!(
            r#"<resource identifier="f{f}" type="webcontent" href="web_resources/media/file{f}.bin"><file href="web_resources/media/file{f}.bin"/></resource>"#
        ));
    }
    for p in 0..200 {
        let body = format!(
            "<html><head><title>Page {p}</title></head><body><h2>Page {p}</h2>{}<p><a href=\"$IMS-CC-FILEBASE$/media/file{}.bin\">download</a></p></body></html>",
            "<p>Some <strong>content</strong> for the lesson, with a <em>list</em>:</p><ul><li>one</li><li>two</li></ul>".repeat(20),
            p % 48
        );
        zip.start_file(format!("wiki_content/page-{p}.html"), deflated).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
        resources.push_str(&format!(
            r#"<resource identifier="p{p}" type="webcontent" href="wiki_content/page-{p}.html"><file href="wiki_content/page-{p}.html"/></resource>"#
        ));
        items.push_str(&format!(
            r#"<item identifier="i{p}" identifierref="p{p}"><title>Page {p}</title></item>"#
        ));
    }
    let manifest = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1">
<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.3.0</schemaversion></metadata>
<organizations><organization identifier="o"><item identifier="root"><item identifier="m1"><title>Module</title>{items}</item></item></organization></organizations>
<resources>{resources}</resources></manifest>"#
    );
    zip.start_file("imsmanifest.xml", deflated).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.finish().unwrap();
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

fn benches(c: &mut Criterion) {
    let package = case_package(100, 99);
    let bytes = serde_json::to_vec(&package).unwrap();
    eprintln!("CASE package: {} items, {:.1} MB", 100 * 100, bytes.len() as f64 / 1e6);

    let mut group = c.benchmark_group("import");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("case_10000_items_parse_and_merge", |b| {
        b.iter(|| {
            let mut doc = Document::new("bench");
            let report = import::merge_framework(&mut doc, case::parse(&bytes, "bench.json").unwrap());
            black_box((doc, report))
        })
    });
    let mut doc = Document::new("bench");
    import::merge_framework(&mut doc, case::parse(&bytes, "bench.json").unwrap());
    group.bench_function("case_10000_items_reimport_unchanged", |b| {
        b.iter(|| {
            let mut copy = doc.clone();
            black_box(import::merge_framework(&mut copy, case::parse(&bytes, "bench.json").unwrap()))
        })
    });
    let dir = tempfile::tempdir().unwrap();
    let cartridge = dir.path().join("big.imscc");
    write_cartridge(&cartridge);
    eprintln!("cartridge: {:.1} MB", std::fs::metadata(&cartridge).unwrap().len() as f64 / 1e6);
    let before = peak_rss_kb();
    let course = common_cartridge::parse_path(&cartridge).unwrap();
    if let (Some(b), Some(a)) = (before, peak_rss_kb()) {
        eprintln!("peak RSS before/after one 50 MB cartridge import: {} MB / {} MB", b / 1024, a / 1024);
    }
    eprintln!(
        "cartridge import: {} lessons, {} assets",
        course.document.nodes.len() - 2,
        course.document.assets.len()
    );
    drop(course);
    group.bench_function("cartridge_50mb_from_disk", |b| {
        b.iter(|| black_box(common_cartridge::parse_path(&cartridge).unwrap()))
    });
    group.finish();

    let index = FrameworkIndex::new(&doc);
    assert_eq!(index.len(), 10_000);
    let mut group = c.benchmark_group("framework_search_10000");
    group.sample_size(100);
    group.bench_function("build_index", |b| b.iter(|| black_box(FrameworkIndex::new(&doc))));
    for (name, query) in [
        ("code_exact", "S.42.17"),
        ("code_prefix", "S.4"),
        ("two_words", "ratio evidence"),
        ("three_words_rare", "inference geometry probability"),
        ("no_match", "photosynthesis"),
        ("single_letter", "e"),
    ] {
        group.bench_function(name, |b| b.iter(|| black_box(index.search(black_box(query), 50))));
    }
    group.finish();
}

/// A deflated zip of `entries` (name, bytes).
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buffer);
    let deflated =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(*name, deflated).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
    buffer.into_inner()
}

/// A cartridge manifest with one lesson page, `page.html`.
const ONE_PAGE_MANIFEST: &str = r#"<manifest identifier="m"><organizations><organization><item identifier="root">
<item identifier="m1"><title>Week 1</title><item identifier="i" identifierref="p"><title>Deep page</title></item></item></item></organization></organizations>
<resources><resource identifier="p" type="webcontent" href="page.html"><file href="page.html"/></resource></resources></manifest>"#;

/// The inputs of `tests/it/hostile_input.rs`, each refused by a limit: how long the refusal takes.
fn hostile(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile_refused");
    group.sample_size(10).measurement_time(Duration::from_secs(20));

    let page =
        format!("<html><body>\n{}deep text{}</body></html>", "<div>".repeat(4000), "</div>".repeat(4000));
    let cartridge =
        zip_of(&[("imsmanifest.xml", ONE_PAGE_MANIFEST.as_bytes()), ("page.html", page.as_bytes())]);
    group.bench_function("cartridge_page_nested_4000", |b| {
        b.iter(|| common_cartridge::parse_bytes(black_box(cartridge.clone()), "deep.imscc").unwrap_err())
    });

    let mut outline = Document::new("Deep");
    let mut parent = None;
    for n in 1..=7000 {
        let node = Node::draft(parent, "module", format!("Level {n}"));
        parent = Some(node.id);
        outline.nodes.push(node);
    }
    let outline = trellis::json::to_string(&outline);
    group.bench_function("outline_json_7000_deep", |b| {
        b.iter(|| trellis::json::from_str(black_box(&outline), "deep.json").unwrap_err())
    });

    let items: Vec<Value> = (0..100_000)
        .map(|i| json!({"identifier": format!("i{i}"), "fullStatement": format!("s{i}")}))
        .collect();
    let associations: Vec<Value> = (1..100_000)
        .map(|i| {
            json!({"identifier": format!("a{i}"), "associationType": "isChildOf",
                   "originNodeURI": {"identifier": format!("i{i}"), "uri": format!("u:i{i}"), "title": "c"},
                   "destinationNodeURI": {"identifier": format!("i{}", i - 1), "uri": "u:p", "title": "p"}})
        })
        .collect();
    let chain = json!({"CFDocument": {"identifier": "deep", "title": "Deep"}, "CFItems": items,
                       "CFAssociations": associations})
    .to_string();
    group.bench_function("case_chain_100000_deep_parse_merge_validate", |b| {
        b.iter(|| {
            let import = case::parse(black_box(chain.as_bytes()), "deep-case.json").unwrap();
            let mut doc = Document::new("Host");
            import::merge_framework(&mut doc, import);
            doc.validate().unwrap_err()
        })
    });

    // One entry of 1 MiB of zeros, deflated once and copied 1,000 times under new names.
    let one = zip_of(&[("zeros.bin", &vec![0u8; 1 << 20])]);
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buffer);
    zip.start_file("imsmanifest.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(ONE_PAGE_MANIFEST.as_bytes()).unwrap();
    for i in 0..1000 {
        zip.raw_copy_file_rename(source.by_index_raw(0).unwrap(), format!("web_resources/z{i}.bin")).unwrap();
    }
    zip.finish().unwrap();
    let bomb = buffer.into_inner();
    group.bench_function("zip_1000_entries_of_1mib_declared", |b| {
        b.iter(|| {
            Package::from_zip_bytes(black_box(bomb.clone()), "many.imscc", Limits::default()).unwrap_err()
        })
    });
    group.finish();
}

criterion_group!(import_benches, benches, hostile);

fn main() {
    import_benches();
    Criterion::default().configure_from_args().final_summary();
}
