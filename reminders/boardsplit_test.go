package reminders

import (
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/bot/split"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/markup"
)

// TestBoardsCutForTelegram: the boards this package enqueues whole, cut as Telegram's sender
// cuts them (4,096 UTF-16 units), give valid parts between sections or lines, with nothing
// lost but the line breaks at the cuts.
func TestBoardsCutForTelegram(t *testing.T) {
	const telegramLimit = 4096
	for _, tc := range []struct {
		name      string
		text      string
		wantParts int
	}{
		{"school 60 classes", leaderboard.RenderSchoolBoard(genSchool(60, 7)), 1},
		{"area 300 schools", leaderboard.RenderAreaBoard(genArea(300, 7)), 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := split.Split(tc.text, telegramLimit, split.UTF16Len)
			t.Logf("%d UTF-16 units, %d parts", split.UTF16Len(tc.text), len(parts))
			if len(parts) < tc.wantParts {
				t.Errorf("%d parts, want at least %d", len(parts), tc.wantParts)
			}
			for i, p := range parts {
				if n := split.UTF16Len(p); n > telegramLimit {
					t.Errorf("part %d: %d > %d", i, n, telegramLimit)
				}
				if err := markup.Check(p); err != nil {
					t.Errorf("part %d: %v", i, err)
				}
				if strings.TrimSpace(p) != p {
					t.Errorf("part %d starts or ends with a blank line", i)
				}
			}
			if got, want := strings.Fields(strings.Join(parts, "\n")), strings.Fields(tc.text); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Error("parts joined differ from the text")
			}
			for i, p := range parts[:len(parts)-1] {
				if next := parts[i+1]; !strings.Contains(tc.text, p+"\n"+next) && !strings.Contains(tc.text, p+"\n\n"+next) {
					t.Errorf("part %d does not end at a line", i)
				}
			}
		})
	}
}

// The area board of 300 schools cut as Telegram's sender cuts it.
func BenchmarkSplitAreaBoard(b *testing.B) {
	text := leaderboard.RenderAreaBoard(genArea(300, 1))
	b.ReportAllocs()
	for b.Loop() {
		_ = split.Split(text, 4096, split.UTF16Len)
	}
}
