package reminders

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

func TestPruneOutboxKeepsRecentAndPending(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)
	clock := now.Add(-20 * 24 * time.Hour)
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "p.db"), storage.WithClock(func() time.Time { return clock }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	send := func(key string, sent bool) {
		st.Update(ctx, func(tx *storage.Tx) error {
			tx.Enqueue(ctx, storage.Message{DedupeKey: key, ChatID: 7, Text: key})
			if sent {
				ms, _ := tx.PendingMessages(ctx, clock.Add(time.Hour), 10)
				for _, m := range ms {
					if m.DedupeKey == key {
						tx.MarkSent(ctx, m.ID, 1)
					}
				}
			}
			return nil
		})
	}
	send("teacher-reminder/2026-W45/u1", true)
	send("teacher-reminder/2026-W45/u2", false)
	clock = now.Add(-3 * 24 * time.Hour)
	send("teacher-reminder/2026-W47/u1", true)
	s := New(config.Default(), st, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	n, err := s.PruneOutbox(ctx)
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	st.View(ctx, func(tx *storage.Tx) error {
		if c, _ := tx.OutboxCounts(ctx); c[storage.OutboxSent] != 1 || c[storage.OutboxPending] != 1 {
			t.Fatalf("left %v", c)
		}
		return nil
	})
}

// TestPruneDropsStaleChoices: the nightly prune also forgets numbered choices too old to be
// answered, and keeps those of a prompt still open.
func TestPruneDropsStaleChoices(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)
	clock := now.Add(-3 * 24 * time.Hour)
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "p.db"), storage.WithClock(func() time.Time { return clock }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	setChoices := func(chat string) {
		t.Helper()
		if err := st.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetChoices(ctx, storage.ChannelZalo, chat, []string{"bc:ok"})
		}); err != nil {
			t.Fatal(err)
		}
	}
	setChoices("old")
	clock = now.Add(-time.Hour)
	setChoices("open")
	clock = now
	s := New(config.Default(), st, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := s.PruneOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *storage.Tx) error {
		if n, err := tx.PruneChoices(ctx); err != nil || n != 0 {
			t.Errorf("%d stale choices left after the nightly prune (%v)", n, err)
		}
		if _, ok, err := tx.Choice(ctx, storage.ChannelZalo, "open", 1); err != nil || !ok {
			t.Errorf("the open prompt's choice is gone (%v)", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFinalRunsOnceAfterPruning: after the deadline the ledger holds the final run, so a run
// weeks later (when the outbox rows and their dedupe keys are pruned) sends nothing again.
func TestFinalRunsOnceAfterPruning(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.Campaign.Deadline = "2026-10-31"
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, cfg.Location())
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "f.db"), storage.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := New(cfg, st, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	first, err := s.RunNow(ctx, config.JobTeacherReminder, TriggerCLI)
	if err != nil || first.Skipped || !first.Final {
		t.Fatalf("first final run: %+v %v", first, err)
	}
	now = now.Add(21 * 24 * time.Hour)
	if _, err := s.PruneOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := s.RunNow(ctx, config.JobTeacherReminder, TriggerCLI)
	if err != nil || !again.Skipped {
		t.Fatalf("final run three weeks later: %+v %v", again, err)
	}
}

// TestFinalNotResentByScopedRunAfterPruning: a /guingay (RunScoped, no ledger) weeks after
// the deadline finds the final messages' dedupe keys still there and sends nothing again.
func TestFinalNotResentByScopedRunAfterPruning(t *testing.T) {
	w := newWorld(t)
	w.cfg.Campaign.Deadline = "2026-11-30"
	s := w.service()
	ctx := context.Background()
	w.clock.Set(at(t, "2026-W49", time.Saturday, 9, 0))
	first, err := s.RunNow(ctx, config.JobPrincipalLeaderboard, TriggerCLI)
	if err != nil || !first.Final || first.Enqueued == 0 {
		t.Fatalf("final run: %+v %v", first, err)
	}
	err = w.store.Update(ctx, func(tx *storage.Tx) error {
		ms, err := tx.PendingMessages(ctx, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
		for _, m := range ms {
			if err == nil {
				err = tx.MarkSent(ctx, m.ID, 1)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Set(w.clock.Now().Add(21 * 24 * time.Hour))
	if _, err := s.PruneOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	err = w.store.Update(ctx, func(tx *storage.Tx) error {
		r, err := s.RunScoped(ctx, tx, config.JobPrincipalLeaderboard, "", TriggerChat)
		if err == nil && (!r.Final || r.Enqueued != 0) {
			t.Errorf("scoped run three weeks after the final one: %+v; want nothing enqueued", r)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
