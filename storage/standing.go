package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ClassRank returns a class's rank among the classes of its school that reported in `week`
// (1 = best coverage; ties share a rank, as on the leaderboards) and how many reported. A
// class without a report in the week has rank 0. It is for the reply to a teacher's report,
// and `week` is the current week: it ranks each class's latest report as class_latest keeps
// it, so a class that has reported since, in a later week, no longer counts in an earlier one.
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
// SQLite counts and ranks the school's classes in one index range and returns one row
// (ranking from the reports took a join planned afresh for every report, and a row per
// class costs a crossing into the driver each).
func (tx *Tx) RankInSchool(ctx context.Context, c Class, week string) (rank, reported int, err error) {
	var better, mine sql.NullInt64
	err = tx.tx.QueryRowContext(ctx, `SELECT COUNT(*),
    SUM(insured * (SELECT enrolment FROM class_latest WHERE class_id = ?4 AND week = ?3)
        > (SELECT insured FROM class_latest WHERE class_id = ?4 AND week = ?3) * enrolment),
    (SELECT 1 FROM class_latest WHERE class_id = ?4 AND week = ?3)
FROM class_latest WHERE school_id = ?1 AND school_year = ?2 AND week = ?3`, c.SchoolID, c.SchoolYear, week, c.ID).Scan(&reported, &better, &mine)
	if err != nil {
		return 0, 0, fmt.Errorf("storage: class rank: %w", err)
	}
	if !mine.Valid {
		return 0, reported, nil
	}
	return 1 + int(better.Int64), reported, nil
}
