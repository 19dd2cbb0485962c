package bot

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/bot/zalotest"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// TestSenderListsOnlyNewRowsAndLoadsOnlyWhatItSends: with hundreds of documents waiting for
// one slow chat, the sender's many refills list each row about once (not every pending row
// each time) and read a document's bytes only when it sends it, while replies to other chats
// keep going out.
func TestSenderListsOnlyNewRowsAndLoadsOnlyWhatItSends(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	const docs, replies = 200, 60
	file := bytes.Repeat([]byte("PK\x03\x04"), 16<<10)
	err := st.Update(t.Context(), func(tx *storage.Tx) error {
		for i := range docs {
			_, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: fmt.Sprintf("doc/%d", i), ChatID: 5, Priority: storage.PriorityReply,
				Text: "📎 Bảng tổng hợp", Document: file, FileName: "bao-cao.xlsx"})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The slow chat takes one message a second; refills run every few milliseconds.
	s := newSender(t, srv, st, config.Rate{Global: 1000, PrivateChat: 1, GroupPerMinute: 20}, SenderOptions{Poll: 5 * time.Millisecond, Sweep: time.Hour})
	stop := runSender(t, s)
	s.Notify()
	for i := range replies / 10 {
		enqueue(t, st, fmt.Sprintf("reply%d", i), 1000+int64(i*10), 10, storage.PriorityReply)
		s.Notify()
	}
	waitFor(t, "replies sent", func() bool { return outboxCounts(t, st)[storage.OutboxSent] >= replies })
	waitFor(t, "two documents sent", func() bool { return len(srv.Sent(5)) >= 2 })
	stop()
	stats := s.Stats()
	sentDocs := len(srv.Sent(5))
	t.Logf("stats %+v, %d documents sent", stats, sentDocs)
	if sentDocs >= docs {
		t.Fatalf("all %d documents went out; the test needs some to wait", sentDocs)
	}
	// Each row is listed by the refill that first sees it and once more by the first sweep.
	if rows := docs + replies; stats.Listed > 2*rows {
		t.Errorf("refills listed %d rows of %d: pending rows are read again and again", stats.Listed, rows)
	}
	// Read in full: the messages sent, and at most one per worker cut short by the stop.
	if stats.Loaded > stats.Sent+s.opt.Workers {
		t.Errorf("%d messages read in full, %d sent: bytes of unsent documents were read", stats.Loaded, stats.Sent)
	}
}

// TestSenderListsHeldAndReusedRows: a message held until later with an id below newer ones
// already listed goes out when due; a message whose id is reused after the newest rows were
// pruned goes out at the next full sweep.
func TestSenderListsHeldAndReusedRows(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	err := st.Update(t.Context(), func(tx *storage.Tx) error {
		if _, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: "held", ChatID: 1, Text: "sáng mai", NotBefore: time.Now().Add(2 * time.Second)}); err != nil {
			return err
		}
		_, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: "now", ChatID: 2, Text: "ngay"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newSender(t, srv, st, config.Rate{Global: 100, PrivateChat: 10, GroupPerMinute: 20}, SenderOptions{Poll: 10 * time.Millisecond, Sweep: 50 * time.Millisecond})
	runSender(t, s)
	s.Notify()
	waitFor(t, "held message sent", func() bool { return len(srv.Sent(1)) == 1 && len(srv.Sent(2)) == 1 })
	// Prune every row, then enqueue: the new row takes an id the sender already listed.
	err = st.Update(t.Context(), func(tx *storage.Tx) error {
		if _, err := tx.PruneOutbox(t.Context(), time.Now().Add(time.Hour)); err != nil {
			return err
		}
		_, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: "after prune", ChatID: 3, Text: "mới"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Notify()
	waitFor(t, "message with a reused id sent", func() bool { return len(srv.Sent(3)) == 1 })
}

// TestSenderListsEachRowOnceInTwoBroadcasts: two channels' broadcasts of thousands of rows,
// one written after the other, are listed about once each: no sweep reads the due rows again
// and again while they are listed a batch at a time (the sender listed 11 rows per message
// so, and on the goroutine that dispatches, which slowed both broadcasts).
func TestSenderListsEachRowOnceInTwoBroadcasts(t *testing.T) {
	tg := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer tg.Close()
	z := zalotest.New(zalotest.Options{})
	defer z.Close()
	st := openStore(t)
	const n = 1500
	enqueueTo(t, st, "z", zaloUsers(t, st, n), "Nhắc phụ huynh")
	enqueue(t, st, "t", 1, n, storage.PriorityBroadcast)
	s := zaloSender(t, st, tg, z, config.ZaloRate{Global: 100_000, PrivateChat: 100}, SenderOptions{Batch: 64})
	s.chans[0].lim = newLimiter(config.Rate{Global: 100_000, PrivateChat: 100, GroupPerMinute: 60}, s.opt.Now)
	stop := runSender(t, s)
	s.Notify()
	waitFor(t, "both broadcasts sent", func() bool { return outboxCounts(t, st)[storage.OutboxSent] == 2*n })
	stop()
	if listed := s.Stats().Listed; listed > 2*n+2*n/10 {
		t.Errorf("%d rows listed for %d messages: due rows are read again and again", listed, 2*n)
	}
}
