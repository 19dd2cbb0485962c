package synth

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/storage"
)

func small(seed uint64) Spec {
	s := National(seed, "2026-W47")
	s.Provinces, s.CommunesPerProv, s.SchoolsPerCommune, s.ClassesPerSchool = 2, 3, 4, 5
	s.BatchRowsPerCommit = 50 // exercise batch commits
	return s
}

func generate(t *testing.T, spec Spec) (*storage.Store, Totals) {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	tot, err := Generate(ctx, st, spec, loc)
	if err != nil {
		t.Fatal(err)
	}
	return st, tot
}

func fingerprint(t *testing.T, st *storage.Store) (classes, reports, insured int) {
	t.Helper()
	ctx := context.Background()
	st.View(ctx, func(tx *storage.Tx) error {
		figs, err := tx.WeekFigures(ctx, "Hà Nội", 0, "2025-2026", "2026-W47")
		if err != nil {
			t.Fatal(err)
		}
		classes = len(figs)
		for _, f := range figs {
			if f.This != nil {
				reports++
				insured += f.This.Insured()
			}
		}
		return nil
	})
	return
}

func TestGenerateCountsAndDeterminism(t *testing.T) {
	spec := small(7)
	st, tot := generate(t, spec)
	wantClasses := 2 * 3 * 4 * 5
	if tot.Areas != 2+6 || tot.Schools != 24 || tot.Classes != wantClasses ||
		tot.Users != 8+24+wantClasses*2 || tot.Reports < wantClasses*12*8/10 || tot.Reports > wantClasses*12 {
		t.Fatalf("totals: %+v", tot)
	}
	c1, r1, i1 := fingerprint(t, st)
	if c1 != wantClasses/2 || r1 == 0 || i1 == 0 {
		t.Fatalf("Hà Nội figures: %d classes %d reported %d insured", c1, r1, i1)
	}
	st2, tot2 := generate(t, spec)
	if c2, r2, i2 := fingerprint(t, st2); tot2 != tot || c2 != c1 || r2 != r1 || i2 != i1 {
		t.Fatalf("same seed differs: %+v vs %+v", tot2, tot)
	}
	st3, _ := generate(t, small(8))
	if _, _, i3 := fingerprint(t, st3); i3 == i1 {
		t.Fatalf("another seed gave the same figures")
	}
}

func TestGenerateRejectsBadSpec(t *testing.T) {
	ctx := context.Background()
	st, _ := storage.Open(ctx, filepath.Join(t.TempDir(), "g.db"))
	defer st.Close()
	spec := small(1)
	spec.Provinces = 35
	if _, err := Generate(ctx, st, spec, time.UTC); err == nil {
		t.Fatal("35 provinces accepted")
	}
	spec = small(1)
	spec.LastWeek = "2026-W99"
	if _, err := Generate(ctx, st, spec, time.UTC); err == nil {
		t.Fatal("bad week accepted")
	}
}
