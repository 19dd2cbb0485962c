-- A pupil who is no longer in the class's roster file is retired, not deleted and not
-- renamed into someone else: parent links, card claims and invites keep pointing at the
-- child they were made for, and a pupil who comes back is restored with them. Only active
-- pupils hold a roster number, so the table's UNIQUE (class_id, number) becomes a partial
-- index; SQLite cannot drop a constraint, so the table is rebuilt. The old rows are put
-- back into a table named students with the same ids, so the foreign keys of roles,
-- invites and card_claims find their rows again before the commit checks them.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE students_007 AS SELECT id, class_id, number, name, status, updated_at FROM students;
DROP TABLE students;
CREATE TABLE students (
    id         INTEGER PRIMARY KEY,
    class_id   INTEGER NOT NULL REFERENCES classes(id),
    number     INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'uninsured' CHECK (status IN ('uninsured', 'school', 'other')),
    updated_at INTEGER NOT NULL DEFAULT 0,
    retired_at INTEGER NOT NULL DEFAULT 0       -- unix time the pupil left the roster; 0 = on it
);
INSERT INTO students (id, class_id, number, name, status, updated_at)
    SELECT id, class_id, number, name, status, updated_at FROM students_007 ORDER BY id;
DROP TABLE students_007;
CREATE UNIQUE INDEX students_active_number ON students(class_id, number) WHERE retired_at = 0;
CREATE INDEX students_class ON students(class_id, retired_at, number);
