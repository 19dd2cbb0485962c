package roster

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/storage"
)

// Counts is what an import did to one kind of row. Retired and Restored are for pupils only.
type Counts struct{ Added, Updated, Unchanged, Retired, Restored int }

// ChangeKind says how a pupil already known moved on the roster.
type ChangeKind string

// How a known pupil can change in an import.
const (
	// Retired: the class is in the file but the pupil is not.
	Retired ChangeKind = "retired"
	// Restored: a retired pupil is listed again.
	Restored ChangeKind = "restored"
	// Renamed: the same pupil with the name typed differently (case, spacing, diacritics).
	Renamed ChangeKind = "renamed"
	// Renumbered: the same pupil at another number.
	Renumbered ChangeKind = "renumbered"
)

// PupilChange is one known pupil whose place on the roster an import changed, with the
// parents linked to them, so that no link moves or goes quiet without the operator seeing it.
type PupilChange struct {
	Kind      ChangeKind
	Class     string // "Trường THCS Mỹ Tú / 6A"
	StudentID int64
	Name      string // as stored after the import
	OldName   string
	Number    int // after the import (a retired pupil: the number they last held)
	OldNumber int
	Parents   []storage.User
}

// String is the change in one line for the operator who ran the import.
func (c PupilChange) String() string {
	var b strings.Builder
	b.WriteString(c.Class)
	b.WriteString(": ")
	switch c.Kind {
	case Retired:
		fmt.Fprintf(&b, "%s (no. %d) is no longer on the list and no longer counted", c.Name, c.Number)
	case Restored:
		fmt.Fprintf(&b, "%s is back on the list as no. %d", c.Name, c.Number)
		if c.OldName != c.Name {
			fmt.Fprintf(&b, " (formerly spelt %s)", c.OldName)
		}
	case Renamed:
		fmt.Fprintf(&b, "no. %d respelt: %s → %s", c.OldNumber, c.OldName, c.Name)
		if c.Number != c.OldNumber {
			fmt.Fprintf(&b, ", no. %d → %d", c.OldNumber, c.Number)
		}
	case Renumbered:
		fmt.Fprintf(&b, "%s renumbered %d → %d", c.Name, c.OldNumber, c.Number)
	}
	if len(c.Parents) > 0 {
		names := make([]string, len(c.Parents))
		for i, u := range c.Parents {
			names[i] = parentLabel(u)
		}
		fmt.Fprintf(&b, "; linked parents: %s", strings.Join(names, ", "))
		switch c.Kind {
		case Retired:
			b.WriteString(" (no longer messaged about this pupil)")
		case Restored:
			b.WriteString(" (messaged about this pupil again)")
		default:
			b.WriteString(" (still follow this same pupil)")
		}
	}
	return b.String()
}

func parentLabel(u storage.User) string {
	id := "id " + strconv.FormatInt(u.ID, 10)
	if u.Name == "" {
		return id
	}
	return u.Name + " (" + id + ")"
}

// Summary is what an import did.
type Summary struct {
	Areas, Schools, Classes, Pupils Counts
	// Changes lists every pupil retired, restored or renamed, and every renumbered pupil
	// who has a parent linked, in file order.
	Changes []PupilChange
	// Recounted is the number of classes whose figure of the week was counted again from
	// the new roster (see RecountWeek).
	Recounted int
}

// Option changes what Import does.
type Option func(*options)

type options struct{ week string }

// RecountWeek makes Import append a report counted from the new roster to every class
// whose list of pupils changed and that already has a report in week (the current week):
// the class's figure then leaves out retired pupils and counts new ones at once, not at
// the teacher's next mark. A class with no report that week is left unreported.
func RecountWeek(week string) Option { return func(o *options) { o.week = week } }

// String is the summary printed by `bhytbot import` (the operator's CLI speaks English).
func (s Summary) String() string {
	var b strings.Builder
	for _, l := range []struct {
		name string
		c    Counts
	}{{"areas", s.Areas}, {"schools", s.Schools}, {"classes", s.Classes}} {
		fmt.Fprintf(&b, "  %-8s added %d, updated %d, unchanged %d\n", l.name, l.c.Added, l.c.Updated, l.c.Unchanged)
	}
	fmt.Fprintf(&b, "  %-8s added %d, updated %d, unchanged %d, retired %d, back %d\n", "pupils",
		s.Pupils.Added, s.Pupils.Updated, s.Pupils.Unchanged, s.Pupils.Retired, s.Pupils.Restored)
	if s.Recounted > 0 {
		fmt.Fprintf(&b, "This week's figure was recounted from the new list for %d class(es).\n", s.Recounted)
	}
	if len(s.Changes) > 0 {
		b.WriteString("Changes to known pupils:\n")
		for _, c := range s.Changes {
			b.WriteString("- " + c.String() + "\n")
		}
	}
	return b.String()
}

// Import writes validated rows for a school year in one transaction. A class in the file
// gets exactly the pupils the file lists: each is matched to a pupil the class already has
// by name (see matchPupils), so a pupil keeps their card status and parent links whatever
// their number; a pupil the file leaves out is retired. Classes not in the file are not
// touched.
func Import(ctx context.Context, st *storage.Store, year string, rows []Row, opts ...Option) (Summary, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var sum Summary
	err := st.Update(ctx, func(tx *storage.Tx) error {
		sum = Summary{}
		areas := map[string]int64{}
		schools := map[string]int64{}
		classes := map[classKey]int64{}
		var order []classKey
		labels := map[classKey]string{}
		pupils := map[classKey][]Row{}
		paths := map[string]bool{}
		for _, r := range rows {
			if r.StudentNo != 0 {
				pupils[keyOf(r)] = append(pupils[keyOf(r)], r)
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
			if _, ok := classes[k]; !ok {
				id, ch, err := tx.UpsertClass(ctx, storage.Class{SchoolID: schoolID, SchoolYear: year, Name: r.Class,
					Enrolment: r.Enrolment, TeacherName: r.TeacherName, HasRoster: len(pupils[k]) > 0})
				if err != nil {
					return err
				}
				classes[k] = id
				order = append(order, k)
				labels[k] = r.School + " / " + r.Class
				count(&sum.Classes, ch)
			}
		}
		for _, k := range order {
			changed, err := applyPupils(ctx, tx, classes[k], labels[k], pupils[k], &sum)
			if err != nil {
				return err
			}
			if changed && o.week != "" {
				if err := recount(ctx, tx, classes[k], o.week, &sum); err != nil {
					return err
				}
			}
		}
		sum.Areas.Unchanged = len(paths) - sum.Areas.Added
		return tx.Audit(ctx, 0, "import", fmt.Sprintf("%d rows, areas %+v, schools %+v, classes %+v, pupils %+v, %d pupil changes",
			len(rows), sum.Areas, sum.Schools, sum.Classes, sum.Pupils, len(sum.Changes)))
	})
	if err != nil {
		return Summary{}, fmt.Errorf("roster: import: %w", err)
	}
	return sum, nil
}

// recount appends a roster report for the week if the class has one in it already.
func recount(ctx context.Context, tx *storage.Tx, classID int64, week string, sum *Summary) error {
	last, err := tx.LatestReport(ctx, classID, week)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && last.Week != week) {
		return nil
	}
	if err != nil {
		return err
	}
	total, school, other, err := tx.RosterCounts(ctx, classID)
	if err != nil || total == 0 {
		return err // a class now without a list is reported by count, by its teacher
	}
	r := storage.Report{ClassID: classID, Week: week, Enrolment: total, ThroughSchool: school, Other: other, Source: storage.SourceRoster}
	id, err := tx.InsertReport(ctx, r)
	if err != nil {
		return err
	}
	sum.Recounted++
	return tx.Audit(ctx, 0, "report", fmt.Sprintf("report=%d class=%d week=%s enrolment=%d school=%d other=%d source=import", id, classID, week, total, school, other))
}

// applyPupils makes the class's roster the file's list: matched pupils move to their
// number and spelling (a retired one comes back), unmatched known pupils are retired, and
// the rest are added. The order frees numbers before they are taken. It reports whether
// the set of pupils on the roster changed.
func applyPupils(ctx context.Context, tx *storage.Tx, classID int64, label string, file []Row, sum *Summary) (bool, error) {
	before := sum.Pupils
	changed := func() bool {
		return sum.Pupils.Added != before.Added || sum.Pupils.Retired != before.Retired || sum.Pupils.Restored != before.Restored
	}
	known, err := tx.ClassRoster(ctx, classID)
	if err != nil {
		return false, err
	}
	match := matchPupils(known, file)
	matched := make([]bool, len(known))
	var (
		places  []storage.Placement
		changes []PupilChange
	)
	for i, r := range file {
		j := match[i]
		if j < 0 {
			continue
		}
		matched[j] = true
		p := known[j]
		name := spelling(p.Name, r.StudentName)
		c := PupilChange{Class: label, StudentID: p.ID, Name: name, OldName: p.Name, Number: r.StudentNo, OldNumber: p.Number}
		switch {
		case p.Retired:
			c.Kind = Restored
			sum.Pupils.Restored++
		case p.Name != name:
			c.Kind = Renamed
			sum.Pupils.Updated++
		case p.Number != r.StudentNo:
			c.Kind = Renumbered
			sum.Pupils.Updated++
		default:
			sum.Pupils.Unchanged++
			continue
		}
		places = append(places, storage.Placement{ID: p.ID, Number: r.StudentNo, Name: name})
		changes = append(changes, c)
	}
	var retire []int64
	var retired []PupilChange
	for j, p := range known {
		if matched[j] || p.Retired {
			continue
		}
		retire = append(retire, p.ID)
		retired = append(retired, PupilChange{Kind: Retired, Class: label, StudentID: p.ID, Name: p.Name, OldName: p.Name, Number: p.Number, OldNumber: p.Number})
		sum.Pupils.Retired++
	}
	if err := tx.RetireStudents(ctx, retire...); err != nil {
		return false, err
	}
	if err := tx.PlaceStudents(ctx, places); err != nil {
		return false, err
	}
	for i, r := range file {
		if match[i] >= 0 {
			continue
		}
		if _, err := tx.InsertStudent(ctx, classID, r.StudentNo, r.StudentName); err != nil {
			return false, err
		}
		sum.Pupils.Added++
	}
	if len(retired)+len(changes) == 0 {
		return changed(), nil
	}
	parents, err := tx.ParentsInClass(ctx, classID)
	if err != nil {
		return false, err
	}
	for _, c := range append(retired, changes...) {
		c.Parents = parents[c.StudentID]
		if c.Kind == Renumbered && len(c.Parents) == 0 {
			continue // nobody follows this child by a link; the count says it moved
		}
		sum.Changes = append(sum.Changes, c)
		if err := tx.Audit(ctx, 0, "import_pupil", fmt.Sprintf("student=%d class=%d %s: %s", c.StudentID, classID, c.Kind, c)); err != nil {
			return false, err
		}
	}
	return changed(), nil
}
