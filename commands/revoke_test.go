package commands

import (
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

func (f *fixture) audit(action string) []storage.AuditEntry {
	f.t.Helper()
	var out []storage.AuditEntry
	f.view(func(tx *storage.Tx) error {
		var err error
		out, err = tx.AuditLog(f.ctx, action)
		return err
	})
	return out
}

// TestRevokeUsedCodeTakesTheRole: /thuhoi on a code someone already used takes the role it
// granted away, says exactly who lost what, is audited, and holds from the next message.
func TestRevokeUsedCodeTakesTheRole(t *testing.T) {
	f := newFixture(t)
	code := links(t, f.say(uPrincipal, "/moi giaovien 7A"))
	f.handle(Update{UserID: uNewcomer, Name: "Cô Hoa", Text: "/start " + code})
	if got := f.say(uNewcomer, "/baocao 7A 40 30 8"); !strings.Contains(got, "Đã ghi báo cáo") {
		t.Fatalf("the new teacher cannot report: %s", got)
	}
	msgs := f.send(uPrincipal, "/thuhoi "+code)
	got := f.replyTo(uPrincipal, msgs)
	for _, want := range []string{"Đã thu hồi", "Đã gỡ 1 quyền", " (Telegram) – giáo viên chủ nhiệm: lớp 7A – Trường THCS Mỹ Tú"} {
		if !strings.Contains(got, want) {
			t.Errorf("revoke reply:\n%s\nwant %q", got, want)
		}
	}
	if told := f.replyTo(uNewcomer, msgs); !strings.Contains(told, "đã được gỡ") {
		t.Errorf("the teacher is not told: %s", told)
	}
	if got := f.say(uNewcomer, "/baocao 7A 40 31 8"); !strings.Contains(got, deniedTeacher) && !strings.Contains(got, "chưa được cấp quyền") {
		t.Errorf("still reports after the revocation: %s", got)
	}
	if n := len(f.reports(f.class7.ID)); n != 1 {
		t.Errorf("%d reports of 7A, want 1", n)
	}
	if a := f.audit("revoke_role"); len(a) != 1 || a[0].UserID != uPrincipal || !strings.Contains(a[0].Detail, "user=10 teacher class:") {
		t.Errorf("audit %+v", a)
	}
}

// links returns the invite codes of deep links in a reply.
func links(t *testing.T, text string) string {
	t.Helper()
	i := strings.Index(text, "?start=")
	if i < 0 {
		t.Fatalf("no link in %s", text)
	}
	return text[i+7 : i+7+CodeLength]
}

// TestRemoveRoleInChat: /xoaquyen lists the people below the caller with buttons, asks
// before removing, removes by user id or @username with a role, and refuses roles above
// the caller's level or outside their scope.
func TestRemoveRoleInChat(t *testing.T) {
	f := newFixture(t)
	// The teacher's list: the parent of 6B, nobody else.
	msgs := f.send(uTeacher, "/xoaquyen")
	list := f.replyTo(uTeacher, msgs)
	if !strings.Contains(list, "1. ") || !strings.Contains(list, "phụ huynh: học sinh Nguyễn Văn An") || strings.Contains(list, "hiệu trưởng") {
		t.Fatalf("teacher's list:\n%s", list)
	}
	choice := firstWith(t, buttonData(msgs), "xq:")
	msgs = f.press(uTeacher, choice)
	if got := f.replyTo(uTeacher, msgs); !strings.Contains(got, "Gỡ quyền của") {
		t.Fatalf("no confirmation: %s", got)
	}
	yes := firstWith(t, buttonData(msgs), "xq:y:")
	// Someone else pressing the confirmation, typed by hand: refused.
	if got := f.replyTo(uTeacherOut, f.press(uTeacherOut, yes)); !strings.Contains(got, "không gỡ được") {
		t.Errorf("another teacher removes the parent: %s", got)
	}
	if got := f.replyTo(uParent, f.press(uParent, yes)); !strings.Contains(got, deniedInvite) {
		t.Errorf("the parent presses the teacher's button: %s", got)
	}
	msgs = f.press(uTeacher, yes)
	if got := f.replyTo(uTeacher, msgs); !strings.Contains(got, "Đã gỡ 1 quyền") || !strings.Contains(got, "(Telegram) – phụ huynh") || strings.Contains(got, "mã người dùng") {
		t.Errorf("removal reply: %s", got)
	}
	if got := f.say(uParent, "/con"); !strings.Contains(got, "chưa được cấp quyền") {
		t.Errorf("the parent still sees the child: %s", got)
	}
	if got := f.replyTo(uTeacher, f.press(uTeacher, yes)); !strings.Contains(got, "đã được gỡ trước đó") {
		t.Errorf("second press: %s", got)
	}

	tests := []struct {
		user int64
		text string
		want string
	}{
		{uPrincipal, "/xoaquyen 4 giaovien", "Đã gỡ 2 quyền"}, // both classes of the teacher
		{uPrincipal, "/xoaquyen 5", "không có quyền nào mà thầy/cô có thể gỡ"},
		{uPrincipal, "/xoaquyen 2", "không có quyền nào mà thầy/cô có thể gỡ"}, // the officer above
		{uOfficer, "/xoaquyen", "hiệu trưởng: Trường THCS Mỹ Tú"},
		{uOfficer, "/xoaquyen 8", "không có quyền nào"}, // another area's principal
		{uOfficer, "/xoaquyen 3 hieutruong", "Đã gỡ 1 quyền"},
		{uOfficerOut, "/xoaquyen 7", "không có quyền nào"}, // itself: an officer removes lower officers only
		{uAdmin, "/xoaquyen 7", "Đã gỡ 1 quyền"},
		{uAdmin, "/xoaquyen @khongai", "Không tìm thấy người dùng"},
		{uAdmin, "/xoaquyen 7 laocong", "Không rõ vai trò"},
		{uTeacherOut, "/xoaquyen 6", "không có quyền nào"},
		{uParent, "/xoaquyen 4", "chưa được cấp quyền"},
	}
	for _, tt := range tests {
		if got := f.say(tt.user, tt.text); !strings.Contains(got, tt.want) {
			t.Errorf("%s %q:\n%s\nwant %q", userName(tt.user), tt.text, got, tt.want)
		}
	}
	if got := f.say(uTeacher, "/baocao 6A 42 30 8"); !strings.Contains(got, "chưa được cấp quyền") {
		t.Errorf("the removed teacher still reports: %s", got)
	}
	if n := len(f.audit("revoke_role")); n != 5 {
		t.Errorf("%d revoke_role audit entries, want 5", n)
	}
}

// TestRemoveRoleByUsername: a person is found by the @username the bot saw.
func TestRemoveRoleByUsername(t *testing.T) {
	f := newFixture(t)
	f.handle(Update{UserID: uParent, Username: "PhuHuynhA", Text: "/toi"})
	if got := f.say(uTeacher, "/xoaquyen @phuhuynha phuhuynh"); !strings.Contains(got, "Đã gỡ 1 quyền") {
		t.Errorf("by username: %s", got)
	}
}
