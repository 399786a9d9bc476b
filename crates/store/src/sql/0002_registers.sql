-- Version 2: the registers the gate reads (principals, purposes), alerts for
-- professional standards, break-glass grants, and free text kept apart from
-- events so that it can be erased without touching the log.

-- Principals and purposes are kept as JSON documents (their fields are the
-- policy crate's); `disabled` and `expires` are columns so listings can filter.
CREATE TABLE principal (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE purpose (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    expires    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE alert (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    principal  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    event_id   INTEGER,
    status     TEXT NOT NULL DEFAULT 'open'
);

CREATE TABLE break_glass (
    id            INTEGER PRIMARY KEY,
    principal     TEXT NOT NULL,
    justification TEXT NOT NULL,
    started_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
);

-- Free text (justifications) by SHA-256: events hold the hash only.
CREATE TABLE text_ref (
    hash TEXT PRIMARY KEY,
    text TEXT NOT NULL
);

ALTER TABLE event ADD COLUMN flags TEXT NOT NULL DEFAULT '';
