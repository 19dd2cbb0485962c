package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Report sources.
const (
	SourceMessage = "message"
	SourceGuided  = "guided"
	SourceRoster  = "roster"
	SourceCLI     = "cli"
)

// Report is one figure a class reported; reports are appended, never changed.
type Report struct {
	ID            int64
	ClassID       int64
	Week          string
	Enrolment     int
	ThroughSchool int
	Other         int
	Source        string
	UserID        int64
	UpdateID      int64
	CreatedAt     time.Time
}

// Insured is the number of pupils with a card.
func (r Report) Insured() int { return r.ThroughSchool + r.Other }

// InsertReport appends a report and returns its id.
func (tx *Tx) InsertReport(ctx context.Context, r Report) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO reports (class_id, week, enrolment, through_school, other, source, user_id, update_id, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ClassID, r.Week, r.Enrolment, r.ThroughSchool, r.Other, r.Source, r.UserID, r.UpdateID, unix(tx.now))
	if err != nil {
		return 0, fmt.Errorf("storage: insert report: %w", err)
	}
	return res.LastInsertId()
}

const reportColumns = `id, class_id, week, enrolment, through_school, other, source, user_id, update_id, created_at`

func scanReport(row interface{ Scan(...any) error }) (Report, error) {
	var (
		r       Report
		created int64
	)
	err := row.Scan(&r.ID, &r.ClassID, &r.Week, &r.Enrolment, &r.ThroughSchool, &r.Other, &r.Source, &r.UserID, &r.UpdateID, &created)
	r.CreatedAt = fromUnix(created)
	return r, err
}

// LatestReport returns the class's latest report in a week at or before `week`
// (ISO week strings sort in time order), or ErrNotFound.
func (tx *Tx) LatestReport(ctx context.Context, classID int64, week string) (Report, error) {
	r, err := scanReport(tx.tx.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports
WHERE class_id = ? AND week <= ? ORDER BY week DESC, id DESC LIMIT 1`, classID, week))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("storage: latest report: %w", err)
	}
	return r, nil
}

// ReportsOfClass returns a class's whole history, oldest first.
func (tx *Tx) ReportsOfClass(ctx context.Context, classID int64) ([]Report, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE class_id = ? ORDER BY id`, classID)
	if err != nil {
		return nil, fmt.Errorf("storage: reports of class: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: reports of class: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// WeekFigure is a class's figure for leaderboards: its latest report in the week, and its
// latest report before the week (for the change since last week).
type WeekFigure struct {
	Class    Class
	This     *Report // latest report in the week, nil if none
	Previous *Report // latest report in any earlier week, nil if none
}

// WeekFigures returns the figures of every class of a school year at or below an area path
// (or of one school when schoolID is not 0) for an ISO week.
func (tx *Tx) WeekFigures(ctx context.Context, areaPath string, schoolID int64, year, week string) ([]WeekFigure, error) {
	var (
		classes []Class
		err     error
	)
	if schoolID != 0 {
		classes, err = tx.ClassesOfSchool(ctx, schoolID, year)
	} else {
		classes, err = tx.ClassesUnder(ctx, areaPath, year)
	}
	if err != nil {
		return nil, err
	}
	if len(classes) == 0 {
		return nil, nil
	}
	index := make(map[int64]int, len(classes))
	out := make([]WeekFigure, len(classes))
	for i, c := range classes {
		index[c.ID] = i
		out[i].Class = c
	}
	scope, args := `c.school_id = ?`, []any{schoolID}
	if schoolID == 0 {
		scope, args = `s.area_id IN (SELECT a.id FROM areas a WHERE `+underArea+`)`, []any{areaPath, areaPath}
	}
	// For each class: the latest report of `week`, and the latest report of an earlier week.
	q := `WITH cls AS (SELECT c.id FROM classes c JOIN schools s ON s.id = c.school_id WHERE ` + scope + ` AND c.school_year = ?)
SELECT r.id, r.class_id, r.week, r.enrolment, r.through_school, r.other, r.source, r.user_id, r.update_id, r.created_at
FROM cls JOIN reports r ON r.id = (SELECT id FROM reports WHERE class_id = cls.id AND week = ? ORDER BY id DESC LIMIT 1)
UNION ALL
SELECT r.id, r.class_id, r.week, r.enrolment, r.through_school, r.other, r.source, r.user_id, r.update_id, r.created_at
FROM cls JOIN reports r ON r.id = (SELECT id FROM reports WHERE class_id = cls.id AND week < ? ORDER BY week DESC, id DESC LIMIT 1)`
	args = append(args, year, week, week)
	rows, err := tx.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: week figures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: week figures: %w", err)
		}
		i, ok := index[r.ClassID]
		if !ok {
			continue
		}
		rr := r
		if r.Week == week {
			out[i].This = &rr
		} else {
			out[i].Previous = &rr
		}
	}
	return out, rows.Err()
}
