-- Version 9: status judged from evidence (issue 13).
-- A monthly call counts as missed only when its attendance is known (a join in its window, Zoom's
-- meeting.ended, or the Secretariat's record of who attended); a cancelled call is neither attended
-- nor missed. `sequence` numbers the versions of a meeting sent out as .ics (RFC 5545 SEQUENCE).
ALTER TABLE meeting ADD COLUMN cancelled_at TEXT;
ALTER TABLE meeting ADD COLUMN ended_at TEXT;
ALTER TABLE meeting ADD COLUMN held_recorded_at TEXT;
ALTER TABLE meeting ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
-- Before this version an invitation's SEQUENCE was the minutes since 1970 when it was written; a
-- meeting that may have been sent that way starts above any such number, so calendars take its
-- later changes.
UPDATE meeting SET sequence = CAST(strftime('%s', 'now') AS INTEGER) / 60;

-- Participation at ALS level that the bot cannot see: other mechanisms the rule names (working-group
-- work, events: `participation add`), and calls whose attendance the Secretariat recorded
-- (`meetings held`, kind 'call_attendance', with its meeting). Removed rows are kept (history).
CREATE TABLE als_activity (
    activity_id INTEGER PRIMARY KEY,
    als_id      TEXT NOT NULL REFERENCES als(als_id),
    kind        TEXT NOT NULL,
    occurred_at TEXT NOT NULL,            -- ISO 8601, UTC
    meeting_id  INTEGER REFERENCES meeting(meeting_id),
    note        TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    removed_at  TEXT,
    removed_by  TEXT
);
CREATE INDEX als_activity_als ON als_activity(als_id, occurred_at);
CREATE UNIQUE INDEX als_activity_attendance ON als_activity(meeting_id, als_id)
    WHERE meeting_id IS NOT NULL AND removed_at IS NULL;

-- The judgement of the past last recorded for each ALS: its inactive spells up to `judged_until`,
-- and the evidence it rested on, so a later judgement that differs is recorded as a correction.
CREATE TABLE status_judgement (
    als_id       TEXT PRIMARY KEY REFERENCES als(als_id),
    spells       TEXT NOT NULL,           -- JSON [[start, end or null], ...]
    evidence     TEXT NOT NULL,           -- JSON summary of the facts
    judged_until TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- What each ALS was last told of its status (seed 003: "will be notified of the change").
CREATE TABLE status_told (
    als_id  TEXT PRIMARY KEY REFERENCES als(als_id),
    state   TEXT NOT NULL,
    since   TEXT,
    told_at TEXT NOT NULL
);
-- Before this version every change after the first record, and a first record that was bad news,
-- was told: the latest recorded change of each such ALS is what it last heard.
INSERT INTO status_told (als_id, state, since, told_at)
    SELECT c.als_id, c.state, c.effective_on, c.recorded_at FROM status_change c
    WHERE c.change_id = (SELECT max(change_id) FROM status_change WHERE als_id = c.als_id)
      AND (c.state IN ('inactive', 'decertification-eligible')
           OR (SELECT count(*) FROM status_change WHERE als_id = c.als_id) > 1);

-- A row of the status history is a change of today's state, a past change found afterwards, or a
-- correction of an earlier judgement.
ALTER TABLE status_change ADD COLUMN kind TEXT NOT NULL DEFAULT 'change';
