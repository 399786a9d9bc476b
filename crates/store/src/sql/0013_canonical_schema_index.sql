-- Version 13: no index on `canonical.schema`.
--
-- Nearly every row of `canonical` has the same type, so the index named
-- every row again without narrowing any read: a read by type scans the
-- table in id order, which it wanted anyway. Writing it cost a resolution
-- run about as much as writing the table.
DROP INDEX IF EXISTS canonical_by_schema;
