-- Version 6: pairs linked by a rule. A pair that agrees on an identifier
-- the settings declare decisive (a payroll number issued by one system) is
-- linked whatever its score; the rule's name (the field's) is kept with
-- the pair so that an explanation can say why it is linked.
ALTER TABLE match_pair ADD COLUMN rule TEXT;
