package telegramtest

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bhytbot/bhytbot/bot/split"
)

// htmlTags maps the tags Telegram's HTML parse mode supports to entity types.
var htmlTags = map[string]string{
	"b": "bold", "strong": "bold",
	"i": "italic", "em": "italic",
	"u": "underline", "ins": "underline",
	"s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
	"code": "code", "pre": "pre",
	"a":          "text_link",
	"span":       "spoiler",
	"tg-spoiler": "spoiler",
	"blockquote": "blockquote",
	"tg-emoji":   "custom_emoji",
}

type openTag struct {
	name   string
	offset int // UTF-16 offset in the plain text
	url    string
	lang   string
}

// utf16Len is the length of s in UTF-16 code units, as Telegram counts: the same measure
// the bot's splitter uses.
func utf16Len(s string) int { return split.UTF16Len(s) }

// parseHTML parses text in Telegram's HTML parse mode and returns the plain
// text and its entities. It is stricter than Telegram in one respect:
// every '&' must start an entity (&lt; &gt; &amp; &quot; or numeric) and a
// bare '>' is rejected, so a bot that forgets to escape user input fails
// in tests even when Telegram would have been lenient.
func parseHTML(s string) (string, []entity, error) {
	var (
		plain strings.Builder
		ents  []entity
		stack []openTag
		pos   int // UTF-16 length of plain so far
	)
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				//lint:ignore ST1005 Telegram's own error text, copied word for word
				return "", nil, fmt.Errorf("Can't find end of the tag starting at byte offset %d", i)
			}
			tag := s[i+1 : i+j]
			if strings.HasPrefix(tag, "/") {
				name := strings.ToLower(strings.TrimSpace(tag[1:]))
				if len(stack) == 0 {
					//lint:ignore ST1005 Telegram's own error text, copied word for word
					return "", nil, fmt.Errorf("Unexpected end tag at byte offset %d", i)
				}
				top := stack[len(stack)-1]
				if name != top.name {
					//lint:ignore ST1005 Telegram's own error text, copied word for word
					return "", nil, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top.name, name)
				}
				stack = stack[:len(stack)-1]
				if l := pos - top.offset; l > 0 {
					ents = append(ents, entity{Type: htmlTags[top.name], Offset: top.offset, Length: l, URL: top.url, Language: top.lang})
				}
			} else {
				ot, err := parseStartTag(tag, i)
				if err != nil {
					return "", nil, err
				}
				ot.offset = pos
				stack = append(stack, ot)
			}
			i += j + 1
		case '&':
			r, n, ok := decodeEntity(s[i:])
			if !ok {
				//lint:ignore ST1005 Telegram's own error text, copied word for word
				return "", nil, fmt.Errorf("Character '&' is reserved and must be escaped as \"&amp;\" at byte offset %d", i)
			}
			plain.WriteRune(r)
			pos += utf16.RuneLen(r)
			i += n
		case '>':
			//lint:ignore ST1005 Telegram's own error text, copied word for word
			return "", nil, fmt.Errorf("Character '>' is reserved and must be escaped as \"&gt;\" at byte offset %d", i)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			plain.WriteString(s[i : i+n])
			if l := utf16.RuneLen(r); l > 0 {
				pos += l
			} else {
				pos++
			}
			i += n
		}
	}
	if len(stack) > 0 {
		//lint:ignore ST1005 Telegram's own error text, copied word for word
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	return plain.String(), ents, nil
}

// parseStartTag parses the inside of "<...>" (without the brackets).
func parseStartTag(tag string, at int) (openTag, error) {
	name, rest, _ := strings.Cut(tag, " ")
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		//lint:ignore ST1005 Telegram's own error text, copied word for word
		return openTag{}, fmt.Errorf("Empty tag name at byte offset %d", at)
	}
	if _, ok := htmlTags[name]; !ok {
		//lint:ignore ST1005 Telegram's own error text, copied word for word
		return openTag{}, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, at)
	}
	attrs, err := parseAttrs(rest, at)
	if err != nil {
		return openTag{}, err
	}
	ot := openTag{name: name}
	switch name {
	case "a":
		ot.url = attrs["href"]
	case "span":
		if attrs["class"] != "tg-spoiler" {
			//lint:ignore ST1005 Telegram's own error text, copied word for word
			return openTag{}, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", at)
		}
	case "code":
		ot.lang = strings.TrimPrefix(attrs["class"], "language-")
	}
	return ot, nil
}

// parseAttrs parses name="value", name='value' and name=value attributes.
func parseAttrs(s string, at int) (map[string]string, error) {
	attrs := map[string]string{}
	for {
		s = strings.TrimLeft(s, " \t\n")
		if s == "" {
			return attrs, nil
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			//lint:ignore ST1005 Telegram's own error text, copied word for word
			return nil, fmt.Errorf("Expected equal sign in declaration of an attribute of the tag at byte offset %d", at)
		}
		name := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t\n")
		var val string
		if s != "" && (s[0] == '"' || s[0] == '\'') {
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				//lint:ignore ST1005 Telegram's own error text, copied word for word
				return nil, fmt.Errorf("Unclosed start tag at byte offset %d", at)
			}
			val, s = s[1:1+end], s[2+end:]
		} else {
			end := strings.IndexAny(s, " \t\n")
			if end < 0 {
				end = len(s)
			}
			val, s = s[:end], s[end:]
		}
		attrs[name] = html.UnescapeString(val)
	}
}

// decodeEntity decodes an HTML entity at the start of s ("&amp;", "&#39;",
// "&#x1F600;") and returns the rune and the number of bytes consumed.
func decodeEntity(s string) (rune, int, bool) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 12 {
		return 0, 0, false
	}
	name := s[1:end]
	switch name {
	case "lt":
		return '<', end + 1, true
	case "gt":
		return '>', end + 1, true
	case "amp":
		return '&', end + 1, true
	case "quot":
		return '"', end + 1, true
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0, false
	}
	num, base := name[1:], 10
	if num[0] == 'x' || num[0] == 'X' {
		num, base = num[1:], 16
	}
	v, err := strconv.ParseUint(num, base, 32)
	if err != nil || v == 0 || v > utf8.MaxRune {
		return 0, 0, false
	}
	return rune(v), end + 1, true
}
