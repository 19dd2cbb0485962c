// Package split cuts a long message into parts a chat channel accepts. It is the one
// splitter of bhytbot, owned by the channel layer: commands and jobs enqueue one long text,
// and the channel's sender splits it at send time by its own limit and unit of length
// (Telegram: 4096 UTF-16 code units, HTML; Zalo: 2000 characters, plain text), recording
// each part it has delivered so that a crash resumes with the next part.
//
// Where a text is cut, in order of preference: at a blank line (between the sections of a
// board), at a line end, at a space, each the latest that fits but only in the second half
// of the part, so that a section break early in a part does not leave it nearly empty;
// failing those, at the latest line end, then the latest space; only then inside a word,
// between two characters (never before a combining mark). The whitespace at a cut is
// dropped. In HTML a tag or an entity is never cut; tags open at a cut are closed at the
// end of the part and opened again at the start of the next, so every part is valid HTML
// on its own.
package split

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// UTF16Len is the length Telegram counts: UTF-16 code units. Measured on the HTML source,
// it is never shorter than the text Telegram shows.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// RuneLen counts characters (Unicode code points), as channels that do not count in
// UTF-16 do.
func RuneLen(s string) int { return utf8.RuneCountInString(s) }

// Split cuts HTML text into parts of at most limit, as measured by length (UTF16Len for
// Telegram, RuneLen for a channel that counts characters); see the package doc for where
// it cuts. Text within the limit is returned whole; otherwise no part is empty or blank.
//
// length must count a text as the sum of its characters (both helpers above do). A part
// is longer than limit only when limit cannot hold even one character (with its combining
// marks) or one entity together with the tags open around it, which no channel's real
// limit comes near.
func Split(text string, limit int, length func(string) int) []string {
	return cut(text, limit, length, true)
}

// SplitPlain cuts plain text as Split cuts HTML, for a channel without formatting: '<' and
// '&' are characters like any other.
func SplitPlain(text string, limit int, length func(string) int) []string {
	return cut(text, limit, length, false)
}

// kind is the kind of an atom, an indivisible piece of the text as the cutter reads it.
type kind uint8

const (
	word     kind = iota // characters up to the next space, line end, tag or entity
	space                // a space or a tab
	newline              // "\n"
	entity               // "&amp;": shown as one character, never cut
	openTag              // "<b>", "<a href=…>"
	closeTag             // "</b>"
)

func (k kind) visible() bool { return k == word || k == entity }

func (k kind) blank() bool { return k == space || k == newline }

// maxWord is the most bytes a word atom holds: a longer word is read as several, so that
// cutting a very long word (at a small limit above all) does not read it whole for each part.
const maxWord = 256

// atomAt reads the atom at text[i:]: its kind, where it ends and, for a tag, its name.
// Every delimiter is ASCII, so the walk through a word goes byte by byte.
func atomAt(text string, i int, html bool) (k kind, end int, name string) {
	switch c := text[i]; {
	case c == '\n':
		return newline, i + 1, ""
	case c == ' ' || c == '\t':
		return space, i + 1, ""
	case html && c == '<':
		if n, name, closing := tagAt(text[i:]); n > 0 {
			if closing {
				return closeTag, i + n, name
			}
			return openTag, i + n, name
		}
	case html && c == '&':
		if n := entityAt(text[i:]); n > 0 {
			return entity, i + n, ""
		}
	}
	end = i + 1
	for ; end < len(text); end++ {
		if end-i >= maxWord && utf8.RuneStart(text[end]) {
			return word, end, ""
		}
		switch c := text[end]; {
		case c == '\n' || c == ' ' || c == '\t':
			return word, end, ""
		case html && c == '<':
			if n, _, _ := tagAt(text[end:]); n > 0 {
				return word, end, ""
			}
		case html && c == '&':
			if entityAt(text[end:]) > 0 {
				return word, end, ""
			}
		}
	}
	return word, end, ""
}

// tagAt returns the length of the tag s starts with, its lower-case name and whether it
// closes; n is 0 when s does not start with a tag ("a < b" has a '<' but no tag).
func tagAt(s string) (n int, name string, closing bool) {
	end := strings.IndexByte(s, '>')
	if end < 0 {
		return 0, "", false
	}
	inner := s[1:end]
	if strings.IndexByte(inner, '<') >= 0 {
		return 0, "", false
	}
	inner, closing = strings.CutPrefix(inner, "/")
	k := 0
	for k < len(inner) && (isLetter(inner[k]) || k > 0 && (inner[k] == '-' || inner[k] >= '0' && inner[k] <= '9')) {
		k++
	}
	if k == 0 || k < len(inner) && inner[k] != ' ' && inner[k] != '\t' && inner[k] != '\n' {
		return 0, "", false
	}
	return end + 1, strings.ToLower(inner[:k]), closing
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// entityAt returns the length of the entity s starts with ("&amp;", "&#39;"), or 0.
func entityAt(s string) int {
	for k := 1; k < len(s) && k <= 11; k++ {
		switch c := s[k]; {
		case c == ';':
			if k == 1 {
				return 0
			}
			return k + 1
		case !isLetter(c) && (c < '0' || c > '9') && c != '#':
			return 0
		}
	}
	return 0
}

// tag is a tag open at a cut: reopened at the start of the next part, closed at the end of
// this one.
type tag struct {
	raw, name string
	size      int // length(raw)
}

func (t tag) closeSize() int { return len(t.name) + 3 } // "</" + name + ">", all ASCII

// point is a place the current part may end: the part is text[from:end] and the next
// starts at end, after the whitespace there; size is the part's length with the tags it
// reopens and closes.
type point struct {
	end, size int
	ok        bool
}

// cutter holds what stays the same from part to part.
type cutter struct {
	text   string
	html   bool
	limit  int
	length func(string) int
	open   []tag // tags open where the next part starts
}

// cut is Split (html) and SplitPlain.
func cut(text string, limit int, length func(string) int, html bool) []string {
	if length(text) <= limit {
		return []string{text}
	}
	c := &cutter{text: text, html: html, limit: limit, length: length}
	var parts []string
	for i := c.skipBlank(0); i < len(text); i = c.skipBlank(i) {
		end := c.next(i)
		if part, ok := c.render(i, end); ok {
			parts = append(parts, part)
		}
		i = end
	}
	return parts
}

// skipBlank returns the offset of the first byte from i that is not a space, tab or line
// end: a part never starts with whitespace.
func (c *cutter) skipBlank(i int) int {
	for i < len(c.text) && (c.text[i] == ' ' || c.text[i] == '\t' || c.text[i] == '\n') {
		i++
	}
	return i
}

// next returns where the part starting at text[from] ends.
func (c *cutter) next(from int) int {
	size, closing := 0, 0
	open := append([]tag(nil), c.open...)
	for _, t := range open {
		size += t.size
		closing += t.closeSize()
	}
	var atBlank, atLine, atSpace, atAny point
	prev := kind(255) // no atom yet
	i, stop, stopEnd := from, -1, -1
	for i < len(c.text) {
		k, j, name := atomAt(c.text, i, c.html)
		if i > from && size+closing <= c.limit {
			at := point{end: i, size: size + closing, ok: true}
			switch {
			case k == newline && prev == newline:
				atBlank, atLine = at, at
			case k == newline:
				atLine = at
			case k == space && !prev.blank():
				atSpace = at
			case k.blank(), prev.blank(), k == closeTag, prev == openTag, k == word && unicode.Is(unicode.Mn, firstRune(c.text[i:])):
				// Not a cut: it would leave whitespace at the end of a part, an empty
				// element, or a combining mark without its letter.
			default:
				atAny = at
			}
		}
		n := c.length(c.text[i:j])
		if size+n > c.limit {
			if k == word {
				stop, stopEnd = i, j
			}
			break
		}
		size += n
		switch k {
		case openTag:
			open = append(open, tag{raw: c.text[i:j], name: name, size: n})
			closing += len(name) + 3
		case closeTag:
			if x := lastOpen(open, name); x >= 0 {
				closing -= open[x].closeSize()
				open = append(open[:x], open[x+1:]...)
			}
		}
		prev, i = k, j
	}
	if i == len(c.text) && size+closing <= c.limit {
		return i
	}
	half := c.limit / 2
	for _, p := range []point{atBlank, atLine, atSpace} {
		if p.ok && p.size >= half {
			return p.end
		}
	}
	for _, p := range []point{atLine, atSpace} {
		if p.ok {
			return p.end
		}
	}
	// Between two characters of the word that did not fit, as far into it as fits.
	if stop >= 0 {
		end, room := stop, c.limit-size-closing
		for at := stop; at < stopEnd; {
			_, n := utf8.DecodeRuneInString(c.text[at:stopEnd]) // 1 for a byte that is not UTF-8
			w := c.length(c.text[at : at+n])
			if room < w {
				break
			}
			room -= w
			if at += n; !unicode.Is(unicode.Mn, firstRune(c.text[at:])) {
				end = at
			}
		}
		if end > stop && end > from {
			return end
		}
	}
	if atAny.ok {
		return atAny.end
	}
	// Not even one character fits with the tags open around it: take one anyway, so
	// that the text always advances.
	for i := from; i < len(c.text); {
		k, j, _ := atomAt(c.text, i, c.html)
		switch k {
		case entity:
			return j
		case word:
			_, n := utf8.DecodeRuneInString(c.text[i:])
			for i += n; i < len(c.text) && unicode.Is(unicode.Mn, firstRune(c.text[i:])); i += n {
				_, n = utf8.DecodeRuneInString(c.text[i:])
			}
			return i
		}
		i = j
	}
	return len(c.text)
}

// render writes text[from:end] as a part, the open tags reopened before it and closed
// after it, without the whitespace at its end, and leaves in c.open the tags open after it;
// ok is false when the part shows nothing.
func (c *cutter) render(from, end int) (string, bool) {
	text := c.text[:end] // a cut is never inside a tag or an entity
	before := c.open
	shows, bodyEnd := false, from
	for i := from; i < end; {
		k, j, name := atomAt(text, i, c.html)
		switch k {
		case openTag:
			c.open = append(c.open[:len(c.open):len(c.open)], tag{raw: text[i:j], name: name, size: c.length(text[i:j])})
		case closeTag:
			if x := lastOpen(c.open, name); x >= 0 {
				c.open = append(c.open[:x:x], c.open[x+1:]...)
			}
		}
		shows = shows || k.visible()
		if !k.blank() {
			bodyEnd = j
		}
		i = j
	}
	if !shows {
		return "", false
	}
	var b strings.Builder
	for _, t := range before {
		b.WriteString(t.raw)
	}
	b.WriteString(text[from:bodyEnd])
	for x := len(c.open) - 1; x >= 0; x-- {
		b.WriteString("</" + c.open[x].name + ">")
	}
	return b.String(), true
}

func lastOpen(open []tag, name string) int {
	for x := len(open) - 1; x >= 0; x-- {
		if open[x].name == name {
			return x
		}
	}
	return -1
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
