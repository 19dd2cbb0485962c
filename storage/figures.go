package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// boardFiguresSelect reads, per class, the latest report of the week (t) and the latest report
// of an earlier week (p) in one pass. The CROSS JOINs make SQLite start from the few matching
// areas (or the one school) instead of scanning every class; the correlated subqueries use
// reports_week and reports_class_week.
const boardFiguresSelect = `SELECT c.id, c.school_id, c.school_year, c.name, c.enrolment, c.teacher_name, c.has_roster, s.name, a.path,
    IFNULL(t.id, 0), IFNULL(t.week, ''), IFNULL(t.enrolment, 0), IFNULL(t.through_school, 0), IFNULL(t.other, 0),
    IFNULL(p.id, 0), IFNULL(p.week, ''), IFNULL(p.enrolment, 0), IFNULL(p.through_school, 0), IFNULL(p.other, 0)
FROM `

const boardFiguresReports = `
LEFT JOIN reports t ON t.id = (SELECT id FROM reports WHERE class_id = c.id AND week = ? ORDER BY id DESC LIMIT 1)
LEFT JOIN reports p ON p.id = (SELECT id FROM reports WHERE class_id = c.id AND week < ? ORDER BY week DESC, id DESC LIMIT 1)
`

// BoardFigures is WeekFigures in one query, for leaderboards of large areas: the figures of
// every class of a school year at or below an area path (or of one school when schoolID is
// not 0) for an ISO week. The reports it gives carry only ID, ClassID, Week, Enrolment,
// ThroughSchool and Other. Classes come grouped by school, in no particular order.
func (tx *Tx) BoardFigures(ctx context.Context, areaPath string, schoolID int64, year, week string) ([]WeekFigure, error) {
	var (
		rows *sql.Rows
		err  error
	)
	if schoolID != 0 {
		rows, err = tx.tx.QueryContext(ctx, boardFiguresSelect+`schools s
CROSS JOIN classes c ON c.school_id = s.id AND c.school_year = ?
JOIN areas a ON a.id = s.area_id`+boardFiguresReports+`WHERE s.id = ?`, year, week, week, schoolID)
	} else {
		rows, err = tx.tx.QueryContext(ctx, boardFiguresSelect+`areas a
CROSS JOIN schools s ON s.area_id = a.id
CROSS JOIN classes c ON c.school_id = s.id AND c.school_year = ?`+boardFiguresReports+`WHERE `+underArea,
			year, week, week, areaPath, areaPath)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: board figures: %w", err)
	}
	defer rows.Close()
	var out []WeekFigure
	for rows.Next() {
		var (
			f    WeekFigure
			t, p Report
		)
		c := &f.Class
		if err := rows.Scan(&c.ID, &c.SchoolID, &c.SchoolYear, &c.Name, &c.Enrolment, &c.TeacherName, &c.HasRoster, &c.SchoolName, &c.AreaPath,
			&t.ID, &t.Week, &t.Enrolment, &t.ThroughSchool, &t.Other,
			&p.ID, &p.Week, &p.Enrolment, &p.ThroughSchool, &p.Other); err != nil {
			return nil, fmt.Errorf("storage: board figures: %w", err)
		}
		if t.ID != 0 {
			t.ClassID = c.ID
			f.This = &t
		}
		if p.ID != 0 {
			p.ClassID = c.ID
			f.Previous = &p
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: board figures: %w", err)
	}
	return out, nil
}
