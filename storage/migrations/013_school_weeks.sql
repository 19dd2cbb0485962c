-- An officer's board of a province sums each school's classes; reading every class's latest
-- report (two index lookups per class, 15,000 classes) is what made it slow. These two tables
-- keep the sums per school, so a board reads one row per school.
--
-- school_rolls: a school's classes of a school year and their enrolment on the roster.
-- school_weeks: for a school, a school year and a week in which at least one of its classes
-- reported: how many classes reported in that week (reported); how many have a report in that
-- week or an earlier one (classes), their enrolment on the roster (roll) and the sums of each
-- one's latest report up to that week (enrolment, through_school, other). A board of week W
-- takes the school's latest row at or before W (its classes' carried-forward figures: the
-- classes without any report count with their roster enrolment, school_rolls minus roll) and
-- its latest row before W (last week's figures).
--
-- Triggers keep both up to date in the transaction that writes a report or a class, whatever
-- path writes it (a teacher's report, roster marks, a roster re-import, the bulk load). Reports
-- are appended: a new report has the highest id, so it is its class's latest of its week.
CREATE TABLE school_rolls (
    school_id   INTEGER NOT NULL,
    school_year TEXT    NOT NULL,
    classes     INTEGER NOT NULL,
    enrolment   INTEGER NOT NULL,
    PRIMARY KEY (school_id, school_year)
) WITHOUT ROWID;

CREATE TABLE school_weeks (
    school_id      INTEGER NOT NULL,
    school_year    TEXT    NOT NULL,
    week           TEXT    NOT NULL,
    reported       INTEGER NOT NULL,
    classes        INTEGER NOT NULL,
    roll           INTEGER NOT NULL,
    enrolment      INTEGER NOT NULL,
    through_school INTEGER NOT NULL,
    other          INTEGER NOT NULL,
    PRIMARY KEY (school_id, school_year, week)
) WITHOUT ROWID;

INSERT INTO school_rolls (school_id, school_year, classes, enrolment)
    SELECT school_id, school_year, COUNT(*), SUM(enrolment) FROM classes GROUP BY school_id, school_year;

-- Each class's latest report of each week (SQLite takes the bare columns from the row of
-- MAX(id)), what it changed since the class's previous week, summed per school and week, then
-- carried forward week by week.
INSERT INTO school_weeks (school_id, school_year, week, reported, classes, roll, enrolment, through_school, other)
WITH cw AS (
    SELECT class_id, week, MAX(id) AS id, enrolment, through_school, other FROM reports GROUP BY class_id, week
), d AS (
    SELECT c.school_id, c.school_year, cw.week,
        (LAG(cw.id) OVER w IS NULL) AS first,
        c.enrolment AS roll,
        cw.enrolment - IFNULL(LAG(cw.enrolment) OVER w, 0) AS de,
        cw.through_school - IFNULL(LAG(cw.through_school) OVER w, 0) AS dt,
        cw.other - IFNULL(LAG(cw.other) OVER w, 0) AS do
    FROM cw JOIN classes c ON c.id = cw.class_id
    WINDOW w AS (PARTITION BY cw.class_id ORDER BY cw.week)
), sw AS (
    SELECT school_id, school_year, week, COUNT(*) AS reported, SUM(first) AS dc,
        SUM(CASE WHEN first THEN roll ELSE 0 END) AS dr, SUM(de) AS de, SUM(dt) AS dt, SUM(do) AS do
    FROM d GROUP BY school_id, school_year, week
)
SELECT school_id, school_year, week, reported,
    SUM(dc) OVER s, SUM(dr) OVER s, SUM(de) OVER s, SUM(dt) OVER s, SUM(do) OVER s
FROM sw
WINDOW s AS (PARTITION BY school_id, school_year ORDER BY week ROWS UNBOUNDED PRECEDING);

CREATE TRIGGER school_rolls_ins AFTER INSERT ON classes BEGIN
    INSERT INTO school_rolls (school_id, school_year, classes, enrolment) VALUES (NEW.school_id, NEW.school_year, 1, NEW.enrolment)
    ON CONFLICT (school_id, school_year) DO UPDATE SET classes = classes + 1, enrolment = enrolment + excluded.enrolment;
END;

CREATE TRIGGER school_rolls_del AFTER DELETE ON classes BEGIN
    UPDATE school_rolls SET classes = classes - 1, enrolment = enrolment - OLD.enrolment
    WHERE school_id = OLD.school_id AND school_year = OLD.school_year;
END;

-- A class's roster enrolment counts in its school's rows from its first report on.
CREATE TRIGGER school_rolls_upd AFTER UPDATE OF school_id, school_year, enrolment ON classes BEGIN
    UPDATE school_rolls SET classes = classes - 1, enrolment = enrolment - OLD.enrolment
    WHERE school_id = OLD.school_id AND school_year = OLD.school_year;
    INSERT INTO school_rolls (school_id, school_year, classes, enrolment) VALUES (NEW.school_id, NEW.school_year, 1, NEW.enrolment)
    ON CONFLICT (school_id, school_year) DO UPDATE SET classes = classes + 1, enrolment = enrolment + excluded.enrolment;
    UPDATE school_weeks SET roll = roll + NEW.enrolment - OLD.enrolment
    WHERE school_id = NEW.school_id AND school_year = NEW.school_year
      AND week >= (SELECT MIN(week) FROM reports WHERE class_id = NEW.id);
    SELECT RAISE(ABORT, 'storage: a class with reports cannot move to another school or school year')
    WHERE (NEW.school_id <> OLD.school_id OR NEW.school_year <> OLD.school_year)
      AND EXISTS (SELECT 1 FROM reports WHERE class_id = NEW.id);
END;

CREATE TRIGGER school_weeks_report AFTER INSERT ON reports BEGIN
    -- The school's row of the report's week, carried forward from its latest earlier row.
    INSERT OR IGNORE INTO school_weeks (school_id, school_year, week, reported, classes, roll, enrolment, through_school, other)
    SELECT c.school_id, c.school_year, NEW.week, 0,
        IFNULL(p.classes, 0), IFNULL(p.roll, 0), IFNULL(p.enrolment, 0), IFNULL(p.through_school, 0), IFNULL(p.other, 0)
    FROM classes c
    LEFT JOIN school_weeks p ON p.school_id = c.school_id AND p.school_year = c.school_year
        AND p.week = (SELECT MAX(week) FROM school_weeks WHERE school_id = c.school_id AND school_year = c.school_year AND week < NEW.week)
    WHERE c.id = NEW.class_id
      AND NOT EXISTS (SELECT 1 FROM school_weeks WHERE school_id = c.school_id AND school_year = c.school_year AND week = NEW.week);
    -- The report replaces its class's previous latest report in every row from its week up
    -- to the class's next week with a report.
    UPDATE school_weeks SET
        reported = reported + (school_weeks.week = NEW.week AND d.again = 0),
        classes = classes + d.first,
        roll = roll + d.dr,
        enrolment = enrolment + d.de,
        through_school = through_school + d.dt,
        other = other + d.do
    FROM (
        SELECT c.school_id, c.school_year,
            (p.id IS NULL) AS first,
            IFNULL(p.week = NEW.week, 0) AS again,
            CASE WHEN p.id IS NULL THEN c.enrolment ELSE 0 END AS dr,
            NEW.enrolment - IFNULL(p.enrolment, 0) AS de,
            NEW.through_school - IFNULL(p.through_school, 0) AS dt,
            NEW.other - IFNULL(p.other, 0) AS do,
            IFNULL((SELECT MIN(week) FROM reports WHERE class_id = NEW.class_id AND week > NEW.week), '~') AS next
        FROM classes c
        LEFT JOIN reports p ON p.id = (SELECT id FROM reports WHERE class_id = NEW.class_id AND week <= NEW.week AND id <> NEW.id
            ORDER BY week DESC, id DESC LIMIT 1)
        WHERE c.id = NEW.class_id
    ) AS d
    WHERE school_weeks.school_id = d.school_id AND school_weeks.school_year = d.school_year
      AND school_weeks.week >= NEW.week AND school_weeks.week < d.next;
END;
