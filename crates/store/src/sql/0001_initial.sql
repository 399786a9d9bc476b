-- Version 1. See docs/storage.md for the meaning of every column.

CREATE TABLE dataset (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    owner       TEXT NOT NULL,
    description TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    retention   TEXT NOT NULL,
    markings    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE source (
    id         INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES dataset(id),
    path       TEXT NOT NULL,
    UNIQUE (dataset_id, path)
);

-- Small repeated strings (schema and property names, markings) stored once.
CREATE TABLE vocab (
    id   INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);

-- Statements are stored packed: one row per version of a source record's
-- entity, its statements in `body` (docs/storage.md). The one index, on
-- (entity_id, key), gives uniqueness and the scan that assembles an entity;
-- sources number their records in order, so ingest appends to it.
CREATE TABLE record (
    key              BLOB NOT NULL,
    entity_id        TEXT NOT NULL,
    schema_id        INTEGER NOT NULL REFERENCES vocab(id),
    dataset_id       INTEGER NOT NULL REFERENCES dataset(id),
    source_id        INTEGER NOT NULL REFERENCES source(id),
    record           TEXT NOT NULL,
    subject_category TEXT,
    kind             TEXT NOT NULL,
    first_seen       INTEGER NOT NULL,
    last_seen        INTEGER NOT NULL,
    statements       INTEGER NOT NULL,
    new_statements   INTEGER NOT NULL,
    body             BLOB NOT NULL
);
CREATE UNIQUE INDEX record_entity ON record(entity_id, key);

CREATE TABLE ingest_run (
    id                INTEGER PRIMARY KEY,
    dataset           TEXT NOT NULL,
    mapping           TEXT NOT NULL,
    source            TEXT NOT NULL,
    started_at        INTEGER NOT NULL,
    finished_at       INTEGER,
    status            TEXT NOT NULL,
    rows_read         INTEGER NOT NULL DEFAULT 0,
    statements_new    INTEGER NOT NULL DEFAULT 0,
    statements_seen   INTEGER NOT NULL DEFAULT 0,
    quarantined       INTEGER NOT NULL DEFAULT 0,
    entities_touched  INTEGER NOT NULL DEFAULT 0,
    error             TEXT
);

CREATE TABLE quarantine (
    id         INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES dataset(id),
    source_id  INTEGER NOT NULL REFERENCES source(id),
    mapping    TEXT NOT NULL,
    line       INTEGER NOT NULL,
    col        TEXT NOT NULL,
    reason     TEXT NOT NULL,
    raw        BLOB NOT NULL,
    header     TEXT,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);
-- One entry per source record: a changed record replaces its old entry.
CREATE UNIQUE INDEX quarantine_source_line ON quarantine(source_id, line);

CREATE TABLE event (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    operation     TEXT NOT NULL,
    principal     TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    justification TEXT NOT NULL,
    case_ref      TEXT,
    query         TEXT NOT NULL,
    subjects      TEXT NOT NULL,
    recipient     TEXT,
    outcome       TEXT NOT NULL
);
