package storage

import (
	"context"
	"fmt"
)

// FiguresVersion returns what the figures of boards depend on: the newest report id (reports
// are only ever appended) and a counter of roster changes (areas, schools, classes). Figures
// read in a transaction stay valid while the roster counter is the same; reports with a
// higher id are the only news (ReportsAfter).
func (tx *Tx) FiguresVersion(ctx context.Context) (report, roster int64, err error) {
	err = tx.tx.QueryRowContext(ctx, `SELECT IFNULL((SELECT MAX(id) FROM reports), 0), (SELECT v FROM roster_version)`).Scan(&report, &roster)
	if err != nil {
		return 0, 0, fmt.Errorf("storage: figures version: %w", err)
	}
	return report, roster, nil
}

// ReportFigures is a report's class and figures.
type ReportFigures struct {
	ClassID int64
	Figures
}

// ReportsAfter returns, in id order, the reports with after < id ≤ upTo of weeks up to week.
func (tx *Tx) ReportsAfter(ctx context.Context, after, upTo int64, week string) ([]ReportFigures, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT class_id, week, `+packedFigures+` FROM reports WHERE id > ? AND id <= ? AND week <= ? ORDER BY id`, after, upTo, week)
	if err != nil {
		return nil, fmt.Errorf("storage: reports after %d: %w", after, err)
	}
	defer rows.Close()
	var out []ReportFigures
	for rows.Next() {
		var (
			r      ReportFigures
			w      string
			packed int64
		)
		if err := rows.Scan(&r.ClassID, &w, &packed); err != nil {
			return nil, fmt.Errorf("storage: reports after %d: %w", after, err)
		}
		r.Figures = unpack(packed, w)
		out = append(out, r)
	}
	return out, rows.Err()
}
