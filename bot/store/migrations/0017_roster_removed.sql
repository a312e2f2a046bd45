-- Version 17 (issue 19, point 5): `roster remove` takes an ALS or a person off the roster without
-- deleting them: their participation, votes, nominations, status history and audit entries keep
-- pointing at the row. `removed_on` (YYYY-MM-DD) is the first day they are no longer a member;
-- NULL: a member. Removing an ALS removes its people with it, on the same day. A later import
-- skips them unless `--include-removed`, which clears it (bot/services/roster.py).
ALTER TABLE als ADD COLUMN removed_on TEXT;
ALTER TABLE person ADD COLUMN removed_on TEXT;
