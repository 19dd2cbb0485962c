package reminders

import (
	"strings"
	"unicode/utf8"

	"github.com/bhytbot/bhytbot/bot/split"
)

// TelegramMessageLimit is the length limit of a Telegram text message.
const TelegramMessageLimit = 4096

// SplitMessage splits Telegram HTML text into parts of at most limit
// characters each (limit <= 0 means TelegramMessageLimit).
//
// Length is counted in UTF-16 code units of the raw HTML, which is what
// Telegram counts and never less than the text left after it parses the tags.
// Parts break at line boundaries, preferring a blank line (between sections)
// when one falls in the second half of a part, and never inside a tag or an
// entity; the newline a part breaks at is dropped, so joining the parts with
// "\n" gives the original text back. Only a single line longer than a part
// is broken elsewhere: after a space if possible, else between characters;
// if tags are open there, they are closed at the end of the part and opened
// again at the start of the next one. Whitespace-only parts are dropped.
func SplitMessage(text string, limit int) []string {
	if limit <= 0 {
		limit = TelegramMessageLimit
	}
	if utf16Len(text) <= limit {
		return []string{text}
	}
	var parts []string
	var open []openTag // tags open at start
	start := 0
	for start < len(text) {
		prefix := openingTags(open)
		c := scanPart(text, start, open, utf16Len(prefix), limit)
		part := prefix + text[start:c.end] + closingTags(c.open)
		if strings.TrimSpace(part) != "" {
			parts = append(parts, part)
		}
		start, open = c.next, c.open
	}
	return parts
}

type openTag struct{ name, tag string }

type cut struct {
	end, next int       // this part is text[:end], the next starts at next
	count     int       // UTF-16 length of the part including tags to close
	open      []openTag // tags open at the cut
}

// scanPart finds where the part starting at start (with the given tags
// already open and prefixLen units of reopening tags) should end.
func scanPart(text string, start int, open []openTag, prefixLen, limit int) cut {
	stack := append([]openTag(nil), open...)
	count := prefixLen
	var blank, newline, space, any cut
	half := limit / 2
	record := func(c *cut, end, next int) {
		total := count + closingLen(stack)
		if total > limit {
			return
		}
		*c = cut{end: end, next: next, count: total, open: cloneTags(stack)}
	}
	i := start
	for i < len(text) {
		ch := text[i]
		switch {
		case ch == '<':
			j := strings.IndexByte(text[i:], '>')
			if j < 0 {
				j = len(text) - i - 1
			}
			tag := text[i : i+j+1]
			count += utf16Len(tag)
			stack = applyTag(stack, tag)
			i += j + 1
		case ch == '&':
			j := strings.IndexByte(text[i:min(i+12, len(text))], ';')
			if j < 0 {
				j = 0
			}
			count += utf16Len(text[i : i+j+1])
			i += j + 1
		case ch == '\n':
			if i > start {
				if text[i-1] == '\n' {
					record(&blank, i, i+1)
				}
				record(&newline, i, i+1)
			}
			count++
			i++
		case ch == ' ':
			count++
			i++
			record(&space, i, i)
		default:
			r, n := utf8.DecodeRuneInString(text[i:])
			if r >= 0x10000 {
				count += 2
			} else {
				count++
			}
			i += n
		}
		if count > limit {
			break
		}
		if i < len(text) && text[i] != '\n' && text[i] != ' ' {
			record(&any, i, i)
		}
	}
	if i >= len(text) && count+closingLen(stack) <= limit {
		return cut{end: len(text), next: len(text), count: count, open: cloneTags(stack)}
	}
	switch {
	case blank.end > 0 && blank.count >= half:
		return blank
	case newline.end > 0 && newline.count >= half:
		return newline
	case space.end > 0 && space.count >= half:
		return space
	case newline.end > 0:
		return newline
	case space.end > 0:
		return space
	case any.end > start:
		return any
	}
	// limit too small for even one character: take one token anyway.
	if i == start {
		_, n := utf8.DecodeRuneInString(text[i:])
		i += n
	}
	return cut{end: i, next: i, open: cloneTags(stack)}
}

func cloneTags(s []openTag) []openTag {
	if len(s) == 0 {
		return nil
	}
	return append([]openTag(nil), s...)
}

// applyTag pushes an opening tag or pops its closing tag.
func applyTag(stack []openTag, tag string) []openTag {
	name := tagName(tag)
	if strings.HasPrefix(tag, "</") {
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].name == name {
				return append(stack[:k:k], stack[k+1:]...)
			}
		}
		return stack
	}
	if strings.HasSuffix(tag, "/>") || name == "" {
		return stack
	}
	return append(stack[:len(stack):len(stack)], openTag{name: name, tag: tag})
}

func tagName(tag string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(tag, "<"), "/")
	end := strings.IndexAny(s, " \t\n/>")
	if end < 0 {
		end = len(s)
	}
	return strings.ToLower(s[:end])
}

func openingTags(s []openTag) string {
	var b strings.Builder
	for _, t := range s {
		b.WriteString(t.tag)
	}
	return b.String()
}

func closingTags(s []openTag) string {
	var b strings.Builder
	for k := len(s) - 1; k >= 0; k-- {
		b.WriteString("</")
		b.WriteString(s[k].name)
		b.WriteByte('>')
	}
	return b.String()
}

func closingLen(s []openTag) int {
	n := 0
	for _, t := range s {
		n += len(t.name) + 3
	}
	return n
}

// utf16Len is the length of s in UTF-16 code units (the channel's one helper).
func utf16Len(s string) int { return split.UTF16Len(s) }
