package markup

import (
	"errors"
	"fmt"
	"html"
	"strings"
)

// Tags are the tags of the neutral markup.
var Tags = map[string]bool{"b": true, "i": true, "u": true, "s": true, "code": true, "pre": true, "a": true}

// Entities are the entities of the neutral markup and the characters they stand for.
var Entities = map[string]string{"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": `"`}

// Kind is the kind of a Token.
type Kind int

// Kinds of tokens.
const (
	Text  Kind = iota // Token.Text holds the text with entities resolved
	Open              // an opening tag; Token.Href is the link of <a>
	Close             // a closing tag
)

// Token is a piece of a text in the neutral markup.
type Token struct {
	Kind Kind
	Tag  string // lower case, for Open and Close
	Href string // for <a href="…">, unescaped
	Text string // for Text
}

// parseTag reads the tag inside "<…>" (without the brackets). ok is false when it is not a
// tag of the markup.
func parseTag(inner string) (t Token, err error) {
	closing := strings.HasPrefix(inner, "/")
	inner = strings.TrimPrefix(inner, "/")
	name, attrs, _ := strings.Cut(inner, " ")
	name = strings.ToLower(name)
	if !Tags[name] {
		return t, fmt.Errorf("tag <%s%s> is not in the neutral markup", map[bool]string{true: "/"}[closing], name)
	}
	attrs = strings.TrimSpace(attrs)
	if closing {
		if attrs != "" {
			return t, fmt.Errorf("closing tag </%s> has attributes", name)
		}
		return Token{Kind: Close, Tag: name}, nil
	}
	t = Token{Kind: Open, Tag: name}
	if name != "a" {
		if attrs != "" {
			return t, fmt.Errorf("tag <%s> has attributes (%s)", name, attrs)
		}
		return t, nil
	}
	v, ok := strings.CutPrefix(attrs, `href="`)
	if !ok || !strings.HasSuffix(v, `"`) || strings.Count(v, `"`) != 1 {
		return t, fmt.Errorf(`tag <a %s> needs exactly one attribute href="…"`, attrs)
	}
	t.Href = html.UnescapeString(strings.TrimSuffix(v, `"`))
	if t.Href == "" {
		return t, errors.New(`tag <a> has an empty href`)
	}
	return t, nil
}

// entityAt returns the entity of the markup that s starts with ("" if none).
func entityAt(s string) string {
	for e := range Entities {
		if strings.HasPrefix(s, e) {
			return e
		}
	}
	return ""
}

// Check reports the first thing in s outside the neutral markup: an unknown tag or
// attribute, a tag left open or closed out of order, a bare '<', '>' or '&', or an entity
// other than &lt; &gt; &amp; &quot;.
func Check(s string) error {
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return fmt.Errorf("markup: bare '<' at byte %d", i)
			}
			t, err := parseTag(s[i+1 : i+j])
			if err != nil {
				return fmt.Errorf("markup: at byte %d: %w", i, err)
			}
			switch {
			case t.Kind == Open:
				for _, open := range stack {
					if open == t.Tag {
						return fmt.Errorf("markup: <%s> inside <%s> at byte %d", t.Tag, t.Tag, i)
					}
				}
				stack = append(stack, t.Tag)
			case len(stack) == 0 || stack[len(stack)-1] != t.Tag:
				return fmt.Errorf("markup: </%s> at byte %d closes nothing open", t.Tag, i)
			default:
				stack = stack[:len(stack)-1]
			}
			i += j + 1
		case '>':
			return fmt.Errorf("markup: bare '>' at byte %d (write &gt;)", i)
		case '&':
			e := entityAt(s[i:])
			if e == "" {
				end := min(len(s), i+8)
				return fmt.Errorf("markup: '&' at byte %d does not start &lt; &gt; &amp; or &quot; (%q)", i, s[i:end])
			}
			i += len(e)
		default:
			i++
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("markup: <%s> is never closed", stack[len(stack)-1])
	}
	return nil
}

// CheckFragment checks a piece of a text that is concatenated with others, such as a string
// constant in code: every tag in it (even one cut off at its end, as in `<a href="` + url)
// must be of the markup, and every '&' must start one of its entities, but tags need not be
// balanced within the piece.
func CheckFragment(s string) error {
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				// The tag goes on in the next piece: only its name is here.
				name, _, _ := strings.Cut(strings.TrimPrefix(s[i+1:], "/"), " ")
				if !Tags[strings.ToLower(name)] {
					return fmt.Errorf("markup: at byte %d: tag <%s is not in the neutral markup", i, name)
				}
				return nil
			}
			if _, err := parseTag(s[i+1 : i+j]); err != nil {
				return fmt.Errorf("markup: at byte %d: %w", i, err)
			}
			i += j + 1
		case '&':
			if entityAt(s[i:]) == "" {
				end := min(len(s), i+8)
				return fmt.Errorf("markup: '&' at byte %d does not start &lt; &gt; &amp; or &quot; (%q)", i, s[i:end])
			}
			i++
		default:
			i++
		}
	}
	return nil
}

// Tokens splits s into tokens. It never fails: what is not a tag of the markup (a bare '<',
// an unknown tag) is text, and entities are resolved as a browser would, so a text that slipped
// past Check still renders readably.
func Tokens(s string) []Token {
	var (
		out  []Token
		text strings.Builder
	)
	flush := func() {
		if text.Len() > 0 {
			out = append(out, Token{Kind: Text, Text: html.UnescapeString(text.String())})
			text.Reset()
		}
	}
	for i := 0; i < len(s); {
		if s[i] == '<' {
			if j := strings.IndexByte(s[i:], '>'); j > 0 {
				if t, err := parseTag(s[i+1 : i+j]); err == nil {
					flush()
					out = append(out, t)
					i += j + 1
					continue
				}
			}
		}
		text.WriteByte(s[i])
		i++
	}
	flush()
	return out
}
