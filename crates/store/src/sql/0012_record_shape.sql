-- Version 12: each record's type and markings beside its id, in one index.
--
-- A reader asks for a record by id. Where the reader may see nothing of
-- it (a type the purpose does not cover, markings above the reader's
-- clearance), the answer must cost what it costs for an id never loaded:
-- the index below answers whether anything could be seen without reading
-- the record, so a hidden record and an absent one read the same pages.
-- `markings_id` is the markings every statement of the version carries,
-- or NULL where they differ (such a version is read and decided whole).
-- Versions stored before this step are given theirs as the store opens.
ALTER TABLE record ADD COLUMN markings_id INTEGER REFERENCES vocab(id);
CREATE INDEX record_shape ON record(entity_id, schema_id, markings_id);
