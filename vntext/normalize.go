package vntext

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C (precomposed), the form
// stored and compared everywhere in the bot.
func NFC(s string) string {
	return norm.NFC.String(s)
}

// Clean returns s in NFC with invisible characters (zero-width spaces,
// byte-order marks, soft hyphens) removed, leading and trailing white space
// trimmed, and every internal run of white space (spaces, tabs, new lines,
// no-break spaces) collapsed to one ASCII space.
func Clean(s string) string {
	return collapse(norm.NFC.String(s), false)
}

// Narrow maps the full-width forms of ASCII characters (U+FF01..U+FF5E, as
// typed by some phone keyboards) to ASCII and the ideographic space to an
// ASCII space. Every other rune is kept as is.
func Narrow(s string) string {
	i := strings.IndexFunc(s, isWide)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		b.WriteRune(narrowRune(r))
	}
	return b.String()
}

// Fold returns a lenient matching key for s: full-width characters become
// ASCII, diacritics are dropped (via NFD), đ and Đ become d, letters are
// lowercased, and white space is trimmed and collapsed to single spaces.
// "Lớp 6A" folds to "lop 6a" and "KHÁC" to "khac". Two strings that a user
// would consider the same when typing without diacritics fold equal.
func Fold(s string) string {
	return collapse(norm.NFD.String(Narrow(s)), true)
}

// collapse trims s, collapses white-space runs to one space and drops
// invisible characters; with fold it also drops nonspacing marks, maps đ/Đ
// to d and lowercases.
func collapse(s string, fold bool) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			pendingSpace = b.Len() > 0
			continue
		case isInvisible(r):
			continue
		case fold && unicode.Is(unicode.Mn, r):
			continue
		case fold && (r == 'đ' || r == 'Đ'):
			r = 'd'
		case fold:
			r = unicode.ToLower(r)
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isWide(r rune) bool {
	return (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000
}

func narrowRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFF01 + '!'
	case r == 0x3000:
		return ' '
	}
	return r
}

func isInvisible(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD':
		return true
	}
	return false
}
