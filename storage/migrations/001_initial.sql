-- Areas nest: a province holds communes/wards (or, for legacy data, districts). Levels are data.
CREATE TABLE areas (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES areas(id),
    name      TEXT    NOT NULL,
    path      TEXT    NOT NULL UNIQUE,   -- "Sóc Trăng / Mỹ Tú", NFC
    level     INTEGER NOT NULL           -- 0 = top (province)
);
CREATE INDEX areas_parent ON areas(parent_id);

CREATE TABLE schools (
    id      INTEGER PRIMARY KEY,
    area_id INTEGER NOT NULL REFERENCES areas(id),
    name    TEXT    NOT NULL,
    UNIQUE (area_id, name)
);
CREATE INDEX schools_name ON schools(name);

CREATE TABLE classes (
    id           INTEGER PRIMARY KEY,
    school_id    INTEGER NOT NULL REFERENCES schools(id),
    school_year  TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    enrolment    INTEGER NOT NULL CHECK (enrolment BETWEEN 1 AND 200),
    teacher_name TEXT    NOT NULL DEFAULT '',
    has_roster   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (school_id, school_year, name)
);

CREATE TABLE students (
    id         INTEGER PRIMARY KEY,
    class_id   INTEGER NOT NULL REFERENCES classes(id),
    number     INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'uninsured' CHECK (status IN ('uninsured', 'school', 'other')),
    updated_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (class_id, number)
);

-- A Telegram user; id is the Telegram user id.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    name            TEXT    NOT NULL DEFAULT '',
    username        TEXT    NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1,
    inactive_reason TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX users_chat ON users(chat_id);

-- What a user may do, and where: officer→area, principal→school, teacher→class,
-- parent→student (or class while the child is not yet identified), admin→everything.
CREATE TABLE roles (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    role       TEXT    NOT NULL CHECK (role IN ('admin', 'officer', 'principal', 'teacher', 'parent')),
    area_id    INTEGER REFERENCES areas(id),
    school_id  INTEGER REFERENCES schools(id),
    class_id   INTEGER REFERENCES classes(id),
    student_id INTEGER REFERENCES students(id),
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX roles_unique ON roles(user_id, role, IFNULL(area_id, 0), IFNULL(school_id, 0),
    IFNULL(class_id, 0), IFNULL(student_id, 0));
CREATE INDEX roles_area ON roles(area_id) WHERE area_id IS NOT NULL;
CREATE INDEX roles_school ON roles(school_id) WHERE school_id IS NOT NULL;
CREATE INDEX roles_class ON roles(class_id) WHERE class_id IS NOT NULL;
CREATE INDEX roles_student ON roles(student_id) WHERE student_id IS NOT NULL;

CREATE TABLE invites (
    code       TEXT    PRIMARY KEY,
    role       TEXT    NOT NULL CHECK (role IN ('officer', 'principal', 'teacher', 'parent')),
    area_id    INTEGER REFERENCES areas(id),
    school_id  INTEGER REFERENCES schools(id),
    class_id   INTEGER REFERENCES classes(id),
    student_id INTEGER REFERENCES students(id),
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    max_uses   INTEGER NOT NULL DEFAULT 1,
    uses       INTEGER NOT NULL DEFAULT 0,
    revoked_at INTEGER NOT NULL DEFAULT 0
);

-- Reports are history: appended, never updated. A class's figure for a week is its latest
-- report in that week (highest id).
CREATE TABLE reports (
    id             INTEGER PRIMARY KEY,
    class_id       INTEGER NOT NULL REFERENCES classes(id),
    week           TEXT    NOT NULL,            -- ISO week in the campaign zone, "2026-W48"
    enrolment      INTEGER NOT NULL CHECK (enrolment BETWEEN 1 AND 200),
    through_school INTEGER NOT NULL CHECK (through_school >= 0),
    other          INTEGER NOT NULL CHECK (other >= 0),
    source         TEXT    NOT NULL DEFAULT 'message',
    user_id        INTEGER NOT NULL DEFAULT 0,
    update_id      INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    CHECK (through_school + other <= enrolment)
);
CREATE INDEX reports_class_week ON reports(class_id, week, id);
CREATE INDEX reports_week ON reports(week, class_id, id);

-- A parent's claim that their child has a card, waiting for the teacher.
CREATE TABLE card_claims (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    student_id INTEGER REFERENCES students(id),
    class_id   INTEGER NOT NULL REFERENCES classes(id),
    status     TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
    decided_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    decided_at INTEGER NOT NULL DEFAULT 0
);

-- Every outgoing message, written before any send. dedupe_key makes enqueueing idempotent.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    dedupe_key  TEXT    NOT NULL UNIQUE,
    chat_id     INTEGER NOT NULL,
    priority    INTEGER NOT NULL DEFAULT 0,     -- 1 = reply to a person, 0 = broadcast
    kind        TEXT    NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'photo', 'document')),
    text        TEXT    NOT NULL DEFAULT '',
    buttons     TEXT    NOT NULL DEFAULT '',    -- JSON [[{"text","data","url"}]]
    file_name   TEXT    NOT NULL DEFAULT '',
    file_data   BLOB,
    not_before  INTEGER NOT NULL DEFAULT 0,
    status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead', 'dropped')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT '',
    message_id  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox(priority DESC, id) WHERE status = 'pending';

CREATE TABLE job_runs (
    job         TEXT    NOT NULL,
    period      TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL DEFAULT 0,
    messages    INTEGER NOT NULL DEFAULT 0,
    trigger     TEXT    NOT NULL DEFAULT 'schedule',
    PRIMARY KEY (job, period)
);

CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    processed_at INTEGER NOT NULL
);

-- Small named values: the getUpdates offset, among others.
CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A guided conversation in progress, so it survives a restart.
CREATE TABLE conversations (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    kind       TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    user_id INTEGER NOT NULL DEFAULT 0,
    action  TEXT    NOT NULL,
    detail  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
