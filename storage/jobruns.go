package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// JobRun is one run of a weekly job for one period.
type JobRun struct {
	Job        string
	Period     string
	StartedAt  time.Time
	FinishedAt time.Time
	Messages   int
	Trigger    string
}

// StartJobRun claims (job, period); it returns false when a run for that period exists.
func (tx *Tx) StartJobRun(ctx context.Context, job, period, trigger string) (bool, error) {
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO job_runs (job, period, started_at, trigger) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		job, period, unix(tx.now), trigger)
	if err != nil {
		return false, fmt.Errorf("storage: start job run: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FinishJobRun records how many messages a run enqueued.
func (tx *Tx) FinishJobRun(ctx context.Context, job, period string, messages int) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE job_runs SET finished_at = ?, messages = ? WHERE job = ? AND period = ?`,
		unix(tx.now), messages, job, period)
	if err != nil {
		return fmt.Errorf("storage: finish job run: %w", err)
	}
	return nil
}

// JobRunFor returns the run of a job for a period, or ErrNotFound.
func (tx *Tx) JobRunFor(ctx context.Context, job, period string) (JobRun, error) {
	var (
		r                 JobRun
		started, finished int64
	)
	err := tx.tx.QueryRowContext(ctx, `SELECT job, period, started_at, finished_at, messages, trigger FROM job_runs WHERE job = ? AND period = ?`, job, period).
		Scan(&r.Job, &r.Period, &started, &finished, &r.Messages, &r.Trigger)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("storage: job run: %w", err)
	}
	r.StartedAt, r.FinishedAt = fromUnix(started), fromUnix(finished)
	return r, nil
}
