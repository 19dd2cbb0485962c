package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
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
	st, err := Open(ctx, filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(14, 47))
	weeks := []string{"2026-W45", "2026-W46", "2026-W47"}
	var classes []int64
	add := func(n int) {
		t.Helper()
		err := st.Update(ctx, func(tx *Tx) error {
			for range n {
				c := classes[rng.IntN(len(classes))]
				if rng.IntN(8) == 0 {
					if err := tx.SetEnrolment(ctx, c, 1+rng.IntN(40)); err != nil {
						return err
					}
					continue
				}
				e := 1 + rng.IntN(40)
				th := rng.IntN(e + 1)
				if _, err := tx.InsertReport(ctx, Report{ClassID: c, Week: weeks[rng.IntN(len(weeks))], Enrolment: e, ThroughSchool: th, Other: rng.IntN(e - th + 1), Source: SourceCLI}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err = st.Update(ctx, func(tx *Tx) error {
		area, _, err := tx.EnsureArea(ctx, []string{"An Giang", "Châu Đốc"})
		if err != nil {
			return err
		}
		for s := range 3 {
			school, _, err := tx.EnsureSchool(ctx, area, fmt.Sprintf("Trường %d", s))
			if err != nil {
				return err
			}
			for c := range 5 {
				for _, year := range []string{"2024-2025", "2025-2026"} {
					id, _, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: year, Name: fmt.Sprintf("%dB", 6+c), Enrolment: 10 + rng.IntN(20)})
					if err != nil {
						return err
					}
					classes = append(classes, id)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
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
