package commands

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bhytbot/bhytbot/metrics"
	"github.com/bhytbot/bhytbot/report"
	"github.com/bhytbot/bhytbot/storage"
)

// TestReportMetrics: accepted reports count by source, rejected ones by fault.
func TestReportMetrics(t *testing.T) {
	accepted := func() float64 {
		return testutil.ToFloat64(metrics.ReportsAccepted.WithLabelValues(storage.SourceMessage))
	}
	rejected := func() float64 {
		return testutil.ToFloat64(metrics.ReportsRejected.WithLabelValues(report.CodeExceedsEnrolment.String()))
	}
	a0, r0 := accepted(), rejected()
	f := newFixture(t)
	f.send(uTeacher, "/baocao 6A 42 30 8")
	f.send(uTeacher, "/baocao 6A 42 40 8")
	f.send(uTeacher, "xin chào")
	if d := accepted() - a0; d != 1 {
		t.Errorf("accepted +%v, want +1", d)
	}
	if d := rejected() - r0; d != 1 {
		t.Errorf("rejected +%v, want +1", d)
	}
}
