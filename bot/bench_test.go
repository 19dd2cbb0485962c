package bot

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// benchHandler writes one row and enqueues an echo reply.
type benchHandler struct{}

func (benchHandler) Handle(ctx context.Context, tx *storage.Tx, u commands.Update) error {
	id := strconv.FormatInt(u.ID, 10)
	if err := tx.SetValue(ctx, "seen."+id, u.Text); err != nil {
		return err
	}
	_, err := tx.Enqueue(ctx, storage.Message{DedupeKey: "echo/" + id, ChatID: u.ChatID, Priority: storage.PriorityReply,
		Text: "Bạn viết: " + vntext.EscapeHTML(u.Text)})
	return err
}

// BenchmarkBroadcast sends 5,000 messages to distinct chats with the fake's and the
// sender's global rate both at 1,000/s, and reports achieved/configured and the fake's
// 429 answers (goal ≥ 0.97 and 0).
func BenchmarkBroadcast(b *testing.B) {
	const n, rate = 5000, 1000
	var ratio, tooMany float64
	for range b.N {
		b.StopTimer()
		srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{GlobalPerSecond: rate}})
		st := openStore(b)
		enqueue(b, st, "bc", 1, n, storage.PriorityBroadcast)
		c, err := NewClient(srv.Token(), srv.Endpoint(), nil)
		if err != nil {
			b.Fatal(err)
		}
		s := NewSender(st, c, config.Rate{Global: rate, PrivateChat: 1, GroupPerMinute: 20}, quietLog(), SenderOptions{})
		stop := runSender(b, s)
		b.StartTimer()
		start := time.Now()
		s.Notify()
		if _, err := srv.WaitAllSent(context.Background(), n); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		waitFor(b, "recorded", func() bool { return outboxCounts(b, st)[storage.OutboxSent] == n })
		stop()
		ratio += float64(n) / elapsed.Seconds() / rate
		tooMany += float64(srv.Stats().TooManyRequests)
		srv.Close()
		b.StartTimer()
	}
	b.ReportMetric(ratio/float64(b.N), "achieved/configured")
	b.ReportMetric(tooMany/float64(b.N), "429s")
}

// rawInsertRate is single-row write transactions per second on a fresh store file.
func rawInsertRate(b *testing.B, rows int) float64 {
	st := openStore(b)
	ctx := context.Background()
	start := time.Now()
	for i := range rows {
		err := st.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetValue(ctx, "raw."+strconv.Itoa(i), "x")
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return float64(rows) / time.Since(start).Seconds()
}

// BenchmarkRawInsert is the raw SQLite single-row-transaction insert rate.
func BenchmarkRawInsert(b *testing.B) {
	st := openStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		err := st.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetValue(ctx, "raw."+strconv.Itoa(i), "x")
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
}

// BenchmarkUpdateLoop measures updates/s end to end through getUpdates and the batch's
// transaction (per update: savepoint, mark, touch, one-row handler with an echo reply;
// the offset once), from the service's start until the last update is committed and
// confirmed, while the sender delivers the echoes and the menus are checked alongside;
// beside the raw single-row-transaction insert rate measured in the same run, on the
// same kind of store file (goal ratio ≥ 0.5).
func BenchmarkUpdateLoop(b *testing.B) {
	const n = 3000
	var loop, raw float64
	for range b.N {
		b.StopTimer()
		raw += rawInsertRate(b, n)
		srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
		var last int
		for i := range n {
			u := int64(100000 + i)
			last = srv.SendText(telegramtest.User{ID: u}, u, fmt.Sprintf("/baocao 6A 42 30 %d", i%9))
		}
		st := openStore(b)
		cfg := testConfig(srv)
		cfg.Telegram.Rate.Global = 1e6
		svc, err := New(cfg, st, benchHandler{}, quietLog())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		stop := runService(b, svc)
		if err := srv.WaitConfirmed(context.Background(), last); err != nil && storedOffset(b, st) != int64(last)+1 {
			b.Fatal(err)
		}
		waitFor(b, "applied", func() bool { return storedOffset(b, st) == int64(last)+1 })
		loop += float64(n) / time.Since(start).Seconds()
		b.StopTimer()
		stop()
		srv.Close()
		b.StartTimer()
	}
	loop, raw = loop/float64(b.N), raw/float64(b.N)
	b.ReportMetric(loop, "updates/s")
	b.ReportMetric(raw, "raw_inserts/s")
	b.ReportMetric(loop/raw, "ratio")
}
