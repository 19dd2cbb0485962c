-- Boards look up each class's latest report of a week and of an earlier week; with the figures
-- in the index those lookups never touch the table (an officer's board of a whole province,
-- 15,000 classes, at national scale). Same name and leading columns as before.
DROP INDEX reports_class_week;
CREATE INDEX reports_class_week ON reports(class_id, week, id, enrolment, through_school, other);
