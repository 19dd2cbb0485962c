-- The dashboard's logins and sessions. Only the SHA-256 of a token is kept, so a copy of the
-- database (a backup) opens no session; a login link is used once and soon expires, a session
-- can be ended at once.
CREATE TABLE web_logins (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE web_sessions (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX web_sessions_user ON web_sessions(user_id);
