package commands_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/button"
)

// TestTeacherSeesZaloParentsByName: a teacher on Telegram asked to link a parent on Zalo, told
// of a second parent, listing and removing them, reads each parent's name and "Zalo", never
// the number the bot gives a Zalo account inside; a Zalo parent's /toi shows their Zalo id,
// which /xoaquyen takes.
func TestTeacherSeesZaloParentsByName(t *testing.T) {
	w := newZaloWorld(t)
	const (
		teacher = int64(41)
		parentA = "zalo-ph-mai"
		parentB = "zalo-ph-tuan"
	)
	expect(t, w.say(teacher, "/start "+links(w.say(admin, "/moi giaovien Trường THCS Mỹ Tú / 6B"))[0]), "lớp 6B")
	expect(t, w.srv.Sent(admin), "🔔 Người 41 (Telegram) đã nhận lời mời giáo viên chủ nhiệm")
	pcodes := links(w.say(teacher, "/moi"))
	if len(pcodes) != 4 {
		t.Fatalf("parent codes: %v", pcodes)
	}
	internal := []string{strconv.FormatInt(w.zaloInternal(parentA), 10), strconv.FormatInt(w.zaloInternal(parentB), 10)}
	start := len(w.srv.Sent(teacher))

	// Parent A on Zalo by the class's link, naming the child: the teacher is asked.
	w.zsay(parentA, pcodes[3])
	zexpect(t, w.zsay(parentA, "Trần Thị Bình"), "Đã gửi yêu cầu liên kết")
	asked := w.srv.Sent(teacher)[start:]
	expect(t, asked, "Zalo "+parentA+" (Zalo) muốn liên kết với em <b>Trần Thị Bình</b>")
	msg, yes := buttonWith(t, asked, button.Link+":y:")
	expect(t, w.press(teacher, msg, yes), "✅ Đã liên kết Zalo "+parentA+" (Zalo) với em Trần Thị Bình.")

	// Parent B on Zalo by the child's own link: the teacher is told.
	before := len(w.srv.Sent(teacher))
	w.zsay(parentB, pcodes[1])
	expect(t, w.srv.Sent(teacher)[before:], "vừa có thêm phụ huynh liên kết qua link riêng: Zalo "+parentB+" (Zalo)")

	// The teacher removes parent B from the list.
	got := w.say(teacher, "/xoaquyen")
	expect(t, got, "Zalo "+parentA+" (Zalo) – phụ huynh: học sinh Trần Thị Bình", "Zalo "+parentB+" (Zalo) – phụ huynh: học sinh Trần Thị Bình")
	var pick string
	for _, m := range got {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, parentB) {
					msg, pick = m, b.Data
				}
			}
		}
	}
	if pick == "" {
		t.Fatalf("no button for parent B in %s", texts(got))
	}
	got = w.press(teacher, msg, pick)
	expect(t, got, "Gỡ quyền của Zalo "+parentB+" (Zalo) – phụ huynh")
	msg, yes = buttonWith(t, got, button.Revoke+":y:")
	expect(t, w.press(teacher, msg, yes), "Đã gỡ 1 quyền", "• Zalo "+parentB+" (Zalo) – phụ huynh: học sinh Trần Thị Bình")

	// Parent A's /toi gives the Zalo id; the teacher removes parent A by it.
	toi := strings.Join(w.zsay(parentA, "/toi"), "\n")
	if !strings.Contains(toi, "Zalo, mã người dùng Zalo "+parentA) || strings.Contains(toi, internal[0]) {
		t.Errorf("parent A's /toi: %q", toi)
	}
	expect(t, w.say(teacher, "/xoaquyen "+parentA), "Đã gỡ 1 quyền", "• Zalo "+parentA+" (Zalo) – phụ huynh: học sinh Trần Thị Bình")

	// Nothing the teacher received names an internal id, in a text or on a button.
	for _, m := range w.srv.Sent(teacher)[start:] {
		shown := []string{m.Text}
		for _, row := range m.Buttons {
			for _, b := range row {
				shown = append(shown, b.Text)
			}
		}
		for _, s := range shown {
			for _, id := range internal {
				if strings.Contains(s, id) {
					t.Errorf("the teacher was shown the internal id %s: %q", id, s)
				}
			}
			if strings.Contains(s, "mã người dùng") {
				t.Errorf("the teacher was shown a user id: %q", s)
			}
		}
	}
}
