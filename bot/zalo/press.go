package zalo

import (
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/vntext"
)

// maxPress bounds the number AsPress reads: no prompt has this many choices.
const maxPress = 999

// pressWords may come before the number of a choice: "số 2", "chọn 2" (folded, so "so 2" and
// "CHON 2" too), longest first.
var pressWords = []string{"chon so ", "lua chon ", "phuong an ", "chon ", "so "}

// AsPress reads a reply that answers a numbered prompt: "2", " 2 ", "２" (full width), "số 2",
// "chọn 2", "2." or "2)". ok is false for anything else ("2 3", "12a", "40 30", "0"), which
// stays text. Whether n is a choice of the chat's last prompt is for the caller to look up
// (storage's Choice); when it is not, the text is read as usual, so a typed figure still
// counts.
func AsPress(text string) (n int, ok bool) {
	s := vntext.Fold(vntext.Narrow(text))
	for _, w := range pressWords {
		if rest, cut := strings.CutPrefix(s, w); cut {
			s = rest
			break
		}
	}
	s = strings.TrimRight(s, ".)")
	if s == "" || len(s) > len(strconv.Itoa(maxPress)) {
		return 0, false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}
