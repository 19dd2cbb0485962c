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

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
)

// Goals at national scale: a board fast enough to answer on demand, a weekly job that
// finishes well inside its slot.
const (
	goalBoard = 50 * time.Millisecond
	// An officer's board read afresh while reports stream in: a little slower than idle,
	// as the ingest competes for the same cores, yet still an answer that feels immediate.
	goalBoardLoad = 60 * time.Millisecond
	goalJob       = 60 * time.Second
	goalRSSMiB    = 300
)

// figures are what one bench run measured.
type figures struct {
	Week              string
	Province          string
	ProvinceBoard     time.Duration // median, read afresh
	ProvinceBoardKept time.Duration // median, from kept figures with a new report each time
	ProvinceBoardLoad time.Duration // median, read afresh while a writer appends reports
	LoadReports       float64       // reports/s the writer appended meanwhile
	ProvinceSchool    int
	provinceClass     int64 // a class of the province and one of the school, to report for
	schoolClass       int64
	School            int64
	SchoolBoard       time.Duration // median, read afresh
	SchoolBoardKept   time.Duration
	Jobs              []jobFigure
	PeakRSSMiB        int
	Migrate           time.Duration // opening the copy, with its pending migrations
	DBBytesBefore     int64
	DBBytesAfter      int64
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
		cs, err := tx.ClassesOfSchool(ctx, f.School, cfg.Campaign.SchoolYear)
		if err != nil || len(cs) == 0 {
			return fmt.Errorf("classes of school %d: %d, %v", f.School, len(cs), err)
		}
		f.schoolClass = cs[0].ID
		schools, err := tx.SchoolsUnder(ctx, f.Province)
		if err != nil || len(schools) == 0 {
			return fmt.Errorf("schools under %s: %d, %v", f.Province, len(schools), err)
		}
		if cs, err = tx.ClassesOfSchool(ctx, schools[0].ID, cfg.Campaign.SchoolYear); err != nil || len(cs) == 0 {
			return fmt.Errorf("classes of school %d: %d, %v", schools[0].ID, len(cs), err)
		}
		f.provinceClass = cs[0].ID
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
	runs := max(o.runs, 1)
	newSvc := func() *reminders.Service { return reminders.New(cfg, st, func() time.Time { return now }, nil) }
	// Each board is timed read afresh (a new service each time: nothing kept in memory), then
	// from the figures a running bot keeps (the first run reads them), after a teacher's
	// report from the area has come in since the previous run.
	boards := []struct {
		name        string
		cold, kept  *time.Duration
		build       func(*reminders.Service, *storage.Tx) error
		reportClass int64
	}{
		{"officer", &f.ProvinceBoard, &f.ProvinceBoardKept, func(svc *reminders.Service, tx *storage.Tx) error {
			b, err := svc.AreaBoard(ctx, tx, f.Province, f.Week)
			f.ProvinceSchool = len(b.Units)
			_ = leaderboard.RenderAreaBoard(b)
			return err
		}, f.provinceClass},
		{"principal", &f.SchoolBoard, &f.SchoolBoardKept, func(svc *reminders.Service, tx *storage.Tx) error {
			b, err := svc.SchoolBoard(ctx, tx, f.School, f.Week)
			_ = leaderboard.RenderSchoolBoard(b)
			return err
		}, f.schoolClass},
	}
	for _, bd := range boards {
		var cold, kept []time.Duration
		for range runs {
			t0 := time.Now()
			if err := st.View(ctx, func(tx *storage.Tx) error { return bd.build(newSvc(), tx) }); err != nil {
				return f, fmt.Errorf("%s board: %w", bd.name, err)
			}
			cold = append(cold, time.Since(t0))
		}
		svc := newSvc()
		for i := range runs + 1 {
			if i > 0 {
				if err := addReport(ctx, st, bd.reportClass, f.Week); err != nil {
					return f, err
				}
			}
			t0 := time.Now()
			if err := st.View(ctx, func(tx *storage.Tx) error { return bd.build(svc, tx) }); err != nil {
				return f, fmt.Errorf("%s board: %w", bd.name, err)
			}
			if i > 0 {
				kept = append(kept, time.Since(t0))
			}
		}
		*bd.cold, *bd.kept = median(cold), median(kept)
	}
	fmt.Fprintf(w, "boards of %s: %s (%d schools) %v afresh, %v kept; school %d %v afresh, %v kept\n", f.Week, f.Province, f.ProvinceSchool,
		f.ProvinceBoard.Round(10*time.Microsecond), f.ProvinceBoardKept.Round(10*time.Microsecond),
		f.School, f.SchoolBoard.Round(10*time.Microsecond), f.SchoolBoardKept.Round(10*time.Microsecond))
	if f.ProvinceBoardLoad, f.LoadReports, err = underLoad(ctx, st, runs, f.provinceClass, f.Week, func(tx *storage.Tx) error { return boards[0].build(newSvc(), tx) }); err != nil {
		return f, err
	}
	fmt.Fprintf(w, "officer board afresh while a writer appends %.0f reports/s: %v\n", f.LoadReports, f.ProvinceBoardLoad.Round(10*time.Microsecond))
	svc := newSvc()

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
	fmt.Fprintf(w, "\n%-52s %14s %10s  %s\n", fmt.Sprintf("measure (%s, medians of %d)", f.Week, max(o.runs, 1)), "figure", "goal", "")
	for _, b := range []struct {
		what    string
		d, goal time.Duration
	}{
		{fmt.Sprintf("officer board, %s (%d schools), read afresh", f.Province, f.ProvinceSchool), f.ProvinceBoard, goalBoard},
		{"officer board, same, kept figures + a new report", f.ProvinceBoardKept, goalBoard},
		{fmt.Sprintf("officer board, afresh, writer busy (%.0f reports/s)", f.LoadReports), f.ProvinceBoardLoad, goalBoardLoad},
		{fmt.Sprintf("principal board, school %d, read afresh", f.School), f.SchoolBoard, goalBoard},
		{"principal board, same, kept figures + a new report", f.SchoolBoardKept, goalBoard},
	} {
		fmt.Fprintf(w, "%-52s %14v %10v  %s\n", b.what, b.d.Round(10*time.Microsecond), b.goal, verdict(b.d < b.goal))
	}
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

// addReport appends a report of a class for the week, as a teacher would between two boards.
func addReport(ctx context.Context, st *storage.Store, classID int64, week string) error {
	return st.Update(ctx, func(tx *storage.Tx) error {
		c, err := tx.ClassByID(ctx, classID)
		if err != nil {
			return fmt.Errorf("add report: %w", err)
		}
		_, err = tx.InsertReport(ctx, storage.Report{ClassID: c.ID, Week: week, Enrolment: c.Enrolment, ThroughSchool: c.Enrolment / 2, Other: 1, Source: "bench"})
		return err
	})
}

// underLoad times build runs times (the median) while another goroutine appends reports as
// the bot's intake does, as fast as the writer takes them: one write transaction per report
// with its audit row, each report keeping the per-school sums up to date. It returns the
// median and the writer's rate meanwhile.
func underLoad(ctx context.Context, st *storage.Store, runs int, classID int64, week string, build func(*storage.Tx) error) (time.Duration, float64, error) {
	var c storage.Class
	if err := st.View(ctx, func(tx *storage.Tx) (err error) { c, err = tx.ClassByID(ctx, classID); return err }); err != nil {
		return 0, 0, fmt.Errorf("load: %w", err)
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	var written int
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			err := st.Update(ctx, func(tx *storage.Tx) error {
				through := i % (c.Enrolment + 1)
				id, err := tx.InsertReport(ctx, storage.Report{ClassID: c.ID, Week: week, Enrolment: c.Enrolment, ThroughSchool: through, Source: "bench"})
				if err != nil {
					return err
				}
				return tx.Audit(ctx, 0, "report", fmt.Sprintf("report=%d class=%d week=%s", id, c.ID, week))
			})
			if err != nil {
				done <- fmt.Errorf("load: %w", err)
				return
			}
			written++
		}
	}()
	t0 := time.Now()
	time.Sleep(200 * time.Millisecond) // let the writer reach its pace
	var took []time.Duration
	var err error
	for range runs {
		t1 := time.Now()
		if err = st.View(ctx, build); err != nil {
			break
		}
		took = append(took, time.Since(t1))
	}
	close(stop)
	if werr := <-done; err == nil {
		err = werr
	}
	rate := float64(written) / time.Since(t0).Seconds()
	if err != nil {
		return 0, 0, fmt.Errorf("officer board under load: %w", err)
	}
	return median(took), rate, nil
}
