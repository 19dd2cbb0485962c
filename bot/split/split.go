// Package split cuts a long HTML message into parts a chat channel accepts. It is the one
// splitter of bhytbot, owned by the channel layer: commands and jobs enqueue one long text,
// and the channel's sender splits it at send time by its own limit and unit of length
// (Telegram: 4096 UTF-16 code units; Zalo: 2000 characters), recording each part it has
// delivered so that a crash resumes with the next part.
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

// atom is an indivisible piece of HTML text.
type atom struct {
	s    string
	kind byte // 't' tag, 'n' newline, 'w' word or space run, 'e' entity
}

func atomize(s string) []atom {
	var out []atom
	for len(s) > 0 {
		var n int
		var k byte
		switch c := s[0]; {
		case c == '<':
			n, k = strings.IndexByte(s, '>')+1, 't'
			if n == 0 {
				n, k = 1, 'w'
			}
		case c == '&':
			n, k = strings.IndexByte(s, ';')+1, 'e'
			if n == 0 || n > 12 {
				n, k = 1, 'w'
			}
		case c == '\n':
			n, k = 1, 'n'
		default:
			space := unicode.IsSpace(rune(c))
			n = len(s)
			for i, r := range s {
				if r == '<' || r == '&' || r == '\n' || unicode.IsSpace(r) != space {
					if i > 0 {
						n = i
						break
					}
				}
			}
			k = 'w'
		}
		out = append(out, atom{s: s[:n], kind: k})
		s = s[n:]
	}
	return out
}

// openTag is an HTML tag left open at a split point.
type openTag struct{ name, raw string }

func tagName(raw string) (name string, closing bool) {
	t := strings.TrimPrefix(strings.TrimSuffix(raw, ">"), "<")
	closing = strings.HasPrefix(t, "/")
	t = strings.TrimPrefix(t, "/")
	if i := strings.IndexFunc(t, unicode.IsSpace); i >= 0 {
		t = t[:i]
	}
	return strings.ToLower(t), closing
}

// splitter fills parts of at most limit characters.
type splitter struct {
	limit int
	size  func(string) int
	parts []string
	cur   strings.Builder
	body  bool // cur has visible text
	stack []openTag
}

func (p *splitter) closing() string {
	var b strings.Builder
	for i := len(p.stack) - 1; i >= 0; i-- {
		b.WriteString("</" + p.stack[i].name + ">")
	}
	return b.String()
}

func (p *splitter) stackAfter(a atom) []openTag {
	if a.kind != 't' {
		return p.stack
	}
	name, closing := tagName(a.s)
	if !closing {
		return append(p.stack[:len(p.stack):len(p.stack)], openTag{name: name, raw: a.s})
	}
	for i := len(p.stack) - 1; i >= 0; i-- {
		if p.stack[i].name == name {
			return append(p.stack[:i:i], p.stack[i+1:]...)
		}
	}
	return p.stack
}

func closeLen(stack []openTag) int {
	n := 0
	for _, t := range stack {
		n += len(t.name) + 3
	}
	return n
}

// fits reports whether atoms can be appended to the current part.
func (p *splitter) fits(atoms []atom) bool {
	n := p.size(p.cur.String())
	saved := p.stack
	for _, a := range atoms {
		n += p.size(a.s)
		p.stack = p.stackAfter(a)
	}
	n += closeLen(p.stack)
	p.stack = saved
	return n <= p.limit
}

func (p *splitter) add(a atom) {
	p.cur.WriteString(a.s)
	if (a.kind == 'w' && strings.TrimSpace(a.s) != "") || a.kind == 'e' {
		p.body = true
	}
	p.stack = p.stackAfter(a)
}

func (p *splitter) flush() {
	if p.body {
		p.parts = append(p.parts, strings.TrimRight(p.cur.String(), " \n")+p.closing())
	}
	p.cur.Reset()
	p.body = false
	for _, t := range p.stack {
		p.cur.WriteString(t.raw)
	}
}

// addLong appends one atom that may be longer than a part, cutting it at runes.
func (p *splitter) addLong(a atom) {
	if p.fits([]atom{a}) {
		p.add(a)
		return
	}
	if p.body {
		p.flush()
		if p.fits([]atom{a}) {
			p.add(a)
			return
		}
	}
	s := a.s
	for s != "" {
		room := p.limit - p.size(p.cur.String()) - closeLen(p.stack)
		n := 0
		for i, r := range s {
			w := p.size(string(r))
			if room-w < 0 {
				break
			}
			room -= w
			n = i + utf8.RuneLen(r)
		}
		if n == 0 {
			if !p.body {
				// Not even one rune fits after the reopened tags: give up on them.
				p.stack = nil
				p.cur.Reset()
				continue
			}
			p.flush()
			continue
		}
		p.add(atom{s: s[:n], kind: a.kind})
		s = s[n:]
		if s != "" {
			p.flush()
		}
	}
}

// Split cuts HTML text into parts of at most limit, as measured by length (UTF16Len for
// Telegram, RuneLen for a channel that counts characters), at line boundaries where it
// can (else between words, else between characters; never inside a tag or an entity).
// Tags open at a cut are closed at the end of the part and reopened at the start of the
// next, so every part is valid HTML on its own. Text within the limit is returned whole.
func Split(text string, limit int, length func(string) int) []string {
	if length(text) <= limit {
		return []string{text}
	}
	p := &splitter{limit: limit, size: length}
	atoms := atomize(text)
	for len(atoms) > 0 {
		end := 0
		for end < len(atoms) && atoms[end].kind != 'n' {
			end++
		}
		if end < len(atoms) {
			end++ // the newline
		}
		line := atoms[:end]
		atoms = atoms[end:]
		if p.fits(line) {
			for _, a := range line {
				p.add(a)
			}
			continue
		}
		if p.body {
			p.flush()
			if p.fits(line) {
				for _, a := range line {
					p.add(a)
				}
				continue
			}
		}
		for i, a := range line {
			if p.fits(line[i : i+1]) {
				p.add(a)
				continue
			}
			switch {
			case a.kind == 'w' && strings.TrimSpace(a.s) == "":
				p.flush() // break at the space, drop it
			case a.kind == 'w':
				p.addLong(a)
			default: // tags and entities are not cut
				p.flush()
				p.add(a)
			}
		}
	}
	p.flush()
	return p.parts
}
