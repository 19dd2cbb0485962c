package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

// cli runs bhytbot in-process with a database in a temp dir.
type cli struct {
	t   *testing.T
	dir string
	env []string
}

func newCLI(t *testing.T) *cli {
	dir := t.TempDir()
	return &cli{t: t, dir: dir, env: []string{"BHYTBOT_DATABASE_PATH=" + filepath.Join(dir, "bot.db")}}
}

func (c *cli) run(stdin string, args ...string) (code int, stdout, stderr string) {
	return c.runCtx(context.Background(), stdin, args...)
}

func (c *cli) runCtx(ctx context.Context, stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(ctx, args, strings.NewReader(stdin), &out, &errb, c.env)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	c := newCLI(t)
	tests := []struct {
		args     []string
		code     int
		out, err string
	}{
		{nil, 2, "", "missing subcommand"},
		{[]string{"-h"}, 0, "subcommands:", ""},
		{[]string{"frobnicate"}, 2, "", `unknown subcommand "frobnicate"`},
		{[]string{"import"}, 2, "", "needs exactly one FILE"},
		{[]string{"import", "-h"}, 0, "usage: bhytbot [-config FILE] import", ""},
		{[]string{"backup"}, 2, "", "needs exactly one FILE"},
		{[]string{"backup", "copy.db", "-x"}, 2, "", "flag provided but not defined: -x"}, // flags after the FILE are flags
		{[]string{"backup", "--", "-x"}, 1, "", "database"},                               // after "--" a FILE may start with "-"
		{[]string{"import", "a.csv", "b.csv"}, 2, "", "needs exactly one FILE"},
		{[]string{"migrate", "-x"}, 2, "", "flag provided but not defined"},
		{[]string{"-config", "/nonexistent.yaml", "migrate"}, 2, "", "nonexistent"},
	}
	for _, tt := range tests {
		code, out, errs := c.run("", tt.args...)
		if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errs, tt.err) {
			t.Errorf("%v: code %d out %q err %q", tt.args, code, out, errs)
		}
		if tt.code == 2 && strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: reason is not one line: %q", tt.args, errs)
		}
	}
}

// TestUsageLinesListEveryFlag: the usage line `bhytbot SUBCOMMAND -h` prints names every
// flag the subcommand takes (gen once left out -weeks).
func TestUsageLinesListEveryFlag(t *testing.T) {
	c := newCLI(t)
	for name, sc := range subcommands {
		code, out, _ := c.run("", name, "-h")
		usage, _, _ := strings.Cut(out, "\n")
		if code != 0 || !strings.HasPrefix(usage, "usage: bhytbot [-config FILE] "+name) {
			t.Errorf("%s -h: %d %q", name, code, out)
		}
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		sc.flags(fs)
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(usage, " -"+f.Name+" ") && !strings.Contains(usage, "[-"+f.Name+" ") && !strings.Contains(usage, "[-"+f.Name+"]") &&
				!strings.Contains(usage, " --"+f.Name+" ") && !strings.Contains(usage, "[--"+f.Name+" ") {
				t.Errorf("%s: usage line %q does not list -%s", name, usage, f.Name)
			}
		})
	}
}

func TestMigrateImportBackup(t *testing.T) {
	c := newCLI(t)
	code, out, errs := c.run("", "migrate")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("schema version %d", storage.LatestVersion())) {
		t.Fatalf("migrate: %d %q %q", code, out, errs)
	}
	csv := filepath.Join(c.dir, "roster.csv")
	os.WriteFile(csv, []byte("area,school,class,enrolment,teacher_name,student_name,student_no\nSóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,42,Cô Lan,,\n"), 0o600)
	code, out, errs = c.run("", "import", csv)
	if code != 0 || !strings.Contains(out, "imported "+csv+" (1 rows, school year 2025-2026)") || !strings.Contains(out, "  classes  added 1, updated 0, unchanged 0\n") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	bad := filepath.Join(c.dir, "bad.csv")
	os.WriteFile(bad, []byte("area,school,class,enrolment,teacher_name,student_name,student_no\n,T,6A,999,GV,,\n"), 0o600)
	code, _, errs = c.run("", "import", bad)
	if code != 1 || !strings.Contains(errs, "dòng 2, cột area") || !strings.Contains(errs, "dòng 2, cột enrolment") {
		t.Fatalf("bad import: %d %q", code, errs)
	}
	backup := filepath.Join(c.dir, "copy.db")
	code, out, errs = c.run("", "backup", backup)
	if code != 0 || !strings.Contains(out, backup) {
		t.Fatalf("backup: %d %q %q", code, out, errs)
	}
	c.env = []string{"BHYTBOT_DATABASE_PATH=" + backup}
	if code, out, _ := c.run("", "migrate"); code != 0 || !strings.Contains(out, fmt.Sprintf("schema version %d", storage.LatestVersion())) {
		t.Fatalf("backup not a usable database: %q", out)
	}
}

func TestGen(t *testing.T) {
	c := newCLI(t)
	code, out, errs := c.run("", "gen", "-scale", "small", "-week", "2026-W47", "-weeks", "2")
	if code != 0 || !strings.Contains(out, "classes 400") {
		t.Fatalf("gen: %d %q %q", code, out, errs)
	}
	if code, _, errs := c.run("", "gen", "-scale", "small"); code != 1 || !strings.Contains(errs, "empty") {
		t.Fatalf("gen twice: %d %q", code, errs)
	}
	if code, _, errs := c.run("", "gen", "-scale", "galaxy"); code != 2 || !strings.Contains(errs, "-scale") {
		t.Fatalf("bad scale: %d %q", code, errs)
	}
}
