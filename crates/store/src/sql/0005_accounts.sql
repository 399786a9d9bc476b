-- Version 5: sign-in. A password is kept as an argon2id hash beside the
-- user's register entry; failed attempts are counted per typed name (a keyed
-- hash), whether or not such a user exists, so a lockout tells nothing about
-- which accounts exist. API tokens and enrolment links are kept as hashes of
-- their secrets.
CREATE TABLE credential (
    principal     TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE sign_in_failure (
    name_hash    TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
);

CREATE TABLE api_token (
    id            TEXT PRIMARY KEY,
    secret_hash   TEXT NOT NULL,
    principal     TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    reason        TEXT NOT NULL,
    justification TEXT NOT NULL,
    case_ref      TEXT,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);

CREATE TABLE enrolment (
    secret_hash TEXT PRIMARY KEY,
    principal   TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
