package markup

import (
	"reflect"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for no error, else a substring of it
	}{
		{"", ""},
		{"Đã ghi: lớp <b>6A</b> – <i>90,5%</i>", ""},
		{"<b>a <code>x</code></b> <u>u</u> <s>s</s>", ""},
		{"<pre>dòng 1\ndòng 2</pre>", ""},
		{`<a href="https://t.me/bot?start=abc&amp;x=1">mời</a>`, ""},
		{"6A &lt; 50% &amp; &quot;x&quot; &gt; y", ""},
		{"<B>6A</B>", ""},
		{"<strong>x</strong>", "<strong>"},
		{"<span class=\"tg-spoiler\">x</span>", "<span>"},
		{"<blockquote>x</blockquote>", "<blockquote>"},
		{"<b class=\"x\">x</b>", "attributes"},
		{`<a href="u" target="_blank">x</a>`, "href"},
		{`<a>x</a>`, "href"},
		{"<b>x", "never closed"},
		{"<b><i>x</b></i>", "closes nothing"},
		{"x</b>", "closes nothing"},
		{"<b><b>x</b></b>", "inside"},
		{"3 < 4", "bare '<'"},
		{"4 > 3", "bare '>'"},
		{"A & B", "'&'"},
		{"&nbsp;", "'&'"},
		{"&#39;", "'&'"},
	}
	for _, tt := range tests {
		err := Check(tt.in)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Check(%q) = %v, want nil", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Check(%q) = %v, want an error with %q", tt.in, err, tt.want)
		}
	}
}

func TestCheckFragment(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"⚠️ Lớp <b>", true},
		{"</b> chưa có danh sách; ví dụ <code>/baocao ", true},
		{`<a href="`, true},
		{"%s</code>", true},
		{"<strong>", false},
		{"<span", false},
		{"x &amp; y", true},
		{"x & y", false},
	}
	for _, tt := range tests {
		if err := CheckFragment(tt.in); (err == nil) != tt.ok {
			t.Errorf("CheckFragment(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []Token
	}{
		{"a &lt;b&gt; &amp; <b>c</b>", []Token{{Kind: Text, Text: "a <b> & "}, {Kind: Open, Tag: "b"}, {Kind: Text, Text: "c"}, {Kind: Close, Tag: "b"}}},
		{`<a href="https://x.vn/?a=1&amp;b=2">t</a>`, []Token{{Kind: Open, Tag: "a", Href: "https://x.vn/?a=1&b=2"}, {Kind: Text, Text: "t"}, {Kind: Close, Tag: "a"}}},
		// Outside the markup: kept as text, never dropped.
		{"3 < 4 <x> 5", []Token{{Kind: Text, Text: "3 < 4 <x> 5"}}},
	}
	for _, tt := range tests {
		if got := Tokens(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tokens(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
