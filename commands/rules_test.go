package commands

import (
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/button"
)

// TestRulesCoverEveryCommandAndButton: the rule table, the handlers and the button map
// agree, so no command or button is dispatched without a rule.
func TestRulesCoverEveryCommandAndButton(t *testing.T) {
	cmds := New(newFixture(t).cfg, nil).commands()
	for name := range cmds {
		if _, ok := rules[name]; !ok {
			t.Errorf("command %q has no rule", name)
		}
	}
	for name := range rules {
		if _, ok := cmds[name]; !ok {
			t.Errorf("rule %q has no command", name)
		}
	}
	for prefix, name := range buttonCommand {
		if _, ok := rules[name]; !ok {
			t.Errorf("button %q maps to %q, which has no rule", prefix, name)
		}
	}
}

// TestPermissionMatrixChatsAndButtons runs commands and button presses as each role in a
// private chat and in a group, with callback data typed by people not entitled to it:
// the answer is the rule table's (done, private only, refused for the role or the scope)
// and nothing private reaches a group.
func TestPermissionMatrixChatsAndButtons(t *testing.T) {
	const privateOnlyMsg = "chỉ dùng trong tin nhắn riêng"
	f0 := newFixture(t)
	id := itoa
	tests := []struct {
		name   string
		user   int64
		group  bool
		text   string // a typed command, or
		data   string // a button press
		want   string
		secret string // must not appear in the answer
	}{
		{name: "toi in a group", user: uParent, group: true, text: "/toi", want: privateOnlyMsg, secret: "Nguyễn Văn An"},
		{name: "toi of a teacher in a group", user: uTeacher, group: true, text: "/toi", want: privateOnlyMsg, secret: "6B"},
		{name: "toi in private", user: uParent, text: "/toi", want: "Nguyễn Văn An"},
		{name: "dadong in a group", user: uTeacher, group: true, text: "/dadong 6B 2", want: privateOnlyMsg, secret: "Bình"},
		{name: "khac in a group", user: uTeacher, group: true, text: "/khac 6B 3", want: privateOnlyMsg, secret: "Cường"},
		{name: "xoadong in a group", user: uTeacher, group: true, text: "/xoadong 6B 3", want: privateOnlyMsg, secret: "Cường"},
		{name: "xoaquyen in a group", user: uTeacher, group: true, text: "/xoaquyen", want: privateOnlyMsg, secret: "Nguyễn Văn An"},
		{name: "dadong in private", user: uTeacher, text: "/dadong 6B 2", want: "Đã ghi 1 học sinh"},
		{name: "report in a group", user: uTeacher, group: true, text: "/baocao 6A 42 30 8", want: "Đã ghi báo cáo"},
		{name: "board in a group", user: uPrincipal, group: true, text: "/xephang", want: "Trường THCS Mỹ Tú"},
		{name: "help in a group", user: uTeacher, group: true, text: "/huongdan", want: "/baocao"},
		{name: "stranger's xoaquyen", user: uStranger, text: "/xoaquyen", want: "chưa được cấp quyền"},
		{name: "parent's xoaquyen", user: uParent, text: "/xoaquyen", want: deniedInvite},
		// Buttons: the rule of the command they belong to.
		{name: "parent links pressed in a group", user: uTeacher, group: true, data: "moi:ph:" + id(f0.classB.ID), want: privateOnlyMsg, secret: "start="},
		{name: "parent links pressed in private", user: uTeacher, data: "moi:ph:" + id(f0.classB.ID), want: "start="},
		{name: "officer mints a teacher link", user: uOfficer, data: "moi:gv:" + id(f0.classA.ID), want: msgTeacherInviters, secret: "start="},
		{name: "officer types a teacher invite", user: uOfficer, text: "/moi giaovien Trường THCS Mỹ Tú / 6A", want: msgTeacherInviters, secret: "start="},
		{name: "principal's teacher link", user: uPrincipal, data: "moi:gv:" + id(f0.classA.ID), want: "start="},
		{name: "parent forges moi", user: uParent, data: "moi:ph:" + id(f0.classB.ID), want: deniedInvite, secret: "start="},
		{name: "parent forges a claim decision", user: uParent, data: "the:s:1", want: deniedTeacher},
		{name: "claim decision in a group", user: uTeacher, group: true, data: "the:s:1", want: privateOnlyMsg},
		{name: "card button in a group", user: uParent, group: true, data: button.CardStudentData(f0.pupils[0].ID), want: privateOnlyMsg, secret: "Nguyễn Văn An"},
		{name: "link decision in a group", user: uTeacher, group: true, data: "lk:y:1", want: privateOnlyMsg},
		{name: "parent forges a link decision", user: uParent, data: "lk:y:1", want: deniedInvite},
		{name: "stranger forges xoaquyen", user: uStranger, data: "xq:y:1", want: "chưa được cấp quyền"},
		{name: "parent forges xoaquyen", user: uParent, data: "xq:y:1", want: deniedInvite},
		{name: "xoaquyen pressed in a group", user: uAdmin, group: true, data: "xq:y:1", want: privateOnlyMsg},
		{name: "guided report in a group stays allowed", user: uTeacher, group: true, data: "bc:huy", want: ""},
		{name: "unknown button", user: uTeacher, data: "zz:1", want: "Nút này không còn dùng được"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			u := Update{UserID: tt.user, Text: tt.text}
			if tt.data != "" {
				u.CallbackID, u.Data, u.MessageID = "q", tt.data, 1
			}
			chat := tt.user
			if tt.group {
				u.ChatID, u.ChatType, chat = -100, "group", -100
			}
			msgs := f.handle(u)
			var got []string
			for _, m := range msgs {
				if m.ChatID == chat {
					got = append(got, m.Text)
				}
				if tt.group && m.ChatID == -100 && tt.secret != "" && strings.Contains(m.Text, tt.secret) {
					t.Errorf("group got %q", m.Text)
				}
			}
			text := strings.Join(got, "\n")
			if !strings.Contains(text, tt.want) {
				t.Errorf("answer:\n%s\nwant %q", text, tt.want)
			}
			if tt.secret != "" && strings.Contains(text, tt.secret) {
				t.Errorf("answer reveals %q:\n%s", tt.secret, text)
			}
		})
	}
}
