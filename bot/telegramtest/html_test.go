package telegramtest

import (
	"strings"
	"testing"
)

func TestParseHTML(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		plain   string
		ents    []entity
		wantErr string // substring; "" means no error
	}{
		{name: "plain", in: "Xin chào", plain: "Xin chào"},
		{name: "bold", in: "<b>6A</b>: 42", plain: "6A: 42", ents: []entity{{Type: "bold", Offset: 0, Length: 2}}},
		{name: "nested", in: "<b>a<i>b</i></b>", plain: "ab", ents: []entity{{Type: "italic", Offset: 1, Length: 1}, {Type: "bold", Offset: 0, Length: 2}}},
		{name: "link", in: `<a href="https://t.me/x?start=1&amp;b=2">go</a>`, plain: "go", ents: []entity{{Type: "text_link", Offset: 0, Length: 2, URL: "https://t.me/x?start=1&b=2"}}},
		{name: "escapes", in: "a &lt; b &gt; c &amp; d &quot;e&quot; &#39;f&#x27;", plain: `a < b > c & d "e" 'f'`},
		{name: "utf16 offsets", in: "😀 <u>x</u>", plain: "😀 x", ents: []entity{{Type: "underline", Offset: 3, Length: 1}}},
		{name: "pre code", in: `<pre><code class="language-go">x</code></pre>`, plain: "x", ents: []entity{{Type: "code", Offset: 0, Length: 1, Language: "go"}, {Type: "pre", Offset: 0, Length: 1}}},
		{name: "spoiler", in: `<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>`, plain: "st", ents: []entity{{Type: "spoiler", Offset: 0, Length: 1}, {Type: "spoiler", Offset: 1, Length: 1}}},
		{name: "case insensitive", in: "<B>x</B>", plain: "x", ents: []entity{{Type: "bold", Offset: 0, Length: 1}}},
		{name: "bare lt", in: "a < b", wantErr: "Can't find end of the tag"},
		{name: "lt and gt", in: "1 < 2 > 0", wantErr: "Empty tag name"},
		{name: "unknown tag", in: "<div>x</div>", wantErr: `Unsupported start tag "div"`},
		{name: "unclosed", in: "<b>x", wantErr: `Can't find end tag corresponding to start tag "b"`},
		{name: "unmatched", in: "<b><i>x</b></i>", wantErr: "Unmatched end tag"},
		{name: "unexpected end", in: "x</b>", wantErr: "Unexpected end tag"},
		{name: "no tag end", in: "x <b", wantErr: "Can't find end of the tag"},
		{name: "bare amp", in: "A & B", wantErr: "Character '&' is reserved"},
		{name: "unknown entity", in: "&nbsp;", wantErr: "Character '&' is reserved"},
		{name: "bare gt", in: "a > b", wantErr: "Character '>' is reserved"},
		{name: "span without class", in: "<span>x</span>", wantErr: "tg-spoiler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, ents, err := parseHTML(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseHTML(%q) error = %v, want containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseHTML(%q): %v", tt.in, err)
			}
			if plain != tt.plain {
				t.Errorf("plain = %q, want %q", plain, tt.plain)
			}
			if !entitiesEqual(ents, tt.ents) {
				t.Errorf("entities = %+v, want %+v", ents, tt.ents)
			}
		})
	}
}

func FuzzParseHTML(f *testing.F) {
	for _, s := range []string{"<b>x</b>", "a &amp; b", "<a href='x'>y</a>", "<", "&#", "&#x110000;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _, _ = parseHTML(s) // must not panic
	})
}

func TestLimitsDefaults(t *testing.T) {
	l := Limits{}.withDefaults()
	want := Limits{GlobalPerSecond: 30, GlobalBurst: 30, PrivatePerSecond: 1, PrivateBurst: 3, GroupPerMinute: 20, GroupBurst: 5}
	if l != want {
		t.Fatalf("defaults = %+v, want %+v", l, want)
	}
}
