-- Version 14: a break-glass grant names the purpose it was started under.
--
-- A grant was bound to its user only, so work under any other purpose, with
-- any other justification, could open break-glass sessions on it: reads
-- widened for one emergency were logged under reasons never given as one.
-- Sessions now use a grant only under its own purpose and justification.
-- Grants started before this version name no purpose and so open nothing;
-- they last at most a shift.
ALTER TABLE break_glass ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
