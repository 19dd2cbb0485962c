package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
)

// Goals of issue 8.
const (
	goalBoard  = 50 * time.Millisecond
	goalJob    = 60 * time.Second
	goalRSSMiB = 300
)

// figures are what one bench run measured.
type figures struct {
	Week           string
	Province       string
	ProvinceBoard  time.Duration // median
	ProvinceSchool int
	School         int64
	SchoolBoard    time.Duration // median
	Jobs           []jobFigure
	PeakRSSMiB     int
	Migrate        time.Duration // opening the copy, with its pending migrations
	DBBytesBefore  int64
	DBBytesAfter   int64
}

type jobFigure struct {
	Job        string
	Took       time.Duration
	Recipients int
	Enqueued   int
	PeakRSSMiB int // during the job (the process's peak is reset before it where Linux allows)
}

func run(ctx context.Context, o options, w io.Writer) error {
	path, cleanup, err := workCopy(o)
	if err != nil {
		return err
	}
	defer cleanup()
	f, err := measure(ctx, o, path, w)
	if err != nil {
		return err
	}
	report(w, o, f)
	return nil
}

func dbSize(path string) int64 {
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + suffix); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func measure(ctx context.Context, o options, path string, w io.Writer) (figures, error) {
	var f figures
	f.DBBytesBefore = dbSize(path)
	t0 := time.Now()
	st, err := storage.Open(ctx, path)
	if err != nil {
		return f, err
	}
	f.Migrate = time.Since(t0)
	fmt.Fprintf(w, "opened %s (migrations applied) in %v\n", path, f.Migrate.Round(time.Millisecond))
	defer st.Close()
	cfg := o.cfg
	f.Week = o.week
	err = st.View(ctx, func(tx *storage.Tx) error {
		if f.Week == "" {
			wk, err := tx.LatestReportWeek(ctx, "9999")
			if err != nil {
				return err
			}
			if wk == "" {
				return fmt.Errorf("no reports in %s", o.db)
			}
			f.Week = wk
		}
		tops, err := tx.TopAreas(ctx)
		if err != nil {
			return err
		}
		if len(tops) == 0 {
			return fmt.Errorf("no areas in %s", o.db)
		}
		f.Province = o.province
		if f.Province == "" {
			f.Province = tops[0].Path
		}
		f.School = o.school
		if f.School == 0 {
			schools, err := tx.SchoolsUnder(ctx, tops[len(tops)/2].Path)
			if err != nil {
				return err
			}
			if len(schools) == 0 {
				return fmt.Errorf("no schools under %s", tops[len(tops)/2].Path)
			}
			f.School = schools[len(schools)/2].ID
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	start, err := storage.WeekStart(f.Week, cfg.Location())
	if err != nil {
		return f, err
	}
	// Thursday 10:00 of the week: before the deadline, outside quiet hours.
	now := start.AddDate(0, 0, 3).Add(10 * time.Hour)
	svc := reminders.New(cfg, st, func() time.Time { return now }, nil)

	runs := max(o.runs, 1)
	var times []time.Duration
	for range runs {
		t0 := time.Now()
		err := st.View(ctx, func(tx *storage.Tx) error {
			b, err := svc.AreaBoard(ctx, tx, f.Province, f.Week)
			if err != nil {
				return err
			}
			f.ProvinceSchool = len(b.Units)
			_ = reminders.RenderAreaBoard(b)
			return nil
		})
		if err != nil {
			return f, fmt.Errorf("officer board: %w", err)
		}
		times = append(times, time.Since(t0))
	}
	f.ProvinceBoard = median(times)
	times = times[:0]
	for range runs {
		t0 := time.Now()
		err := st.View(ctx, func(tx *storage.Tx) error {
			b, err := svc.SchoolBoard(ctx, tx, f.School, f.Week)
			if err != nil {
				return err
			}
			_ = reminders.RenderSchoolBoard(b)
			return nil
		})
		if err != nil {
			return f, fmt.Errorf("principal board: %w", err)
		}
		times = append(times, time.Since(t0))
	}
	f.SchoolBoard = median(times)
	fmt.Fprintf(w, "boards of %s: %s (%d schools) %v, school %d %v\n", f.Week, f.Province, f.ProvinceSchool,
		f.ProvinceBoard.Round(10*time.Microsecond), f.School, f.SchoolBoard.Round(10*time.Microsecond))

	if !o.noJobs {
		for _, job := range o.jobs {
			f.PeakRSSMiB = max(f.PeakRSSMiB, peakRSSMiB())
			resetPeakRSS()
			t0 := time.Now()
			res, err := svc.RunNow(ctx, job, reminders.TriggerCLI)
			if err != nil {
				return f, fmt.Errorf("job %s: %w", job, err)
			}
			jf := jobFigure{Job: job, Took: time.Since(t0), Recipients: res.Recipients, Enqueued: res.Enqueued, PeakRSSMiB: peakRSSMiB()}
			f.Jobs = append(f.Jobs, jf)
			fmt.Fprintf(w, "job %s: %d messages for %d recipients in %v (peak RSS during the job %d MiB)\n",
				job, jf.Enqueued, jf.Recipients, jf.Took.Round(time.Millisecond), jf.PeakRSSMiB)
		}
	}
	f.PeakRSSMiB = max(f.PeakRSSMiB, peakRSSMiB())
	st.Close()
	f.DBBytesAfter = dbSize(path)
	return f, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// peakRSSMiB reads the process's peak resident set size (VmHWM) from /proc/self/status;
// 0 where there is none.
func peakRSSMiB() int {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb / 1024
		}
	}
	return 0
}

// resetPeakRSS resets the process's peak RSS to its current RSS (Linux ≥ 4.0), so that the
// next reading is the peak of what follows; elsewhere it does nothing.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func report(w io.Writer, o options, f figures) {
	fmt.Fprintf(w, "\n%-52s %14s %10s  %s\n", "measure ("+f.Week+")", "figure", "goal", "")
	fmt.Fprintf(w, "%-52s %14v %10v  %s\n", fmt.Sprintf("officer board, %s (%d schools), median of %d", f.Province, f.ProvinceSchool, max(o.runs, 1)),
		f.ProvinceBoard.Round(10*time.Microsecond), goalBoard, verdict(f.ProvinceBoard < goalBoard))
	fmt.Fprintf(w, "%-52s %14v %10v  %s\n", fmt.Sprintf("principal board, school %d, median of %d", f.School, max(o.runs, 1)),
		f.SchoolBoard.Round(10*time.Microsecond), goalBoard, verdict(f.SchoolBoard < goalBoard))
	for _, j := range f.Jobs {
		fmt.Fprintf(w, "%-52s %14v %10v  %s\n", fmt.Sprintf("job %s (%d messages)", j.Job, j.Enqueued),
			j.Took.Round(time.Millisecond), goalJob, verdict(j.Took < goalJob))
	}
	if len(f.Jobs) > 1 {
		var total time.Duration
		for _, j := range f.Jobs {
			total += j.Took
		}
		fmt.Fprintf(w, "%-52s %14v %10v  %s\n", "all jobs one after another", total.Round(time.Millisecond), goalJob, verdict(total < goalJob))
	}
	if f.PeakRSSMiB > 0 {
		fmt.Fprintf(w, "%-52s %10d MiB %6d MiB  %s\n", "peak RSS of the whole run (VmHWM)", f.PeakRSSMiB, goalRSSMiB, verdict(f.PeakRSSMiB < goalRSSMiB))
	}
	fmt.Fprintf(w, "%-52s %10.1f MiB\n", "database before the jobs", float64(f.DBBytesBefore)/(1<<20))
	fmt.Fprintf(w, "%-52s %10.1f MiB\n", "database after the jobs (with WAL)", float64(f.DBBytesAfter)/(1<<20))
}
