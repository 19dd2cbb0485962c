package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// School is a school in an area.
type School struct {
	ID       int64
	AreaID   int64
	Name     string
	AreaPath string
}

// EnsureSchool returns the id of the school named name in the area, creating it if needed.
func (tx *Tx) EnsureSchool(ctx context.Context, areaID int64, name string) (id int64, added bool, err error) {
	err = tx.tx.QueryRowContext(ctx, `SELECT id FROM schools WHERE area_id = ? AND name = ?`, areaID, name).Scan(&id)
	if err == nil {
		return id, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("storage: school %q: %w", name, err)
	}
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO schools (area_id, name) VALUES (?, ?)`, areaID, name)
	if err != nil {
		return 0, false, fmt.Errorf("storage: insert school %q: %w", name, err)
	}
	id, _ = res.LastInsertId()
	return id, true, nil
}

const schoolSelect = `SELECT s.id, s.area_id, s.name, a.path FROM schools s JOIN areas a ON a.id = s.area_id `

func scanSchools(rows *sql.Rows, err error) ([]School, error) {
	if err != nil {
		return nil, fmt.Errorf("storage: schools: %w", err)
	}
	defer rows.Close()
	var out []School
	for rows.Next() {
		var s School
		if err := rows.Scan(&s.ID, &s.AreaID, &s.Name, &s.AreaPath); err != nil {
			return nil, fmt.Errorf("storage: schools: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SchoolByID returns one school.
func (tx *Tx) SchoolByID(ctx context.Context, id int64) (School, error) {
	list, err := scanSchools(tx.tx.QueryContext(ctx, schoolSelect+`WHERE s.id = ?`, id))
	if err != nil {
		return School{}, err
	}
	if len(list) == 0 {
		return School{}, ErrNotFound
	}
	return list[0], nil
}

// SchoolsNamed returns the schools with this exact name, in any area.
func (tx *Tx) SchoolsNamed(ctx context.Context, name string) ([]School, error) {
	return scanSchools(tx.tx.QueryContext(ctx, schoolSelect+`WHERE s.name = ? ORDER BY a.path`, name))
}

// SchoolsUnder lists the schools of an area and of every area below it, by name.
func (tx *Tx) SchoolsUnder(ctx context.Context, areaPath string) ([]School, error) {
	return scanSchools(tx.tx.QueryContext(ctx, schoolSelect+`WHERE `+underArea+` ORDER BY s.name, s.id`, areaPath, areaPath))
}
