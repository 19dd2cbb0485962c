package commands

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
)

// Users of the fixture: in scope (Mỹ Tú) and out of scope (Mỹ Xuyên).
const (
	uAdmin        = 1
	uOfficer      = 2  // area Sóc Trăng / Mỹ Tú
	uPrincipal    = 3  // Trường THCS Mỹ Tú
	uTeacher      = 4  // 6A (counts) and 6B (roster) of Trường THCS Mỹ Tú
	uTeacherOut   = 5  // 6A of Trường THCS Mỹ Xuyên
	uParent       = 6  // pupil 1 of 6B
	uOfficerOut   = 7  // area Sóc Trăng / Mỹ Xuyên
	uPrincipalOut = 8  // Trường THCS Mỹ Xuyên
	uStranger     = 9  // nobody
	uNewcomer     = 10 // joins by invite in journeys
	uNewcomer2    = 11
)

// fixture is a real store with a small roster, an engine on a fixed clock and a way to
// drive updates through Engine.Handle in the channel's transaction.
type fixture struct {
	t      testing.TB
	ctx    context.Context
	store  *storage.Store
	path   string // the store's file
	engine *Engine
	cfg    config.Config
	now    time.Time
	nextID int64
	seen   map[int64]bool

	classA, classB, class7, classOut storage.Class
	pupils                           []storage.Student // of 6B, by number 1..5
	schoolID, schoolOutID            int64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.Admins = []int64{uAdmin}
	loc := cfg.Location()
	f := &fixture{t: t, ctx: ctx, cfg: cfg, now: time.Date(2026, 11, 25, 10, 0, 0, 0, loc), nextID: 100, seen: map[int64]bool{}}
	clock := func() time.Time { return f.now }
	f.path = filepath.Join(t.TempDir(), "bot.db")
	st, err := storage.Open(ctx, f.path, storage.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.store = st
	f.engine = New(cfg, clock, WithBotUsername("bhyt_test_bot"), WithReminders(reminders.New(cfg, st, clock, nil)))
	year := cfg.Campaign.SchoolYear
	err = st.Update(ctx, func(tx *storage.Tx) error {
		area, _, err := tx.EnsureArea(ctx, []string{"Sóc Trăng", "Mỹ Tú"})
		if err != nil {
			return err
		}
		areaOut, _, err := tx.EnsureArea(ctx, []string{"Sóc Trăng", "Mỹ Xuyên"})
		if err != nil {
			return err
		}
		if f.schoolID, _, err = tx.EnsureSchool(ctx, area, "Trường THCS Mỹ Tú"); err != nil {
			return err
		}
		if f.schoolOutID, _, err = tx.EnsureSchool(ctx, areaOut, "Trường THCS Mỹ Xuyên"); err != nil {
			return err
		}
		mk := func(school int64, name string, enrol int, roster bool) (storage.Class, error) {
			id, _, err := tx.UpsertClass(ctx, storage.Class{SchoolID: school, SchoolYear: year, Name: name, Enrolment: enrol, HasRoster: roster})
			if err != nil {
				return storage.Class{}, err
			}
			return tx.ClassByID(ctx, id)
		}
		if f.classA, err = mk(f.schoolID, "6A", 42, false); err != nil {
			return err
		}
		if f.classB, err = mk(f.schoolID, "6B", 5, true); err != nil {
			return err
		}
		if f.class7, err = mk(f.schoolID, "7A", 40, false); err != nil {
			return err
		}
		if f.classOut, err = mk(f.schoolOutID, "6A", 30, false); err != nil {
			return err
		}
		for i, name := range []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Nguyễn Văn An"} {
			if _, _, err := tx.UpsertStudent(ctx, f.classB.ID, i+1, name); err != nil {
				return err
			}
		}
		if f.pupils, err = tx.StudentsOfClass(ctx, f.classB.ID); err != nil {
			return err
		}
		for _, u := range []int64{uAdmin, uOfficer, uPrincipal, uTeacher, uTeacherOut, uParent, uOfficerOut, uPrincipalOut} {
			if err := tx.TouchUser(ctx, storage.User{ID: u, ChatID: u, Name: "Người dùng"}); err != nil {
				return err
			}
		}
		grants := []struct {
			user int64
			role string
			sc   storage.Scope
		}{
			{uOfficer, storage.RoleOfficer, storage.Scope{AreaID: area}},
			{uOfficerOut, storage.RoleOfficer, storage.Scope{AreaID: areaOut}},
			{uPrincipal, storage.RolePrincipal, storage.Scope{SchoolID: f.schoolID}},
			{uPrincipalOut, storage.RolePrincipal, storage.Scope{SchoolID: f.schoolOutID}},
			{uTeacher, storage.RoleTeacher, storage.Scope{ClassID: f.classA.ID}},
			{uTeacher, storage.RoleTeacher, storage.Scope{ClassID: f.classB.ID}},
			{uTeacherOut, storage.RoleTeacher, storage.Scope{ClassID: f.classOut.ID}},
			{uParent, storage.RoleParent, storage.Scope{StudentID: f.pupils[0].ID}},
		}
		for _, g := range grants {
			if err := tx.GrantRole(ctx, g.user, g.role, g.sc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// handle applies one update in a write transaction, as the channel does, and returns the
// messages it enqueued.
func (f *fixture) handle(u Update) []storage.Message {
	f.t.Helper()
	f.nextID++
	u.ID = f.nextID
	if u.ChatID == 0 {
		u.ChatID = u.UserID
	}
	if u.ChatType == "" {
		u.ChatType = "private"
	}
	if u.Name == "" {
		u.Name = "Người dùng <b>"
	}
	err := f.store.Update(f.ctx, func(tx *storage.Tx) error {
		if _, err := tx.MarkUpdate(f.ctx, u.ID); err != nil {
			return err
		}
		return f.engine.Handle(f.ctx, tx, u)
	})
	if err != nil {
		f.t.Fatalf("Handle(%+v): %v", u, err)
	}
	return f.newMessages()
}

func (f *fixture) newMessages() []storage.Message {
	f.t.Helper()
	var out []storage.Message
	err := f.store.View(f.ctx, func(tx *storage.Tx) error {
		all, err := tx.PendingMessages(f.ctx, f.now.Add(365*24*time.Hour), 100000)
		if err != nil {
			return err
		}
		for _, m := range all {
			if !f.seen[m.ID] {
				f.seen[m.ID] = true
				out = append(out, m)
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// send is a user typing text in their private chat.
func (f *fixture) send(user int64, text string) []storage.Message {
	f.t.Helper()
	return f.handle(Update{UserID: user, Text: text})
}

// press is a user pressing an inline button.
func (f *fixture) press(user int64, data string) []storage.Message {
	f.t.Helper()
	return f.handle(Update{UserID: user, CallbackID: "q", Data: data, MessageID: 1})
}

// say returns the one reply text to the user's chat, failing if there is none.
func (f *fixture) say(user int64, text string) string {
	f.t.Helper()
	return f.replyTo(user, f.send(user, text))
}

func (f *fixture) replyTo(user int64, msgs []storage.Message) string {
	f.t.Helper()
	var texts []string
	for _, m := range msgs {
		if m.ChatID == user {
			texts = append(texts, m.Text)
		}
	}
	if len(texts) == 0 {
		f.t.Fatalf("no reply to %d among %d messages", user, len(msgs))
	}
	return strings.Join(texts, "\n---\n")
}

// view runs fn in a read transaction.
func (f *fixture) view(fn func(tx *storage.Tx) error) {
	f.t.Helper()
	if err := f.store.View(f.ctx, fn); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) reports(classID int64) []storage.Report {
	f.t.Helper()
	var out []storage.Report
	f.view(func(tx *storage.Tx) error {
		var err error
		out, err = tx.ReportsOfClass(f.ctx, classID)
		return err
	})
	return out
}

func buttonData(msgs []storage.Message) []string {
	var out []string
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				out = append(out, b.Data)
			}
		}
	}
	return out
}

// TestPermissionMatrix runs each command as each role, in and out of scope, and checks the
// answer: done, refused for the role, or refused for the scope.
func TestPermissionMatrix(t *testing.T) {
	const (
		strangerMsg = "chưa được cấp quyền"
		teacherOnly = deniedTeacher
		managerOnly = deniedManager
		areaOnly    = deniedAreaManager
		inviteOnly  = deniedInvite
		parentOnly  = deniedParent
	)
	tests := []struct {
		cmd  string
		user int64
		want string // a substring of the reply
	}{
		// /baocao: the teacher of the class only
		{"/baocao 6A 42 30 8", uTeacher, "Đã ghi báo cáo"},
		{"/baocao 6A 42 30 8", uTeacherOut, "Đã ghi báo cáo"}, // their own 6A, another school
		{"/baocao 7A 40 30 8", uTeacher, "không có trong các lớp thầy/cô chủ nhiệm"},
		{"/baocao 6A 42 30 8", uPrincipal, teacherOnly},
		{"/baocao 6A 42 30 8", uOfficer, teacherOnly},
		{"/baocao 6A 42 30 8", uAdmin, teacherOnly},
		{"/baocao 6A 42 30 8", uParent, teacherOnly},
		{"/baocao 6A 42 30 8", uStranger, strangerMsg},
		// roster commands: the teacher of the roster class
		{"/chuadong 6B", uTeacher, "chưa tham gia BHYT"},
		{"/chuadong 7A", uTeacher, "không có trong các lớp thầy/cô chủ nhiệm"},
		{"/chuadong 6A", uTeacherOut, "chưa có danh sách"},
		{"/chuadong 6B", uPrincipal, teacherOnly},
		{"/chuadong 6B", uParent, teacherOnly},
		{"/chuadong 6B", uStranger, strangerMsg},
		{"/dadong 6B 2", uTeacher, "Đã ghi 1 học sinh"},
		{"/dadong 6B 2", uTeacherOut, "không có trong các lớp thầy/cô chủ nhiệm"},
		{"/dadong 6B 2", uOfficer, teacherOnly},
		{"/dadong 6B 2", uAdmin, teacherOnly},
		{"/khac 6B 3", uTeacher, "đối tượng khác"},
		{"/khac 6B 3", uPrincipalOut, teacherOnly},
		{"/xoadong 6B 3", uTeacher, "Đã ghi 0 học sinh"},
		{"/xoadong 6B 3", uParent, teacherOnly},
		// /lop
		{"/lop", uTeacher, "6B"},
		{"/lop", uPrincipal, "7A"},
		{"/lop", uPrincipalOut, "Trường THCS Mỹ Xuyên"},
		{"/lop", uOfficer, "/xephang"},
		{"/lop", uParent, "Nguyễn Văn An"},
		{"/lop", uStranger, strangerMsg},
		// /moi
		{"/moi", uTeacher, "Chọn lớp để tạo link mời phụ huynh"},
		{"/moi 6B", uTeacher, "https://t.me/bhyt_test_bot?start="},
		{"/moi phuhuynh Trường THCS Mỹ Xuyên / 6A", uTeacher, "Thầy/cô chỉ mời được phụ huynh của lớp mình chủ nhiệm"},
		{"/moi", uPrincipal, "Chọn lớp để tạo link mời giáo viên"},
		{"/moi giaovien 7A", uPrincipal, "Link mời <b>giáo viên chủ nhiệm</b>"},
		{"/moi giaovien Trường THCS Mỹ Xuyên / 6A", uPrincipal, "không thuộc trường thầy/cô quản lý"},
		{"/moi hieutruong Trường THCS Mỹ Tú", uPrincipal, "Chỉ cán bộ quản lý giáo dục"},
		{"/moi hieutruong Trường THCS Mỹ Tú", uOfficer, "Link mời <b>hiệu trưởng</b>"},
		{"/moi hieutruong Trường THCS Mỹ Tú", uOfficerOut, "nằm ngoài phạm vi"},
		{"/moi canbo Sóc Trăng / Mỹ Tú", uOfficer, "nằm ngoài phạm vi"}, // not strictly below
		{"/moi canbo Sóc Trăng / Mỹ Tú", uAdmin, "Link mời <b>cán bộ quản lý giáo dục</b>"},
		{"/moi canbo Mỹ Tú", uAdmin, "khu vực Sóc Trăng / Mỹ Tú"},
		{"/moi hieutruong Trường THCS Mỹ Tú", uParent, inviteOnly},
		{"/moi", uStranger, strangerMsg},
		{"/thuhoi AAAAAAAAAAAAAAAA", uTeacher, "Không có mã mời “AAAAAAAAAAAAAAAA” để thu hồi"},
		{"/thuhoi <b>", uTeacher, "Không có mã mời “&lt;b&gt;” để thu hồi"},
		{"/thuhoi AAAAAAAAAAAAAAAA", uParent, inviteOnly},
		// boards
		{"/xephang", uPrincipal, "Trường THCS Mỹ Tú"},
		{"/xephang", uOfficer, "Mỹ Tú"},
		{"/xephang", uAdmin, "Sóc Trăng"},
		{"/xephang", uTeacher, managerOnly},
		{"/xephang", uParent, managerOnly},
		{"/xephang", uStranger, strangerMsg},
		{"/xephang 2026-W99", uPrincipal, "không đúng dạng"},
		{"/xuat", uOfficer, "Báo cáo BHYT học sinh – Sóc Trăng / Mỹ Tú"},
		{"/xuat", uAdmin, "Báo cáo BHYT học sinh – Sóc Trăng"},
		{"/xuat", uPrincipal, areaOnly},
		{"/xuat", uTeacher, areaOnly},
		{"/guingay", uOfficer, "/guingay giaovien"},
		{"/guingay giaovien", uOfficer, "Đã xếp lịch gửi ngay"},
		{"/guingay phuhuynh", uAdmin, "Đã xếp lịch gửi ngay"},
		{"/guingay giaovien", uPrincipal, areaOnly},
		{"/guingay giaovien", uParent, areaOnly},
		// parents
		{"/cothe", uParent, "Đã gửi cho giáo viên chủ nhiệm"},
		{"Con tôi đã có thẻ", uParent, "Đã gửi cho giáo viên chủ nhiệm"},
		{"/con", uParent, "Nguyễn Văn An"},
		{"/cothe", uTeacher, parentOnly},
		{"/con", uOfficer, parentOnly},
		{"/cothe", uStranger, strangerMsg},
		// everyone
		{"/toi", uStranger, "Tài khoản này (Telegram, mã người dùng 9) chưa có quyền nào"},
		{"/toi", storage.FirstForeignID + 99, "Tài khoản này (Zalo) chưa có quyền nào"}, // a Zalo number no identity names
		{"/toi", uTeacher, "Giáo viên chủ nhiệm: lớp 6B"},
		{"/toi", uOfficer, "khu vực Sóc Trăng / Mỹ Tú"},
		{"/toi", uAdmin, "Quản trị toàn hệ thống"},
		{"/huongdan", uStranger, "link mời"},
		{"/huongdan", uTeacher, "/baocao 6A 42 30 8"},
		{"/huongdan", uPrincipal, "Hiệu trưởng"},
		{"/huongdan", uParent, "Con tôi đã có thẻ"},
		{"/start", uStranger, "xin link"},
		{"/khongco", uTeacher, "Mình chưa hiểu lệnh"},
		{"/khongco", uStranger, strangerMsg},
		{"xin chào", uStranger, strangerMsg},
		{"xin chào", uTeacher, "Mình chưa hiểu"},
	}
	for _, tt := range tests {
		t.Run(tt.cmd+"/"+userName(tt.user), func(t *testing.T) {
			f := newFixture(t)
			got := f.replyTo(tt.user, f.send(tt.user, tt.cmd))
			if !strings.Contains(got, tt.want) {
				t.Errorf("reply to %q by %s:\n%s\nwant it to contain %q", tt.cmd, userName(tt.user), got, tt.want)
			}
		})
	}
}

func userName(u int64) string {
	return map[int64]string{uAdmin: "admin", uOfficer: "officer", uPrincipal: "principal", uTeacher: "teacher", uTeacherOut: "teacher-out",
		uParent: "parent", uOfficerOut: "officer-out", uPrincipalOut: "principal-out", uStranger: "stranger"}[u]
}

// TestButtonsRespectScope presses other people's buttons.
func TestButtonsRespectScope(t *testing.T) {
	f := newFixture(t)
	id := func(n int64) string { return itoa(n) }
	tests := []struct {
		user int64
		data string
		want string
	}{
		{uTeacherOut, "bc:sua:" + id(f.classA.ID), "không phải lớp thầy/cô chủ nhiệm"},
		{uPrincipal, "bc:sua:" + id(f.classA.ID), deniedTeacher},
		{uPrincipalOut, "moi:gv:" + id(f.classA.ID), "không thuộc trường thầy/cô quản lý"},
		{uTeacherOut, "moi:ph:" + id(f.classA.ID), "Thầy/cô chỉ mời được phụ huynh của lớp mình chủ nhiệm"},
		{uTeacher, "moi:ph:" + id(f.classB.ID), "https://t.me/bhyt_test_bot?start="},
		{uParent, button.CardStudentData(f.pupils[1].ID), "không phải phụ huynh của học sinh này"},
		{uTeacher, button.CardStudentData(f.pupils[1].ID), deniedParent},
		{uStranger, "bc:ok", strangerText},
		{uTeacher, "rác", "Nút này không còn dùng được"},
		{uStranger, "rác", strangerText},
	}
	for _, tt := range tests {
		got := f.replyTo(tt.user, f.press(tt.user, tt.data))
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s presses %q:\n%s\nwant %q", userName(tt.user), tt.data, got, tt.want)
		}
	}
}

// TestGroupChats: private commands are refused in groups and chatter is ignored.
func TestGroupChats(t *testing.T) {
	f := newFixture(t)
	msgs := f.handle(Update{UserID: uTeacher, ChatID: -100, ChatType: "group", Text: "/chuadong 6B"})
	if len(msgs) != 1 || msgs[0].ChatID != -100 || !strings.Contains(msgs[0].Text, "tin nhắn riêng") || strings.Contains(msgs[0].Text, "Bình") {
		t.Errorf("roster in a group: %+v", msgs)
	}
	if msgs := f.handle(Update{UserID: uTeacher, ChatID: -100, ChatType: "group", Text: "6A 42 30 8 chào cả nhà"}); len(msgs) != 0 {
		t.Errorf("group chatter answered: %+v", msgs)
	}
	if msgs := f.handle(Update{UserID: uTeacher, ChatID: -100, ChatType: "group", Text: "/lenhkhac@otherbot"}); len(msgs) != 0 {
		t.Errorf("another bot's command answered: %+v", msgs)
	}
	msgs = f.handle(Update{UserID: uTeacher, ChatID: -100, ChatType: "supergroup", Text: "/baocao@bhyt_test_bot 6A 42 30 8"})
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Đã ghi báo cáo") {
		t.Errorf("report in a group: %+v", msgs)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestParentChildStatusNotInGroups: a child's name and card status never go to a group.
func TestParentChildStatusNotInGroups(t *testing.T) {
	f := newFixture(t)
	child := f.pupils[0].Name
	for _, text := range []string{"/con", "/lop", "/cothe"} {
		for _, m := range f.handle(Update{UserID: uParent, ChatID: -100, ChatType: "group", Text: text}) {
			if m.ChatID == -100 && strings.Contains(m.Text, child) {
				t.Errorf("%s in a group names the child: %q", text, m.Text)
			}
		}
	}
	if got := f.say(uParent, "/con"); !strings.Contains(got, child) {
		t.Errorf("/con in private: %q", got)
	}
	if got := f.say(uParent, "/lop"); !strings.Contains(got, child) {
		t.Errorf("/lop in private: %q", got)
	}
}
