package storage

import (
	"context"
	"testing"
)

func TestRoleHolders(t *testing.T) {
	st := openTest(t)
	c := seedClass(t, st)
	ctx := context.Background()
	var old, student int64
	err := st.Update(ctx, func(tx *Tx) error {
		var err error
		if old, _, err = tx.UpsertClass(ctx, Class{SchoolID: c.SchoolID, SchoolYear: "2024-2025", Name: "6A", Enrolment: 40}); err != nil {
			return err
		}
		if student, _, err = tx.UpsertStudent(ctx, c.ID, 1, "Nguyễn Văn An"); err != nil {
			return err
		}
		other, _, err := tx.EnsureArea(ctx, []string{"Cà Mau"})
		if err != nil {
			return err
		}
		area, err := tx.AreaByPath(ctx, "Sóc Trăng / Mỹ Tú")
		if err != nil {
			return err
		}
		for _, u := range []int64{1, 2, 3, 4, 5, 6, 7} {
			if err := tx.TouchUser(ctx, User{ID: u, ChatID: 100 + u}); err != nil {
				return err
			}
		}
		grants := []struct {
			user int64
			role string
			sc   Scope
		}{
			{1, RoleTeacher, Scope{ClassID: c.ID}},
			{2, RoleTeacher, Scope{ClassID: old}},
			{3, RoleParent, Scope{StudentID: student}},
			{4, RoleParent, Scope{ClassID: c.ID}},
			{5, RoleOfficer, Scope{AreaID: area.ID}},
			{6, RoleOfficer, Scope{AreaID: other}},
			{7, RoleTeacher, Scope{ClassID: c.ID}},
			{1, RolePrincipal, Scope{SchoolID: c.SchoolID}},
		}
		for _, g := range grants {
			if err := tx.GrantRole(ctx, g.user, g.role, g.sc); err != nil {
				return err
			}
		}
		return tx.DeactivateChat(ctx, 107, "blocked")
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.View(ctx, func(tx *Tx) error {
		count := func(role, path string) []RoleHolder {
			hs, err := tx.RoleHolders(ctx, role, "2025-2026", path)
			if err != nil {
				t.Fatal(err)
			}
			return hs
		}
		teachers := count(RoleTeacher, "")
		if len(teachers) != 1 || teachers[0].UserID != 1 || teachers[0].ChatID != 101 || teachers[0].ClassName != "6A" ||
			teachers[0].SchoolName != "Trường THCS Mỹ Tú" || teachers[0].AreaPath != "Sóc Trăng / Mỹ Tú" || teachers[0].Enrolment != 42 {
			t.Errorf("teachers (last year's and inactive left out): %+v", teachers)
		}
		parents := count(RoleParent, "Sóc Trăng")
		if len(parents) != 2 || parents[0].StudentName != "Nguyễn Văn An" || parents[0].StudentStatus != StatusUninsured ||
			parents[0].ClassID != c.ID || parents[1].StudentID != 0 || parents[1].ClassID != c.ID || parents[1].SchoolID != c.SchoolID {
			t.Errorf("parents: %+v", parents)
		}
		if got := count(RoleOfficer, ""); len(got) != 2 {
			t.Errorf("officers: %+v", got)
		}
		if got := count(RoleOfficer, "Sóc Trăng"); len(got) != 1 || got[0].UserID != 5 || got[0].AreaPath != "Sóc Trăng / Mỹ Tú" {
			t.Errorf("officers under Sóc Trăng: %+v", got)
		}
		if got := count(RoleOfficer, "Sóc"); len(got) != 0 {
			t.Errorf("a path prefix matched: %+v", got)
		}
		if got := count(RolePrincipal, "Sóc Trăng / Mỹ Tú"); len(got) != 1 || got[0].SchoolID != c.SchoolID {
			t.Errorf("principals: %+v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
