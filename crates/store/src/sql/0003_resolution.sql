-- Version 3: entity resolution. Source records are never edited: resolution
-- adds scored pairs, people's judgements on pairs and, for each entity, the
-- canonical id of its cluster. Everything here can be recomputed from the
-- statements and the judgements, except the judgements themselves.

-- One run of resolution over one entity type, with the model it scored with.
CREATE TABLE resolution_run (
    id            INTEGER PRIMARY KEY,
    schema        TEXT NOT NULL,
    at            INTEGER NOT NULL,
    principal     TEXT NOT NULL,
    incremental   INTEGER NOT NULL,
    model_version TEXT NOT NULL,
    model         TEXT NOT NULL,
    settings      TEXT NOT NULL,
    records       INTEGER NOT NULL,
    new_records   INTEGER NOT NULL,
    pairs         INTEGER NOT NULL,
    links         INTEGER NOT NULL,
    clusters      INTEGER NOT NULL
);

-- Candidate pairs scored at or above the review floor; `left_id < right_id`.
CREATE TABLE match_pair (
    schema        TEXT NOT NULL,
    left_id       TEXT NOT NULL,
    right_id      TEXT NOT NULL,
    weight        REAL NOT NULL,
    probability   REAL NOT NULL,
    model_version TEXT NOT NULL,
    run_id        INTEGER NOT NULL,
    PRIMARY KEY (schema, left_id, right_id)
) WITHOUT ROWID;
CREATE INDEX match_pair_probability ON match_pair(schema, probability);

-- A person's decision on a pair; withdrawn, never deleted.
CREATE TABLE judgement (
    id            INTEGER PRIMARY KEY,
    schema        TEXT NOT NULL,
    left_id       TEXT NOT NULL,
    right_id      TEXT NOT NULL,
    verdict       TEXT NOT NULL CHECK (verdict IN ('same', 'not_same', 'unsure')),
    probability   REAL,
    model_version TEXT,
    principal     TEXT NOT NULL,
    at            INTEGER NOT NULL,
    why           TEXT NOT NULL,
    withdrawn_at  INTEGER,
    withdrawn_by  TEXT,
    withdrawn_why TEXT
);
CREATE INDEX judgement_pair ON judgement(schema, left_id, right_id);

-- Every entity resolution has seen, with its cluster's canonical id.
CREATE TABLE canonical (
    entity_id    TEXT PRIMARY KEY,
    schema       TEXT NOT NULL,
    canonical_id TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX canonical_by_schema ON canonical(schema);
CREATE INDEX canonical_by_id ON canonical(canonical_id);
