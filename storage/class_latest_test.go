package storage

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestClassLatestKeepsLatestReport: each class's latest report as class_latest keeps it
// (the reply to a report ranks from it) is, by the trigger, by migration 014's backfill and
// after a bulk load that suspended it, the class's latest report (latest week, then highest
// id) as computed from the reports themselves; reports come in any week order, corrected,
// with enrolment changes and two school years mixed in.
func TestClassLatestKeepsLatestReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openTest(t)
	rng := rand.New(rand.NewPCG(14, 47))
	weeks := []string{"2026-W45", "2026-W46", "2026-W47"}
	classes := randomClasses(t, st, rng, []string{"An Giang", "Châu Đốc"}, 3, 5)
	add := func(n int) { randomReports(t, st, rng, classes, weeks, n) }
	type row struct {
		class            int64
		school           int64
		year, week       string
		enrolment, insur int
	}
	kept := func() []row {
		t.Helper()
		var out []row
		err := st.View(ctx, func(tx *Tx) error {
			rows, err := tx.tx.QueryContext(ctx, `SELECT class_id, school_id, school_year, week, enrolment, insured FROM class_latest ORDER BY class_id`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.class, &r.school, &r.year, &r.week, &r.enrolment, &r.insur); err != nil {
					return err
				}
				out = append(out, r)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	fromReports := func() []row {
		t.Helper()
		var out []row
		err := st.View(ctx, func(tx *Tx) error {
			for _, id := range classes {
				cl, err := tx.ClassByID(ctx, id)
				if err != nil {
					return err
				}
				r, err := tx.LatestReport(ctx, id, "9999-W99")
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				out = append(out, row{id, cl.SchoolID, cl.SchoolYear, r.Week, r.Enrolment, r.Insured()})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	check := func(when string) {
		t.Helper()
		got, want := kept(), fromReports()
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: kept\n%v\nfrom the reports\n%v", when, got, want)
		}
	}
	add(200)
	check("kept by the trigger")

	backfill, _, err := classLatestSQL()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Update(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `DELETE FROM class_latest;`+backfill)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	check("backfilled by the migration")

	if err := st.SuspendSchoolSums(ctx); err != nil {
		t.Fatal(err)
	}
	add(100)
	if err := st.ResumeSchoolSums(ctx); err != nil {
		t.Fatal(err)
	}
	check("rebuilt after a bulk load")
	add(100)
	check("kept again after the bulk load")
}
