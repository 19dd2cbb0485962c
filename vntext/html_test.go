package vntext

import "testing"

func TestEscapeHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Lớp 6A", "Lớp 6A"},
		{"<b>", "&lt;b&gt;"},
		{"A & B", "A &amp; B"},
		{`"x"`, "&quot;x&quot;"},
		{"&amp;", "&amp;amp;"},
		{"it's", "it's"},
		{"1 < 2 > 0", "1 &lt; 2 &gt; 0"},
	}
	for _, tt := range tests {
		if got := EscapeHTML(tt.in); got != tt.want {
			t.Errorf("EscapeHTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
