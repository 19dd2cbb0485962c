package storage

import (
	"context"
	"fmt"
	"strings"
)

// SchoolWeek is a school's row of school_weeks: Week is "" when there is none. Classes are
// the school's classes with a report in Week or earlier; Roll is their roster enrolment, and
// Enrolment, ThroughSchool and Other the sums of each one's latest report up to Week.
// Reported counts the classes with a report in Week itself.
type SchoolWeek struct {
	Week                                                     string
	Reported, Classes, Roll, Enrolment, ThroughSchool, Other int
}

// SchoolTotals is a school of an area's board with its kept sums: the classes of the school
// year on the roster and their enrolment, its latest row at or before the board's week
// (AsOf) and its latest row before the week (Before).
type SchoolTotals struct {
	ID, AreaID   int64
	Name         string
	Classes      int
	RollTotal    int
	AsOf, Before SchoolWeek
}

// AreaSchoolTotals reads the areas at or below an area path and, for each school in them with
// classes of the school year, its kept sums for an ISO week: two lookups per school in
// school_weeks instead of two per class in reports. Areas come by id, schools by id.
func (tx *Tx) AreaSchoolTotals(ctx context.Context, areaPath, year, week string) ([]Area, []SchoolTotals, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT a.id, IFNULL(a.parent_id, 0), a.name, a.path, a.level FROM areas a WHERE `+underArea+` ORDER BY a.id`, areaPath, areaPath)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: areas under %q: %w", areaPath, err)
	}
	var areas []Area
	for rows.Next() {
		var a Area
		if err := rows.Scan(&a.ID, &a.ParentID, &a.Name, &a.Path, &a.Level); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("storage: areas under %q: %w", areaPath, err)
		}
		areas = append(areas, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("storage: areas under %q: %w", areaPath, err)
	}
	rows, err = tx.tx.QueryContext(ctx, `SELECT s.id, s.area_id, s.name, r.classes, r.enrolment,
    IFNULL(t.week, ''), IFNULL(t.reported, 0), IFNULL(t.classes, 0), IFNULL(t.roll, 0), IFNULL(t.enrolment, 0), IFNULL(t.through_school, 0), IFNULL(t.other, 0),
    IFNULL(p.week, ''), IFNULL(p.reported, 0), IFNULL(p.classes, 0), IFNULL(p.roll, 0), IFNULL(p.enrolment, 0), IFNULL(p.through_school, 0), IFNULL(p.other, 0)
FROM areas a
CROSS JOIN schools s ON s.area_id = a.id
CROSS JOIN school_rolls r ON r.school_id = s.id AND r.school_year = ?1
LEFT JOIN school_weeks t ON t.school_id = s.id AND t.school_year = ?1
    AND t.week = (SELECT MAX(week) FROM school_weeks WHERE school_id = s.id AND school_year = ?1 AND week <= ?2)
LEFT JOIN school_weeks p ON p.school_id = s.id AND p.school_year = ?1
    AND p.week = (SELECT MAX(week) FROM school_weeks WHERE school_id = s.id AND school_year = ?1 AND week < ?2)
WHERE (a.path = ?3 OR a.path LIKE ?3 || ' / %') AND r.classes > 0
ORDER BY s.id`, year, week, areaPath)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: school totals under %q: %w", areaPath, err)
	}
	defer rows.Close()
	var out []SchoolTotals
	for rows.Next() {
		var (
			s    SchoolTotals
			t, p = &s.AsOf, &s.Before
		)
		if err := rows.Scan(&s.ID, &s.AreaID, &s.Name, &s.Classes, &s.RollTotal,
			&t.Week, &t.Reported, &t.Classes, &t.Roll, &t.Enrolment, &t.ThroughSchool, &t.Other,
			&p.Week, &p.Reported, &p.Classes, &p.Roll, &p.Enrolment, &p.ThroughSchool, &p.Other); err != nil {
			return nil, nil, fmt.Errorf("storage: school totals under %q: %w", areaPath, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("storage: school totals under %q: %w", areaPath, err)
	}
	return areas, out, nil
}

// schoolWeeksSQL returns the parts of migration 013 that fill the kept sums from the stored
// rows (backfill) and the trigger that keeps them as reports are appended (trigger).
func schoolWeeksSQL() (backfill, trigger string, err error) {
	body, err := migrationFiles.ReadFile("migrations/013_school_weeks.sql")
	if err != nil {
		return "", "", fmt.Errorf("storage: school sums: %w", err)
	}
	text := string(body)
	from := strings.Index(text, "INSERT INTO school_rolls")
	to := strings.Index(text, "CREATE TRIGGER")
	at := strings.Index(text, "CREATE TRIGGER school_weeks_report")
	if from < 0 || to < from || at < to {
		return "", "", fmt.Errorf("storage: school sums: migration 013 lacks its backfill or trigger")
	}
	return text[from:to], text[at:], nil
}

// classLatestSQL returns the parts of migration 014 that fill each class's latest report
// from the stored reports (backfill) and the trigger that keeps it (trigger).
func classLatestSQL() (backfill, trigger string, err error) {
	body, err := migrationFiles.ReadFile("migrations/014_class_latest.sql")
	if err != nil {
		return "", "", fmt.Errorf("storage: class latest reports: %w", err)
	}
	text := string(body)
	from := strings.Index(text, "INSERT INTO class_latest")
	at := strings.Index(text, "CREATE TRIGGER class_latest_report")
	if from < 0 || at < from {
		return "", "", fmt.Errorf("storage: class latest reports: migration 014 lacks its backfill or trigger")
	}
	return text[from:at], text[at:], nil
}

// SuspendSchoolSums stops keeping the per-school sums (and each class's latest report)
// as reports are appended, for a bulk load into an empty database (it takes a generated
// country's load from under a minute to over three); ResumeSchoolSums must follow. Should the load stop half-way, Open finds the
// sums suspended and rebuilds them.
func (s *Store) SuspendSchoolSums(ctx context.Context) error {
	return s.Update(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DROP TRIGGER IF EXISTS school_weeks_report; DROP TRIGGER IF EXISTS class_latest_report`); err != nil {
			return fmt.Errorf("storage: suspend school sums: %w", err)
		}
		return nil
	})
}

// ResumeSchoolSums computes the per-school sums from the stored reports and keeps them up to
// date again.
func (s *Store) ResumeSchoolSums(ctx context.Context) error {
	backfill, trigger, err := schoolWeeksSQL()
	if err != nil {
		return err
	}
	classBackfill, classTrigger, err := classLatestSQL()
	if err != nil {
		return err
	}
	return s.Update(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DROP TRIGGER IF EXISTS school_weeks_report; DELETE FROM school_rolls; DELETE FROM school_weeks;`+backfill+trigger); err != nil {
			return fmt.Errorf("storage: resume school sums: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, `DROP TRIGGER IF EXISTS class_latest_report; DELETE FROM class_latest;`+classBackfill+classTrigger); err != nil {
			return fmt.Errorf("storage: resume class latest reports: %w", err)
		}
		return nil
	})
}

// resumeSuspendedSums rebuilds the per-school sums if a bulk load left them suspended.
func (s *Store) resumeSuspendedSums(ctx context.Context) error {
	var n int
	err := s.w.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('school_weeks', 'class_latest'))
    - (SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('school_weeks_report', 'class_latest_report'))`).Scan(&n)
	if err != nil {
		return fmt.Errorf("storage: school sums: %w", err)
	}
	if n <= 0 {
		return nil
	}
	return s.ResumeSchoolSums(ctx)
}
