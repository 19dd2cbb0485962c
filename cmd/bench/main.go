// Command bench measures bhytbot at national scale on a copy of a generated database
// (bhytbot gen -scale national): one province's officer leaderboard and one school's
// principal leaderboard built on demand, the officer's board again while a writer appends
// reports as fast as it takes them (the load of a burst of reports), every weekly job
// enqueued for the whole country, peak RSS and the database size, each printed beside its
// goal.
//
//	BHYTBOT_DATABASE_PATH=/tmp/national.db go run ./cmd/bhytbot gen -scale national -week 2026-W47   # once, ≈ 80 s
//	go run ./cmd/bench -db /tmp/national.db
//
// The database is copied (to -work, a temporary file by default) before anything is written.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"github.com/bhytbot/bhytbot/config"
)

func main() {
	var o options
	flag.StringVar(&o.db, "db", "/tmp/national.db", "generated database to measure (left untouched: a copy is used)")
	flag.StringVar(&o.work, "work", "", "where to put the copy (default: a temporary file, removed afterwards)")
	flag.StringVar(&o.week, "week", "", "ISO week of the jobs and boards (default: the newest week with reports)")
	flag.StringVar(&o.province, "province", "", "province of the officer board (default: the first top-level area)")
	flag.Int64Var(&o.school, "school", 0, "school id of the principal board (default: the school in the middle of the roster)")
	flag.IntVar(&o.runs, "runs", 7, "runs of each board measurement (the median is reported)")
	flag.BoolVar(&o.noJobs, "no-jobs", false, "measure the boards only")
	jobs := flag.String("jobs", strings.Join(config.Jobs, ","), "comma-separated jobs to run for the whole country, in order")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuProfile != "" {
		fh, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(fh); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	o.cfg = config.Default()
	o.jobs = strings.Split(*jobs, ",")
	if err := run(context.Background(), o, os.Stdout); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	cfg      config.Config
	db, work string
	week     string
	province string
	school   int64
	runs     int
	noJobs   bool
	jobs     []string
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func workCopy(o options) (path string, cleanup func(), err error) {
	cleanup = func() {}
	path = o.work
	if path == "" {
		dir, err := os.MkdirTemp(filepath.Dir(o.db), "bench-")
		if err != nil {
			return "", cleanup, err
		}
		path = filepath.Join(dir, "bench.db")
		cleanup = func() { os.RemoveAll(dir) }
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	if err := copyFile(path, o.db); err != nil {
		cleanup()
		return "", func() {}, fmt.Errorf("copy %s: %w", o.db, err)
	}
	if _, err := os.Stat(o.db + "-wal"); err == nil {
		if err := copyFile(path+"-wal", o.db+"-wal"); err != nil {
			cleanup()
			return "", func() {}, err
		}
	}
	return path, cleanup, nil
}
