package reminders

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
)

// benchArea builds, in a real SQLite file, a province holding an area of 300 schools with 20
// classes each (6,000 classes) in 10 communes, and 12 weeks of history (2026-W37..W48) in
// which each class reports in 9 weeks out of 10, sometimes twice; plus a second province of
// the same size, so that queries must select. It returns the service, the area path and one
// school id.
func benchArea(b *testing.B) (*Service, *storage.Store, string, int64) {
	b.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	cfg := config.Default()
	rng := rand.New(rand.NewPCG(1, 2))
	weeks := make([]string, 12)
	for i := range weeks {
		weeks[i] = fmt.Sprintf("2026-W%02d", 37+i)
	}
	var school int64
	err = st.Update(ctx, func(tx *storage.Tx) error {
		for _, province := range []string{"Sóc Trăng", "Cà Mau"} {
			for s := range 300 {
				area, _, err := tx.EnsureArea(ctx, []string{province, "Huyện Mỹ Tú", fmt.Sprintf("Xã %d", s%10)})
				if err != nil {
					return err
				}
				id, _, err := tx.EnsureSchool(ctx, area, fmt.Sprintf("Trường THCS số %d", s))
				if err != nil {
					return err
				}
				if school == 0 {
					school = id
				}
				for c := range 20 {
					e := 30 + rng.IntN(15)
					cid, _, err := tx.UpsertClass(ctx, storage.Class{SchoolID: id, SchoolYear: cfg.Campaign.SchoolYear,
						Name: fmt.Sprintf("%d%c", 6+c/5, 'A'+rune(c%5)), Enrolment: e})
					if err != nil {
						return err
					}
					insured := rng.IntN(e / 2)
					for _, w := range weeks {
						if rng.IntN(10) == 0 {
							continue
						}
						for range 1 + rng.IntN(2) {
							insured = min(e, insured+rng.IntN(4))
							other := min(insured, 5)
							if _, err := tx.InsertReport(ctx, storage.Report{ClassID: cid, Week: w, Enrolment: e,
								ThroughSchool: insured - other, Other: other}); err != nil {
								return err
							}
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 16, 0, 0, 0, cfg.Location())
	return New(cfg, st, func() time.Time { return now }, nil), st, "Sóc Trăng / Huyện Mỹ Tú", school
}

// BenchmarkAreaBoardFromStorage times an officer's board of 300 schools / 6,000 classes: the figures
// from SQLite (a new service each time, so none are kept), the aggregation and RenderAreaBoard.
func BenchmarkAreaBoardFromStorage(b *testing.B) {
	s0, st, path, _ := benchArea(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		s := New(s0.cfg, st, s0.clock, nil)
		err := st.View(ctx, func(tx *storage.Tx) error {
			board, err := s.AreaBoard(ctx, tx, path, "2026-W48")
			if err != nil {
				return err
			}
			if len(board.Units) != 300 {
				b.Fatalf("%d schools", len(board.Units))
			}
			_ = leaderboard.RenderAreaBoard(board)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSchoolBoardFromStorage times a principal's board of one school of that area (20 classes and
// the school's rank among the area's 30 schools of its commune) with RenderSchoolBoard, the
// figures from SQLite.
func BenchmarkSchoolBoardFromStorage(b *testing.B) {
	s0, st, _, school := benchArea(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		s := New(s0.cfg, st, s0.clock, nil)
		err := st.View(ctx, func(tx *storage.Tx) error {
			board, err := s.SchoolBoard(ctx, tx, school, "2026-W48")
			if err != nil {
				return err
			}
			if len(board.Units) != 20 || board.AreaSize != 30 {
				b.Fatalf("%d classes, area of %d", len(board.Units), board.AreaSize)
			}
			_ = leaderboard.RenderSchoolBoard(board)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAreaBoardKept times the officer's board of BenchmarkAreaBoardFromStorage from the
// figures a running bot keeps, with a teacher's report of the area arriving before each board.
func BenchmarkAreaBoardKept(b *testing.B) {
	s, st, path, school := benchArea(b)
	ctx := context.Background()
	var class storage.Class
	err := st.View(ctx, func(tx *storage.Tx) error {
		cs, err := tx.ClassesOfSchool(ctx, school, s.cfg.Campaign.SchoolYear)
		class = cs[0]
		if err == nil {
			_, err = s.AreaBoard(ctx, tx, path, "2026-W48")
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		err := st.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.InsertReport(ctx, storage.Report{ClassID: class.ID, Week: "2026-W48", Enrolment: class.Enrolment, ThroughSchool: i % class.Enrolment})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		err = st.View(ctx, func(tx *storage.Tx) error {
			board, err := s.AreaBoard(ctx, tx, path, "2026-W48")
			if err != nil {
				return err
			}
			if len(board.Units) != 300 {
				b.Fatalf("%d schools", len(board.Units))
			}
			_ = leaderboard.RenderAreaBoard(board)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
