package vntext

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FormatPercent formats p Vietnamese style: rounded to one decimal, a comma
// as decimal mark, a dot between thousands, and no ",0" for whole numbers:
// 95.238 → "95,2%", 100 → "100%", 0 → "0%". NaN and infinities, which
// mean "no data", format as "—". A coverage figure is rounded first by
// leaderboard.Percent, which never rounds an incomplete unit up to 100%.
func FormatPercent(p float64) string {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return "—"
	}
	s := strconv.FormatFloat(p, 'f', 1, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	out := groupDigits(whole)
	if frac != "0" {
		out += "," + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out + "%"
}

// FormatInt formats n with a dot between thousands, Vietnamese style:
// 631800 → "631.800", -1200 → "-1.200".
func FormatInt(n int) string {
	s := strconv.FormatInt(int64(n), 10)
	if strings.HasPrefix(s, "-") {
		return "-" + groupDigits(s[1:])
	}
	return groupDigits(s)
}

// groupDigits inserts a dot every three digits from the right of an unsigned
// decimal digit string.
func groupDigits(d string) string {
	if len(d) <= 3 {
		return d
	}
	var b strings.Builder
	b.Grow(len(d) + len(d)/3)
	head := len(d) % 3
	if head > 0 {
		b.WriteString(d[:head])
	}
	for i := head; i < len(d); i += 3 {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(d[i : i+3])
	}
	return b.String()
}

// FormatDate formats the calendar date of t (in t's location) as d/m/yyyy
// without leading zeros, as Vietnamese documents do: "18/9/2023".
func FormatDate(t time.Time) string {
	return fmt.Sprintf("%d/%d/%d", t.Day(), int(t.Month()), t.Year())
}
