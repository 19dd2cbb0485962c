package commands_test

import (
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/roster"
	"github.com/bhytbot/bhytbot/storage"
)

// A roster re-imported with pupil 1 gone and the rest renumbered: in chat, pupil 1's
// parent still sees pupil 1 and her card, pupil 2's parent sees pupil 2 under the new
// number, and the teacher's list and figures count only the pupils on the new list.
// (Rows used to be renamed in place by number, so pupil 1's parent was shown pupil 2's
// name with pupil 1's card status.)
func TestReimportKeepsParentsOnTheirChildren(t *testing.T) {
	w := newWorld(t)
	const (
		teacher = 41
		parentA = 50
		parentB = 51
	)
	err := w.store.Update(w.ctx, func(tx *storage.Tx) error {
		cl, err := commandsClass(w, tx, "Trường THCS Mỹ Tú / 6B")
		if err != nil {
			return err
		}
		pupils, err := tx.StudentsOfClass(w.ctx, cl)
		if err != nil {
			return err
		}
		grants := []struct {
			user  int64
			role  string
			scope storage.Scope
		}{
			{teacher, storage.RoleTeacher, storage.Scope{ClassID: cl}},
			{parentA, storage.RoleParent, storage.Scope{StudentID: pupils[0].ID}},
			{parentB, storage.RoleParent, storage.Scope{StudentID: pupils[1].ID}},
		}
		for _, g := range grants {
			if err := tx.TouchUser(w.ctx, storage.User{ID: g.user, ChatID: g.user, Name: "Người"}); err != nil {
				return err
			}
			if err := tx.GrantRole(w.ctx, g.user, g.role, g.scope); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, w.say(teacher, "/dadong 6B 1"), "Đã ghi 1 học sinh")

	renumbered := strings.NewReplacer(
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6B,3,Cô Hoa,Nguyễn Văn An,1\n", "",
		"6B,3,Cô Hoa,Trần Thị Bình,2", "6B,2,Cô Hoa,Trần Thị Bình,1",
		"6B,3,Cô Hoa,Lê Hoàng Cường,3", "6B,2,Cô Hoa,Lê Hoàng Cường,2",
	).Replace(rosterCSV)
	rows, err := roster.ReadCSV(strings.NewReader(renumbered))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := roster.Import(w.ctx, w.store, "2025-2026", rows)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Pupils.Retired != 1 || len(sum.Changes) != 2 {
		t.Errorf("summary:\n%s", sum)
	}

	got := w.say(parentA, "/con")
	expect(t, got, "Nguyễn Văn An", "không còn trong danh sách lớp 6B", "đã tham gia BHYT qua trường")
	if strings.Contains(texts(got), "Trần Thị Bình") {
		t.Errorf("pupil 1's parent is shown another child:\n%s", texts(got))
	}
	got = w.say(parentB, "/con")
	expect(t, got, "Trần Thị Bình", "chưa ghi nhận em có thẻ")
	if strings.Contains(texts(got), "Nguyễn Văn An") {
		t.Errorf("pupil 2's parent is shown another child:\n%s", texts(got))
	}

	got = w.say(teacher, "/chuadong 6B")
	expect(t, got, "2/2 học sinh chưa tham gia", "1. Trần Thị Bình", "2. Lê Hoàng Cường")
	if strings.Contains(texts(got), "Nguyễn Văn An") {
		t.Errorf("the departed pupil is still listed:\n%s", texts(got))
	}
	expect(t, w.say(teacher, "/dadong 6B 3"), "không có học sinh số 3", "danh sách có 2 em")
	expect(t, w.say(teacher, "/dadong 6B 2"), "Đã ghi 1 học sinh", "50%")
}

func commandsClass(w *world, tx *storage.Tx, scope string) (int64, error) {
	cls, err := tx.ClassesUnder(w.ctx, "Sóc Trăng", "2025-2026")
	if err != nil {
		return 0, err
	}
	for _, c := range cls {
		if c.SchoolName+" / "+c.Name == scope {
			return c.ID, nil
		}
	}
	return 0, storage.ErrNotFound
}
