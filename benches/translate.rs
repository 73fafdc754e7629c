//! Translation benchmarks on the generated large curriculum (40 courses × 10 units × 5 lessons):
//! writing the XLIFF 2.1 file for a language (every learner-facing field, with the existing
//! translations and review marks), and importing a fully translated XLIFF 2.1 and 1.2 file back
//! into a language variant (parse, per-unit checks of ids, sources and inline codes, validate).
//! Run with `cargo bench --bench translate`; results go to BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use trellis::generate::{Scale, large};
use trellis::model::{TranslatedText, Translation, TranslationState};
use trellis::translate::inline::{self, Piece};
use trellis::translate::{self, XliffVersion, fields};

fn benches(c: &mut Criterion) {
    let doc = large(Scale::LARGE);
    // A complete French variant (the text of every field upper-cased, its Markdown markup kept as
    // a translator's tool keeps the inline codes), so the files carry targets.
    let mut translated = doc.clone();
    let texts = fields::list(&doc)
        .into_iter()
        .map(|f| TranslatedText {
            text: pseudo(&f.text, f.meta.markdown),
            source_hash: translate::source_hash(&f.text),
            id: f.meta.id,
            state: TranslationState::Translated,
        })
        .collect();
    translated.translations = vec![Translation { language: "fr".into(), texts }];
    translated.normalize();

    // One-shot figures (for BENCHMARKS.md).
    let t = Instant::now();
    let v21 = translate::export_xliff(&translated, "fr", XliffVersion::V21).unwrap();
    eprintln!("export XLIFF 2.1: {:?}, {:.1} MB", t.elapsed(), v21.len() as f64 / 1e6);
    let t = Instant::now();
    let v12 = translate::export_xliff(&translated, "fr", XliffVersion::V12).unwrap();
    eprintln!("export XLIFF 1.2: {:?}, {:.1} MB", t.elapsed(), v12.len() as f64 / 1e6);
    let t = Instant::now();
    let (_, report) = translate::import_xliff(&doc, &v21, "fr.xlf").unwrap();
    eprintln!("import XLIFF 2.1: {:?}, {} units", t.elapsed(), report.units);
    let t = Instant::now();
    translate::import_xliff(&doc, &v12, "fr.xlf").unwrap();
    eprintln!("import XLIFF 1.2: {:?}", t.elapsed());
    let t = Instant::now();
    black_box(translate::localise(&translated, "fr"));
    eprintln!("localise: {:?}", t.elapsed());

    let mut group = c.benchmark_group("translate");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("export_xliff21", |b| {
        b.iter(|| black_box(translate::export_xliff(&translated, "fr", XliffVersion::V21).unwrap()))
    });
    group.bench_function("import_xliff21", |b| {
        b.iter(|| black_box(translate::import_xliff(&doc, &v21, "fr.xlf").unwrap()))
    });
    group.bench_function("import_xliff12", |b| {
        b.iter(|| black_box(translate::import_xliff(&doc, &v12, "fr.xlf").unwrap()))
    });
    group.finish();
}

fn pseudo(text: &str, markdown: bool) -> String {
    fn walk(pieces: &[Piece]) -> Vec<Piece> {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => Piece::Text(t.to_uppercase()),
                Piece::Pair { id, open, close, inner } => {
                    Piece::Pair { id: *id, open: open.clone(), close: close.clone(), inner: walk(inner) }
                }
                other => other.clone(),
            })
            .collect()
    }
    inline::join(&walk(&inline::split(text, markdown)))
}

criterion_group!(translate_benches, benches);

fn main() {
    translate_benches();
    Criterion::default().configure_from_args().final_summary();
}
