// Package metrics holds bhytbot's Prometheus collectors. Components count into the package's
// collectors; the admin listener serves Registry at /metrics.
package metrics

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Registry is what /metrics serves.
var Registry = prometheus.NewRegistry()

var (
	// UpdatesReceived counts incoming updates by kind (message, callback, duplicate).
	UpdatesReceived = counterVec("bhytbot_updates_received_total", "Incoming updates by kind.", "kind")
	// ReportsAccepted counts teacher reports stored, by source.
	ReportsAccepted = counterVec("bhytbot_reports_accepted_total", "Teacher reports stored, by source.", "source")
	// ReportsRejected counts report attempts answered with an error, by reason code.
	ReportsRejected = counterVec("bhytbot_reports_rejected_total", "Report attempts rejected, by reason.", "reason")
	// MessagesSent counts messages Telegram accepted, by kind (text, photo, document).
	MessagesSent = counterVec("bhytbot_messages_sent_total", "Messages delivered, by kind.", "kind")
	// MessagesFailed counts messages given up, by reason (blocked, chat_not_found, dead, ...).
	MessagesFailed = counterVec("bhytbot_messages_failed_total", "Messages not delivered, by reason.", "reason")
	// TooManyRequests counts Telegram's 429 answers.
	TooManyRequests = prometheus.NewCounter(prometheus.CounterOpts{Name: "bhytbot_telegram_429_total", Help: "429 Too Many Requests answers from Telegram."})
	// ZaloTooManyRequests counts Zalo's 429 (quota exceeded) answers.
	ZaloTooManyRequests = prometheus.NewCounter(prometheus.CounterOpts{Name: "bhytbot_zalo_429_total", Help: "429 quota exceeded answers from Zalo."})
	// JobRuns counts weekly job runs by job and outcome (ran, skipped, failed).
	JobRuns = counterVec("bhytbot_job_runs_total", "Weekly job runs by job and outcome.", "job", "outcome")
	// JobDuration observes how long job runs take.
	JobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "bhytbot_job_duration_seconds",
		Help: "Duration of weekly job runs.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 8)}, []string{"job"})
	// OutboxDepth is the number of pending outbox messages, refreshed by the admin listener.
	OutboxDepth = prometheus.NewGauge(prometheus.GaugeOpts{Name: "bhytbot_outbox_depth", Help: "Pending outbox messages."})
)

var lastPoll atomic.Int64

// Polled records a successful getUpdates (or webhook call) at t.
func Polled(t time.Time) { lastPoll.Store(t.UnixNano()) }

// LastPoll returns the time of the last successful poll, zero if none.
func LastPoll() time.Time {
	n := lastPoll.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

func init() {
	Registry.MustRegister(UpdatesReceived, ReportsAccepted, ReportsRejected, MessagesSent, MessagesFailed,
		TooManyRequests, ZaloTooManyRequests, JobRuns, JobDuration, OutboxDepth,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}
