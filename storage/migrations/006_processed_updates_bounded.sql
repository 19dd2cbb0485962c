-- Incoming updates are remembered by their id AND by what they are (a message's chat, id and
-- date, a button press's query id), so that ids a restarted or replaced server hands out again
-- are new updates, not duplicates. seq numbers the updates in the order they were applied and
-- is never reused (AUTOINCREMENT): pruning keeps the newest rows and the last days only, and
-- an update whose id was reused gets seq as its local id. Rows from before this migration
-- have no fingerprint (''): they stand for any update with their id. Only the newest 100,000
-- are carried over (the bound kept from now on).
CREATE TABLE processed_updates_bounded (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    update_id    INTEGER NOT NULL,
    fingerprint  TEXT NOT NULL DEFAULT '',
    processed_at INTEGER NOT NULL
);
INSERT INTO processed_updates_bounded (update_id, fingerprint, processed_at)
SELECT update_id, '', processed_at FROM (
    SELECT update_id, processed_at FROM processed_updates
    ORDER BY processed_at DESC, update_id DESC LIMIT 100000
) ORDER BY processed_at, update_id;
DROP TABLE processed_updates;
ALTER TABLE processed_updates_bounded RENAME TO processed_updates;
CREATE UNIQUE INDEX processed_updates_key ON processed_updates (update_id, fingerprint);
CREATE INDEX processed_updates_at ON processed_updates (processed_at);
