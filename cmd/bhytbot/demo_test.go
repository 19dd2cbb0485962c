package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bhytbot/bhytbot/demo"
	"github.com/xuri/excelize/v2"
)

// TestDemoThenChat runs the demo as a newcomer would (no token, no network), checks that the
// transcript shows what every role received and that the Excel file and charts exist, then
// talks to the kept demo database through `chat` on stdin.
func TestDemoThenChat(t *testing.T) {
	c := newCLI(t)
	out := filepath.Join(c.dir, "demo-out")
	code, stdout, stderr := c.run("", "demo", "-out", out, "-keep")
	if code != 0 {
		t.Fatalf("demo exited %d: %s\n%s", code, stderr, stdout)
	}
	transcript, err := os.ReadFile(filepath.Join(out, "transcript.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"(GVCN 6A THCS Mỹ Tú) nhận:",           // a teacher
		"(hiệu trưởng TH Mỹ Hương) nhận:",      // a principal
		"(cán bộ Sở GD&ĐT Cần Thơ) nhận:",      // an officer
		"(phụ huynh) nhận:",                    // a parent
		"Nhắc báo cáo BHYT học sinh",           // teacher reminder
		"Nhắc tham gia BHYT học sinh",          // parent reminder
		"không được lớn hơn sĩ số 41",          // a wrong report answered…
		"Đã ghi báo cáo lớp 8A",                // …and corrected
		"Đã ghi báo cáo lớp 2A – tuần 39/2025", // a late teacher
		"Trường THCS Ninh Kiều",                // boards name schools
		"Tuần 2025-W40",                        // three weeks
	} {
		if !strings.Contains(string(transcript), want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if !strings.Contains(stdout, string(transcript[:200])) {
		t.Error("the transcript file differs from what was printed")
	}
	checkZaloTranscript(t, string(transcript))
	var xlsx, png int
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".xlsx":
			xlsx++
			f, err := excelize.OpenFile(filepath.Join(out, e.Name()))
			if err != nil {
				t.Fatalf("%s: %v", e.Name(), err)
			}
			f.Close()
		case ".png":
			png++
		}
	}
	if xlsx < 3 || png < 6 || !strings.Contains(stdout, out) {
		t.Fatalf("demo-out holds %d xlsx and %d png; stdout does not say where: %v", xlsx, png, !strings.Contains(stdout, out))
	}

	// The file list names each file once, in the output folder, with the week once in its name.
	listed := map[string]bool{}
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.TrimSpace(line)
		if !strings.HasPrefix(line, "  ") || !strings.HasPrefix(f, out+string(filepath.Separator)) {
			continue
		}
		base := filepath.Base(f)
		if listed[f] || strings.HasPrefix(base, "-") || strings.Count(base, "2025-w") > 1 {
			t.Errorf("file list: %q repeated, or a name starting with '-' or repeating the week", f)
		}
		listed[f] = true
	}
	if !listed[filepath.Join(out, "chi-hanh-bieu-do-can-tho-2025-w40.png")] || !listed[filepath.Join(out, "transcript.txt")] {
		t.Errorf("file list lacks the officer's chart or the transcript: %v", listed)
	}

	code, stdout, stderr = c.run("/lop\n/dadong 6A 12\n/chuadong 6A\n/thoat\n", "chat", "-out", out, "--as", "teacher")
	if code != 0 {
		t.Fatalf("chat exited %d: %s", code, stderr)
	}
	for _, want := range []string{demo.TeacherLan.Name, "Đã ghi 1 học sinh đã tham gia BHYT qua trường (số 12)", "cả 12 học sinh đã có thẻ"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("chat output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = c.run("/baocao\n1\n", "chat", "-out", out, "--as", "principal")
	if code != 0 || !strings.Contains(stdout, "Thầy Dũng") {
		t.Fatalf("principal chat: %d\n%s", code, stdout)
	}

	// A teacher whose class reports counts goes through the guided report: numbers typed at
	// a prompt that asks for a number are answers, a number at the confirmation presses.
	code, stdout, stderr = c.run("/baocao\n40\n2\n1\n1\n", "chat", "-out", out, "--as", "teacher-counts")
	if code != 0 || !strings.Contains(stdout, demo.TeacherHung.Name) || !strings.Contains(stdout, "Sĩ số 40 · qua trường 2 · đối tượng khác 1") ||
		!strings.Contains(stdout, "Đã ghi báo cáo lớp 6B") {
		t.Errorf("teacher-counts guided report: %d %s\n%s", code, stderr, stdout)
	}

	// The same people on Zalo: plain text, the guided report by numbered replies, the chart as
	// a link Zalo fetched.
	code, stdout, stderr = c.run("/baocao\n40\n2\n1\n1\n", "chat", "-out", out, "--as", "teacher-counts", "--channel", "zalo")
	if code != 0 || !strings.Contains(stdout, "[Zalo] Thầy Hùng (GVCN 6B THCS Mỹ Tú) nhận:") || !strings.Contains(stdout, "Sĩ số 40 · qua trường 2 · đối tượng khác 1") ||
		!strings.Contains(stdout, "1. ✅ Gửi báo cáo") || !strings.Contains(stdout, "Trả lời 1, 2 hoặc 3.") ||
		!strings.Contains(stdout, "Đã ghi báo cáo lớp 6B") || strings.Contains(stdout, "<b>") || strings.Contains(stdout, "[Telegram]") {
		t.Errorf("teacher-counts on Zalo: %d %s\n%s", code, stderr, stdout)
	}
	// A person who is on Zalo in the demo chats on Zalo by default, as themselves; asked for
	// on Telegram, they get a Telegram account with the same roles.
	code, stdout, stderr = c.run("/toi\n", "chat", "-out", out, "--as", "parent")
	if code != 0 || !strings.Contains(stdout, "[Zalo] Mẹ bé Lan (6A) (phụ huynh) nhận:") || !strings.Contains(stdout, "Phụ huynh em Bùi Ngọc Lan") {
		t.Errorf("parent on Zalo: %d %s\n%s", code, stderr, stdout)
	}
	code, stdout, stderr = c.run("/toi\n", "chat", "-out", out, "--as", "parent", "--channel", "telegram")
	if code != 0 || !strings.Contains(stdout, "[Telegram] Mẹ bé Lan (6A) (phụ huynh) nhận:") || !strings.Contains(stdout, "Phụ huynh em Bùi Ngọc Lan") {
		t.Errorf("parent on Telegram: %d %s\n%s", code, stderr, stdout)
	}
	code, stdout, stderr = c.run("/xephang\n", "chat", "-out", out, "--as", "officer", "--channel", "zalo")
	if code != 0 || !strings.Contains(stdout, "🖼 ảnh: http://127.0.0.1:") || !strings.Contains(stdout, "/tep/") {
		t.Errorf("officer on Zalo: %d %s\n%s", code, stderr, stdout)
	}
	if code, _, _ := c.run("", "chat", "-out", out, "--as", "officer", "--channel", "viber"); code != 2 {
		t.Errorf("chat --channel viber: %d", code)
	}

	// Files the bot sends in chat go to the demo's folder under plain names.
	code, stdout, _ = c.run("/xephang\n/huongdan\n", "chat", "-out", out, "--as", "officer")
	chart := filepath.Join(out, "chi-hanh-bieu-do-can-tho-2025-w40.png")
	if _, err := os.Stat(chart); code != 0 || err != nil || !strings.Contains(stdout, "🖼 biểu đồ "+chart) {
		t.Errorf("officer chat chart not in %s: %d %v\n%s", out, code, err, stdout)
	}
	// The help's /moi canbo example works as written.
	i := strings.Index(stdout, "/moi canbo ")
	if i < 0 {
		t.Fatalf("officer help has no /moi canbo example:\n%s", stdout)
	}
	example := stdout[i : i+strings.Index(stdout[i:], " – ")]
	if code, stdout, _ := c.run(example+"\n", "chat", "-out", out, "--as", "officer"); code != 0 || !strings.Contains(stdout, "Link mời cán bộ quản lý giáo dục") {
		t.Errorf("%q from the help: %d\n%s", example, code, stdout)
	}
	if code, _, stderr := c.run("", "chat", "-out", filepath.Join(c.dir, "none"), "--as", "teacher"); code != 1 || !strings.Contains(stderr, "demo -keep") {
		t.Fatalf("chat without demo: %d %s", code, stderr)
	}
	if code, _, _ := c.run("", "chat", "--as", "mayor"); code != 2 {
		t.Fatalf("chat --as mayor: %d", code)
	}

	// A plain demo into the same folder leaves no stale database behind for chat.
	if code, _, stderr := c.run("", "demo", "-out", out); code != 0 {
		t.Fatalf("plain demo: %d %s", code, stderr)
	}
	// The two channels send at the same time, yet the transcript is the same on every run
	// but for what is random by design: invite codes, link tokens and the loopback ports.
	again, err := os.ReadFile(filepath.Join(out, "transcript.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := normalTranscript(string(transcript)), normalTranscript(string(again)); a != b {
		i := 0
		for i < min(len(a), len(b)) && a[i] == b[i] {
			i++
		}
		t.Errorf("two runs of the demo differ at byte %d: %q / %q", i, a[i:min(len(a), i+200)], b[i:min(len(b), i+200)])
	}
	if _, err := os.Stat(filepath.Join(out, "demo.db")); err == nil {
		t.Error("a plain demo left demo.db in its folder")
	}
	if code, _, stderr := c.run("", "chat", "-out", out, "--as", "teacher"); code != 1 || !strings.Contains(stderr, "run `bhytbot demo -keep` first") {
		t.Errorf("chat after a plain demo: %d %s", code, stderr)
	}
}

var randomParts = regexp.MustCompile(`127\.0\.0\.1:\d+|/tep/[A-Za-z0-9_-]+|[A-Za-z0-9_-]{16}`)

// normalTranscript blanks what differs between runs by design: invite codes (16 characters),
// file link tokens and loopback ports.
func normalTranscript(s string) string { return randomParts.ReplaceAllString(s, "…") }

// zaloBlock is one message the transcript shows a person on Zalo receiving.
type zaloBlock struct {
	who, job string // job: the weekly job and week that sent it, "" for an answer
	text     string
}

var (
	zaloTags   = regexp.MustCompile(`</?[a-zA-Z]+[^>]*>|&[a-z]+;|&#\d+;`)
	jobLine    = regexp.MustCompile(`^\d\d:\d\d  ⏰ bot chạy (\S+ \(tuần \S+\))`)
	eventLine  = regexp.MustCompile(`^(\d\d:\d\d  |── |════|\$ )`)
	zaloHeader = regexp.MustCompile(`^        → \[Zalo\] (.+) nhận:$`)
)

// zaloBlocks reads the messages people on Zalo received from the transcript.
func zaloBlocks(transcript string) []zaloBlock {
	var (
		out []zaloBlock
		job string
		cur *zaloBlock
	)
	for _, line := range strings.Split(transcript, "\n") {
		if strings.HasPrefix(line, "          │ ") && cur != nil {
			if cur.text != "" {
				cur.text += "\n"
			}
			cur.text += strings.TrimPrefix(line, "          │ ")
			continue
		}
		cur = nil
		switch m := jobLine.FindStringSubmatch(line); {
		case m != nil:
			job = m[1]
		case eventLine.MatchString(line):
			job = ""
		}
		if m := zaloHeader.FindStringSubmatch(line); m != nil {
			out = append(out, zaloBlock{who: m[1], job: job})
			cur = &out[len(out)-1]
		}
	}
	return out
}

// checkZaloTranscript: the demo shows Xã Mỹ Tú's people on Zalo beside the others on Telegram:
// plain text (no HTML, at most 2,000 characters a message) with numbered choices and files
// as links; the Zalo teacher reports, also through the guided report answered with numbers;
// a Zalo parent confirms the card by number; each weekly job reaches its Zalo recipients
// once a week.
func checkZaloTranscript(t *testing.T, transcript string) {
	t.Helper()
	for _, want := range []string{
		"[Telegram] Cô Lan (GVCN 6A THCS Mỹ Tú) nhận:",
		"[Zalo] Cô Hoa (GVCN 1A TH Mỹ Hương) ✍️  /start ",                        // joins with /start CODE…
		"[Zalo] Cô Hoa (GVCN 1A TH Mỹ Hương) ✍️  /baocao 1A 10/32",               // reports in one message
		"[Zalo] Cô Hoa (GVCN 1A TH Mỹ Hương) ✍️  1   (chọn “✅ Gửi báo cáo”)",     // confirms the guided report by number
		"Đã ghi báo cáo lớp 1A – tuần 39/2025",                                   // …which is recorded
		"[Zalo] Mẹ bé Lan (6A) (phụ huynh) ✍️  1   (chọn “✅ Con tôi đã có thẻ”)", // a parent's card, by number
		"[Telegram] Cô Lan (GVCN 6A THCS Mỹ Tú) 👆 [✅ Qua trường]",                // confirmed by the teacher on Telegram
		"Giáo viên chủ nhiệm đã xác nhận em Bùi Ngọc Lan có thẻ BHYT",            // and told on Zalo
		"🖼 ảnh: http://127.0.0.1:",                                               // a chart as a photo URL
		"⤓ mở liên kết, lưu: ",                                                   // a link that served the file
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if !regexp.MustCompile(`\[Zalo\] Mẹ bé Tí \(1A\) \(phụ huynh\) ✍️  [A-Za-z0-9_-]{16}\n`).MatchString(transcript) {
		t.Error("the Zalo parent does not join by sending the bare code")
	}
	blocks := zaloBlocks(transcript)
	if len(blocks) < 30 {
		t.Fatalf("only %d messages to people on Zalo in the transcript", len(blocks))
	}
	var choices, links bool
	for _, b := range blocks {
		if zaloTags.MatchString(b.text) {
			t.Errorf("HTML in a Zalo message to %s: %q", b.who, b.text)
		}
		if n := utf8.RuneCountInString(b.text); n > 2000 {
			t.Errorf("a Zalo message of %d characters to %s", n, b.who)
		}
		if regexp.MustCompile(`\[\d\] `).MatchString(b.text) {
			t.Errorf("Telegram buttons in a Zalo message to %s: %q", b.who, b.text)
		}
		choices = choices || strings.Contains(b.text, "\n1. ") && strings.Contains(b.text, "Trả lời 1")
		links = links || strings.Contains(b.text, "/tep/")
	}
	if !choices || !links {
		t.Errorf("no numbered choices (%v) or no file link (%v) shown to people on Zalo", choices, links)
	}
	// Each job's messages to one person on Zalo, once per run of the job: a reminder is one
	// message, a principal's board its text and chart, an officer's also the Excel link.
	perRun := map[string]int{"teacher-reminder": 1, "parent-reminder": 1, "principal-leaderboard": 2, "officer-leaderboard": 3}
	reached := map[string]map[string]bool{}
	runs := map[string]map[string]int{} // job run → person → messages
	for _, b := range blocks {
		if b.job == "" {
			continue
		}
		if runs[b.job] == nil {
			runs[b.job] = map[string]int{}
		}
		runs[b.job][b.who]++
	}
	for r, people := range runs {
		job := strings.Fields(r)[0]
		for who, n := range people {
			if n != perRun[job] {
				t.Errorf("%s sent %s %d messages on Zalo, want %d", r, who, n, perRun[job])
			}
			if reached[job] == nil {
				reached[job] = map[string]bool{}
			}
			reached[job][who] = true
		}
	}
	for job := range perRun {
		if len(reached[job]) == 0 {
			t.Errorf("%s reached nobody on Zalo", job)
		}
	}
	for _, who := range []string{"Cô Hoa (GVCN 1A TH Mỹ Hương)", "Cô Nga (hiệu trưởng TH Mỹ Hương)", "Anh Tâm (cán bộ xã Mỹ Tú)",
		"Mẹ bé Lan (6A) (phụ huynh)", "Bố bé Long (6A) (phụ huynh)", "Mẹ bé Tí (1A) (phụ huynh)"} {
		found := false
		for job := range reached {
			found = found || reached[job][who]
		}
		if !found {
			t.Errorf("no weekly job reached %s on Zalo", who)
		}
	}
}
