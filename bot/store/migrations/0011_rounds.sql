-- Version 11: nominations in the open (issue 16). A round remembers the sub-region it rotates to
-- (the rotation table's, or the Secretariat's confirmation when the table has no row), when its
-- reminder went out, and how it ended; a nomination remembers whether it rests on the sub-region
-- exception (2021 elections rules, seed 002, nomination process 2), why it was refused, and its
-- outcome (acclamation, elected, not-elected, single-candidate-poll).
ALTER TABLE nomination_period ADD COLUMN subregion TEXT;
ALTER TABLE nomination_period ADD COLUMN subregion_source TEXT;  -- table | confirmed | vacancy
ALTER TABLE nomination_period ADD COLUMN reminded_at TEXT;
ALTER TABLE nomination_period ADD COLUMN closed_at TEXT;
ALTER TABLE nomination_period ADD COLUMN outcome TEXT;
ALTER TABLE nomination ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE nomination ADD COLUMN refused_reason TEXT;  -- JSON {key, params}: the rule applied
ALTER TABLE nomination ADD COLUMN outcome TEXT;
ALTER TABLE nomination ADD COLUMN accepted_at TEXT;
