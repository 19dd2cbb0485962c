package storage

import (
	"context"
	"fmt"
)

// TopAreas lists the top-level areas (level 0), by path.
func (tx *Tx) TopAreas(ctx context.Context) ([]Area, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+areaColumns+` FROM areas WHERE parent_id IS NULL ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("storage: top areas: %w", err)
	}
	defer rows.Close()
	var out []Area
	for rows.Next() {
		a, err := scanArea(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: top areas: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
