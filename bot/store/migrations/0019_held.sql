-- Version 19 (issue 20, point 5): list posts that may be forged are held for review, not counted.
-- A post counts only when a trusted relay delivered it (LACRALO_SMTP_TRUSTED_NETWORKS) or it bears
-- a valid DKIM signature of its list's domain; any other is kept here, keyed by its Message-ID so
-- a re-delivery stays one, until the Secretariat approves it (then it becomes a participation row
-- dated by the post itself, and counts like any other) or rejects it (then it never counts).
-- Held posts live apart from `participation`, so no reader of participation (status, attendance,
-- metrics, the unmatched queue) can count one by mistake. Like participation: no body is kept.
CREATE TABLE held_post (
    held_id     INTEGER PRIMARY KEY,
    source_key  TEXT NOT NULL UNIQUE,     -- the participation key it gets when approved
    source      TEXT NOT NULL,            -- List-Id
    occurred_at TEXT NOT NULL,            -- ISO 8601, UTC: the post's own date
    identity    TEXT NOT NULL,            -- the sender's address, normalised
    shown_as    TEXT,
    person_id   INTEGER REFERENCES person(person_id),  -- the roster's person when held, if any
    reason      TEXT NOT NULL,            -- why held: untrusted_relay, dkim_missing, dkim_invalid,
                                          -- dkim_other_domain, dkim_unavailable
    peer        TEXT,                     -- the delivering client's address
    received_at TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'approved', 'rejected')),
    decided_at  TEXT,
    decided_by  TEXT
);
CREATE INDEX held_post_state ON held_post(state, held_id);
