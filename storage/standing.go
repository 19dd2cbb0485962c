package storage

import (
	"context"
	"fmt"
)

// ClassRank returns a class's rank among the classes of its school that reported in `week`
// (1 = best coverage; ties share a rank, as on the leaderboards) and how many reported. A
// class without a report in the week has rank 0. It reads only each class's latest report
// of the week, for the reply to a teacher's report.
func (tx *Tx) ClassRank(ctx context.Context, classID int64, week string) (rank, reported int, err error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT c.id, r.enrolment, r.through_school + r.other
FROM classes me
JOIN classes c ON c.school_id = me.school_id AND c.school_year = me.school_year
JOIN reports r ON r.id = (SELECT id FROM reports WHERE class_id = c.id AND week = ? ORDER BY id DESC LIMIT 1)
WHERE me.id = ?`, week, classID)
	if err != nil {
		return 0, 0, fmt.Errorf("storage: class rank: %w", err)
	}
	defer rows.Close()
	type fig struct{ enrolment, insured int64 }
	var (
		mine   *fig
		others []fig
	)
	for rows.Next() {
		var (
			id int64
			f  fig
		)
		if err := rows.Scan(&id, &f.enrolment, &f.insured); err != nil {
			return 0, 0, fmt.Errorf("storage: class rank: %w", err)
		}
		if id == classID {
			mine = &f
		}
		others = append(others, f)
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("storage: class rank: %w", err)
	}
	if mine == nil {
		return 0, len(others), nil
	}
	rank = 1
	for _, o := range others {
		if o.insured*mine.enrolment > mine.insured*o.enrolment {
			rank++
		}
	}
	return rank, len(others), nil
}
