//! Templates as data: each `templates/*.toml` file declares the outline levels a design uses
//! and their labels, the fields of each node kind ([`FieldSpec`]), the objective kinds it
//! names (UbD's transfer goals, understandings, …), activity tag sets (Gagné events, 5E
//! phases, WHERETO), a starting skeleton, and its own checks.
//!
//! The built-in templates are embedded in the binary; a user folder (see [`user_dir`]) can add
//! templates or override built-ins by id. A malformed user template yields an error naming the
//! file and line and is skipped; it never stops the caller.
//!
//! This module owns parsing, validating and instantiating templates, and the one lookup of a
//! template by id: the [`Catalog`] (built-in plus user templates). Every caller that needs a
//! document's template (the analysis, the objective lint, the checklist, `trellis new`, the
//! desktop gallery) resolves it through a catalog. Evaluating a template's `[[checks]]` on a
//! document is the analysis's job (`crate::analysis::template_checks`).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::fields::FieldSpec;
use crate::finding::Severity;
use crate::model::{
    Activity, ActivityId, ActivityKind, Assessment, AssessmentFormat, AssessmentId, AssessmentPurpose,
    Document, Grouping, Node, NodeId, ReviewStatus,
};
use crate::{Error, Result};

/// Built-in template files, embedded at compile time.
const BUILTIN: &[(&str, &str)] = &[
    ("templates/bloom-course-map.toml", include_str!("../../templates/bloom-course-map.toml")),
    ("templates/backward-design-unit.toml", include_str!("../../templates/backward-design-unit.toml")),
    ("templates/gagne-lesson.toml", include_str!("../../templates/gagne-lesson.toml")),
    ("templates/5e-lesson.toml", include_str!("../../templates/5e-lesson.toml")),
    ("templates/competency-module.toml", include_str!("../../templates/competency-module.toml")),
    ("templates/backward-design.toml", include_str!("../../templates/backward-design.toml")),
    ("templates/competency-based.toml", include_str!("../../templates/competency-based.toml")),
];

/// A pedagogical template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Template {
    /// Stable id (`backward-design-unit`); stored in `Curriculum::template`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the template is for.
    #[serde(default)]
    pub description: String,
    /// Outline levels from the top down.
    pub levels: Vec<OutlineLevel>,
    /// Fields per node kind.
    #[serde(default)]
    pub fields: BTreeMap<String, Vec<FieldSpec>>,
    /// Kinds of objectives the template names, recognised by code prefix.
    #[serde(default)]
    pub objective_kinds: Vec<ObjectiveKind>,
    /// Activity tag sets (instructional events).
    #[serde(default)]
    pub tag_sets: Vec<TagSet>,
    /// The outline a new document starts with.
    #[serde(default)]
    pub skeleton: Vec<SkeletonNode>,
    /// The template's own checks.
    #[serde(default)]
    pub checks: Vec<TemplateCheck>,
    /// Where the template came from (`builtin` or the file path); set when loading, whatever
    /// the file says.
    #[serde(default)]
    pub source: String,
}

/// One outline level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutlineLevel {
    /// Node kind (`unit`).
    pub kind: String,
    /// Singular label (`Unit`).
    pub label: String,
    /// Plural label (`Units`).
    pub plural: String,
    /// Kinds allowed as children.
    #[serde(default)]
    pub children: Vec<String>,
    /// What a node of this kind is for.
    #[serde(default)]
    pub help: String,
}

/// A kind of objective recognised by its code prefix (UbD `T1` = transfer goal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectiveKind {
    /// Code prefix (`T`).
    pub prefix: String,
    /// Label (`Transfer goal`).
    pub label: String,
    /// How to write one.
    #[serde(default)]
    pub help: String,
    /// Sentence opener offered to the designer.
    #[serde(default)]
    pub stem: String,
    /// Whether the measurable-verb lint applies (UbD understandings use "understand that").
    #[serde(default = "yes")]
    pub measurable: bool,
}

fn yes() -> bool {
    true
}

/// A set of tags for activities (one tag per activity, stored in `Activity::event`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagSet {
    /// Id (`gagne`).
    pub id: String,
    /// Label (`Gagné event`).
    pub label: String,
    /// Whether the tags describe a sequence.
    #[serde(default)]
    pub ordered: bool,
    /// The tags, in order.
    pub tags: Vec<Tag>,
}

/// One tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tag {
    /// Stored value (`gain-attention`).
    pub id: String,
    /// Label.
    pub label: String,
    /// What belongs here.
    #[serde(default)]
    pub help: String,
}

/// A node of the starting outline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SkeletonNode {
    /// Node kind.
    pub kind: String,
    /// Title; `{title}` is replaced by the document title.
    pub title: String,
    /// Code.
    #[serde(default)]
    pub code: String,
    /// Duration in minutes.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// Placeholder activities.
    #[serde(default)]
    pub activities: Vec<SkeletonActivity>,
    /// Placeholder assessments.
    #[serde(default)]
    pub assessments: Vec<SkeletonAssessment>,
    /// Child nodes.
    #[serde(default)]
    pub children: Vec<SkeletonNode>,
}

/// A placeholder activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SkeletonActivity {
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: ActivityKind,
    /// Tag from one of the template's tag sets.
    #[serde(default)]
    pub event: Option<String>,
    /// Duration in minutes.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
}

/// A placeholder assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SkeletonAssessment {
    /// Title.
    pub title: String,
    /// Format.
    pub format: AssessmentFormat,
    /// Purpose.
    pub purpose: AssessmentPurpose,
}

/// A check declared by a template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateCheck {
    /// Stable finding code.
    pub code: String,
    /// Severity of its findings.
    pub severity: Severity,
    /// Message; `{node}`, `{objective}`, `{assessment}`, `{activity}`, `{tag}`, `{field}`,
    /// `{count}` are filled in.
    pub message: String,
    /// How to fix it.
    #[serde(default)]
    pub hint: String,
    /// What is checked.
    pub rule: CheckRule,
}

/// The checks a template can declare.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
// Unknown keys in a rule are reported by `unknown_rule_keys` (serde's `deny_unknown_fields`
// on an internally tagged enum is not understood by ts-rs).
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum CheckRule {
    /// Every node of `node_kind` has a value in `field`.
    RequiredField {
        /// Node kind.
        node_kind: String,
        /// Field name.
        field: String,
    },
    /// Every node of `node_kind` has at least `min` objectives (with `code_prefix`, if given).
    MinObjectives {
        /// Node kind.
        node_kind: String,
        /// Minimum.
        min: usize,
        /// Only objectives whose code starts with this.
        #[serde(default)]
        code_prefix: Option<String>,
    },
    /// No node of `node_kind` has more than `max` objectives.
    MaxObjectives {
        /// Node kind.
        node_kind: String,
        /// Maximum.
        max: usize,
    },
    /// Every objective (of nodes of `node_kind`, if given) has a level.
    ObjectiveLevelSet {
        /// Node kind.
        #[serde(default)]
        node_kind: Option<String>,
    },
    /// Every objective matching the filter is linked to an assessment (of `format`, if given),
    /// directly or through a quiz item.
    ObjectivesAssessed {
        /// Only objectives whose code starts with this.
        #[serde(default)]
        code_prefix: Option<String>,
        /// Only objectives of nodes of this kind.
        #[serde(default)]
        node_kind: Option<String>,
        /// Only assessments of this format count.
        #[serde(default)]
        format: Option<AssessmentFormat>,
    },
    /// Every node of `node_kind` has activities covering every tag of `tag_set`.
    AllTagsUsed {
        /// Node kind.
        node_kind: String,
        /// Tag set id.
        tag_set: String,
    },
    /// The tagged activities of every node of `node_kind` follow the tag order.
    TagsInOrder {
        /// Node kind.
        node_kind: String,
        /// Tag set id.
        tag_set: String,
    },
    /// Every activity of nodes of `node_kind` carries a tag from `tag_set`.
    ActivitiesTagged {
        /// Node kind.
        node_kind: String,
        /// Tag set id.
        tag_set: String,
    },
    /// Every node of `node_kind` has at least `min` assessments (of `format` / `purpose`).
    MinAssessments {
        /// Node kind.
        node_kind: String,
        /// Minimum.
        min: usize,
        /// Only this format counts.
        #[serde(default)]
        format: Option<AssessmentFormat>,
        /// Only this purpose counts.
        #[serde(default)]
        purpose: Option<AssessmentPurpose>,
    },
    /// Every assessment of `format` has a rubric.
    AssessmentsHaveRubric {
        /// Format.
        format: AssessmentFormat,
    },
    /// Every performance task states all six GRASPS parts.
    GraspsComplete {},
    /// Every assessment in nodes of `node_kind` (all, if not given) states a mastery threshold.
    MasteryThreshold {
        /// Node kind.
        #[serde(default)]
        node_kind: Option<String>,
    },
}

/// Templates available to a user, with the problems found while loading them: the one place a
/// template is looked up by id. Built with [`Catalog::load`] or [`Catalog::builtin`] (there is no
/// empty default, which would silently drop the built-in templates).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    /// Templates by id (user templates override built-ins with the same id), sorted by name.
    pub templates: Vec<Template>,
    /// One sentence per file that could not be loaded.
    pub errors: Vec<String>,
}

/// The built-in templates, parsed once.
pub fn builtin() -> &'static [Template] {
    static BUILT: OnceLock<Vec<Template>> = OnceLock::new();
    BUILT.get_or_init(|| {
        // Built-in files are tested (`every_builtin_template_loads`); one that failed to parse
        // would be left out rather than stop the app.
        BUILTIN.iter().filter_map(|(name, text)| from_toml(text, name, "builtin").ok()).collect()
    })
}

/// All built-in templates.
pub fn all() -> Vec<Template> {
    builtin().to_vec()
}

/// The platform folder for user templates: `$XDG_CONFIG_HOME/trellis/templates` or
/// `~/.config/trellis/templates` on Linux, `~/Library/Application Support/trellis/templates`
/// on macOS, `%APPDATA%\trellis\templates` on Windows. `TRELLIS_TEMPLATES` overrides it.
pub fn user_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("TRELLIS_TEMPLATES").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let base = if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_CONFIG_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
    };
    base.map(|b| b.join("trellis").join("templates"))
}

impl Catalog {
    /// Built-in templates plus the `*.toml` files of `user_dir` (see [`catalog`]).
    pub fn load(user_dir: Option<&Path>) -> Catalog {
        catalog(user_dir)
    }

    /// The built-in templates alone, built once. For callers that have no user folder (tests,
    /// tools); the CLI and the desktop app use [`Catalog::load`] with [`user_dir`].
    pub fn builtin() -> &'static Catalog {
        static BUILT: OnceLock<Catalog> = OnceLock::new();
        BUILT.get_or_init(|| catalog(None))
    }

    /// The template with this id (a user template when one overrides a built-in).
    pub fn get(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }

    /// The template a document names (`Curriculum::template`); `None` when it names none or
    /// one this catalog does not have.
    pub fn template_of(&self, doc: &Document) -> Option<&Template> {
        doc.curriculum.template.as_deref().and_then(|id| self.get(id))
    }
}

/// The template with `template_id` among the built-in templates and those of `user_dir`
/// (user templates override built-ins with the same id); `None` when there is no such
/// template. Loads the catalog afresh; to resolve several ids, load a [`Catalog`] once.
pub fn resolve(template_id: &str, user_dir: Option<&Path>) -> Option<Template> {
    catalog(user_dir).templates.into_iter().find(|t| t.id == template_id)
}

/// Built-in templates plus the `*.toml` files of `user_dir` (when given and present). Files
/// that fail to load are reported in [`Catalog::errors`] and skipped.
pub fn catalog(user_dir: Option<&Path>) -> Catalog {
    let mut by_id: BTreeMap<String, Template> = builtin().iter().map(|t| (t.id.clone(), t.clone())).collect();
    let mut errors = Vec::new();
    if let Some(dir) = user_dir {
        let (templates, errs) = load_dir(dir);
        errors.extend(errs.iter().map(ToString::to_string));
        for t in templates {
            by_id.insert(t.id.clone(), t);
        }
    }
    let mut templates: Vec<Template> = by_id.into_values().collect();
    templates.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    Catalog { templates, errors }
}

/// Loads every `*.toml` file in `dir` (sorted by name). A missing folder is not an error.
pub fn load_dir(dir: &Path) -> (Vec<Template>, Vec<Error>) {
    let mut templates = Vec::new();
    let mut errors = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (templates, errors),
        Err(e) => return (templates, vec![Error::io(dir, e)]),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    paths.sort();
    for path in paths {
        let name = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => match from_toml(&text, &name, &name) {
                Ok(t) => templates.push(t),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(Error::io(&path, e)),
        }
    }
    (templates, errors)
}

/// Parses and validates one template file. `source_name` names it in errors; `source` is
/// recorded in [`Template::source`].
pub fn from_toml(text: &str, source_name: &str, source: &str) -> Result<Template> {
    let mut template: Template = toml::from_str(text).map_err(|e| Error::Parse {
        source_name: source_name.to_owned(),
        message: e.to_string().trim_end().replace('\n', " "),
    })?;
    template.source = source.to_owned();
    let problem = unknown_rule_keys(text, &template).or_else(|| template.problem());
    if let Some((needle, problem)) = problem {
        let place = line_of(text, &needle).map(|l| format!("line {l}: ")).unwrap_or_default();
        return Err(Error::Parse {
            source_name: source_name.to_owned(),
            message: format!("{place}{problem}"),
        });
    }
    Ok(template)
}

/// A key in a check's `rule` that the rule kind does not have (a typo such as `codeprefix`
/// would otherwise widen the check silently).
fn unknown_rule_keys(text: &str, template: &Template) -> Option<(String, String)> {
    let table: toml::Table = toml::from_str(text).ok()?;
    let checks = table.get("checks")?.as_array()?;
    for (raw, check) in checks.iter().zip(&template.checks) {
        let Some(rule) = raw.get("rule").and_then(toml::Value::as_table) else { continue };
        let known = serde_json::to_value(&check.rule).ok()?;
        let known = known.as_object()?;
        if let Some(key) = rule.keys().find(|k| !known.contains_key(k.as_str())) {
            return Some((
                format!("\"{}\"", check.code),
                format!("check {:?}: the rule has no key {key:?}", check.code),
            ));
        }
    }
    None
}

fn line_of(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

impl Template {
    /// The outline level of a node kind.
    pub fn level(&self, kind: &str) -> Option<&OutlineLevel> {
        self.levels.iter().find(|l| l.kind == kind)
    }

    /// The fields of a node kind (empty when the kind has none).
    pub fn fields_of(&self, kind: &str) -> &[FieldSpec] {
        self.fields.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A tag set by id.
    pub fn tag_set(&self, id: &str) -> Option<&TagSet> {
        self.tag_sets.iter().find(|t| t.id == id)
    }

    /// The objective kind an objective code belongs to (longest matching prefix).
    pub fn objective_kind(&self, code: &str) -> Option<&ObjectiveKind> {
        self.objective_kinds
            .iter()
            .filter(|k| code_has_prefix(code, &k.prefix))
            .max_by_key(|k| k.prefix.len())
    }

    /// The first inconsistency, as (text to find in the file, sentence).
    fn problem(&self) -> Option<(String, String)> {
        let id_ok = !self.id.is_empty()
            && self.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            return Some((
                format!("id = \"{}\"", self.id),
                format!("template id {:?} must be lower-case letters, digits and hyphens", self.id),
            ));
        }
        if self.levels.is_empty() {
            return Some(("[[levels]]".to_owned(), "a template needs at least one outline level".to_owned()));
        }
        let kinds: HashSet<&str> = self.levels.iter().map(|l| l.kind.as_str()).collect();
        if kinds.len() != self.levels.len() {
            return Some(("[[levels]]".to_owned(), "two outline levels have the same kind".to_owned()));
        }
        let unknown_kind =
            |k: &str| (!kinds.contains(k)).then(|| (format!("\"{k}\""), format!("unknown node kind {k:?}")));
        for level in &self.levels {
            for child in &level.children {
                if let Some(p) = unknown_kind(child) {
                    return Some(p);
                }
            }
        }
        for (kind, fields) in &self.fields {
            if let Some(p) = unknown_kind(kind) {
                return Some((format!("fields.{kind}"), p.1));
            }
            let mut names = HashSet::new();
            for f in fields {
                if !names.insert(f.name()) {
                    return Some((
                        format!("\"{}\"", f.name()),
                        format!("field {:?} is declared twice", f.name()),
                    ));
                }
                if let Some(default) = &f.base().default
                    && let Some(problem) = f.mismatch(default)
                {
                    return Some((format!("\"{}\"", f.name()), format!("default: {problem}")));
                }
            }
        }
        let mut set_ids = HashSet::new();
        for set in &self.tag_sets {
            if !set_ids.insert(set.id.as_str()) {
                return Some((format!("\"{}\"", set.id), format!("tag set {:?} is declared twice", set.id)));
            }
            let mut tag_ids = HashSet::new();
            for tag in &set.tags {
                if !tag_ids.insert(tag.id.as_str()) {
                    return Some((format!("\"{}\"", tag.id), format!("tag {:?} is declared twice", tag.id)));
                }
            }
        }
        let all_tags: HashSet<&str> =
            self.tag_sets.iter().flat_map(|s| s.tags.iter().map(|t| t.id.as_str())).collect();
        let mut stack: Vec<&SkeletonNode> = self.skeleton.iter().collect();
        while let Some(node) = stack.pop() {
            if let Some(p) = unknown_kind(&node.kind) {
                return Some(p);
            }
            for a in &node.activities {
                if let Some(tag) = a.event.as_deref().filter(|t| !all_tags.contains(t)) {
                    return Some((
                        format!("\"{tag}\""),
                        format!("activity tag {tag:?} is not in any tag set"),
                    ));
                }
            }
            stack.extend(node.children.iter());
        }
        let mut codes = HashSet::new();
        for check in &self.checks {
            let here = format!("\"{}\"", check.code);
            if !codes.insert(check.code.as_str()) {
                return Some((here, format!("check code {:?} is used twice", check.code)));
            }
            let (kind, set, field) = check.rule.references();
            if let Some(k) = kind.filter(|k| !kinds.contains(k)) {
                return Some((here, format!("check {:?} names unknown node kind {k:?}", check.code)));
            }
            if let Some(s) = set.filter(|s| !set_ids.contains(s)) {
                return Some((here, format!("check {:?} names unknown tag set {s:?}", check.code)));
            }
            if let (Some(k), Some(f)) = (kind, field)
                && !self.fields_of(k).iter().any(|spec| spec.name() == f)
            {
                return Some((
                    here,
                    format!("check {:?} names field {f:?}, which {k:?} nodes do not have", check.code),
                ));
            }
        }
        None
    }

    /// A new document with this template's skeleton: `title` replaces `{title}`, node fields
    /// start at their declared defaults, placeholder activities and assessments are created.
    pub fn instantiate(&self, title: &str) -> Document {
        let mut doc = Document::new(title);
        doc.curriculum.template = Some(self.id.clone());
        for node in &self.skeleton {
            self.add_node(&mut doc, node, None, title);
        }
        doc.normalize();
        doc
    }

    fn add_node(&self, doc: &mut Document, spec: &SkeletonNode, parent: Option<NodeId>, title: &str) {
        let id = NodeId::new();
        let fields = self
            .fields_of(&spec.kind)
            .iter()
            .filter_map(|f| f.base().default.clone().map(|d| (f.name().to_owned(), d)))
            .collect();
        doc.nodes.push(Node {
            id,
            parent,
            kind: spec.kind.clone(),
            code: spec.code.clone(),
            title: spec.title.replace("{title}", title),
            summary: String::new(),
            duration_minutes: spec.duration_minutes,
            week: None,
            prerequisites: Vec::new(),
            fields,
            status: ReviewStatus::Draft,
            pathway: None,
        });
        for a in &spec.activities {
            doc.activities.push(Activity {
                id: ActivityId::new(),
                node: id,
                title: a.title.clone(),
                kind: a.kind,
                instructions: String::new(),
                duration_minutes: a.duration_minutes,
                grouping: Grouping::default(),
                event: a.event.clone(),
                objectives: Vec::new(),
                resources: Vec::new(),
                content: None,
                pathway: None,
            });
        }
        for a in &spec.assessments {
            doc.assessments.push(Assessment {
                id: AssessmentId::new(),
                node: id,
                title: a.title.clone(),
                purpose: a.purpose,
                format: a.format,
                instructions: String::new(),
                points: None,
                weight: None,
                duration_minutes: None,
                mastery_score: None,
                grasps: None,
                rubric: None,
                objectives: Vec::new(),
                items: Vec::new(),
            });
        }
        for child in &spec.children {
            self.add_node(doc, child, Some(id), title);
        }
    }
}

impl CheckRule {
    /// The node kind, tag set and field a rule names (for validation).
    fn references(&self) -> (Option<&str>, Option<&str>, Option<&str>) {
        match self {
            CheckRule::RequiredField { node_kind, field } => (Some(node_kind), None, Some(field)),
            CheckRule::MinObjectives { node_kind, .. }
            | CheckRule::MaxObjectives { node_kind, .. }
            | CheckRule::MinAssessments { node_kind, .. } => (Some(node_kind), None, None),
            CheckRule::ObjectiveLevelSet { node_kind }
            | CheckRule::ObjectivesAssessed { node_kind, .. }
            | CheckRule::MasteryThreshold { node_kind } => (node_kind.as_deref(), None, None),
            CheckRule::AllTagsUsed { node_kind, tag_set }
            | CheckRule::TagsInOrder { node_kind, tag_set }
            | CheckRule::ActivitiesTagged { node_kind, tag_set } => (Some(node_kind), Some(tag_set), None),
            CheckRule::AssessmentsHaveRubric { .. } | CheckRule::GraspsComplete {} => (None, None, None),
        }
    }
}

/// Whether an objective code belongs to a prefix: `T2` and `T-2` are `T`, `TG1` is not.
pub(crate) fn code_has_prefix(code: &str, prefix: &str) -> bool {
    let code = code.trim();
    code.len() > prefix.len()
        && code[..prefix.len()].eq_ignore_ascii_case(prefix)
        && code[prefix.len()..]
            .starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '.' | ' ' | '_'))
        || code.eq_ignore_ascii_case(prefix)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_template_loads() {
        for (name, text) in BUILTIN {
            let t = from_toml(text, name, "builtin").unwrap_or_else(|e| panic!("{e}"));
            assert!(!t.skeleton.is_empty(), "{name} has a skeleton");
            assert!(!t.checks.is_empty(), "{name} declares checks");
        }
        assert_eq!(all().len(), BUILTIN.len());
    }

    #[test]
    fn objective_codes_match_prefixes_by_whole_letters() {
        assert!(code_has_prefix("T1", "T"));
        assert!(code_has_prefix("t-2", "T"));
        assert!(code_has_prefix("PI1.2", "PI"));
        assert!(!code_has_prefix("TG1", "T"));
        assert!(!code_has_prefix("U1", "T"));
    }

    #[test]
    fn a_misspelt_rule_key_is_an_error() {
        let text = r#"
id = "typo"
name = "Typo"
[[levels]]
kind = "unit"
label = "Unit"
plural = "Units"
[[checks]]
code = "X1-untested"
severity = "error"
message = "m"
rule = { kind = "objectivesAssessed", codeprefix = "T" }
"#;
        let err = from_toml(text, "typo.toml", "user").unwrap_err().to_string();
        assert!(err.contains("line 9") && err.contains("no key \"codeprefix\""), "{err}");
    }

    #[test]
    fn a_check_naming_an_unknown_kind_is_reported_with_its_line() {
        let text = r#"
id = "broken"
name = "Broken"
[[levels]]
kind = "course"
label = "Course"
plural = "Courses"
[[checks]]
code = "X1-missing"
severity = "warning"
message = "m"
rule = { kind = "minObjectives", nodeKind = "unit", min = 1 }
"#;
        let err = from_toml(text, "user/broken.toml", "user").unwrap_err().to_string();
        assert!(err.starts_with("user/broken.toml: line 9:"), "{err}");
        assert!(err.contains("unknown node kind \"unit\""), "{err}");
    }
}
