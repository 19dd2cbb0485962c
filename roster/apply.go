package roster

import (
	"context"
	"fmt"
	"strings"

	"github.com/bhytbot/bhytbot/storage"
)

// Counts is what an import did to one kind of row.
type Counts struct{ Added, Updated, Unchanged int }

// Summary is what an import did.
type Summary struct {
	Areas, Schools, Classes, Pupils Counts
}

// String is the summary printed by `bhytbot import`, in Vietnamese.
func (s Summary) String() string {
	line := func(name string, c Counts) string {
		return fmt.Sprintf("%-10s thêm %d, cập nhật %d, không đổi %d\n", name, c.Added, c.Updated, c.Unchanged)
	}
	return line("Khu vực:", s.Areas) + line("Trường:", s.Schools) + line("Lớp:", s.Classes) + line("Học sinh:", s.Pupils)
}

// Import writes validated rows for a school year in one transaction.
func Import(ctx context.Context, st *storage.Store, year string, rows []Row) (Summary, error) {
	var sum Summary
	err := st.Update(ctx, func(tx *storage.Tx) error {
		sum = Summary{}
		areas := map[string]int64{}
		schools := map[string]int64{}
		classes := map[classKey]int64{}
		roster := map[classKey]bool{}
		paths := map[string]bool{}
		for _, r := range rows {
			if r.StudentNo != 0 {
				roster[keyOf(r)] = true
			}
		}
		count := func(c *Counts, ch storage.Change) {
			switch ch {
			case storage.Added:
				c.Added++
			case storage.Updated:
				c.Updated++
			default:
				c.Unchanged++
			}
		}
		for _, r := range rows {
			k := keyOf(r)
			areaID, ok := areas[k.area]
			if !ok {
				id, added, err := tx.EnsureArea(ctx, r.Area)
				if err != nil {
					return err
				}
				areaID, areas[k.area] = id, id
				sum.Areas.Added += added
				for i := range r.Area {
					paths[strings.Join(r.Area[:i+1], storage.PathSep)] = true
				}
			}
			schoolKey := k.area + "\x00" + k.school
			schoolID, ok := schools[schoolKey]
			if !ok {
				id, added, err := tx.EnsureSchool(ctx, areaID, r.School)
				if err != nil {
					return err
				}
				schoolID, schools[schoolKey] = id, id
				count(&sum.Schools, map[bool]storage.Change{true: storage.Added, false: storage.Unchanged}[added])
			}
			classID, ok := classes[k]
			if !ok {
				id, ch, err := tx.UpsertClass(ctx, storage.Class{SchoolID: schoolID, SchoolYear: year, Name: r.Class,
					Enrolment: r.Enrolment, TeacherName: r.TeacherName, HasRoster: roster[k]})
				if err != nil {
					return err
				}
				classID, classes[k] = id, id
				count(&sum.Classes, ch)
			}
			if r.StudentNo != 0 {
				_, ch, err := tx.UpsertStudent(ctx, classID, r.StudentNo, r.StudentName)
				if err != nil {
					return err
				}
				count(&sum.Pupils, ch)
			}
		}
		sum.Areas.Unchanged = len(paths) - sum.Areas.Added
		return tx.Audit(ctx, 0, "import", fmt.Sprintf("%d rows, %+v", len(rows), sum))
	})
	if err != nil {
		return Summary{}, fmt.Errorf("roster: import: %w", err)
	}
	return sum, nil
}
