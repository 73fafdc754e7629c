//! The one list of learner-facing fields: which text of a document a translation replaces.
//!
//! Every translatable field has a *field id* `<kind>/<entity uuid>/<path>`: the entity that owns
//! it (`curriculum`, `node`, `objective`, `activity`, `assessment`, `quizItem`, `rubric`,
//! `asset`) and the field inside it (`title`, `choice/<choice uuid>/feedback`,
//! `criterion/<uuid>/descriptor/<level uuid>`, `answer/<n>`, …). Ids are stable across edits
//! because they are built from the entities' own ids (list positions only for resources and
//! accepted short answers, which have no id). The XLIFF export, the import, the `--lang`
//! exports and the app all walk this list ([`walk`]), so they never disagree on what is
//! translatable.
//!
//! Not translated: codes, framework and standard texts (they belong to their publisher),
//! review comments and notes, asset file names, template field keys, URLs.

use crate::model::{BloomLevel, Document, ItemBody};

/// Titles longer than this are cut by learning management systems (Canvas: 255).
pub const TITLE_MAX_CHARS: usize = 250;

/// What a translator needs to know about one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldMeta {
    /// The field id.
    pub id: String,
    /// Where the text appears, in words (`objective 1.2 statement (in "Week 1")`).
    pub place: String,
    /// Whether the field is Markdown (then its markup becomes inline codes).
    pub markdown: bool,
    /// The Bloom level of the objective or quiz item the text belongs to, if set.
    pub level: Option<BloomLevel>,
    /// Longest translation that fits, in characters, if there is a limit.
    pub max_chars: Option<usize>,
}

/// One translatable field with its current (source) text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Id, place and kind of content.
    pub meta: FieldMeta,
    /// The source text.
    pub text: String,
}

/// Every non-empty translatable field of `doc` in document order.
pub fn list(doc: &Document) -> Vec<Field> {
    let mut copy = text_view(doc);
    let mut out = Vec::new();
    walk(&mut copy, |meta, text| {
        if !text.trim().is_empty() {
            out.push(Field { meta, text: text.clone() });
        }
    });
    out
}

/// A copy of the parts of `doc` that hold translatable text (asset data, snapshots, comments and
/// frameworks left out), so listing fields does not copy files.
fn text_view(doc: &Document) -> Document {
    let mut view = Document::new("");
    view.curriculum = doc.curriculum.clone();
    view.nodes = doc.nodes.clone();
    view.objectives = doc.objectives.clone();
    view.activities = doc.activities.clone();
    view.assessments = doc.assessments.clone();
    view.rubrics = doc.rubrics.clone();
    view.assets = doc.assets.iter().map(|a| crate::model::Asset { data: Vec::new(), ..a.clone() }).collect();
    view
}

fn plain(id: String, place: String) -> FieldMeta {
    FieldMeta { id, place, markdown: false, level: None, max_chars: None }
}

fn title(id: String, place: String) -> FieldMeta {
    FieldMeta { max_chars: Some(TITLE_MAX_CHARS), ..plain(id, place) }
}

fn md(id: String, place: String) -> FieldMeta {
    FieldMeta { markdown: true, ..plain(id, place) }
}

fn leveled(meta: FieldMeta, level: Option<BloomLevel>) -> FieldMeta {
    FieldMeta { level, ..meta }
}

/// Calls `f` with every translatable field of `doc` (empty ones included), in document order.
pub fn walk(doc: &mut Document, mut f: impl FnMut(FieldMeta, &mut String)) {
    let c = &mut doc.curriculum;
    let cid = c.id;
    f(title(format!("curriculum/{cid}/title"), "curriculum title".into()), &mut c.title);
    f(md(format!("curriculum/{cid}/description"), "curriculum description".into()), &mut c.description);
    f(plain(format!("curriculum/{cid}/audience"), "curriculum audience".into()), &mut c.audience);

    for n in &mut doc.nodes {
        let (id, what) = (n.id, format!("{} {}", n.kind, label(&n.code)));
        f(title(format!("node/{id}/title"), format!("{what}title")), &mut n.title);
        f(md(format!("node/{id}/summary"), format!("{what}summary")), &mut n.summary);
        for (key, value) in &mut n.fields {
            if let serde_json::Value::String(s) = value
                && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                f(md(format!("node/{id}/field/{key}"), format!("{what}field \"{key}\"")), s);
            }
        }
    }
    for o in &mut doc.objectives {
        let (id, what) = (o.id, format!("objective {}", label(&o.code)));
        f(
            leveled(plain(format!("objective/{id}/statement"), format!("{what}statement")), o.level),
            &mut o.statement,
        );
    }
    for a in &mut doc.activities {
        let id = a.id;
        f(title(format!("activity/{id}/title"), "activity title".into()), &mut a.title);
        f(
            md(format!("activity/{id}/instructions"), format!("instructions of activity \"{}\"", a.title)),
            &mut a.instructions,
        );
        for (i, r) in a.resources.iter_mut().enumerate() {
            f(
                title(format!("activity/{id}/resource/{i}/title"), format!("resource {} title", i + 1)),
                &mut r.title,
            );
        }
    }
    for a in &mut doc.assessments {
        let id = a.id;
        f(title(format!("assessment/{id}/title"), "assessment title".into()), &mut a.title);
        let what = format!("assessment \"{}\"", a.title);
        f(
            md(format!("assessment/{id}/instructions"), format!("instructions of {what}")),
            &mut a.instructions,
        );
        if let Some(g) = &mut a.grasps {
            for (name, text) in [
                ("goal", &mut g.goal),
                ("role", &mut g.role),
                ("audience", &mut g.audience),
                ("situation", &mut g.situation),
                ("product", &mut g.product),
                ("standards", &mut g.standards),
            ] {
                f(md(format!("assessment/{id}/grasps/{name}"), format!("GRASPS {name} of {what}")), text);
            }
        }
        for (n, item) in a.items.iter_mut().enumerate() {
            let (iid, level) = (item.id, item.level);
            let what = format!("question {} of {what}", n + 1);
            let lv = |m: FieldMeta| leveled(m, level);
            f(lv(md(format!("quizItem/{iid}/stem"), format!("{what}: stem"))), &mut item.stem);
            f(
                lv(md(
                    format!("quizItem/{iid}/feedbackCorrect"),
                    format!("{what}: feedback on a right answer"),
                )),
                &mut item.feedback_correct,
            );
            f(
                lv(md(
                    format!("quizItem/{iid}/feedbackIncorrect"),
                    format!("{what}: feedback on a wrong answer"),
                )),
                &mut item.feedback_incorrect,
            );
            match &mut item.body {
                ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } => {
                    for (k, c) in choices.iter_mut().enumerate() {
                        let cid = c.id;
                        let right = if c.correct { "right" } else { "wrong" };
                        f(
                            lv(md(
                                format!("quizItem/{iid}/choice/{cid}/text"),
                                format!("{what}: choice {} ({right})", k + 1),
                            )),
                            &mut c.text,
                        );
                        f(
                            lv(md(
                                format!("quizItem/{iid}/choice/{cid}/feedback"),
                                format!("{what}: feedback on choice {}", k + 1),
                            )),
                            &mut c.feedback,
                        );
                    }
                }
                ItemBody::ShortAnswer { answers, .. } => {
                    for (k, s) in answers.iter_mut().enumerate() {
                        f(
                            lv(plain(
                                format!("quizItem/{iid}/answer/{k}"),
                                format!(
                                    "{what}: accepted answer {} (compared with what learners type)",
                                    k + 1
                                ),
                            )),
                            s,
                        );
                    }
                }
                ItemBody::Essay { guidance } => {
                    f(
                        lv(md(format!("quizItem/{iid}/guidance"), format!("{what}: essay guidance"))),
                        guidance,
                    );
                }
                ItemBody::Matching { pairs } => {
                    for (k, p) in pairs.iter_mut().enumerate() {
                        let pid = p.id;
                        f(
                            lv(plain(
                                format!("quizItem/{iid}/pair/{pid}/prompt"),
                                format!("{what}: matching prompt {}", k + 1),
                            )),
                            &mut p.prompt,
                        );
                        f(
                            lv(plain(
                                format!("quizItem/{iid}/pair/{pid}/answer"),
                                format!("{what}: matching answer {}", k + 1),
                            )),
                            &mut p.answer,
                        );
                    }
                }
                ItemBody::TrueFalse { .. } | ItemBody::Numeric { .. } => {}
            }
        }
    }
    for r in &mut doc.rubrics {
        let id = r.id;
        f(title(format!("rubric/{id}/title"), "rubric title".into()), &mut r.title);
        let what = format!("rubric \"{}\"", r.title);
        f(md(format!("rubric/{id}/description"), format!("description of {what}")), &mut r.description);
        for l in &mut r.levels {
            f(
                title(format!("rubric/{id}/level/{}/label", l.id), format!("performance level of {what}")),
                &mut l.label,
            );
        }
        let labels: std::collections::HashMap<_, _> =
            r.levels.iter().map(|l| (l.id, l.label.clone())).collect();
        for c in &mut r.criteria {
            let cid = c.id;
            f(
                title(format!("rubric/{id}/criterion/{cid}/title"), format!("criterion of {what}")),
                &mut c.title,
            );
            let cw = format!("criterion \"{}\" of {what}", c.title);
            f(
                md(format!("rubric/{id}/criterion/{cid}/description"), format!("description of {cw}")),
                &mut c.description,
            );
            for d in &mut c.descriptors {
                let level = labels.get(&d.level).cloned().unwrap_or_default();
                f(
                    md(
                        format!("rubric/{id}/criterion/{cid}/descriptor/{}", d.level),
                        format!("{cw} at level \"{level}\""),
                    ),
                    &mut d.text,
                );
            }
        }
    }
    for a in &mut doc.assets {
        f(
            plain(format!("asset/{}/alt", a.id), format!("alternative text of image \"{}\"", a.name)),
            &mut a.alt,
        );
    }
}

/// `"1.2 "` for a code, empty without one.
fn label(code: &str) -> String {
    if code.trim().is_empty() { String::new() } else { format!("{} ", code.trim()) }
}
