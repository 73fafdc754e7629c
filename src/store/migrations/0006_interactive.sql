-- Trellis document schema, version 6: interactive activity content.
-- `content` holds the JSON text of an activity's `InteractiveContent` (an H5P package or an HTML5
-- simulation stored as one asset, with what the import read from it: kind, entry file, title,
-- main library, libraries); NULL for ordinary activities. It is part of the activity row, so it
-- is journaled, merged and exported with it.
ALTER TABLE activities ADD COLUMN content TEXT;
