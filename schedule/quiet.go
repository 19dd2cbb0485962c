// Package schedule holds the time rules every part of bhytbot shares: when parents may be
// written to (quiet hours). It is a leaf: it reads config and the clock it is given, and
// nothing else.
package schedule

import (
	"time"

	"github.com/bhytbot/bhytbot/config"
)

// QuietUntil returns the end of quiet hours q (clock times in loc) when t falls inside them,
// and the zero time otherwise: a message to a parent written then is held until the
// returned time. Quiet hours may wrap midnight (21:00–07:00); equal start and end, or a
// clock that does not parse, mean none.
func QuietUntil(q config.QuietHours, loc *time.Location, t time.Time) time.Time {
	start, err1 := config.ParseClock(q.Start)
	end, err2 := config.ParseClock(q.End)
	if err1 != nil || err2 != nil || start == end {
		return time.Time{}
	}
	t = t.In(loc)
	m := t.Hour()*60 + t.Minute()
	var quiet bool
	if start < end {
		quiet = m >= start && m < end
	} else {
		quiet = m >= start || m < end
	}
	if !quiet {
		return time.Time{}
	}
	y, mo, d := t.Date()
	until := time.Date(y, mo, d, end/60, end%60, 0, 0, loc)
	if !until.After(t) {
		until = time.Date(y, mo, d+1, end/60, end%60, 0, 0, loc)
	}
	return until
}
