-- Trellis document schema, version 2: the undo journal holds data, never SQL.
-- Version 1 stored each inverse row change as SQL text that undo executed; a crafted file could
-- make undo run anything. The old journal is dropped with its history (it cannot be trusted and
-- cannot be converted without executing it).

DROP TABLE journal;
DELETE FROM journal_steps;

-- One row per recorded row change, to be applied when the step is undone (or redone): `op` is
-- what to do to row `row_id` of table `tbl` ('insert' puts back a deleted row, 'update' sets its
-- columns back, 'delete' removes an inserted row) and `data` holds the row's column values as a
-- JSON object (see src/store/journal.rs). The store applies it through fixed statements built
-- from its compiled-in table and column lists.
CREATE TABLE journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    step INTEGER NOT NULL,
    op TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX journal_by_step ON journal(step, seq);
