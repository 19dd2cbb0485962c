package storage

import (
	"context"
	"path/filepath"
	"testing"
)

// openAt opens a new database migrated up to (not including) version stop.
func openAt(t *testing.T, stop int) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := OpenNoMigrate(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE schema_version (version INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	last := 0
	for _, m := range ms {
		if m.version >= stop {
			break
		}
		if _, err := s.w.ExecContext(ctx, m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		last = m.version
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, last); err != nil {
		t.Fatal(err)
	}
	return s
}

// The migration that lets retired pupils free their number rebuilds the students table;
// the pupils, their statuses and every link to them survive it, and the links are still
// enforced.
func TestMigrationRetiredKeepsPupilsAndLinks(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, 7)
	for _, q := range []string{
		`INSERT INTO areas (id, name, path, level) VALUES (1, 'Sóc Trăng', 'Sóc Trăng', 0)`,
		`INSERT INTO schools (id, area_id, name) VALUES (1, 1, 'Trường THCS Mỹ Tú')`,
		`INSERT INTO classes (id, school_id, school_year, name, enrolment, has_roster) VALUES (1, 1, '2025-2026', '6A', 2, 1)`,
		`INSERT INTO students (id, class_id, number, name, status) VALUES (7, 1, 1, 'Trần Văn An', 'school'), (9, 1, 2, 'Lê Thị Bình', 'other')`,
		`INSERT INTO users (id, chat_id, created_at, updated_at) VALUES (5, 5, 0, 0)`,
		`INSERT INTO roles (user_id, role, student_id, created_at) VALUES (5, 'parent', 9, 0)`,
		`INSERT INTO card_claims (user_id, student_id, class_id, created_at) VALUES (5, 9, 1, 0)`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err := s.View(ctx, func(tx *Tx) error {
		roles, err := tx.RolesOfUser(ctx, 5)
		if err != nil {
			return err
		}
		p, err := tx.StudentByID(ctx, roles[0].StudentID)
		if err != nil {
			return err
		}
		if p.Name != "Lê Thị Bình" || p.Status != StatusOther || p.Number != 2 || p.Retired {
			t.Errorf("parent's pupil after the migration: %+v", p)
		}
		if total, school, other, err := tx.RosterCounts(ctx, 1); err != nil || total != 2 || school != 1 || other != 1 {
			t.Errorf("counts %d %d %d %v", total, school, other, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.w.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign key violations after the migration")
	}
	rows.Close()
	if _, err := s.w.ExecContext(ctx, `DELETE FROM students WHERE id = 9`); err == nil {
		t.Error("a pupil a parent is linked to could be deleted: foreign keys lost")
	}
}

func TestRetiredPupilFreesNumberAndActiveNumbersStayUnique(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Update(ctx, func(tx *Tx) error {
		area, _, err := tx.EnsureArea(ctx, []string{"Sóc Trăng"})
		if err != nil {
			return err
		}
		school, _, err := tx.EnsureSchool(ctx, area, "Trường THCS Mỹ Tú")
		if err != nil {
			return err
		}
		class, _, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: "2025-2026", Name: "6A", Enrolment: 2, HasRoster: true})
		if err != nil {
			return err
		}
		an, err := tx.InsertStudent(ctx, class, 1, "Trần Văn An")
		if err != nil {
			return err
		}
		binh, err := tx.InsertStudent(ctx, class, 2, "Lê Thị Bình")
		if err != nil {
			return err
		}
		if _, err := tx.InsertStudent(ctx, class, 2, "Phạm Minh Châu"); err == nil {
			t.Error("two active pupils at number 2")
		}
		if err := tx.PlaceStudents(ctx, []Placement{{ID: an, Number: 2, Name: "Trần Văn An"}, {ID: binh, Number: 1, Name: "Lê Thị Bình"}}); err != nil {
			t.Errorf("swap: %v", err)
		}
		if err := tx.RetireStudents(ctx, an); err != nil {
			return err
		}
		if _, err := tx.InsertStudent(ctx, class, 2, "Phạm Minh Châu"); err != nil {
			t.Errorf("number 2 not freed by the retired pupil: %v", err)
		}
		ps, err := tx.StudentsOfClass(ctx, class)
		if err != nil {
			return err
		}
		if len(ps) != 2 || ps[0].ID != binh || ps[1].Name != "Phạm Minh Châu" {
			t.Errorf("active roster %+v", ps)
		}
		all, err := tx.ClassRoster(ctx, class)
		if err != nil {
			return err
		}
		if len(all) != 3 || all[2].ID != an || !all[2].Retired || all[2].Number != 2 {
			t.Errorf("whole roster %+v", all)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// UpsertStudent never puts another child's name on a pupil's row.
func TestUpsertStudentOtherNameIsNewPupil(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Update(ctx, func(tx *Tx) error {
		area, _, _ := tx.EnsureArea(ctx, []string{"Sóc Trăng"})
		school, _, _ := tx.EnsureSchool(ctx, area, "Trường THCS Mỹ Tú")
		class, _, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: "2025-2026", Name: "6A", Enrolment: 2, HasRoster: true})
		if err != nil {
			return err
		}
		an, _, err := tx.UpsertStudent(ctx, class, 1, "Trần Văn An")
		if err != nil {
			return err
		}
		if id, ch, err := tx.UpsertStudent(ctx, class, 1, "TRAN VAN AN"); err != nil || id != an || ch != Updated {
			t.Errorf("retyped name: %d %v %v", id, ch, err)
		}
		dung, ch, err := tx.UpsertStudent(ctx, class, 1, "Đỗ Quốc Dũng")
		if err != nil || dung == an || ch != Added {
			t.Errorf("other name: %d %v %v", dung, ch, err)
		}
		if p, err := tx.StudentByID(ctx, an); err != nil || p.Name != "TRAN VAN AN" || !p.Retired {
			t.Errorf("first pupil: %+v %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A class named "6b" in a later file is the class 6B.
func TestUpsertClassIgnoresCase(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Update(ctx, func(tx *Tx) error {
		area, _, _ := tx.EnsureArea(ctx, []string{"Sóc Trăng"})
		school, _, _ := tx.EnsureSchool(ctx, area, "Trường Mầm non Hoa Sen")
		first, ch, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: "2025-2026", Name: "Lá Đỏ", Enrolment: 30})
		if err != nil || ch != Added {
			return err
		}
		for _, name := range []string{"lá đỏ", "LÁ ĐỎ"} {
			id, ch, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: "2025-2026", Name: name, Enrolment: 30})
			if err != nil || id != first || ch != Unchanged {
				t.Errorf("%q: id %d (want %d), %v, %v", name, id, first, ch, err)
			}
		}
		c, err := tx.ClassByID(ctx, first)
		if err != nil || c.Name != "Lá Đỏ" {
			t.Errorf("class %+v %v", c, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
