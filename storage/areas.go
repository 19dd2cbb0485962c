package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// PathSep separates the levels of an area path, as in "Sóc Trăng / Mỹ Tú".
const PathSep = " / "

// Area is one level of the administrative hierarchy.
type Area struct {
	ID       int64
	ParentID int64
	Name     string
	Path     string
	Level    int
}

// EnsureArea returns the id of the area with the given path (names from the top down),
// creating it and its missing ancestors; added counts the areas created.
func (tx *Tx) EnsureArea(ctx context.Context, names []string) (id int64, added int, err error) {
	var parent int64
	for level := range names {
		path := strings.Join(names[:level+1], PathSep)
		err := tx.tx.QueryRowContext(ctx, `SELECT id FROM areas WHERE path = ?`, path).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.tx.ExecContext(ctx,
				`INSERT INTO areas (parent_id, name, path, level) VALUES (?, ?, ?, ?)`,
				nullInt(parent), names[level], path, level)
			if err != nil {
				return 0, added, fmt.Errorf("storage: insert area %q: %w", path, err)
			}
			id, _ = res.LastInsertId()
			added++
		case err != nil:
			return 0, added, fmt.Errorf("storage: area %q: %w", path, err)
		}
		parent = id
	}
	return id, added, nil
}

const areaColumns = `id, IFNULL(parent_id, 0), name, path, level`

func scanArea(row interface{ Scan(...any) error }) (Area, error) {
	var a Area
	err := row.Scan(&a.ID, &a.ParentID, &a.Name, &a.Path, &a.Level)
	return a, err
}

// AreaByPath returns the area with exactly this path.
func (tx *Tx) AreaByPath(ctx context.Context, path string) (Area, error) {
	a, err := scanArea(tx.tx.QueryRowContext(ctx, `SELECT `+areaColumns+` FROM areas WHERE path = ?`, path))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("storage: area by path: %w", err)
	}
	return a, nil
}

// AreaByID returns one area.
func (tx *Tx) AreaByID(ctx context.Context, id int64) (Area, error) {
	a, err := scanArea(tx.tx.QueryRowContext(ctx, `SELECT `+areaColumns+` FROM areas WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("storage: area by id: %w", err)
	}
	return a, nil
}

// Areas lists every area ordered by path.
func (tx *Tx) Areas(ctx context.Context) ([]Area, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+areaColumns+` FROM areas ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("storage: areas: %w", err)
	}
	defer rows.Close()
	var out []Area
	for rows.Next() {
		a, err := scanArea(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: areas: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// underArea is a WHERE fragment matching areas at or below the area path given twice as args.
const underArea = `(a.path = ? OR a.path LIKE ? || ' / %')`
