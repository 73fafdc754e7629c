//! Loading the whole document from the tables into a [`Document`] in canonical order. One
//! `SELECT` per table; links are gathered into maps and attached to their owners.

use std::collections::HashMap;

use rusqlite::Connection;

use super::codec::{parse_enum, parse_id, parse_json};
use crate::model::*;
use crate::{Error, Result};

type LinkMap<T> = HashMap<String, Vec<T>>;

/// Parses the id in column `i` without copying the text out of SQLite.
fn id_at<T: std::str::FromStr>(r: &rusqlite::Row<'_>, i: usize, column: &str) -> Result<T> {
    let text = r.get_ref(i)?.as_str().map_err(|e| Error::Internal(format!("column {column}: {e}")))?;
    parse_id(column, text)
}

fn links<T: std::str::FromStr>(
    conn: &Connection,
    table: &str,
    owner: &str,
    target: &str,
) -> Result<LinkMap<T>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {owner}, {target} FROM {table} ORDER BY {owner}, position"))?;
    let mut rows = stmt.query([])?;
    let mut map: LinkMap<T> = HashMap::new();
    while let Some(row) = rows.next()? {
        let owner: String = row.get(0)?;
        map.entry(owner).or_default().push(id_at(row, 1, table)?);
    }
    Ok(map)
}

/// Reads the document.
pub fn load(conn: &Connection) -> Result<Document> {
    let (format, curriculum) = conn
        .query_row(
            "SELECT id, format, title, code, description, audience, level, language, credit_system,
                credits, weeks, template, created_at, updated_at FROM curriculum",
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
                },
            ))
        })
        .map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => {
                Error::Internal("the document has no curriculum row".into())
            }
            other => other.into(),
        })??;

    let node_prereqs: LinkMap<NodeId> = links(conn, "node_prerequisites", "node_id", "prerequisite_id")?;
    let mut nodes: Vec<(Option<String>, i64, Node)> = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT id, parent_id, position, kind, code, title, summary, duration_minutes, week, fields, status
             FROM nodes",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let parent: Option<String> = r.get(1)?;
            let node = Node {
                id: parse_id("nodes.id", &id)?,
                parent: parent.as_deref().map(|p| parse_id("nodes.parent_id", p)).transpose()?,
                kind: r.get(3)?,
                code: r.get(4)?,
                title: r.get(5)?,
                summary: r.get(6)?,
                duration_minutes: r.get(7)?,
                week: r.get(8)?,
                prerequisites: node_prereqs.get(&id).cloned().unwrap_or_default(),
                fields: parse_json("nodes.fields", &r.get::<_, String>(9)?)?,
                status: parse_enum("nodes.status", &r.get::<_, String>(10)?)?,
            };
            nodes.push((parent, r.get(2)?, node));
        }
    }
    // Siblings by position, then pre-order.
    nodes.sort_by_key(|n| n.1);
    let mut doc = Document {
        format,
        curriculum,
        nodes: nodes.into_iter().map(|(_, _, n)| n).collect(),
        objectives: Vec::new(),
        frameworks: Vec::new(),
        standard_items: Vec::new(),
        associations: Vec::new(),
        activities: Vec::new(),
        assessments: Vec::new(),
        rubrics: Vec::new(),
        comments: Vec::new(),
        review_events: Vec::new(),
        snapshots: Vec::new(),
        assets: Vec::new(),
    };

    let supports: LinkMap<ObjectiveId> = links(conn, "objective_supports", "objective_id", "supported_id")?;
    let oprereqs: LinkMap<ObjectiveId> =
        links(conn, "objective_prerequisites", "objective_id", "prerequisite_id")?;
    let ostandards: LinkMap<StandardItemId> = links(conn, "objective_standards", "objective_id", "item_id")?;
    let mut emphasis: HashMap<String, Vec<CourseEmphasis>> = HashMap::new();
    {
        let mut stmt = conn
            .prepare("SELECT objective_id, course_id, emphasis FROM objective_emphasis ORDER BY objective_id, position")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            emphasis.entry(r.get(0)?).or_default().push(CourseEmphasis {
                course: id_at(r, 1, "objective_emphasis.course_id")?,
                emphasis: parse_enum("objective_emphasis.emphasis", &r.get::<_, String>(2)?)?,
            });
        }
    }
    {
        let mut stmt = conn.prepare(
            "SELECT id, node_id, code, statement, audience, behavior, condition, degree, level, level_source,
                knowledge, domain FROM objectives ORDER BY position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            doc.objectives.push(Objective {
                id: parse_id("objectives.id", &id)?,
                node: id_at(r, 1, "objectives.node_id")?,
                code: r.get(2)?,
                statement: r.get(3)?,
                abcd: Abcd {
                    audience: r.get(4)?,
                    behavior: r.get(5)?,
                    condition: r.get(6)?,
                    degree: r.get(7)?,
                },
                level: r
                    .get::<_, Option<String>>(8)?
                    .map(|l| parse_enum("objectives.level", &l))
                    .transpose()?,
                level_source: parse_enum("objectives.level_source", &r.get::<_, String>(9)?)?,
                knowledge: r
                    .get::<_, Option<String>>(10)?
                    .map(|k| parse_enum("objectives.knowledge", &k))
                    .transpose()?,
                domain: parse_enum("objectives.domain", &r.get::<_, String>(11)?)?,
                supports: supports.get(&id).cloned().unwrap_or_default(),
                prerequisites: oprereqs.get(&id).cloned().unwrap_or_default(),
                standards: ostandards.get(&id).cloned().unwrap_or_default(),
                emphasis: emphasis.remove(&id).unwrap_or_default(),
            });
        }
    }

    {
        let mut stmt = conn.prepare(
            "SELECT id, identifier, uri, title, creator, version, language, source, extra FROM frameworks
             ORDER BY position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            doc.frameworks.push(Framework {
                id: id_at(r, 0, "frameworks.id")?,
                identifier: r.get(1)?,
                uri: r.get(2)?,
                title: r.get(3)?,
                creator: r.get(4)?,
                version: r.get(5)?,
                language: r.get(6)?,
                source: r.get(7)?,
                extra: parse_json("frameworks.extra", &r.get::<_, String>(8)?)?,
            });
        }
    }
    {
        let mut stmt = conn.prepare(
            "SELECT id, framework_id, parent_id, identifier, uri, code, statement, abbreviated, item_type, extra
             FROM standard_items ORDER BY position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            doc.standard_items.push(StandardItem {
                id: id_at(r, 0, "standard_items.id")?,
                framework: id_at(r, 1, "standard_items.framework_id")?,
                parent: r
                    .get::<_, Option<String>>(2)?
                    .map(|p| parse_id("standard_items.parent_id", &p))
                    .transpose()?,
                identifier: r.get(3)?,
                uri: r.get(4)?,
                code: r.get(5)?,
                statement: r.get(6)?,
                abbreviated: r.get(7)?,
                item_type: r.get(8)?,
                extra: parse_json("standard_items.extra", &r.get::<_, String>(9)?)?,
            });
        }
    }
    {
        let mut stmt = conn.prepare(
            "SELECT id, framework_id, identifier, association_type, origin_identifier, origin_uri, origin_title,
                destination_identifier, destination_uri, destination_title, extra FROM associations
             ORDER BY position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            doc.associations.push(StandardAssociation {
                id: id_at(r, 0, "associations.id")?,
                framework: id_at(r, 1, "associations.framework_id")?,
                identifier: r.get(2)?,
                association_type: r.get(3)?,
                origin: ExternalRef { identifier: r.get(4)?, uri: r.get(5)?, title: r.get(6)? },
                destination: ExternalRef { identifier: r.get(7)?, uri: r.get(8)?, title: r.get(9)? },
                extra: parse_json("associations.extra", &r.get::<_, String>(10)?)?,
            });
        }
    }

    let act_objectives: LinkMap<ObjectiveId> =
        links(conn, "activity_objectives", "activity_id", "objective_id")?;
    let mut resources: HashMap<String, Vec<Resource>> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT activity_id, title, url, asset_id FROM activity_resources ORDER BY activity_id, position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            resources.entry(r.get(0)?).or_default().push(Resource {
                title: r.get(1)?,
                url: r.get(2)?,
                asset: r
                    .get::<_, Option<String>>(3)?
                    .map(|a| parse_id("activity_resources.asset_id", &a))
                    .transpose()?,
            });
        }
    }
    {
        let mut stmt = conn.prepare(
            "SELECT id, node_id, title, kind, instructions, duration_minutes, grouping, event FROM activities
             ORDER BY position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            doc.activities.push(Activity {
                id: parse_id("activities.id", &id)?,
                node: id_at(r, 1, "activities.node_id")?,
                title: r.get(2)?,
                kind: parse_enum("activities.kind", &r.get::<_, String>(3)?)?,
                instructions: r.get(4)?,
                duration_minutes: r.get(5)?,
                grouping: parse_enum("activities.grouping", &r.get::<_, String>(6)?)?,
                event: r.get(7)?,
                objectives: act_objectives.get(&id).cloned().unwrap_or_default(),
                resources: resources.remove(&id).unwrap_or_default(),
            });
        }
    }

    let mut levels: HashMap<String, Vec<RubricLevel>> = HashMap::new();
    {
        let mut stmt = conn
            .prepare("SELECT id, rubric_id, label, points FROM rubric_levels ORDER BY rubric_id, position")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            levels.entry(r.get(1)?).or_default().push(RubricLevel {
                id: id_at(r, 0, "rubric_levels.id")?,
                label: r.get(2)?,
                points: r.get(3)?,
            });
        }
    }
    let mut descriptors: HashMap<String, Vec<Descriptor>> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT criterion_id, level_id, text FROM descriptors ORDER BY criterion_id, position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            descriptors.entry(r.get(0)?).or_default().push(Descriptor {
                level: id_at(r, 1, "descriptors.level_id")?,
                text: r.get(2)?,
            });
        }
    }
    let mut criteria: HashMap<String, Vec<Criterion>> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT id, rubric_id, title, description, weight, objective_id FROM criteria
             ORDER BY rubric_id, position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            criteria.entry(r.get(1)?).or_default().push(Criterion {
                id: parse_id("criteria.id", &id)?,
                title: r.get(2)?,
                description: r.get(3)?,
                weight: r.get(4)?,
                objective: r
                    .get::<_, Option<String>>(5)?
                    .map(|o| parse_id("criteria.objective_id", &o))
                    .transpose()?,
                descriptors: descriptors.remove(&id).unwrap_or_default(),
            });
        }
    }
    {
        let mut stmt = conn.prepare("SELECT id, title, kind, description FROM rubrics ORDER BY position")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            doc.rubrics.push(Rubric {
                id: parse_id("rubrics.id", &id)?,
                title: r.get(1)?,
                kind: parse_enum("rubrics.kind", &r.get::<_, String>(2)?)?,
                description: r.get(3)?,
                levels: levels.remove(&id).unwrap_or_default(),
                criteria: criteria.remove(&id).unwrap_or_default(),
            });
        }
    }

    let item_objectives: LinkMap<ObjectiveId> = links(conn, "item_objectives", "item_id", "objective_id")?;
    let mut items: HashMap<String, Vec<QuizItem>> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT id, assessment_id, stem, body, points, feedback_correct, feedback_incorrect, level FROM items
             ORDER BY assessment_id, position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            items.entry(r.get(1)?).or_default().push(QuizItem {
                id: parse_id("items.id", &id)?,
                stem: r.get(2)?,
                body: parse_json("items.body", &r.get::<_, String>(3)?)?,
                points: r.get(4)?,
                feedback_correct: r.get(5)?,
                feedback_incorrect: r.get(6)?,
                level: r.get::<_, Option<String>>(7)?.map(|l| parse_enum("items.level", &l)).transpose()?,
                objectives: item_objectives.get(&id).cloned().unwrap_or_default(),
            });
        }
    }
    let assess_objectives: LinkMap<ObjectiveId> =
        links(conn, "assessment_objectives", "assessment_id", "objective_id")?;
    {
        let mut stmt = conn.prepare(
            "SELECT id, node_id, title, purpose, format, instructions, points, weight, duration_minutes,
                mastery_score, grasps, rubric_id FROM assessments ORDER BY position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            doc.assessments.push(Assessment {
                id: parse_id("assessments.id", &id)?,
                node: id_at(r, 1, "assessments.node_id")?,
                title: r.get(2)?,
                purpose: parse_enum("assessments.purpose", &r.get::<_, String>(3)?)?,
                format: parse_enum("assessments.format", &r.get::<_, String>(4)?)?,
                instructions: r.get(5)?,
                points: r.get(6)?,
                weight: r.get(7)?,
                duration_minutes: r.get(8)?,
                mastery_score: r.get(9)?,
                grasps: r
                    .get::<_, Option<String>>(10)?
                    .map(|g| parse_json("assessments.grasps", &g))
                    .transpose()?,
                rubric: r
                    .get::<_, Option<String>>(11)?
                    .map(|x| parse_id("assessments.rubric_id", &x))
                    .transpose()?,
                objectives: assess_objectives.get(&id).cloned().unwrap_or_default(),
                items: items.remove(&id).unwrap_or_default(),
            });
        }
    }

    {
        let mut stmt = conn.prepare(
            "SELECT id, target, parent_id, author, body, created_at, resolved FROM comments ORDER BY position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            doc.comments.push(Comment {
                id: id_at(r, 0, "comments.id")?,
                target: id_at(r, 1, "comments.target")?,
                parent: r
                    .get::<_, Option<String>>(2)?
                    .map(|p| parse_id("comments.parent_id", &p))
                    .transpose()?,
                author: r.get(3)?,
                body: r.get(4)?,
                created_at: Timestamp(r.get(5)?),
                resolved: r.get(6)?,
            });
        }
    }
    {
        let mut stmt = conn.prepare(
            "SELECT id, node_id, from_status, to_status, author, at, note FROM review_events ORDER BY position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            doc.review_events.push(ReviewEvent {
                id: id_at(r, 0, "review_events.id")?,
                node: id_at(r, 1, "review_events.node_id")?,
                from: parse_enum("review_events.from_status", &r.get::<_, String>(2)?)?,
                to: parse_enum("review_events.to_status", &r.get::<_, String>(3)?)?,
                author: r.get(4)?,
                at: Timestamp(r.get(5)?),
                note: r.get(6)?,
            });
        }
    }
    {
        let mut stmt =
            conn.prepare("SELECT id, name, created_at, document FROM snapshots ORDER BY position")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            doc.snapshots.push(Snapshot {
                id: id_at(r, 0, "snapshots.id")?,
                name: r.get(1)?,
                created_at: Timestamp(r.get(2)?),
                document: r.get(3)?,
            });
        }
    }
    {
        let mut stmt =
            conn.prepare("SELECT id, name, media_type, alt, sha256, data FROM assets ORDER BY position")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            doc.assets.push(Asset {
                id: id_at(r, 0, "assets.id")?,
                name: r.get(1)?,
                media_type: r.get(2)?,
                alt: r.get(3)?,
                sha256: r.get(4)?,
                data: r.get(5)?,
            });
        }
    }
    doc.normalize();
    Ok(doc)
}
