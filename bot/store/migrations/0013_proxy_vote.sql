-- Version 13: a proxy names its vote (issue 17, point 3): a position's vote, a motion, or, with
-- neither, the next vote that opens after it was notified (Rules of Procedure 1.5, seed 003).
ALTER TABLE proxy ADD COLUMN vote_kind TEXT;     -- position | motion | NULL: the next vote
ALTER TABLE proxy ADD COLUMN vote_subject TEXT;  -- the position's code or the motion's title
