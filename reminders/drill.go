package reminders

import (
	"context"
	"fmt"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
)

// AreaDrill is an area's board with what a page that drills down needs: the school behind each
// unit, and the areas directly below it, each as one unit summed from its schools.
type AreaDrill struct {
	Area      storage.Area // for the whole roster (path ""), Name and Path are AllAreasTitle
	Board     leaderboard.Board
	SchoolIDs []int64 // the school of each Board.Units entry
	Below     []leaderboard.Unit
	BelowIDs  []int64 // the area of each Below entry
}

// SchoolDrill is a school's board with the class behind each unit.
type SchoolDrill struct {
	Board    leaderboard.Board
	ClassIDs []int64 // the class of each Board.Units entry
}

// AreaDrill builds the board of the area at path ("" for the whole roster) for an ISO week,
// from the same kept figures as AreaBoard.
func (s *Service) AreaDrill(ctx context.Context, tx *storage.Tx, areaPath, week string) (AreaDrill, error) {
	var out AreaDrill
	err := s.withAreaFigures(ctx, tx, areaPath, week, func(f *figures) error {
		d, err := f.area(areaPath)
		if err != nil {
			return err
		}
		out.Area = d.area
		out.Board = s.newBoard(d.area.Path, f.week, d.units)
		out.SchoolIDs = append([]int64(nil), d.ids...)
		var below []int
		if areaPath == "" {
			below = f.tops
		} else {
			below = f.below[f.byPath[areaPath]]
		}
		for _, i := range below {
			a := f.areas[i]
			sub, err := f.area(a.Path)
			if err != nil {
				return err
			}
			if len(sub.units) == 0 {
				continue
			}
			out.Below = append(out.Below, SumUnits(a.Name, sub.units))
			out.BelowIDs = append(out.BelowIDs, a.ID)
		}
		return nil
	})
	return out, err
}

// SchoolDrill builds a school's board for an ISO week, as SchoolBoard does, with its classes' ids.
func (s *Service) SchoolDrill(ctx context.Context, tx *storage.Tx, schoolID int64, week string) (SchoolDrill, error) {
	var out SchoolDrill
	err := s.withSchoolFigures(ctx, tx, schoolID, week, func(f *figures) (err error) {
		out.Board, err = s.schoolBoardOf(f, schoolID)
		if err != nil {
			return err
		}
		i := f.schoolIndex(schoolID)
		for _, c := range f.order[f.first[i]:f.first[i+1]] {
			out.ClassIDs = append(out.ClassIDs, f.classes[c].ID)
		}
		return nil
	})
	return out, err
}

// AreaTotals returns the sum of an area's schools ("" for the whole roster) for each of the
// given ISO weeks, as one unit per week named by the week.
func (s *Service) AreaTotals(ctx context.Context, tx *storage.Tx, areaPath string, weeks []string) ([]leaderboard.Unit, error) {
	out := make([]leaderboard.Unit, 0, len(weeks))
	for _, w := range weeks {
		err := s.withAreaFigures(ctx, tx, areaPath, w, func(f *figures) error {
			d, err := f.area(areaPath)
			if err != nil {
				return err
			}
			out = append(out, SumUnits(w, d.units))
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reminders: totals of %q: %w", areaPath, err)
		}
	}
	return out, nil
}

// SumUnits adds units into one named unit the way a school sums its classes: it has reported
// when one of them has, and it has a figure for last week when one of them had (the others
// counting with their enrolment and nobody insured).
func SumUnits(name string, units []leaderboard.Unit) leaderboard.Unit {
	u := leaderboard.Unit{Name: name, Prev: &leaderboard.Figure{}}
	hasPrev := false
	for _, c := range units {
		u.Enrolment += c.Enrolment
		u.ThroughSchool += c.ThroughSchool
		u.Other += c.Other
		classes, reported := c.Classes, c.ClassesReported
		if classes == 0 {
			classes = 1
			if c.Reported {
				reported = 1
			}
		}
		u.Classes += classes
		u.ClassesReported += reported
		if c.Reported {
			u.Reported = true
		} else if c.LastWeek > u.LastWeek {
			u.LastWeek = c.LastWeek
		}
		if c.Prev != nil {
			u.Prev.Enrolment += c.Prev.Enrolment
			u.Prev.Insured += c.Prev.Insured
			hasPrev = true
		} else {
			u.Prev.Enrolment += c.Enrolment
		}
	}
	if !hasPrev {
		u.Prev = nil
	}
	if u.Reported {
		u.LastWeek = ""
	}
	return u
}
