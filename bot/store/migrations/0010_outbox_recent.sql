-- Version 10: the answers to e-mail commands are counted per hour (issue 15, not an amplifier), so
-- the outbox is read by the time a row was written.
CREATE INDEX outbox_created ON outbox (created_at);
