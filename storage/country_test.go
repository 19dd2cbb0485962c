package storage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestCountryFiguresMatchBoardFigures: the figures of every class read in one pass for the
// whole roster, and those read by index for an area, equal BoardFigures' — with several
// reports a week, gaps of many weeks, classes that never reported, reports after the week,
// and classes of another school year.
func TestCountryFiguresMatchBoardFigures(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	weeks := []string{"2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"}
	err := st.Update(ctx, func(tx *Tx) error {
		for p := range 2 {
			for c := range 3 {
				path := []string{fmt.Sprintf("Tỉnh %d", p), fmt.Sprintf("Xã %d", c)}
				if c == 2 {
					path = path[:1] // a school right in the province
				}
				area, _, err := tx.EnsureArea(ctx, path)
				if err != nil {
					return err
				}
				for s := range 3 {
					school, _, err := tx.EnsureSchool(ctx, area, fmt.Sprintf("Trường %d", s))
					if err != nil {
						return err
					}
					for k := range 6 {
						year := "2025-2026"
						if k == 5 {
							year = "2024-2025"
						}
						id, _, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: year, Name: fmt.Sprintf("%dA", k+1), Enrolment: 30 + k})
						if err != nil {
							return err
						}
						for _, w := range weeks {
							if rng.IntN(3) == 0 || k == 4 {
								continue
							}
							for range 1 + rng.IntN(2) {
								e := 30 + rng.IntN(10)
								ts := rng.IntN(e / 2)
								if _, err := tx.InsertReport(ctx, Report{ClassID: id, Week: w, Enrolment: e, ThroughSchool: ts, Other: rng.IntN(e - ts)}); err != nil {
									return err
								}
							}
						}
					}
				}
			}
		}
		// A school with no classes of the year.
		area, _, err := tx.EnsureArea(ctx, []string{"Tỉnh 0", "Xã 0"})
		if err != nil {
			return err
		}
		_, _, err = tx.EnsureSchool(ctx, area, "Trường trống")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, week := range []string{"2026-W47", "2026-W40", "2026-W49"} {
		for _, path := range []string{"", "Tỉnh 0", "Tỉnh 1 / Xã 1"} {
			err := st.View(ctx, func(tx *Tx) error {
				c, err := tx.CountryFigures(ctx, path, "2025-2026", week)
				if err != nil {
					return err
				}
				paths := []string{path}
				if path == "" {
					paths = []string{"Tỉnh 0", "Tỉnh 1"}
				}
				var want []WeekFigure
				for _, p := range paths {
					w, err := tx.BoardFigures(ctx, p, 0, "2025-2026", week)
					if err != nil {
						return err
					}
					want = append(want, w...)
				}
				if len(c.Classes) != len(want) || len(want) == 0 {
					t.Fatalf("%s %q: %d classes, want %d", week, path, len(c.Classes), len(want))
				}
				for _, w := range want {
					i := c.ClassIndex(w.Class.ID)
					if i < 0 {
						t.Fatalf("%s %q: class %d missing", week, path, w.Class.ID)
					}
					got := c.Classes[i]
					if got.SchoolID != w.Class.SchoolID || got.Name != w.Class.Name || got.Enrolment != w.Class.Enrolment ||
						!same(got.This, w.This) || !same(got.Prev, w.Previous) {
						t.Errorf("%s %q class %d: got %+v, want %+v this %+v prev %+v", week, path, w.Class.ID, got, w.Class, w.This, w.Previous)
					}
					s := schoolOf(c, got.SchoolID)
					if s == nil || s.Name == "" || areaOf(c, s.AreaID) == nil || areaOf(c, s.AreaID).Path != w.Class.AreaPath {
						t.Errorf("%s %q class %d: school %+v, want area %q", week, path, w.Class.ID, s, w.Class.AreaPath)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

func same(f Figures, r *Report) bool {
	if r == nil {
		return !f.Has()
	}
	return f.Week == r.Week && int(f.Enrolment) == r.Enrolment && int(f.ThroughSchool) == r.ThroughSchool && int(f.Other) == r.Other
}

func schoolOf(c *Country, id int64) *CountrySchool {
	for i := range c.Schools {
		if c.Schools[i].ID == id {
			return &c.Schools[i]
		}
	}
	return nil
}

func areaOf(c *Country, id int64) *Area {
	for i := range c.Areas {
		if c.Areas[i].ID == id {
			return &c.Areas[i]
		}
	}
	return nil
}

// TestEachRoleHolderMatchesRoleHolders: streaming gives the same grants in the same order,
// and the callback may write in the same transaction.
func TestEachRoleHolderMatchesRoleHolders(t *testing.T) {
	st := openTest(t)
	c := seedClass(t, st)
	ctx := context.Background()
	err := st.Update(ctx, func(tx *Tx) error {
		for u := int64(1); u <= 5; u++ {
			if err := tx.TouchUser(ctx, User{ID: u, ChatID: u}); err != nil {
				return err
			}
			if err := tx.GrantRole(ctx, u, RoleParent, Scope{ClassID: c.ID}); err != nil {
				return err
			}
		}
		want, err := tx.RoleHolders(ctx, RoleParent, "2025-2026", "")
		if err != nil {
			return err
		}
		var got []RoleHolder
		err = tx.EachRoleHolder(ctx, RoleParent, "2025-2026", "", func(h RoleHolder) error {
			got = append(got, h)
			_, err := tx.Enqueue(ctx, Message{DedupeKey: fmt.Sprint("p/", h.UserID), ChatID: h.ChatID, Text: "x"})
			return err
		})
		if err != nil {
			return err
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || len(got) != 5 {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
		n, err := tx.OutboxDepth(ctx)
		if n != 5 {
			t.Errorf("%d enqueued while streaming", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
