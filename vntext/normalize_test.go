package vntext

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNFC(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{norm.NFD.String("Lớp 6A sĩ số"), "Lớp 6A sĩ số"},
		{"Tru\u031Bo\u031B\u0300ng", "Trường"},
		{"Đ", "Đ"},
	}
	for _, tt := range tests {
		if got := NFC(tt.in); got != tt.want {
			t.Errorf("NFC(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"  Trường  THCS\tMỹ Tú \n", "Trường THCS Mỹ Tú"},
		{"Sóc\u00A0Trăng", "Sóc Trăng"},
		{"a\u3000b", "a b"},
		{"a\u200Bb", "ab"},
		{"\uFEFFLớp 6A", "Lớp 6A"},
		{norm.NFD.String(" Nguyễn  Văn   Đức "), "Nguyễn Văn Đức"},
		{"a \u00A0\t\r\n b", "a b"},
		{"ＡＢ", "ＡＢ"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNarrow(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"6A", "6A"},
		{"６Ａ", "6A"},
		{"４２／４５", "42/45"},
		{"ｓｓ＝４２", "ss=42"},
		{"a\u3000b", "a b"},
		{"Lớp ６ａ", "Lớp 6a"},
	}
	for _, tt := range tests {
		if got := Narrow(tt.in); got != tt.want {
			t.Errorf("Narrow(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Lớp 6A", "lop 6a"},
		{"KHÁC", "khac"},
		{"Đối tượng khác", "doi tuong khac"},
		{"đ", "d"},
		{"sĩ số", "si so"},
		{"qua trường", "qua truong"},
		{norm.NFD.String("Báo Cáo"), "bao cao"},
		{"６Ａ", "6a"},
		{"ＬỚＰ　１０Ａ１", "lop 10a1"},
		{"  Sóc \t Trăng\u00A0/ Mỹ Tú ", "soc trang / my tu"},
		{"ưƯơƠăĂâÂêÊôÔ", "uuooaaaaeeoo"},
		{"Nguyễn Thị Ánh Tuyết", "nguyen thi anh tuyet"},
		{"THCS Mỹ Tú", "thcs my tu"},
		{"a\u200Bb", "ab"},
		{"😀 ok", "😀 ok"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldEqualUnderNormalForms(t *testing.T) {
	for _, s := range []string{"Trường THCS Mỹ Tú", "Đối tượng khác", "lớp 6A ＳĨ số"} {
		if Fold(norm.NFC.String(s)) != Fold(norm.NFD.String(s)) {
			t.Errorf("Fold differs between NFC and NFD of %q", s)
		}
	}
}
