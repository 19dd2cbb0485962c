package reminders

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/leaderboard"
)

var tagRE = regexp.MustCompile(`</?([a-zA-Z-]+)[^<>]*>`)

// checkPart fails unless part is at most limit long and every tag in it is
// whole and closed within it.
func checkPart(t *testing.T, i int, part string, limit int) {
	t.Helper()
	if n := utf16Len(part); n > limit {
		t.Errorf("part %d: %d > %d", i, n, limit)
	}
	var stack []string
	for _, m := range tagRE.FindAllStringSubmatch(part, -1) {
		if strings.HasPrefix(m[0], "</") {
			if len(stack) == 0 || stack[len(stack)-1] != m[1] {
				t.Errorf("part %d: unbalanced %s", i, m[0])
				return
			}
			stack = stack[:len(stack)-1]
		} else {
			stack = append(stack, m[1])
		}
	}
	if len(stack) > 0 {
		t.Errorf("part %d: unclosed %v", i, stack)
	}
	if rest := tagRE.ReplaceAllString(part, ""); strings.ContainsAny(rest, "<>") {
		t.Errorf("part %d starts or ends inside a tag: %q…%q", i, part[:min(20, len(part))], part[max(0, len(part)-20):])
	}
}

func TestSplitBoards(t *testing.T) {
	for _, tc := range []struct {
		name      string
		text      string
		wantParts int
	}{
		{"school 60 classes", leaderboard.RenderSchoolBoard(genSchool(60, 7)), 1},
		{"area 300 schools", leaderboard.RenderAreaBoard(genArea(300, 7)), 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := SplitMessage(tc.text, TelegramMessageLimit)
			t.Logf("%d UTF-16 units, %d parts", utf16Len(tc.text), len(parts))
			if len(parts) < tc.wantParts {
				t.Errorf("%d parts, want at least %d (text %d long)", len(parts), tc.wantParts, utf16Len(tc.text))
			}
			for i, p := range parts {
				checkPart(t, i, p, TelegramMessageLimit)
				if strings.TrimSpace(p) == "" || strings.HasPrefix(p, "\n") {
					t.Errorf("part %d starts with a blank line", i)
				}
			}
			if strings.Join(parts, "\n") != tc.text {
				t.Error("parts joined with newlines differ from the text")
			}
		})
	}
}

func TestSplitSmallLimitKeepsLines(t *testing.T) {
	text := leaderboard.RenderSchoolBoard(genSchool(60, 3))
	for _, limit := range []int{200, 500, 1000} {
		parts := SplitMessage(text, limit)
		for i, p := range parts {
			checkPart(t, i, p, limit)
		}
		if strings.Join(parts, "\n") != text {
			t.Errorf("limit %d: parts joined differ from the text", limit)
		}
	}
}

func TestSplitPrefersBlankLines(t *testing.T) {
	a := strings.Repeat("dòng một\n", 30)
	b := strings.Repeat("dòng hai\n", 5)
	text := a + "\n" + b + "cuối"
	parts := SplitMessage(text, utf16Len(a)+20)
	if len(parts) != 2 || parts[0] != a || parts[1] != b+"cuối" {
		t.Errorf("parts = %q", parts)
	}
}

func TestSplitLongLineReopensTags(t *testing.T) {
	text := "<b>" + strings.Repeat("Trường THCS Mỹ Tú ", 40) + "</b> &amp; hết"
	parts := SplitMessage(text, 100)
	if len(parts) < 7 {
		t.Fatalf("%d parts", len(parts))
	}
	var plain strings.Builder
	for i, p := range parts {
		checkPart(t, i, p, 100)
		if i < len(parts)-1 && !strings.HasPrefix(p, "<b>") {
			t.Errorf("part %d does not reopen <b>: %q", i, p)
		}
		plain.WriteString(tagRE.ReplaceAllString(p, ""))
	}
	if plain.String() != tagRE.ReplaceAllString(text, "") {
		t.Errorf("text lost:\n%q\n%q", plain.String(), tagRE.ReplaceAllString(text, ""))
	}
	for i, p := range parts {
		if strings.Contains(p, "&am") && !strings.Contains(p, "&amp;") {
			t.Errorf("part %d cuts an entity: %q", i, p)
		}
	}
}

func TestSplitCountsUTF16(t *testing.T) {
	line := strings.Repeat("🔴", 10) // 20 UTF-16 units, 10 runes
	parts := SplitMessage(line+"\n"+line, 25)
	if len(parts) != 2 {
		t.Errorf("parts = %q", parts)
	}
	if got := SplitMessage("ngắn", 4096); len(got) != 1 || got[0] != "ngắn" {
		t.Errorf("short text: %q", got)
	}
}

func TestSplitNeverPanicsAndProgresses(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	atoms := []string{"a", " ", "\n", "<b>", "</b>", "<", ">", "&", "&amp;", "ữ", "🟡", "<a href=\"x\">", "</a>", "\n\n"}
	for range 2000 {
		var sb strings.Builder
		for range rng.IntN(200) {
			sb.WriteString(atoms[rng.IntN(len(atoms))])
		}
		limit := rng.IntN(60) - 5
		parts := SplitMessage(sb.String(), limit)
		if sb.Len() > 0 && strings.TrimSpace(sb.String()) != "" && len(parts) == 0 {
			t.Fatalf("no parts for %q", sb.String())
		}
	}
}

func BenchmarkSplitAreaBoard(b *testing.B) {
	text := leaderboard.RenderAreaBoard(genArea(300, 1))
	b.ReportAllocs()
	for b.Loop() {
		_ = SplitMessage(text, TelegramMessageLimit)
	}
}
