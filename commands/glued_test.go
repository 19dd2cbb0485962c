package commands

import (
	"strings"
	"testing"
)

// TestGluedCommands: a class or figure typed right after a command name, as teachers do on
// phones, reaches the command; a decimal comma is refused and nothing is written.
func TestGluedCommands(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    string
		written int // reports written for 6A
	}{
		{"slash glued to class", "/baocao6A 42 30 8", "Đã ghi báo cáo lớp <b>6A</b>", 1},
		{"slash glued upper", "/BAOCAO6A 42 30 8", "Đã ghi báo cáo lớp <b>6A</b>", 1},
		{"slash glued to class and enrolment", "/baocao6a42 30 8", "Sĩ số 42 · qua trường 30 · đối tượng khác 8", 1},
		{"words glued to class", "baocao6A 42 30 8", "Đã ghi báo cáo lớp <b>6A</b>", 1},
		{"words upper spaced", "BAOCAO 6A 42 30 8", "Đã ghi báo cáo lớp <b>6A</b>", 1},
		{"slash glued, class only: guided", "/baocao6A", "Lớp <b>6A</b> – bước 1/3", 0},
		{"decimal comma", "6A 42 30,5", "“30,5” là số lẻ", 0},
		{"other command glued", "/chuadong6B", "6B", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			got := f.say(uTeacher, tt.text)
			if !strings.Contains(got, tt.want) {
				t.Errorf("reply to %q:\n%s\nwant %q", tt.text, got, tt.want)
			}
			if strings.Contains(got, "chưa hiểu") {
				t.Errorf("reply to %q is not understood: %s", tt.text, got)
			}
			if n := len(f.reports(f.classA.ID)); n != tt.written {
				t.Errorf("%q wrote %d reports of 6A, want %d", tt.text, n, tt.written)
			}
		})
	}
}
