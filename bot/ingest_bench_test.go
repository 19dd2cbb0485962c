package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/roster"
	"github.com/bhytbot/bhytbot/storage"
)

// ingestRoster imports schools×classes classes and makes user 500000+i the teacher of class
// i, with the teacher's menu already set (as it is once they joined through /start).
func ingestRoster(b *testing.B, st *storage.Store, schools, classes int) []int64 {
	b.Helper()
	ctx := context.Background()
	var csv strings.Builder
	csv.WriteString("area,school,class,enrolment,teacher_name,student_name,student_no\n")
	for s := range schools {
		for c := range classes {
			fmt.Fprintf(&csv, "Cần Thơ / Xã %d,Trường THCS Số %d,%d%c%d,42,GV,,\n", s%7, s, 6+c%4, 'A'+c/4%26, c)
		}
	}
	rows, err := roster.ReadCSV(strings.NewReader(csv.String()))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := roster.Import(ctx, st, "2025-2026", rows); err != nil {
		b.Fatal(err)
	}
	var users []int64
	err = st.Update(ctx, func(tx *storage.Tx) error {
		cls, err := tx.ClassesUnder(ctx, "Cần Thơ", "2025-2026")
		if err != nil {
			return err
		}
		for i, c := range cls {
			u := int64(500000 + i)
			if err := tx.TouchUser(ctx, storage.User{ID: u, ChatID: u, Name: "GV"}); err != nil {
				return err
			}
			if err := tx.GrantRole(ctx, u, storage.RoleTeacher, storage.Scope{ClassID: c.ID}); err != nil {
				return err
			}
			if err := tx.SetValue(ctx, menuKey(u), menuHash(commands.Menu([]string{storage.RoleTeacher}))); err != nil {
				return err
			}
			users = append(users, u)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return users
}

// BenchmarkReportIngest is end-to-end report ingest through the update loop with the real
// commands engine: teachers' "/baocao 38 30 8" messages from the Bot API fake, parsed,
// checked, stored with their audit entry, answered (coverage, rank in the school) through
// the outbox and the sender. It reports reports/s for a burst (until every report is
// committed), the raw SQLite single-row-transaction insert rate measured in the same run
// and their ratio (goal ≥ 0.5), and the p50/p99 latency from a message's arrival at the fake
// to its reply's delivery at a steady 100 reports/s.
func BenchmarkReportIngest(b *testing.B) {
	const burst, paced, rate = 3000, 400, 100
	var ingest, raw, p50, p99 float64
	for range b.N {
		b.StopTimer()
		raw += rawInsertRate(b, burst)
		srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
		st := openStore(b)
		users := ingestRoster(b, st, 100, 30)
		cfg := testConfig(srv)
		cfg.Telegram.Rate = config.Rate{Global: 1e6, PrivateChat: 1e6, GroupPerMinute: 1e6}
		svc, err := New(cfg, st, commands.New(cfg, nil), quietLog())
		if err != nil {
			b.Fatal(err)
		}
		var last int
		for i := range burst {
			u := users[i%len(users)]
			last = srv.SendText(telegramtest.User{ID: u, FirstName: "GV"}, u, fmt.Sprintf("/baocao 42 %d %d", 20+i%10, i%5))
		}
		b.StartTimer()
		start := time.Now()
		stop := runService(b, svc)
		waitFor(b, "burst applied", func() bool { return storedOffset(b, st) == int64(last)+1 })
		ingest += float64(burst) / time.Since(start).Seconds()
		b.StopTimer()

		// Steady load: one report every 1/rate s, each from a teacher with no reply pending.
		waitFor(b, "burst replies", func() bool { return len(srv.AllSent()) >= burst })
		sentBefore := len(srv.AllSent())
		arrived := map[int64]time.Time{}
		tick := time.NewTicker(time.Second / rate)
		for i := range paced {
			<-tick.C
			u := users[i]
			arrived[u] = time.Now()
			srv.SendText(telegramtest.User{ID: u, FirstName: "GV"}, u, "/baocao 42 35 5")
		}
		tick.Stop()
		waitFor(b, "paced replies", func() bool { return len(srv.AllSent()) >= sentBefore+paced })
		var lat []float64
		for _, m := range srv.AllSent()[sentBefore:] {
			if t0, ok := arrived[m.ChatID]; ok && strings.Contains(m.Text, "Đã ghi báo cáo") {
				lat = append(lat, float64(m.Time.Sub(t0).Microseconds())/1000)
			}
		}
		if len(lat) != paced {
			b.Fatalf("%d of %d paced reports answered", len(lat), paced)
		}
		slices.Sort(lat)
		p50 += lat[len(lat)/2]
		p99 += lat[len(lat)*99/100]
		stop()
		srv.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(ingest/n, "reports/s")
	b.ReportMetric(raw/n, "raw_inserts/s")
	b.ReportMetric(ingest/raw, "ratio")
	b.ReportMetric(p50/n, "p50_ms")
	b.ReportMetric(p99/n, "p99_ms")
}

// BenchmarkIntakeReports is the intake's own cost per report, without the Bot API, the
// sender or the menus beside it: batches of 100 teachers' "/baocao" messages applied by
// the intake's transaction with the real commands engine (processed mark, the teacher
// seen, caller and class read, report and audit appended, rank read, reply queued, the
// offset). Every teacher reports once (as in a week's first burst: no caller kept), so
// run it with -benchtime 100x or fewer (15,000 teachers). It reports µs per report.
func BenchmarkIntakeReports(b *testing.B) {
	const batch = 100
	st := openStore(b)
	users := ingestRoster(b, st, 500, 30)
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	cfg := testConfig(srv)
	in := &intake{store: st, handler: commands.New(cfg, nil), log: quietLog(), busy: backoff{base: time.Millisecond, max: time.Second}}
	ctx := context.Background()
	date := int(time.Now().Unix())
	next := 0
	b.ResetTimer()
	for range b.N {
		ups := make([]tgbotapi.Update, batch)
		for i := range ups {
			u := users[next%len(users)]
			next++
			ups[i] = tgbotapi.Update{UpdateID: next, Message: &tgbotapi.Message{
				MessageID: next, Date: date,
				From: &tgbotapi.User{ID: u, FirstName: "GV"},
				Chat: &tgbotapi.Chat{ID: u, Type: "private"},
				Text: fmt.Sprintf("/baocao 42 %d %d", 20+next%10, next%5),
			}}
		}
		if n, err := in.ingest(ctx, ups); err != nil || n != batch {
			b.Fatalf("ingest: %d of %d applied: %v", n, batch, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batch), "µs/report")
}
