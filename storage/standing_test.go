package storage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bhytbot/bhytbot/leaderboard"
)

// TestClassRankAgreesWithLeaderboard: the rank a teacher's reply gives (ClassRank, ranked
// from SQL) is the rank the school's board gives (leaderboard.Rank), over random schools with
// many ties, corrected reports, classes that reported only another week, and a class of
// another school year that must not count.
func TestClassRankAgreesWithLeaderboard(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	const week, year = "2026-W47", "2025-2026"
	rng := rand.New(rand.NewPCG(47, 2026))
	type class struct {
		id   int64
		unit leaderboard.Unit
	}
	var schools [][]class
	err := st.Update(ctx, func(tx *Tx) error {
		area, _, err := tx.EnsureArea(ctx, []string{"Sóc Trăng", "Mỹ Tú"})
		if err != nil {
			return err
		}
		for s := range 30 {
			school, _, err := tx.EnsureSchool(ctx, area, fmt.Sprintf("Trường %d", s))
			if err != nil {
				return err
			}
			old, _, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: "2024-2025", Name: "6A", Enrolment: 40})
			if err != nil {
				return err
			}
			if _, err := tx.InsertReport(ctx, Report{ClassID: old, Week: week, Enrolment: 40, ThroughSchool: 40}); err != nil {
				return err
			}
			var cs []class
			for c := range 1 + rng.IntN(12) {
				name := fmt.Sprintf("%d%c", 6+c%4, 'A'+rune(c/4))
				id, _, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: year, Name: name, Enrolment: 40})
				if err != nil {
					return err
				}
				cl := class{id: id, unit: leaderboard.Unit{Name: name}}
				if rng.IntN(5) == 0 {
					if _, err := tx.InsertReport(ctx, Report{ClassID: id, Week: "2026-W46", Enrolment: 40, ThroughSchool: 40}); err != nil {
						return err
					}
				} else {
					for range 1 + rng.IntN(3) { // the latest report of the week counts
						e := []int{20, 30, 40, 45}[rng.IntN(4)]
						through := rng.IntN(e + 1)
						other := rng.IntN(e - through + 1)
						if rng.IntN(3) == 0 {
							through, other = e/2, 0 // ties across enrolments: 10/20, 15/30, 20/40
						}
						if _, err := tx.InsertReport(ctx, Report{ClassID: id, Week: week, Enrolment: e, ThroughSchool: through, Other: other}); err != nil {
							return err
						}
						cl.unit = leaderboard.Unit{Name: name, Enrolment: e, ThroughSchool: through, Other: other, Reported: true}
					}
				}
				cs = append(cs, cl)
			}
			schools = append(schools, cs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ties := 0
	err = st.View(ctx, func(tx *Tx) error {
		for s, cs := range schools {
			units := make([]leaderboard.Unit, len(cs))
			reported := 0
			for i, c := range cs {
				units[i] = c.unit
				if c.unit.Reported {
					reported++
				}
			}
			want := map[string]int{}
			for _, r := range leaderboard.Rank(units) {
				want[r.Name] = r.Rank
			}
			seen := map[int]int{}
			for i, c := range cs {
				rank, n, err := tx.ClassRank(ctx, c.id, week)
				if err != nil {
					return err
				}
				if rank != want[c.unit.Name] || rank != leaderboard.RankOf(units, i) || n != reported {
					t.Errorf("school %d class %s: ClassRank %d/%d, board %d/%d", s, c.unit.Name, rank, n, want[c.unit.Name], reported)
				}
				if rank > 0 {
					seen[rank]++
				}
			}
			for _, k := range seen {
				if k > 1 {
					ties++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ties == 0 {
		t.Error("the random data has no tie: the tie rule is not exercised")
	}
	t.Logf("%d shared ranks", ties)
}
