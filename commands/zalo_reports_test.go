package commands_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/button"
)

// numberOf is the number of the choice labelled label in the last of msgs, as Zalo shows
// choices ("2. 7A").
func numberOf(t *testing.T, msgs []string, label string) string {
	t.Helper()
	for _, m := range regexp.MustCompile(`(?m)^(\d+)\. (.+)$`).FindAllStringSubmatch(msgs[len(msgs)-1], -1) {
		if strings.Contains(m[2], label) {
			return m[1]
		}
	}
	t.Fatalf("no numbered choice %q in %q", label, msgs)
	return ""
}

// TestZaloReportsInEverySpelling: a teacher of two classes on Zalo, invited from Telegram
// (the invite gives the Telegram link and the code to send on Zalo), joins by the bare code,
// reports in every spelling the bot reads and gets the right percentage in plain text; a
// wrong report gets its error with a correct example; the guided report goes class →
// figures → confirmation by replies alone (the class and the confirmation by their numbers,
// the figures typed).
func TestZaloReportsInEverySpelling(t *testing.T) {
	w := newZaloWorld(t)
	const teacher = "zalo-gv-6a-7a"
	for _, class := range []string{"6A", "7A"} {
		// The invite, made on Telegram, says how to join on both channels.
		answer := w.say(admin, "/moi giaovien Trường THCS Mỹ Tú / "+class)
		code := links(answer)
		if len(code) != 1 || !strings.Contains(texts(answer), "trên Zalo: gửi mã <code>"+code[0]+"</code> cho bot") {
			t.Fatalf("invite for %s: %v in %q", class, code, texts(answer))
		}
		zexpect(t, w.zsay(teacher, code[0]), "giáo viên chủ nhiệm", "lớp "+class)
	}
	tests := []struct {
		text  string
		wants []string
	}{
		{"/baocao 6A 42 30 8", []string{"Đã ghi báo cáo lớp 6A", "Sĩ số 42 · qua trường 30 · đối tượng khác 8", "90,5%", "Còn 4 học sinh"}},
		{"/baocao 6a 38/42", []string{"Đã ghi báo cáo lớp 6A", "90,5%", "cả 38 em được tính là tham gia qua trường"}},
		{"6A: ss 40, tr 30, khac 10", []string{"Đã ghi báo cáo lớp 6A", "100%", "Cả lớp đã có thẻ BHYT"}},
		{"6a ss=42 tr=30 khác=8", []string{"Đã ghi báo cáo lớp 6A", "90,5%"}},
		{"BAO CAO lop 6A 42 30 8", []string{"Đã ghi báo cáo lớp 6A", "90,5%"}},
		{"ｂáo cáo lớp ６A sĩ số ４２ qua trường ３０", []string{"Đã ghi báo cáo lớp 6A", "71,4%"}},
		{"baocao6A 42 30 8", []string{"Đã ghi báo cáo lớp 6A", "90,5%"}},
		{"/baocao6a42 30 8", []string{"Đã ghi báo cáo lớp 6A", "90,5%"}},
		{"/baocao 7A 40 20 6", []string{"Đã ghi báo cáo lớp 7A", "65%"}},
		{"/baocao 6A 42 40 8", []string{"không được lớn hơn sĩ số 42", "Ví dụ đúng: /baocao 6A 42"}},
		{"/baocao 42 30 8", []string{"Thầy/cô chủ nhiệm nhiều lớp (6A, 7A)"}},
	}
	for _, tt := range tests {
		got := w.zsay(teacher, tt.text)
		zexpect(t, got, tt.wants...)
		for _, m := range got {
			if zaloHTML.MatchString(m) {
				t.Errorf("%q answered with HTML: %q", tt.text, m)
			}
		}
	}

	got := w.zsay(teacher, "/baocao")
	zexpect(t, got, "1. 6A", "2. 7A", "Trả lời 1, 2 hoặc 3.")
	zexpect(t, w.zsay(teacher, numberOf(t, got, "7A")), "Lớp 7A – bước 1/3", "Gõ số, ví dụ 40.")
	zexpect(t, w.zsay(teacher, "40"), "bước 2/3")
	zexpect(t, w.zsay(teacher, "36"), "bước 3/3")
	got = w.zsay(teacher, "4")
	zexpect(t, got, "Kiểm tra lại báo cáo lớp 7A", "Sĩ số 40 · qua trường 36 · đối tượng khác 4", "Trả lời 1, 2 hoặc 3.")
	zexpect(t, w.zsay(teacher, numberOf(t, got, "Gửi báo cáo")), "Đã ghi báo cáo lớp 7A", "Tỷ lệ tham gia BHYT: 100%")
}

// TestZaloParentAndTeacherByNumbers: a parent and the class's teacher, both on Zalo: the
// parent's "my child has a card" is the choice 1 of the welcome, the teacher's confirmation
// a choice of the note the bot sends her, and the parent is told.
func TestZaloParentAndTeacherByNumbers(t *testing.T) {
	w := newZaloWorld(t)
	const (
		teacher = "zalo-gv-6b"
		parent  = "zalo-ph-binh"
	)
	code := links(w.say(admin, "/moi giaovien Trường THCS Mỹ Tú / 6B"))
	zexpect(t, w.zsay(teacher, "/start "+code[0]), "lớp 6B")
	pcodes := zaloCodes(w.zsay(teacher, "/moi"))
	if len(pcodes) != 4 {
		t.Fatalf("parent codes: %v", pcodes)
	}
	got := w.zsay(parent, pcodes[1])
	zexpect(t, got, "Trần Thị Bình", "1. ✅ Con tôi đã có thẻ", "Trả lời 1.")
	if n := w.choice(parent, button.Card+":"); n != "1" {
		t.Fatalf("the card is choice %s", n)
	}
	before := len(w.z.Texts(teacher))
	zexpect(t, w.zsay(parent, "1"), "Đã gửi cho giáo viên chủ nhiệm")
	note := w.z.Texts(teacher)[before:]
	zexpect(t, note, "Phụ huynh của em Trần Thị Bình", "1. ✅ Qua trường", "2. ✅ Đối tượng khác")
	before = len(w.z.Texts(parent))
	zexpect(t, w.zsay(teacher, numberOf(t, note, "Qua trường")), "Đã ghi em Trần Thị Bình đã tham gia BHYT qua trường")
	zexpect(t, w.z.Texts(parent)[before:], "Giáo viên chủ nhiệm đã xác nhận em Trần Thị Bình có thẻ BHYT")
}
