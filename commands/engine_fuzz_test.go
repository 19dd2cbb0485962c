package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/storage"
)

// FuzzHandle sends any text to the engine as a teacher with a guided report open, a parent
// mid-identification and a stranger: no panic, no error, and every non-empty message gets a
// reply in its own chat. Each account types at the rate the inbound limit allows (the clock
// moves one refill interval per input), so every message must be answered.
func FuzzHandle(f *testing.F) {
	for _, s := range []string{
		"/baocao 6A 42 30 8", "/baocao", "6a: ss 42, tr 30, khac 8", "/dadong 6B 1-3", "/khac 6B 2", "/chuadong 6B",
		"/moi phuhuynh Trường THCS Mỹ Tú / 6B / 2", "/moi canbo Sóc Trăng / Mỹ Tú", "/start AAAAAAAAAAAAAAAA", "Con tôi đã có thẻ",
		"/xephang 2026-W48", "/guingay giaovien", "/thuhoi <b>", "42", "-1", "\x00", "/", "/@", "tran thi binh", "／ｂａｏｃａｏ",
	} {
		f.Add(s)
	}
	fx := newFixture(f)
	fx.send(uTeacher, "/baocao 6A")
	code := fx.invite("parent", scopeClass(fx.classB.ID), uTeacher, fx.now.AddDate(0, 0, 1), 1000)
	fx.send(uNewcomer, "/start "+code)
	refill := time.Duration(float64(time.Minute) / fx.cfg.Limits.MessagesPerMinute)
	f.Fuzz(func(t *testing.T, text string) {
		fx.t = t
		fx.now = fx.now.Add(refill)
		for _, user := range []int64{uTeacher, uNewcomer, uStranger, uAdmin} {
			msgs := fx.send(user, text)
			if strings.TrimSpace(text) == "" {
				continue
			}
			replied := false
			for _, m := range msgs {
				replied = replied || m.ChatID == user
			}
			if !replied {
				t.Errorf("user %d got no reply to %q", user, text)
			}
		}
	})
}

func scopeClass(id int64) storage.Scope { return storage.Scope{ClassID: id} }
