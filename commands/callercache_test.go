package commands

import (
	"errors"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

// TestCallerCacheFollowsRoles: a teacher's roles are kept between updates, yet a role
// revoked, a role granted, a class changed by the roster or a grant rolled back shows at the next update.
func TestCallerCacheFollowsRoles(t *testing.T) {
	f := newFixture(t)
	if got := f.say(uTeacherOut, "/baocao 6A 30 20 5"); !strings.Contains(got, "Đã ghi báo cáo") {
		t.Fatalf("first report: %q", got)
	}
	if got := f.say(uTeacherOut, "/baocao 6A 30 21 5"); !strings.Contains(got, "Đã ghi báo cáo") {
		t.Fatalf("second report (kept roles): %q", got)
	}
	var roleID int64
	err := f.store.Update(f.ctx, func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(f.ctx, uTeacherOut)
		if err != nil || len(roles) != 1 {
			t.Fatalf("roles %+v, %v", roles, err)
		}
		roleID = roles[0].ID
		return tx.RevokeRole(f.ctx, roleID)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.say(uTeacherOut, "/baocao 6A 30 22 5"); strings.Contains(got, "Đã ghi báo cáo") {
		t.Fatalf("a revoked teacher's report was taken: %q", got)
	}
	n := len(f.reports(f.classOut.ID))
	// A grant in a transaction that rolls back gives nothing, even once its rows were read.
	rollback := errors.New("rollback")
	err = f.store.Update(f.ctx, func(tx *storage.Tx) error {
		if err := tx.GrantRole(f.ctx, uTeacherOut, storage.RoleTeacher, storage.Scope{ClassID: f.classOut.ID}); err != nil {
			return err
		}
		if _, err := f.engine.loadCaller(f.ctx, tx, uTeacherOut); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if got := f.say(uTeacherOut, "/baocao 6A 30 22 5"); strings.Contains(got, "Đã ghi báo cáo") || len(f.reports(f.classOut.ID)) != n {
		t.Fatalf("a rolled-back grant let the report in: %q", got)
	}
	err = f.store.Update(f.ctx, func(tx *storage.Tx) error {
		return tx.GrantRole(f.ctx, uTeacherOut, storage.RoleTeacher, storage.Scope{ClassID: f.classOut.ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.say(uTeacherOut, "/baocao 6A 30 22 5"); !strings.Contains(got, "Đã ghi báo cáo") {
		t.Fatalf("a granted teacher's report was refused: %q", got)
	}
	// The roster changes the class under the kept role: the reply names it as it is now.
	err = f.store.Update(f.ctx, func(tx *storage.Tx) error {
		_, _, err := tx.UpsertClass(f.ctx, storage.Class{SchoolID: f.schoolOutID, SchoolYear: f.cfg.Campaign.SchoolYear, Name: "6A", Enrolment: 33, TeacherName: "Cô Hoa"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// A class changed in a transaction that rolls back, after the caller was read inside it,
	// then another class changed (the roster counter comes back to the same value): the
	// caller read inside the rolled-back transaction is not used.
	err = f.store.Update(f.ctx, func(tx *storage.Tx) error {
		if err := tx.SetEnrolment(f.ctx, f.classOut.ID, 44); err != nil {
			return err
		}
		if _, err := f.engine.loadCaller(f.ctx, tx, uTeacherOut); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if err := f.store.Update(f.ctx, func(tx *storage.Tx) error { return tx.SetEnrolment(f.ctx, f.class7.ID, 41) }); err != nil {
		t.Fatal(err)
	}
	if got := f.say(uTeacherOut, "/baocao 6A 44 22 5"); !strings.Contains(got, "Đã ghi báo cáo") {
		t.Fatalf("report after the rollback: %q", got)
	}
	f.view(func(tx *storage.Tx) error {
		cl, err := tx.ClassByID(f.ctx, f.classOut.ID)
		if err == nil && cl.Enrolment != 44 {
			t.Errorf("enrolment %d after a report of 44", cl.Enrolment)
		}
		return err
	})
	// A report giving the class's former enrolment sets it back: the engine compared it with
	// the class as it is now, not as it was kept.
	if got := f.say(uTeacherOut, "/baocao 6A 30 22 5"); !strings.Contains(got, "Đã ghi báo cáo") {
		t.Fatalf("report after the roster change: %q", got)
	}
	f.view(func(tx *storage.Tx) error {
		cl, err := tx.ClassByID(f.ctx, f.classOut.ID)
		if err == nil && cl.Enrolment != 30 {
			t.Errorf("enrolment %d after a report of 30", cl.Enrolment)
		}
		return err
	})
}
