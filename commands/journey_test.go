package commands_test

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot"
	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/roster"
	"github.com/bhytbot/bhytbot/storage"
)

// world is the whole bot over the Telegram fake: the bot package's update loop and sender
// call the engine, so a journey is what people would see on Telegram.
type world struct {
	t     *testing.T
	ctx   context.Context
	srv   *telegramtest.Server
	store *storage.Store
}

const rosterCSV = `area,school,class,enrolment,teacher_name,student_name,student_no
Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,42,Cô Lan,,
Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,7A,40,Thầy Minh,,
Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6B,3,Cô Hoa,Nguyễn Văn An,1
Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6B,3,Cô Hoa,Trần Thị Bình,2
Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6B,3,Cô Hoa,Lê Hoàng Cường,3
`

const admin = 1

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv := telegramtest.New(telegramtest.Options{BotUsername: "bhyt_hs_bot", Limits: telegramtest.Limits{Disabled: true}})
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := roster.ReadCSV(strings.NewReader(rosterCSV))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	if _, err := roster.Import(ctx, st, cfg.Campaign.SchoolYear, rows); err != nil {
		t.Fatal(err)
	}
	cfg.Admins = []int64{admin}
	cfg.Telegram.Token, cfg.Telegram.APIEndpoint = srv.Token(), srv.Endpoint()
	cfg.Telegram.PollTimeout = time.Second
	cfg.QuietHours = config.QuietHours{Start: "00:00", End: "00:00"} // none: the journey runs at any hour
	cfg.Telegram.Rate = config.Rate{Global: 1000, PrivateChat: 1000, GroupPerMinute: 1000}
	engine := commands.New(cfg, time.Now, commands.WithBotUsername(srv.BotUsername()), commands.WithReminders(reminders.New(cfg, st, time.Now, nil)))
	svc, err := bot.New(cfg, st, engine, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("bot: %v", err)
		}
		srv.Close()
		st.Close()
	})
	return &world{t: t, ctx: ctx, srv: srv, store: st}
}

// settle waits until the update is applied and the outbox is empty.
func (w *world) settle(update int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 20*time.Second)
	defer cancel()
	if err := w.srv.WaitConfirmed(ctx, update); err != nil {
		w.t.Fatalf("update %d not applied: %v", update, err)
	}
	for {
		var depth int
		err := w.store.View(ctx, func(tx *storage.Tx) error {
			var err error
			depth, err = tx.OutboxDepth(ctx)
			return err
		})
		if err != nil {
			w.t.Fatal(err)
		}
		if depth == 0 {
			return
		}
		select {
		case <-ctx.Done():
			w.t.Fatalf("outbox not drained: %d pending", depth)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// say sends text as user and returns what the user's chat received in answer.
func (w *world) say(user int64, text string) []telegramtest.SentMessage {
	w.t.Helper()
	before := len(w.srv.Sent(user))
	w.settle(w.srv.SendText(telegramtest.User{ID: user, FirstName: fmt.Sprintf("Người %d", user)}, user, text))
	return w.srv.Sent(user)[before:]
}

// press presses the button with data on a message the user received.
func (w *world) press(user int64, msg telegramtest.SentMessage, data string) []telegramtest.SentMessage {
	w.t.Helper()
	found := false
	for _, row := range msg.Buttons {
		for _, b := range row {
			found = found || b.Data == data
		}
	}
	if !found {
		w.t.Fatalf("no button %q on %q", data, msg.Text)
	}
	before := len(w.srv.Sent(user))
	w.settle(w.srv.PressButton(telegramtest.User{ID: user, FirstName: fmt.Sprintf("Người %d", user)}, user, msg.MessageID, data))
	return w.srv.Sent(user)[before:]
}

func texts(msgs []telegramtest.SentMessage) string {
	var s []string
	for _, m := range msgs {
		s = append(s, m.Text)
	}
	return strings.Join(s, "\n---\n")
}

func expect(t *testing.T, msgs []telegramtest.SentMessage, wants ...string) {
	t.Helper()
	got := texts(msgs)
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("got:\n%s\nwant it to contain %q", got, want)
		}
	}
}

var linkRE = regexp.MustCompile(`https://t\.me/bhyt_hs_bot\?start=([A-Za-z0-9_-]{10,64})`)

// links returns the invite codes in messages, in order.
func links(msgs []telegramtest.SentMessage) []string {
	var out []string
	for _, m := range msgs {
		for _, s := range linkRE.FindAllStringSubmatch(m.Text, -1) {
			out = append(out, s[1])
		}
	}
	return out
}

func buttonWith(t *testing.T, msgs []telegramtest.SentMessage, prefix string) (telegramtest.SentMessage, string) {
	t.Helper()
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Data, prefix) {
					return m, b.Data
				}
			}
		}
	}
	t.Fatalf("no button %q* in:\n%s", prefix, texts(msgs))
	return telegramtest.SentMessage{}, ""
}

// TestJourneys: each role is invited, joins, acts and gets its answer, as on Telegram.
func TestJourneys(t *testing.T) {
	w := newWorld(t)
	const (
		officer   = 20
		principal = 30
		teacher   = 40
		teacher6B = 41
		parentA   = 50
		parentB   = 51
		stranger  = 99
	)
	expect(t, w.say(stranger, "/start"), "Để sử dụng bot, cần có một đường link mời")
	expect(t, w.say(stranger, "/baocao 6A 42 30 8"), "chưa được cấp quyền")

	// Officer: invited by the admin from chat.
	codes := links(w.say(admin, "/moi canbo Sóc Trăng / Mỹ Tú"))
	if len(codes) != 1 {
		t.Fatalf("officer invite codes %v", codes)
	}
	expect(t, w.say(officer, "/start "+codes[0]), "cán bộ quản lý giáo dục", "khu vực Sóc Trăng / Mỹ Tú")
	expect(t, w.srv.Sent(admin), "đã nhận lời mời cán bộ quản lý giáo dục")
	expect(t, w.say(stranger, "/start "+codes[0]), "Mã mời này đã được sử dụng")

	// Principal: invited by the officer.
	codes = links(w.say(officer, "/moi hieutruong Trường THCS Mỹ Tú"))
	expect(t, w.say(principal, "/start "+codes[0]), "hiệu trưởng", "Trường THCS Mỹ Tú")

	// Teacher: the principal picks the class with a button.
	menu := w.say(principal, "/moi")
	msg, data := buttonWith(t, menu, "moi:gv:")
	codes = links(w.press(principal, msg, data))
	expect(t, w.say(teacher, "/start "+codes[0]), "giáo viên chủ nhiệm", "lớp 6A")

	// The teacher reports without the class (one class), and is ranked.
	got := w.say(teacher, "bao cao ss 42 tr 38 khac 2")
	expect(t, got, "Đã ghi báo cáo lớp <b>6A</b>", "95,2%", "Còn <b>2</b> học sinh", "Lớp đứng <b>hạng 1</b> trong 1 lớp đã báo cáo của trường tuần này.")
	msg, data = buttonWith(t, got, "bc:sua:")
	// Correction through the guided flow: Sửa → enrolment → through → other → confirm.
	got = w.press(teacher, msg, data)
	expect(t, got, "bước 1/3")
	expect(t, w.say(teacher, "42"), "bước 2/3")
	expect(t, w.say(teacher, "40"), "bước 3/3")
	got = w.say(teacher, "2")
	expect(t, got, "Kiểm tra lại", "100%")
	msg, _ = buttonWith(t, got, "bc:ok")
	expect(t, w.press(teacher, msg, "bc:ok"), "Đã ghi báo cáo", "Cả lớp đã có thẻ BHYT")

	// The principal and the officer see the board.
	expect(t, w.say(principal, "/xephang"), "6A")
	expect(t, w.say(officer, "/xephang"), "Trường THCS Mỹ Tú")

	// Roster class: its teacher marks pupils and sends parent links.
	codes = links(w.say(principal, "/moi giaovien 6B"))
	teacher6BCode := codes[0]
	expect(t, w.say(teacher6B, "/start "+codes[0]), "lớp 6B")
	expect(t, w.say(teacher6B, "/baocao 6B 3 1 0"), "số liệu được tính từ danh sách")
	expect(t, w.say(teacher6B, "/dadong 6B 1"), "Đã ghi 1 học sinh", "33,3%")
	expect(t, w.say(teacher6B, "/chuadong 6B"), "Trần Thị Bình", "Lê Hoàng Cường")
	parentMsgs := w.say(teacher6B, "/moi")
	codes = links(parentMsgs)
	if len(codes) != 4 { // three pupils and the class link
		t.Fatalf("parent links %v in %s", codes, texts(parentMsgs))
	}

	// Parent A by the class link: types the child's name without diacritics.
	expect(t, w.say(parentA, "/start "+codes[3]), "họ và tên đầy đủ")
	expect(t, w.say(parentA, "Nguyen Van"), "Chưa tìm thấy đúng một học sinh")
	before := len(w.srv.Sent(teacher6B))
	got = w.say(parentA, "tran thi binh")
	expect(t, got, "Đã gửi yêu cầu liên kết")
	if strings.Contains(texts(got), "Bình") {
		t.Errorf("the class link revealed the pupil before the teacher agreed: %s", texts(got))
	}
	ask := w.srv.Sent(teacher6B)[before:]
	expect(t, ask, "muốn liên kết với em <b>Trần Thị Bình</b> (số 2")
	msg, data = buttonWith(t, ask, "lk:y:")
	expect(t, w.press(teacher6B, msg, data), "Đã liên kết")
	expect(t, w.srv.Sent(parentA), "xác nhận anh/chị là phụ huynh của em <b>Trần Thị Bình</b>")
	before = len(w.srv.Sent(teacher6B))
	expect(t, w.say(parentA, "Con tôi đã có thẻ"), "Đã gửi cho giáo viên chủ nhiệm")
	claim := w.srv.Sent(teacher6B)[before:]
	expect(t, claim, "Phụ huynh của em <b>Trần Thị Bình</b>")
	msg, data = buttonWith(t, claim, "the:o:")
	expect(t, w.press(teacher6B, msg, data), "đã có thẻ thuộc đối tượng khác", "66,7%")
	expect(t, w.srv.Sent(parentA), "Giáo viên chủ nhiệm đã xác nhận em Trần Thị Bình có thẻ BHYT")

	// Parent B by a per-pupil link: bound at once, and the reminder's button works.
	got = w.say(parentB, "/start "+codes[2])
	expect(t, got, "Lê Hoàng Cường")
	msg, data = buttonWith(t, got, button.Card+":")
	if data != button.CardStudentData(mustPupil(t, w, "Lê Hoàng Cường")) {
		t.Errorf("card button data %q", data)
	}
	expect(t, w.press(parentB, msg, data), "Đã gửi cho giáo viên chủ nhiệm")
	expect(t, w.say(parentB, "/con"), "Lê Hoàng Cường")
	expect(t, w.say(parentB, "/chuadong 6B"), "dành cho giáo viên chủ nhiệm")

	// A forged parent-links press in the class group (a group of chat id -42) and /toi
	// typed there post nothing private to the group.
	var class6B int64
	if err := w.store.View(w.ctx, func(tx *storage.Tx) error {
		res, err := commands.ResolveScope(w.ctx, tx, storage.RoleTeacher, "Trường THCS Mỹ Tú / 6B", "2025-2026")
		class6B = res.Scope.ClassID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	w.settle(w.srv.PressButton(telegramtest.User{ID: teacher6B, FirstName: "Người 41"}, -42, 1, "moi:ph:"+strconv.FormatInt(class6B, 10)))
	w.settle(w.srv.SendText(telegramtest.User{ID: parentB, FirstName: "Người 51"}, -42, "/toi"))
	group := w.srv.Sent(-42)
	expect(t, group, "chỉ dùng trong tin nhắn riêng")
	if g := texts(group); strings.Contains(g, "start=") || strings.Contains(g, "Lê Hoàng Cường") {
		t.Errorf("the group got private things:\n%s", g)
	}

	// The teacher takes parent B's role away from the phone: a numbered list, a button, a
	// confirmation; parent B is told and loses the child on the next message.
	got = w.say(teacher6B, "/xoaquyen")
	expect(t, got, "Chọn quyền cần gỡ", "phụ huynh: học sinh Lê Hoàng Cường")
	var pick string
	for _, m := range got {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, "Người 51") {
					msg, pick = m, b.Data
				}
			}
		}
	}
	if pick == "" {
		t.Fatalf("no button for parent B in %s", texts(got))
	}
	got = w.press(teacher6B, msg, pick)
	msg, data = buttonWith(t, got, "xq:y:")
	expect(t, w.press(teacher6B, msg, data), "Đã gỡ 1 quyền", "Người 51 (Telegram) – phụ huynh: học sinh Lê Hoàng Cường")
	expect(t, w.srv.Sent(parentB), "đã được gỡ khỏi tài khoản này")
	expect(t, w.say(parentB, "/con"), "chưa được cấp quyền")

	// The principal revokes the used teacher code of 6B: the teacher loses the class.
	expect(t, w.say(principal, "/thuhoi "+teacher6BCode), "Đã gỡ 1 quyền do mã này cấp", "giáo viên chủ nhiệm: lớp 6B")
	expect(t, w.say(teacher6B, "/chuadong 6B"), "chưa được cấp quyền")
}

func mustPupil(t *testing.T, w *world, name string) int64 {
	t.Helper()
	var id int64
	err := w.store.View(w.ctx, func(tx *storage.Tx) error {
		res, err := commands.ResolveScope(w.ctx, tx, storage.RoleParent, "Trường THCS Mỹ Tú / 6B / 3", "2025-2026")
		id = res.Scope.StudentID
		return err
	})
	if err != nil || id == 0 {
		t.Fatalf("pupil %s: %v", name, err)
	}
	return id
}
