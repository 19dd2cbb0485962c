package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Pupil statuses.
const (
	StatusUninsured = "uninsured"
	StatusSchool    = "school"
	StatusOther     = "other"
)

// Student is a pupil on a class roster.
type Student struct {
	ID      int64
	ClassID int64
	Number  int
	Name    string
	Status  string
}

// UpsertStudent adds the pupil or renames them; the insurance status is never touched.
func (tx *Tx) UpsertStudent(ctx context.Context, classID int64, number int, name string) (int64, Change, error) {
	var (
		id  int64
		old string
	)
	err := tx.tx.QueryRowContext(ctx, `SELECT id, name FROM students WHERE class_id = ? AND number = ?`, classID, number).Scan(&id, &old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO students (class_id, number, name, updated_at) VALUES (?, ?, ?, ?)`,
			classID, number, name, unix(tx.now))
		if err != nil {
			return 0, Unchanged, fmt.Errorf("storage: insert student: %w", err)
		}
		id, _ = res.LastInsertId()
		return id, Added, nil
	case err != nil:
		return 0, Unchanged, fmt.Errorf("storage: student: %w", err)
	}
	if old == name {
		return id, Unchanged, nil
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE students SET name = ?, updated_at = ? WHERE id = ?`, name, unix(tx.now), id); err != nil {
		return 0, Unchanged, fmt.Errorf("storage: rename student: %w", err)
	}
	return id, Updated, nil
}

// StudentsOfClass lists a class's roster by number.
func (tx *Tx) StudentsOfClass(ctx context.Context, classID int64) ([]Student, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, class_id, number, name, status FROM students WHERE class_id = ? ORDER BY number`, classID)
	if err != nil {
		return nil, fmt.Errorf("storage: students: %w", err)
	}
	defer rows.Close()
	var out []Student
	for rows.Next() {
		var s Student
		if err := rows.Scan(&s.ID, &s.ClassID, &s.Number, &s.Name, &s.Status); err != nil {
			return nil, fmt.Errorf("storage: students: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// StudentByID returns one pupil.
func (tx *Tx) StudentByID(ctx context.Context, id int64) (Student, error) {
	var s Student
	err := tx.tx.QueryRowContext(ctx, `SELECT id, class_id, number, name, status FROM students WHERE id = ?`, id).
		Scan(&s.ID, &s.ClassID, &s.Number, &s.Name, &s.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("storage: student: %w", err)
	}
	return s, nil
}

// SetStudentStatus records a pupil's insurance status.
func (tx *Tx) SetStudentStatus(ctx context.Context, studentID int64, status string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE students SET status = ?, updated_at = ? WHERE id = ?`, status, unix(tx.now), studentID)
	if err != nil {
		return fmt.Errorf("storage: set student status: %w", err)
	}
	return nil
}

// RosterCounts returns a roster class's counts: pupils, insured through school, other category.
func (tx *Tx) RosterCounts(ctx context.Context, classID int64) (total, school, other int, err error) {
	err = tx.tx.QueryRowContext(ctx, `SELECT COUNT(*), IFNULL(SUM(status = 'school'), 0), IFNULL(SUM(status = 'other'), 0)
FROM students WHERE class_id = ?`, classID).Scan(&total, &school, &other)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("storage: roster counts: %w", err)
	}
	return total, school, other, nil
}
