-- The reply to a teacher's report says the class's rank among its school's classes that
-- reported that week. Ranking from the reports means finding each class's latest report of
-- the week (a join and a lookup per class, planned afresh for every report); this table keeps
-- each class's latest report, by school and week, so the rank reads one index range.
--
-- class_latest: for a class with reports, its school and school year, the week of its latest
-- report (the latest week, then the highest id) and that report's figures (enrolment,
-- insured = through school + other). The classes of a school whose row is of the current week
-- are those that reported this week. One row per class: keeping every week's would grow a
-- country's database by a quarter. A trigger keeps it in the transaction that appends a
-- report, whatever path appends it; a report of an earlier week than the row's changes
-- nothing. A class with reports never moves to another school or school year (013 forbids it).
CREATE TABLE class_latest (
    class_id    INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL,
    school_year TEXT    NOT NULL,
    week        TEXT    NOT NULL,
    enrolment   INTEGER NOT NULL,
    insured     INTEGER NOT NULL
);
CREATE INDEX class_latest_school ON class_latest(school_id, school_year, week, enrolment, insured);

INSERT INTO class_latest (class_id, school_id, school_year, week, enrolment, insured)
SELECT c.id, c.school_id, c.school_year, r.week, r.enrolment, r.through_school + r.other
FROM classes c JOIN reports r ON r.id = (SELECT id FROM reports WHERE class_id = c.id ORDER BY week DESC, id DESC LIMIT 1);

CREATE TRIGGER class_latest_report AFTER INSERT ON reports BEGIN
    INSERT INTO class_latest (class_id, school_id, school_year, week, enrolment, insured)
    SELECT id, school_id, school_year, NEW.week, NEW.enrolment, NEW.through_school + NEW.other
    FROM classes WHERE id = NEW.class_id
    ON CONFLICT (class_id) DO UPDATE SET week = excluded.week, enrolment = excluded.enrolment, insured = excluded.insured
    WHERE excluded.week >= class_latest.week;
END;
