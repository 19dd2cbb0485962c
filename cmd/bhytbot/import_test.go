package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// `bhytbot import` of a list without a pupil who left: the summary names the pupil and
// the parent linked to them, and the class's figure of this week is counted again.
func TestImportRetiresAndRecountsThisWeek(t *testing.T) {
	c := newCLI(t)
	const head = "area,school,class,enrolment,teacher_name,student_name,student_no\n"
	write := func(name, body string) string {
		path := filepath.Join(c.dir, name)
		if err := os.WriteFile(path, []byte(head+body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	first := write("r1.csv", "Sóc Trăng,Trường THCS Mỹ Tú,6A,2,Cô Lan,Trần Văn An,1\nSóc Trăng,Trường THCS Mỹ Tú,6A,2,Cô Lan,Lê Thị Bình,2\n")
	if code, out, errs := c.run("", "import", first); code != 0 {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	ctx := context.Background()
	week := storage.WeekOf(time.Now(), config.Default().Location())
	st, err := storage.Open(ctx, filepath.Join(c.dir, "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	var class int64
	err = st.Update(ctx, func(tx *storage.Tx) error {
		cls, err := tx.ClassesUnder(ctx, "Sóc Trăng", config.Default().Campaign.SchoolYear)
		if err != nil {
			return err
		}
		class = cls[0].ID
		pupils, err := tx.StudentsOfClass(ctx, class)
		if err != nil {
			return err
		}
		if err := tx.SetStudentStatus(ctx, pupils[0].ID, storage.StatusSchool); err != nil {
			return err
		}
		if err := tx.TouchUser(ctx, storage.User{ID: 501, ChatID: 501, Name: "Chị Hoa"}); err != nil {
			return err
		}
		if err := tx.GrantRole(ctx, 501, storage.RoleParent, storage.Scope{StudentID: pupils[0].ID}); err != nil {
			return err
		}
		_, err = tx.InsertReport(ctx, storage.Report{ClassID: class, Week: week, Enrolment: 2, ThroughSchool: 1, Source: storage.SourceRoster})
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	second := write("r2.csv", "Sóc Trăng,Trường THCS Mỹ Tú,6A,1,Cô Lan,Lê Thị Bình,1\n")
	code, out, errs := c.run("", "import", second)
	if code != 0 {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	for _, want := range []string{
		"retired 1",
		"Trần Văn An (no. 1) is no longer on the list and no longer counted; linked parents: Chị Hoa (id 501)",
		"recounted from the new list for 1 class",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	st, err = storage.Open(ctx, filepath.Join(c.dir, "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.View(ctx, func(tx *storage.Tx) error {
		r, err := tx.LatestReport(ctx, class, week)
		if err == nil && (r.Enrolment != 1 || r.ThroughSchool != 0) {
			t.Errorf("week %s figure %+v, want 1 pupil, none insured", week, r)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
