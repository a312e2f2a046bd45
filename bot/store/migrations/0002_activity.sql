-- Version 2: what the bot observes and decides: lists, meetings, participation (with the queue of
-- senders not yet matched), status history, nominations, proxies, elections, confirmations, outbox.

CREATE TABLE mailing_list (
    list_id    TEXT PRIMARY KEY,          -- RFC 2919 List-Id, lower case
    name       TEXT,
    kind       TEXT NOT NULL DEFAULT 'unknown',
    known      INTEGER NOT NULL DEFAULT 0, -- 1 when named in the region file
    first_seen TEXT NOT NULL
);

CREATE TABLE meeting (
    meeting_id   INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('monthly', 'wg', 'assembly')),
    title        TEXT,
    start_at     TEXT NOT NULL,           -- ISO 8601, UTC
    duration_min INTEGER NOT NULL DEFAULT 60,
    zoom_id      TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (kind, start_at)
);
CREATE INDEX meeting_zoom ON meeting(zoom_id);

-- One row per observed act of participation. `source_key` makes replays and duplicates count once
-- (Message-ID, Zoom event id...). No message bodies are ever stored (PRODUCT.md, "Transparent").
-- `identity` is who the source says acted (an address or a display name, normalised); `person_id`
-- is filled when it matches the roster, now or when an alias is added later (the unmatched queue
-- is found through participation_person: person_id IS NULL). Every index costs each list post a
-- page in the WAL, so only those a query needs are here.
CREATE TABLE participation (
    event_id    INTEGER PRIMARY KEY,
    source_key  TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,            -- list_post, call_join, ...
    source      TEXT NOT NULL,            -- List-Id or Zoom meeting id
    occurred_at TEXT NOT NULL,            -- ISO 8601, UTC
    identity_kind TEXT NOT NULL CHECK (identity_kind IN ('email', 'name')),
    identity    TEXT NOT NULL,
    shown_as    TEXT,
    person_id   INTEGER REFERENCES person(person_id),
    duration_s  INTEGER,
    received_at TEXT NOT NULL
);
CREATE INDEX participation_person ON participation(person_id, occurred_at);
CREATE INDEX participation_source ON participation(source, occurred_at);

CREATE TABLE status_change (
    change_id    INTEGER PRIMARY KEY,
    als_id       TEXT NOT NULL REFERENCES als(als_id),
    state        TEXT NOT NULL,
    effective_on TEXT NOT NULL,           -- YYYY-MM-DD
    reasons      TEXT NOT NULL,           -- JSON list of {key, params}
    policy       TEXT NOT NULL,           -- JSON of the readings used
    recorded_at  TEXT NOT NULL
);
CREATE INDEX status_change_als ON status_change(als_id, effective_on);

-- Calendar-year record: was the ALS inactive at any time in that year (office eligibility,
-- RoP auxiliary rule to Rule 1: "inactive in that year or the preceding year").
CREATE TABLE status_year (
    als_id        TEXT NOT NULL REFERENCES als(als_id),
    year          INTEGER NOT NULL,
    was_inactive  INTEGER NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (als_id, year)
);

CREATE TABLE nomination_period (
    period_id  INTEGER PRIMARY KEY,
    position   TEXT NOT NULL,
    year       INTEGER NOT NULL,
    opens_at   TEXT NOT NULL,
    closes_at  TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    vacancy    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (position, year, vacancy)
);

CREATE TABLE nomination (
    nomination_id INTEGER PRIMARY KEY,
    period_id     INTEGER NOT NULL REFERENCES nomination_period(period_id),
    candidate_id  INTEGER NOT NULL REFERENCES person(person_id),
    nominator_id  INTEGER NOT NULL REFERENCES person(person_id),
    state         TEXT NOT NULL,          -- proposed, accepted, valid, declined, withdrawn, refused
    soi_url       TEXT,
    conflicts     TEXT NOT NULL DEFAULT '{}', -- JSON: declaration per conflict 1..5 (seed 002)
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (period_id, candidate_id)
);

CREATE TABLE election (
    election_id INTEGER PRIMARY KEY,
    position    TEXT NOT NULL,
    vote_at     TEXT NOT NULL,
    seed        TEXT,                     -- published draw seed
    state       TEXT NOT NULL DEFAULT 'planned',
    created_at  TEXT NOT NULL
);

-- Rule 1.5 (seed 003): a proxy is notified before the vote; Rule 1.6: one received at most.
CREATE TABLE proxy (
    proxy_id    INTEGER PRIMARY KEY,
    election_id INTEGER REFERENCES election(election_id),
    giver_als   TEXT NOT NULL REFERENCES als(als_id),
    holder_als  TEXT NOT NULL REFERENCES als(als_id),
    state       TEXT NOT NULL CHECK (state IN ('pending', 'active', 'revoked', 'refused')),
    given_at    TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE UNIQUE INDEX proxy_one_received ON proxy(election_id, holder_als) WHERE state = 'active';
CREATE UNIQUE INDEX proxy_one_given ON proxy(election_id, giver_als) WHERE state = 'active';

-- E-mail commands take effect only after the sender answers with this token (PRODUCT.md,
-- "Nobody speaks for another").
CREATE TABLE confirmation (
    token      TEXT PRIMARY KEY,
    address    TEXT NOT NULL,
    command    TEXT NOT NULL,             -- JSON
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

-- Everything the bot sends, written before it is sent; `dedup_key` makes a restart never send twice.
CREATE TABLE outbox (
    outbox_id  INTEGER PRIMARY KEY,
    dedup_key  TEXT NOT NULL UNIQUE,
    channel    TEXT NOT NULL CHECK (channel IN ('email', 'slack')),
    recipient  TEXT NOT NULL,
    payload    TEXT NOT NULL,             -- JSON
    due_at     TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'dropped')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at    TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, due_at);
