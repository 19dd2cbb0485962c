package storage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestSchoolWeeksBackfillMatchesTriggers: the sums migration 013 computes from the reports
// already stored equal those its triggers keep as reports (of any week, in any order,
// corrected within a week) and enrolment changes come in one by one.
func TestSchoolWeeksBackfillMatchesTriggers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openTest(t)
	rng := rand.New(rand.NewPCG(9, 15))
	weeks := []string{"2026-W44", "2026-W45", "2026-W46", "2026-W47"}
	randomReports(t, st, rng, randomClasses(t, st, rng, []string{"An Giang", "Long Xuyên"}, 4, 4), weeks, 300)
	backfill, _, err := schoolWeeksSQL()
	if err != nil {
		t.Fatal(err)
	}
	dump := func(tx *Tx) (string, error) {
		var b strings.Builder
		for _, q := range []string{
			`SELECT school_id, school_year, classes, enrolment FROM school_rolls ORDER BY 1, 2`,
			`SELECT school_id, school_year, week, reported, classes, roll, enrolment, through_school, other FROM school_weeks ORDER BY 1, 2, 3`,
		} {
			rows, err := tx.tx.QueryContext(ctx, q)
			if err != nil {
				return "", err
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return "", err
				}
				fmt.Fprintln(&b, vals...)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return "", err
			}
		}
		return b.String(), nil
	}
	var kept, backfilled string
	err = st.Update(ctx, func(tx *Tx) error {
		if kept, err = dump(tx); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM school_rolls; DELETE FROM school_weeks;`+backfill); err != nil {
			return err
		}
		backfilled, err = dump(tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if kept == "" || !reflect.DeepEqual(kept, backfilled) {
		t.Errorf("kept by the triggers:\n%s\nbackfilled:\n%s", kept, backfilled)
	}
}

// TestOpenResumesSuspendedSums: a bulk load that stopped with the sums suspended leaves a
// database whose next Open rebuilds them and keeps them again.
func TestOpenResumesSuspendedSums(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bot.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var class int64
	report := func(st *Store, through int) {
		t.Helper()
		if err := st.Update(ctx, func(tx *Tx) error {
			_, err := tx.InsertReport(ctx, Report{ClassID: class, Week: "2026-W47", Enrolment: 30, ThroughSchool: through, Source: SourceCLI})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	sums := func(st *Store) (n, through int) {
		t.Helper()
		if err := st.View(ctx, func(tx *Tx) error {
			return tx.tx.QueryRowContext(ctx, `SELECT COUNT(*), IFNULL(SUM(through_school), 0) FROM school_weeks`).Scan(&n, &through)
		}); err != nil {
			t.Fatal(err)
		}
		return n, through
	}
	err = st.Update(ctx, func(tx *Tx) error {
		a, _, err := tx.EnsureArea(ctx, []string{"An Giang"})
		if err != nil {
			return err
		}
		s, _, err := tx.EnsureSchool(ctx, a, "Trường A")
		if err != nil {
			return err
		}
		class, _, err = tx.UpsertClass(ctx, Class{SchoolID: s, SchoolYear: "2025-2026", Name: "6A", Enrolment: 30})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SuspendSchoolSums(ctx); err != nil {
		t.Fatal(err)
	}
	report(st, 10)
	if n, _ := sums(st); n != 0 {
		t.Fatalf("%d rows of sums while suspended", n)
	}
	st.Close()
	if st, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, through := sums(st); n != 1 || through != 10 {
		t.Fatalf("after reopening: %d rows, %d through school; want 1, 10", n, through)
	}
	report(st, 12)
	if n, through := sums(st); n != 1 || through != 12 {
		t.Fatalf("a report after reopening: %d rows, %d through school; want 1, 12", n, through)
	}
}
