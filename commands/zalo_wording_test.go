package commands_test

import (
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/config"
)

// TestParentWordingFollowsChannel: a parent on Zalo, who sees numbered choices and no
// buttons, is asked to answer with the number; a parent on Telegram is asked to press the
// button. Both the welcome and the weekly reminder, as each chat received them.
func TestParentWordingFollowsChannel(t *testing.T) {
	w := newZaloWorld(t)
	const (
		teacher  = "zalo-gv-6b"
		parentZ  = "zalo-ph-binh"
		parentTG = 51
	)
	zexpect(t, w.zsay(teacher, "/start "+links(w.say(admin, "/moi giaovien Trường THCS Mỹ Tú / 6B"))[0]), "lớp 6B")
	pcodes := zaloCodes(w.zsay(teacher, "/moi"))
	if len(pcodes) != 4 {
		t.Fatalf("parent codes: %v", pcodes)
	}
	const (
		zaloAsk = "trả lời bằng số ở cuối tin nhắn"
		tgAsk   = "bấm nút bên dưới"
	)
	zwelcome := strings.Join(w.zsay(parentZ, pcodes[1]), "\n")
	tgwelcome := texts(w.say(parentTG, "/start "+pcodes[2]))

	zBefore, tgBefore := len(w.z.Texts(parentZ)), len(w.srv.Sent(parentTG))
	if _, err := w.jobs.RunNow(w.ctx, config.JobParentReminder, "test"); err != nil {
		t.Fatal(err)
	}
	w.drain()
	zreminder := strings.Join(w.z.Texts(parentZ)[zBefore:], "\n")
	tgreminder := texts(w.srv.Sent(parentTG)[tgBefore:])
	if !strings.Contains(zreminder, "Nhắc tham gia BHYT học sinh") || !strings.Contains(tgreminder, "Nhắc tham gia BHYT học sinh") {
		t.Fatalf("no reminder:\nZalo: %q\nTelegram: %q", zreminder, tgreminder)
	}
	for name, text := range map[string]string{"Zalo welcome": zwelcome, "Zalo reminder": zreminder} {
		if !strings.Contains(text, zaloAsk) || strings.Contains(text, "bấm nút") || !strings.Contains(text, "1. ✅ Con tôi đã có thẻ\nTrả lời 1.") {
			t.Errorf("%s does not ask for the number:\n%s", name, text)
		}
	}
	for name, text := range map[string]string{"Telegram welcome": tgwelcome, "Telegram reminder": tgreminder} {
		if !strings.Contains(text, tgAsk) || strings.Contains(text, "trả lời bằng số") {
			t.Errorf("%s does not ask to press the button:\n%s", name, text)
		}
	}
}
