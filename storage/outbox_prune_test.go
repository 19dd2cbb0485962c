package storage

import (
	"context"
	"testing"
	"time"
)

func TestPruneOutbox(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)
	clock := now.Add(-30 * 24 * time.Hour)
	st, err := Open(ctx, t.TempDir()+"/p.db", WithClock(func() time.Time { return clock }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	enqueue := func(key string) int64 {
		var id int64
		st.Update(ctx, func(tx *Tx) error {
			if _, err := tx.Enqueue(ctx, Message{DedupeKey: key, ChatID: 1, Text: key}); err != nil {
				t.Fatal(err)
			}
			ms, _ := tx.PendingMessages(ctx, clock.Add(time.Hour), 100)
			for _, m := range ms {
				if m.DedupeKey == key {
					id = m.ID
				}
			}
			return nil
		})
		return id
	}
	oldSent, oldDead := enqueue("old/sent"), enqueue("old/dead")
	enqueue("old/pending")
	clock = now
	newSent := enqueue("new/sent")
	st.Update(ctx, func(tx *Tx) error {
		tx.MarkSent(ctx, oldSent, 1)
		tx.MarkFailed(ctx, oldDead, OutboxDead, "5xx")
		return tx.MarkSent(ctx, newSent, 2)
	})
	var n int64
	st.Update(ctx, func(tx *Tx) error { n, err = tx.PruneOutbox(ctx, now.Add(-14*24*time.Hour)); return err })
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want the two old finished messages", n, err)
	}
	st.View(ctx, func(tx *Tx) error {
		counts, _ := tx.OutboxCounts(ctx)
		if counts[OutboxPending] != 1 || counts[OutboxSent] != 1 || counts[OutboxDead] != 0 {
			t.Fatalf("left %v", counts)
		}
		return nil
	})
}
