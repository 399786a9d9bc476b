-- Version 4: references to keys no record holds. An ingest notes each
-- reference whose target has no record yet; a note is removed once a record
-- with that id arrives, from whatever source. The run that last made a
-- reference owns its note, so the ingest log can say how many it left.
CREATE TABLE dangling (
    entity_id  TEXT NOT NULL,
    prop       TEXT NOT NULL,
    target     TEXT NOT NULL,
    dataset_id INTEGER NOT NULL REFERENCES dataset(id),
    run_id     INTEGER NOT NULL,
    PRIMARY KEY (entity_id, prop, target)
) WITHOUT ROWID;
CREATE INDEX dangling_target ON dangling(target);
CREATE INDEX dangling_run ON dangling(run_id);

ALTER TABLE ingest_run ADD COLUMN dangling INTEGER NOT NULL DEFAULT 0;
