package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/roster"
	"github.com/bhytbot/bhytbot/storage"
)

// A parent's card report waits for the teacher: the parent's /con says so (and offers the
// button no more), the teacher's /chuadong marks the pupil. After a re-import that drops
// pupil 1, her parent's /con says she left the class list, her old card button files no
// claim for the teacher, and an invite made for her before cannot be redeemed.
func TestPendingClaimAndRetiredChild(t *testing.T) {
	w := newWorld(t)
	const (
		teacher   = 41
		parentAn  = 50
		parentBi  = 51
		latecomer = 52
	)
	var code string
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
			{parentAn, storage.RoleParent, storage.Scope{StudentID: pupils[0].ID}},
			{parentBi, storage.RoleParent, storage.Scope{StudentID: pupils[1].ID}},
		}
		for _, g := range grants {
			if err := tx.TouchUser(w.ctx, storage.User{ID: g.user, ChatID: g.user, Name: "Người"}); err != nil {
				return err
			}
			if err := tx.GrantRole(w.ctx, g.user, g.role, g.scope); err != nil {
				return err
			}
		}
		inv, err := commands.CreateInvite(w.ctx, tx, storage.RoleParent, storage.Scope{StudentID: pupils[0].ID}, teacher, time.Now().Add(72*time.Hour), 1)
		code = inv.Code
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	expect(t, w.say(parentBi, "Con tôi đã có thẻ"), "Đã gửi cho giáo viên chủ nhiệm xác nhận")
	got := w.say(parentBi, "/con")
	expect(t, got, "Trần Thị Bình", "đang chờ giáo viên chủ nhiệm xác nhận")
	if len(got) != 1 || len(got[0].Buttons) != 0 || strings.Contains(got[0].Text, "chưa ghi nhận") {
		t.Errorf("/con with a waiting claim: %+v", got)
	}
	got = w.say(teacher, "/chuadong 6B")
	expect(t, got, "1. Nguyễn Văn An\n", "2. Trần Thị Bình (phụ huynh báo đã có thẻ, chờ thầy/cô xác nhận)", "3. Lê Hoàng Cường\n")

	card := w.say(parentAn, "/con")
	if len(card) != 1 {
		t.Fatalf("/con: %+v", card)
	}

	gone := strings.NewReplacer(
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6B,3,Cô Hoa,Nguyễn Văn An,1\n", "",
		"6B,3,Cô Hoa,Trần Thị Bình,2", "6B,2,Cô Hoa,Trần Thị Bình,1",
		"6B,3,Cô Hoa,Lê Hoàng Cường,3", "6B,2,Cô Hoa,Lê Hoàng Cường,2",
	).Replace(rosterCSV)
	rows, err := roster.ReadCSV(strings.NewReader(gone))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(w.ctx, w.store, "2025-2026", rows); err != nil {
		t.Fatal(err)
	}

	got = w.say(parentAn, "/con")
	expect(t, got, "Nguyễn Văn An", "không còn trong danh sách lớp 6B – Trường THCS Mỹ Tú năm học 2025-2026", "liên hệ giáo viên chủ nhiệm")
	if len(got) != 1 || len(got[0].Buttons) != 0 {
		t.Errorf("/con of a retired child offers buttons: %+v", got)
	}
	teacherBefore := len(w.srv.Sent(teacher))
	for _, msgs := range [][]string{{"Con tôi đã có thẻ"}, {"/cothe"}} {
		expect(t, w.say(parentAn, msgs[0]), "không còn trong danh sách", "liên hệ giáo viên chủ nhiệm")
	}
	expect(t, w.press(parentAn, card[0], card[0].Buttons[0][0].Data), "không còn trong danh sách")
	if sent := w.srv.Sent(teacher)[teacherBefore:]; len(sent) != 0 {
		t.Errorf("a retired child's card claim reached the teacher: %s", texts(sent))
	}
	err = w.store.View(w.ctx, func(tx *storage.Tx) error {
		cl, err := commandsClass(w, tx, "Trường THCS Mỹ Tú / 6B")
		if err != nil {
			return err
		}
		claims, err := tx.ClaimsOfClass(w.ctx, cl, storage.ClaimPending)
		if len(claims) != 1 {
			t.Errorf("pending claims %+v, want Bình's only", claims)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	got = w.say(latecomer, "/start "+code)
	expect(t, got, "Không nhận được lời mời này", "Nguyễn Văn An", "không còn trong danh sách lớp 6B")
	if got := texts(w.say(latecomer, "/con")); strings.Contains(got, "Nguyễn Văn An") {
		t.Errorf("the refused invite linked the latecomer to the child:\n%s", got)
	}
}

// Through Telegram: a report whose enrolment differs from the school's list is accepted and
// says so; its "Sửa" offers both enrolments, and a mistake is answered in the class's numbers.
func TestJourneyEnrolmentDiffersFromList(t *testing.T) {
	w := newWorld(t)
	const teacher = 42
	err := w.store.Update(w.ctx, func(tx *storage.Tx) error {
		cl, err := commandsClass(w, tx, "Trường THCS Mỹ Tú / 7A")
		if err != nil {
			return err
		}
		if err := tx.TouchUser(w.ctx, storage.User{ID: teacher, ChatID: teacher, Name: "Thầy Minh"}); err != nil {
			return err
		}
		return tx.GrantRole(w.ctx, teacher, storage.RoleTeacher, storage.Scope{ClassID: cl})
	})
	if err != nil {
		t.Fatal(err)
	}
	got := w.say(teacher, "/baocao 7A 41 30 5")
	expect(t, got, "Đã ghi báo cáo lớp <b>7A</b>", "Sĩ số đã đổi từ 40 thành 41 so với danh sách của trường; nếu nhầm, thầy/cô gửi lại báo cáo đúng.")
	if len(got) != 1 || len(got[0].Buttons) != 1 {
		t.Fatalf("reply: %+v", got)
	}
	fix := w.press(teacher, got[0], got[0].Buttons[0][0].Data)
	if len(fix) != 1 || len(fix[0].Buttons) == 0 || len(fix[0].Buttons[0]) != 2 ||
		fix[0].Buttons[0][0].Text != "40 (theo danh sách)" || fix[0].Buttons[0][1].Text != "41 (báo cáo gần nhất)" {
		t.Errorf("Sửa: %+v", fix)
	}
	w.say(teacher, "/huy")
	expect(t, w.say(teacher, "/baocao 7A 40 38 8"), "Ví dụ đúng: /baocao 7A 40 30 5")
}
