package zalo

import "testing"

func TestAsPress(t *testing.T) {
	tests := []struct {
		in string
		n  int
		ok bool
	}{
		{"2", 2, true},
		{" 2 ", 2, true},
		{"２", 2, true},
		{"１２", 12, true},
		{"số 2", 2, true},
		{"Số 2", 2, true},
		{"so 2", 2, true},
		{"chọn 2", 2, true},
		{"Chon 3", 3, true},
		{"chọn số 1", 1, true},
		{"lựa chọn 4", 4, true},
		{"2.", 2, true},
		{"2)", 2, true},
		{"\t3\n", 3, true},
		{"10", 10, true},
		{"40", 40, true}, // a number; whether it is a choice is the caller's look-up
		{"2 3", 0, false},
		{"12a", 0, false},
		{"40 30", 0, false},
		{"0", 0, false},
		{"-1", 0, false},
		{"", 0, false},
		{"số", 0, false},
		{"6A 42 30 8", 0, false},
		{"2,5", 0, false},
		{"1000", 0, false},
		{"99999999999999999999", 0, false},
		{"hai", 0, false},
		{"/baocao", 0, false},
	}
	for _, tt := range tests {
		n, ok := AsPress(tt.in)
		if n != tt.n || ok != tt.ok {
			t.Errorf("AsPress(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.n, tt.ok)
		}
	}
}

func FuzzAsPress(f *testing.F) {
	for _, s := range []string{"2", "số 2", "２", "2.", "12a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := AsPress(s); ok && (n < 1 || n > maxPress) {
			t.Fatalf("AsPress(%q) = %d", s, n)
		}
	})
}
