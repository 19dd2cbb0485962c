-- The reply to a teacher's report says the class's rank among its school's classes that
-- reported that week. Ranking from the reports means finding each class's latest report of
-- the week (a join and a lookup per class, planned afresh for every report); this table keeps
-- each class's latest figures of each week, by school, so the rank reads one index range.
--
-- class_weeks: for a class and a week in which it reported, its school and school year and the
-- figures of its latest report of that week (enrolment, insured = through school + other).
-- A trigger keeps it in the transaction that appends a report, whatever path appends it.
-- Reports are appended: a new report has the highest id, so it is its class's latest of its
-- week. A class with reports never moves to another school or school year (013 forbids it).
CREATE TABLE class_weeks (
    school_id   INTEGER NOT NULL,
    school_year TEXT    NOT NULL,
    week        TEXT    NOT NULL,
    class_id    INTEGER NOT NULL,
    enrolment   INTEGER NOT NULL,
    insured     INTEGER NOT NULL,
    PRIMARY KEY (school_id, school_year, week, class_id)
) WITHOUT ROWID;

-- Each class's latest report of each week (SQLite takes the bare columns from the row of MAX(id)).
INSERT INTO class_weeks (school_id, school_year, week, class_id, enrolment, insured)
SELECT c.school_id, c.school_year, r.week, r.class_id, r.enrolment, r.insured
FROM (SELECT class_id, week, MAX(id), enrolment, through_school + other AS insured FROM reports GROUP BY class_id, week) r
JOIN classes c ON c.id = r.class_id;

CREATE TRIGGER class_weeks_report AFTER INSERT ON reports BEGIN
    INSERT INTO class_weeks (school_id, school_year, week, class_id, enrolment, insured)
    SELECT school_id, school_year, NEW.week, NEW.class_id, NEW.enrolment, NEW.through_school + NEW.other
    FROM classes WHERE id = NEW.class_id
    ON CONFLICT (school_id, school_year, week, class_id) DO UPDATE SET enrolment = excluded.enrolment, insured = excluded.insured;
END;
