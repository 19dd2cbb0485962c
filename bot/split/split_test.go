package split_test

import (
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/bot"
	"github.com/bhytbot/bhytbot/bot/split"
	"github.com/bhytbot/bhytbot/bot/telegramtest"
)

// maxTextLen is Telegram's limit on a message text.
const maxTextLen = 4096

func splitText(text string, limit int) []string { return split.Split(text, limit, split.UTF16Len) }

func textLen(s string) int { return split.UTF16Len(s) }

func TestSplitTextShortUnchanged(t *testing.T) {
	for _, s := range []string{"", "xin chào", strings.Repeat("á", maxTextLen)} {
		if got := splitText(s, maxTextLen); len(got) != 1 || got[0] != s {
			t.Errorf("splitText(%d chars) = %d parts", textLen(s), len(got))
		}
	}
}

func TestSplitTextAtLines(t *testing.T) {
	var lines []string
	for i := range 300 {
		lines = append(lines, strings.Repeat("Lớp 6A có 42 học sinh ", 1)+strings.Repeat("x", i%40))
	}
	text := strings.Join(lines, "\n")
	parts := splitText(text, maxTextLen)
	if len(parts) < 3 {
		t.Fatalf("got %d parts", len(parts))
	}
	var back []string
	for _, p := range parts {
		if n := textLen(p); n > maxTextLen {
			t.Fatalf("part of %d characters", n)
		}
		back = append(back, strings.Split(p, "\n")...)
	}
	if strings.Join(back, "\n") != text {
		t.Fatal("parts do not join back into the text line by line")
	}
}

func TestSplitTextKeepsTagsBalanced(t *testing.T) {
	body := strings.Repeat("dòng in đậm &amp; dài\n", 400)
	text := "<b>Tiêu đề</b>\n<i>" + body + "</i>\n<a href=\"https://t.me/x\">liên kết</a>"
	parts := splitText(text, 1000)
	if len(parts) < 8 {
		t.Fatalf("got %d parts", len(parts))
	}
	for i, p := range parts {
		if n := textLen(p); n > 1000 {
			t.Fatalf("part %d has %d characters", i, n)
		}
		if i > 0 && i < len(parts)-1 && !strings.HasPrefix(p, "<i>") {
			t.Errorf("part %d does not reopen <i>: %.30q", i, p)
		}
		if strings.Count(p, "<i>") != strings.Count(p, "</i>") {
			t.Errorf("part %d has unbalanced <i>: %q…%q", i, p[:20], p[len(p)-20:])
		}
	}
}

func TestSplitTextLongLineAndWord(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"words", strings.Repeat("từ ", 3000)},
		{"one word", strings.Repeat("ệ", 9000)},
		{"emoji", strings.Repeat("😀", 3000)},
		{"bold word", "<b>" + strings.Repeat("x", 5000) + "</b>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := splitText(tt.text, maxTextLen)
			if len(parts) < 2 {
				t.Fatalf("got %d parts", len(parts))
			}
			total := 0
			for _, p := range parts {
				if n := textLen(p); n > maxTextLen || n == 0 {
					t.Fatalf("part of %d characters", n)
				}
				total += textLen(strings.NewReplacer("<b>", "", "</b>", "", " ", "").Replace(p))
			}
			if want := textLen(strings.NewReplacer("<b>", "", "</b>", "", " ", "").Replace(tt.text)); total != want {
				t.Fatalf("lost text: %d of %d characters", total, want)
			}
		})
	}
}

// The fake parses HTML as Telegram does: every part must be accepted.
func TestSplitTextPartsAcceptedByTelegram(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	c, err := bot.NewClient(srv.Token(), srv.Endpoint(), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := "<b>Báo cáo</b>\n<i>" + strings.Repeat("Trường THCS Mỹ Tú &lt;6A&gt; 95,2%\n", 500) + "</i>"
	for i, p := range splitText(text, maxTextLen) {
		if _, err := c.SendText(t.Context(), 7, p, nil); err != nil {
			t.Fatalf("part %d rejected: %v", i, err)
		}
	}
}
