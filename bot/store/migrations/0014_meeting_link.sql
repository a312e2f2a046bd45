-- Version 14: the link to join a meeting and its passcode (issue 18, point 3). The link goes into
-- reminders, the .ics and list mail (without a `pwd` parameter); the passcode only into Slack and
-- direct messages to roster members, never into list mail (list archives are public) or pages.
ALTER TABLE meeting ADD COLUMN url TEXT;
ALTER TABLE meeting ADD COLUMN passcode TEXT;
