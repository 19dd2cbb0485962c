package schedule

import (
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/config"
)

func TestQuietUntil(t *testing.T) {
	t.Parallel()
	hcm := time.FixedZone("ICT", 7*3600)
	day := func(h, m int) time.Time { return time.Date(2026, 11, 25, h, m, 0, 0, hcm) }
	next := func(h, m int) time.Time { return time.Date(2026, 11, 26, h, m, 0, 0, hcm) }
	tests := []struct {
		start, end string
		now, want  time.Time
	}{
		{"21:00", "07:00", day(20, 59), time.Time{}},
		{"21:00", "07:00", day(21, 0), next(7, 0)},
		{"21:00", "07:00", day(23, 59), next(7, 0)},
		{"21:00", "07:00", day(3, 0), day(7, 0)},
		{"21:00", "07:00", day(7, 0), time.Time{}},
		{"21:00", "07:00", day(3, 0).UTC(), day(7, 0)},
		{"12:00", "13:30", day(12, 15), day(13, 30)},
		{"12:00", "13:30", day(13, 30), time.Time{}},
		{"00:00", "00:00", day(3, 0), time.Time{}},
	}
	for _, tt := range tests {
		q := config.QuietHours{Start: tt.start, End: tt.end}
		if got := QuietUntil(q, hcm, tt.now); !got.Equal(tt.want) {
			t.Errorf("%s–%s at %v: %v, want %v", tt.start, tt.end, tt.now, got, tt.want)
		}
	}
}
