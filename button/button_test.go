package button

import (
	"strconv"
	"testing"
)

func TestCardData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		data           string
		student, class int64
		ok             bool
	}{
		{CardStudentData(123), 123, 0, true},
		{CardClassData(45), 0, 45, true},
		{"card:", 0, 0, false},
		{"card:c", 0, 0, false},
		{"card:-1", 0, 0, false},
		{"card:x1", 0, 0, false},
		{"menu:1", 0, 0, false},
	}
	for _, tt := range tests {
		st, cl, ok := ParseCard(tt.data)
		if st != tt.student || cl != tt.class || ok != tt.ok {
			t.Errorf("%q: %d %d %v", tt.data, st, cl, ok)
		}
	}
	if CardStudentData(123) != "card:123" || CardClassData(45) != "card:c45" {
		t.Error("callback data format changed")
	}
}

// TestRoundTrip: every datum parses back to what built it, keeps the prefix strings the
// commands dispatch on, and fits Telegram's 64 bytes with the largest ids.
func TestRoundTrip(t *testing.T) {
	const big = int64(1<<63 - 1)
	for _, tt := range []struct {
		data, want string
	}{
		{ClassPrefix(Report, ReportClass) + "12", "bc:lop:12"},
		{ReportNumberData("e", 42), "bc:so:e:42"},
		{ReportAction(ReportConfirm), "bc:ok"},
		{ReportAction(ReportRestart), "bc:lai"},
		{ReportAction(ReportCancel), "bc:huy"},
		{ReportEditData(7), "bc:sua:7"},
		{ClassPrefix(Invite, InviteTeacher) + "5", "moi:gv:5"},
		{ClassPrefix(Invite, InviteParents) + "5", "moi:ph:5"},
		{ClaimData(ClaimSchool, 9), "the:s:9"},
		{ClaimData(ClaimOther, 9), "the:o:9"},
		{ClaimData(ClaimReject, 9), "the:x:9"},
		{CardStudentData(3), "card:3"},
		{CardClassData(4), "card:c4"},
	} {
		if tt.data != tt.want {
			t.Errorf("built %q, want %q", tt.data, tt.want)
		}
	}
	prefix, rest := Split(ReportNumberData("t", 8))
	action, arg := ParseReport(rest)
	if step, n, ok := ParseNumber(arg); prefix != Report || action != ReportNumber || step != "t" || n != 8 || !ok {
		t.Errorf("bc:so: %q %q %q %d %v", prefix, action, step, n, ok)
	}
	prefix, rest = Split(ReportEditData(big))
	action, arg = ParseReport(rest)
	if id, ok := ParseID(arg); prefix != Report || action != ReportEdit || id != big || !ok {
		t.Errorf("bc:sua: %q %q %d %v", prefix, action, id, ok)
	}
	for _, data := range []string{ClaimData(ClaimReject, big), ClassPrefix(Invite, InviteParents) + strconv.FormatInt(big, 10)} {
		_, rest := Split(data)
		if _, id, ok := ParseKindID(rest); id != big || !ok {
			t.Errorf("%q: %d %v", data, id, ok)
		}
		if len(data) > 64 {
			t.Errorf("%q is over 64 bytes", data)
		}
	}
	if _, _, ok := ParseKindID("s:x"); ok {
		t.Error("a non-numeric id parsed")
	}
	if len(ReportNumberData("e", 1<<31-1)) > 64 || len(CardClassData(big)) > 64 {
		t.Error("a datum is over 64 bytes")
	}
}
