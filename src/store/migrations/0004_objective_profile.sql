-- Trellis document schema, version 4: the document's objective-level convention.
-- `objective_profile` holds the JSON text of a calibration profile (`trellis objectives
-- calibrate`, `pedagogy::Profile`); NULL means the built-in rules. It is part of the curriculum
-- row, so it is journaled, merged and exported with it.
ALTER TABLE curriculum ADD COLUMN objective_profile TEXT;
