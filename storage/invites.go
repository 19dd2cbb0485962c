package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Invite is a one-time (or bounded-use) code that grants a role in a scope.
type Invite struct {
	Code      string
	Role      string
	Scope     Scope
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	MaxUses   int
	Uses      int
	Revoked   bool
}

// CreateInvite stores a new invite.
func (tx *Tx) CreateInvite(ctx context.Context, inv Invite) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO invites (code, role, area_id, school_id, class_id, student_id, created_by, created_at, expires_at, max_uses)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.Code, inv.Role, nullInt(inv.Scope.AreaID), nullInt(inv.Scope.SchoolID), nullInt(inv.Scope.ClassID), nullInt(inv.Scope.StudentID),
		inv.CreatedBy, unix(tx.now), unix(inv.ExpiresAt), inv.MaxUses)
	if err != nil {
		return fmt.Errorf("storage: create invite: %w", err)
	}
	return nil
}

// InviteByCode returns an invite.
func (tx *Tx) InviteByCode(ctx context.Context, code string) (Invite, error) {
	var (
		inv              Invite
		created, expires int64
		revoked          int64
	)
	err := tx.tx.QueryRowContext(ctx, `SELECT code, role, IFNULL(area_id, 0), IFNULL(school_id, 0), IFNULL(class_id, 0), IFNULL(student_id, 0),
created_by, created_at, expires_at, max_uses, uses, revoked_at FROM invites WHERE code = ?`, code).
		Scan(&inv.Code, &inv.Role, &inv.Scope.AreaID, &inv.Scope.SchoolID, &inv.Scope.ClassID, &inv.Scope.StudentID,
			&inv.CreatedBy, &created, &expires, &inv.MaxUses, &inv.Uses, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return inv, ErrNotFound
	}
	if err != nil {
		return inv, fmt.Errorf("storage: invite: %w", err)
	}
	inv.CreatedAt, inv.ExpiresAt, inv.Revoked = fromUnix(created), fromUnix(expires), revoked != 0
	return inv, nil
}

// UseInvite counts one use of the invite.
func (tx *Tx) UseInvite(ctx context.Context, code string) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE invites SET uses = uses + 1 WHERE code = ?`, code); err != nil {
		return fmt.Errorf("storage: use invite: %w", err)
	}
	return nil
}

// RevokeInvite makes the code unusable.
func (tx *Tx) RevokeInvite(ctx context.Context, code string) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE invites SET revoked_at = ? WHERE code = ?`, unix(tx.now), code); err != nil {
		return fmt.Errorf("storage: revoke invite: %w", err)
	}
	return nil
}
