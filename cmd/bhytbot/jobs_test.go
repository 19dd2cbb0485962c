package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/xuri/excelize/v2"
)

// seedJobs imports a two-school roster and gives the first school a principal and a report
// in the current week and in 2026-W48.
func seedJobs(t *testing.T, c *cli) {
	t.Helper()
	csv := filepath.Join(c.dir, "roster.csv")
	os.WriteFile(csv, []byte("area,school,class,enrolment,teacher_name,student_name,student_no\n"+
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,42,Cô Lan,,\n"+
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6B,40,Thầy Hùng,,\n"+
		"Sóc Trăng / Long Hưng,Trường TH Long Hưng,1A,35,Cô Mai,,\n"), 0o600)
	if code, out, errs := c.run("", "import", csv); code != 0 {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(c.dir, "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	loc := config.Default().Location()
	err = st.Update(ctx, func(tx *storage.Tx) error {
		schools, err := tx.SchoolsNamed(ctx, "Trường THCS Mỹ Tú")
		if err != nil || len(schools) != 1 {
			t.Fatalf("school: %v %v", schools, err)
		}
		classes, err := tx.ClassesOfSchool(ctx, schools[0].ID, config.Default().Campaign.SchoolYear)
		if err != nil {
			return err
		}
		for _, week := range []string{"2026-W48", storage.WeekOf(time.Now(), loc)} {
			if _, err := tx.InsertReport(ctx, storage.Report{ClassID: classes[0].ID, Week: week, Enrolment: 42, ThroughSchool: 30, Other: 8}); err != nil {
				return err
			}
		}
		if err := tx.TouchUser(ctx, storage.User{ID: 7, ChatID: 7, Name: "Hiệu trưởng"}); err != nil {
			return err
		}
		return tx.GrantRole(ctx, 7, storage.RolePrincipal, storage.Scope{SchoolID: schools[0].ID})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRunJob(t *testing.T) {
	c := newCLI(t)
	seedJobs(t, c)
	code, out, errs := c.run("", "run-job", config.JobPrincipalLeaderboard)
	if code != 0 || !strings.Contains(out, "enqueued 2 messages for 1 recipients") {
		t.Fatalf("run-job: %d %q %q", code, out, errs)
	}
	code, out, _ = c.run("", "run-job", config.JobPrincipalLeaderboard)
	if code != 0 || !strings.Contains(out, "already ran this week; enqueued 0") {
		t.Errorf("second run-job: %d %q", code, out)
	}
	code, out, _ = c.run("", "run-job", "-force", config.JobPrincipalLeaderboard)
	if code != 0 || !strings.Contains(out, "enqueued 0 messages for 1 recipients") {
		t.Errorf("forced run-job: %d %q", code, out)
	}
	code, out, errs = c.run("", "run-job", config.JobPrincipalLeaderboard, "-force")
	if code != 0 || !strings.Contains(out, "enqueued 0 messages for 1 recipients") {
		t.Errorf("run-job NAME -force (flag after the name): %d %q %q", code, out, errs)
	}
	code, out, errs = c.run("", "run-job", config.JobOfficerLeaderboard, "-force", "-area", "soc trang / my tu")
	if code != 0 || !strings.Contains(out, config.JobOfficerLeaderboard) {
		t.Errorf("run-job -area without diacritics: %d %q %q", code, out, errs)
	}
	code, out, _ = c.run("", "run-job", config.JobTeacherReminder)
	if code != 0 || !strings.Contains(out, "enqueued 0 messages for 0 recipients") {
		t.Errorf("teacher-reminder with no teacher: %d %q", code, out)
	}

	st, err := storage.Open(context.Background(), filepath.Join(c.dir, "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.View(context.Background(), func(tx *storage.Tx) error {
		counts, err := tx.OutboxCounts(context.Background())
		if counts[storage.OutboxPending] != 2 {
			t.Errorf("outbox %v", counts)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"run-job"}, "needs exactly one job NAME"},
		{[]string{"run-job", "frobnicate"}, `unknown job "frobnicate": one of teacher-reminder, principal-leaderboard, officer-leaderboard, parent-reminder`},
		{[]string{"run-job", "-area", "Sóc Trăng", config.JobOfficerLeaderboard}, "-area needs -force"},
	} {
		code, _, errs := c.run("", tt.args...)
		if code != 2 || !strings.Contains(errs, tt.err) {
			t.Errorf("%v: %d %q", tt.args, code, errs)
		}
	}
	code, _, errs = c.run("", "run-job", "-force", "-area", "Nowhere", config.JobOfficerLeaderboard)
	if code != 1 || !strings.Contains(errs, "Nowhere") {
		t.Errorf("unknown area: %d %q", code, errs)
	}
}

func TestExport(t *testing.T) {
	c := newCLI(t)
	seedJobs(t, c)
	file := filepath.Join(c.dir, "w48.xlsx")
	code, out, errs := c.run("", "export", "--week", "2026-W48", "--out", file)
	if code != 0 || !strings.Contains(out, "wrote "+file) || !strings.Contains(out, "2 schools") {
		t.Fatalf("export: %d %q %q", code, out, errs)
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	first := leaderboard.WorkbookFirstDataRow - 1
	if len(rows) != first+3 || !slices.Equal(rows[leaderboard.WorkbookHeaderRow-1], leaderboard.WorkbookColumns) {
		t.Fatalf("rows %q", rows)
	}
	if got := rows[first]; got[1] != "Trường THCS Mỹ Tú" || got[8] != "1" || got[10] != "1/2" {
		t.Errorf("first school %q", got)
	}
	if got := rows[first+1]; got[1] != "Trường TH Long Hưng" || got[8] != leaderboard.WorkbookNotRanked {
		t.Errorf("second school %q", got)
	}

	code, out, errs = c.run("", "export", "-week", "2026-W48", "-out", file, "-area", "Sóc Trăng / Long Hưng")
	if code != 0 || !strings.Contains(out, "1 schools") {
		t.Errorf("export one area: %d %q %q", code, out, errs)
	}
	// The bot takes area names without diacritics and by their last level; so does export.
	for _, area := range []string{"soc trang / long hung", "Long Hung", "LONG HƯNG"} {
		code, out, errs = c.run("", "export", "-week", "2026-W48", "-out", file, "-area", area)
		if code != 0 || !strings.Contains(out, "Long Hưng") || !strings.Contains(out, "1 schools") {
			t.Errorf("export -area %q: %d %q %q", area, code, out, errs)
		}
	}
	st, err := storage.Open(context.Background(), filepath.Join(c.dir, "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx *storage.Tx) error {
		_, _, err := tx.EnsureArea(context.Background(), []string{"Bạc Liêu", "Mỹ Tú"})
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"export", "-week", "2026-48", "-out", file}, 2, `bad -week "2026-48"`},
		{[]string{"export", "-week", "2026-W54", "-out", file}, 2, "bad -week"},
		{[]string{"export", "-week", "2026-W48"}, 2, "needs -week YYYY-Www and -out FILE.xlsx"},
		{[]string{"export", "-week", "2026-W48", "-out", file, "extra"}, 2, "takes no arguments"},
		{[]string{"export", "-week", "2026-W48", "-out", file, "-area", "Nowhere"}, 1, `-area "Nowhere": not found in the roster`},
		{[]string{"export", "-week", "2026-W48", "-out", file, "-area", "my tu"}, 1, `-area "my tu" matches several: Bạc Liêu / Mỹ Tú; Sóc Trăng / Mỹ Tú`},
		{[]string{"export", "-week", "2026-W48", "-out", filepath.Join(c.dir, "x.csv")}, 2, `-out "` + filepath.Join(c.dir, "x.csv") + `": the file is an Excel workbook, name it FILE.xlsx`},
		{[]string{"export", "-week", "2026-W48", "-out", filepath.Join(c.dir, "x")}, 2, "name it FILE.xlsx"},
	} {
		code, _, errs := c.run("", tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.err) {
			t.Errorf("%v: %d %q", tt.args, code, errs)
		}
	}
}
