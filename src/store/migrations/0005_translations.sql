-- Trellis document schema, version 5: language variants (translations).
-- One row per translated learner-facing field: the language (BCP 47 tag), the field id split
-- into the entity's kind, the entity's id and the field path inside it (`objective`, <uuid>,
-- `statement`; the list of translatable fields is `crate::translate::fields`), the translated
-- text, a hash of the source text it was made from (a changed source then shows the translation
-- as outdated) and its review state. No foreign key: the field may name a quiz item, a choice
-- inside an item or a rubric criterion, and a translation whose entity is gone is harmless (it
-- is ignored and dropped by the next import of its language). Part of the design: journaled,
-- replaced with the document, merged and exported.
CREATE TABLE translations (
    language TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field TEXT NOT NULL,
    text TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (language, entity_kind, entity_id, field)
);
