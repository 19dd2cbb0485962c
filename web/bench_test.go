package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/synth"
)

// BenchmarkProvincePage renders a province's page (1,470 schools, 14,700 classes, 12 weeks of
// reports, the national generator's province) from the kept figures, as an officer who opens
// it again; it reports the median time of one page.
func BenchmarkProvincePage(b *testing.B) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.Admins = []int64{1}
	cfg.Web = config.Web{Listen: "127.0.0.1:0", PublicURL: "http://127.0.0.1", LoginTTL: 15 * time.Minute, SessionTTL: time.Hour}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, cfg.Location())
	clk := func() time.Time { return now }
	st, err := storage.Open(ctx, filepath.Join(b.TempDir(), "province.db"), storage.WithClock(clk))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	spec := synth.National(1, "2026-W48")
	spec.Provinces = 1
	if _, err := synth.Generate(ctx, st, spec, cfg.Location()); err != nil {
		b.Fatal(err)
	}
	var (
		province storage.Area
		link     string
	)
	err = st.Update(ctx, func(tx *storage.Tx) error {
		tops, err := tx.TopAreas(ctx)
		if err != nil {
			return err
		}
		province = tops[0]
		link, err = commands.WebLink(ctx, tx, cfg, 1)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	s, err := New(cfg, st, reminders.New(cfg, st, clk, log), clk, log)
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	login := httptest.NewRecorder()
	h.ServeHTTP(login, httptest.NewRequest(http.MethodGet, link[len(cfg.Web.PublicURL):], nil))
	cookies := login.Result().Cookies()
	if login.Code != http.StatusSeeOther || len(cookies) == 0 {
		b.Fatalf("login: %d", login.Code)
	}
	get := func() int {
		req := httptest.NewRequest(http.MethodGet, areaHref(province.ID), nil)
		req.AddCookie(cookies[0])
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("province page: %d %s", rec.Code, rec.Body.String())
		}
		return rec.Body.Len()
	}
	first := time.Now()
	size := get()
	b.Logf("%s: first page (figures read) %s, %d bytes gzipped", spec, time.Since(first).Round(time.Millisecond), size)
	var times []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		get()
		times = append(times, time.Since(t0))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
}
