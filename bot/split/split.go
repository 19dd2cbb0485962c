// Package split cuts a long message into parts a chat channel accepts. It is the one
// splitter of bhytbot, owned by the channel layer: commands and jobs enqueue one long text,
// and the channel's sender splits it at send time by its own limit and unit of length
// (Telegram: 4096 UTF-16 code units, HTML; Zalo: 2000 characters, plain text), recording
// each part it has delivered so that a crash resumes with the next part.
//
// Where a text is cut, in order of preference: at a blank line (between the sections of a
// board), at a line end, at a space, else between two characters. A blank line, line end or
// space is taken only in the second half of a part, so that a section break early in a part
// does not leave it nearly empty; failing that, the latest cut of any kind that fits. The
// whitespace at a cut is dropped. In HTML a tag or an entity is never cut; tags open at a
// cut are closed at the end of the part and opened again at the start of the next, so every
// part is valid HTML on its own.
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
// is longer than limit only when limit cannot hold even one character (or one entity)
// together with the tags open around it, which no channel's real limit comes near.
func Split(text string, limit int, length func(string) int) []string {
	return cut(text, limit, length, true)
}

// SplitPlain cuts plain text as Split cuts HTML, for a channel without formatting: '<' and
// '&' are characters like any other.
func SplitPlain(text string, limit int, length func(string) int) []string {
	return cut(text, limit, length, false)
}

// kind is the kind of an atom.
type kind uint8

const (
	char     kind = iota // one character of text
	space                // a space or a tab
	newline              // "\n"
	entity               // "&amp;": shown as one character, never cut
	openTag              // "<b>", "<a href=…>"
	closeTag             // "</b>"
)

// atom is an indivisible piece of the text.
type atom struct {
	s    string
	kind kind
	name string // the tag's name, for tags
	size int    // length(s)
}

func (a atom) visible() bool { return a.kind == char || a.kind == entity }

func (a atom) blank() bool { return a.kind == space || a.kind == newline }

// closeSize is the length of the closing tag of an open tag: "</" + name + ">", all ASCII.
func (a atom) closeSize() int { return len(a.name) + 3 }

func atomize(text string, html bool, length func(string) int) []atom {
	out := make([]atom, 0, utf8.RuneCountInString(text))
	for len(text) > 0 {
		a := atom{kind: char}
		n := 0
		switch c := text[0]; {
		case c == '\n':
			n, a.kind = 1, newline
		case c == ' ' || c == '\t':
			n, a.kind = 1, space
		case html && c == '<':
			if m, name, closing := tagAt(text); m > 0 {
				n, a.name, a.kind = m, name, openTag
				if closing {
					a.kind = closeTag
				}
			}
		case html && c == '&':
			if m := entityAt(text); m > 0 {
				n, a.kind = m, entity
			}
		}
		if n == 0 {
			_, n = utf8.DecodeRuneInString(text)
		}
		a.s = text[:n]
		a.size = length(a.s)
		out = append(out, a)
		text = text[n:]
	}
	return out
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

// point is a place the current part may end: the part is atoms[from:end] and the next
// starts at end, after the whitespace there; size is the part's length with the tags it
// reopens and closes.
type point struct {
	end, size int
	ok        bool
}

// cutter holds the state between parts.
type cutter struct {
	atoms []atom
	limit int
	open  []atom // tags open where the next part starts
}

// cut is Split (html) and SplitPlain.
func cut(text string, limit int, length func(string) int, html bool) []string {
	if length(text) <= limit {
		return []string{text}
	}
	c := &cutter{atoms: atomize(text, html, length), limit: limit}
	var parts []string
	for i := c.skipBlank(0); i < len(c.atoms); i = c.skipBlank(i) {
		p := c.next(i)
		if part, ok := c.render(i, p.end); ok {
			parts = append(parts, part)
		}
		c.open = applyTags(c.open, c.atoms[i:p.end])
		i = p.end
	}
	return parts
}

// skipBlank returns the index of the first atom from i that is not a space or newline: a
// part never starts with whitespace.
func (c *cutter) skipBlank(i int) int {
	for i < len(c.atoms) && c.atoms[i].blank() {
		i++
	}
	return i
}

// next finds where the part starting at atoms[from] ends.
func (c *cutter) next(from int) point {
	size, closing := 0, 0
	open := append([]atom(nil), c.open...)
	for _, t := range open {
		size += t.size
		closing += t.closeSize()
	}
	var atBlank, atLine, atSpace, atAny point
	j := from
	for ; j < len(c.atoms) && size <= c.limit; j++ {
		a := c.atoms[j]
		if j > from && size+closing <= c.limit {
			prev := c.atoms[j-1]
			at := point{end: j, size: size + closing, ok: true}
			switch {
			case a.kind == newline && prev.kind == newline:
				atBlank, atLine = at, at
			case a.kind == newline:
				atLine = at
			case a.kind == space && !prev.blank():
				atSpace = at
			case a.blank(), prev.blank(), a.kind == closeTag, prev.kind == openTag, unicode.Is(unicode.Mn, firstRune(a.s)):
				// Not a cut: it would leave whitespace at the end of a part, an empty
				// element, or a combining mark without its letter.
			default:
				atAny = at
			}
		}
		size += a.size
		switch a.kind {
		case openTag:
			open = append(open, a)
			closing += a.closeSize()
		case closeTag:
			if k := lastOpen(open, a.name); k >= 0 {
				closing -= open[k].closeSize()
				open = append(open[:k], open[k+1:]...)
			}
		}
	}
	if j == len(c.atoms) && size+closing <= c.limit {
		return point{end: j, ok: true}
	}
	half := c.limit / 2
	for _, p := range []point{atBlank, atLine, atSpace} {
		if p.ok && p.size >= half {
			return p
		}
	}
	for _, p := range []point{atLine, atSpace, atAny} {
		if p.ok {
			return p
		}
	}
	// Not even one character fits with the tags open around it: take one anyway, so
	// that the text always advances.
	end := from
	for end < len(c.atoms) && !c.atoms[end].visible() {
		end++
	}
	end = min(end+1, len(c.atoms))
	return point{end: end}
}

// render writes atoms[from:end] as a part, the open tags reopened before it and closed after
// it, without the whitespace at its end; ok is false when the part shows nothing.
func (c *cutter) render(from, end int) (string, bool) {
	body := c.atoms[from:end]
	for len(body) > 0 && body[len(body)-1].blank() {
		body = body[:len(body)-1]
	}
	shows := false
	for _, a := range body {
		shows = shows || a.visible()
	}
	if !shows {
		return "", false
	}
	var b strings.Builder
	for _, t := range c.open {
		b.WriteString(t.s)
	}
	for _, a := range body {
		b.WriteString(a.s)
	}
	open := applyTags(c.open, body)
	for k := len(open) - 1; k >= 0; k-- {
		b.WriteString("</" + open[k].name + ">")
	}
	return b.String(), true
}

// applyTags returns the tags open after atoms, given those open before (not modified).
func applyTags(open []atom, atoms []atom) []atom {
	open = open[:len(open):len(open)]
	for _, a := range atoms {
		switch a.kind {
		case openTag:
			open = append(open, a)
		case closeTag:
			if k := lastOpen(open, a.name); k >= 0 {
				open = append(open[:k:k], open[k+1:]...)
			}
		}
	}
	return open
}

func lastOpen(open []atom, name string) int {
	for k := len(open) - 1; k >= 0; k-- {
		if open[k].name == name {
			return k
		}
	}
	return -1
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
