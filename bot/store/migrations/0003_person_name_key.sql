-- Version 3: people findable by their name as Zoom shows it (no accents, case or extra spaces).
-- Not unique: two members may share a name, and then a display name alone must not decide.
ALTER TABLE person ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX person_name_key ON person(name_key);
