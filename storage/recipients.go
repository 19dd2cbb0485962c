package storage

import (
	"context"
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
	// ClaimPending is set on a parent's grant when a card claim for the child (any parent's)
	// or, for a grant on a class, this parent's claim on the class waits for the teacher.
	ClaimPending bool
}

// RoleHolders lists the grants of a role held by active users, at or below areaPath ("" for
// everywhere), ordered by user then grant. Grants on classes (and their pupils) of another
// school year than year are left out.
func (tx *Tx) RoleHolders(ctx context.Context, role, year, areaPath string) ([]RoleHolder, error) {
	var out []RoleHolder
	err := tx.EachRoleHolder(ctx, role, year, areaPath, func(h RoleHolder) error {
		out = append(out, h)
		return nil
	})
	return out, err
}
