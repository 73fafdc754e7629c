-- Trellis document schema, version 3: evidence of learning, kept apart from the design.
-- Nothing here is read by `Store::load` (the design); `evidence::Evidence` reads it on demand.
-- Every table is journaled, so an import (or the removal of a cohort) is one undo step. Results
-- name objectives, assessments, quiz items and rubric criteria by id without a foreign key: the
-- design may change after an import, and a result whose target is gone is reported, not lost.

-- The document's evidence settings (one row, created by the first import): the salt of the
-- learner pseudonyms (random, per document) and the curriculum's default mastery policy.
CREATE TABLE evidence_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    salt BLOB NOT NULL,
    points_possible REAL NOT NULL,
    mastery_points REAL NOT NULL,
    method TEXT NOT NULL,
    calculation_int INTEGER,
    min_results INTEGER NOT NULL
);

-- A mastery policy for one objective, overriding the curriculum's default.
CREATE TABLE evidence_policies (
    objective_id TEXT PRIMARY KEY NOT NULL,
    points_possible REAL NOT NULL,
    mastery_points REAL NOT NULL,
    method TEXT NOT NULL,
    calculation_int INTEGER,
    min_results INTEGER NOT NULL
);

-- A group of learners whose results were imported together (a course section, a term).
CREATE TABLE evidence_cohorts (
    name TEXT PRIMARY KEY NOT NULL,
    term TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

-- A learner of a cohort, known by a pseudonym (a salted hash of the LMS id); the name only when
-- the user asked to keep names.
CREATE TABLE evidence_learners (
    cohort TEXT NOT NULL REFERENCES evidence_cohorts(name) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    pseudonym TEXT NOT NULL,
    name TEXT,
    section TEXT NOT NULL,
    PRIMARY KEY (cohort, pseudonym)
);

-- One result: what was measured (`target_kind` objective, assessment, item or criterion, and its
-- id), the score and points possible, when (seconds since the Unix epoch, UTC), the attempt and
-- the line of the source it came from. `row_hash` identifies the source row, so importing the
-- same file again adds nothing. `learner` is a pseudonym of `evidence_learners` of the same cohort
-- (written by the same import; no foreign key, whose per-learner lookups would slow removal).
CREATE TABLE evidence_results (
    cohort TEXT NOT NULL REFERENCES evidence_cohorts(name) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    source TEXT NOT NULL,
    row_hash BLOB NOT NULL,
    learner TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    score REAL NOT NULL,
    points_possible REAL,
    at INTEGER,
    attempt INTEGER,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (cohort, source, row_hash)
);
