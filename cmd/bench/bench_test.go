package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/synth"
)

// TestBenchSmallCountry runs the whole bench on a tiny generated country: it must leave the
// source database untouched, enqueue every job's messages on its copy and print each figure
// beside its goal.
func TestBenchSmallCountry(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	dir := t.TempDir()
	src := filepath.Join(dir, "small.db")
	st, err := storage.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	spec := synth.National(7, "2026-W47")
	spec.Provinces, spec.CommunesPerProv, spec.SchoolsPerCommune, spec.ClassesPerSchool, spec.Weeks = 2, 2, 3, 4, 3
	spec.SchoolYear = cfg.Campaign.SchoolYear
	if _, err := synth.Generate(ctx, st, spec, cfg.Location()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	before := dbSize(src)

	var out bytes.Buffer
	o := options{cfg: cfg, db: src, runs: 3, jobs: config.Jobs}
	if err := run(ctx, o, &out); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	for _, want := range []string{
		" (6 schools), read afresh",
		"officer board, afresh, writer busy (",
		"principal board, school ",
		"job teacher-reminder (",
		"job principal-leaderboard (24 messages)", // 12 principals: text and chart each
		"job officer-leaderboard (",
		"job parent-reminder (",
		"peak RSS of the whole run (VmHWM)",
		"database after the jobs",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out.String(), "MISSED") {
		t.Errorf("a goal missed on a tiny country:\n%s", out.String())
	}
	if dbSize(src) != before {
		t.Error("the source database changed")
	}
	st, err = storage.OpenNoMigrate(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.View(ctx, func(tx *storage.Tx) error {
		n, err := tx.OutboxDepth(ctx)
		if n != 0 {
			t.Errorf("the source database has %d outbox rows", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
