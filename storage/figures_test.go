package storage

import (
	"context"
	"testing"
)

// TestBoardFiguresMatchWeekFigures: the one-query figures equal WeekFigures' on the fields
// they carry, for an area and for a school.
func TestBoardFiguresMatchWeekFigures(t *testing.T) {
	st := openTest(t)
	c := seedClass(t, st)
	ctx := context.Background()
	err := st.Update(ctx, func(tx *Tx) error {
		area, _, err := tx.EnsureArea(ctx, []string{"Sóc Trăng", "Long Hưng"})
		if err != nil {
			return err
		}
		other, _, err := tx.EnsureSchool(ctx, area, "Trường TH Long Hưng")
		if err != nil {
			return err
		}
		c2, _, err := tx.UpsertClass(ctx, Class{SchoolID: c.SchoolID, SchoolYear: "2025-2026", Name: "6B", Enrolment: 40})
		if err != nil {
			return err
		}
		c3, _, err := tx.UpsertClass(ctx, Class{SchoolID: other, SchoolYear: "2025-2026", Name: "1A", Enrolment: 30})
		if err != nil {
			return err
		}
		if _, _, err := tx.UpsertClass(ctx, Class{SchoolID: other, SchoolYear: "2024-2025", Name: "1A", Enrolment: 30}); err != nil {
			return err
		}
		for _, r := range []Report{
			{ClassID: c.ID, Week: "2026-W45", Enrolment: 42, ThroughSchool: 10, Other: 2},
			{ClassID: c.ID, Week: "2026-W46", Enrolment: 42, ThroughSchool: 20, Other: 2},
			{ClassID: c.ID, Week: "2026-W46", Enrolment: 42, ThroughSchool: 21, Other: 2},
			{ClassID: c.ID, Week: "2026-W48", Enrolment: 41, ThroughSchool: 30, Other: 3},
			{ClassID: c.ID, Week: "2026-W48", Enrolment: 41, ThroughSchool: 31, Other: 3},
			{ClassID: c.ID, Week: "2026-W49", Enrolment: 41, ThroughSchool: 40, Other: 1},
			{ClassID: c2, Week: "2026-W48", Enrolment: 40, ThroughSchool: 5, Other: 0},
			{ClassID: c3, Week: "2026-W44", Enrolment: 30, ThroughSchool: 7, Other: 0},
		} {
			if _, err := tx.InsertReport(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b *Report) bool {
		if a == nil || b == nil {
			return a == nil && b == nil
		}
		return a.ID == b.ID && a.ClassID == b.ClassID && a.Week == b.Week && a.Enrolment == b.Enrolment &&
			a.ThroughSchool == b.ThroughSchool && a.Other == b.Other
	}
	err = st.View(ctx, func(tx *Tx) error {
		for _, q := range []struct {
			path   string
			school int64
		}{{"Sóc Trăng", 0}, {"Sóc Trăng / Mỹ Tú", 0}, {"Sóc", 0}, {"", c.SchoolID}} {
			for _, week := range []string{"2026-W44", "2026-W46", "2026-W47", "2026-W48"} {
				want, err := tx.WeekFigures(ctx, q.path, q.school, "2025-2026", week)
				if err != nil {
					return err
				}
				got, err := tx.BoardFigures(ctx, q.path, q.school, "2025-2026", week)
				if err != nil {
					return err
				}
				byClass := map[int64]WeekFigure{}
				for _, f := range got {
					byClass[f.Class.ID] = f
				}
				if len(got) != len(want) || len(byClass) != len(want) {
					t.Errorf("%v %s: %d figures, want %d", q, week, len(got), len(want))
					continue
				}
				for _, w := range want {
					g := byClass[w.Class.ID]
					if g.Class != w.Class || !same(g.This, w.This) || !same(g.Previous, w.Previous) {
						t.Errorf("%v %s class %s: %+v %+v %+v, want %+v %+v %+v", q, week, w.Class.Name, g.Class, g.This, g.Previous, w.Class, w.This, w.Previous)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
