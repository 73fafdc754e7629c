-- Trellis document schema, version 7: mastery pathways and spaced review.
-- `nodes.pathway` and `activities.pathway` hold the JSON text of a `Pathway` (role remediation
-- or enrichment, and the objectives whose mastery decides the route); NULL on the main path.
-- `curriculum.review_plan` holds the JSON text of a `ReviewPlan` (review intervals in days,
-- minutes per review, optional start date); NULL when no spaced review is planned. All three are
-- part of their rows, so they are journaled, merged and exported with them.
ALTER TABLE nodes ADD COLUMN pathway TEXT;
ALTER TABLE activities ADD COLUMN pathway TEXT;
ALTER TABLE curriculum ADD COLUMN review_plan TEXT;
-- A deleted objective leaves the pathways that named it (as deleting it removes its other links).
CREATE TRIGGER objectives_leave_node_pathways AFTER DELETE ON objectives BEGIN
    UPDATE nodes SET pathway = json_set(pathway, '$.objectives', json((
        SELECT json_group_array(value) FROM json_each(nodes.pathway, '$.objectives') WHERE value <> OLD.id)))
    WHERE pathway IS NOT NULL AND instr(pathway, OLD.id) > 0;
END;
CREATE TRIGGER objectives_leave_activity_pathways AFTER DELETE ON objectives BEGIN
    UPDATE activities SET pathway = json_set(pathway, '$.objectives', json((
        SELECT json_group_array(value) FROM json_each(activities.pathway, '$.objectives') WHERE value <> OLD.id)))
    WHERE pathway IS NOT NULL AND instr(pathway, OLD.id) > 0;
END;
