package reminders

import (
	"context"
	"fmt"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
)

// loadSchoolTotals reads the figures of an area's board from the sums the storage keeps per
// school and week: each school's unit, without its classes (a school's board needs
// loadFigures).
func (s *Service) loadSchoolTotals(ctx context.Context, tx *storage.Tx, areaPath, week string) (*figures, error) {
	areas, totals, err := tx.AreaSchoolTotals(ctx, areaPath, s.cfg.Campaign.SchoolYear, week)
	if err != nil {
		return nil, fmt.Errorf("reminders: figures of %q: %w", areaPath, err)
	}
	schools := make([]storage.CountrySchool, len(totals))
	for i, t := range totals {
		schools[i] = storage.CountrySchool{ID: t.ID, AreaID: t.AreaID, Name: t.Name}
	}
	f := indexAreas(week, areas, schools)
	f.first = make([]int32, len(schools)+1)
	f.units = make([]leaderboard.Unit, len(totals))
	for i, t := range totals {
		f.units[i] = totalsUnit(t, week)
	}
	return f, nil
}

// totalsUnit is a school's unit from its kept sums, the same as schoolUnit gives from its
// classes: the classes without a report up to a week count with their roster enrolment and
// nobody insured.
func totalsUnit(t storage.SchoolTotals, week string) leaderboard.Unit {
	u := leaderboard.Unit{Name: t.Name, Classes: t.Classes, Enrolment: t.RollTotal}
	if a := t.AsOf; a.Week != "" {
		u.Enrolment = a.Enrolment + t.RollTotal - a.Roll
		u.ThroughSchool, u.Other = a.ThroughSchool, a.Other
		if a.Week == week {
			u.Reported, u.ClassesReported = true, a.Reported
		} else {
			u.LastWeek = a.Week
		}
	}
	if b := t.Before; b.Week != "" {
		u.Prev = &leaderboard.Figure{Enrolment: b.Enrolment + t.RollTotal - b.Roll, Insured: b.ThroughSchool + b.Other}
	}
	return u
}
