-- Version 16 (issue 19, point 4): the Secretariat works the unmatched queue.
-- A name or address dismissed (interpreters, guests, staff) is no longer listed, nor are later
-- joins under it; its events stay in the log, unattributed.
CREATE TABLE unmatched_dismissed (
    identity_kind TEXT NOT NULL CHECK (identity_kind IN ('email', 'name')),
    identity      TEXT NOT NULL,          -- the key as listed (participation.identity)
    dismissed_at  TEXT NOT NULL,
    dismissed_by  TEXT NOT NULL,
    PRIMARY KEY (identity_kind, identity)
);

-- A name or address the Secretariat gave to a person (`unmatched assign`). The alias itself is a
-- person_alias row; this row remembers it was assigned, so that `unmatched unassign` knows what
-- to undo, and so that a roster import, which replaces a person's aliases with the file's, does
-- not lose it (bot/store/participation.py, attribute_unmatched, puts it back).
CREATE TABLE unmatched_assignment (
    identity_kind TEXT NOT NULL CHECK (identity_kind IN ('email', 'name')),
    identity      TEXT NOT NULL,
    person_id     INTEGER NOT NULL REFERENCES person(person_id) ON DELETE CASCADE,
    shown         TEXT NOT NULL,          -- as the source showed it, for roster export
    assigned_at   TEXT NOT NULL,
    assigned_by   TEXT NOT NULL,
    PRIMARY KEY (identity_kind, identity)
);

-- The queue is read and re-attributed by key; only unattributed rows are in this index, so a
-- matched list post or join does not pay for it.
CREATE INDEX participation_unmatched ON participation(identity_kind, identity)
    WHERE person_id IS NULL;
