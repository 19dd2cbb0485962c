package split_test

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/bhytbot/bhytbot/bot/split"
	"github.com/bhytbot/bhytbot/markup"
)

var (
	tagRE    = regexp.MustCompile(`</?([a-zA-Z][a-zA-Z0-9-]*)(?:[ \t\n][^<>]*)?>`)
	entityRE = regexp.MustCompile(`&[a-zA-Z0-9#]{1,10};`)
)

// checkParts fails unless parts are a valid cut of text at limit: the text whole when it fits;
// otherwise no blank part, every part within limit (or, when limit cannot hold one character
// with its tags, holding just one, with its combining marks), every part's tags whole and
// balanced (and the part valid neutral markup when the text is), and the parts in order
// giving back the text but for the whitespace at the cuts and the tags reopened and closed
// there.
func checkParts(t *testing.T, text string, limit int, html bool, parts []string) {
	t.Helper()
	length := split.UTF16Len
	if !html {
		length = split.RuneLen
	}
	if length(text) <= limit {
		if len(parts) != 1 || parts[0] != text {
			t.Fatalf("a text within the limit came back as %q", parts)
		}
		return
	}
	strip := func(s string) string { return s }
	if html {
		strip = func(s string) string { return tagRE.ReplaceAllString(s, "") }
	}
	valid := html && markup.Check(text) == nil
	rest := strip(text)
	for i, p := range parts {
		shown := strings.Trim(strip(p), " \t\n")
		if shown == "" {
			t.Fatalf("part %d of %d shows nothing: %q", i, len(parts), p)
		}
		if n := length(p); n > limit {
			one := shown
			if html {
				one = entityRE.ReplaceAllString(one, "&")
			}
			one = strings.Map(func(r rune) rune { // a combining mark goes with its letter
				if unicode.Is(unicode.Mn, r) {
					return -1
				}
				return r
			}, one)
			if split.RuneLen(one) > 1 {
				t.Fatalf("part %d: %d > limit %d: %q", i, n, limit, p)
			}
		}
		if html {
			var stack []string
			for _, m := range tagRE.FindAllStringSubmatch(p, -1) {
				name := strings.ToLower(m[1])
				if !strings.HasPrefix(m[0], "</") {
					stack = append(stack, name)
					continue
				}
				// Out of order only when the text itself is: markup.Check below is strict.
				for k := len(stack) - 1; k >= 0; k-- {
					if stack[k] == name {
						stack = append(stack[:k], stack[k+1:]...)
						break
					}
				}
			}
			if len(stack) > 0 {
				t.Fatalf("part %d leaves %v open: %q", i, stack, p)
			}
			if valid {
				if err := markup.Check(p); err != nil {
					t.Fatalf("part %d of valid markup is not: %v: %q", i, err, p)
				}
			}
		}
		rest = strings.TrimLeft(rest, " \t\n")
		if !strings.HasPrefix(rest, shown) {
			t.Fatalf("part %d is not the text that follows:\npart %q\ntext %q", i, shown, rest[:min(len(rest), len(shown)+20)])
		}
		rest = rest[len(shown):]
	}
	if strings.Trim(rest, " \t\n") != "" {
		t.Fatalf("text left after the last part: %q", rest)
	}
}

func cutOf(text string, limit int, html bool) []string {
	if html {
		return split.Split(text, limit, split.UTF16Len)
	}
	return split.SplitPlain(text, limit, split.RuneLen)
}

func TestSplitWhere(t *testing.T) {
	section := strings.Repeat("dòng một\n", 30) // 270 characters
	tests := []struct {
		name  string
		text  string
		limit int
		html  bool
		want  []string
	}{
		{"fits whole", "a\n\nb", 4, true, []string{"a\n\nb"}},
		{"blank line in the second half", section + "\n" + strings.Repeat("dòng hai\n", 5) + "cuối", 290, true,
			[]string{strings.TrimSuffix(section, "\n"), strings.Repeat("dòng hai\n", 5) + "cuối"}},
		{"blank line in the first half is passed over", "ab\n\ncd\nef\ngh", 9, true, []string{"ab\n\ncd\nef", "gh"}},
		{"line end before a later space", "aa bb\ncc dd ee", 11, true, []string{"aa bb", "cc dd ee"}},
		{"space before a later character", "aaaa bbbbbb", 8, true, []string{"aaaa", "bbbbbb"}},
		{"at lines", "aaa\nbbb\nccc", 8, false, []string{"aaa\nbbb", "ccc"}},
		{"at spaces", "aa bb cc dd", 5, false, []string{"aa bb", "cc dd"}},
		{"between characters", "abcdefgh", 3, false, []string{"abc", "def", "gh"}},
		{"runes, not bytes", "ắắắắ", 2, false, []string{"ắắ", "ắắ"}},
		{"a long word filled to the limit", strings.Repeat("ắ", 600), 250, true,
			[]string{strings.Repeat("ắ", 250), strings.Repeat("ắ", 250), strings.Repeat("ắ", 100)}},
		{"no cut before a combining mark", "aa\u0301a", 2, false, []string{"a", "a\u0301", "a"}},
		{"UTF-16: an emoji counts two", "😀😀😀", 4, true, []string{"😀😀", "😀"}},
		{"whitespace at a cut dropped", "aaa\n\n\nbbb", 4, false, []string{"aaa", "bbb"}},
		{"tags reopened", "<b>aaa bbb</b>", 12, true, []string{"<b>aaa</b>", "<b>bbb</b>"}},
		{"entity kept whole", "a&amp;&amp;&amp;", 9, true, []string{"a&amp;", "&amp;", "&amp;"}},
		{"a space early in the part before a cut inside a word", "a bbbbbbbb", 6, true, []string{"a", "bbbbbb", "bb"}},
		{"plain: < and & are characters", "a <b> & c", 6, false, []string{"a <b>", "& c"}},
		{"limit 1", "ab\ncd", 1, false, []string{"a", "b", "c", "d"}},
		{"limit 1, an emoji is one part", "😀a", 1, true, []string{"😀", "a"}},
		{"limit below an entity", "&amp;x", 2, true, []string{"&amp;", "x"}},
		{"limit below the tags", "<b>ab</b>", 3, true, []string{"<b>a</b>", "<b>b</b>"}},
		{"limit 0", "ab", 0, true, []string{"a", "b"}},
		{"blank text", strings.Repeat(" \n", 10), 3, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cutOf(tt.text, tt.limit, tt.html)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("cut(%q, %d) = %q, want %q", tt.text, tt.limit, got, tt.want)
			}
			checkParts(t, tt.text, tt.limit, tt.html, got)
		})
	}
}

func TestSplitLongLineReopensTags(t *testing.T) {
	text := "<b>" + strings.Repeat("Trường THCS Mỹ Tú ", 40) + "</b> &amp; hết"
	parts := split.Split(text, 100, split.UTF16Len)
	if len(parts) < 7 {
		t.Fatalf("%d parts", len(parts))
	}
	for i, p := range parts[:len(parts)-1] {
		if !strings.HasPrefix(p, "<b>") || !strings.HasSuffix(p, "</b>") {
			t.Errorf("part %d does not reopen and close <b>: %q", i, p)
		}
	}
	checkParts(t, text, 100, true, parts)
}

// Random texts of the markup's pieces at every small limit: the cut never panics, always
// advances and keeps every promise of checkParts.
func TestSplitRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	pieces := []string{"a", "ữ", "🟡", " ", "  ", "\n", "\n\n", "&amp;", "&lt;", "<b>", "</b>", "<i>", "</i>",
		`<a href="https://t.me/x?a=1&amp;b=2">`, "</a>", "<", ">", "&", "\u0301"}
	for range 2000 {
		var sb strings.Builder
		for range rng.IntN(120) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text, limit, html := sb.String(), rng.IntN(60)-2, rng.IntN(2) == 0
		checkParts(t, text, limit, html, cutOf(text, limit, html))
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("<b>Bảng xếp hạng</b>\n\n1. Trường THCS Mỹ Tú — 95,2%\n2. Trường TH &amp; THCS Long Hưng — 80%", 30, true)
	f.Add(`<i>a <a href="https://t.me/x">liên kết</a> b</i>`+"\n\n<pre>  x\n  y</pre>", 12, true)
	f.Add("😀😀 ắ\u0301 &lt;&gt; a<b", 1, true)
	f.Add("Bảng xếp hạng\n\n1. Trường THCS Mỹ Tú (95,2%)\n• Tải: https://x/tep/abc", 7, false)
	f.Add(strings.Repeat("từ ", 50), 2, false)
	f.Fuzz(func(t *testing.T, text string, limit int, html bool) {
		limit = limit%200 - 1 // -200 … 198: tiny and odd limits, zero and below included
		if limit < -1 {
			limit = -limit
		}
		checkParts(t, text, limit, html, cutOf(text, limit, html))
	})
}

// A province board of 300 schools (about 30,000 characters) cut for Telegram.
func BenchmarkSplitBoard(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("<b>Bảng xếp hạng BHYT học sinh – Sóc Trăng</b>\nTuần 48/2026\n\n")
	for i := range 300 {
		if i%50 == 0 {
			sb.WriteString("\n<b>Huyện Mỹ Tú</b>\n")
		}
		sb.WriteString("  " + strings.Repeat("🟢", 1) + " Trường THCS Mỹ Tú &amp; Long Hưng — 95,2% (40/42) ▲ 1,5\n")
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		_ = split.Split(text, 4096, split.UTF16Len)
	}
}
