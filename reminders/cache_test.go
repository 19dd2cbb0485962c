package reminders

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
)

// TestKeptFiguresFollowChanges: boards built from figures kept in memory equal boards built
// afresh after reports of this week, of earlier weeks and of later weeks, corrections, roster
// changes, and a transaction that wrote a report and rolled back.
func TestKeptFiguresFollowChanges(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	kept := w.service()
	ctx := context.Background()
	w.clock.Set(at(t, "2026-W48", time.Friday, 16, 0))
	var classes []int64
	for k, id := range w.ids {
		if k[0] == 'c' {
			classes = append(classes, id)
		}
	}
	slices.Sort(classes)
	schools := []int64{w.ids["s:mytu"], w.ids["s:mytuA"], w.ids["s:lh"]}
	areas := []string{"Sóc Trăng", "Sóc Trăng / Mỹ Tú"}
	check := func(step string) {
		t.Helper()
		fresh := w.service()
		view(t, w, func(tx *storage.Tx) error {
			for _, week := range []string{"2026-W48", "2026-W47"} {
				for _, a := range areas {
					got, err := kept.AreaBoard(ctx, tx, a, week)
					if err != nil {
						return err
					}
					want, err := fresh.AreaBoard(ctx, tx, a, week)
					if err != nil {
						return err
					}
					if !reflect.DeepEqual(leaderboard.Rank(got.Units), leaderboard.Rank(want.Units)) {
						t.Errorf("%s: %s %s:\nkept  %+v\nfresh %+v", step, a, week, leaderboard.Rank(got.Units), leaderboard.Rank(want.Units))
					}
				}
				for _, id := range schools {
					got, err := kept.SchoolBoard(ctx, tx, id, week)
					if err != nil {
						return err
					}
					want, err := fresh.SchoolBoard(ctx, tx, id, week)
					if err != nil {
						return err
					}
					if leaderboard.RenderSchoolBoard(got) != leaderboard.RenderSchoolBoard(want) {
						t.Errorf("%s: school %d %s:\nkept  %s\nfresh %s", step, id, week, leaderboard.RenderSchoolBoard(got), leaderboard.RenderSchoolBoard(want))
					}
				}
			}
			return nil
		})
	}
	check("start")
	check("kept")
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 12 {
		week := []string{"2026-W48", "2026-W47", "2026-W46", "2026-W49", "2026-W40"}[rng.IntN(5)]
		c := classes[rng.IntN(len(classes))]
		err := w.store.Update(ctx, func(tx *storage.Tx) error {
			cl, err := tx.ClassByID(ctx, c)
			if err != nil {
				return err
			}
			e := cl.Enrolment
			_, err = tx.InsertReport(ctx, storage.Report{ClassID: c, Week: week, Enrolment: e, ThroughSchool: rng.IntN(e/2 + 1), Other: rng.IntN(e/2 + 1)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("report %d of class %d in %s", i, c, week))
	}
	if err := w.store.Update(ctx, func(tx *storage.Tx) error { return tx.SetEnrolment(ctx, classes[0], 7) }); err != nil {
		t.Fatal(err)
	}
	check("enrolment changed")
	err := w.store.Update(ctx, func(tx *storage.Tx) error {
		_, _, err := tx.UpsertClass(ctx, storage.Class{SchoolID: schools[0], SchoolYear: w.cfg.Campaign.SchoolYear, Name: "9Z", Enrolment: 20})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	check("class added")
	// A report written in a transaction that rolls back is seen inside it, never after.
	rollback := errors.New("rollback")
	err = w.store.Update(ctx, func(tx *storage.Tx) error {
		if _, err := tx.InsertReport(ctx, storage.Report{ClassID: classes[1], Week: "2026-W48", Enrolment: 3, ThroughSchool: 3}); err != nil {
			return err
		}
		b, err := kept.AreaBoard(ctx, tx, areas[0], "2026-W48")
		if err != nil {
			return err
		}
		want, err := w.service().AreaBoard(ctx, tx, areas[0], "2026-W48")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(b.Units, want.Units) {
			t.Errorf("inside the transaction: %+v, want %+v", b.Units, want.Units)
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	check("after the rollback")
	err = w.store.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.InsertReport(ctx, storage.Report{ClassID: classes[2], Week: "2026-W48", Enrolment: 5, ThroughSchool: 1})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	check("a report taking the rolled-back id")
}
