-- A counter of roster changes: boards kept in memory (reminders) are valid while it and the
-- newest report id stay the same, and new reports are applied to them one by one.
CREATE TABLE roster_version (v INTEGER NOT NULL);
INSERT INTO roster_version (v) VALUES (0);
CREATE TRIGGER areas_changed_ins AFTER INSERT ON areas BEGIN UPDATE roster_version SET v = v + 1; END;
CREATE TRIGGER areas_changed_upd AFTER UPDATE ON areas BEGIN UPDATE roster_version SET v = v + 1; END;
CREATE TRIGGER areas_changed_del AFTER DELETE ON areas BEGIN UPDATE roster_version SET v = v + 1; END;
CREATE TRIGGER schools_changed_ins AFTER INSERT ON schools BEGIN UPDATE roster_version SET v = v + 1; END;
CREATE TRIGGER schools_changed_upd AFTER UPDATE ON schools BEGIN UPDATE roster_version SET v = v + 1; END;
CREATE TRIGGER schools_changed_del AFTER DELETE ON schools BEGIN UPDATE roster_version SET v = v + 1; END;
CREATE TRIGGER classes_changed_ins AFTER INSERT ON classes BEGIN UPDATE roster_version SET v = v + 1; END;
CREATE TRIGGER classes_changed_upd AFTER UPDATE ON classes BEGIN UPDATE roster_version SET v = v + 1; END;
CREATE TRIGGER classes_changed_del AFTER DELETE ON classes BEGIN UPDATE roster_version SET v = v + 1; END;
