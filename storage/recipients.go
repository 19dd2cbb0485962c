package storage

import (
	"context"
	"fmt"
)

// RoleHolder is one grant of a role to an active user, with the units of its scope resolved:
// a parent's pupil gives its class, a class its school, a school its area. Fields a grant does
// not reach are zero (an officer's grant has only the area).
type RoleHolder struct {
	RoleID int64
	UserID int64
	ChatID int64
	Role   string
	// Scope is the grant as stored.
	Scope Scope
	// The units the grant reaches.
	AreaID        int64
	AreaPath      string
	SchoolID      int64
	SchoolName    string
	ClassID       int64
	ClassName     string
	Enrolment     int
	StudentID     int64
	StudentName   string
	StudentStatus string
}

// RoleHolders lists the grants of a role held by active users, at or below areaPath ("" for
// everywhere), ordered by user then grant. Grants on classes (and their pupils) of another
// school year than year are left out.
func (tx *Tx) RoleHolders(ctx context.Context, role, year, areaPath string) ([]RoleHolder, error) {
	q := `SELECT r.id, r.user_id, u.chat_id, r.role,
    IFNULL(r.area_id, 0), IFNULL(r.school_id, 0), IFNULL(r.class_id, 0), IFNULL(r.student_id, 0),
    IFNULL(a.id, 0), IFNULL(a.path, ''), IFNULL(s.id, 0), IFNULL(s.name, ''),
    IFNULL(c.id, 0), IFNULL(c.name, ''), IFNULL(c.enrolment, 0),
    IFNULL(st.id, 0), IFNULL(st.name, ''), IFNULL(st.status, '')
FROM roles r
JOIN users u ON u.id = r.user_id
LEFT JOIN students st ON st.id = r.student_id
LEFT JOIN classes c ON c.id = COALESCE(r.class_id, st.class_id)
LEFT JOIN schools s ON s.id = COALESCE(r.school_id, c.school_id)
LEFT JOIN areas a ON a.id = COALESCE(r.area_id, s.area_id)
WHERE r.role = ? AND u.active = 1
  AND (c.id IS NULL OR c.school_year = ?)
  AND (? = '' OR a.path = ? OR a.path LIKE ? || ' / %')
ORDER BY r.user_id, r.id`
	rows, err := tx.tx.QueryContext(ctx, q, role, year, areaPath, areaPath, areaPath)
	if err != nil {
		return nil, fmt.Errorf("storage: role holders: %w", err)
	}
	defer rows.Close()
	var out []RoleHolder
	for rows.Next() {
		var h RoleHolder
		if err := rows.Scan(&h.RoleID, &h.UserID, &h.ChatID, &h.Role,
			&h.Scope.AreaID, &h.Scope.SchoolID, &h.Scope.ClassID, &h.Scope.StudentID,
			&h.AreaID, &h.AreaPath, &h.SchoolID, &h.SchoolName,
			&h.ClassID, &h.ClassName, &h.Enrolment,
			&h.StudentID, &h.StudentName, &h.StudentStatus); err != nil {
			return nil, fmt.Errorf("storage: role holders: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
