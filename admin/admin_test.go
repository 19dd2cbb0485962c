package admin

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/metrics"
	"github.com/bhytbot/bhytbot/storage"
)

func start(t *testing.T, maxPoll time.Duration) (*Server, *storage.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	s := New("127.0.0.1:0", st, maxPoll, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(rctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		st.Close()
	})
	return s, st
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestHealthz(t *testing.T) {
	s, st := start(t, time.Minute)
	ctx := context.Background()
	st.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Enqueue(ctx, storage.Message{DedupeKey: "k1", ChatID: 1, Text: "x"})
		return err
	})

	metrics.Polled(time.Time{}.Add(1)) // long ago
	s.started = time.Now().Add(-2 * time.Minute)
	code, body := get(t, "http://"+s.Addr()+"/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "no successful poll") {
		t.Fatalf("stale poll: %d %s", code, body)
	}

	metrics.Polled(time.Now())
	code, body = get(t, "http://"+s.Addr()+"/healthz")
	var h Health
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatal(err)
	}
	if code != http.StatusOK || h.Status != "ok" || h.Database != "ok" || h.OutboxDepth != 1 || h.LastPollAgeSeconds > 5 {
		t.Fatalf("healthy: %d %+v", code, h)
	}

	st.Close()
	code, body = get(t, "http://"+s.Addr()+"/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"database":"error"`) {
		t.Fatalf("closed db: %d %s", code, body)
	}
}

// TestHealthzGraceAfterStart: a bot that has just started and not yet completed its first
// poll is healthy until the poll age limit has passed since the start; then it is not.
func TestHealthzGraceAfterStart(t *testing.T) {
	s, _ := start(t, 3*time.Minute+30*time.Second)
	clock := s.started
	s.now = func() time.Time { return clock }
	metrics.Polled(time.Time{}.Add(1)) // a poll long before this start (or none at all)
	for _, tt := range []struct {
		after time.Duration
		code  int
	}{
		{4 * time.Second, http.StatusOK},
		{3 * time.Minute, http.StatusOK},
		{4 * time.Minute, http.StatusServiceUnavailable},
	} {
		clock = s.started.Add(tt.after)
		code, body := get(t, "http://"+s.Addr()+"/healthz")
		if code != tt.code {
			t.Errorf("%s after start: %d %s", tt.after, code, body)
		}
	}
	metrics.Polled(clock.Add(-10 * time.Second))
	if code, body := get(t, "http://"+s.Addr()+"/healthz"); code != http.StatusOK {
		t.Errorf("polled 10s ago: %d %s", code, body)
	}
}

func TestMetrics(t *testing.T) {
	s, st := start(t, 0)
	ctx := context.Background()
	st.Update(ctx, func(tx *storage.Tx) error {
		for _, k := range []string{"a", "b", "c"} {
			if _, err := tx.Enqueue(ctx, storage.Message{DedupeKey: k, ChatID: 1, Text: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	metrics.UpdatesReceived.WithLabelValues("message").Add(2)
	metrics.ReportsAccepted.WithLabelValues("message").Inc()
	metrics.ReportsRejected.WithLabelValues("enrolment_range").Inc()
	metrics.MessagesFailed.WithLabelValues("blocked").Inc()
	metrics.TooManyRequests.Inc()
	metrics.JobRuns.WithLabelValues("teacher-reminder", "ran").Inc()
	metrics.JobDuration.WithLabelValues("teacher-reminder").Observe(0.2)
	code, body := get(t, "http://"+s.Addr()+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("metrics: %d", code)
	}
	for _, want := range []string{
		`bhytbot_updates_received_total{kind="message"} 2`,
		`bhytbot_reports_accepted_total{source="message"} 1`,
		`bhytbot_reports_rejected_total{reason="enrolment_range"} 1`,
		`bhytbot_messages_failed_total{reason="blocked"} 1`,
		`bhytbot_telegram_429_total 1`,
		`bhytbot_job_runs_total{job="teacher-reminder",outcome="ran"} 1`,
		`bhytbot_job_duration_seconds_count{job="teacher-reminder"} 1`,
		`bhytbot_outbox_depth 3`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if code, _ := get(t, "http://"+s.Addr()+"/nothing"); code != http.StatusNotFound {
		t.Errorf("unknown path: %d", code)
	}
}

// TestRunLifecycle: Run fails at once when its address is taken, and otherwise serves until
// its context ends, then returns with the port released.
func TestRunLifecycle(t *testing.T) {
	s, st := start(t, 0)
	busy := New(s.Addr(), st, 0, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := busy.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "admin: listen") {
		t.Fatalf("Run on a taken address: %v", err)
	}

	other := New("127.0.0.1:0", st, 0, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := other.Listen(); err != nil {
		t.Fatal(err)
	}
	addr := other.Addr()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- other.Run(ctx) }()
	if code, _ := get(t, "http://"+addr+"/healthz"); code != http.StatusOK {
		t.Fatalf("healthz while running: %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after its context ended: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("the listener still answers after Run returned")
	}
}
