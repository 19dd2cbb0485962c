package commands

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/storage"
)

func TestNewCode(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9_-]{16}$`)
	seen := map[string]bool{}
	for range 1000 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if !valid.MatchString(c) || !validCode(c) {
			t.Fatalf("code %q", c)
		}
		if seen[c] {
			t.Fatalf("repeated code %q", c)
		}
		seen[c] = true
	}
	for _, bad := range []string{"", "abc def", "mã-mời", strings.Repeat("a", 65), "<b>"} {
		if validCode(bad) {
			t.Errorf("validCode(%q) = true", bad)
		}
	}
	if got := DeepLink("@bhyt_bot", "AbC_-1"); got != "https://t.me/bhyt_bot?start=AbC_-1" {
		t.Errorf("DeepLink = %q", got)
	}
}

// invite stores an invite directly, as the CLI does.
func (f *fixture) invite(role string, sc storage.Scope, by int64, expires time.Time, uses int) string {
	f.t.Helper()
	var code string
	err := f.store.Update(f.ctx, func(tx *storage.Tx) error {
		inv, err := CreateInvite(f.ctx, tx, role, sc, by, expires, uses)
		code = inv.Code
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return code
}

func TestStartCodes(t *testing.T) {
	f := newFixture(t)
	later := f.now.Add(24 * time.Hour)
	teacherCode := f.invite(storage.RoleTeacher, storage.Scope{ClassID: f.class7.ID}, uPrincipal, later, 1)
	expired := f.invite(storage.RoleTeacher, storage.Scope{ClassID: f.class7.ID}, uPrincipal, f.now, 1)
	revoked := f.invite(storage.RoleTeacher, storage.Scope{ClassID: f.class7.ID}, uPrincipal, later, 1)
	classLink := f.invite(storage.RoleParent, storage.Scope{ClassID: f.classA.ID}, uTeacher, later, 2)
	if r := f.say(uAdmin, "/thuhoi "+revoked); !strings.Contains(r, "Đã thu hồi") {
		t.Fatalf("revoke: %s", r)
	}
	tests := []struct {
		name string
		user int64
		text string
		want string
	}{
		{"unknown", uNewcomer, "/start ZZZZZZZZZZZZZZZZ", msgCodeUnknown},
		{"not a code", uNewcomer, "/start <b>hi</b>", msgCodeUnknown},
		{"expired", uNewcomer, "/start " + expired, msgCodeExpired},
		{"revoked", uNewcomer, "/start " + revoked, msgCodeRevoked},
		{"binds", uNewcomer, "/start " + teacherCode, "giáo viên chủ nhiệm</b>: lớp 7A – Trường THCS Mỹ Tú"},
		{"again by the same user", uNewcomer, "/start " + teacherCode, "Lời mời này đã được nhận rồi"},
		{"used", uNewcomer2, "/start " + teacherCode, msgCodeUsed},
		{"class link 1", uNewcomer, "/start " + classLink, "Anh/chị đã được liên kết với phụ huynh lớp"},
		{"class link 2", uNewcomer2, "/start " + classLink, "phụ huynh lớp"},
		{"class link full", uStranger, "/start " + classLink, msgCodeFull},
		{"revoke twice", uAdmin, "/thuhoi " + revoked, "đã bị thu hồi trước đó"},
		{"revoke another's code", uTeacher, "/thuhoi " + teacherCode, "Chỉ thu hồi được mã mời do chính mình tạo"},
		{"revoke own code: its two parents lose the class", uTeacher, "/thuhoi " + classLink, "Đã gỡ 2 quyền do mã này cấp"},
		{"start alone known", uNewcomer, "/start", "Hướng dẫn"},
	}
	for _, tt := range tests {
		if got := f.say(tt.user, tt.text); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q →\n%s\nwant %q", tt.name, tt.text, got, tt.want)
		}
	}
	f.view(func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(f.ctx, uNewcomer)
		if err != nil {
			return err
		}
		if len(roles) != 1 || roles[0].Role != storage.RoleTeacher || roles[0].ClassID != f.class7.ID {
			t.Errorf("newcomer roles %+v", roles)
		}
		inv, err := tx.InviteByCode(f.ctx, teacherCode)
		if err != nil || inv.Uses != 1 {
			t.Errorf("teacher code uses %+v %v", inv, err)
		}
		return nil
	})
	// The inviter heard of it.
	var notified bool
	f.view(func(tx *storage.Tx) error {
		status, _, err := tx.OutboxByKey(f.ctx, "invite/"+teacherCode+"/10/inviter")
		notified = err == nil && status == storage.OutboxPending
		return nil
	})
	if !notified {
		t.Error("principal not told that the teacher joined")
	}
}

func TestParentLinksPerPupil(t *testing.T) {
	f := newFixture(t)
	msgs := f.send(uTeacher, "/moi phuhuynh 6B")
	text := f.replyTo(uTeacher, msgs)
	codes := regexp.MustCompile(`start=([A-Za-z0-9_-]+)`).FindAllStringSubmatch(text, -1)
	if len(codes) != 6 || !strings.Contains(text, "2. Trần Thị Bình: https://t.me/") || !strings.Contains(text, "tối đa 60 lượt") {
		t.Fatalf("links:\n%s", text)
	}
	f.view(func(tx *storage.Tx) error {
		for i, c := range codes {
			inv, err := tx.InviteByCode(f.ctx, c[1])
			if err != nil {
				return err
			}
			wantUses := 1
			if i == len(codes)-1 {
				wantUses = f.cfg.Invites.ClassLinkUses
			}
			if inv.Role != storage.RoleParent || inv.MaxUses != wantUses || inv.CreatedBy != uTeacher || !inv.ExpiresAt.Equal(f.now.Add(f.cfg.Invites.TTL)) {
				t.Errorf("invite %d: %+v", i, inv)
			}
			if i < 5 && inv.Scope.StudentID != f.pupils[i].ID {
				t.Errorf("invite %d is for %+v, want pupil %d", i, inv.Scope, f.pupils[i].ID)
			}
		}
		return nil
	})
	// Without a bot username the invitee types /start CODE.
	f.engine.bot = ""
	if got := f.say(uTeacher, "/moi 6A"); !strings.Contains(got, "<code>/start ") || strings.Contains(got, "t.me") {
		t.Errorf("no-username link: %s", got)
	}
}
