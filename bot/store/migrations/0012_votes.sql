-- Version 12: votes that can be trusted end to end (issue 17). A vote belongs to a position of a
-- nomination round, or is a motion, or is free (`--candidates`); its roll is published (frozen)
-- before it opens, with the hash shown on the public page, and every tally of it uses that roll.
-- Draw seeds are committed in advance (their SHA-256 published, the time recorded) and used by the
-- draw that breaks a tie after a second ballot (2021 elections rules, voting process 6).
CREATE TABLE vote (
    vote_id      INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('position', 'motion', 'free')),
    subject      TEXT NOT NULL,          -- the position code, the motion's title, or '' (free)
    period_id    INTEGER REFERENCES nomination_period(period_id),
    opens_at     TEXT NOT NULL,          -- ISO 8601 UTC: "before the vote" means before this
    roll         TEXT NOT NULL,          -- JSON: the published roll (Roll.as_json())
    roll_hash    TEXT NOT NULL,          -- SHA-256 of the canonical roll JSON
    published_at TEXT NOT NULL
);
CREATE INDEX vote_subject ON vote (kind, subject, published_at);

CREATE TABLE draw_seed (
    seed_id      INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,          -- position | motion | free: what vote it is for
    subject      TEXT NOT NULL,
    seed         TEXT NOT NULL,
    seed_hash    TEXT NOT NULL,          -- SHA-256 of the seed, published when committed
    source       TEXT,                   -- where the seed was announced
    committed_at TEXT NOT NULL,
    used_at      TEXT
);
CREATE INDEX draw_seed_subject ON draw_seed (kind, subject, committed_at);
