-- Version 18: the pairs a resolution run kept apart.
--
-- A run refuses to let a chain of links join two records whose own pair
-- it found to be two people (a decisive identifier differs, or dates of
-- birth a generation apart). Re-clustering after a judgement read only the
-- stored pairs and judgements, so any judgement let such a chain join
-- again. Most of these pairs score too low to be kept in `match_pair`:
-- they are kept here, replaced by each run.
CREATE TABLE kept_apart (
    schema   TEXT NOT NULL,
    left_id  TEXT NOT NULL,
    right_id TEXT NOT NULL,
    PRIMARY KEY (schema, left_id, right_id)
) WITHOUT ROWID;
