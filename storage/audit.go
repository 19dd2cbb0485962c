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

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	UserID int64
	Action string
	Detail string
}

// AuditLog lists the entries with this action, oldest first.
func (tx *Tx) AuditLog(ctx context.Context, action string) ([]AuditEntry, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT user_id, action, detail FROM audit_log WHERE action = ? ORDER BY id`, action)
	if err != nil {
		return nil, fmt.Errorf("storage: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var a AuditEntry
		if err := rows.Scan(&a.UserID, &a.Action, &a.Detail); err != nil {
			return nil, fmt.Errorf("storage: audit log: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
