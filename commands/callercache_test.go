package commands

import (
	"errors"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

// TestCallerCacheFollowsRolesAndRoster: a teacher's roles and classes are kept between
// updates, yet at the very next message the bot sees a role revoked by another process (the
// CLI), a role granted, a grant whose savepoint was rolled back (even once the version
// counter reaches the same number again), and a class changed by the roster.
func TestCallerCacheFollowsRolesAndRoster(t *testing.T) {
	f := newFixture(t)
	kept := func() bool {
		f.engine.callers.mu.Lock()
		defer f.engine.callers.mu.Unlock()
		_, ok := f.engine.callers.entries[uTeacherOut]
		return ok
	}
	if got := f.say(uTeacherOut, "/baocao 6A 30 20 5"); !strings.Contains(got, "Đã ghi báo cáo") {
		t.Fatalf("first report: %q", got)
	}
	if !kept() {
		t.Fatal("the teacher's roles were not kept after a committed update")
	}
	if got := f.say(uTeacherOut, "/baocao 6A 30 21 5"); !strings.Contains(got, "Đã ghi báo cáo") {
		t.Fatalf("second report (kept roles): %q", got)
	}

	// Revoked by another process: this process's own counters do not move.
	cli, err := storage.Open(f.ctx, f.path)
	if err != nil {
		t.Fatal(err)
	}
	err = cli.Update(f.ctx, func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(f.ctx, uTeacherOut)
		if err != nil || len(roles) != 1 {
			t.Fatalf("roles %+v, %v", roles, err)
		}
		return tx.RevokeRole(f.ctx, roles[0].ID)
	})
	cli.Close()
	if err != nil {
		t.Fatal(err)
	}
	n := len(f.reports(f.classOut.ID))
	if got := f.say(uTeacherOut, "/baocao 6A 30 22 5"); strings.Contains(got, "Đã ghi báo cáo") || len(f.reports(f.classOut.ID)) != n {
		t.Fatalf("a report taken after the role was revoked: %q", got)
	}

	// A grant undone by a savepoint after the caller was read with it: not kept. The next
	// grant brings the roles counter back to the number that caller was read at.
	undone := errors.New("undone")
	err = f.store.Update(f.ctx, func(tx *storage.Tx) error {
		if err := tx.Savepoint(f.ctx, "grant"); err != nil {
			return err
		}
		if err := tx.GrantRole(f.ctx, uTeacherOut, storage.RoleTeacher, storage.Scope{ClassID: f.classOut.ID}); err != nil {
			return err
		}
		if _, err := f.engine.loadCaller(f.ctx, tx, uTeacherOut); err != nil {
			return err
		}
		if err := tx.RollbackTo(f.ctx, "grant"); err != nil {
			return err
		}
		return tx.ReleaseSavepoint(f.ctx, "grant")
	})
	if err != nil {
		t.Fatal(err)
	}
	// The same in a transaction that rolls back as a whole.
	err = f.store.Update(f.ctx, func(tx *storage.Tx) error {
		if err := tx.GrantRole(f.ctx, uTeacherOut, storage.RoleTeacher, storage.Scope{ClassID: f.classOut.ID}); err != nil {
			return err
		}
		if _, err := f.engine.loadCaller(f.ctx, tx, uTeacherOut); err != nil {
			return err
		}
		return undone
	})
	if !errors.Is(err, undone) {
		t.Fatal(err)
	}
	err = f.store.Update(f.ctx, func(tx *storage.Tx) error {
		return tx.GrantRole(f.ctx, uTeacherOut, storage.RoleTeacher, storage.Scope{ClassID: f.class7.ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.say(uTeacherOut, "/baocao 6A 30 22 5"); strings.Contains(got, "Đã ghi báo cáo") || len(f.reports(f.classOut.ID)) != n {
		t.Fatalf("a report taken for a class whose grant was undone: %q", got)
	}
	if got := f.say(uTeacherOut, "/baocao 40 30 5"); !strings.Contains(got, "Đã ghi báo cáo") || !strings.Contains(got, "7A") {
		t.Fatalf("a report of the class granted since: %q", got)
	}

	// The roster changes the class under the kept role: the reply compares with the list as
	// it is now.
	if got := f.say(uTeacherOut, "/baocao 40 31 5"); !strings.Contains(got, "Đã ghi báo cáo") || strings.Contains(got, "Sĩ số đã đổi") {
		t.Fatalf("report at the listed enrolment: %q", got)
	}
	if err := f.store.Update(f.ctx, func(tx *storage.Tx) error { return tx.SetEnrolment(f.ctx, f.class7.ID, 44) }); err != nil {
		t.Fatal(err)
	}
	if got := f.say(uTeacherOut, "/baocao 44 31 5"); !strings.Contains(got, "Đã ghi báo cáo") || strings.Contains(got, "Sĩ số đã đổi") {
		t.Fatalf("report at the enrolment the roster now lists: %q", got)
	}
	if got := f.say(uTeacherOut, "/baocao 40 31 5"); !strings.Contains(got, "Sĩ số đã đổi từ 44 thành 40") {
		t.Fatalf("report at the former enrolment: %q", got)
	}
}

// BenchmarkCallerCache is reading who sent an update, in the channel's transaction: a
// teacher of one class kept from an earlier update (kept), or read afresh (read: the cache
// emptied before each read, as for a teacher's first report of a burst).
func BenchmarkCallerCache(b *testing.B) {
	for _, kept := range []bool{true, false} {
		name := "read"
		if kept {
			name = "kept"
		}
		b.Run(name, func(b *testing.B) {
			f := newFixture(b)
			f.say(uTeacherOut, "/baocao 6A 30 20 5")
			err := f.store.Update(f.ctx, func(tx *storage.Tx) error {
				for b.Loop() {
					if !kept {
						f.engine.callers.mu.Lock()
						f.engine.callers.entries = nil
						f.engine.callers.mu.Unlock()
					}
					c, err := f.engine.loadCaller(f.ctx, tx, uTeacherOut)
					if err != nil {
						return err
					}
					if !c.teaches(f.classOut.ID) {
						b.Fatal("the teacher's class is missing")
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}
