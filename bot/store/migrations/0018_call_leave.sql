-- Version 18 (issue 19, point 3): every `meeting.participant_left` Zoom sends is kept, so a leave
-- gives its join a duration whatever order they arrive in: before the join (Zoom does not promise
-- order, and retries a failed delivery later), or after `meeting.ended`. A join's duration is the
-- time to the first leave of the same identity in the same call with no other join between
-- (bot/zoom/durations.py); it is set on participation.duration_s when either side arrives.
-- Kept like the joins: the identity (e-mail or normalised display name) and the time, no body.
CREATE TABLE call_leave (
    source        TEXT NOT NULL,            -- the Zoom meeting number
    identity_kind TEXT NOT NULL CHECK (identity_kind IN ('email', 'name')),
    identity      TEXT NOT NULL,
    left_at       TEXT NOT NULL,            -- ISO 8601, UTC
    received_at   TEXT NOT NULL,
    PRIMARY KEY (source, identity_kind, identity, left_at)
) WITHOUT ROWID;
