package reminders

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

func jobsOf(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Job)
	}
	return out
}

// TestTickAcrossWeeks drives the real default cron specs with a fake clock over two weeks:
// each job runs at its time, once a week, and not before.
func TestTickAcrossWeeks(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	ctx := context.Background()
	steps := []struct {
		week    string
		day     time.Weekday
		h, m    int
		want    []string
		trigger string
	}{
		{"2026-W48", time.Monday, 7, 59, nil, ""},
		{"2026-W48", time.Monday, 8, 0, []string{config.JobTeacherReminder}, TriggerSchedule},
		{"2026-W48", time.Monday, 8, 1, nil, ""},
		{"2026-W48", time.Wednesday, 19, 0, []string{config.JobParentReminder}, TriggerSchedule},
		{"2026-W48", time.Friday, 16, 0, []string{config.JobPrincipalLeaderboard}, TriggerSchedule},
		{"2026-W48", time.Saturday, 8, 0, []string{config.JobOfficerLeaderboard}, TriggerSchedule},
		{"2026-W48", time.Sunday, 23, 59, nil, ""},
		{"2026-W49", time.Monday, 8, 2, []string{config.JobTeacherReminder}, TriggerSchedule},
		{"2026-W49", time.Monday, 9, 0, nil, ""},
	}
	for _, st := range steps {
		w.clock.Set(at(t, st.week, st.day, st.h, st.m))
		got := s.Tick(ctx)
		if !slices.Equal(jobsOf(got), st.want) {
			t.Fatalf("%s %s %02d:%02d: ran %v, want %v", st.week, st.day, st.h, st.m, jobsOf(got), st.want)
		}
		for _, r := range got {
			if r.Trigger != st.trigger || r.Week != st.week || r.Enqueued == 0 {
				t.Errorf("%s: %+v", st.week, r)
			}
		}
	}
	err := w.store.View(ctx, func(tx *storage.Tx) error {
		for _, job := range config.Jobs {
			r, err := tx.JobRunFor(ctx, job, "2026-W48")
			if err != nil {
				return err
			}
			if r.Messages == 0 || r.FinishedAt.IsZero() {
				t.Errorf("ledger of %s: %+v", job, r)
			}
		}
		_, err := tx.JobRunFor(ctx, config.JobOfficerLeaderboard, "2026-W49")
		if !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("officer W49 ran: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCatchUpAfterRestart: a run missed while the bot was down is caught up by Start on a new
// Service over the same database, within the window; outside it, it is not.
func TestCatchUpAfterRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("within window", func(t *testing.T) {
		w := newWorld(t)
		w.clock.Set(at(t, "2026-W48", time.Monday, 7, 0))
		s := w.service()
		if err := s.start(ctx); err != nil {
			t.Fatal(err)
		}
		<-s.stop().Done()
		if n := len(w.outbox()); n != 0 {
			t.Fatalf("before schedule: %d messages", n)
		}
		w.store.Close()

		// Down from Monday 07:00 to Tuesday 20:00: 36 h after the teacher reminder was due.
		w.clock.Set(at(t, "2026-W48", time.Tuesday, 20, 0))
		w.open()
		s = w.service()
		if err := s.start(ctx); err != nil {
			t.Fatal(err)
		}
		defer s.stop()
		err := w.store.View(ctx, func(tx *storage.Tx) error {
			r, err := tx.JobRunFor(ctx, config.JobTeacherReminder, "2026-W48")
			if err != nil {
				return err
			}
			if r.Trigger != TriggerCatchUp || r.Messages != 2 {
				t.Errorf("caught-up run: %+v", r)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := chats(w.outbox(), config.JobTeacherReminder); !slices.Equal(got, []int64{uTeacher6A6B, uTeacher7A}) {
			t.Errorf("caught-up reminder went to %v", got)
		}
		// Starting again (another restart) runs nothing twice.
		s2 := w.service()
		if err := s2.start(ctx); err != nil {
			t.Fatal(err)
		}
		<-s2.stop().Done()
		if n := len(w.outbox()); n != 2 {
			t.Errorf("second start: %d messages", n)
		}
	})
	t.Run("outside window", func(t *testing.T) {
		w := newWorld(t)
		// Wednesday 08:01: 48 h 1 min after the teacher reminder was due.
		w.clock.Set(at(t, "2026-W48", time.Wednesday, 8, 1))
		s := w.service()
		if err := s.start(ctx); err != nil {
			t.Fatal(err)
		}
		<-s.stop().Done()
		if n := len(w.outbox()); n != 0 {
			t.Errorf("missed run outside the window was caught up: %d messages", n)
		}
		err := w.store.View(ctx, func(tx *storage.Tx) error {
			_, err := tx.JobRunFor(ctx, config.JobTeacherReminder, "2026-W48")
			if !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("ledger: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("previous week is not caught up", func(t *testing.T) {
		w := newWorld(t)
		// Monday 01:00 of W49: Saturday's officer board of W48 is 41 h old but of last week.
		w.clock.Set(at(t, "2026-W49", time.Monday, 1, 0))
		s := w.service()
		if got := s.Tick(ctx); len(got) != 0 {
			t.Errorf("ran %v", jobsOf(got))
		}
	})
}

func TestRunLedgerAndScoped(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	ctx := context.Background()
	w.clock.Set(at(t, "2026-W48", time.Saturday, 9, 0))

	// An officer's /guingay for Long Hưng first: only what is below Long Hưng.
	err := w.store.Update(ctx, func(tx *storage.Tx) error {
		r, err := s.RunScoped(ctx, tx, config.JobPrincipalLeaderboard, "Sóc Trăng / Long Hưng", TriggerChat)
		if err != nil {
			return err
		}
		if r.Recipients != 1 || r.Enqueued != 2 {
			t.Errorf("scoped run: %+v", r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := chats(w.outbox(), config.JobPrincipalLeaderboard); !slices.Equal(got, []int64{uPrincipalLH}) {
		t.Fatalf("scoped run went to %v", got)
	}
	// The weekly run then sends only what the scoped run did not.
	r, err := s.RunNow(ctx, config.JobPrincipalLeaderboard, TriggerCLI)
	if err != nil {
		t.Fatal(err)
	}
	if r.Skipped || r.Recipients != 2 || r.Enqueued != 2 {
		t.Errorf("weekly run: %+v", r)
	}
	before := len(w.outbox())
	r, err = s.RunNow(ctx, config.JobPrincipalLeaderboard, TriggerCLI)
	if err != nil || !r.Skipped || r.Enqueued != 0 {
		t.Errorf("second run: %+v %v", r, err)
	}
	err = w.store.Update(ctx, func(tx *storage.Tx) error {
		r, err := s.RunScoped(ctx, tx, config.JobPrincipalLeaderboard, "", TriggerChat)
		if r.Enqueued != 0 {
			t.Errorf("scoped rerun enqueued %d", r.Enqueued)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if after := len(w.outbox()); after != before {
		t.Errorf("reruns changed the outbox: %d → %d", before, after)
	}

	if _, err := s.RunNow(ctx, "frobnicate", TriggerCLI); !errors.Is(err, errUnknownJob) {
		t.Errorf("unknown job: %v", err)
	}
	err = w.store.Update(ctx, func(tx *storage.Tx) error {
		_, err := s.RunScoped(ctx, tx, config.JobOfficerLeaderboard, "Nowhere", TriggerChat)
		return err
	})
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown area: %v", err)
	}
}

// TestRunRollsBackWithCaller: Run writes in the caller's transaction; if the caller fails,
// neither the ledger nor the outbox keeps anything.
func TestRunRollsBackWithCaller(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	ctx := context.Background()
	w.clock.Set(at(t, "2026-W48", time.Monday, 8, 0))
	boom := errors.New("boom")
	err := w.store.Update(ctx, func(tx *storage.Tx) error {
		if _, err := s.RunInTx(ctx, tx, config.JobTeacherReminder, TriggerChat); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n := len(w.outbox()); n != 0 {
		t.Errorf("outbox kept %d messages", n)
	}
	if got := s.Tick(ctx); !slices.Equal(jobsOf(got), []string{config.JobTeacherReminder}) {
		t.Errorf("after rollback the job is still due: %v", jobsOf(got))
	}
}

func TestLatestScheduled(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.cfg.Schedules.ParentReminder = "30 22 * * *"
	s := w.service()
	tests := []struct {
		job  string
		now  time.Time
		want time.Time
		ok   bool
	}{
		{config.JobTeacherReminder, at(t, "2026-W48", time.Monday, 7, 59), time.Time{}, false},
		{config.JobTeacherReminder, at(t, "2026-W48", time.Monday, 8, 0), at(t, "2026-W48", time.Monday, 8, 0), true},
		{config.JobTeacherReminder, at(t, "2026-W48", time.Sunday, 23, 0), at(t, "2026-W48", time.Monday, 8, 0), true},
		{config.JobOfficerLeaderboard, at(t, "2026-W48", time.Friday, 23, 0), time.Time{}, false},
		{config.JobParentReminder, at(t, "2026-W48", time.Thursday, 22, 29), at(t, "2026-W48", time.Wednesday, 22, 30), true},
		{config.JobParentReminder, at(t, "2026-W48", time.Thursday, 22, 30).UTC(), at(t, "2026-W48", time.Thursday, 22, 30), true},
	}
	for _, tt := range tests {
		got, ok, err := s.LatestScheduled(tt.job, tt.now)
		if err != nil || ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("%s at %v: %v %v %v, want %v %v", tt.job, tt.now, got, ok, err, tt.want, tt.ok)
		}
	}
}

func TestStartRejectsBadSpecAndStopWithoutStart(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.cfg.Schedules.OfficerLeaderboard = "every saturday"
	s := w.service()
	if err := s.start(context.Background()); err == nil {
		t.Error("bad spec accepted")
	}
	select {
	case <-s.stop().Done():
	default:
		t.Error("Stop without Start is not done")
	}
}

// TestRunCatchesUpThenStopsWithItsContext: Run returns a bad schedule at once; otherwise it
// catches up, keeps the schedules until its context ends, then stops them and returns.
func TestRunCatchesUpThenStopsWithItsContext(t *testing.T) {
	t.Parallel()
	bad := newWorld(t)
	bad.cfg.Schedules.OfficerLeaderboard = "every saturday"
	if err := bad.service().Run(context.Background()); err == nil {
		t.Error("Run accepted a bad schedule")
	}

	w := newWorld(t)
	w.clock.Set(at(t, "2026-W48", time.Tuesday, 20, 0))
	s := w.service()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	for n := 0; len(chats(w.outbox(), config.JobTeacherReminder)) < 2; n++ {
		if n > 2000 {
			t.Fatal("Run did not catch up the teacher reminder")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after its context ended: %v", err)
	}
	s.mu.Lock()
	running := s.cron != nil
	s.mu.Unlock()
	if running {
		t.Error("the schedules still run after Run returned")
	}
}
