-- The invite that granted a role (NULL for roles from config, the CLI or before this
-- column): revoking a used code removes the roles it granted.
ALTER TABLE roles ADD COLUMN invite_code TEXT;
CREATE INDEX roles_invite ON roles(invite_code) WHERE invite_code IS NOT NULL;

-- A parent who came by a class link and named a pupil: the binding waits for the class
-- teacher's decision, so a stranger with the shared link cannot take any child.
CREATE TABLE link_requests (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    student_id  INTEGER NOT NULL REFERENCES students(id),
    class_id    INTEGER NOT NULL REFERENCES classes(id),
    invite_code TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected', 'cancelled')),
    decided_by  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    decided_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX link_requests_user ON link_requests(user_id, class_id, status);

-- Wrong answers of a class-link parent, per class: kept apart from the conversation so
-- that restarting the flow (/con, /cothe, the link again) does not reset them.
CREATE TABLE link_attempts (
    user_id    INTEGER NOT NULL,
    class_id   INTEGER NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, class_id)
);
-- Wrong answers counted so far by conversations in progress carry over.
INSERT INTO link_attempts (user_id, class_id, tries, updated_at)
SELECT user_id, json_extract(state, '$.class'), json_extract(state, '$.tries'), updated_at
FROM conversations
WHERE kind = 'phuhuynh' AND json_valid(state) AND json_extract(state, '$.class') > 0 AND json_extract(state, '$.tries') > 0;

-- A counter of role changes by any process (the CLI's revoke included), so a running bot
-- can tell that cached menus are stale.
CREATE TABLE roles_version (v INTEGER NOT NULL);
INSERT INTO roles_version (v) VALUES (0);
CREATE TRIGGER roles_changed_ins AFTER INSERT ON roles BEGIN UPDATE roles_version SET v = v + 1; END;
CREATE TRIGGER roles_changed_del AFTER DELETE ON roles BEGIN UPDATE roles_version SET v = v + 1; END;
CREATE TRIGGER roles_changed_upd AFTER UPDATE ON roles BEGIN UPDATE roles_version SET v = v + 1; END;
