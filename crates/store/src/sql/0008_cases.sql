-- Version 8: cases and the review of alerts.
--
-- Free text a person types (a case's title, a task, a rationale, a
-- subject's representations) is kept in `text_ref` under its SHA-256 and
-- named here by that hash, as events name it, so that it can be erased.

-- A case: its purpose is the one its team works it under.
CREATE TABLE case_file (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open'
               CHECK (status IN ('open', 'closed')),
    lead       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    closed_at  INTEGER
);

-- The team, with history: a member removed keeps the row, with the time.
CREATE TABLE case_member (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES case_file(id),
    principal  TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   INTEGER NOT NULL,
    removed_by TEXT,
    removed_at INTEGER
);

CREATE INDEX case_member_case ON case_member(case_id, principal);

-- What a case holds: subjects and linked entities (ids), alerts (ids),
-- notes and documents (references).
CREATE TABLE case_link (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES case_file(id),
    kind       TEXT NOT NULL
               CHECK (kind IN ('subject', 'entity', 'alert', 'note', 'document')),
    target     TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   INTEGER NOT NULL,
    removed_by TEXT,
    removed_at INTEGER
);

CREATE INDEX case_link_case ON case_link(case_id, kind);

CREATE TABLE case_task (
    id          INTEGER PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES case_file(id),
    title       TEXT NOT NULL,
    due         TEXT,
    assignee    TEXT,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    done_at     INTEGER
);

-- The decision log: append only.
CREATE TABLE case_decision (
    id        INTEGER PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES case_file(id),
    at        INTEGER NOT NULL,
    principal TEXT NOT NULL,
    decision  TEXT NOT NULL,
    rationale TEXT NOT NULL
);

-- Each act of reviewing an alert, append only: `open` (taken into review),
-- `decide` (a first reviewer's outcome), `confirm` (the second reviewer of
-- a referral), `representation` (what the subject said once told).
-- `seconds` is the time from opening to deciding.
CREATE TABLE alert_review (
    id        INTEGER PRIMARY KEY,
    alert_id  INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    principal TEXT NOT NULL,
    act       TEXT NOT NULL
              CHECK (act IN ('open', 'decide', 'confirm', 'representation')),
    outcome   TEXT,
    rationale TEXT,
    seconds   INTEGER
);

CREATE INDEX alert_review_alert ON alert_review(alert_id, id);

-- The latest fairness dry run of each rule version: the tables in which a
-- group's impact ratio was under four-fifths (space-separated; empty for
-- none). Activating a version with any needs an equality impact assessment.
CREATE TABLE fairness_check (
    rule_id      TEXT NOT NULL,
    rule_version INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    principal    TEXT NOT NULL,
    adverse      TEXT NOT NULL,
    PRIMARY KEY (rule_id, rule_version)
);
