-- A text over 4096 characters, or a caption over 1024, goes out in several Bot API calls.
-- parts_sent counts the calls Telegram took, recorded with a retry (and at stop), so the next
-- attempt, in this process or the next one, sends only the rest.
ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
