// Package synth generates a deterministic, synthetic country for benchmarks and load tests:
// provinces, communes, schools, classes, weeks of reports, officers, principals, teachers and
// parents, written straight into storage.
package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/bhytbot/bhytbot/storage"
)

// Provinces are the 34 provinces and cities after the 1 July 2025 reorganisation.
var Provinces = []string{
	"Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
	"Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
	"Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
	"Đắk Lắk", "TP Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
}

// Spec is the size of the generated country.
type Spec struct {
	Seed               uint64
	Provinces          int // ≤ 34
	CommunesPerProv    int
	SchoolsPerCommune  int
	ClassesPerSchool   int
	Weeks              int    // weeks of report history, ending with LastWeek
	LastWeek           string // ISO week of the newest reports
	ParentsPerClass    int
	SchoolYear         string
	ReportProbability  float64 // chance a class reports in a given week
	UnderHalfFraction  float64 // share of schools with low coverage
	BatchRowsPerCommit int
}

// National is the whole country: 34 provinces, 3,332 communes, 49,980 schools, 499,800
// classes, 12 weeks of reports (≈ 6M rows), 500,000 parents.
func National(seed uint64, lastWeek string) Spec {
	return Spec{Seed: seed, Provinces: 34, CommunesPerProv: 98, SchoolsPerCommune: 15, ClassesPerSchool: 10,
		Weeks: 12, LastWeek: lastWeek, ParentsPerClass: 1, SchoolYear: "2025-2026",
		ReportProbability: 0.98, UnderHalfFraction: 0.08, BatchRowsPerCommit: 200_000}
}

// Totals is what a Spec produces.
type Totals struct {
	Areas, Schools, Classes, Reports, Users, Roles int
}

func (s Spec) String() string {
	return fmt.Sprintf("%d provinces × %d communes × %d schools × %d classes, %d weeks to %s, %d parents/class, seed %d",
		s.Provinces, s.CommunesPerProv, s.SchoolsPerCommune, s.ClassesPerSchool, s.Weeks, s.LastWeek, s.ParentsPerClass, s.Seed)
}

// User id ranges by role; a user's private chat id equals their id.
const (
	OfficerIDBase   = 1_000_000_000
	PrincipalIDBase = 2_000_000_000
	TeacherIDBase   = 3_000_000_000
	ParentIDBase    = 4_000_000_000
)

// Generate writes the country into an empty database. It commits every
// BatchRowsPerCommit rows so memory stays flat.
func Generate(ctx context.Context, st *storage.Store, spec Spec, loc *time.Location) (Totals, error) {
	if spec.Provinces < 1 || spec.Provinces > len(Provinces) {
		return Totals{}, fmt.Errorf("synth: provinces must be within 1–%d", len(Provinces))
	}
	start, err := storage.WeekStart(spec.LastWeek, loc)
	if err != nil {
		return Totals{}, fmt.Errorf("synth: %w", err)
	}
	weeks := make([]string, spec.Weeks)
	for i := range weeks {
		weeks[i] = storage.WeekOf(start.AddDate(0, 0, -7*(spec.Weeks-1-i)), loc)
	}
	// The per-school sums are computed once at the end rather than kept row by row.
	if err := st.SuspendSchoolSums(ctx); err != nil {
		return Totals{}, fmt.Errorf("synth: %w", err)
	}
	rng := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x9e3779b97f4a7c15))
	var (
		tot     Totals
		pending int
		tx      *storage.BulkTx
		bulk    *storage.Bulk
	)
	begin := func() error {
		var err error
		if tx, err = st.BeginBulk(ctx); err != nil {
			return err
		}
		bulk = tx.Bulk()
		return nil
	}
	finish := func(err error) error {
		bulk.Close()
		if err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	}
	row := func() error {
		pending++
		if pending < spec.BatchRowsPerCommit {
			return nil
		}
		pending = 0
		if err := finish(nil); err != nil {
			return err
		}
		return begin()
	}
	if err := begin(); err != nil {
		return tot, err
	}
	fail := func(err error) (Totals, error) {
		finish(err)
		return tot, err
	}
	var areaID, schoolID, classID int64
	for p := 0; p < spec.Provinces; p++ {
		areaID++
		provID, prov := areaID, Provinces[p]
		if err := bulk.Area(ctx, storage.Area{ID: provID, Name: prov, Path: prov, Level: 0}); err != nil {
			return fail(err)
		}
		tot.Areas++
		if err := addOfficer(ctx, bulk, &tot, provID, "Cán bộ Sở GD&ĐT "+prov); err != nil {
			return fail(err)
		}
		for c := 0; c < spec.CommunesPerProv; c++ {
			areaID++
			commune := fmt.Sprintf("Xã %03d", c+1)
			if err := bulk.Area(ctx, storage.Area{ID: areaID, ParentID: provID, Name: commune, Path: prov + storage.PathSep + commune, Level: 1}); err != nil {
				return fail(err)
			}
			tot.Areas++
			if err := addOfficer(ctx, bulk, &tot, areaID, "Cán bộ "+commune+", "+prov); err != nil {
				return fail(err)
			}
			for s := 0; s < spec.SchoolsPerCommune; s++ {
				schoolID++
				level := []string{"TH", "THCS", "THPT"}[s%3]
				name := fmt.Sprintf("Trường %s Số %d %s", level, s/3+1, commune)
				if err := bulk.School(ctx, storage.School{ID: schoolID, AreaID: areaID, Name: name}); err != nil {
					return fail(err)
				}
				tot.Schools++
				pid := PrincipalIDBase + schoolID
				if err := bulk.User(ctx, pid, "Hiệu trưởng "+name); err != nil {
					return fail(err)
				}
				if err := bulk.Role(ctx, pid, storage.RolePrincipal, storage.Scope{SchoolID: schoolID}); err != nil {
					return fail(err)
				}
				tot.Users++
				tot.Roles++
				base := 0.35 + 0.6*rng.Float64() // where the school ends up
				if rng.Float64() < spec.UnderHalfFraction {
					base = 0.15 + 0.3*rng.Float64()
				}
				for k := 0; k < spec.ClassesPerSchool; k++ {
					classID++
					grade := map[string]int{"TH": 1, "THCS": 6, "THPT": 10}[level] + k/3
					cname := fmt.Sprintf("%d%c", grade, 'A'+rune(k%3))
					enrol := 25 + rng.IntN(21)
					if err := bulk.Class(ctx, storage.Class{ID: classID, SchoolID: schoolID, SchoolYear: spec.SchoolYear, Name: cname, Enrolment: enrol, TeacherName: fmt.Sprintf("GV %s %s", cname, name)}); err != nil {
						return fail(err)
					}
					tot.Classes++
					tid := TeacherIDBase + classID
					if err := bulk.User(ctx, tid, fmt.Sprintf("GVCN %s", cname)); err != nil {
						return fail(err)
					}
					if err := bulk.Role(ctx, tid, storage.RoleTeacher, storage.Scope{ClassID: classID}); err != nil {
						return fail(err)
					}
					tot.Users++
					tot.Roles++
					for q := 0; q < spec.ParentsPerClass; q++ {
						uid := ParentIDBase + classID*int64(spec.ParentsPerClass) + int64(q)
						if err := bulk.User(ctx, uid, "Phụ huynh"); err != nil {
							return fail(err)
						}
						if err := bulk.Role(ctx, uid, storage.RoleParent, storage.Scope{ClassID: classID}); err != nil {
							return fail(err)
						}
						tot.Users++
						tot.Roles++
					}
					for w, week := range weeks {
						if rng.Float64() > spec.ReportProbability {
							continue
						}
						progress := base * (0.55 + 0.45*float64(w+1)/float64(len(weeks)))
						insured := min(enrol, int(float64(enrol)*progress+rng.Float64()*3))
						other := min(insured, int(float64(insured)*(0.1+0.2*rng.Float64())))
						ws, _ := storage.WeekStart(week, loc)
						r := storage.Report{ClassID: classID, Week: week, Enrolment: enrol, ThroughSchool: insured - other, Other: other,
							CreatedAt: ws.Add(time.Duration(24+rng.IntN(96)) * time.Hour)}
						if err := bulk.Report(ctx, r); err != nil {
							return fail(err)
						}
						tot.Reports++
						if err := row(); err != nil {
							return fail(err)
						}
					}
					if err := row(); err != nil {
						return fail(err)
					}
				}
			}
		}
	}
	if err := finish(nil); err != nil {
		return tot, err
	}
	if err := st.ResumeSchoolSums(ctx); err != nil {
		return tot, fmt.Errorf("synth: %w", err)
	}
	return tot, nil
}

func addOfficer(ctx context.Context, b *storage.Bulk, tot *Totals, areaID int64, name string) error {
	id := OfficerIDBase + areaID
	if err := b.User(ctx, id, name); err != nil {
		return err
	}
	tot.Users++
	tot.Roles++
	return b.Role(ctx, id, storage.RoleOfficer, storage.Scope{AreaID: areaID})
}
