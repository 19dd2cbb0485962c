-- Identity is (channel, external id). Every table keeps joining on the INTEGER user and chat
-- ids; this table says which channel and which of the channel's ids each one is. Telegram ids
-- (at most 52 bits) keep internal id = Telegram id, so existing rows need no rewrite; ids of
-- other channels (Zalo's are strings) are numbered from 2^53 upward and never meet them.
CREATE TABLE identities (
    internal_id INTEGER PRIMARY KEY,
    channel     TEXT    NOT NULL,
    external_id TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('user', 'chat')),
    UNIQUE (channel, external_id, kind)
);
INSERT INTO identities (internal_id, channel, external_id, kind)
    SELECT id, 'telegram', CAST(id AS TEXT), 'user' FROM users;
INSERT OR IGNORE INTO identities (internal_id, channel, external_id, kind)
    SELECT DISTINCT chat_id, 'telegram', CAST(chat_id AS TEXT), 'chat' FROM users;
INSERT OR IGNORE INTO identities (internal_id, channel, external_id, kind)
    SELECT DISTINCT chat_id, 'telegram', CAST(chat_id AS TEXT), 'chat' FROM outbox;

ALTER TABLE users ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';

-- Files sent as links (to a channel that takes no uploads): only the SHA-256 of the token is
-- kept; the file is drawn from its spec (or its bytes) when the link is opened.
CREATE TABLE file_links (
    token_hash BLOB    PRIMARY KEY,
    outbox_id  INTEGER NOT NULL,
    kind       TEXT    NOT NULL, -- 'photo' or 'document'
    file_name  TEXT    NOT NULL,
    render     TEXT    NOT NULL DEFAULT '',
    data       BLOB,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX file_links_expires ON file_links(expires_at);
