package roster

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

// sameCounts compares what two imports did, row kind by row kind.
func sameCounts(a, b Summary) bool {
	return a.Areas == b.Areas && a.Schools == b.Schools && a.Classes == b.Classes && a.Pupils == b.Pupils
}

// classCSV is a roster file of class 6A with the given pupils, numbered from 1.
func classCSV(names ...string) string {
	var b strings.Builder
	b.WriteString(header)
	for i, n := range names {
		fmt.Fprintf(&b, "Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,%d,Nguyễn Thị Lan,%s,%d\n", len(names), n, i+1)
	}
	return b.String()
}

type pupilFixture struct {
	t     *testing.T
	ctx   context.Context
	st    *storage.Store
	class int64
}

func newPupilFixture(t *testing.T, names ...string) *pupilFixture {
	t.Helper()
	f := &pupilFixture{t: t, ctx: context.Background(), st: openStore(t)}
	f.mustImport(classCSV(names...))
	f.view(func(tx *storage.Tx) error {
		cls, err := tx.ClassesUnder(f.ctx, "Sóc Trăng", "2025-2026")
		if err != nil || len(cls) != 1 {
			t.Fatalf("classes: %v %v", cls, err)
		}
		f.class = cls[0].ID
		return nil
	})
	return f
}

func (f *pupilFixture) mustImport(csv string) Summary {
	f.t.Helper()
	sum, err := importCSV(f.t, f.st, csv)
	if err != nil {
		f.t.Fatal(err)
	}
	return sum
}

func (f *pupilFixture) view(fn func(tx *storage.Tx) error) {
	f.t.Helper()
	if err := f.st.View(f.ctx, fn); err != nil {
		f.t.Fatal(err)
	}
}

func (f *pupilFixture) update(fn func(tx *storage.Tx) error) {
	f.t.Helper()
	if err := f.st.Update(f.ctx, fn); err != nil {
		f.t.Fatal(err)
	}
}

// pupil is the active pupil at a number.
func (f *pupilFixture) pupil(number int) storage.Student {
	f.t.Helper()
	var found storage.Student
	f.view(func(tx *storage.Tx) error {
		ps, err := tx.StudentsOfClass(f.ctx, f.class)
		for _, p := range ps {
			if p.Number == number {
				found = p
			}
		}
		return err
	})
	if found.ID == 0 {
		f.t.Fatalf("no pupil %d", number)
	}
	return found
}

// roster is the class's active roster as "number name status" lines.
func (f *pupilFixture) roster() string {
	f.t.Helper()
	var lines []string
	f.view(func(tx *storage.Tx) error {
		ps, err := tx.StudentsOfClass(f.ctx, f.class)
		for _, p := range ps {
			lines = append(lines, fmt.Sprintf("%d %s %s", p.Number, p.Name, p.Status))
		}
		return err
	})
	return strings.Join(lines, "; ")
}

// linkParent makes user id the parent of the pupil.
func (f *pupilFixture) linkParent(user int64, name string, pupil int64) {
	f.t.Helper()
	f.update(func(tx *storage.Tx) error {
		if err := tx.TouchUser(f.ctx, storage.User{ID: user, ChatID: user, Name: name}); err != nil {
			return err
		}
		return tx.GrantRole(f.ctx, user, storage.RoleParent, storage.Scope{StudentID: pupil})
	})
}

func (f *pupilFixture) setStatus(pupil int64, status string) {
	f.t.Helper()
	f.update(func(tx *storage.Tx) error { return tx.SetStudentStatus(f.ctx, pupil, status) })
}

// childOf is the pupil the user's parent grant points at.
func (f *pupilFixture) childOf(user int64) storage.Student {
	f.t.Helper()
	var s storage.Student
	f.view(func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(f.ctx, user)
		if err != nil || len(roles) != 1 {
			f.t.Fatalf("roles of %d: %+v %v", user, roles, err)
		}
		s, err = tx.StudentByID(f.ctx, roles[0].StudentID)
		return err
	})
	return s
}

// reminded lists the parents the parent reminder would write to, with their child.
func (f *pupilFixture) reminded() string {
	f.t.Helper()
	var out []string
	f.view(func(tx *storage.Tx) error {
		return tx.EachRoleHolder(f.ctx, storage.RoleParent, "2025-2026", "", func(h storage.RoleHolder) error {
			out = append(out, fmt.Sprintf("%d:%s", h.UserID, h.StudentName))
			return nil
		})
	})
	return strings.Join(out, " ")
}

func (f *pupilFixture) counts() (total, school, other int) {
	f.t.Helper()
	f.view(func(tx *storage.Tx) (err error) {
		total, school, other, err = tx.RosterCounts(f.ctx, f.class)
		return err
	})
	return
}

// The reproduction: pupil 1 leaves and the office renumbers the rest. Before, the rows
// were renamed in place, so pupil 1's parent saw pupil 2's name with pupil 1's card status
// and the departed pupil still counted.
func TestReimportDropFirstPupilAndRenumber(t *testing.T) {
	f := newPupilFixture(t, "Trần Văn An", "Lê Thị Bình", "Phạm Minh Châu")
	an, binh := f.pupil(1), f.pupil(2)
	f.setStatus(an.ID, storage.StatusSchool)
	f.setStatus(binh.ID, storage.StatusOther)
	f.linkParent(101, "Mẹ An", an.ID)
	f.linkParent(102, "Bố Bình", binh.ID)

	sum := f.mustImport(classCSV("Lê Thị Bình", "Phạm Minh Châu"))

	if got := f.childOf(101); got.ID != an.ID || got.Name != "Trần Văn An" || got.Status != storage.StatusSchool || !got.Retired {
		t.Errorf("pupil 1's parent now sees %+v, want Trần Văn An, school, retired", got)
	}
	if got := f.childOf(102); got.ID != binh.ID || got.Name != "Lê Thị Bình" || got.Number != 1 || got.Status != storage.StatusOther {
		t.Errorf("pupil 2's parent now sees %+v, want Lê Thị Bình at number 1, other", got)
	}
	if got, want := f.roster(), "1 Lê Thị Bình other; 2 Phạm Minh Châu uninsured"; got != want {
		t.Errorf("roster %q, want %q", got, want)
	}
	if total, school, other := f.counts(); total != 2 || school != 0 || other != 1 {
		t.Errorf("counts %d %d %d, want 2 0 1: the departed pupil still counts", total, school, other)
	}
	if got := f.reminded(); got != "102:Lê Thị Bình" {
		t.Errorf("parent reminder grants %q, want only 102:Lê Thị Bình: the departed pupil's parent is still reminded", got)
	}
	want := Counts{Updated: 2, Retired: 1}
	if sum.Pupils != want {
		t.Errorf("pupils %+v, want %+v", sum.Pupils, want)
	}
	text := sum.String()
	for _, s := range []string{
		"Trường THCS Mỹ Tú / 6A: Trần Văn An (no. 1) is no longer on the list and no longer counted; linked parents: Mẹ An (id 101) (no longer messaged about this pupil)",
		"Lê Thị Bình renumbered 2 → 1; linked parents: Bố Bình (id 102) (still follow this same pupil)",
		"retired 1, back 0",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("summary lacks %q:\n%s", s, text)
		}
	}
	if strings.Contains(text, "Phạm Minh Châu") {
		t.Errorf("summary lists a renumbered pupil nobody is linked to:\n%s", text)
	}
}

func TestReimportSwapNumbers(t *testing.T) {
	f := newPupilFixture(t, "Trần Văn An", "Lê Thị Bình", "Phạm Minh Châu")
	an, binh := f.pupil(1), f.pupil(2)
	f.setStatus(an.ID, storage.StatusSchool)
	f.linkParent(101, "Mẹ An", an.ID)

	sum := f.mustImport(classCSV("Lê Thị Bình", "Trần Văn An", "Phạm Minh Châu"))

	if got := f.pupil(2); got.ID != an.ID || got.Status != storage.StatusSchool {
		t.Errorf("number 2 is %+v, want Trần Văn An (id %d) with her card", got, an.ID)
	}
	if got := f.pupil(1); got.ID != binh.ID {
		t.Errorf("number 1 is %+v, want Lê Thị Bình (id %d)", got, binh.ID)
	}
	if want := (Counts{Updated: 2, Unchanged: 1}); sum.Pupils != want {
		t.Errorf("pupils %+v, want %+v", sum.Pupils, want)
	}
	if len(sum.Changes) != 1 || sum.Changes[0].StudentID != an.ID || sum.Changes[0].Kind != Renumbered {
		t.Errorf("changes %+v, want An's renumbering (she has a parent)", sum.Changes)
	}
}

// A number that now holds another name is a new pupil: the card status and the parent
// link stay with the child who left.
func TestReimportRenamedNumberIsNewPupil(t *testing.T) {
	f := newPupilFixture(t, "Trần Văn An", "Lê Thị Bình")
	an := f.pupil(1)
	f.setStatus(an.ID, storage.StatusSchool)
	f.linkParent(101, "Mẹ An", an.ID)

	sum := f.mustImport(classCSV("Đỗ Quốc Dũng", "Lê Thị Bình"))

	dung := f.pupil(1)
	if dung.ID == an.ID || dung.Name != "Đỗ Quốc Dũng" || dung.Status != storage.StatusUninsured {
		t.Errorf("number 1 is %+v, want a new uninsured pupil", dung)
	}
	if got := f.childOf(101); got.ID != an.ID || got.Name != "Trần Văn An" || !got.Retired {
		t.Errorf("An's parent sees %+v", got)
	}
	if want := (Counts{Added: 1, Unchanged: 1, Retired: 1}); sum.Pupils != want {
		t.Errorf("pupils %+v, want %+v", sum.Pupils, want)
	}
}

// The same child with the name retyped in capitals, with other spacing or other
// diacritics keeps their row; the new spelling is stored and listed. A file that only
// drops the diacritics keeps the stored spelling.
func TestReimportRetypedNameIsSamePupil(t *testing.T) {
	f := newPupilFixture(t, "Trần Văn An", "Lê Thị Bình")
	an, binh := f.pupil(1), f.pupil(2)
	f.linkParent(101, "Mẹ An", an.ID)

	sum := f.mustImport(classCSV("LE THI BINH", "Trần  Văn Ân"))

	if got := f.pupil(2); got.ID != an.ID || got.Name != "Trần Văn Ân" {
		t.Errorf("number 2 is %+v, want An's row (id %d) with the new spelling", got, an.ID)
	}
	if got := f.pupil(1); got.ID != binh.ID || got.Name != "Lê Thị Bình" {
		t.Errorf("number 1 is %+v, want Bình's row (id %d) with her diacritics kept", got, binh.ID)
	}
	if want := (Counts{Updated: 2}); sum.Pupils != want {
		t.Errorf("pupils %+v, want %+v", sum.Pupils, want)
	}
	if text := sum.String(); !strings.Contains(text, "no. 1 respelt: Trần Văn An → Trần Văn Ân, no. 1 → 2; linked parents: Mẹ An (id 101)") {
		t.Errorf("summary:\n%s", text)
	}
	if again := f.mustImport(classCSV("LE THI BINH", "Trần  Văn Ân")); again.Pupils != (Counts{Unchanged: 2}) {
		t.Errorf("same file again: %+v", again.Pupils)
	}
}

func TestReimportRetiredPupilReappears(t *testing.T) {
	f := newPupilFixture(t, "Trần Văn An", "Lê Thị Bình")
	an := f.pupil(1)
	f.setStatus(an.ID, storage.StatusOther)
	f.linkParent(101, "Mẹ An", an.ID)
	f.mustImport(classCSV("Lê Thị Bình"))
	if got := f.reminded(); strings.Contains(got, "101") {
		t.Fatalf("retired pupil's parent in the reminder: %q", got)
	}

	sum := f.mustImport(classCSV("Lê Thị Bình", "Trần Văn An"))

	if got := f.pupil(2); got.ID != an.ID || got.Status != storage.StatusOther || got.Retired {
		t.Errorf("number 2 is %+v, want An back (id %d) with her status", got, an.ID)
	}
	if want := (Counts{Unchanged: 1, Restored: 1}); sum.Pupils != want {
		t.Errorf("pupils %+v, want %+v", sum.Pupils, want)
	}
	if !strings.Contains(sum.String(), "Trần Văn An is back on the list as no. 2; linked parents: Mẹ An (id 101) (messaged about this pupil again)") {
		t.Errorf("summary:\n%s", sum)
	}
	if total, _, other := f.counts(); total != 2 || other != 1 {
		t.Errorf("counts %d, other %d", total, other)
	}
}

func TestReimportSameFileChangesNothing(t *testing.T) {
	f := newPupilFixture(t, "Trần Văn An", "Lê Thị Bình", "Phạm Minh Châu")
	f.mustImport(classCSV("Lê Thị Bình", "Phạm Minh Châu"))
	before := f.roster()
	for range 2 {
		sum := f.mustImport(classCSV("Lê Thị Bình", "Phạm Minh Châu"))
		if want := (Counts{Unchanged: 2}); sum.Pupils != want || len(sum.Changes) != 0 || sum.Classes != (Counts{Unchanged: 1}) {
			t.Errorf("re-import: %+v", sum)
		}
	}
	if after := f.roster(); after != before {
		t.Errorf("roster %q became %q", before, after)
	}
}

// A class written as one count row now has no pupil list: its pupils are retired, the
// parents listed.
func TestReimportClassWithoutListRetiresItsPupils(t *testing.T) {
	f := newPupilFixture(t, "Trần Văn An", "Lê Thị Bình")
	f.linkParent(101, "Mẹ An", f.pupil(1).ID)
	sum := f.mustImport(header + "Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,40,Nguyễn Thị Lan,,\n")
	if want := (Counts{Retired: 2}); sum.Pupils != want {
		t.Errorf("pupils %+v, want %+v", sum.Pupils, want)
	}
	if total, _, _ := f.counts(); total != 0 {
		t.Errorf("%d pupils still count", total)
	}
	if len(sum.Changes) != 2 || len(sum.Changes[0].Parents) != 1 {
		t.Errorf("changes %+v", sum.Changes)
	}
}

// Two children of one name in a class are told apart by number.
func TestMatchPupilsSameNameByNumber(t *testing.T) {
	known := []storage.Student{
		{ID: 1, Number: 4, Name: "Nguyễn Văn An"},
		{ID: 2, Number: 9, Name: "Nguyễn Văn An"},
		{ID: 3, Number: 5, Name: "Lê Thị Hà"},
		{ID: 4, Number: 6, Name: "Lê Thị Hạ"},
		{ID: 5, Number: 2, Name: "Trần Bình", Retired: true},
		{ID: 6, Number: 7, Name: "Trần Bình"},
	}
	file := []Row{
		{StudentNo: 8, StudentName: "Nguyễn Văn An"}, // nearer 9 than 4
		{StudentNo: 3, StudentName: "Nguyễn Văn An"},
		{StudentNo: 6, StudentName: "Lê Thị Hà"}, // exact name beats the number of Hạ
		{StudentNo: 2, StudentName: "Tran Binh"}, // the active one before the retired one
		{StudentNo: 1, StudentName: "Lê Thị Hạ"},
	}
	got := matchPupils(known, file)
	want := []int{1, 0, 2, 5, 3}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("match %v, want %v", got, want)
	}
}

// With RecountWeek, a class that reported this week gets its figure counted again from
// the new list: the departed pupil's card leaves the week's figure at once.
func TestReimportRecountsTheWeek(t *testing.T) {
	f := newPupilFixture(t, "Trần Văn An", "Lê Thị Bình", "Phạm Minh Châu")
	f.setStatus(f.pupil(1).ID, storage.StatusSchool)
	f.setStatus(f.pupil(2).ID, storage.StatusOther)
	const week = "2026-W10"
	f.update(func(tx *storage.Tx) error {
		_, err := tx.InsertReport(f.ctx, storage.Report{ClassID: f.class, Week: week, Enrolment: 3, ThroughSchool: 1, Other: 1, Source: storage.SourceRoster})
		return err
	})
	latest := func() storage.Report {
		var r storage.Report
		f.view(func(tx *storage.Tx) (err error) { r, err = tx.LatestReport(f.ctx, f.class, week); return err })
		return r
	}
	importWeek := func(csv, week string) Summary {
		t.Helper()
		rows, err := ReadCSV(strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		sum, err := Import(f.ctx, f.st, "2025-2026", rows, RecountWeek(week))
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}

	sum := importWeek(classCSV("Lê Thị Bình", "Phạm Minh Châu"), week)
	if r := latest(); sum.Recounted != 1 || r.Enrolment != 2 || r.ThroughSchool != 0 || r.Other != 1 || r.Source != storage.SourceRoster {
		t.Errorf("recounted %d, latest report %+v, want 2 pupils, 0 through school, 1 other", sum.Recounted, r)
	}
	if !strings.Contains(sum.String(), "recounted from the new list for 1 class") {
		t.Errorf("summary:\n%s", sum)
	}
	if again := importWeek(classCSV("Lê Thị Bình", "Phạm Minh Châu"), week); again.Recounted != 0 {
		t.Errorf("the same file recounted %d classes", again.Recounted)
	}
	// A week the class has not reported stays unreported.
	if later := importWeek(classCSV("Lê Thị Bình"), "2026-W11"); later.Recounted != 0 {
		t.Errorf("a week without a report got one: %+v", later)
	}
}
