package zalo

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/markup"
	"github.com/bhytbot/bhytbot/storage"
)

// tagLike and entityLike find markup that Zalo would show raw.
var (
	tagLike    = regexp.MustCompile(`</?(b|i|u|s|code|pre|a)( [^>]*)?>`)
	entityLike = regexp.MustCompile(`&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);`)
)

// bigBoard renders an area board of many schools, as the officers' weekly message, longer
// than 10,000 characters; school names carry characters that are escaped.
func bigBoard(t testing.TB) string {
	t.Helper()
	loc := time.FixedZone("ICT", 7*3600)
	b := leaderboard.Board{Title: "Sóc Trăng / Mỹ Tú", Week: "2025-W40", TargetPercent: 100, WarnBelowPercent: 50,
		Deadline: time.Date(2025, 10, 31, 0, 0, 0, 0, loc), Now: time.Date(2025, 9, 29, 8, 0, 0, 0, loc)}
	for i := 1; i <= 200; i++ {
		u := leaderboard.Unit{Name: fmt.Sprintf("Trường THCS & TH <Số %d> “Mỹ Tú”", i), Enrolment: 400 + i,
			ThroughSchool: 150 + i, Other: 30, Reported: i%7 != 0, Classes: 12, ClassesReported: 10,
			Prev: &leaderboard.Figure{Enrolment: 400 + i, Insured: 170}}
		if !u.Reported {
			u.LastWeek = "2025-W39"
		}
		b.Units = append(b.Units, u)
	}
	s := leaderboard.RenderAreaBoard(b)
	if n := utf8.RuneCountInString(s); n < 10000 {
		t.Fatalf("board is %d characters, want ≥ 10,000", n)
	} else {
		t.Logf("board of %d characters", n)
	}
	if err := markup.Check(s); err != nil {
		t.Fatalf("the board is not in the neutral markup: %v", err)
	}
	return s
}

var (
	guidedStep2 = "📝 Lớp <b>6A</b> – bước 2/3: bao nhiêu học sinh đã tham gia BHYT <b>qua trường</b>? Gõ một số từ 0 đến 40."
	guidedRows  = [][]storage.Button{
		{{Text: "0", Data: "bc:so:qt:0"}, {Text: "40 (cả lớp)", Data: "bc:so:qt:40"}},
		{{Text: "❌ Hủy", Data: "bc:huy"}},
	}
	claimText = "🔔 Phụ huynh của em <b>Nguyễn Thị &quot;Bé&quot; Lan</b> (số 12, lớp 6A) báo con đã có thẻ BHYT. Thầy/cô kiểm tra và xác nhận em tham gia qua trường hay thuộc đối tượng khác:"
	claimRows = [][]storage.Button{
		{{Text: "✅ Qua trường", Data: "the:s:17"}, {Text: "✅ Đối tượng khác", Data: "the:o:17"}},
		{{Text: "❌ Chưa đúng", Data: "the:x:17"}},
	}
	reportText = "✅ Đã ghi báo cáo lớp <b>6A</b> – tuần 38/2025:\nSĩ số 42 · qua trường 30 · đối tượng khác 8\nTỷ lệ tham gia BHYT: <b>90,5%</b>\nCòn <b>4</b> học sinh chưa tham gia.\nXếp hạng trong trường tuần này: <b>1</b>/3 lớp đã báo cáo."
	inviteText = "🔗 Link mời phụ huynh lớp <b>6A</b> (dùng được 7 ngày): <a href=\"https://t.me/bhytbot?start=AbC123\">mở bot</a>\nHoặc gửi mã <code>AbC123</code> cho bot trên Zalo.\nTrang: <a href=\"https://bhyt.example.vn/x?a=1&amp;b=2\">https://bhyt.example.vn/x?a=1&amp;b=2</a>"
	inviteRows = [][]storage.Button{
		{{Text: "Mở bot", URL: "https://t.me/bhytbot?start=AbC123"}},
		{{Text: "👨‍👩‍👧 Mời phụ huynh 6B", Data: "moi:ph:2"}, {Text: "6C", Data: "moi:ph:3"}, {Text: "6D", Data: "moi:ph:4"}, {Text: "7A", Data: "moi:ph:5"}},
		{{Text: "7B", Data: "moi:ph:6"}},
	}
)

func TestRender(t *testing.T) {
	tests := []struct {
		name        string
		text        string
		buttons     [][]storage.Button
		want        string // the whole plain text, when given
		contains    []string
		wantChoices []Choice
	}{
		{
			name: "report reply", text: reportText,
			want: "✅ Đã ghi báo cáo lớp 6A – tuần 38/2025:\nSĩ số 42 · qua trường 30 · đối tượng khác 8\nTỷ lệ tham gia BHYT: 90,5%\nCòn 4 học sinh chưa tham gia.\nXếp hạng trong trường tuần này: 1/3 lớp đã báo cáo.",
		},
		{
			name: "guided figure step: typed numbers stay figures", text: guidedStep2, buttons: guidedRows,
			want: "📝 Lớp 6A – bước 2/3: bao nhiêu học sinh đã tham gia BHYT qua trường? Gõ một số từ 0 đến 40.\n\nGõ số, ví dụ 0 hoặc 40.",
		},
		{
			name: "guided confirmation", text: "📝 Kiểm tra lại báo cáo lớp <b>6A</b>:\nSĩ số 42 · qua trường 30 · đối tượng khác 8",
			buttons:     [][]storage.Button{{{Text: "✅ Gửi báo cáo", Data: "bc:ok"}, {Text: "↩️ Làm lại", Data: "bc:lai"}}, {{Text: "❌ Hủy", Data: "bc:huy"}}},
			want:        "📝 Kiểm tra lại báo cáo lớp 6A:\nSĩ số 42 · qua trường 30 · đối tượng khác 8\n\n1. ✅ Gửi báo cáo\n2. ↩️ Làm lại\n3. ❌ Hủy\nTrả lời 1, 2 hoặc 3.",
			wantChoices: []Choice{{1, "bc:ok"}, {2, "bc:lai"}, {3, "bc:huy"}},
		},
		{
			name: "card claim to the teacher", text: claimText, buttons: claimRows,
			want:        "🔔 Phụ huynh của em Nguyễn Thị \"Bé\" Lan (số 12, lớp 6A) báo con đã có thẻ BHYT. Thầy/cô kiểm tra và xác nhận em tham gia qua trường hay thuộc đối tượng khác:\n\n1. ✅ Qua trường\n2. ✅ Đối tượng khác\n3. ❌ Chưa đúng\nTrả lời 1, 2 hoặc 3.",
			wantChoices: []Choice{{1, "the:s:17"}, {2, "the:o:17"}, {3, "the:x:17"}},
		},
		{
			name: "two choices", text: "Xác nhận?", buttons: [][]storage.Button{{{Text: "Đồng ý", Data: "y"}, {Text: "Từ chối", Data: "n"}}},
			want:        "Xác nhận?\n\n1. Đồng ý\n2. Từ chối\nTrả lời 1 hoặc 2.",
			wantChoices: []Choice{{1, "y"}, {2, "n"}},
		},
		{
			name: "labels that carry their number", text: "Gỡ quyền của ai?\n1. Lan – giáo viên 6A\n2. Minh – phụ huynh",
			buttons:     [][]storage.Button{{{Text: "1. Lan (mã người dùng 5)", Data: "go:7"}}, {{Text: "2. Minh (mã người dùng 6)", Data: "go:9"}}},
			want:        "Gỡ quyền của ai?\n1. Lan – giáo viên 6A\n2. Minh – phụ huynh\n\n1. Lan (mã người dùng 5)\n2. Minh (mã người dùng 6)\nTrả lời 1 hoặc 2.",
			wantChoices: []Choice{{1, "go:7"}, {2, "go:9"}},
		},
		{
			name: "one choice", text: "Xong?", buttons: [][]storage.Button{{{Text: "OK", Data: "ok"}}},
			want: "Xong?\n\n1. OK\nTrả lời 1.", wantChoices: []Choice{{1, "ok"}},
		},
		{
			name: "invite: links, url buttons, many choices", text: inviteText, buttons: inviteRows,
			contains: []string{
				"Link mời phụ huynh lớp 6A (dùng được 7 ngày): mở bot (https://t.me/bhytbot?start=AbC123)\n",
				"Hoặc gửi mã AbC123 cho bot trên Zalo.\n",
				"Trang: https://bhyt.example.vn/x?a=1&b=2\n\n",
				"\n• Mở bot: https://t.me/bhytbot?start=AbC123\n1. 👨‍👩‍👧 Mời phụ huynh 6B\n2. 6C\n3. 6D\n4. 7A\n5. 7B\nTrả lời số từ 1 đến 5.",
			},
			wantChoices: []Choice{{1, "moi:ph:2"}, {2, "moi:ph:3"}, {3, "moi:ph:4"}, {4, "moi:ph:5"}, {5, "moi:ph:6"}},
		},
		{
			name: "pre kept as lines, every tag dropped", text: "Bảng:<pre>6A  90,5%\n6B  50,0%</pre>Hết. <i>nghiêng</i> <u>gạch</u> <s>xóa</s> <code>/huy</code> 3 &lt; 4 &amp;&amp; 5 &gt; 4",
			want: "Bảng:\n6A  90,5%\n6B  50,0%\nHết. nghiêng gạch xóa /huy 3 < 4 && 5 > 4",
		},
		{
			name: "only a url button", text: "", buttons: [][]storage.Button{{{Text: "Tải Excel", URL: "https://bhyt.example.vn/f/xyz"}}},
			want: "• Tải Excel: https://bhyt.example.vn/f/xyz",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, choices := Render(tt.text, tt.buttons)
			if tt.want != "" && got != tt.want {
				t.Errorf("Render =\n%s\nwant\n%s", got, tt.want)
			}
			for _, c := range tt.contains {
				if !strings.Contains(got, c) {
					t.Errorf("Render =\n%s\nwant it to contain %q", got, c)
				}
			}
			if !reflect.DeepEqual(choices, tt.wantChoices) {
				t.Errorf("choices = %v, want %v", choices, tt.wantChoices)
			}
			assertZaloText(t, got, 1<<30)
		})
	}
}

// assertZaloText fails when a text shows markup raw or is longer than limit runes.
func assertZaloText(t *testing.T, s string, limit int) {
	t.Helper()
	if m := tagLike.FindString(s); m != "" {
		t.Errorf("tag %q shown raw in %q", m, s)
	}
	if m := entityLike.FindString(s); m != "" {
		t.Errorf("entity %q shown raw in %q", m, s)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		t.Errorf("a part of %d characters, limit %d", n, limit)
	}
	if strings.TrimSpace(s) == "" {
		t.Errorf("an empty part")
	}
}

func TestRenderParts(t *testing.T) {
	board := bigBoard(t)
	many := make([][]storage.Button, 0, 12)
	for i := 1; i <= 12; i++ {
		many = append(many, []storage.Button{{Text: fmt.Sprintf("Trường số %d", i), Data: fmt.Sprintf("tr:%d", i)}})
	}
	long := strings.Repeat("Còn <b>4</b> học sinh chưa tham gia &amp; cần nhắc. ", 120) // one line of 6,000+ characters
	word := strings.Repeat("x", 4500)                                                   // a "word" with no space
	tests := []struct {
		name      string
		text      string
		buttons   [][]storage.Button
		wantParts int // 0: do not check the count
		choices   int
	}{
		{name: "report reply fits in one", text: reportText, wantParts: 1},
		{name: "10,000-character board", text: board, wantParts: 0},
		{name: "board with twelve choices", text: board, buttons: many, choices: 12},
		{name: "board with figure buttons", text: board, buttons: guidedRows},
		{name: "one long line", text: long, buttons: claimRows, choices: 3},
		{name: "one long word", text: word, wantParts: 3},
		{name: "claim", text: claimText, buttons: claimRows, wantParts: 1, choices: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts, choices := RenderParts(tt.text, tt.buttons)
			t.Logf("%d parts, %d choices", len(parts), len(choices))
			if tt.wantParts != 0 && len(parts) != tt.wantParts {
				t.Errorf("%d parts, want %d", len(parts), tt.wantParts)
			}
			if len(choices) != tt.choices {
				t.Errorf("%d choices, want %d", len(choices), tt.choices)
			}
			for _, p := range parts {
				assertZaloText(t, p, MaxTextLen)
			}
			// Nothing is lost: the parts hold every non-space character of the whole.
			whole, _ := Render(tt.text, tt.buttons)
			if got, want := squeeze(strings.Join(parts, "")), squeeze(whole); got != want {
				t.Errorf("parts lose text: %d characters, want %d", len(got), len(want))
			}
			last := parts[len(parts)-1]
			block, _ := choiceBlock(tt.buttons)
			if !strings.HasSuffix(last, block) {
				t.Errorf("the choices block is not whole at the end of the last part:\n%s", last)
			}
			for _, p := range parts[:len(parts)-1] {
				if block != "" && strings.Contains(p, "Trả lời") {
					t.Errorf("a part before the last holds the hint")
				}
			}
		})
	}
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// A body of whitespace only (tabs survive Plain) longer than a part still sends the choices.
func TestRenderPartsBlankBody(t *testing.T) {
	buttons := [][]storage.Button{{{Text: "Có", Data: "x"}}}
	block, _ := choiceBlock(buttons)
	parts, choices := renderParts(strings.Repeat("\t", 30), buttons, 20)
	if len(parts) != 1 || parts[0] != block || len(choices) != 1 {
		t.Errorf("parts %q, choices %v", parts, choices)
	}
}

func BenchmarkRenderPartsBoard(b *testing.B) {
	board := bigBoard(b)
	b.SetBytes(int64(len(board)))
	for b.Loop() {
		RenderParts(board, guidedRows)
	}
}
