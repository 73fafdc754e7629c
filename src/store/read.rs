//! Loading the document from the tables into a [`Document`] in canonical order. One `SELECT`
//! per table; links are gathered into maps and attached to their owners. Each list's reader can
//! also read only some of its entities by id ([`Only::Ids`]), which is how a loaded copy is
//! brought up to date row by row (`super::refresh`).

use std::collections::HashMap;

use rusqlite::Connection;

use super::codec::{parse_enum, parse_id, parse_item_body, parse_json};
use crate::model::*;
use crate::{Error, Result};

/// Which entities a list's reader returns: all of them, or those whose id is in a JSON array of
/// ids (their link rows and children included).
#[derive(Clone, Copy, Debug)]
pub(super) enum Only<'a> {
    /// Every entity.
    All,
    /// The entities with these ids, as a JSON array of id strings.
    Ids(&'a str),
}

impl Only<'_> {
    /// The `WHERE` clause restricting `column` to the ids (empty for [`Only::All`]).
    fn filter(self, column: &str) -> String {
        match self {
            Only::All => String::new(),
            Only::Ids(_) => format!(" WHERE {column} IN (SELECT value FROM json_each(?1))"),
        }
    }

    /// The `WHERE` clause restricting `column` to the rows of `table` whose `owner` is one of
    /// the ids (children of children: a criterion's descriptors, a quiz item's objectives).
    fn filter_via(self, column: &str, table: &str, owner: &str) -> String {
        match self {
            Only::All => String::new(),
            Only::Ids(_) => format!(
                " WHERE {column} IN (SELECT id FROM {table} WHERE {owner} IN (SELECT value FROM json_each(?1)))"
            ),
        }
    }

    /// Runs `stmt` with the ids bound when there are any.
    fn query<'s>(self, stmt: &'s mut rusqlite::Statement<'_>) -> rusqlite::Result<rusqlite::Rows<'s>> {
        match self {
            Only::All => stmt.query([]),
            Only::Ids(ids) => stmt.query([ids]),
        }
    }
}

/// Parses the id in column `i` without copying the text out of SQLite.
fn id_at<T: std::str::FromStr>(r: &rusqlite::Row<'_>, i: usize, column: &str) -> Result<T> {
    parse_id(column, str_at(r, i, column)?)
}

/// Parses the id in column `i`, which may be NULL, without copying the text.
fn opt_id_at<T: std::str::FromStr>(r: &rusqlite::Row<'_>, i: usize, column: &str) -> Result<Option<T>> {
    opt_str_at(r, i, column)?.map(|text| parse_id(column, text)).transpose()
}

/// The text in column `i`, borrowed from SQLite (no copy).
fn str_at<'r>(r: &'r rusqlite::Row<'_>, i: usize, column: &str) -> Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| Error::Internal(format!("column {column}: {e}")))
}

/// The text in column `i`, which may be NULL, borrowed from SQLite.
fn opt_str_at<'r>(r: &'r rusqlite::Row<'_>, i: usize, column: &str) -> Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| Error::Internal(format!("column {column}: {e}")))
}

/// Parses the enum stored in column `i` (its serde name) without copying the text.
fn enum_at<T: serde::de::DeserializeOwned>(r: &rusqlite::Row<'_>, i: usize, column: &str) -> Result<T> {
    parse_enum(column, str_at(r, i, column)?)
}

/// Parses the enum in column `i`, which may be NULL.
fn opt_enum_at<T: serde::de::DeserializeOwned>(
    r: &rusqlite::Row<'_>,
    i: usize,
    column: &str,
) -> Result<Option<T>> {
    opt_str_at(r, i, column)?.map(|text| parse_enum(column, text)).transpose()
}

/// Parses the JSON in column `i` straight into its type, from the text borrowed from SQLite.
fn json_at<T: serde::de::DeserializeOwned>(r: &rusqlite::Row<'_>, i: usize, column: &str) -> Result<T> {
    parse_json(column, str_at(r, i, column)?)
}

/// Parses the JSON in column `i`, which may be NULL.
fn opt_json_at<T: serde::de::DeserializeOwned>(
    r: &rusqlite::Row<'_>,
    i: usize,
    column: &str,
) -> Result<Option<T>> {
    opt_str_at(r, i, column)?.map(|text| parse_json(column, text)).transpose()
}

/// A link table read into owner → (position, target) lists; each list is put in `position`
/// order when its owner takes it (rows come in table order, nearly always already sorted).
struct LinkMap<T>(HashMap<uuid::Uuid, Vec<(i64, T)>>);

impl<T> LinkMap<T> {
    /// Takes an owner's links out of the map in `position` order (each owner is read once).
    fn take(&mut self, owner: uuid::Uuid) -> Vec<T> {
        let Some(mut list) = self.0.remove(&owner) else { return Vec::new() };
        if !list.is_sorted_by_key(|(p, _)| *p) {
            list.sort_by_key(|(p, _)| *p);
        }
        list.into_iter().map(|(_, t)| t).collect()
    }
}

/// Reads a link table into owner → targets in `position` order. A plain table scan sorted in
/// memory is several times faster than asking SQLite for `ORDER BY owner, position`.
fn links<T: std::str::FromStr>(
    conn: &Connection,
    table: &str,
    owner: &str,
    target: &str,
    only: Only<'_>,
) -> Result<LinkMap<T>> {
    let sql = format!("SELECT {owner}, position, {target} FROM {table}{}", only.filter(owner));
    link_rows(conn, &sql, table, only)
}

/// Runs `sql`, which selects (owner, position, target), into a [`LinkMap`].
fn link_rows<T: std::str::FromStr>(
    conn: &Connection,
    sql: &str,
    table: &str,
    only: Only<'_>,
) -> Result<LinkMap<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = only.query(&mut stmt)?;
    let mut map: HashMap<uuid::Uuid, Vec<(i64, T)>> = HashMap::new();
    while let Some(row) = rows.next()? {
        let key: uuid::Uuid = id_at(row, 0, table)?;
        map.entry(key).or_default().push((row.get(1)?, id_at(row, 2, table)?));
    }
    Ok(LinkMap(map))
}

/// The parts of a document, each read from its own tables: what a change touched, so that a
/// loaded copy can be brought up to date by reading only those (see [`reload`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Parts {
    /// The curriculum record.
    pub curriculum: bool,
    /// Outline nodes and their prerequisites.
    pub nodes: bool,
    /// Objectives and their links.
    pub objectives: bool,
    /// Frameworks.
    pub frameworks: bool,
    /// Framework items.
    pub standard_items: bool,
    /// Framework associations.
    pub associations: bool,
    /// Activities, their objectives and resources.
    pub activities: bool,
    /// Rubrics with levels, criteria and descriptors.
    pub rubrics: bool,
    /// Assessments, their objectives and quiz items.
    pub assessments: bool,
    /// Comments.
    pub comments: bool,
    /// Review events.
    pub review_events: bool,
    /// Snapshots.
    pub snapshots: bool,
    /// Assets.
    pub assets: bool,
    /// Language variants.
    pub translations: bool,
}

impl Parts {
    /// Every part.
    pub const ALL: Parts = Parts {
        curriculum: true,
        nodes: true,
        objectives: true,
        frameworks: true,
        standard_items: true,
        associations: true,
        activities: true,
        rubrics: true,
        assessments: true,
        comments: true,
        review_events: true,
        snapshots: true,
        assets: true,
        translations: true,
    };

    /// Marks the part stored in `table`; `false` for a table that is not part of the document.
    pub fn add_table(&mut self, table: &str) -> bool {
        let part = match table {
            "curriculum" => &mut self.curriculum,
            "nodes" | "node_prerequisites" => &mut self.nodes,
            "objectives"
            | "objective_supports"
            | "objective_prerequisites"
            | "objective_standards"
            | "objective_emphasis" => &mut self.objectives,
            "frameworks" => &mut self.frameworks,
            "standard_items" => &mut self.standard_items,
            "associations" => &mut self.associations,
            "activities" | "activity_objectives" | "activity_resources" => &mut self.activities,
            "rubrics" | "rubric_levels" | "criteria" | "descriptors" => &mut self.rubrics,
            "assessments" | "assessment_objectives" | "items" | "item_objectives" => &mut self.assessments,
            "comments" => &mut self.comments,
            "review_events" => &mut self.review_events,
            "snapshots" => &mut self.snapshots,
            "assets" => &mut self.assets,
            "translations" => &mut self.translations,
            _ => return false,
        };
        *part = true;
        true
    }

    /// Whether no part is marked.
    pub fn is_empty(&self) -> bool {
        *self == Parts::default()
    }

    /// Both sets of parts.
    pub fn union(self, other: Parts) -> Parts {
        Parts {
            curriculum: self.curriculum || other.curriculum,
            nodes: self.nodes || other.nodes,
            objectives: self.objectives || other.objectives,
            frameworks: self.frameworks || other.frameworks,
            standard_items: self.standard_items || other.standard_items,
            associations: self.associations || other.associations,
            activities: self.activities || other.activities,
            rubrics: self.rubrics || other.rubrics,
            assessments: self.assessments || other.assessments,
            comments: self.comments || other.comments,
            review_events: self.review_events || other.review_events,
            snapshots: self.snapshots || other.snapshots,
            assets: self.assets || other.assets,
            translations: self.translations || other.translations,
        }
    }
}

/// Reads the document.
pub fn load(conn: &Connection) -> Result<Document> {
    let (format, curriculum) = read_curriculum(conn)?;
    let mut doc = Document::with_curriculum(format, curriculum);
    reload(conn, &mut doc, Parts { curriculum: false, ..Parts::ALL })?;
    Ok(doc)
}

/// Reads the document like [`load`], on two connections at once: the assessments with their
/// quiz items (the largest part: half of the rows' work) through `second` on a thread of its
/// own, everything else through `conn`. Both connections must see the same committed state;
/// the store guarantees it by holding the document's lock and changing nothing meanwhile.
pub fn load_split(conn: &Connection, second: Connection) -> Result<Document> {
    std::thread::scope(|scope| {
        let assessments = scope.spawn(move || -> Result<Vec<Assessment>> {
            let tx = second.unchecked_transaction()?;
            let list = read_assessments(&tx, Only::All)?;
            tx.commit()?;
            Ok(list)
        });
        let (format, curriculum) = read_curriculum(conn)?;
        let mut doc = Document::with_curriculum(format, curriculum);
        read_parts(conn, &mut doc, Parts { curriculum: false, assessments: false, ..Parts::ALL })?;
        doc.assessments = assessments.join().map_err(|_| {
            Error::Internal("the thread reading the assessments stopped unexpectedly".into())
        })??;
        doc.normalize();
        Ok(doc)
    })
}

/// Re-reads the `parts` of `doc` from the tables and restores canonical order. The other parts
/// must be as committed: then `doc` ends up equal to a fresh [`load`].
pub fn reload(conn: &Connection, doc: &mut Document, parts: Parts) -> Result<()> {
    read_parts(conn, doc, parts)?;
    doc.normalize();
    Ok(())
}

/// Re-reads the `parts` of `doc` from the tables, leaving the order to [`Document::normalize`].
fn read_parts(conn: &Connection, doc: &mut Document, parts: Parts) -> Result<()> {
    if parts.curriculum {
        (doc.format, doc.curriculum) = read_curriculum(conn)?;
    }
    if parts.nodes {
        doc.nodes = read_nodes(conn, Only::All)?;
    }
    if parts.objectives {
        doc.objectives = read_objectives(conn, Only::All)?;
    }
    if parts.frameworks {
        doc.frameworks = read_frameworks(conn, Only::All)?;
    }
    if parts.standard_items {
        doc.standard_items = read_standard_items(conn, Only::All)?;
    }
    if parts.associations {
        doc.associations = read_associations(conn, Only::All)?;
    }
    if parts.activities {
        doc.activities = read_activities(conn, Only::All)?;
    }
    if parts.rubrics {
        doc.rubrics = read_rubrics(conn, Only::All)?;
    }
    if parts.assessments {
        doc.assessments = read_assessments(conn, Only::All)?;
    }
    if parts.comments {
        doc.comments = read_comments(conn, Only::All)?;
    }
    if parts.review_events {
        doc.review_events = read_review_events(conn, Only::All)?;
    }
    if parts.snapshots {
        doc.snapshots = read_snapshots(conn, Only::All)?;
    }
    if parts.assets {
        doc.assets = read_assets(conn, Only::All)?;
    }
    if parts.translations {
        doc.translations = read_translations(conn)?;
    }
    Ok(())
}

pub(super) fn read_curriculum(conn: &Connection) -> Result<(u32, Curriculum)> {
    conn.query_row(
        "SELECT id, format, title, code, description, audience, level, language, credit_system,
                credits, weeks, template, created_at, updated_at, objective_profile, review_plan
                FROM curriculum",
        [],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                (
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                ),
                (
                    r.get::<_, Option<f64>>(9)?,
                    r.get::<_, Option<u32>>(10)?,
                    r.get::<_, Option<String>>(11)?,
                    r.get::<_, String>(12)?,
                    r.get::<_, String>(13)?,
                    r.get::<_, Option<String>>(14)?,
                    r.get::<_, Option<String>>(15)?,
                ),
            ))
        },
    )
    .map(|(id, format, a, b)| -> Result<(u32, Curriculum)> {
        Ok((
            format,
            Curriculum {
                id: parse_id("curriculum.id", &id)?,
                title: a.0,
                code: a.1,
                description: a.2,
                audience: a.3,
                level: a.4,
                language: a.5,
                credit_system: parse_enum("curriculum.credit_system", &a.6)?,
                credits: b.0,
                weeks: b.1,
                template: b.2,
                created_at: Timestamp(b.3),
                updated_at: Timestamp(b.4),
                objective_profile: b.5,
                review_plan: b.6.map(|text| parse_json("curriculum.review_plan", &text)).transpose()?,
            },
        ))
    })
    .map_err(|e| match e {
        rusqlite::Error::QueryReturnedNoRows => Error::Internal("the document has no curriculum row".into()),
        other => other.into(),
    })?
}

pub(super) fn read_nodes(conn: &Connection, only: Only<'_>) -> Result<Vec<Node>> {
    let mut node_prereqs: LinkMap<NodeId> =
        links(conn, "node_prerequisites", "node_id", "prerequisite_id", only)?;
    let mut nodes: Vec<(i64, Node)> = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, parent_id, position, kind, code, title, summary, duration_minutes, week, fields, status,
                pathway FROM nodes{}",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            let id: NodeId = id_at(r, 0, "nodes.id")?;
            let node = Node {
                id,
                parent: opt_id_at(r, 1, "nodes.parent_id")?,
                kind: r.get(3)?,
                code: r.get(4)?,
                title: r.get(5)?,
                summary: r.get(6)?,
                duration_minutes: r.get(7)?,
                week: r.get(8)?,
                prerequisites: node_prereqs.take(id.0),
                fields: json_at(r, 9, "nodes.fields")?,
                status: enum_at(r, 10, "nodes.status")?,
                pathway: opt_json_at(r, 11, "nodes.pathway")?,
            };
            nodes.push((r.get(2)?, node));
        }
    }
    // Siblings by position, then pre-order (by `normalize`).
    nodes.sort_by_key(|n| n.0);
    Ok(nodes.into_iter().map(|(_, n)| n).collect())
}

pub(super) fn read_objectives(conn: &Connection, only: Only<'_>) -> Result<Vec<Objective>> {
    let mut objectives = Vec::new();
    let mut supports: LinkMap<ObjectiveId> =
        links(conn, "objective_supports", "objective_id", "supported_id", only)?;
    let mut oprereqs: LinkMap<ObjectiveId> =
        links(conn, "objective_prerequisites", "objective_id", "prerequisite_id", only)?;
    let mut ostandards: LinkMap<StandardItemId> =
        links(conn, "objective_standards", "objective_id", "item_id", only)?;
    let mut emphasis: HashMap<uuid::Uuid, Vec<CourseEmphasis>> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT objective_id, course_id, emphasis FROM objective_emphasis{} ORDER BY objective_id, position",
            only.filter("objective_id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            emphasis.entry(id_at(r, 0, "objective_emphasis.objective_id")?).or_default().push(
                CourseEmphasis {
                    course: id_at(r, 1, "objective_emphasis.course_id")?,
                    emphasis: enum_at(r, 2, "objective_emphasis.emphasis")?,
                },
            );
        }
    }
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, node_id, code, statement, audience, behavior, condition, degree, level, level_source,
                knowledge, domain FROM objectives{} ORDER BY position",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            let id: ObjectiveId = id_at(r, 0, "objectives.id")?;
            objectives.push(Objective {
                id,
                node: id_at(r, 1, "objectives.node_id")?,
                code: r.get(2)?,
                statement: r.get(3)?,
                abcd: Abcd {
                    audience: r.get(4)?,
                    behavior: r.get(5)?,
                    condition: r.get(6)?,
                    degree: r.get(7)?,
                },
                level: opt_enum_at(r, 8, "objectives.level")?,
                level_source: enum_at(r, 9, "objectives.level_source")?,
                knowledge: opt_enum_at(r, 10, "objectives.knowledge")?,
                domain: enum_at(r, 11, "objectives.domain")?,
                supports: supports.take(id.0),
                prerequisites: oprereqs.take(id.0),
                standards: ostandards.take(id.0),
                emphasis: emphasis.remove(&id.0).unwrap_or_default(),
            });
        }
    }

    Ok(objectives)
}

pub(super) fn read_frameworks(conn: &Connection, only: Only<'_>) -> Result<Vec<Framework>> {
    let mut frameworks = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, identifier, uri, title, creator, version, language, source, extra FROM frameworks{}
             ORDER BY position",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            frameworks.push(Framework {
                id: id_at(r, 0, "frameworks.id")?,
                identifier: r.get(1)?,
                uri: r.get(2)?,
                title: r.get(3)?,
                creator: r.get(4)?,
                version: r.get(5)?,
                language: r.get(6)?,
                source: r.get(7)?,
                extra: json_at(r, 8, "frameworks.extra")?,
            });
        }
    }
    Ok(frameworks)
}

pub(super) fn read_standard_items(conn: &Connection, only: Only<'_>) -> Result<Vec<StandardItem>> {
    let mut items = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, framework_id, parent_id, identifier, uri, code, statement, abbreviated, item_type, extra
             FROM standard_items{} ORDER BY position",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            items.push(StandardItem {
                id: id_at(r, 0, "standard_items.id")?,
                framework: id_at(r, 1, "standard_items.framework_id")?,
                parent: opt_id_at(r, 2, "standard_items.parent_id")?,
                identifier: r.get(3)?,
                uri: r.get(4)?,
                code: r.get(5)?,
                statement: r.get(6)?,
                abbreviated: r.get(7)?,
                item_type: r.get(8)?,
                extra: json_at(r, 9, "standard_items.extra")?,
            });
        }
    }
    Ok(items)
}

pub(super) fn read_associations(conn: &Connection, only: Only<'_>) -> Result<Vec<StandardAssociation>> {
    let mut associations = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, framework_id, identifier, association_type, origin_identifier, origin_uri, origin_title,
                destination_identifier, destination_uri, destination_title, extra FROM associations{}
             ORDER BY position",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            associations.push(StandardAssociation {
                id: id_at(r, 0, "associations.id")?,
                framework: id_at(r, 1, "associations.framework_id")?,
                identifier: r.get(2)?,
                association_type: r.get(3)?,
                origin: ExternalRef { identifier: r.get(4)?, uri: r.get(5)?, title: r.get(6)? },
                destination: ExternalRef { identifier: r.get(7)?, uri: r.get(8)?, title: r.get(9)? },
                extra: json_at(r, 10, "associations.extra")?,
            });
        }
    }

    Ok(associations)
}

pub(super) fn read_activities(conn: &Connection, only: Only<'_>) -> Result<Vec<Activity>> {
    let out;
    let mut act_objectives: LinkMap<ObjectiveId> =
        links(conn, "activity_objectives", "activity_id", "objective_id", only)?;
    let mut resources: HashMap<uuid::Uuid, Vec<Resource>> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT activity_id, title, url, asset_id FROM activity_resources{} ORDER BY activity_id, position",
            only.filter("activity_id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            resources.entry(id_at(r, 0, "activity_resources.activity_id")?).or_default().push(Resource {
                title: r.get(1)?,
                url: r.get(2)?,
                asset: opt_id_at(r, 3, "activity_resources.asset_id")?,
            });
        }
    }
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, node_id, title, kind, instructions, duration_minutes, grouping, event, position,
                content, pathway FROM activities{}",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        let mut activities = Vec::new();
        while let Some(r) = rows.next()? {
            let id: ActivityId = id_at(r, 0, "activities.id")?;
            activities.push((
                r.get::<_, i64>(8)?,
                Activity {
                    id,
                    node: id_at(r, 1, "activities.node_id")?,
                    title: r.get(2)?,
                    kind: enum_at(r, 3, "activities.kind")?,
                    instructions: r.get(4)?,
                    duration_minutes: r.get(5)?,
                    grouping: enum_at(r, 6, "activities.grouping")?,
                    event: r.get(7)?,
                    objectives: act_objectives.take(id.0),
                    resources: resources.remove(&id.0).unwrap_or_default(),
                    content: opt_json_at(r, 9, "activities.content")?,
                    pathway: opt_json_at(r, 10, "activities.pathway")?,
                },
            ));
        }
        activities.sort_by_key(|(p, _)| *p);
        out = activities.into_iter().map(|(_, a)| a).collect();
    }
    Ok(out)
}

pub(super) fn read_rubrics(conn: &Connection, only: Only<'_>) -> Result<Vec<Rubric>> {
    let mut rubrics = Vec::new();
    let mut levels: HashMap<uuid::Uuid, Vec<RubricLevel>> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, rubric_id, label, points FROM rubric_levels{} ORDER BY rubric_id, position",
            only.filter("rubric_id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            levels.entry(id_at(r, 1, "rubric_levels.rubric_id")?).or_default().push(RubricLevel {
                id: id_at(r, 0, "rubric_levels.id")?,
                label: r.get(2)?,
                points: r.get(3)?,
            });
        }
    }
    let mut descriptors: HashMap<uuid::Uuid, Vec<Descriptor>> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT criterion_id, level_id, text FROM descriptors{} ORDER BY criterion_id, position",
            only.filter_via("criterion_id", "criteria", "rubric_id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            descriptors
                .entry(id_at(r, 0, "descriptors.criterion_id")?)
                .or_default()
                .push(Descriptor { level: id_at(r, 1, "descriptors.level_id")?, text: r.get(2)? });
        }
    }
    let mut criteria: HashMap<uuid::Uuid, Vec<Criterion>> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, rubric_id, title, description, weight, objective_id FROM criteria{}
             ORDER BY rubric_id, position",
            only.filter("rubric_id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            let id: CriterionId = id_at(r, 0, "criteria.id")?;
            criteria.entry(id_at(r, 1, "criteria.rubric_id")?).or_default().push(Criterion {
                id,
                title: r.get(2)?,
                description: r.get(3)?,
                weight: r.get(4)?,
                objective: opt_id_at(r, 5, "criteria.objective_id")?,
                descriptors: descriptors.remove(&id.0).unwrap_or_default(),
            });
        }
    }
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, title, kind, description FROM rubrics{} ORDER BY position",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            let id: RubricId = id_at(r, 0, "rubrics.id")?;
            rubrics.push(Rubric {
                id,
                title: r.get(1)?,
                kind: enum_at(r, 2, "rubrics.kind")?,
                description: r.get(3)?,
                levels: levels.remove(&id.0).unwrap_or_default(),
                criteria: criteria.remove(&id.0).unwrap_or_default(),
            });
        }
    }

    Ok(rubrics)
}

pub(super) fn read_assessments(conn: &Connection, only: Only<'_>) -> Result<Vec<Assessment>> {
    let mut assessments = Vec::new();
    let mut item_objectives: LinkMap<ObjectiveId> = item_objectives(conn, only)?;
    let mut items: HashMap<uuid::Uuid, Vec<(i64, QuizItem)>> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, assessment_id, stem, body, points, feedback_correct, feedback_incorrect, level, position
             FROM items{}",
            only.filter("assessment_id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            let id: ItemId = id_at(r, 0, "items.id")?;
            let owner: uuid::Uuid = id_at(r, 1, "items.assessment_id")?;
            items.entry(owner).or_default().push((
                r.get(8)?,
                QuizItem {
                    id,
                    stem: r.get(2)?,
                    body: parse_item_body("items.body", str_at(r, 3, "items.body")?)?,
                    points: r.get(4)?,
                    feedback_correct: r.get(5)?,
                    feedback_incorrect: r.get(6)?,
                    level: opt_enum_at(r, 7, "items.level")?,
                    objectives: item_objectives.take(id.0),
                },
            ));
        }
    }
    let mut assess_objectives: LinkMap<ObjectiveId> =
        links(conn, "assessment_objectives", "assessment_id", "objective_id", only)?;
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, node_id, title, purpose, format, instructions, points, weight, duration_minutes,
                mastery_score, grasps, rubric_id FROM assessments{} ORDER BY position",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            let id: AssessmentId = id_at(r, 0, "assessments.id")?;
            let mut own_items = items.remove(&id.0).unwrap_or_default();
            own_items.sort_by_key(|(p, _)| *p);
            assessments.push(Assessment {
                id,
                node: id_at(r, 1, "assessments.node_id")?,
                title: r.get(2)?,
                purpose: enum_at(r, 3, "assessments.purpose")?,
                format: enum_at(r, 4, "assessments.format")?,
                instructions: r.get(5)?,
                points: r.get(6)?,
                weight: r.get(7)?,
                duration_minutes: r.get(8)?,
                mastery_score: r.get(9)?,
                grasps: opt_json_at(r, 10, "assessments.grasps")?,
                rubric: opt_id_at(r, 11, "assessments.rubric_id")?,
                objectives: assess_objectives.take(id.0),
                items: own_items.into_iter().map(|(_, i)| i).collect(),
            });
        }
    }

    Ok(assessments)
}

pub(super) fn read_comments(conn: &Connection, only: Only<'_>) -> Result<Vec<Comment>> {
    let mut comments = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, target, parent_id, author, body, created_at, resolved FROM comments{} ORDER BY position",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            comments.push(Comment {
                id: id_at(r, 0, "comments.id")?,
                target: id_at(r, 1, "comments.target")?,
                parent: opt_id_at(r, 2, "comments.parent_id")?,
                author: r.get(3)?,
                body: r.get(4)?,
                created_at: Timestamp(r.get(5)?),
                resolved: r.get(6)?,
            });
        }
    }
    Ok(comments)
}

pub(super) fn read_review_events(conn: &Connection, only: Only<'_>) -> Result<Vec<ReviewEvent>> {
    let mut events = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, node_id, from_status, to_status, author, at, note FROM review_events{} ORDER BY position",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            events.push(ReviewEvent {
                id: id_at(r, 0, "review_events.id")?,
                node: id_at(r, 1, "review_events.node_id")?,
                from: enum_at(r, 2, "review_events.from_status")?,
                to: enum_at(r, 3, "review_events.to_status")?,
                author: r.get(4)?,
                at: Timestamp(r.get(5)?),
                note: r.get(6)?,
            });
        }
    }
    Ok(events)
}

pub(super) fn read_snapshots(conn: &Connection, only: Only<'_>) -> Result<Vec<Snapshot>> {
    let mut snapshots = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, name, created_at, document FROM snapshots{} ORDER BY position",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            snapshots.push(Snapshot {
                id: id_at(r, 0, "snapshots.id")?,
                name: r.get(1)?,
                created_at: Timestamp(r.get(2)?),
                document: r.get(3)?,
            });
        }
    }
    Ok(snapshots)
}

pub(super) fn read_assets(conn: &Connection, only: Only<'_>) -> Result<Vec<Asset>> {
    let mut assets = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, name, media_type, alt, sha256, data FROM assets{} ORDER BY position",
            only.filter("id")
        ))?;
        let mut rows = only.query(&mut stmt)?;
        while let Some(r) = rows.next()? {
            assets.push(Asset {
                id: id_at(r, 0, "assets.id")?,
                name: r.get(1)?,
                media_type: r.get(2)?,
                alt: r.get(3)?,
                sha256: r.get(4)?,
                data: r.get(5)?,
            });
        }
    }
    Ok(assets)
}

/// Every language variant, languages and field ids in canonical order.
pub(super) fn read_translations(conn: &Connection) -> Result<Vec<Translation>> {
    let mut out: Vec<Translation> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT language, entity_kind, entity_id, field, text, source_hash, state FROM translations
         ORDER BY language, entity_kind, entity_id, field",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let language: String = r.get(0)?;
        let (kind, entity, field): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
        let state: String = r.get(6)?;
        let state = TranslationState::parse(&state)
            .ok_or_else(|| Error::Internal(format!("translations.state: unknown state \"{state}\"")))?;
        let text = TranslatedText {
            id: format!("{kind}/{entity}/{field}"),
            text: r.get(4)?,
            source_hash: r.get(5)?,
            state,
        };
        match out.last_mut() {
            Some(t) if t.language == language => t.texts.push(text),
            _ => out.push(Translation { language, texts: vec![text] }),
        }
    }
    Ok(out)
}

/// The objectives of quiz items, by item: all of them, or those of the items of the assessments
/// in `only`.
fn item_objectives(conn: &Connection, only: Only<'_>) -> Result<LinkMap<ObjectiveId>> {
    match only {
        Only::All => links(conn, "item_objectives", "item_id", "objective_id", only),
        Only::Ids(_) => {
            let sql = format!(
                "SELECT item_id, position, objective_id FROM item_objectives{}",
                only.filter_via("item_id", "items", "assessment_id")
            );
            link_rows(conn, &sql, "item_objectives", only)
        }
    }
}
