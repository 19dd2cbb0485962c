package commands

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/storage"
)

func TestParentClassLinkIdentify(t *testing.T) {
	tests := []struct {
		name    string
		answers []string
		last    string
		bound   int // pupil number bound, 0 for none
	}{
		{"full name without diacritics", []string{"TRAN THI BINH"}, "<b>Trần Thị Bình</b>", 2},
		{"NFD full name", []string{norm.NFD.String("lê hoàng cường")}, "Lê Hoàng Cường", 3},
		{"roster number", []string{"4"}, "Phạm Thu Dung", 4},
		{"two pupils share the name", []string{"Nguyễn Văn An"}, "Chưa tìm thấy đúng một học sinh", 0},
		{"part of a name", []string{"Bình"}, "Chưa tìm thấy đúng một học sinh", 0},
		{"locked after five tries", []string{"a", "b", "c", "d", "e"}, "đã thử 5 lần", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			code := f.invite(storage.RoleParent, storage.Scope{ClassID: f.classB.ID}, uTeacher, f.now.Add(time.Hour), 30)
			if got := f.say(uNewcomer, "/start "+code); !strings.Contains(got, "họ và tên đầy đủ") {
				t.Fatalf("start: %s", got)
			}
			var got string
			for _, a := range tt.answers {
				msgs := f.send(uNewcomer, a)
				got = f.replyTo(uNewcomer, msgs)
				for _, other := range []string{"Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung"} {
					if strings.Contains(got, other) {
						t.Errorf("reply before the teacher agreed reveals %s: %s", other, got)
					}
				}
				if tt.bound != 0 {
					if !strings.Contains(got, "chờ") && !strings.Contains(got, "Đã gửi yêu cầu") {
						t.Errorf("parent not told to wait: %s", got)
					}
					ask := f.replyTo(uTeacher, msgs)
					if !strings.Contains(ask, "muốn liên kết với em <b>"+f.pupils[tt.bound-1].Name+"</b> (số "+strconv.Itoa(tt.bound)) {
						t.Errorf("teacher's question: %s", ask)
					}
					got = f.replyTo(uNewcomer, f.press(uTeacher, firstWith(t, buttonData(msgs), "lk:y:")))
				}
			}
			if !strings.Contains(got, tt.last) {
				t.Errorf("last reply:\n%s\nwant %q", got, tt.last)
			}
			f.view(func(tx *storage.Tx) error {
				roles, err := tx.RolesOfUser(f.ctx, uNewcomer)
				if err != nil {
					return err
				}
				if tt.bound == 0 {
					if len(roles) != 1 || roles[0].ClassID != f.classB.ID {
						t.Errorf("roles %+v", roles)
					}
					return nil
				}
				if len(roles) != 1 || roles[0].StudentID != f.pupils[tt.bound-1].ID {
					t.Errorf("roles %+v, want pupil %d only", roles, tt.bound)
				}
				return nil
			})
			if tt.bound == 0 && len(tt.answers) == 5 {
				for _, again := range []string{"/con", "/cothe", "/huy", "/start " + code} {
					f.send(uNewcomer, again)
					if got := f.say(uNewcomer, "2"); strings.Contains(got, "Đã gửi yêu cầu") || strings.Contains(got, f.pupils[1].Name) {
						t.Errorf("after %s the lock was lifted: %s", again, got)
					}
				}
			}
		})
	}
}

func TestCardClaims(t *testing.T) {
	f := newFixture(t)
	an := f.pupils[0]
	// The reminder's button and the typed words both reach the teacher once.
	msgs := f.press(uParent, button.CardStudentData(an.ID))
	if got := f.replyTo(uParent, msgs); !strings.Contains(got, "Đã gửi cho giáo viên chủ nhiệm") {
		t.Fatalf("claim: %s", got)
	}
	toTeacher := f.replyTo(uTeacher, msgs)
	if !strings.Contains(toTeacher, "Phụ huynh của em <b>Nguyễn Văn An</b> (số 1, lớp 6B)") {
		t.Errorf("teacher notice: %s", toTeacher)
	}
	data := buttonData(msgs)
	if len(data) != 3 || !strings.HasPrefix(data[0], "the:s:") || !strings.HasPrefix(data[1], "the:o:") || !strings.HasPrefix(data[2], "the:x:") {
		t.Fatalf("teacher buttons %v", data)
	}
	if got := f.say(uParent, "con toi da co the roi a"); !strings.Contains(got, "đang chờ giáo viên chủ nhiệm xác nhận") {
		t.Errorf("second claim: %s", got)
	}
	if got := f.replyTo(uTeacherOut, f.press(uTeacherOut, data[0])); !strings.Contains(got, "Chỉ giáo viên chủ nhiệm của lớp") {
		t.Errorf("other teacher decided: %s", got)
	}
	msgs = f.press(uTeacher, data[0])
	if got := f.replyTo(uTeacher, msgs); !strings.Contains(got, "Đã ghi em Nguyễn Văn An đã tham gia BHYT qua trường") || !strings.Contains(got, "20%") {
		t.Errorf("confirm: %s", got)
	}
	if got := f.replyTo(uParent, msgs); !strings.Contains(got, "đã xác nhận em Nguyễn Văn An có thẻ BHYT") {
		t.Errorf("parent told: %s", got)
	}
	if got := f.replyTo(uTeacher, f.press(uTeacher, data[2])); !strings.Contains(got, "đã được xử lý trước đó") {
		t.Errorf("second decision: %s", got)
	}
	f.view(func(tx *storage.Tx) error {
		p, err := tx.StudentByID(f.ctx, an.ID)
		if err != nil || p.Status != storage.StatusSchool {
			t.Errorf("pupil %+v %v", p, err)
		}
		return nil
	})
	if rs := f.reports(f.classB.ID); len(rs) != 1 || rs[0].ThroughSchool != 1 || rs[0].Source != storage.SourceRoster {
		t.Errorf("reports %+v", rs)
	}
	if got := f.say(uParent, "Con tôi đã có thẻ"); !strings.Contains(got, "Nhà trường đã ghi nhận em <b>Nguyễn Văn An</b> đã tham gia BHYT qua trường") {
		t.Errorf("claim after confirmation: %s", got)
	}
	if got := f.say(uParent, "con tôi chưa có thẻ"); strings.Contains(got, "giáo viên chủ nhiệm xác nhận") {
		t.Errorf("'chưa có thẻ' taken as a claim: %s", got)
	}
}

func TestCardClaimRejectedAndClassOnly(t *testing.T) {
	f := newFixture(t)
	// A class-only parent of 6A (no roster) claims; the teacher rejects.
	code := f.invite(storage.RoleParent, storage.Scope{ClassID: f.classA.ID}, uTeacher, f.now.Add(time.Hour), 30)
	msgs := f.send(uNewcomer, "/start "+code)
	data := buttonData(msgs)
	if len(data) != 1 || data[0] != button.CardClassData(f.classA.ID) {
		t.Fatalf("class-only buttons %v", data)
	}
	msgs = f.press(uNewcomer, data[0])
	claim := buttonData(msgs)
	if len(claim) != 3 {
		t.Fatalf("teacher buttons %v", claim)
	}
	msgs = f.press(uTeacher, claim[2])
	if got := f.replyTo(uNewcomer, msgs); !strings.Contains(got, "chưa xác nhận con có thẻ BHYT") {
		t.Errorf("parent told of rejection: %s", got)
	}
	if rs := f.reports(f.classA.ID); len(rs) != 0 {
		t.Errorf("rejection wrote %+v", rs)
	}
	// A parent of a class nobody teaches on the bot.
	code = f.invite(storage.RoleParent, storage.Scope{ClassID: f.class7.ID}, uAdmin, f.now.Add(time.Hour), 30)
	f.send(uNewcomer2, "/start "+code)
	if got := f.say(uNewcomer2, "đã có thẻ"); !strings.Contains(got, "chưa dùng bot") {
		t.Errorf("no teacher: %s", got)
	}
}

func TestIsHasCardText(t *testing.T) {
	for text, want := range map[string]bool{
		"Con tôi đã có thẻ": true, "con toi da co the": true, "Cháu đã có thẻ BHYT rồi ạ": true, "có thẻ rồi": true,
		"CON TÔI ĐÃ CÓ THẺ!": true, "đã có BHYT": true,
		"con tôi chưa có thẻ": false, "khi nào có thẻ": false, "xin chào": false,
	} {
		if got := isHasCardText(text); got != want {
			t.Errorf("isHasCardText(%q) = %v", text, got)
		}
	}
}

// TestClaimAnswerHeldInQuietHours: a teacher deciding at night does not wake the parent.
func TestClaimAnswerHeldInQuietHours(t *testing.T) {
	f := newFixture(t)
	f.now = time.Date(2026, 11, 25, 22, 30, 0, 0, f.cfg.Location())
	msgs := f.send(uParent, "Con tôi đã có thẻ")
	data := buttonData(msgs)
	msgs = f.press(uTeacher, data[1])
	for _, m := range msgs {
		switch m.ChatID {
		case uParent:
			want := time.Date(2026, 11, 26, 7, 0, 0, 0, f.cfg.Location())
			if !m.NotBefore.Equal(want) {
				t.Errorf("parent message not before %v, want %v", m.NotBefore, want)
			}
		case uTeacher:
			if !m.NotBefore.IsZero() {
				t.Errorf("teacher reply held until %v", m.NotBefore)
			}
			if !strings.Contains(m.Text, "đối tượng khác") {
				t.Errorf("teacher reply %q", m.Text)
			}
		}
	}
	if len(msgs) != 2 {
		t.Errorf("messages %+v", msgs)
	}
}

// TestClassLinkCannotWalkTheRoster: one account links at most two pupils of a class through
// the shared class link; a third roster number is refused without naming anyone.
func TestClassLinkCannotWalkTheRoster(t *testing.T) {
	f := newFixture(t)
	code := f.invite(storage.RoleParent, storage.Scope{ClassID: f.classB.ID}, uTeacher, f.now.Add(time.Hour), 30)
	for i, want := range []string{"Đã gửi yêu cầu", "Đã gửi yêu cầu", "link riêng"} {
		if got := f.say(uNewcomer, "/start "+code); !strings.Contains(got, "họ và tên đầy đủ") {
			t.Fatalf("start %d: %s", i, got)
		}
		msgs := f.send(uNewcomer, strconv.Itoa(i+2))
		got := f.replyTo(uNewcomer, msgs)
		if i < 2 {
			f.press(uTeacher, firstWith(t, buttonData(msgs), "lk:y:"))
		}
		if !strings.Contains(got, want) {
			t.Fatalf("answer %d: %s\nwant %q", i, got, want)
		}
		if i == 2 && strings.Contains(got, f.pupils[3].Name) {
			t.Fatalf("third answer names a pupil: %s", got)
		}
	}
	f.view(func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(f.ctx, uNewcomer)
		if err != nil {
			return err
		}
		pupils := 0
		for _, r := range roles {
			if r.StudentID != 0 {
				pupils++
			}
		}
		if pupils != 2 {
			t.Errorf("linked to %d pupils, want 2: %+v", pupils, roles)
		}
		return nil
	})
}

// firstWith returns the first of data with the prefix, failing the test when none has it.
func firstWith(t *testing.T, data []string, prefix string) string {
	t.Helper()
	for _, d := range data {
		if strings.HasPrefix(d, prefix) {
			return d
		}
	}
	t.Fatalf("no button %q* among %q", prefix, data)
	return ""
}

// TestClassLinkWaitsForTeacher: a stranger with the class link who names a pupil (one who
// already has a parent) learns nothing and gets no role until the class teacher agrees;
// the teacher is told about the other parent; a refusal binds nothing; only the class
// teacher's press decides.
func TestClassLinkWaitsForTeacher(t *testing.T) {
	f := newFixture(t)
	code := f.invite(storage.RoleParent, storage.Scope{ClassID: f.classB.ID}, uTeacher, f.now.Add(time.Hour), 30)
	f.say(uNewcomer, "/start "+code)
	pupil := f.pupils[0] // already has uParent
	msgs := f.send(uNewcomer, "1")
	got := f.replyTo(uNewcomer, msgs)
	if strings.Contains(got, pupil.Name) || strings.Contains(got, "chưa ghi nhận") || strings.Contains(got, "đã ghi nhận") || !strings.Contains(got, "Đã gửi yêu cầu") {
		t.Errorf("parent's reply before the teacher agreed: %s", got)
	}
	ask := f.replyTo(uTeacher, msgs)
	if !strings.Contains(ask, "muốn liên kết với em <b>"+pupil.Name+"</b> (số 1") || !strings.Contains(ask, "đã có 1 phụ huynh") {
		t.Errorf("teacher's question: %s", ask)
	}
	no, yes := firstWith(t, buttonData(msgs), "lk:n:"), firstWith(t, buttonData(msgs), "lk:y:")
	if got := f.say(uNewcomer, "/con"); strings.Contains(got, pupil.Name) || !strings.Contains(got, "chờ") {
		t.Errorf("/con while waiting: %s", got)
	}
	// Forged presses: the waiting parent, another class's teacher, the principal.
	for _, u := range []int64{uNewcomer, uTeacherOut, uPrincipal} {
		f.press(u, yes)
	}
	f.view(func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(f.ctx, uNewcomer)
		if err != nil {
			return err
		}
		if len(roles) != 1 || roles[0].ClassID != f.classB.ID {
			t.Errorf("bound without the teacher: %+v", roles)
		}
		return nil
	})
	msgs = f.press(uTeacher, no)
	if got := f.replyTo(uNewcomer, msgs); !strings.Contains(got, "chưa đồng ý") || strings.Contains(got, pupil.Name) {
		t.Errorf("parent after a refusal: %s", got)
	}
	if got := f.replyTo(uTeacher, f.press(uTeacher, yes)); !strings.Contains(got, "đã được xử lý") {
		t.Errorf("agree after refusing: %s", got)
	}
	// The real second parent asks again and the teacher agrees: the teacher is told the
	// pupil now has two parents.
	f.say(uNewcomer, "/con")
	msgs = f.send(uNewcomer, "1")
	msgs = f.press(uTeacher, firstWith(t, buttonData(msgs), "lk:y:"))
	if got := f.replyTo(uTeacher, msgs); !strings.Contains(got, "giờ có 2 phụ huynh") {
		t.Errorf("teacher not told of the second parent: %s", got)
	}
	if got := f.replyTo(uNewcomer, msgs); !strings.Contains(got, pupil.Name) {
		t.Errorf("parent not told after the agreement: %s", got)
	}
	// Taking the class link back takes back the pupil it led to.
	if got := f.say(uTeacher, "/thuhoi "+code); !strings.Contains(got, "phụ huynh: học sinh "+pupil.Name) {
		t.Errorf("revoking the class link: %s", got)
	}
	if got := f.say(uNewcomer, "/con"); strings.Contains(got, pupil.Name) {
		t.Errorf("still the pupil's parent after the class link was revoked: %s", got)
	}
}

// TestPerPupilLinkTellsTeacherOfSecondParent: a per-pupil link binds at once, and the
// class teacher hears when the pupil already had a parent.
func TestPerPupilLinkTellsTeacherOfSecondParent(t *testing.T) {
	f := newFixture(t)
	code := f.invite(storage.RoleParent, storage.Scope{StudentID: f.pupils[0].ID}, uTeacher, f.now.Add(time.Hour), 1)
	msgs := f.send(uNewcomer, "/start "+code)
	if got := f.replyTo(uNewcomer, msgs); !strings.Contains(got, f.pupils[0].Name) {
		t.Errorf("per-pupil link not direct: %s", got)
	}
	if got := f.replyTo(uTeacher, msgs); !strings.Contains(got, "giờ có 2 phụ huynh") {
		t.Errorf("teacher: %s", got)
	}
}
