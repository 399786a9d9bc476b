-- Version 10: records by when they were first seen, with their type.
--
-- An incremental indicator run asks which of a rule's types gained a
-- record since its last run, and reads only those records: without this
-- index both are a scan of every record the store holds. The type is in
-- the index so that the first question never reads the records themselves.
CREATE INDEX record_first_seen ON record(first_seen, schema_id);
