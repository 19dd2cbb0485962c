package bot

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
)

// BenchmarkFloodOneAccount is one officer sending 1,000 /xephang as fast as the fake takes
// them while 50 teachers report (10 a second), with 5,000 weekly documents already waiting
// in the outbox, through the Bot API fake, the real engine with its reminders service and
// renderer, the default limits and the default Telegram budget. It reports the teachers'
// reply latency (arrival at the fake to delivery of "Đã ghi báo cáo"; goal p99 < 2 s), the
// outbox rows and bytes the run added (bounded by the inbound limit and the per-chat cap),
// and the process's memory: bytes allocated during the run and
// heap in use before and after it (flat: the sender does not read pending files).
func BenchmarkFloodOneAccount(b *testing.B) {
	const flood, teachers, waiting = 1000, 50, 5000
	var p50, p99, rows, kb, allocMB, heapBefore, heapAfter float64
	for range b.N {
		b.StopTimer()
		ctx := context.Background()
		srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
		path := filepath.Join(b.TempDir(), "bot.db")
		st, err := storage.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		users := ingestRoster(b, st, 40, 10)[:teachers]
		const officer = 900001
		err = st.Update(ctx, func(tx *storage.Tx) error {
			area, err := tx.AreaByPath(ctx, "Cần Thơ")
			if err != nil {
				return err
			}
			if err := tx.TouchUser(ctx, storage.User{ID: officer, ChatID: officer, Name: "CB"}); err != nil {
				return err
			}
			if err := tx.GrantRole(ctx, officer, storage.RoleOfficer, storage.Scope{AreaID: area.ID}); err != nil {
				return err
			}
			if err := tx.SetValue(ctx, menuKey(officer), menuHash(commands.Menu([]string{storage.RoleOfficer}))); err != nil {
				return err
			}
			// A weekly job's documents, waiting for their turn in the budget.
			file := bytes.Repeat([]byte("PK\x03\x04"), 2048)
			for i := range waiting {
				chat := int64(2_000_000 + i)
				if err := tx.TouchUser(ctx, storage.User{ID: chat, ChatID: chat, Name: "HT"}); err != nil {
					return err
				}
				if _, err := tx.Enqueue(ctx, storage.Message{DedupeKey: fmt.Sprintf("job/%d", i), ChatID: chat,
					Text: "📎 Bảng tổng hợp", Document: file, FileName: "bao-cao.xlsx"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		cfg := testConfig(srv)
		cfg.Telegram.Rate = config.Default().Telegram.Rate
		rem := reminders.New(cfg, st, time.Now, quietLog())
		svc, err := New(cfg, st, commands.New(cfg, time.Now, commands.WithReminders(rem)), quietLog(), WithRenderer(leaderboard.RenderAttachment))
		if err != nil {
			b.Fatal(err)
		}
		_, _, id0 := outboxSize(b, st, 0)
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)

		b.StartTimer()
		stop := runService(b, svc)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range flood {
				srv.SendText(telegramtest.User{ID: officer, FirstName: "CB"}, officer, "/xephang")
			}
		}()
		arrived := map[int64]time.Time{}
		tick := time.NewTicker(100 * time.Millisecond)
		for _, u := range users {
			<-tick.C
			arrived[u] = time.Now()
			srv.SendText(telegramtest.User{ID: u, FirstName: "GV"}, u, "/baocao 42 35 5")
		}
		tick.Stop()
		<-done
		lat := make([]float64, 0, teachers)
		waitFor(b, "every teacher answered", func() bool {
			lat = lat[:0]
			for _, m := range srv.AllSent() {
				if t0, ok := arrived[m.ChatID]; ok && strings.Contains(m.Text, "Đã ghi báo cáo") {
					lat = append(lat, float64(m.Time.Sub(t0).Microseconds())/1000)
				}
			}
			return len(lat) == teachers
		})
		b.StopTimer()

		runtime.GC()
		runtime.ReadMemStats(&m1)
		stop()
		added, size, _ := outboxSize(b, st, id0)
		slices.Sort(lat)
		p50 += lat[len(lat)/2]
		p99 += lat[len(lat)*99/100]
		rows += float64(added)
		kb += float64(size) / 1024
		allocMB += float64(m1.TotalAlloc-m0.TotalAlloc) / (1 << 20)
		heapBefore += float64(m0.HeapInuse) / (1 << 20)
		heapAfter += float64(m1.HeapInuse) / (1 << 20)
		st.Close()
		srv.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(p50/n, "p50_ms")
	b.ReportMetric(p99/n, "p99_ms")
	b.ReportMetric(rows/n, "outbox_rows_added")
	b.ReportMetric(kb/n, "outbox_KiB_added")
	b.ReportMetric(allocMB/n, "alloc_MiB")
	b.ReportMetric(heapBefore/n, "heap_before_MiB")
	b.ReportMetric(heapAfter/n, "heap_after_MiB")
}

// outboxSize is the outbox rows above afterID, their bytes and the highest id.
func outboxSize(b *testing.B, st *storage.Store, afterID int64) (rows int, size, maxID int64) {
	b.Helper()
	err := st.View(context.Background(), func(tx *storage.Tx) (err error) {
		rows, size, maxID, err = tx.OutboxSize(context.Background(), afterID)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return rows, size, maxID
}
