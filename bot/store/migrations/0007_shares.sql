-- Version 7: ALS activities members share for the monthly digest (seed 001: a newsletter between
-- ALSs, sharing ALS activities). Text given for publication, unlike list posts, whose bodies the
-- bot never keeps.
CREATE TABLE share (
    share_id   INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES person(person_id),
    als_id     TEXT REFERENCES als(als_id),
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX share_created ON share(created_at);
