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
	if code, _, stderr := c.run("", "chat", "-out", filepath.Join(c.dir, "none"), "--as", "teacher"); code != 1 || !strings.Contains(stderr, "demo -keep") {
		t.Fatalf("chat without demo: %d %s", code, stderr)
	}
	if code, _, _ := c.run("", "chat", "--as", "mayor"); code != 2 {
		t.Fatalf("chat --as mayor: %d", code)
	}
}
