package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// Role names.
const (
	RoleAdmin     = "admin"
	RoleOfficer   = "officer"
	RolePrincipal = "principal"
	RoleTeacher   = "teacher"
	RoleParent    = "parent"
)

// Scope is where a role or an invite applies; exactly one id is set (none for admin).
type Scope struct {
	AreaID    int64
	SchoolID  int64
	ClassID   int64
	StudentID int64
}

// Role is one grant of a role to a user.
type Role struct {
	ID     int64
	UserID int64
	Role   string
	Scope
}

// GrantRole gives the user the role in the scope; granting it twice is a no-op.
func (tx *Tx) GrantRole(ctx context.Context, userID int64, role string, sc Scope) error {
	tx.rolesChanged = true
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO roles (user_id, role, area_id, school_id, class_id, student_id, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		userID, role, nullInt(sc.AreaID), nullInt(sc.SchoolID), nullInt(sc.ClassID), nullInt(sc.StudentID), unix(tx.now))
	if err != nil {
		return fmt.Errorf("storage: grant role: %w", err)
	}
	return nil
}

// RevokeRole removes one grant.
func (tx *Tx) RevokeRole(ctx context.Context, roleID int64) error {
	tx.rolesChanged = true
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM roles WHERE id = ?`, roleID); err != nil {
		return fmt.Errorf("storage: revoke role: %w", err)
	}
	return nil
}

const roleSelect = `SELECT id, user_id, role, IFNULL(area_id, 0), IFNULL(school_id, 0), IFNULL(class_id, 0), IFNULL(student_id, 0) FROM roles `

func scanRoles(rows *sql.Rows, err error) ([]Role, error) {
	if err != nil {
		return nil, fmt.Errorf("storage: roles: %w", err)
	}
	defer rows.Close()
	var out []Role
	for rows.Next() {
		var r Role
		if err := rows.Scan(&r.ID, &r.UserID, &r.Role, &r.AreaID, &r.SchoolID, &r.ClassID, &r.StudentID); err != nil {
			return nil, fmt.Errorf("storage: roles: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RolesOfUser lists a user's grants.
func (tx *Tx) RolesOfUser(ctx context.Context, userID int64) ([]Role, error) {
	return scanRoles(tx.tx.QueryContext(ctx, roleSelect+`WHERE user_id = ? ORDER BY id`, userID))
}

// RolesNamed lists every grant of one role, e.g. all principals.
func (tx *Tx) RolesNamed(ctx context.Context, role string) ([]Role, error) {
	return scanRoles(tx.tx.QueryContext(ctx, roleSelect+`WHERE role = ? ORDER BY user_id, id`, role))
}
