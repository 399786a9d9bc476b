-- Version 11: counters that say when what a process keeps in memory went
-- out of date in another process.
--
-- A server keeps the registers of principals and purposes it opens
-- sessions with, and the map of records to their clusters that searches
-- group by. Another process (the CLI's `resolve`, `purpose add`) may change
-- either; each change bumps its counter in the same transaction, and a
-- reader that sees a counter move reads again. `PRAGMA data_version` cannot
-- tell these apart from the server's own writes to the log.
CREATE TABLE generation (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO generation(name, value) VALUES ('registers', 0), ('clusters', 0);

-- The registers are small and written rarely, by several code paths:
-- triggers catch every one of them.
CREATE TRIGGER principal_inserted AFTER INSERT ON principal BEGIN
    UPDATE generation SET value = value + 1 WHERE name = 'registers';
END;
CREATE TRIGGER principal_updated AFTER UPDATE ON principal BEGIN
    UPDATE generation SET value = value + 1 WHERE name = 'registers';
END;
CREATE TRIGGER principal_deleted AFTER DELETE ON principal BEGIN
    UPDATE generation SET value = value + 1 WHERE name = 'registers';
END;
CREATE TRIGGER purpose_inserted AFTER INSERT ON purpose BEGIN
    UPDATE generation SET value = value + 1 WHERE name = 'registers';
END;
CREATE TRIGGER purpose_updated AFTER UPDATE ON purpose BEGIN
    UPDATE generation SET value = value + 1 WHERE name = 'registers';
END;
CREATE TRIGGER purpose_deleted AFTER DELETE ON purpose BEGIN
    UPDATE generation SET value = value + 1 WHERE name = 'registers';
END;
-- The canonical table is written a million rows at a time by a
-- resolution, so its counter is bumped once per write by the code that
-- writes it, not by a trigger per row.
