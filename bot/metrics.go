package bot

import (
	"strings"

	"github.com/bhytbot/bhytbot/metrics"
	"github.com/bhytbot/bhytbot/storage"
)

// countOutcome counts a message's final outcome: sent by kind (text, photo, document),
// or failed by reason (blocked, deactivated, kicked, chat_not_found, dead, inactive).
// Messages of a gone chat dropped with it (it.extra) count with the same reason.
func countOutcome(it commitItem, kind string) {
	switch it.out {
	case outSent:
		metrics.MessagesSent.WithLabelValues(kind).Inc()
	case outDead:
		metrics.MessagesFailed.WithLabelValues("dead").Inc()
	case outInactive:
		metrics.MessagesFailed.WithLabelValues("inactive").Inc()
	case outGone:
		metrics.MessagesFailed.WithLabelValues(goneReason(it.reason)).Add(float64(1 + len(it.extra)))
	}
}

// countTooMany counts a 429 answer of a channel.
func countTooMany(channel string) {
	if channel == storage.ChannelZalo {
		metrics.ZaloTooManyRequests.Inc()
		return
	}
	metrics.TooManyRequests.Inc()
}

// goneReason names why Telegram refused a recipient, from its error description.
func goneReason(desc string) string {
	d := strings.ToLower(desc)
	switch {
	case strings.Contains(d, "blocked"):
		return "blocked"
	case strings.Contains(d, "deactivated"):
		return "deactivated"
	case strings.Contains(d, "kicked"), strings.Contains(d, "not a member"):
		return "kicked"
	case strings.Contains(d, "chat not found"), strings.Contains(d, "user not found"), strings.Contains(d, "peer_id_invalid"):
		return "chat_not_found"
	}
	return "gone"
}
