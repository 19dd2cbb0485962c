package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
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
	InviteCode string // the invite that granted it; "" for config, the CLI and older grants
}

// GrantRole gives the user the role in the scope; granting it twice is a no-op.
func (tx *Tx) GrantRole(ctx context.Context, userID int64, role string, sc Scope) error {
	return tx.GrantRoleVia(ctx, userID, role, sc, "")
}

// GrantRoleVia gives the user the role in the scope and records the invite code that
// granted it, so revoking the code can take the role back; granting it twice is a no-op
// (the first grant's code stays).
func (tx *Tx) GrantRoleVia(ctx context.Context, userID int64, role string, sc Scope, code string) error {
	tx.rolesChanged = true
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO roles (user_id, role, area_id, school_id, class_id, student_id, created_at, invite_code)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		userID, role, nullInt(sc.AreaID), nullInt(sc.SchoolID), nullInt(sc.ClassID), nullInt(sc.StudentID), unix(tx.now), nullString(code))
	if err != nil {
		return fmt.Errorf("storage: grant role: %w", err)
	}
	return nil
}

// RevokeRole removes one grant. Taking away a role that opens the dashboard (admin, officer,
// principal) also ends the person's dashboard sessions in the same transaction, so a grant
// made afterwards does not revive a session opened under the old one.
func (tx *Tx) RevokeRole(ctx context.Context, roleID int64) error {
	tx.rolesChanged = true
	if _, err := tx.tx.ExecContext(ctx, `UPDATE web_sessions SET ended_at = ? WHERE ended_at = 0 AND user_id =
(SELECT user_id FROM roles WHERE id = ? AND role IN ('admin', 'officer', 'principal'))`, max(unix(tx.now), 1), roleID); err != nil {
		return fmt.Errorf("storage: revoke role: end web sessions: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM roles WHERE id = ?`, roleID); err != nil {
		return fmt.Errorf("storage: revoke role: %w", err)
	}
	return nil
}

const roleSelect = `SELECT id, user_id, role, IFNULL(area_id, 0), IFNULL(school_id, 0), IFNULL(class_id, 0), IFNULL(student_id, 0), IFNULL(invite_code, '') FROM roles `

func scanRoles(rows *sql.Rows, err error) ([]Role, error) {
	if err != nil {
		return nil, fmt.Errorf("storage: roles: %w", err)
	}
	defer rows.Close()
	var out []Role
	for rows.Next() {
		var r Role
		if err := rows.Scan(&r.ID, &r.UserID, &r.Role, &r.AreaID, &r.SchoolID, &r.ClassID, &r.StudentID, &r.InviteCode); err != nil {
			return nil, fmt.Errorf("storage: roles: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RolesOfUser lists a user's grants, oldest first. They are sorted here, not by SQL: an
// ORDER BY makes SQLite build a sorter for every call, which costs more than the lookup.
func (tx *Tx) RolesOfUser(ctx context.Context, userID int64) ([]Role, error) {
	rs, err := scanRoles(tx.tx.QueryContext(ctx, roleSelect+`WHERE user_id = ?`, userID))
	slices.SortFunc(rs, func(a, b Role) int { return cmp.Compare(a.ID, b.ID) })
	return rs, err
}

// RolesNamed lists every grant of one role, e.g. all principals.
func (tx *Tx) RolesNamed(ctx context.Context, role string) ([]Role, error) {
	return scanRoles(tx.tx.QueryContext(ctx, roleSelect+`WHERE role = ? ORDER BY user_id, id`, role))
}

// RoleByID returns one grant or ErrNotFound.
func (tx *Tx) RoleByID(ctx context.Context, id int64) (Role, error) {
	rs, err := scanRoles(tx.tx.QueryContext(ctx, roleSelect+`WHERE id = ?`, id))
	if err != nil {
		return Role{}, err
	}
	if len(rs) == 0 {
		return Role{}, ErrNotFound
	}
	return rs[0], nil
}

// RolesByInvite lists the grants an invite code made.
func (tx *Tx) RolesByInvite(ctx context.Context, code string) ([]Role, error) {
	return scanRoles(tx.tx.QueryContext(ctx, roleSelect+`WHERE invite_code = ? ORDER BY id`, code))
}

// RolesOfStudent lists the parent grants bound to one pupil.
func (tx *Tx) RolesOfStudent(ctx context.Context, studentID int64) ([]Role, error) {
	return scanRoles(tx.tx.QueryContext(ctx, roleSelect+`WHERE role = 'parent' AND student_id = ? ORDER BY id`, studentID))
}

// PlacedRole is a grant with where it sits in the roster: the class, school and area
// path of its scope (a pupil's class, a class's school, a school's area), so a caller's
// reach can be checked without a read per grant.
type PlacedRole struct {
	Role
	PlaceClassID  int64
	PlaceSchoolID int64
	AreaPath      string
}

// PlacedRoles lists every grant with its place, by role then user.
func (tx *Tx) PlacedRoles(ctx context.Context) ([]PlacedRole, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT r.id, r.user_id, r.role, IFNULL(r.area_id, 0), IFNULL(r.school_id, 0), IFNULL(r.class_id, 0),
IFNULL(r.student_id, 0), IFNULL(r.invite_code, ''), IFNULL(c.id, 0), IFNULL(s.id, 0), IFNULL(a.path, '')
FROM roles r
LEFT JOIN students st ON st.id = r.student_id
LEFT JOIN classes c ON c.id = COALESCE(st.class_id, r.class_id)
LEFT JOIN schools s ON s.id = COALESCE(c.school_id, r.school_id)
LEFT JOIN areas a ON a.id = COALESCE(s.area_id, r.area_id)
ORDER BY CASE r.role WHEN 'officer' THEN 1 WHEN 'principal' THEN 2 WHEN 'teacher' THEN 3 ELSE 4 END, r.user_id, r.id`)
	if err != nil {
		return nil, fmt.Errorf("storage: placed roles: %w", err)
	}
	defer rows.Close()
	var out []PlacedRole
	for rows.Next() {
		var p PlacedRole
		if err := rows.Scan(&p.ID, &p.UserID, &p.Role.Role, &p.AreaID, &p.SchoolID, &p.ClassID, &p.StudentID, &p.InviteCode,
			&p.PlaceClassID, &p.PlaceSchoolID, &p.AreaPath); err != nil {
			return nil, fmt.Errorf("storage: placed roles: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// StoredRolesVersion is a counter the database bumps on every change to roles, by any
// process; a cache of role-derived state compares it to notice a revocation made by the
// CLI while the bot runs.
func (tx *Tx) StoredRolesVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := tx.tx.QueryRowContext(ctx, `SELECT v FROM roles_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("storage: roles version: %w", err)
	}
	return v, nil
}

// CallerVersion is what a user's roles and the roster rows they reach (areas, schools,
// classes) are read at: the stored counters of role changes and roster changes, bumped by
// triggers in any process's transaction. A transaction that sees the same version as a
// committed one sees the same roles and roster rows.
type CallerVersion struct{ Roles, Roster int64 }

// CallerVersion returns the version of the roles and the roster as the transaction sees it.
func (tx *Tx) CallerVersion(ctx context.Context) (CallerVersion, error) {
	var v CallerVersion
	if err := tx.tx.QueryRowContext(ctx, `SELECT (SELECT v FROM roles_version), (SELECT v FROM roster_version)`).Scan(&v.Roles, &v.Roster); err != nil {
		return v, fmt.Errorf("storage: caller version: %w", err)
	}
	return v, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
