package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func seedClass(t *testing.T, st *Store) Class {
	t.Helper()
	ctx := context.Background()
	var c Class
	err := st.Update(ctx, func(tx *Tx) error {
		area, _, err := tx.EnsureArea(ctx, []string{"Sóc Trăng", "Mỹ Tú"})
		if err != nil {
			return err
		}
		school, _, err := tx.EnsureSchool(ctx, area, "Trường THCS Mỹ Tú")
		if err != nil {
			return err
		}
		id, _, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: "2025-2026", Name: "6A", Enrolment: 42})
		if err != nil {
			return err
		}
		c, err = tx.ClassByID(ctx, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMigrateFromEmptyAndRerun(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	st, err := OpenNoMigrate(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := st.Migrate(ctx); err != nil || v != LatestVersion() {
		t.Fatalf("first migrate: v=%d err=%v", v, err)
	}
	if v, err := st.Migrate(ctx); err != nil || v != LatestVersion() {
		t.Fatalf("second migrate: v=%d err=%v", v, err)
	}
	st.Close()
	st, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen current db: %v", err)
	}
	defer st.Close()
	if v, _ := st.SchemaVersion(ctx); v != LatestVersion() {
		t.Fatalf("version %d", v)
	}
	var mode string
	if err := st.r.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q %v", mode, err)
	}
	var fk int
	if err := st.w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign keys %d %v", fk, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	if _, err := st.w.ExecContext(ctx, `UPDATE schema_version SET version = 999`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err == nil {
		t.Fatal("want error for a database newer than the binary")
	}
}

func TestReportsAreHistory(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	c := seedClass(t, st)
	add := func(week string, through, other int) {
		t.Helper()
		err := st.Update(ctx, func(tx *Tx) error {
			_, err := tx.InsertReport(ctx, Report{ClassID: c.ID, Week: week, Enrolment: 42, ThroughSchool: through, Other: other})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	add("2026-W46", 20, 5)
	add("2026-W47", 25, 5)
	add("2026-W47", 30, 8) // a correction
	err := st.View(ctx, func(tx *Tx) error {
		r, err := tx.LatestReport(ctx, c.ID, "2026-W47")
		if err != nil || r.Insured() != 38 {
			t.Fatalf("latest W47: %+v %v", r, err)
		}
		figs, err := tx.WeekFigures(ctx, "Sóc Trăng", 0, "2025-2026", "2026-W47")
		if err != nil || len(figs) != 1 || figs[0].This.Insured() != 38 || figs[0].Previous.Insured() != 25 {
			t.Fatalf("week figures: %+v %v", figs, err)
		}
		figs, err = tx.WeekFigures(ctx, "", c.SchoolID, "2025-2026", "2026-W48")
		if err != nil || figs[0].This != nil || figs[0].Previous.Insured() != 38 {
			t.Fatalf("week figures W48: %+v %v", figs, err)
		}
		all, err := tx.ReportsOfClass(ctx, c.ID)
		if err != nil || len(all) != 3 {
			t.Fatalf("history: %d %v", len(all), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bad := []Report{
		{ClassID: c.ID, Week: "2026-W47", Enrolment: 0},
		{ClassID: c.ID, Week: "2026-W47", Enrolment: 201},
		{ClassID: c.ID, Week: "2026-W47", Enrolment: 40, ThroughSchool: 30, Other: 11},
		{ClassID: c.ID, Week: "2026-W47", Enrolment: 40, ThroughSchool: -1},
		{ClassID: 9999, Week: "2026-W47", Enrolment: 40},
	}
	for _, r := range bad {
		err := st.Update(ctx, func(tx *Tx) error { _, err := tx.InsertReport(ctx, r); return err })
		if err == nil {
			t.Errorf("report %+v accepted", r)
		}
	}
}

func TestOutboxDedupeAndOrder(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	now := time.Now()
	err := st.Update(ctx, func(tx *Tx) error {
		for i, m := range []Message{
			{DedupeKey: "job/W47/1", ChatID: 1, Text: "a"},
			{DedupeKey: "job/W47/1", ChatID: 1, Text: "again"},
			{DedupeKey: "reply/5", ChatID: 2, Text: "b", Priority: PriorityReply, Buttons: [][]Button{{{Text: "Sửa", Data: "fix:1"}}}},
			{DedupeKey: "photo/1", ChatID: 3, Photo: []byte{1, 2}, FileName: "c.png"},
			{DedupeKey: "later/1", ChatID: 4, Text: "morning", NotBefore: now.Add(time.Hour)},
		} {
			ok, err := tx.Enqueue(ctx, m)
			if err != nil {
				return err
			}
			if want := i != 1; ok != want {
				t.Errorf("enqueue %d: got %v want %v", i, ok, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []Message
	st.View(ctx, func(tx *Tx) error { got, err = tx.PendingMessages(ctx, now, 10); return err })
	if len(got) != 3 || got[0].DedupeKey != "reply/5" || got[0].Buttons[0][0].Text != "Sửa" || got[2].Kind() != "photo" {
		t.Fatalf("pending: %+v", got)
	}
	st.Update(ctx, func(tx *Tx) error { return tx.MarkSent(ctx, got[0].ID, 77) })
	st.View(ctx, func(tx *Tx) error { got, err = tx.PendingMessages(ctx, now.Add(2*time.Hour), 10); return err })
	if len(got) != 3 {
		t.Fatalf("after sent and later: %d", len(got))
	}
}

func TestUpdatesAppliedOnce(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	for i, want := range []bool{true, false} {
		err := st.Update(ctx, func(tx *Tx) error {
			ok, err := tx.MarkUpdate(ctx, 100)
			if ok != want {
				t.Errorf("round %d: got %v", i, ok)
			}
			if err != nil {
				return err
			}
			return tx.SetOffset(ctx, 101)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	st.View(ctx, func(tx *Tx) error {
		if off, err := tx.Offset(ctx); off != 101 || err != nil {
			t.Fatalf("offset %d %v", off, err)
		}
		return nil
	})
}

func TestJobRunLedger(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	for i, want := range []bool{true, false} {
		st.Update(ctx, func(tx *Tx) error {
			ok, err := tx.StartJobRun(ctx, "teacher-reminder", "2026-W47", "schedule")
			if ok != want || err != nil {
				t.Errorf("run %d: %v %v", i, ok, err)
			}
			return nil
		})
	}
	st.View(ctx, func(tx *Tx) error {
		if _, err := tx.JobRunFor(ctx, "teacher-reminder", "2026-W48"); !errors.Is(err, ErrNotFound) {
			t.Errorf("W48: %v", err)
		}
		return nil
	})
}

func TestUsersDeactivateAndReactivate(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	st.Update(ctx, func(tx *Tx) error { return tx.TouchUser(ctx, User{ID: 5, ChatID: 5, Name: "Cô Lan"}) })
	st.Update(ctx, func(tx *Tx) error { return tx.DeactivateChat(ctx, 5, "403 blocked") })
	st.View(ctx, func(tx *Tx) error {
		if ok, _ := tx.ChatActive(ctx, 5); ok {
			t.Error("blocked chat still active")
		}
		return nil
	})
	st.Update(ctx, func(tx *Tx) error { return tx.TouchUser(ctx, User{ID: 5, ChatID: 5, Name: "Cô Lan"}) })
	st.View(ctx, func(tx *Tx) error {
		u, _ := tx.UserByID(ctx, 5)
		if !u.Active || u.InactiveReason != "" {
			t.Errorf("not reactivated: %+v", u)
		}
		return nil
	})
}

func TestWeeks(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 23, 10, 0, 0, 0, loc), "2026-W48"},
		{time.Date(2026, 11, 22, 23, 59, 0, 0, loc), "2026-W47"},
		{time.Date(2026, 11, 22, 17, 30, 0, 0, time.UTC), "2026-W48"}, // 00:30 Monday in Vietnam
		{time.Date(2027, 1, 1, 12, 0, 0, 0, loc), "2026-W53"},
	}
	for _, tt := range tests {
		if got := WeekOf(tt.t, loc); got != tt.want {
			t.Errorf("WeekOf(%v) = %s, want %s", tt.t, got, tt.want)
		}
		start, err := WeekStart(tt.want, loc)
		if err != nil || WeekOf(start, loc) != tt.want || start.Weekday() != time.Monday || start.Hour() != 0 {
			t.Errorf("WeekStart(%s) = %v %v", tt.want, start, err)
		}
	}
	for _, bad := range []string{"2026-W54", "2025-W53", "W47", ""} {
		if _, err := WeekStart(bad, loc); err == nil {
			t.Errorf("WeekStart(%q) accepted", bad)
		}
	}
}

func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	c := seedClass(t, st)
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			err := st.Update(ctx, func(tx *Tx) error {
				_, err := tx.InsertReport(ctx, Report{ClassID: c.ID, Week: "2026-W47", Enrolment: 42, ThroughSchool: 30, Other: 8})
				return err
			})
			if err != nil {
				t.Error(err)
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 50 {
		time.Sleep(time.Millisecond)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	before := written.Load()
	for written.Load() < before+50 {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var n, total int
	var check string
	b.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports`).Scan(&n)
	st.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports`).Scan(&total)
	b.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check)
	if n < 50 || n >= total || check != "ok" {
		t.Fatalf("backup holds %d reports of %d written, integrity %q", n, total, check)
	}
}

// TestIsFull fills the database up to max_page_count, which SQLite answers as it answers a
// full disk, and checks that IsFull (not IsBusy) recognises the error, also wrapped, and
// that the same write succeeds once there is room again.
func TestIsFull(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	var pages int
	if err := st.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := st.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+1)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 64<<10)
	write := func() error {
		return st.Update(ctx, func(tx *Tx) error { return tx.SetValue(ctx, "big", big) })
	}
	err := write()
	if !IsFull(err) || IsBusy(err) {
		t.Fatalf("write beyond max_page_count: IsFull %v, IsBusy %v: %v", IsFull(err), IsBusy(err), err)
	}
	if !IsFull(fmt.Errorf("bot: record: %w", err)) || IsFull(nil) || IsFull(errors.New("database or disk is full")) {
		t.Fatal("IsFull must see through wrapping and only match SQLite's error")
	}
	if _, err := st.w.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if err := write(); err != nil {
		t.Fatalf("write once there is room: %v", err)
	}
}

func TestClassRank(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	c := seedClass(t, st)
	var ids []int64
	st.Update(ctx, func(tx *Tx) error {
		for _, name := range []string{"6B", "6C", "6D"} {
			id, _, err := tx.UpsertClass(ctx, Class{SchoolID: c.SchoolID, SchoolYear: "2025-2026", Name: name, Enrolment: 40})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		report := func(id int64, week string, enrol, insured int) {
			if _, err := tx.InsertReport(ctx, Report{ClassID: id, Week: week, Enrolment: enrol, ThroughSchool: insured}); err != nil {
				t.Fatal(err)
			}
		}
		report(c.ID, "2026-W47", 42, 21)   // 50%
		report(c.ID, "2026-W47", 42, 38)   // corrected: 90.5%
		report(ids[0], "2026-W47", 40, 36) // 90%
		report(ids[1], "2026-W47", 40, 38) // 95%
		report(ids[2], "2026-W46", 40, 40) // last week only
		return nil
	})
	tests := []struct {
		class          int64
		rank, reported int
	}{{ids[1], 1, 3}, {c.ID, 2, 3}, {ids[0], 3, 3}, {ids[2], 0, 3}}
	st.View(ctx, func(tx *Tx) error {
		for _, tt := range tests {
			rank, reported, err := tx.ClassRank(ctx, tt.class, "2026-W47")
			if err != nil || rank != tt.rank || reported != tt.reported {
				t.Errorf("class %d: rank %d/%d %v, want %d/%d", tt.class, rank, reported, err, tt.rank, tt.reported)
			}
		}
		return nil
	})
}

// TestRolesVersion: the version moves only once a role change has committed, so a reader
// that saw version v and then read the roles cannot miss a change that commits later.
func TestRolesVersion(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	c := seedClass(t, st)
	st.Update(ctx, func(tx *Tx) error { return tx.TouchUser(ctx, User{ID: 9, ChatID: 9}) })
	v0 := st.RolesVersion()
	err := st.Update(ctx, func(tx *Tx) error {
		if err := tx.GrantRole(ctx, 9, RoleTeacher, Scope{ClassID: c.ID}); err != nil {
			return err
		}
		if st.RolesVersion() != v0 {
			t.Error("version moved before the commit")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	v1 := st.RolesVersion()
	if v1 == v0 {
		t.Fatal("version did not move after a committed grant")
	}
	st.Update(ctx, func(tx *Tx) error {
		tx.GrantRole(ctx, 9, RoleParent, Scope{ClassID: c.ID})
		return errors.New("rolled back")
	})
	if st.RolesVersion() != v1 {
		t.Error("a rolled-back grant moved the version")
	}
	st.Update(ctx, func(tx *Tx) error { return tx.SetValue(ctx, "k", "v") })
	if st.RolesVersion() != v1 {
		t.Error("a commit without role changes moved the version")
	}
}

// TestCancelledUpdateCommitsNothing: a write transaction's statements run under a context
// that cannot end (see txStmts), yet ending the context the transaction began under still
// stops it: nothing of it is committed, what was written before the end included.
func TestCancelledUpdateCommitsNothing(t *testing.T) {
	st := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := st.Update(ctx, func(tx *Tx) error {
		if err := tx.SetValue(ctx, "before", "x"); err != nil {
			return err
		}
		cancel()
		_ = tx.SetValue(ctx, "after", "x") // fails once the transaction is rolled back
		return nil
	})
	if err == nil {
		t.Fatal("a transaction whose context ended was committed")
	}
	err = st.View(context.Background(), func(tx *Tx) error {
		for _, k := range []string{"before", "after"} {
			if v, err := tx.Value(context.Background(), k); err == nil && v != "" {
				return fmt.Errorf("%s = %q was committed", k, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// randomClasses makes schools × perSchool classes, each in two school years, under the area
// path, with random enrolments, and returns their ids.
func randomClasses(t *testing.T, st *Store, rng *rand.Rand, area []string, schools, perSchool int) []int64 {
	t.Helper()
	ctx := context.Background()
	var classes []int64
	err := st.Update(ctx, func(tx *Tx) error {
		a, _, err := tx.EnsureArea(ctx, area)
		if err != nil {
			return err
		}
		for s := range schools {
			school, _, err := tx.EnsureSchool(ctx, a, fmt.Sprintf("Trường %d", s))
			if err != nil {
				return err
			}
			for c := range perSchool {
				for _, year := range []string{"2024-2025", "2025-2026"} {
					id, _, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: year, Name: fmt.Sprintf("%dA", 6+c), Enrolment: 10 + rng.IntN(20)})
					if err != nil {
						return err
					}
					classes = append(classes, id)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return classes
}

// randomReports appends, in one transaction, n random reports of random weeks to random
// classes (corrections and reports of earlier weeks among them); one in eight is an
// enrolment change of the class instead.
func randomReports(t *testing.T, st *Store, rng *rand.Rand, classes []int64, weeks []string, n int) {
	t.Helper()
	ctx := context.Background()
	err := st.Update(ctx, func(tx *Tx) error {
		for range n {
			c := classes[rng.IntN(len(classes))]
			if rng.IntN(8) == 0 {
				if err := tx.SetEnrolment(ctx, c, 1+rng.IntN(40)); err != nil {
					return err
				}
				continue
			}
			e := 1 + rng.IntN(40)
			th := rng.IntN(e + 1)
			if _, err := tx.InsertReport(ctx, Report{ClassID: c, Week: weeks[rng.IntN(len(weeks))], Enrolment: e, ThroughSchool: th, Other: rng.IntN(e - th + 1), Source: SourceCLI}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
