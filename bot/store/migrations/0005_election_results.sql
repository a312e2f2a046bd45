-- Version 5: published election results (2021 elections rules: the list of ALSs that voted is
-- public). The result is kept as computed, with the roll and any draw, so it can be re-checked.
CREATE TABLE election_result (
    result_id    INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    vote_at      TEXT NOT NULL,
    result       TEXT NOT NULL,           -- JSON: quorum, results, abstentions, winner, tied, draw
    voted        TEXT NOT NULL,           -- JSON list of the ALS ids whose vote counted
    published_at TEXT NOT NULL,
    UNIQUE (title, vote_at)
);
