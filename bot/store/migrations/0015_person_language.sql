-- Version 15 (issue 18, point 1): the roster's `language` column is the person's.
--   person.language            the person's language: the roster's, or their own choice
--                              (`/lacralo language xx`); NULL: neither (their ALS's applies);
--   person.language_chosen_at  when they chose it themselves; NULL: it is the roster's;
--   person.roster_language     what the last import's `language` column said for them (NULL:
--                              empty, or not one of the region's). An import that changes it
--                              replaces their choice; one that does not keeps it
--                              (bot/store/roster.py, upsert_person).
-- als.language becomes the language most of the ALS's representatives share, else the region's
-- default (bot/domain/languages.py), refreshed by each import and each choice.
ALTER TABLE person ADD COLUMN roster_language TEXT
    CHECK (roster_language IN ('en', 'es', 'pt', 'fr'));
ALTER TABLE person ADD COLUMN language_chosen_at TEXT;

-- Until now the column was kept on the ALS (all rows of one ALS had to agree), and
-- person.language held only a choice (version 6). A choice made before this version has no time
-- of its own: the row's last change stands in.
UPDATE person SET language_chosen_at = updated_at WHERE language IS NOT NULL;
UPDATE person SET roster_language = (SELECT a.language FROM als a WHERE a.als_id = person.als_id)
WHERE als_id IS NOT NULL;
UPDATE person SET language = roster_language WHERE language IS NULL;
