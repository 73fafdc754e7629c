//! The accessibility check (`trellis::analysis::accessibility::check`) gives exactly the findings
//! recorded in `tests/data/accessibility-findings.json` — same codes, messages, targets, hints and
//! order — on both examples, the fixture with every item type, a generated curriculum (the
//! generator the benchmark uses, at a small scale), and that generated curriculum with every
//! learner-facing field replaced by one of many tricky Markdown/HTML texts (every rule, near
//! misses, nesting, raw-text elements, code spans, references, stored images). The snapshot was
//! taken before the check was made faster, so any change of a finding shows up here.
//!
//! Run with `SNAPSHOTS=overwrite` to record a new snapshot after an intended change of a
//! finding, and review the difference.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use trellis::Finding;
use trellis::analysis::accessibility;
use trellis::generate::{Scale, large};
use trellis::model::*;

use super::support::root;

/// Texts that exercise every rule, the near misses each rule must stay quiet on, and markup
/// that is easy to misread.
const TEXTS: &[&str] = &[
    "plain text",
    "",
    "Look at the chart first.\n\n![](chart.png)\n",
    "Read the diagram: ![diagram.png](assets/diagram.png)",
    "![Histogram of scores](assets/diagram.png) and ![](asset:diagram.png) and ![](asset:described.png)",
    "![IMG_1234](photos/p.jpg) ![histogram](figs/histogram.png) ![a histogram](figs/histogram.png)",
    "<img src=\"assets/My%20Pic.png\" alt=\"\"> <img src='assets/described.png'> <IMG SRC=x.gif ALT=x.gif>",
    "## Background\n\nSome text.\n\n#### Details\n\nMore text.\n",
    "# T\n\n### U\n\n## V\n\n###### W",
    "Setext\n===\n\n### skipped",
    "<h1>a</h1><h3>b</h3><h2>c</h2>",
    "text\n  ## Sub\n\n#### Deeper",
    "C# and F# and #hashtag",
    "#not a heading\n\n#\tTab heading",
    "<table><tr><td>Trial</td><td>Time</td></tr><tr><td>1</td><td></td></tr></table>",
    "<table><tr><th>Trial</th></tr><tr><td>1</td></tr></table> <table><tr><td>x</td></tr>",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "| a |\n|---|\n| <td>x</td> |\n\n<table><table><th>h</th></table></table>",
    "Read the rules first: [click here](https://example.org/rules).",
    "[Census Bureau population tables](https://census.gov) and [more](https://e.org) and [](https://empty)",
    "<https://example.org> and [https://example.org](https://example.org) and [www.x.org](http://x)",
    "[link][r]\n\n[r]: https://e.org\n\n[Here][]\n\n[here]: https://h.org",
    "[![](img.png)](https://x.org) [![Logo of the census](logo.png)](https://census.gov)",
    "[outer [inner](https://a) text](https://b) <a href=x>click <b>here</b></a>",
    "see [1] and [x] and ]( alone",
    "text <a href='https://x'>more</a> and `code [x](y)` and ``<img src=z>``",
    "```\n<img src=x>\n[here](y)\n# h\n```\n\n    <img src=a.png>\n    ## indented",
    "<video src=x.mp4></video>",
    "<video src=x.mp4><track kind=captions src=c.vtt></video> <audio src=a.mp3><track src=s.vtt></audio>",
    "<video src=a.mp4></video> [Transcript of the lecture](t.html)",
    "<audio src=a.mp3></audio> <a href=\"files/transcript.html\">here</a>",
    "<video><audio></audio><track kind=captions></video> <track kind=descriptions><video></video>",
    "<span style=\"color:#777\">grey</span> and <span style=\"color:#767676\">ok</span>",
    "<p style='color: yellow; background: white'>x</p> <p style=\"background:#000 url(x.png)\">dark</p>",
    "<b style=\"font-size:19px;color:#888\">big bold</b> <span style=\"font-size:24px;color:#888\">big</span>",
    "<font color=silver>x</font> <font color=\"#ABC\">y</font> <font color=hsl(0,0%,50%)>z</font>",
    "<div bgcolor=#ff0><small>tiny</small></div> <td bgcolor=navy>dark cell</td>",
    "<span style='color:#fff'><span style='background-color:#000'>ok</span></span><span style='color:#fff'>bad</span>",
    "<span style=\"color: rgb(200,200,200)\">x</span> <span style=\"color: rgba(10%, 10%, 10%, 0.5)\">y</span>",
    "<span style=\"COLOR: Yellow !important\">x</span> <em style='font-weight:700;font-size:1.2em;color:#999'>y</em>",
    "<h2 style=\"color:#aaa\">heading</h2><h1 style=\"color:#999\">big</h1>",
    "<span lang=\"english\">x</span> <span lang=\"\">y</span> <p lang=fr-CA>bonjour</p> <p xml:lang=x_y>z</p>",
    "<script>alert('<a href=x>here</a>')</script> <style>p{color:#eee}</style> <template><img src=t.png></template>",
    "<unclosed <a href=x>click",
    "**bold** _em_ [good link text](https://e.org/census) ~~struck~~",
    "![alt *emph* `code`](x.png) ![outer ![inner](a.png)](b.png)",
    "&lt;b&gt; entity &amp; <b>real</b> &#60;i&#62;",
    "- item one\n- [here](https://a)\n\n1. first\n2. ![](b.png)",
    "> quote with [click](https://q)\n>\n> ## quoted heading\n>\n> #### skipped",
    "Line<br>break <hr> <!-- comment <img src=c.png> --> <?pi?> <![CDATA[x]]>",
    "Markdown with **bold**, _emphasis_ and a [link](https://example.org).",
    "Which is the red one?",
    "Pick the option above. The statement on the left is true.",
    "Values shown in green are outliers; choose the highlighted word.",
    "Inject into the deltoid on the right arm. What is the right answer? Which values lie above the median?",
    "Use the left column and the right-hand boxes.",
    "The GREEN bars and the Shaded Boxes.",
    "<span style=\"color:red\">Which is the red one?</span>",
    "Unicode: Ελληνικά, 日本語, emoji 📊 [ссылка](https://ru) <span lang=\"zh-Hant-TW\">中文</span>",
    "<a href=\"https://e.org\"><img src=\"assets/diagram.png\"></a> <a>   </a>",
    "Footnote[^1].\n\n[^1]: See [here](https://f).",
];

/// Resource titles (with a URL, and without).
const TITLES: &[&str] = &[
    "Census tables",
    "link",
    "",
    "https://example.org/data",
    "  Click here  ",
    "www.x.org",
    "The 2020 data",
];

/// Cycles through `TEXTS`, so every text lands in fields of every kind.
struct Texts(usize);

impl Texts {
    fn next(&mut self) -> String {
        self.0 += 1;
        TEXTS[self.0 % TEXTS.len()].to_owned()
    }
}

/// `doc` with every field the check reads replaced by one of [`TEXTS`], plus stored images with
/// and without alternative text, GRASPS on every second assessment and timed exams.
fn hostile(mut doc: Document) -> Document {
    let mut t = Texts(0);
    doc.curriculum.description = t.next();
    doc.curriculum.language = "english".into();
    for n in &mut doc.nodes {
        n.summary = t.next();
    }
    for (i, a) in doc.activities.iter_mut().enumerate() {
        a.instructions = t.next();
        a.resources = (0..i % 3)
            .map(|k| Resource {
                title: TITLES[(i + k) % TITLES.len()].into(),
                url: (k % 2 == 0).then(|| "https://example.org".into()),
                asset: None,
            })
            .collect();
    }
    for (i, a) in doc.assessments.iter_mut().enumerate() {
        a.instructions = t.next();
        a.grasps = (i % 2 == 0).then(|| Grasps {
            goal: t.next(),
            role: t.next(),
            audience: t.next(),
            situation: t.next(),
            product: t.next(),
            standards: t.next(),
        });
        if i % 5 == 0 {
            a.format = AssessmentFormat::Exam;
            a.duration_minutes = Some(60);
        }
        for item in &mut a.items {
            item.stem = t.next();
            item.feedback_correct = t.next();
            item.feedback_incorrect = t.next();
            match &mut item.body {
                ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } => {
                    for c in choices {
                        c.text = t.next();
                        c.feedback = t.next();
                    }
                }
                ItemBody::Matching { pairs } => {
                    for p in pairs {
                        p.prompt = t.next();
                        p.answer = t.next();
                    }
                }
                _ => {}
            }
        }
    }
    for r in &mut doc.rubrics {
        r.description = t.next();
        for c in &mut r.criteria {
            c.title = t.next();
            c.description = t.next();
            for d in &mut c.descriptors {
                d.text = t.next();
            }
        }
    }
    let asset = |n: u128, name: &str, media: &str, alt: &str| {
        let mut a = Asset::new(name, media, vec![1, 2, 3]);
        a.id = AssetId::from(uuid::Uuid::from_u128(n));
        a.alt = alt.into();
        a
    };
    doc.assets = vec![
        asset(1, "diagram.png", "image/png", ""),
        asset(2, "described.png", "image/png", "A described image"),
        asset(3, "My Pic.png", "image/png", "IMG_0001"),
        asset(4, "photo.jpg", "image/jpeg", "photo.jpg"),
        asset(5, "notes.pdf", "application/pdf", "notes.pdf"),
    ];
    doc
}

fn example(name: &str) -> Document {
    trellis::json::read(&root().join(name)).unwrap()
}

/// The documents of the snapshot, by name.
fn documents() -> Vec<(&'static str, Document)> {
    let generated = large(Scale { courses: 3, units: 4, lessons: 4 });
    let smaller = large(Scale { courses: 2, units: 2, lessons: 2 });
    vec![
        ("intro-statistics", example("examples/intro-statistics.json")),
        ("nursing-pharmacology", example("examples/nursing-pharmacology.json")),
        ("every-item-type", example("tests/runtime/fixtures/scorm-sample.json")),
        ("generated", generated),
        ("generated-hostile", hostile(smaller)),
    ]
}

/// One line per finding, so a difference shows as a line.
fn render(findings: &[(&str, Vec<Finding>)]) -> String {
    let mut out = String::from("{\n");
    for (i, (name, list)) in findings.iter().enumerate() {
        out.push_str(&format!("{}: [\n", serde_json::to_string(name).unwrap()));
        for (k, f) in list.iter().enumerate() {
            let comma = if k + 1 < list.len() { "," } else { "" };
            out.push_str(&format!("  {}{comma}\n", serde_json::to_string(f).unwrap()));
        }
        out.push_str(if i + 1 < findings.len() { "],\n" } else { "]\n" });
    }
    out.push_str("}\n");
    out
}

#[test]
fn findings_match_the_recorded_snapshot_finding_for_finding() {
    let docs = documents();
    let findings: Vec<(&str, Vec<Finding>)> =
        docs.iter().map(|(name, doc)| (*name, accessibility::check(doc))).collect();
    for (name, list) in &findings[3..] {
        assert!(!list.is_empty(), "{name}: the snapshot should hold findings");
    }
    let hostile = &findings.last().unwrap().1;
    for rule in accessibility::RULES {
        assert!(hostile.iter().any(|f| f.code == rule.code), "the hostile texts trigger {}", rule.code);
    }
    let actual = render(&findings);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/accessibility-findings.json");
    if std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite") {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with SNAPSHOTS=overwrite and review", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b);
        let at = line.unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{}: the findings differ from line {}:\nexpected: {}\nactual:   {}\n(counts: {} vs {} lines)",
            path.display(),
            at + 1,
            expected.lines().nth(at).unwrap_or("<end>"),
            actual.lines().nth(at).unwrap_or("<end>"),
            expected.lines().count(),
            actual.lines().count()
        );
    }
}
