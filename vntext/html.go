package vntext

import "strings"

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// EscapeHTML escapes s for Telegram's HTML parse mode, which recognises
// only the entities &amp; &lt; &gt; and &quot;.
func EscapeHTML(s string) string {
	return htmlEscaper.Replace(s)
}
