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

// TestSchoolWeeksBackfillMatchesTriggers: the sums migration 009 computes from the reports
// already stored equal those its triggers keep as reports (of any week, in any order,
// corrected within a week) and enrolment changes come in one by one.
func TestSchoolWeeksBackfillMatchesTriggers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(9, 15))
	weeks := []string{"2026-W44", "2026-W45", "2026-W46", "2026-W47"}
	var classes []int64
	err = st.Update(ctx, func(tx *Tx) error {
		area, _, err := tx.EnsureArea(ctx, []string{"An Giang", "Long Xuyên"})
		if err != nil {
			return err
		}
		for s := range 4 {
			school, _, err := tx.EnsureSchool(ctx, area, fmt.Sprintf("Trường %d", s))
			if err != nil {
				return err
			}
			for c := range 4 {
				for _, year := range []string{"2024-2025", "2025-2026"} {
					id, _, err := tx.UpsertClass(ctx, Class{SchoolID: school, SchoolYear: year, Name: fmt.Sprintf("%dA", 6+c), Enrolment: 10 + rng.IntN(20)})
					if err != nil {
						return err
					}
					classes = append(classes, id)
				}
			}
		}
		for range 300 {
			c := classes[rng.IntN(len(classes))]
			if rng.IntN(10) == 0 {
				if err := tx.SetEnrolment(ctx, c, 1+rng.IntN(40)); err != nil {
					return err
				}
				continue
			}
			e := 1 + rng.IntN(40)
			if _, err := tx.InsertReport(ctx, Report{ClassID: c, Week: weeks[rng.IntN(len(weeks))], Enrolment: e, ThroughSchool: rng.IntN(e + 1), Source: SourceCLI}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	body, err := migrationFiles.ReadFile("migrations/009_school_weeks.sql")
	if err != nil {
		t.Fatal(err)
	}
	text := string(body)
	from := strings.Index(text, "INSERT INTO school_rolls")
	to := strings.Index(text, "CREATE TRIGGER")
	if from < 0 || to < from {
		t.Fatal("migration 009: backfill statements not found")
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
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM school_rolls; DELETE FROM school_weeks;`+text[from:to]); err != nil {
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
