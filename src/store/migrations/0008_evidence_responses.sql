-- Trellis document schema, version 8: the learner's response to a quiz item.
-- `response` holds what the learner answered, as the source gave it (an xAPI statement's
-- `result.response`, e.g. the choice identifiers Trellis packages send joined by `[,]`, or the
-- plain CSV's `response` column); NULL when the source does not say. The distractor analysis
-- (`evidence::analysis`) reads it; a changed response replaces the stored result like a changed
-- score. Journaled with the row.
ALTER TABLE evidence_results ADD COLUMN response TEXT;
