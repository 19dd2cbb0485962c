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
