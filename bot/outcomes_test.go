package bot

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/storage"
)

// TestIntakeWritesSenderOutcomesInItsBatch: outcomes the sender queued are written in the
// transaction of the intake's next batch, once, also when that batch's first attempt failed
// and rolled back (the outcomes went back to the queue and the retry took them again), and
// the sender then forgets those messages.
func TestIntakeWritesSenderOutcomesInItsBatch(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	left := &atomic.Int32{}
	left.Store(1)
	svc, err := New(testConfig(srv), st, fullDisk{left: left}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	enqueue(t, st, "out", 1, 3, storage.PriorityReply)
	var ids []int64
	if err := st.View(t.Context(), func(tx *storage.Tx) error {
		ms, err := tx.PendingMessages(t.Context(), time.Now().Add(time.Hour), 10)
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
		return err
	}); err != nil || len(ids) != 3 {
		t.Fatalf("pending %v, %v", ids, err)
	}
	s := svc.sender
	s.queueCommit(commitItem{id: ids[0], chatID: 1, out: outSent, messageID: 71})
	s.queueCommit(commitItem{id: ids[1], chatID: 2, out: outDead, reason: "empty text"})

	srv.SendText(telegramtest.User{ID: 6}, 6, "/baocao 6A 42 30 8")
	ups, err := svc.client.GetUpdates(t.Context(), 0, 0)
	if err != nil || len(ups) != 1 {
		t.Fatalf("getUpdates = %d, %v", len(ups), err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := svc.intake.apply(ctx, ups[0]); err != nil {
		t.Fatal(err)
	}
	if left.Load() >= 0 {
		t.Fatal("the batch's first attempt did not fail")
	}
	c := outboxCounts(t, st)
	if c[storage.OutboxSent] != 1 || c[storage.OutboxDead] != 1 {
		t.Fatalf("outbox %v after the batch, want the sent and the dead outcome recorded", c)
	}
	if q := s.takeOutcomes(); len(q) != 0 {
		t.Fatalf("%d outcomes still queued for the sender's own commit", len(q))
	}
	s.mu.Lock()
	forget := slices.Clone(s.forget)
	s.mu.Unlock()
	slices.Sort(forget)
	if !slices.Equal(forget, ids[:2]) {
		t.Fatalf("the sender forgets %v, want %v once each", forget, ids[:2])
	}
}
