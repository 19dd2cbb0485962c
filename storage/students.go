package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/bhytbot/bhytbot/vntext"
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
	// Retired is set when a later roster file no longer lists the pupil. The row stays, so
	// parent links, card claims and invites keep pointing at this child and come back with
	// them if a later file lists them again; a retired pupil is in no list and no count.
	Retired bool
}

const studentSelect = `SELECT id, class_id, number, name, status, retired_at != 0 FROM students `

func scanStudents(rows *sql.Rows, err error) ([]Student, error) {
	if err != nil {
		return nil, fmt.Errorf("storage: students: %w", err)
	}
	defer rows.Close()
	var out []Student
	for rows.Next() {
		var s Student
		if err := rows.Scan(&s.ID, &s.ClassID, &s.Number, &s.Name, &s.Status, &s.Retired); err != nil {
			return nil, fmt.Errorf("storage: students: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: students: %w", err)
	}
	return out, nil
}

// UpsertStudent puts one pupil at a roster number, as a one-line roster would: the pupil
// already there keeps their row when the name is theirs (a different case, spacing or
// diacritics is taken as their name retyped, and stored), and is retired when the name
// is someone else's, so another child's name never lands on their parent links and card
// status. The insurance status is never touched. A whole class file goes through
// roster.Import, which matches pupils by name.
func (tx *Tx) UpsertStudent(ctx context.Context, classID int64, number int, name string) (int64, Change, error) {
	var (
		id  int64
		old string
	)
	err := tx.tx.QueryRowContext(ctx, `SELECT id, name FROM students WHERE class_id = ? AND number = ? AND retired_at = 0`, classID, number).Scan(&id, &old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return 0, Unchanged, fmt.Errorf("storage: student: %w", err)
	case old == name:
		return id, Unchanged, nil
	case vntext.Fold(old) == vntext.Fold(name):
		if err := tx.PlaceStudents(ctx, []Placement{{ID: id, Number: number, Name: name}}); err != nil {
			return 0, Unchanged, err
		}
		return id, Updated, nil
	default:
		if err := tx.RetireStudents(ctx, id); err != nil {
			return 0, Unchanged, err
		}
	}
	id, err = tx.InsertStudent(ctx, classID, number, name)
	if err != nil {
		return 0, Unchanged, err
	}
	return id, Added, nil
}

// InsertStudent adds a new pupil to a class at a number no active pupil holds.
func (tx *Tx) InsertStudent(ctx context.Context, classID int64, number int, name string) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO students (class_id, number, name, updated_at) VALUES (?, ?, ?, ?)`,
		classID, number, name, unix(tx.now))
	if err != nil {
		return 0, fmt.Errorf("storage: insert student: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("storage: insert student: %w", err)
	}
	return id, nil
}

// RetireStudents takes pupils off their class's roster: they leave every list and count,
// keep their row, status and links, and free their number for someone else.
func (tx *Tx) RetireStudents(ctx context.Context, ids ...int64) error {
	at := max(unix(tx.now), 1) // 0 means "on the roster"
	for _, id := range ids {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE students SET retired_at = ?, updated_at = ? WHERE id = ? AND retired_at = 0`,
			at, unix(tx.now), id); err != nil {
			return fmt.Errorf("storage: retire student %d: %w", id, err)
		}
	}
	return nil
}

// Placement is where a known pupil goes on the roster: a number and the name as now typed.
type Placement struct {
	ID     int64
	Number int
	Name   string
}

// PlaceStudents moves known pupils to their numbers and names, putting a retired one back
// on the roster. Numbers may be exchanged among the pupils placed (two pupils swapping
// numbers in one file): every pupil first leaves their number for one no roster number
// can be (minus the row id), then takes the new one, so the one-pupil-per-number index
// never sees two pupils on a number. A number must not be held by an active pupil who is
// not placed here.
func (tx *Tx) PlaceStudents(ctx context.Context, ps []Placement) error {
	for _, p := range ps {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE students SET number = -id, retired_at = 0 WHERE id = ?`, p.ID); err != nil {
			return fmt.Errorf("storage: place student %d: %w", p.ID, err)
		}
	}
	for _, p := range ps {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE students SET number = ?, name = ?, updated_at = ? WHERE id = ?`,
			p.Number, p.Name, unix(tx.now), p.ID); err != nil {
			return fmt.Errorf("storage: place student %d at %d: %w", p.ID, p.Number, err)
		}
	}
	return nil
}

// StudentsOfClass lists a class's roster by number: the pupils on it now, not the retired.
func (tx *Tx) StudentsOfClass(ctx context.Context, classID int64) ([]Student, error) {
	return scanStudents(tx.tx.QueryContext(ctx, studentSelect+`WHERE class_id = ? AND retired_at = 0 ORDER BY number`, classID))
}

// ClassRoster lists every pupil a class has had, active ones first by number, then the
// retired ones by the number they last held; an import matches its file against it.
func (tx *Tx) ClassRoster(ctx context.Context, classID int64) ([]Student, error) {
	return scanStudents(tx.tx.QueryContext(ctx, studentSelect+`WHERE class_id = ? ORDER BY retired_at != 0, number, id`, classID))
}

// StudentByID returns one pupil, retired or not (see Student.Retired).
func (tx *Tx) StudentByID(ctx context.Context, id int64) (Student, error) {
	list, err := scanStudents(tx.tx.QueryContext(ctx, studentSelect+`WHERE id = ?`, id))
	if err != nil {
		return Student{}, fmt.Errorf("storage: student: %w", err)
	}
	if len(list) == 0 {
		return Student{}, ErrNotFound
	}
	return list[0], nil
}

// SetStudentStatus records a pupil's insurance status.
func (tx *Tx) SetStudentStatus(ctx context.Context, studentID int64, status string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE students SET status = ?, updated_at = ? WHERE id = ?`, status, unix(tx.now), studentID)
	if err != nil {
		return fmt.Errorf("storage: set student status: %w", err)
	}
	return nil
}

// RosterCounts returns a roster class's counts over the pupils on its roster now: pupils,
// insured through school, other category.
func (tx *Tx) RosterCounts(ctx context.Context, classID int64) (total, school, other int, err error) {
	err = tx.tx.QueryRowContext(ctx, `SELECT COUNT(*), IFNULL(SUM(status = 'school'), 0), IFNULL(SUM(status = 'other'), 0)
FROM students WHERE class_id = ? AND retired_at = 0`, classID).Scan(&total, &school, &other)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("storage: roster counts: %w", err)
	}
	return total, school, other, nil
}

// ParentsInClass maps each pupil of the class (retired ones too) who has a parent linked
// to those parents, by user id.
func (tx *Tx) ParentsInClass(ctx context.Context, classID int64) (map[int64][]User, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT st.id, u.id, u.chat_id, u.name, u.username, u.active, u.inactive_reason
FROM students st JOIN roles r ON r.student_id = st.id AND r.role = 'parent' JOIN users u ON u.id = r.user_id
WHERE st.class_id = ? ORDER BY st.id, u.id`, classID)
	if err != nil {
		return nil, fmt.Errorf("storage: parents in class: %w", err)
	}
	defer rows.Close()
	out := map[int64][]User{}
	for rows.Next() {
		var (
			pupil int64
			u     User
		)
		if err := rows.Scan(&pupil, &u.ID, &u.ChatID, &u.Name, &u.Username, &u.Active, &u.InactiveReason); err != nil {
			return nil, fmt.Errorf("storage: parents in class: %w", err)
		}
		out[pupil] = append(out[pupil], u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: parents in class: %w", err)
	}
	return out, nil
}
