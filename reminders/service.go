// Package reminders runs bhytbot's weekly jobs: it schedules them (robfig/cron/v3), keeps the
// job ledger that makes each run once per ISO week, reads the figures a board needs from
// storage (figures.go, cache.go), hands them to the leaderboard package to rank and render
// (text, chart PNG, Excel), and writes every message to the outbox; it never talks to Telegram.
//
// Where to look:
//   - a job runs once a week because of the job ledger: RunInTx claims (job, ISO week) in
//     storage's job_runs table (StartJobRun) in the same transaction as its outbox rows, so
//     a re-run, a catch-up after a restart or a second process finds the week taken;
//   - Run (the service's lifecycle: catch up, then the cron schedules until ctx ends)
//     calls Tick, which runs what is due; run-job and /guingay call RunNow and RunScoped;
//   - a board is ranked by leaderboard.Rank; the figures come from figures.go; its text is
//     one outbox message however long (boards.go), which the channel's sender cuts into
//     parts its chat accepts (package bot/split);
//   - messages are rate-limited by the channel's sender (package bot), not here; parent
//     messages are held through quiet hours (schedule.QuietUntil);
//   - reports are parsed by report.Parse (package report) when package commands records
//     them; this package reads what was recorded.
package reminders

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/metrics"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/robfig/cron/v3"
)

// Triggers recorded in the job ledger.
const (
	TriggerSchedule = "schedule" // the cron entry fired on time
	TriggerCatchUp  = "catch-up" // a run missed while the bot was down, caught up on start
	TriggerCLI      = "cli"      // bhytbot run-job
	TriggerChat     = "chat"     // /guingay
)

// tickGrace is how late a scheduled run may start and still count as on time; it lets the
// cron entry's own tick run the job even with catch_up_window 0.
const tickGrace = 5 * time.Minute

// Service runs the weekly jobs and builds boards on demand.
type Service struct {
	cfg   config.Config
	store *storage.Store
	clock func() time.Time
	log   *slog.Logger
	loc   *time.Location

	tickMu sync.Mutex
	mu     sync.Mutex
	cron   *cron.Cron

	cache figuresCache // figures of boards on demand
}

// Result is what one run of a job did.
type Result struct {
	Job     string
	Week    string // the ISO week of the run (the ledger's period)
	Trigger string
	// Skipped is true when the ledger already held a run of the job for the week, so nothing
	// was done.
	Skipped bool
	// Final is true when the run was past the campaign deadline (final-result wording).
	Final bool
	// Recipients counts the people the job addressed; Enqueued the new outbox rows (rows a
	// previous run already wrote are not counted).
	Recipients int
	Enqueued   int
}

// New returns a Service; clock is its time source (time.Now in production) and log may be nil.
func New(cfg config.Config, store *storage.Store, clock func() time.Time, log *slog.Logger) *Service {
	if clock == nil {
		clock = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, store: store, clock: clock, log: log, loc: cfg.Location()}
}

// RunInTx runs a job for the current ISO week inside the caller's write transaction, unless the
// ledger already holds a run of it for the week (Result.Skipped). After the campaign
// deadline the ledger's period is "final-<school year>", so the final results go out once
// even after old outbox rows (and their dedupe keys) are pruned. The ledger row and the
// outbox rows commit together with the caller's transaction.
func (s *Service) RunInTx(ctx context.Context, tx *storage.Tx, job, trigger string) (Result, error) {
	if !slices.Contains(config.Jobs, job) {
		return Result{}, fmt.Errorf("%w %q (one of %s)", errUnknownJob, job, strings.Join(config.Jobs, ", "))
	}
	week, _, _ := s.period(s.clock())
	ok, err := tx.StartJobRun(ctx, job, week, trigger)
	if err != nil {
		return Result{}, fmt.Errorf("reminders: %s: %w", job, err)
	}
	if !ok {
		return Result{Job: job, Week: week, Trigger: trigger, Skipped: true}, nil
	}
	res, err := s.runJob(ctx, tx, job, "", trigger)
	if err != nil {
		return res, err
	}
	if err := tx.FinishJobRun(ctx, job, week, res.Enqueued); err != nil {
		return res, fmt.Errorf("reminders: %s: %w", job, err)
	}
	return res, nil
}

// RunNow runs a job (as RunInTx) in its own write transaction: the path of cron and the CLI.
// It counts the run (metrics.JobRuns: ran, skipped or failed) and times it, commit included
// (metrics.JobDuration).
func (s *Service) RunNow(ctx context.Context, job, trigger string) (Result, error) {
	var res Result
	started := time.Now()
	err := s.store.Update(ctx, func(tx *storage.Tx) error {
		var err error
		res, err = s.RunInTx(ctx, tx, job, trigger)
		return err
	})
	observeRun(job, started, res.Skipped, err)
	if err != nil {
		return Result{}, err
	}
	s.log.Info("job run", "job", res.Job, "week", res.Week, "trigger", res.Trigger, "skipped", res.Skipped,
		"final", res.Final, "recipients", res.Recipients, "enqueued", res.Enqueued)
	return res, nil
}

// RunScoped runs a job now for the recipients at or below areaPath ("" for everyone), without
// the ledger: an officer's /guingay for their area. Its messages have the same dedupe keys as
// the weekly run's, so nobody gets anything twice, whichever runs first.
func (s *Service) RunScoped(ctx context.Context, tx *storage.Tx, job, areaPath, trigger string) (Result, error) {
	if !slices.Contains(config.Jobs, job) {
		return Result{}, fmt.Errorf("%w %q (one of %s)", errUnknownJob, job, strings.Join(config.Jobs, ", "))
	}
	if areaPath != "" {
		if _, err := tx.AreaByPath(ctx, areaPath); err != nil {
			return Result{}, fmt.Errorf("reminders: %s: area %q: %w", job, areaPath, err)
		}
	}
	started := time.Now()
	res, err := s.runJob(ctx, tx, job, areaPath, trigger)
	observeRun(job, started, false, err)
	return res, err
}

// observeRun counts a job run by outcome and, unless skipped, times it.
func observeRun(job string, started time.Time, skipped bool, err error) {
	switch {
	case err != nil:
		metrics.JobRuns.WithLabelValues(job, "failed").Inc()
	case skipped:
		metrics.JobRuns.WithLabelValues(job, "skipped").Inc()
		return
	default:
		metrics.JobRuns.WithLabelValues(job, "ran").Inc()
	}
	metrics.JobDuration.WithLabelValues(job).Observe(time.Since(started).Seconds())
}

// Run catches up, then runs the weekly jobs on their schedules until ctx ends; then it
// stops the schedules, waits for a running job to finish (its context is ctx, so its
// transaction ends quickly and, if cut short, rolls back and the job runs again at the
// next start) and returns. A bad schedule returns at once. Failures of runs are logged,
// not returned.
func (s *Service) Run(ctx context.Context) error {
	if err := s.start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	<-s.stop().Done()
	return nil
}

// start registers a cron entry per job (schedules.<job> in the configured zone) and first
// catches up: a job whose latest scheduled time this ISO week has passed, within
// schedules.catch_up_window, and that the ledger has no run of for the week runs now.
// start returns once the catch-up is done.
func (s *Service) start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cron != nil {
		return fmt.Errorf("reminders: already started")
	}
	c := cron.New(cron.WithLocation(s.loc), cron.WithParser(config.CronParser))
	for _, job := range config.Jobs {
		spec := s.cfg.Schedules.Spec(job)
		if _, err := c.AddFunc(spec, func() { s.Tick(ctx) }); err != nil {
			return fmt.Errorf("reminders: schedules.%s %q: %w", job, spec, err)
		}
	}
	if _, err := c.AddFunc(pruneSpec, func() {
		if _, err := s.PruneOutbox(ctx); err != nil {
			s.log.Error("outbox prune failed", "error", err)
		}
	}); err != nil {
		return fmt.Errorf("reminders: prune schedule: %w", err)
	}
	s.Tick(ctx)
	c.Start()
	s.cron = c
	s.log.Info("scheduler started", "zone", s.loc.String(), "catch_up_window", s.cfg.Schedules.CatchUpWindow)
	return nil
}

// stop stops the scheduler; the returned context is done when running jobs have finished.
func (s *Service) stop() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cron == nil {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx
	}
	ctx := s.cron.Stop()
	s.cron = nil
	return ctx
}

// Tick runs every job that is due at the clock's time: its latest scheduled time in the
// current ISO week has passed, by no more than schedules.catch_up_window (or a few minutes,
// whichever is longer), and the ledger has no run of it for the week. The cron entries call
// it; tests call it after moving a fake clock. It returns the runs it made.
func (s *Service) Tick(ctx context.Context) []Result {
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	now := s.clock().In(s.loc)
	var out []Result
	for _, job := range config.Jobs {
		at, ok, err := s.LatestScheduled(job, now)
		if err != nil {
			s.log.Error("bad schedule", "job", job, "error", err)
			continue
		}
		late := now.Sub(at)
		if !ok || late > max(s.cfg.Schedules.CatchUpWindow, tickGrace) {
			continue
		}
		trigger := TriggerSchedule
		if late > tickGrace {
			trigger = TriggerCatchUp
		}
		res, err := s.RunNow(ctx, job, trigger)
		if err != nil {
			s.log.Error("job failed", "job", job, "trigger", trigger, "error", err)
			continue
		}
		if !res.Skipped {
			out = append(out, res)
		}
	}
	return out
}

// LatestScheduled returns the latest time at or before now, within now's ISO week (in the
// configured zone), at which the job's schedule fires; ok is false when there is none yet.
func (s *Service) LatestScheduled(job string, now time.Time) (at time.Time, ok bool, err error) {
	sched, err := config.CronParser.Parse(s.cfg.Schedules.Spec(job))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("reminders: schedules.%s: %w", job, err)
	}
	now = now.In(s.loc)
	start, err := storage.WeekStart(storage.WeekOf(now, s.loc), s.loc)
	if err != nil {
		return time.Time{}, false, err
	}
	t := start.Add(-time.Second)
	for {
		next := sched.Next(t)
		if next.IsZero() || next.After(now) {
			break
		}
		at, ok, t = next, true, next
	}
	return at, ok, nil
}

// final reports whether now is past the campaign deadline.
func (s *Service) final(now time.Time) bool {
	d := s.cfg.DeadlineTime()
	return !d.IsZero() && now.After(d)
}
