package commands

import (
	"strings"
	"testing"
)

func TestHelpTailoredToRole(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		user      int64
		want, not []string
	}{
		{uTeacher, []string{"Giáo viên chủ nhiệm", "/baocao 6A 42 30 8", "/chuadong 6B", "/moi"}, []string{"Hiệu trưởng", "Phụ huynh</b>", "/guingay"}},
		{uTeacherOut, []string{"có một lớp thì không cần ghi tên lớp"}, []string{"/chuadong"}},
		{uPrincipal, []string{"Hiệu trưởng", "/xephang", "/moi giaovien 6A"}, []string{"/baocao", "/guingay"}},
		{uOfficer, []string{"Cán bộ quản lý giáo dục", "/guingay", "/moi hieutruong"}, []string{"/baocao"}},
		{uAdmin, []string{"Quản trị", "/xuat"}, nil},
		{uParent, []string{"Phụ huynh", "Con tôi đã có thẻ", "631.800 đồng/năm", "3, 6, 12 tháng"}, []string{"/baocao", "/moi", "/thuhoi"}},
		{uStranger, []string{"link mời"}, []string{"/baocao"}},
	}
	for _, tt := range tests {
		got := f.say(tt.user, "/huongdan")
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s help lacks %q:\n%s", userName(tt.user), w, got)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(got, w) {
				t.Errorf("%s help has %q:\n%s", userName(tt.user), w, got)
			}
		}
	}
}

// TestHelpOfficerInviteExampleWorks: the `/moi canbo` example of the help names an area the
// reader may invite an officer to, so copying it works; an officer of the lowest level gets
// no such example.
func TestHelpOfficerInviteExampleWorks(t *testing.T) {
	f := newFixture(t)
	help := f.say(uAdmin, "/huongdan")
	i := strings.Index(help, "<code>/moi canbo ")
	if i < 0 {
		t.Fatalf("admin help has no /moi canbo example:\n%s", help)
	}
	example := help[i+len("<code>") : i+strings.Index(help[i:], "</code>")]
	if got := f.say(uAdmin, example); !strings.Contains(got, "Link mời <b>cán bộ quản lý giáo dục</b>") {
		t.Errorf("%q from the help does not work: %s", example, got)
	}
	if help := f.say(uOfficer, "/huongdan"); strings.Contains(help, "/moi canbo") {
		t.Errorf("officer of a commune is shown a /moi canbo example:\n%s", help)
	}
}

func TestClassesFigures(t *testing.T) {
	f := newFixture(t)
	f.say(uTeacher, "/baocao 6A 42 30 8")
	f.now = f.now.AddDate(0, 0, 7)
	got := f.say(uPrincipal, "/lop")
	for _, w := range []string{"tuần 49/2026", "• 6A: 90,5% (38/42), còn 4 em – số liệu tuần 48/2026, tuần này chưa báo cáo", "• 7A: chưa báo cáo"} {
		if !strings.Contains(got, w) {
			t.Errorf("/lop lacks %q:\n%s", w, got)
		}
	}
	if got := f.say(uPrincipalOut, "/lop"); strings.Contains(got, "90,5%") {
		t.Errorf("another school's figures shown: %s", got)
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in, name, args string
		ok             bool
	}{
		{"/baocao 6A 42", "baocao", "6A 42", true},
		{"/BaoCao@bhyt_bot", "baocao", "", true},
		{"/báo_cáo", "baocao", "", true},
		{"／ｍｏｉ  6A ", "moi", "6A", true},
		{"baocao", "", "", false},
		{"/", "", "", false},
		{"/@bot", "", "", false},
	}
	for _, tt := range tests {
		c, ok := parseCommand(tt.in)
		if ok != tt.ok || c.name != tt.name || c.args != tt.args {
			t.Errorf("parseCommand(%q) = %+v, %v", tt.in, c, ok)
		}
	}
	if got := clip(strings.Repeat("a", 50) + "\x00"); got != strings.Repeat("a", 40)+"…" {
		t.Errorf("clip = %q", got)
	}
	if got := clip("a\x07b"); got != "a\uFFFDb" {
		t.Errorf("clip control = %q", got)
	}
}
