-- Version 6: a person's own language for the bot's answers (`/lacralo language es`); NULL: the
-- language of the person's ALS.
ALTER TABLE person ADD COLUMN language TEXT CHECK (language IN ('en', 'es', 'pt', 'fr'));
