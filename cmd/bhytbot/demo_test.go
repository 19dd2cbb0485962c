package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	if code != 0 || !strings.Contains(stdout, "nhận trên Zalo") || !strings.Contains(stdout, "Sĩ số 40 · qua trường 2 · đối tượng khác 1") ||
		!strings.Contains(stdout, "Đã ghi báo cáo lớp 6B") || strings.Contains(stdout, "<b>") {
		t.Errorf("teacher-counts on Zalo: %d %s\n%s", code, stderr, stdout)
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
	if _, err := os.Stat(filepath.Join(out, "demo.db")); err == nil {
		t.Error("a plain demo left demo.db in its folder")
	}
	if code, _, stderr := c.run("", "chat", "-out", out, "--as", "teacher"); code != 1 || !strings.Contains(stderr, "run `bhytbot demo -keep` first") {
		t.Errorf("chat after a plain demo: %d %s", code, stderr)
	}
}
