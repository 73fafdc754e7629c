-- Trellis document schema, version 1. Append-only: never edit a shipped migration.
-- Every foreign key is DEFERRABLE INITIALLY DEFERRED so that a transaction may insert rows in any
-- order (bulk imports, undo replay) and is checked as a whole at COMMIT.

CREATE TABLE curriculum (
    id TEXT PRIMARY KEY NOT NULL,
    format INTEGER NOT NULL,
    title TEXT NOT NULL,
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    audience TEXT NOT NULL,
    level TEXT NOT NULL,
    language TEXT NOT NULL,
    credit_system TEXT NOT NULL,
    credits REAL,
    weeks INTEGER,
    template TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE nodes (
    id TEXT PRIMARY KEY NOT NULL,
    parent_id TEXT REFERENCES nodes(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    duration_minutes INTEGER,
    week INTEGER,
    fields TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX nodes_by_parent ON nodes(parent_id, position);

CREATE TABLE node_prerequisites (
    node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    prerequisite_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    PRIMARY KEY (node_id, prerequisite_id)
);
CREATE INDEX node_prerequisites_by_prerequisite ON node_prerequisites(prerequisite_id);

CREATE TABLE frameworks (
    id TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    identifier TEXT NOT NULL,
    uri TEXT NOT NULL,
    title TEXT NOT NULL,
    creator TEXT NOT NULL,
    version TEXT NOT NULL,
    language TEXT NOT NULL,
    source TEXT NOT NULL,
    extra TEXT NOT NULL
);

CREATE TABLE standard_items (
    id TEXT PRIMARY KEY NOT NULL,
    framework_id TEXT NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    parent_id TEXT REFERENCES standard_items(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    identifier TEXT NOT NULL,
    uri TEXT NOT NULL,
    code TEXT NOT NULL,
    statement TEXT NOT NULL,
    abbreviated TEXT NOT NULL,
    item_type TEXT NOT NULL,
    extra TEXT NOT NULL
);
CREATE INDEX standard_items_by_framework ON standard_items(framework_id, position);
CREATE INDEX standard_items_by_parent ON standard_items(parent_id);

CREATE TABLE associations (
    id TEXT PRIMARY KEY NOT NULL,
    framework_id TEXT NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    identifier TEXT NOT NULL,
    association_type TEXT NOT NULL,
    origin_identifier TEXT NOT NULL,
    origin_uri TEXT NOT NULL,
    origin_title TEXT NOT NULL,
    destination_identifier TEXT NOT NULL,
    destination_uri TEXT NOT NULL,
    destination_title TEXT NOT NULL,
    extra TEXT NOT NULL
);
CREATE INDEX associations_by_framework ON associations(framework_id, position);

CREATE TABLE objectives (
    id TEXT PRIMARY KEY NOT NULL,
    node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    statement TEXT NOT NULL,
    audience TEXT NOT NULL,
    behavior TEXT NOT NULL,
    condition TEXT NOT NULL,
    degree TEXT NOT NULL,
    level TEXT,
    level_source TEXT NOT NULL,
    knowledge TEXT,
    domain TEXT NOT NULL
);
CREATE INDEX objectives_by_node ON objectives(node_id, position);

CREATE TABLE objective_supports (
    objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    supported_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    PRIMARY KEY (objective_id, supported_id)
);
CREATE INDEX objective_supports_by_supported ON objective_supports(supported_id);

CREATE TABLE objective_prerequisites (
    objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    prerequisite_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    PRIMARY KEY (objective_id, prerequisite_id)
);
CREATE INDEX objective_prerequisites_by_prerequisite ON objective_prerequisites(prerequisite_id);

CREATE TABLE objective_standards (
    objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    item_id TEXT NOT NULL REFERENCES standard_items(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    PRIMARY KEY (objective_id, item_id)
);
CREATE INDEX objective_standards_by_item ON objective_standards(item_id);

CREATE TABLE objective_emphasis (
    objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    course_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    emphasis TEXT NOT NULL,
    PRIMARY KEY (objective_id, course_id)
);
CREATE INDEX objective_emphasis_by_course ON objective_emphasis(course_id);

CREATE TABLE assets (
    id TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL UNIQUE,
    media_type TEXT NOT NULL,
    alt TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL
);

CREATE TABLE activities (
    id TEXT PRIMARY KEY NOT NULL,
    node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    instructions TEXT NOT NULL,
    duration_minutes INTEGER,
    grouping TEXT NOT NULL,
    event TEXT
);
CREATE INDEX activities_by_node ON activities(node_id, position);

CREATE TABLE activity_objectives (
    activity_id TEXT NOT NULL REFERENCES activities(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    PRIMARY KEY (activity_id, objective_id)
);
CREATE INDEX activity_objectives_by_objective ON activity_objectives(objective_id);

CREATE TABLE activity_resources (
    activity_id TEXT NOT NULL REFERENCES activities(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    url TEXT,
    asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (activity_id, position)
);

CREATE TABLE rubrics (
    id TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL
);

CREATE TABLE rubric_levels (
    id TEXT PRIMARY KEY NOT NULL,
    rubric_id TEXT NOT NULL REFERENCES rubrics(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    points REAL NOT NULL
);
CREATE INDEX rubric_levels_by_rubric ON rubric_levels(rubric_id, position);

CREATE TABLE criteria (
    id TEXT PRIMARY KEY NOT NULL,
    rubric_id TEXT NOT NULL REFERENCES rubrics(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    weight REAL NOT NULL,
    objective_id TEXT REFERENCES objectives(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX criteria_by_rubric ON criteria(rubric_id, position);
CREATE INDEX criteria_by_objective ON criteria(objective_id);

CREATE TABLE descriptors (
    criterion_id TEXT NOT NULL REFERENCES criteria(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    level_id TEXT NOT NULL REFERENCES rubric_levels(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (criterion_id, level_id)
);
CREATE INDEX descriptors_by_level ON descriptors(level_id);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY NOT NULL,
    node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    purpose TEXT NOT NULL,
    format TEXT NOT NULL,
    instructions TEXT NOT NULL,
    points REAL,
    weight REAL,
    duration_minutes INTEGER,
    mastery_score REAL,
    grasps TEXT,
    rubric_id TEXT REFERENCES rubrics(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX assessments_by_node ON assessments(node_id, position);
CREATE INDEX assessments_by_rubric ON assessments(rubric_id);

CREATE TABLE assessment_objectives (
    assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, objective_id)
);
CREATE INDEX assessment_objectives_by_objective ON assessment_objectives(objective_id);

CREATE TABLE items (
    id TEXT PRIMARY KEY NOT NULL,
    assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    stem TEXT NOT NULL,
    body TEXT NOT NULL,
    points REAL NOT NULL,
    feedback_correct TEXT NOT NULL,
    feedback_incorrect TEXT NOT NULL,
    level TEXT
);
CREATE INDEX items_by_assessment ON items(assessment_id, position);

CREATE TABLE item_objectives (
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    PRIMARY KEY (item_id, objective_id)
);
CREATE INDEX item_objectives_by_objective ON item_objectives(objective_id);

CREATE TABLE comments (
    id TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    target TEXT NOT NULL,
    parent_id TEXT REFERENCES comments(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved INTEGER NOT NULL
);
CREATE INDEX comments_by_target ON comments(target);

CREATE TABLE review_events (
    id TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX review_events_by_node ON review_events(node_id);

CREATE TABLE snapshots (
    id TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    document TEXT NOT NULL
);

-- Comments follow the entity they are about: deleting any commentable row deletes its threads.
CREATE TRIGGER nodes_drop_comments AFTER DELETE ON nodes BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER objectives_drop_comments AFTER DELETE ON objectives BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER activities_drop_comments AFTER DELETE ON activities BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER assessments_drop_comments AFTER DELETE ON assessments BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER items_drop_comments AFTER DELETE ON items BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER rubrics_drop_comments AFTER DELETE ON rubrics BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER rubric_levels_drop_comments AFTER DELETE ON rubric_levels BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER criteria_drop_comments AFTER DELETE ON criteria BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER frameworks_drop_comments AFTER DELETE ON frameworks BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER standard_items_drop_comments AFTER DELETE ON standard_items BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER associations_drop_comments AFTER DELETE ON associations BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER assets_drop_comments AFTER DELETE ON assets BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER snapshots_drop_comments AFTER DELETE ON snapshots BEGIN DELETE FROM comments WHERE target = old.id; END;
CREATE TRIGGER review_events_drop_comments AFTER DELETE ON review_events BEGIN DELETE FROM comments WHERE target = old.id; END;

-- The undo journal: for every edit step, the SQL statements that reverse it (written by
-- connection-local triggers that the store installs on open). Undoing a step replays them in
-- reverse order and records their own inverses under the same step, which become its redo.
CREATE TABLE journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    step INTEGER NOT NULL,
    statement TEXT NOT NULL
);
CREATE INDEX journal_by_step ON journal(step, seq);

CREATE TABLE journal_steps (
    step INTEGER PRIMARY KEY NOT NULL,
    label TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('done', 'undone')),
    at TEXT NOT NULL
);
