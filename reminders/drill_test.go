package reminders

import (
	"context"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
)

// TestAreaDrill: the drill-down board is the area board with each unit's school, its areas
// below are the sums of their schools, and a school's drill names each class.
func TestAreaDrill(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	ctx := context.Background()
	w.clock.Set(at(t, "2026-W48", time.Friday, 16, 0))
	view(t, w, func(tx *storage.Tx) error {
		b, err := s.AreaBoard(ctx, tx, "Sóc Trăng", "2026-W48")
		if err != nil {
			return err
		}
		d, err := s.AreaDrill(ctx, tx, "Sóc Trăng", "2026-W48")
		if err != nil {
			return err
		}
		if len(d.Board.Units) != len(b.Units) || len(d.SchoolIDs) != len(b.Units) || d.Area.Path != "Sóc Trăng" {
			t.Fatalf("drill %+v vs board %+v", d, b)
		}
		sum := SumUnits("all", b.Units)
		var below leaderboard.Unit
		for i, u := range d.Below {
			below.Enrolment += u.Enrolment
			below.ThroughSchool += u.ThroughSchool
			below.Other += u.Other
			below.Classes += u.Classes
			below.ClassesReported += u.ClassesReported
			a, err := tx.AreaByID(ctx, d.BelowIDs[i])
			if err != nil || a.Name != u.Name {
				t.Errorf("area below %d: %+v %v", i, a, err)
			}
		}
		if len(d.Below) == 0 || below.Enrolment != sum.Enrolment || below.Insured() != sum.Insured() || below.Classes != sum.Classes || below.ClassesReported != sum.ClassesReported {
			t.Errorf("areas below %+v do not add up to %+v", d.Below, sum)
		}
		for i, id := range d.SchoolIDs {
			sd, err := s.SchoolDrill(ctx, tx, id, "2026-W48")
			if err != nil {
				return err
			}
			if got := SumUnits(d.Board.Units[i].Name, sd.Board.Units); got.Insured() != d.Board.Units[i].Insured() || got.Enrolment != d.Board.Units[i].Enrolment {
				t.Errorf("school %d: classes sum to %+v, board has %+v", id, got, d.Board.Units[i])
			}
			for j, cid := range sd.ClassIDs {
				cl, err := tx.ClassByID(ctx, cid)
				if err != nil || cl.Name != sd.Board.Units[j].Name || cl.SchoolID != id {
					t.Errorf("class %d of school %d: %+v %v", j, id, cl, err)
				}
			}
		}
		totals, err := s.AreaTotals(ctx, tx, "Sóc Trăng", []string{"2026-W47", "2026-W48"})
		if err != nil {
			return err
		}
		if len(totals) != 2 || totals[1].Insured() != sum.Insured() || totals[1].Name != "2026-W48" {
			t.Errorf("totals %+v", totals)
		}
		return nil
	})
}
