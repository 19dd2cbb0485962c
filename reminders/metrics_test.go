package reminders

import (
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/metrics"
	dto "github.com/prometheus/client_model/go"
)

func counterValue(t *testing.T, job, outcome string) float64 {
	t.Helper()
	var m dto.Metric
	if err := metrics.JobRuns.WithLabelValues(job, outcome).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func durationCount(t *testing.T, job string) uint64 {
	t.Helper()
	var m dto.Metric
	h := metrics.JobDuration.WithLabelValues(job).(interface{ Write(*dto.Metric) error })
	if err := h.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount()
}

// TestJobRunMetrics: a run counts as ran and is timed; a second run in the week counts as
// skipped and is not. (Not parallel: the collectors are the process's.)
func TestJobRunMetrics(t *testing.T) {
	w := newWorld(t)
	s := w.service()
	w.clock.Set(at(t, "2026-W48", time.Monday, 8, 0))
	job := config.JobOfficerLeaderboard
	ran, skipped, timed := counterValue(t, job, "ran"), counterValue(t, job, "skipped"), durationCount(t, job)
	runJob(t, w, s, job)
	runJob(t, w, s, job)
	if got := counterValue(t, job, "ran") - ran; got != 1 {
		t.Errorf("ran %v", got)
	}
	if got := counterValue(t, job, "skipped") - skipped; got != 1 {
		t.Errorf("skipped %v", got)
	}
	if got := durationCount(t, job) - timed; got != 1 {
		t.Errorf("timed %d runs", got)
	}
}
