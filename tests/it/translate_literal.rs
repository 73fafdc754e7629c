//! Characters that mean something in Markdown, typed by a translator in the plain text of an
//! XLIFF target (`trellis::translate::import_xliff`, docs/translation.md "Importing"): stored
//! escaped, so the project's Markdown renderer shows them as typed (no emphasis, raw HTML,
//! heading, list, table, link or image made of them); shown again without the escapes when the
//! translation is exported for revision, and stored unchanged (and still current, not "needs
//! review") when the revised file comes back unchanged; and a round trip through
//! translate-toolkit's pseudo-translation of such texts still imports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use trellis::markdown;
use trellis::model::{Document, TranslationState};
use trellis::translate::inline::TargetPiece;
use trellis::translate::{self, FieldStatus, XliffVersion, fields, inline, xliff};

use super::support::root;

/// What a translator types, and what must (and must not) be in the rendered HTML.
struct Case {
    typed: &'static str,
    shows: &'static str,
    never: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case { typed: "5 * 3 * 2", shows: "5 * 3 * 2", never: &["<em>", "<ul>", "<li>"] },
    Case { typed: "5*3*2 and 2**3**", shows: "5*3*2 and 2**3**", never: &["<em>", "<strong>"] },
    Case { typed: "* not a list", shows: "* not a list", never: &["<ul>", "<li>"] },
    Case {
        typed: "snake_case and _under_ and __strong__",
        shows: "snake_case and _under_ and __strong__",
        never: &["<em>", "<strong>"],
    },
    Case {
        typed: "Write <b>bold</b> in HTML",
        shows: "Write &lt;b&gt;bold&lt;/b&gt; in HTML",
        never: &["<b>"],
    },
    Case {
        typed: "<https://example.org> or <br>",
        shows: "&lt;https://example.org&gt; or &lt;br&gt;",
        never: &["<a ", "<br"],
    },
    Case { typed: "# 1", shows: "# 1", never: &["<h1>"] },
    Case { typed: "## Part 2\nText", shows: "## Part 2", never: &["<h2>"] },
    Case { typed: "1. first\n2) second", shows: "1. first\n2) second", never: &["<ol>", "<li>"] },
    Case { typed: "- dash\n+ plus", shows: "- dash\n+ plus", never: &["<ul>", "<li>"] },
    Case { typed: "> not a quote", shows: "&gt; not a quote", never: &["<blockquote>"] },
    Case { typed: "Title\n===", shows: "Title\n===", never: &["<h1>"] },
    Case { typed: "Line\n- - -", shows: "Line\n- - -", never: &["<h2>", "<hr", "<li>"] },
    Case { typed: "Use `code` here", shows: "Use `code` here", never: &["<code>"] },
    Case { typed: "[link](https://example.org)", shows: "[link](https://example.org)", never: &["<a "] },
    Case { typed: "![photo](photo.png)", shows: "![photo](photo.png)", never: &["<img"] },
    Case { typed: "[ ] task and [^1] note", shows: "[ ] task and [^1] note", never: &["<input", "<sup"] },
    Case { typed: "a | b\n--- | ---\n1 | 2", shows: "a | b\n--- | ---\n1 | 2", never: &["<table>", "<td>"] },
    Case { typed: "C:\\temp\\ and \\* and a\\\nb", shows: "C:\\temp\\ and \\* and a\\\nb", never: &["<br"] },
    Case {
        typed: "AT&amp;T and &#169; and & alone",
        shows: "AT&amp;amp;T and &amp;#169; and &amp; alone",
        never: &["©"],
    },
    Case { typed: "~~gone~~ and ~tilde~", shows: "~~gone~~ and ~tilde~", never: &["<del>", "<s>"] },
    Case { typed: "```\nfence", shows: "```\nfence", never: &["<pre>", "<code>"] },
];

/// The intro example with its first Markdown fields' sources replaced by plain sentences, one
/// per case (each is then a single text piece), and the next one holding a bold word and an
/// autolink (codes around the typed text).
fn document() -> (Document, Vec<String>, String) {
    let mut doc: Document = trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap();
    let mut ids = Vec::new();
    let mut coded = String::new();
    fields::walk(&mut doc, |meta, text| {
        if !meta.markdown || text.trim().is_empty() {
            return;
        }
        if ids.len() < CASES.len() {
            *text = format!("Source sentence {}.", ids.len() + 1);
            ids.push(meta.id);
        } else if coded.is_empty() {
            *text = "Read **this** at <https://example.org/a_b> now.".into();
            coded = meta.id;
        }
    });
    assert_eq!(ids.len(), CASES.len(), "the example has enough Markdown fields");
    doc.normalize();
    doc.validate().unwrap();
    (doc, ids, coded)
}

fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// `file` (an XLIFF 2.1 export) with `target` (XLIFF content) added to the unit of `field_id`.
fn with_target(file: &str, field_id: &str, target: &str) -> String {
    let unit = format!("<unit id=\"{}\">", xliff::unit_id(field_id));
    let at = file.find(&unit).unwrap_or_else(|| panic!("no unit {unit}"));
    let end = at + file[at..].find("</source>\n").unwrap() + "</source>\n".len();
    format!("{}        <target xml:space=\"preserve\">{target}</target>\n{}", &file[..end], &file[end..])
}

/// The XLIFF content of the source of the unit of `field_id` in an XLIFF 2.1 export.
fn source_of(file: &str, field_id: &str) -> String {
    let unit = format!("<unit id=\"{}\">", xliff::unit_id(field_id));
    let at = file.find(&unit).unwrap();
    let open = "<source xml:space=\"preserve\">";
    let start = at + file[at..].find(open).unwrap() + open.len();
    let end = start + file[start..].find("</source>").unwrap();
    file[start..end].to_owned()
}

/// The translated text of a field in `lang`, as the learner's export reads it.
fn localised(doc: &Document, id: &str) -> String {
    let french = translate::localise(doc, "fr");
    fields::list(&french).into_iter().find(|f| f.meta.id == id).unwrap().text
}

/// The plain text of a target read back from a file (codes left out).
fn target_text(pieces: &[TargetPiece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            TargetPiece::Text(t) => t.clone(),
            TargetPiece::Ph(_) => String::new(),
            TargetPiece::Pair(_, inner) => target_text(inner),
        })
        .collect()
}

/// A target read back whose only codes are line breaks (a line break typed in a target is
/// stored as Markdown's and comes back as a code, like the source's), with the breaks written
/// out.
fn with_breaks(pieces: &[TargetPiece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            TargetPiece::Text(t) => t.clone(),
            TargetPiece::Ph(_) => "\n".to_owned(),
            TargetPiece::Pair(..) => panic!("no pair expected in {pieces:?}"),
        })
        .collect()
}

/// Imports every case's target (and the coded field's) from an XLIFF 2.1 file.
fn import_cases() -> (Document, Document, Vec<String>, String) {
    let (doc, ids, coded) = document();
    let mut file = translate::export_xliff(&doc, "fr", XliffVersion::V21).unwrap();
    for (case, id) in CASES.iter().zip(&ids) {
        file = with_target(&file, id, &xml_text(case.typed));
    }
    let source = source_of(&file, &coded);
    assert!(source.contains("<pc id="), "the coded field's source has codes: {source}");
    let target = source.replace("Read ", "Lisez 5*3 &lt;i&gt; ").replace(" now.", " # maintenant!");
    file = with_target(&file, &coded, &target);
    let (translated, report) = translate::import_xliff(&doc, &file, "fr.xlf").unwrap();
    assert_eq!(report.translated, CASES.len() + 1, "{report:?}");
    (doc, translated, ids, coded)
}

#[test]
fn markdown_characters_typed_in_targets_render_as_typed() {
    let (_, translated, ids, coded) = import_cases();
    for (case, id) in CASES.iter().zip(&ids) {
        let html = markdown::render(&localised(&translated, id));
        assert!(
            html.contains(case.shows),
            "{:?} renders as {html:?}, not showing {:?}",
            case.typed,
            case.shows
        );
        for tag in case.never {
            assert!(!html.contains(tag), "{:?} renders as {html:?}, which has {tag}", case.typed);
        }
    }
    // Around codes: the bold word and the autolink are still markup, the typed text is not.
    let text = localised(&translated, &coded);
    let html = markdown::render(&text);
    assert!(html.contains("<strong>this</strong>"), "{html}");
    assert!(html.contains("<a href=\"https://example.org/a_b\""), "{html}");
    assert!(html.contains(">https://example.org/a_b</a>"), "the autolink's text is not escaped: {html}");
    assert!(html.contains("Lisez 5*3 &lt;i&gt; "), "{html}");
    assert!(html.contains(" # maintenant!"), "{html}");
    assert!(!html.contains("<em>") && !html.contains("<i>"), "{html}");
}

#[test]
fn a_reexported_translation_shows_the_text_as_typed_and_comes_back_unchanged() {
    let (_, translated, ids, coded) = import_cases();
    for version in [XliffVersion::V21, XliffVersion::V12] {
        let file = translate::export_xliff(&translated, "fr", version).unwrap();
        let read = xliff::read(&file, "fr.xlf").unwrap();
        for (case, id) in CASES.iter().zip(&ids) {
            let unit = read.units.iter().find(|u| u.field_id == *id).unwrap();
            let target = unit.target.as_ref().expect("the translation is exported");
            assert_eq!(
                with_breaks(target),
                case.typed,
                "{version:?}: the translator sees {:?} as typed ({target:?})",
                case.typed
            );
        }
        let unit = read.units.iter().find(|u| u.field_id == coded).unwrap();
        assert_eq!(
            target_text(unit.target.as_ref().unwrap()),
            "Lisez 5*3 <i> this at https://example.org/a_b # maintenant!",
            "{version:?}"
        );
        // The unchanged file imports to the same stored text, still current.
        let (again, _) = translate::import_xliff(&translated, &file, "fr.xlf").unwrap();
        assert_eq!(again.translations, translated.translations, "{version:?}");
        let c = translate::coverage(&again, "fr");
        assert_eq!((c.translated, c.outdated), (CASES.len() + 1, 0), "{version:?}: {c:?}");
    }
}

#[test]
fn a_source_with_escaped_characters_is_shown_without_escapes_and_its_unit_imports() {
    let (mut doc, ids, _) = document();
    fields::walk(&mut doc, |meta, text| {
        if meta.id == ids[0] {
            *text = "Compute 5 \\* 3, write \\<b\\> and \\# 1, AT&amp;T.".into();
        }
    });
    let file = translate::export_xliff(&doc, "fr", XliffVersion::V21).unwrap();
    let source = source_of(&file, &ids[0]);
    assert_eq!(source, "Compute 5 * 3, write &lt;b&gt; and # 1, AT&amp;amp;T.", "no escapes and no codes");
    let file = with_target(&file, &ids[0], "Calculez 5 * 3, écrivez &lt;b&gt; et # 1, AT&amp;amp;T.");
    let (translated, _) = translate::import_xliff(&doc, &file, "fr.xlf").unwrap();
    let text = localised(&translated, &ids[0]);
    assert_eq!(
        markdown::render(&text).trim(),
        "<p>Calculez 5 * 3, écrivez &lt;b&gt; et # 1, AT&amp;amp;T.</p>"
    );
    let field = fields::list(&doc).into_iter().find(|f| f.meta.id == ids[0]).unwrap();
    let stored =
        translate::variant(&translated, "fr").unwrap().texts.iter().find(|t| t.id == ids[0]).cloned();
    assert_eq!(
        translate::status(&field.text, stored.as_ref()),
        FieldStatus::Translated(TranslationState::Translated)
    );
}

// ---------------------------------------------------------------------------------------------
// translate-toolkit's pseudo-translation

// The tool is run as `translate.rs` runs it.
use super::translate::pseudo_translate_with_the_toolkit as pseudo_translate;

#[test]
#[ignore = "needs translate-toolkit (make test installs it)"]
fn sources_with_markdown_characters_round_trip_through_the_toolkits_pseudo_translation() {
    let (mut doc, ids, coded) = document();
    // Sources whose text holds escaped Markdown characters, as an author writes them.
    let sources = [
        "Compute 5 \\* 3 \\* 2.",
        "Write \\<b\\> for bold.",
        "\\# 1 is a heading mark.",
        "1\\. is a list mark.",
    ];
    fields::walk(&mut doc, |meta, text| {
        if let Some(i) = ids.iter().position(|id| *id == meta.id)
            && let Some(s) = sources.get(i)
        {
            *text = (*s).into();
        }
    });
    let dir = tempfile::tempdir().unwrap();
    for version in [XliffVersion::V21, XliffVersion::V12] {
        let out = dir.path().join(format!("{version:?}.xlf"));
        let pseudo = dir.path().join(format!("{version:?}-pseudo.xlf"));
        std::fs::write(&out, translate::export_xliff(&doc, "fr", version).unwrap()).unwrap();
        pseudo_translate(&out, &pseudo, version);
        let text = std::fs::read_to_string(&pseudo).unwrap();
        let (translated, report) =
            translate::import_xliff(&doc, &text, "pseudo.xlf").unwrap_or_else(|e| panic!("{version:?}: {e}"));
        assert_eq!((report.translated, report.untranslated), (report.units, 0), "{version:?}: {report:?}");
        // The pseudo-translated texts keep their Markdown characters literal.
        let shown = [("5 * 3 * 2", "<em>"), ("&lt;b&gt;", "<b>"), ("# 1", "<h1>"), ("1. ", "<ol>")];
        for ((needle, tag), id) in shown.iter().zip(&ids) {
            let html = markdown::render(&localised(&translated, id));
            assert!(html.contains(needle) && !html.contains(tag), "{version:?}: {html}");
        }
        let html = markdown::render(&localised(&translated, &coded));
        assert!(html.contains("<strong>") && html.contains("<a href=\"https://example.org/a_b\""), "{html}");
    }
}

/// A target made of one text.
fn typed(text: &str) -> Vec<TargetPiece> {
    vec![TargetPiece::Text(text.to_owned())]
}

/// Text lines of rendered HTML or of typed text: tags dropped, entities decoded, lines trimmed,
/// blank lines left out (Markdown trims lines and separates paragraphs by blank lines).
fn lines(text: &str, html: bool) -> Vec<String> {
    let text = if html {
        let mut out = String::new();
        let mut in_tag = false;
        for c in text.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
    } else {
        text.to_owned()
    };
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

#[test]
fn any_text_of_markdown_characters_renders_exactly_as_typed() {
    // Texts drawn from the characters that mean something in Markdown, with letters, digits,
    // single spaces and line breaks between them (deterministic).
    const ALPHABET: &[&str] = &[
        "*", "_", "~", "`", "[", "]", "(", ")", "<", ">", "&", "\\", "!", "|", "#", "=", ":", "+", "-", ".",
        "1", "a", "b", "x", ";", "/", "^", "amp", "#32", " ", " ", "\n", "http://", "www.",
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut random = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % n as u64).unwrap()
    };
    // Where the text goes: alone, after a list marker, heading or quote code, inside emphasis,
    // strong emphasis or a link's text, and after a link (each code as the source cut it).
    let contexts: Vec<(&str, Vec<TargetPiece>)> = vec![
        ("", vec![]),
        ("- ", vec![TargetPiece::Ph(1)]),
        ("## ", vec![TargetPiece::Ph(1)]),
        ("> ", vec![TargetPiece::Ph(1)]),
        ("*", vec![TargetPiece::Pair(1, vec![])]),
        ("**", vec![TargetPiece::Pair(1, vec![])]),
        ("[", vec![TargetPiece::Pair(1, vec![])]),
        ("[", vec![TargetPiece::Text("x".into()), TargetPiece::Pair(1, vec![TargetPiece::Text("y".into())])]),
    ];
    type Codes = std::collections::HashMap<u32, (bool, String, String)>;
    let code = |open: &str| -> Codes {
        match open {
            "" => Codes::new(),
            "- " | "## " | "> " => [(1, (false, open.to_owned(), String::new()))].into(),
            "[" => [(1, (true, "[".to_owned(), "](https://example.org)".to_owned()))].into(),
            _ => [(1, (true, open.to_owned(), open.to_owned()))].into(),
        }
    };
    // The tags of rendered HTML but paragraphs' (a blank line typed makes one), sorted.
    let tags_of = |html: &str| -> Vec<String> {
        let mut tags: Vec<String> = html
            .match_indices('<')
            .map(|(i, _)| html[i..].split(['>', ' ']).next().unwrap_or("").to_owned())
            .filter(|t| t != "<p" && t != "</p")
            .collect();
        tags.sort();
        tags
    };
    for _ in 0..20_000 {
        let len = 1 + random(12);
        let mut text = String::new();
        for _ in 0..len {
            let piece = ALPHABET[random(ALPHABET.len())];
            if piece == " " && (text.ends_with(' ') || text.ends_with('\n') || text.is_empty()) {
                continue;
            }
            text.push_str(piece);
        }
        if text.trim().is_empty() {
            continue;
        }
        let stored = inline::rebuild_literal(&typed(&text), &code(""), &[]).unwrap();
        let html = markdown::render(&stored);
        assert_eq!(
            tags_of(&html),
            Vec::<String>::new(),
            "{text:?} stored as {stored:?} renders markup: {html:?}"
        );
        assert_eq!(
            lines(&html, true),
            lines(&text, false),
            "{text:?} stored as {stored:?} renders as {html:?}"
        );
        // Shown to the translator again, it reads as typed.
        assert_eq!(inline::unescape(&stored), text, "{text:?} stored as {stored:?}");
        // The same text on one line in a context: the context's markup and nothing else. (A
        // line break or a space at the edge of an emphasis changes the markup without any
        // Markdown character: that is the translator's to keep.)
        let text = text.replace('\n', " ");
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let (open, shape) = &contexts[random(contexts.len())];
        let place = |text: &str| -> Vec<TargetPiece> {
            let mut pieces = shape.clone();
            match pieces.last_mut() {
                Some(TargetPiece::Pair(_, inner)) if *open != "[" || shape.len() == 1 => {
                    inner.push(TargetPiece::Text(text.to_owned()))
                }
                _ => pieces.push(TargetPiece::Text(text.to_owned())),
            }
            pieces
        };
        let harmless = markdown::render(&inline::rebuild_literal(&place("a"), &code(open), &[]).unwrap());
        let placed = inline::rebuild_literal(&place(text), &code(open), &[]).unwrap();
        let html = markdown::render(&placed);
        assert_eq!(
            tags_of(&html),
            tags_of(&harmless),
            "{open:?} {text:?} stored as {placed:?} renders as {html:?}"
        );
    }
}

#[test]
fn a_pipe_typed_in_a_table_cell_stays_in_its_cell() {
    let source = "| Term | Meaning |\n|---|---|\n| mean | average |\n";
    let pieces = inline::split(source, true);
    let codes = inline::codes(&pieces);
    let required: Vec<u32> = codes.keys().copied().collect();
    let target: Vec<TargetPiece> = pieces
        .iter()
        .map(|p| match p {
            inline::Piece::Text(t) if t == "mean" => TargetPiece::Text("P(A | B)".into()),
            inline::Piece::Text(t) => TargetPiece::Text(t.clone()),
            inline::Piece::Ph { id, .. } => TargetPiece::Ph(*id),
            inline::Piece::Pair { .. } => panic!("no pair in {pieces:?}"),
        })
        .collect();
    let stored = inline::rebuild_literal(&target, &codes, &required).unwrap();
    let html = markdown::render(&stored);
    assert!(html.contains("<td>P(A | B)</td><td>average</td>"), "{stored:?} renders as {html:?}");
    // Outside a table the same text is stored as typed.
    let plain = inline::rebuild_literal(&typed("P(A | B)"), &Default::default(), &[]).unwrap();
    assert_eq!(plain, "P(A | B)");
}

#[test]
fn every_markdown_text_of_the_examples_is_stored_unchanged_when_it_comes_back_unchanged() {
    fn target(pieces: &[inline::Piece]) -> Vec<TargetPiece> {
        pieces
            .iter()
            .map(|p| match p {
                inline::Piece::Text(t) => TargetPiece::Text(t.clone()),
                inline::Piece::Ph { id, .. } => TargetPiece::Ph(*id),
                inline::Piece::Pair { id, inner, .. } => TargetPiece::Pair(*id, target(inner)),
            })
            .collect()
    }
    for name in ["intro-statistics.json", "nursing-pharmacology.json"] {
        let doc: Document = trellis::json::read(&root().join("examples").join(name)).unwrap();
        for f in fields::list(&doc).into_iter().filter(|f| f.meta.markdown) {
            let pieces = inline::split(&f.text, true);
            let codes = inline::codes(&pieces);
            let required: Vec<u32> = codes.keys().copied().collect();
            let back = inline::rebuild_literal(&target(&inline::shown(&pieces)), &codes, &required).unwrap();
            assert_eq!(back, f.text, "{name} {}", f.meta.id);
        }
    }
}

#[test]
fn a_backslash_escape_in_a_source_belongs_to_its_text_not_to_a_code() {
    for source in ["Escaped \\* star", "*\\*starred*", "[a \\] bracket](https://example.org)", "1\\. item"] {
        let pieces = inline::split(source, true);
        assert_eq!(inline::join(&pieces), source, "{pieces:?}");
        fn has_backslash_code(pieces: &[inline::Piece]) -> bool {
            pieces.iter().any(|p| match p {
                inline::Piece::Ph { data, .. } => data.contains('\\'),
                inline::Piece::Pair { open, inner, .. } => open.contains('\\') || has_backslash_code(inner),
                inline::Piece::Text(_) => false,
            })
        }
        assert!(!has_backslash_code(&pieces), "{source}: {pieces:?}");
        assert!(!inline::plain_text(&inline::shown(&pieces)).contains('\\'), "{source}: {pieces:?}");
    }
}
