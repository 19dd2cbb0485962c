package reminders

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/roster"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/synth"
)

// TestSchoolTotalsAgreeWithReports: an area's board read from the sums kept per school and
// week equals the board summed from each class's own reports, over random reports of this
// week, earlier and later weeks, corrections (a second report of a class in a week), roster
// re-imports that retire pupils, change enrolments, add classes and recount a week, and an
// enrolment set by a report.
func TestSchoolTotalsAgreeWithReports(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := config.Default()
	year := cfg.Campaign.SchoolYear
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := New(cfg, st, st.Now, nil)
	rng := rand.New(rand.NewPCG(15, 9))
	weeks := []string{"2026-W40", "2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"}
	areaPaths := [][]string{{"An Giang", "Long Xuyên"}, {"An Giang", "Châu Đốc"}, {"Bạc Liêu", "Giá Rai"}}
	// The roster: per school, per class, a list of pupils (some classes counted by the teacher,
	// without a list).
	type class struct {
		area             []string
		school, name     string
		enrolment, pupil int // pupil: how many pupils on its list, 0 = none
	}
	var classes []class
	for a, path := range areaPaths {
		for sc := range 3 {
			for c := range 2 + rng.IntN(3) {
				cl := class{area: path, school: fmt.Sprintf("Trường %d-%d", a, sc), name: fmt.Sprintf("%dA%d", 6+c, sc), enrolment: 5 + rng.IntN(30)}
				if rng.IntN(2) == 0 {
					cl.pupil = cl.enrolment
				}
				classes = append(classes, cl)
			}
		}
	}
	imports := 0
	importRoster := func(week string) {
		t.Helper()
		var rows []roster.Row
		for _, c := range classes {
			if c.pupil == 0 {
				rows = append(rows, roster.Row{Area: c.area, School: c.school, Class: c.name, Enrolment: c.enrolment, TeacherName: "Cô Lan"})
				continue
			}
			for n := 1; n <= c.pupil; n++ {
				rows = append(rows, roster.Row{Area: c.area, School: c.school, Class: c.name, Enrolment: c.pupil, TeacherName: "Cô Lan",
					StudentName: fmt.Sprintf("Học Sinh %d Lần %d", n, imports*n%3), StudentNo: n})
			}
		}
		if _, err := roster.Import(ctx, st, year, rows, roster.RecountWeek(week)); err != nil {
			t.Fatal(err)
		}
		imports++
	}
	importRoster(weeks[len(weeks)-1])
	var ids []int64
	if err := st.View(ctx, func(tx *storage.Tx) error {
		for _, top := range []string{"An Giang", "Bạc Liêu"} {
			cs, err := tx.ClassesUnder(ctx, top, year)
			if err != nil {
				return err
			}
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	check := func(step string) {
		t.Helper()
		err := st.View(ctx, func(tx *storage.Tx) error {
			for _, path := range []string{"An Giang", "An Giang / Long Xuyên", "Bạc Liêu"} {
				for _, week := range append(weeks, "2026-W39", "2026-W50") {
					f, err := s.loadFigures(ctx, tx, path, week)
					if err != nil {
						return err
					}
					want, err := s.areaBoardOf(f, path)
					if err != nil {
						return err
					}
					tf, err := s.loadSchoolTotals(ctx, tx, path, week)
					if err != nil {
						return err
					}
					got, err := s.areaBoardOf(tf, path)
					if err != nil {
						return err
					}
					if len(want.Units) == 0 || !reflect.DeepEqual(got.Units, want.Units) {
						t.Errorf("%s: %s %s:\nkept sums %+v\nreports   %+v", step, path, week, got.Units, want.Units)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check("imported")
	for i := range 80 {
		var step string
		switch k := rng.IntN(10); {
		case k < 6: // a report, or a correction of one
			c, week := ids[rng.IntN(len(ids))], weeks[rng.IntN(len(weeks))]
			err = st.Update(ctx, func(tx *storage.Tx) error {
				e := 1 + rng.IntN(40)
				through := rng.IntN(e + 1)
				_, err := tx.InsertReport(ctx, storage.Report{ClassID: c, Week: week, Enrolment: e, ThroughSchool: through, Other: rng.IntN(e - through + 1), Source: storage.SourceMessage})
				return err
			})
			step = fmt.Sprintf("report of class %d in %s", c, week)
		case k < 7: // an enrolment given with a report
			c := ids[rng.IntN(len(ids))]
			err = st.Update(ctx, func(tx *storage.Tx) error { return tx.SetEnrolment(ctx, c, 1+rng.IntN(40)) })
			step = fmt.Sprintf("enrolment of class %d", c)
		default: // a roster re-import: pupils leave or join, enrolments change, a class is added
			for j := range classes {
				switch rng.IntN(4) {
				case 0:
					if classes[j].pupil > 1 {
						classes[j].pupil--
					}
				case 1:
					if classes[j].pupil > 0 {
						classes[j].pupil++
					} else {
						classes[j].enrolment = 5 + rng.IntN(30)
					}
				}
			}
			if rng.IntN(2) == 0 {
				classes = append(classes, class{area: areaPaths[0], school: "Trường 0-0", name: fmt.Sprintf("9B%d", i), enrolment: 12, pupil: 3})
			}
			importRoster(weeks[rng.IntN(len(weeks))])
			step = "re-import"
		}
		if err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("step %d, %s", i, step))
	}
}

// TestSchoolTotalsAfterBulkLoad: the sums kept while a generated country is bulk-loaded
// give the same boards as the classes' own reports, for every province and several weeks.
func TestSchoolTotalsAfterBulkLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := config.Default()
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	spec := synth.National(3, "2026-W47")
	spec.Provinces, spec.CommunesPerProv, spec.SchoolsPerCommune, spec.ClassesPerSchool, spec.Weeks = 2, 2, 3, 4, 4
	spec.SchoolYear = cfg.Campaign.SchoolYear
	if _, err := synth.Generate(ctx, st, spec, cfg.Location()); err != nil {
		t.Fatal(err)
	}
	s := New(cfg, st, st.Now, nil)
	err = st.View(ctx, func(tx *storage.Tx) error {
		tops, err := tx.TopAreas(ctx)
		if err != nil || len(tops) != 2 {
			t.Fatalf("top areas %+v, %v", tops, err)
		}
		for _, a := range tops {
			for _, week := range []string{"2026-W43", "2026-W44", "2026-W46", "2026-W47", "2026-W48"} {
				f, err := s.loadFigures(ctx, tx, a.Path, week)
				if err != nil {
					return err
				}
				want, err := s.areaBoardOf(f, a.Path)
				if err != nil {
					return err
				}
				tf, err := s.loadSchoolTotals(ctx, tx, a.Path, week)
				if err != nil {
					return err
				}
				got, err := s.areaBoardOf(tf, a.Path)
				if err != nil {
					return err
				}
				if len(want.Units) == 0 || !reflect.DeepEqual(got.Units, want.Units) {
					t.Errorf("%s %s:\nkept sums %+v\nreports   %+v", a.Path, week, got.Units, want.Units)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
