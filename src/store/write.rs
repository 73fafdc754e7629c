//! Row writers: one function per entity that inserts it (and its owned rows and links) at a
//! given position. Used by bulk document writes and by edit operations alike, so both produce
//! the same rows. Writes take `&Transaction`-compatible `&Connection` inside an open transaction.
//!
//! An entity that is also updated in place has one function giving its columns as statement
//! parameters (`…_params`: `?1` its id, then where it sits, then its own fields); its insert and
//! its update both take them, the update naming only the parameters of the fields it changes, so
//! a field is mapped to its column in one place.

use rusqlite::{Connection, ToSql, params};

use super::codec::{enum_str, json_str};
use crate::Result;
use crate::model::*;

/// Writes every entity of a document into empty tables.
pub fn insert_document(conn: &Connection, doc: &Document) -> Result<()> {
    insert_curriculum(conn, doc.format, &doc.curriculum)?;
    let mut positions = Positions::default();
    for node in &doc.nodes {
        let pos = positions.next(node.parent.map(|p| p.0));
        insert_node(conn, node, pos)?;
    }
    for (i, f) in doc.frameworks.iter().enumerate() {
        insert_framework(conn, f, i as i64)?;
    }
    let mut positions = Positions::default();
    for s in &doc.standard_items {
        insert_standard_item(conn, s, positions.next(Some(s.framework.0)))?;
    }
    let mut positions = Positions::default();
    for a in &doc.associations {
        insert_association(conn, a, positions.next(Some(a.framework.0)))?;
    }
    let mut positions = Positions::default();
    for o in &doc.objectives {
        insert_objective(conn, o, positions.next(Some(o.node.0)))?;
    }
    for o in &doc.objectives {
        insert_objective_links(conn, o)?;
    }
    for (i, a) in doc.assets.iter().enumerate() {
        insert_asset(conn, a, i as i64)?;
    }
    let mut positions = Positions::default();
    for a in &doc.activities {
        insert_activity(conn, a, positions.next(Some(a.node.0)))?;
    }
    for (i, r) in doc.rubrics.iter().enumerate() {
        insert_rubric(conn, r, i as i64)?;
    }
    let mut positions = Positions::default();
    for a in &doc.assessments {
        insert_assessment(conn, a, positions.next(Some(a.node.0)))?;
    }
    for (i, c) in doc.comments.iter().enumerate() {
        insert_comment(conn, c, i as i64)?;
    }
    for (i, e) in doc.review_events.iter().enumerate() {
        insert_review_event(conn, e, i as i64)?;
    }
    for (i, s) in doc.snapshots.iter().enumerate() {
        insert_snapshot(conn, s, i as i64)?;
    }
    for t in &doc.translations {
        insert_translation(conn, t)?;
    }
    Ok(())
}

/// Writes one language variant, a row per translated field.
pub fn insert_translation(conn: &Connection, t: &Translation) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO translations (language, entity_kind, entity_id, field, text, source_hash, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for text in &t.texts {
        let (kind, entity, field) = split_field_id(&text.id).ok_or_else(|| {
            crate::Error::Refused(format!(
                "translation \"{}\": \"{}\" is not a field id",
                t.language, text.id
            ))
        })?;
        stmt.execute(params![
            t.language,
            kind,
            entity.hyphenated().to_string(),
            field,
            text.text,
            text.source_hash,
            text.state.as_str()
        ])?;
    }
    Ok(())
}

/// Hands out 0, 1, 2, … per parent.
#[derive(Default)]
struct Positions(std::collections::HashMap<Option<uuid::Uuid>, i64>);

impl Positions {
    fn next(&mut self, parent: Option<uuid::Uuid>) -> i64 {
        let slot = self.0.entry(parent).or_insert(0);
        *slot += 1;
        *slot - 1
    }
}

/// The curriculum's columns: `?1` id, `?2` format, `?3`… its fields.
fn curriculum_params<R>(
    c: &Curriculum,
    format: u32,
    run: impl FnOnce(&[&dyn ToSql]) -> rusqlite::Result<R>,
) -> rusqlite::Result<R> {
    run(params![
        c.id.to_string(),
        format,
        c.title,
        c.code,
        c.description,
        c.audience,
        c.level,
        c.language,
        enum_str(&c.credit_system),
        c.credits,
        c.weeks,
        c.template,
        c.created_at.0,
        c.updated_at.0,
        c.objective_profile,
        c.review_plan.as_ref().map(json_str)
    ])
}

pub fn insert_curriculum(conn: &Connection, format: u32, c: &Curriculum) -> Result<()> {
    curriculum_params(c, format, |p| {
        conn.execute(
            "INSERT INTO curriculum (id, format, title, code, description, audience, level, language,
                credit_system, credits, weeks, template, created_at, updated_at, objective_profile,
                review_plan)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            p,
        )
    })?;
    Ok(())
}

/// Updates the curriculum's fields; its format and creation and change times are left alone.
pub fn update_curriculum(conn: &Connection, c: &Curriculum) -> Result<()> {
    curriculum_params(c, 0, |p| {
        conn.execute(
            "UPDATE curriculum SET title = ?3, code = ?4, description = ?5, audience = ?6, level = ?7,
                language = ?8, credit_system = ?9, credits = ?10, weeks = ?11, template = ?12,
                objective_profile = ?15, review_plan = ?16
             WHERE id = ?1",
            p,
        )
    })?;
    Ok(())
}

/// A node's columns: `?1` id, `?2` parent, `?3` position, `?4`… its fields.
fn node_params<R>(
    n: &Node,
    position: i64,
    run: impl FnOnce(&[&dyn ToSql]) -> rusqlite::Result<R>,
) -> rusqlite::Result<R> {
    run(params![
        n.id.to_string(),
        n.parent.map(|p| p.to_string()),
        position,
        n.kind,
        n.code,
        n.title,
        n.summary,
        n.duration_minutes,
        n.week,
        json_str(&n.fields),
        enum_str(&n.status),
        n.pathway.as_ref().map(json_str)
    ])
}

pub fn insert_node(conn: &Connection, n: &Node, position: i64) -> Result<()> {
    node_params(n, position, |p| {
        conn.prepare_cached(
            "INSERT INTO nodes (id, parent_id, position, kind, code, title, summary, duration_minutes,
                week, fields, status, pathway) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(p)
    })?;
    insert_links(conn, "node_prerequisites", "node_id", "prerequisite_id", n.id.0, &n.prerequisites)?;
    Ok(())
}

/// Updates a node's own fields and prerequisites; its place in the tree is left alone.
pub fn update_node(conn: &Connection, n: &Node) -> Result<usize> {
    let changed = node_params(n, 0, |p| {
        conn.execute(
            "UPDATE nodes SET kind = ?4, code = ?5, title = ?6, summary = ?7, duration_minutes = ?8,
                week = ?9, fields = ?10, status = ?11, pathway = ?12 WHERE id = ?1",
            p,
        )
    })?;
    replace_links(conn, "node_prerequisites", "node_id", "prerequisite_id", n.id.0, &n.prerequisites)?;
    Ok(changed)
}

pub fn insert_framework(conn: &Connection, f: &Framework, position: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO frameworks (id, position, identifier, uri, title, creator, version, language,
            source, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            f.id.to_string(),
            position,
            f.identifier,
            f.uri,
            f.title,
            f.creator,
            f.version,
            f.language,
            f.source,
            json_str(&f.extra)
        ],
    )?;
    Ok(())
}

pub fn insert_standard_item(conn: &Connection, s: &StandardItem, position: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO standard_items (id, framework_id, parent_id, position, identifier, uri, code,
            statement, abbreviated, item_type, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        s.id.to_string(),
        s.framework.to_string(),
        s.parent.map(|p| p.to_string()),
        position,
        s.identifier,
        s.uri,
        s.code,
        s.statement,
        s.abbreviated,
        s.item_type,
        json_str(&s.extra)
    ])?;
    Ok(())
}

pub fn insert_association(conn: &Connection, a: &StandardAssociation, position: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO associations (id, framework_id, position, identifier, association_type,
            origin_identifier, origin_uri, origin_title, destination_identifier, destination_uri,
            destination_title, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        a.id.to_string(),
        a.framework.to_string(),
        position,
        a.identifier,
        a.association_type,
        a.origin.identifier,
        a.origin.uri,
        a.origin.title,
        a.destination.identifier,
        a.destination.uri,
        a.destination.title,
        json_str(&a.extra)
    ])?;
    Ok(())
}

/// An objective's columns: `?1` id, `?2` node, `?3` position, `?4`… its fields.
fn objective_params<R>(
    o: &Objective,
    position: i64,
    run: impl FnOnce(&[&dyn ToSql]) -> rusqlite::Result<R>,
) -> rusqlite::Result<R> {
    run(params![
        o.id.to_string(),
        o.node.to_string(),
        position,
        o.code,
        o.statement,
        o.abcd.audience,
        o.abcd.behavior,
        o.abcd.condition,
        o.abcd.degree,
        o.level.map(|l| enum_str(&l)),
        enum_str(&o.level_source),
        o.knowledge.map(|k| enum_str(&k)),
        enum_str(&o.domain)
    ])
}

pub fn insert_objective(conn: &Connection, o: &Objective, position: i64) -> Result<()> {
    objective_params(o, position, |p| {
        conn.prepare_cached(
            "INSERT INTO objectives (id, node_id, position, code, statement, audience, behavior,
                condition, degree, level, level_source, knowledge, domain)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(p)
    })?;
    Ok(())
}

/// Objective links reference other objectives, so bulk writes add them after all objectives.
pub fn insert_objective_links(conn: &Connection, o: &Objective) -> Result<()> {
    insert_links(conn, "objective_supports", "objective_id", "supported_id", o.id.0, &o.supports)?;
    insert_links(
        conn,
        "objective_prerequisites",
        "objective_id",
        "prerequisite_id",
        o.id.0,
        &o.prerequisites,
    )?;
    insert_links(conn, "objective_standards", "objective_id", "item_id", o.id.0, &o.standards)?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO objective_emphasis (objective_id, course_id, position, emphasis) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, e) in o.emphasis.iter().enumerate() {
        stmt.execute(params![o.id.to_string(), e.course.to_string(), i as i64, enum_str(&e.emphasis)])?;
    }
    Ok(())
}

pub fn update_objective(conn: &Connection, o: &Objective) -> Result<usize> {
    let changed = objective_params(o, 0, |p| {
        conn.execute(
            "UPDATE objectives SET code = ?4, statement = ?5, audience = ?6, behavior = ?7,
                condition = ?8, degree = ?9, level = ?10, level_source = ?11, knowledge = ?12,
                domain = ?13 WHERE id = ?1",
            p,
        )
    })?;
    for table in
        ["objective_supports", "objective_prerequisites", "objective_standards", "objective_emphasis"]
    {
        conn.execute(&format!("DELETE FROM {table} WHERE objective_id = ?1"), [o.id.to_string()])?;
    }
    insert_objective_links(conn, o)?;
    Ok(changed)
}

pub fn insert_asset(conn: &Connection, a: &Asset, position: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO assets (id, position, name, media_type, alt, sha256, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![a.id.to_string(), position, a.name, a.media_type, a.alt, a.sha256, a.data],
    )?;
    Ok(())
}

/// An activity's columns: `?1` id, `?2` node, `?3` position, `?4`… its fields.
fn activity_params<R>(
    a: &Activity,
    position: i64,
    run: impl FnOnce(&[&dyn ToSql]) -> rusqlite::Result<R>,
) -> rusqlite::Result<R> {
    run(params![
        a.id.to_string(),
        a.node.to_string(),
        position,
        a.title,
        enum_str(&a.kind),
        a.instructions,
        a.duration_minutes,
        enum_str(&a.grouping),
        a.event,
        content_json(a),
        a.pathway.as_ref().map(json_str)
    ])
}

pub fn insert_activity(conn: &Connection, a: &Activity, position: i64) -> Result<()> {
    activity_params(a, position, |p| {
        conn.prepare_cached(
            "INSERT INTO activities (id, node_id, position, title, kind, instructions, duration_minutes,
                grouping, event, content, pathway) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(p)
    })?;
    insert_activity_children(conn, a)
}

/// An activity's interactive content as the JSON text of its `content` column (NULL when absent).
fn content_json(a: &Activity) -> Option<String> {
    a.content.as_ref().map(json_str)
}

fn insert_activity_children(conn: &Connection, a: &Activity) -> Result<()> {
    insert_links(conn, "activity_objectives", "activity_id", "objective_id", a.id.0, &a.objectives)?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO activity_resources (activity_id, position, title, url, asset_id) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, r) in a.resources.iter().enumerate() {
        stmt.execute(params![a.id.to_string(), i as i64, r.title, r.url, r.asset.map(|x| x.to_string())])?;
    }
    Ok(())
}

pub fn update_activity(conn: &Connection, a: &Activity) -> Result<usize> {
    let changed = activity_params(a, 0, |p| {
        conn.execute(
            "UPDATE activities SET title = ?4, kind = ?5, instructions = ?6, duration_minutes = ?7,
                grouping = ?8, event = ?9, content = ?10, pathway = ?11 WHERE id = ?1",
            p,
        )
    })?;
    conn.execute("DELETE FROM activity_objectives WHERE activity_id = ?1", [a.id.to_string()])?;
    conn.execute("DELETE FROM activity_resources WHERE activity_id = ?1", [a.id.to_string()])?;
    insert_activity_children(conn, a)?;
    Ok(changed)
}

pub fn insert_rubric(conn: &Connection, r: &Rubric, position: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO rubrics (id, position, title, kind, description) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![r.id.to_string(), position, r.title, enum_str(&r.kind), r.description],
    )?;
    insert_rubric_children(conn, r)
}

fn insert_rubric_children(conn: &Connection, r: &Rubric) -> Result<()> {
    let mut level = conn.prepare_cached(
        "INSERT INTO rubric_levels (id, rubric_id, position, label, points) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, l) in r.levels.iter().enumerate() {
        level.execute(params![l.id.to_string(), r.id.to_string(), i as i64, l.label, l.points])?;
    }
    let mut criterion = conn.prepare_cached(
        "INSERT INTO criteria (id, rubric_id, position, title, description, weight, objective_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut descriptor = conn.prepare_cached(
        "INSERT INTO descriptors (criterion_id, level_id, position, text) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, c) in r.criteria.iter().enumerate() {
        criterion.execute(params![
            c.id.to_string(),
            r.id.to_string(),
            i as i64,
            c.title,
            c.description,
            c.weight,
            c.objective.map(|o| o.to_string())
        ])?;
        for (j, d) in c.descriptors.iter().enumerate() {
            descriptor.execute(params![c.id.to_string(), d.level.to_string(), j as i64, d.text])?;
        }
    }
    Ok(())
}

/// Replaces a rubric's levels and criteria wholesale (rubric grids are edited as a whole).
pub fn update_rubric(conn: &Connection, r: &Rubric) -> Result<usize> {
    let changed = conn.execute(
        "UPDATE rubrics SET title = ?2, kind = ?3, description = ?4 WHERE id = ?1",
        params![r.id.to_string(), r.title, enum_str(&r.kind), r.description],
    )?;
    conn.execute("DELETE FROM criteria WHERE rubric_id = ?1", [r.id.to_string()])?;
    conn.execute("DELETE FROM rubric_levels WHERE rubric_id = ?1", [r.id.to_string()])?;
    insert_rubric_children(conn, r)?;
    Ok(changed)
}

/// An assessment's columns: `?1` id, `?2` node, `?3` position, `?4`… its fields.
fn assessment_params<R>(
    a: &Assessment,
    position: i64,
    run: impl FnOnce(&[&dyn ToSql]) -> rusqlite::Result<R>,
) -> rusqlite::Result<R> {
    run(params![
        a.id.to_string(),
        a.node.to_string(),
        position,
        a.title,
        enum_str(&a.purpose),
        enum_str(&a.format),
        a.instructions,
        a.points,
        a.weight,
        a.duration_minutes,
        a.mastery_score,
        a.grasps.as_ref().map(json_str),
        a.rubric.map(|r| r.to_string())
    ])
}

pub fn insert_assessment(conn: &Connection, a: &Assessment, position: i64) -> Result<()> {
    assessment_params(a, position, |p| {
        conn.prepare_cached(
            "INSERT INTO assessments (id, node_id, position, title, purpose, format, instructions,
                points, weight, duration_minutes, mastery_score, grasps, rubric_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(p)
    })?;
    insert_assessment_children(conn, a)
}

fn insert_assessment_children(conn: &Connection, a: &Assessment) -> Result<()> {
    insert_links(conn, "assessment_objectives", "assessment_id", "objective_id", a.id.0, &a.objectives)?;
    let mut item = conn.prepare_cached(
        "INSERT INTO items (id, assessment_id, position, stem, body, points, feedback_correct,
            feedback_incorrect, level) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (i, it) in a.items.iter().enumerate() {
        item.execute(params![
            it.id.to_string(),
            a.id.to_string(),
            i as i64,
            it.stem,
            json_str(&it.body),
            it.points,
            it.feedback_correct,
            it.feedback_incorrect,
            it.level.map(|l| enum_str(&l))
        ])?;
        insert_links(conn, "item_objectives", "item_id", "objective_id", it.id.0, &it.objectives)?;
    }
    Ok(())
}

/// Updates an assessment and replaces its items (the item list is edited as a whole).
pub fn update_assessment(conn: &Connection, a: &Assessment) -> Result<usize> {
    let changed = assessment_params(a, 0, |p| {
        conn.execute(
            "UPDATE assessments SET title = ?4, purpose = ?5, format = ?6, instructions = ?7,
                points = ?8, weight = ?9, duration_minutes = ?10, mastery_score = ?11, grasps = ?12,
                rubric_id = ?13
             WHERE id = ?1",
            p,
        )
    })?;
    conn.execute("DELETE FROM assessment_objectives WHERE assessment_id = ?1", [a.id.to_string()])?;
    conn.execute("DELETE FROM items WHERE assessment_id = ?1", [a.id.to_string()])?;
    insert_assessment_children(conn, a)?;
    Ok(changed)
}

pub fn insert_comment(conn: &Connection, c: &Comment, position: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO comments (id, position, target, parent_id, author, body, created_at, resolved)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            c.id.to_string(),
            position,
            c.target.hyphenated().to_string(),
            c.parent.map(|p| p.to_string()),
            c.author,
            c.body,
            c.created_at.0,
            c.resolved
        ],
    )?;
    Ok(())
}

pub fn insert_review_event(conn: &Connection, e: &ReviewEvent, position: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO review_events (id, position, node_id, from_status, to_status, author, at, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            e.id.to_string(),
            position,
            e.node.to_string(),
            enum_str(&e.from),
            enum_str(&e.to),
            e.author,
            e.at.0,
            e.note
        ],
    )?;
    Ok(())
}

pub fn insert_snapshot(conn: &Connection, s: &Snapshot, position: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO snapshots (id, position, name, created_at, document) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![s.id.to_string(), position, s.name, s.created_at.0, s.document],
    )?;
    Ok(())
}

fn insert_links<T: std::fmt::Display>(
    conn: &Connection,
    table: &str,
    owner_col: &str,
    target_col: &str,
    owner: uuid::Uuid,
    targets: &[T],
) -> Result<()> {
    if targets.is_empty() {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(&format!(
        "INSERT INTO {table} ({owner_col}, {target_col}, position) VALUES (?1, ?2, ?3)"
    ))?;
    let owner = owner.hyphenated().to_string();
    for (i, t) in targets.iter().enumerate() {
        stmt.execute(params![owner, t.to_string(), i as i64])?;
    }
    Ok(())
}

fn replace_links<T: std::fmt::Display>(
    conn: &Connection,
    table: &str,
    owner_col: &str,
    target_col: &str,
    owner: uuid::Uuid,
    targets: &[T],
) -> Result<()> {
    conn.execute(&format!("DELETE FROM {table} WHERE {owner_col} = ?1"), [owner.hyphenated().to_string()])?;
    insert_links(conn, table, owner_col, target_col, owner, targets)
}

/// Makes the document tables hold exactly `doc` by writing only the rows that differ: `doc` is
/// written into an in-memory database with the same schema by the same writers as
/// [`insert_document`], and the two are compared table by table, row by primary key. New rows
/// are inserted, changed rows updated in place (same rowid), and rows that are gone deleted last
/// (so that a row moved to a new parent is not taken away by its old parent's cascade). The
/// journal therefore records a step proportional to the change, not to the document.
pub fn replace_document(conn: &Connection, doc: &Document) -> Result<()> {
    use super::journal::TABLE_DEFS;
    let mut scratch = Connection::open_in_memory()?;
    super::harden(&scratch)?;
    super::migrations()
        .to_latest(&mut scratch)
        .map_err(|e| crate::Error::Internal(format!("in-memory schema: {e}")))?;
    let tx = scratch.transaction()?;
    insert_document(&tx, doc)?;
    tx.commit()?;

    let mut gone: Vec<(&'static str, Vec<i64>)> = Vec::new();
    for table in TABLE_DEFS {
        let mut old = table_rows(conn, table)?;
        let new = table_rows(&scratch, table)?;
        let cols = table.columns;
        let names = cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
        let marks = (1..=cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let sets = cols.iter().enumerate().map(|(i, c)| format!("\"{c}\" = ?{}", i + 2)).collect::<Vec<_>>();
        let name = table.name;
        let mut changed: Vec<(i64, Vec<rusqlite::types::Value>)> = Vec::new();
        let mut added: Vec<Vec<rusqlite::types::Value>> = Vec::new();
        for (key, (_, values)) in new {
            match old.remove(&key) {
                Some((_, before)) if before == values => {}
                Some((rowid, _)) => changed.push((rowid, values)),
                None => added.push(values),
            }
        }
        let mut gone_rows: Vec<i64> = old.into_values().map(|(rowid, _)| rowid).collect();
        if name == "assets" {
            // Asset names are unique: remove the assets that are gone and park renamed ones under
            // their (unique) id first, so a new or renamed asset may take a name that was in use.
            // (Removing an asset only clears references to it, which the new rows of the later
            // tables set right.)
            let mut delete = conn.prepare_cached("DELETE FROM main.assets WHERE rowid = ?1")?;
            for rowid in gone_rows.drain(..) {
                delete.execute([rowid])?;
            }
            let mut park =
                conn.prepare_cached("UPDATE main.assets SET name = '\u{1}' || id WHERE rowid = ?1")?;
            for (rowid, _) in &changed {
                park.execute([rowid])?;
            }
        }
        let mut update =
            conn.prepare_cached(&format!("UPDATE main.\"{name}\" SET {} WHERE rowid = ?1", sets.join(", ")))?;
        for (rowid, values) in &changed {
            update.raw_bind_parameter(1, rowid)?;
            for (i, v) in values.iter().enumerate() {
                update.raw_bind_parameter(i + 2, v)?;
            }
            update.raw_execute()?;
        }
        let mut insert =
            conn.prepare_cached(&format!("INSERT INTO main.\"{name}\" ({names}) VALUES ({marks})"))?;
        for values in &added {
            insert.execute(rusqlite::params_from_iter(values))?;
        }
        gone.push((name, gone_rows));
    }
    // Children before parents: a parent's cascade may already have removed a child (then the
    // delete finds nothing).
    for (name, rowids) in gone.iter().rev() {
        let mut delete = conn.prepare_cached(&format!("DELETE FROM main.\"{name}\" WHERE rowid = ?1"))?;
        for rowid in rowids {
            delete.execute([rowid])?;
        }
    }
    Ok(())
}

/// A table's rows by primary key: rowid and every column in declaration order.
type Rows = std::collections::HashMap<String, (i64, Vec<rusqlite::types::Value>)>;

fn table_rows(conn: &Connection, table: &super::journal::Table) -> Result<Rows> {
    use rusqlite::types::Value;
    let names = table.columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    let mut stmt = conn.prepare(&format!("SELECT rowid, {names} FROM main.\"{}\"", table.name))?;
    let key_at: Vec<usize> =
        table.key.iter().filter_map(|k| table.columns.iter().position(|c| c == k)).collect();
    let mut rows = stmt.query([])?;
    let mut out = Rows::new();
    while let Some(row) = rows.next()? {
        let rowid: i64 = row.get(0)?;
        let values = (1..=table.columns.len())
            .map(|i| row.get::<_, Value>(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let key = key_at
            .iter()
            .map(|&i| match values.get(i) {
                Some(Value::Text(s)) => s.clone(),
                Some(Value::Integer(n)) => n.to_string(),
                other => format!("{other:?}"),
            })
            .collect::<Vec<_>>()
            .join("\u{0}");
        out.insert(key, (rowid, values));
    }
    Ok(out)
}
