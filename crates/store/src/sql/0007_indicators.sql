-- Version 7: indicator rules, their runs, and alerts that name a rule.
--
-- A rule is registered by version and never rewritten: a changed file is a
-- new version. At most one version of a rule is active. The rule's text is
-- kept with its SHA-256 so that an alert can be traced to the exact words
-- that raised it.
CREATE TABLE indicator_rule (
    id            TEXT NOT NULL,
    version       INTEGER NOT NULL,
    body          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'active', 'retired')),
    registered_by TEXT NOT NULL,
    registered_at INTEGER NOT NULL,
    activated_by  TEXT,
    activated_at  INTEGER,
    eia_reference TEXT,
    approver      TEXT,
    PRIMARY KEY (id, version)
);

CREATE UNIQUE INDEX indicator_rule_one_active ON indicator_rule(id)
    WHERE state = 'active';

-- One evaluation of one rule version. `event_id` is the logged event of the
-- run; counts are filled in when it finishes.
CREATE TABLE indicator_run (
    id           INTEGER PRIMARY KEY,
    rule_id      TEXT NOT NULL,
    rule_version INTEGER NOT NULL,
    principal    TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    mode         TEXT NOT NULL CHECK (mode IN ('full', 'incremental', 'dry_run')),
    event_id     INTEGER,
    records      INTEGER NOT NULL DEFAULT 0,
    flagged      INTEGER NOT NULL DEFAULT 0,
    alerts_new   INTEGER NOT NULL DEFAULT 0,
    alerts_kept  INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (rule_id, rule_version) REFERENCES indicator_rule(id, version)
);

CREATE INDEX indicator_run_rule ON indicator_run(rule_id, rule_version, id);

-- Self-monitoring alerts (from the gate) and indicator alerts share one
-- queue. Indicator alerts name their rule and version, the canonical person
-- they are about, and their evidence (JSON); the fingerprint (rule, version,
-- person, evidence ids) makes a re-run of the same version idempotent.
-- `superseded_by` is the rule version whose activation closed the alert.
ALTER TABLE alert ADD COLUMN rule_id TEXT;
ALTER TABLE alert ADD COLUMN rule_version INTEGER;
ALTER TABLE alert ADD COLUMN person TEXT;
ALTER TABLE alert ADD COLUMN evidence TEXT;
ALTER TABLE alert ADD COLUMN fingerprint TEXT;
ALTER TABLE alert ADD COLUMN superseded_by INTEGER;

CREATE UNIQUE INDEX alert_fingerprint ON alert(fingerprint)
    WHERE fingerprint IS NOT NULL;
CREATE INDEX alert_rule ON alert(rule_id, rule_version);
CREATE INDEX alert_person ON alert(person);
