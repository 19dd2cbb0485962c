-- The numbered choices of the last prompt sent to a chat on a channel without buttons (Zalo):
-- a reply "2" presses the second. One row per chat; a new prompt replaces it.
CREATE TABLE choices (
    channel    TEXT    NOT NULL,
    chat       TEXT    NOT NULL,
    data       TEXT    NOT NULL, -- JSON array of the buttons' callback data, in order
    created_at INTEGER NOT NULL,
    PRIMARY KEY (channel, chat)
);
