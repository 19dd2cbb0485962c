package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ClassRank returns a class's rank among the classes of its school that reported in `week`
// (1 = best coverage; ties share a rank, as on the leaderboards) and how many reported. A
// class without a report in the week has rank 0. It reads each class's latest figures of the
// week as class_weeks keeps them, for the reply to a teacher's report: two lookups by key,
// where ranking from the reports themselves took a join planned afresh for every report.
func (tx *Tx) ClassRank(ctx context.Context, classID int64, week string) (rank, reported int, err error) {
	var (
		school int64
		year   string
	)
	err = tx.tx.QueryRowContext(ctx, `SELECT school_id, school_year FROM classes WHERE id = ?`, classID).Scan(&school, &year)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("storage: class rank: %w", err)
	}
	return tx.RankInSchool(ctx, Class{ID: classID, SchoolID: school, SchoolYear: year}, week)
}

// RankInSchool is ClassRank for a class whose school and school year the caller has read.
func (tx *Tx) RankInSchool(ctx context.Context, c Class, week string) (rank, reported int, err error) {
	classID := c.ID
	rows, err := tx.tx.QueryContext(ctx, `SELECT class_id, enrolment, insured FROM class_weeks
WHERE school_id = ? AND school_year = ? AND week = ?`, c.SchoolID, c.SchoolYear, week)
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
