package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Class is a class of a school in one school year.
type Class struct {
	ID          int64
	SchoolID    int64
	SchoolYear  string
	Name        string
	Enrolment   int
	TeacherName string
	HasRoster   bool
	SchoolName  string
	AreaPath    string
}

// Change says what an idempotent upsert did.
type Change int

// The outcomes of an upsert.
const (
	Unchanged Change = iota
	Added
	Updated
)

// UpsertClass creates the class or updates its enrolment, teacher and roster flag. Class
// names compare without regard to case ("6b" is the class 6B); an existing class keeps the
// name it was created with.
func (tx *Tx) UpsertClass(ctx context.Context, c Class) (int64, Change, error) {
	var (
		id        int64
		enrolment int
		teacher   string
		roster    bool
	)
	err := tx.tx.QueryRowContext(ctx,
		`SELECT id, enrolment, teacher_name, has_roster FROM classes WHERE school_id = ? AND school_year = ? AND name = ?`,
		c.SchoolID, c.SchoolYear, c.Name).Scan(&id, &enrolment, &teacher, &roster)
	if errors.Is(err, sql.ErrNoRows) {
		if id, enrolment, teacher, roster, err = tx.classByFoldedName(ctx, c); err == nil && id == 0 {
			err = sql.ErrNoRows
		}
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.tx.ExecContext(ctx,
			`INSERT INTO classes (school_id, school_year, name, enrolment, teacher_name, has_roster) VALUES (?, ?, ?, ?, ?, ?)`,
			c.SchoolID, c.SchoolYear, c.Name, c.Enrolment, c.TeacherName, c.HasRoster)
		if err != nil {
			return 0, Unchanged, fmt.Errorf("storage: insert class %q: %w", c.Name, err)
		}
		id, _ = res.LastInsertId()
		return id, Added, nil
	case err != nil:
		return 0, Unchanged, fmt.Errorf("storage: class %q: %w", c.Name, err)
	}
	if enrolment == c.Enrolment && teacher == c.TeacherName && roster == c.HasRoster {
		return id, Unchanged, nil
	}
	_, err = tx.tx.ExecContext(ctx, `UPDATE classes SET enrolment = ?, teacher_name = ?, has_roster = ? WHERE id = ?`,
		c.Enrolment, c.TeacherName, c.HasRoster, id)
	if err != nil {
		return 0, Unchanged, fmt.Errorf("storage: update class %q: %w", c.Name, err)
	}
	return id, Updated, nil
}

// classByFoldedName finds the school's class of the year whose name equals c.Name but for
// case; SQLite's NOCASE folds only ASCII letters, so the school's few names are compared
// here. It returns the id 0 when there is none.
func (tx *Tx) classByFoldedName(ctx context.Context, c Class) (id int64, enrolment int, teacher string, roster bool, err error) {
	rows, err := tx.tx.QueryContext(ctx,
		`SELECT id, name, enrolment, teacher_name, has_roster FROM classes WHERE school_id = ? AND school_year = ? ORDER BY id`,
		c.SchoolID, c.SchoolYear)
	if err != nil {
		return 0, 0, "", false, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&id, &name, &enrolment, &teacher, &roster); err != nil {
			return 0, 0, "", false, err
		}
		if strings.EqualFold(name, c.Name) {
			return id, enrolment, teacher, roster, nil
		}
	}
	return 0, 0, "", false, rows.Err()
}

const classSelect = `SELECT c.id, c.school_id, c.school_year, c.name, c.enrolment, c.teacher_name, c.has_roster, s.name, a.path
FROM classes c JOIN schools s ON s.id = c.school_id JOIN areas a ON a.id = s.area_id `

// classByID is classSelect for one class with its school and area read by subqueries: the
// driver clears a statement's bindings before each run, and SQLite then plans a join with
// a bound value afresh every time (several times the cost of the lookups), while a
// single-table lookup by key skips the planner. Foreign keys make both subqueries find
// their row.
const classByID = `SELECT c.id, c.school_id, c.school_year, c.name, c.enrolment, c.teacher_name, c.has_roster,
    (SELECT name FROM schools WHERE id = c.school_id),
    (SELECT path FROM areas WHERE id = (SELECT area_id FROM schools WHERE id = c.school_id))
FROM classes c WHERE c.id = ?`

func scanClasses(rows *sql.Rows, err error) ([]Class, error) {
	if err != nil {
		return nil, fmt.Errorf("storage: classes: %w", err)
	}
	defer rows.Close()
	var out []Class
	for rows.Next() {
		var c Class
		if err := rows.Scan(&c.ID, &c.SchoolID, &c.SchoolYear, &c.Name, &c.Enrolment, &c.TeacherName, &c.HasRoster, &c.SchoolName, &c.AreaPath); err != nil {
			return nil, fmt.Errorf("storage: classes: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClassByID returns one class.
func (tx *Tx) ClassByID(ctx context.Context, id int64) (Class, error) {
	list, err := scanClasses(tx.tx.QueryContext(ctx, classByID, id))
	if err != nil {
		return Class{}, err
	}
	if len(list) == 0 {
		return Class{}, ErrNotFound
	}
	return list[0], nil
}

// ClassesOfSchool lists a school's classes of a school year, by name.
func (tx *Tx) ClassesOfSchool(ctx context.Context, schoolID int64, year string) ([]Class, error) {
	return scanClasses(tx.tx.QueryContext(ctx, classSelect+`WHERE c.school_id = ? AND c.school_year = ? ORDER BY c.name`, schoolID, year))
}

// ClassesUnder lists the classes of a school year in an area and every area below it.
func (tx *Tx) ClassesUnder(ctx context.Context, areaPath, year string) ([]Class, error) {
	return scanClasses(tx.tx.QueryContext(ctx, classSelect+`WHERE `+underArea+` AND c.school_year = ? ORDER BY s.name, c.name`, areaPath, areaPath, year))
}

// SetEnrolment changes a class's enrolment on the school's list (reports do not: a report
// with another enrolment is recorded as given and compared with this one).
func (tx *Tx) SetEnrolment(ctx context.Context, classID int64, enrolment int) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE classes SET enrolment = ? WHERE id = ?`, enrolment, classID); err != nil {
		return fmt.Errorf("storage: set enrolment: %w", err)
	}
	return nil
}
