package storage

import (
	"context"
	"fmt"
)

// Audit appends an entry to the audit log.
func (tx *Tx) Audit(ctx context.Context, userID int64, action, detail string) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, action, detail) VALUES (?, ?, ?, ?)`, unix(tx.now), userID, action, detail)
	if err != nil {
		return fmt.Errorf("storage: audit: %w", err)
	}
	return nil
}
