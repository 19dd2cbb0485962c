package storage

import (
	"fmt"
	"time"
)

// WeekOf returns the ISO week of t in loc, as "2026-W48"; week strings sort in time order.
func WeekOf(t time.Time, loc *time.Location) string {
	y, w := t.In(loc).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// WeekStart returns Monday 00:00 in loc of the ISO week "YYYY-Www".
func WeekStart(week string, loc *time.Location) (time.Time, error) {
	var y, w int
	if n, err := fmt.Sscanf(week, "%4d-W%2d", &y, &w); err != nil || n != 2 || w < 1 || w > 53 {
		return time.Time{}, fmt.Errorf("storage: week %q: want YYYY-Www", week)
	}
	// January 4th is always in week 1.
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, loc)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	start := monday.AddDate(0, 0, 7*(w-1))
	if WeekOf(start, loc) != week {
		return time.Time{}, fmt.Errorf("storage: week %q does not exist", week)
	}
	return start, nil
}
