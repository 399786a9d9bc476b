-- Version 9: saved searches, each its owner's alone. What was saved (the
-- name, the words and the filters, as one JSON text) is kept in `text_ref`
-- under its SHA-256 and named here by that hash, as the log names it, so
-- that erasing a person removes it with every other text that names them.
CREATE TABLE saved_search (
    id         TEXT PRIMARY KEY,
    principal  TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX saved_search_principal ON saved_search(principal, created_at);
