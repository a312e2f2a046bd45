-- Version 1: the roster (ALSs, people, their addresses and names) and the audit log.

CREATE TABLE als (
    als_id        TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    country       TEXT NOT NULL,          -- ISO 3166 alpha-2
    subregion     TEXT NOT NULL,          -- derived from the region file at import
    accredited_on TEXT,                   -- YYYY-MM-DD; NULL for an applicant (Rule 1.2: observer)
    language      TEXT NOT NULL CHECK (language IN ('en', 'es', 'pt', 'fr')),
    updated_at    TEXT NOT NULL
);

CREATE TABLE person (
    person_id   INTEGER PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name        TEXT NOT NULL,
    als_id      TEXT REFERENCES als(als_id),
    role        TEXT NOT NULL CHECK (role IN
                  ('representative', 'member', 'observer', 'chair', 'secretary', 'staff')),
    slack_id    TEXT UNIQUE,
    nationality TEXT,
    updated_at  TEXT NOT NULL
);
CREATE INDEX person_als ON person(als_id);

-- Extra e-mail addresses and Zoom display names, stored normalised (lower case; names also
-- without accents and extra spaces) so matching is an index lookup.
CREATE TABLE person_alias (
    person_id INTEGER NOT NULL REFERENCES person(person_id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('email', 'name')),
    value     TEXT NOT NULL,
    shown     TEXT NOT NULL,              -- as written in the roster
    PRIMARY KEY (kind, value)
);
CREATE INDEX person_alias_person ON person_alias(person_id);

-- Append-only, hash-chained (bot/audit.py). The triggers refuse edits; the chain shows any edit
-- made around them.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    data      TEXT NOT NULL,              -- canonical JSON
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
