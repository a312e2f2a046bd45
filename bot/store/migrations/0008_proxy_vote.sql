-- Version 8: a proxy is for a vote or an assembly (Rule 1.5): the meeting it is for, when one was
-- named or scheduled, and when that vote starts (after which it can no longer be revoked).
ALTER TABLE proxy ADD COLUMN meeting_id INTEGER REFERENCES meeting(meeting_id);
ALTER TABLE proxy ADD COLUMN vote_at TEXT;
