package zalo

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/bot/split"
	"github.com/bhytbot/bhytbot/markup"
	"github.com/bhytbot/bhytbot/storage"
)

// Choice is one numbered answer of a prompt: a reply of N presses the button whose callback
// data is Data.
type Choice struct {
	N    int
	Data string
}

// manyChoices is the count from which the hint names a range instead of every number.
const manyChoices = 5

// figureLabel is a button label that is itself a number, like "0" or "40 (cả lớp)": a button
// that offers a figure the person could as well type.
var figureLabel = regexp.MustCompile(`^\s*(\d+)(\s|$)`)

// Render turns a text in the neutral markup and its buttons into what Zalo shows: plain text
// without tags or entities, with the buttons appended as numbered choices ("1. Đồng ý",
// "Trả lời 1 hoặc 2.") and link buttons as "• label: url" lines. choices says which button
// data each number presses.
//
// A prompt whose buttons offer figures (a label that is a number, as in the guided report's
// steps) is not numbered: "2" must stay the figure 2 there, so the hint says "Gõ số, ví dụ 0
// hoặc 40." and no choices are returned; its other data buttons (such as cancel) cannot be
// pressed on Zalo and are left out.
func Render(text string, buttons [][]storage.Button) (plain string, choices []Choice) {
	body := Plain(text)
	block, choices := choiceBlock(buttons)
	switch {
	case block == "":
		return body, choices
	case body == "":
		return block, choices
	}
	return body + "\n\n" + block, choices
}

// RenderParts is Render cut into texts Zalo accepts (at most MaxTextLen runes each) by the
// channels' one splitter, bot/split.SplitPlain, at line boundaries where it can. The choices
// block stays whole in the last part, so the numbers are read right after the hint that
// explains them.
func RenderParts(text string, buttons [][]storage.Button) (parts []string, choices []Choice) {
	return renderParts(text, buttons, MaxTextLen)
}

func renderParts(text string, buttons [][]storage.Button, limit int) ([]string, []Choice) {
	body := Plain(text)
	block, choices := choiceBlock(buttons)
	if block == "" {
		return split.SplitPlain(body, limit, split.RuneLen), choices
	}
	if body == "" {
		return split.SplitPlain(block, limit, split.RuneLen), choices
	}
	blockLen := split.RuneLen(block)
	if split.RuneLen(body)+2+blockLen <= limit {
		return []string{body + "\n\n" + block}, choices
	}
	if blockLen+2 >= limit {
		// A block too long for any part: it goes after the text in parts of its own.
		return append(split.SplitPlain(body, limit, split.RuneLen), split.SplitPlain(block, limit, split.RuneLen)...), choices
	}
	parts := split.SplitPlain(body, limit, split.RuneLen)
	if len(parts) == 0 { // a body of whitespace only
		return []string{block}, choices
	}
	if last := parts[len(parts)-1]; split.RuneLen(last)+2+blockLen <= limit {
		parts[len(parts)-1] = last + "\n\n" + block
	} else {
		parts = append(parts, block)
	}
	return parts, choices
}

// Plain renders a text in the neutral markup as plain text: entities become their characters,
// formatting tags are dropped (Zalo would show asterisks or tags raw), a link becomes
// "text (url)" (or the url alone when the text is the url), and a <pre> block keeps its lines.
func Plain(text string) string {
	var (
		b        strings.Builder
		link     *strings.Builder // the text of the open <a>
		href     string
		inPre    bool
		afterPre bool // a <pre> block just ended: what follows starts on a new line
		output   = func(s string) {
			if link != nil {
				link.WriteString(s)
				return
			}
			if afterPre && s != "" {
				if !strings.HasPrefix(s, "\n") {
					b.WriteString("\n")
				}
				afterPre = false
			}
			b.WriteString(s)
		}
	)
	for _, t := range markup.Tokens(text) {
		switch {
		case t.Kind == markup.Text:
			output(t.Text)
		case t.Kind == markup.Open && t.Tag == "a":
			link, href = &strings.Builder{}, t.Href
		case t.Kind == markup.Close && t.Tag == "a" && link != nil:
			l := strings.TrimSpace(link.String())
			link = nil
			switch {
			case l == "" || l == href:
				output(href)
			default:
				output(l + " (" + href + ")")
			}
		case t.Tag == "pre" && t.Kind == markup.Open:
			inPre = true
			if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
				output("\n")
			}
		case t.Tag == "pre" && t.Kind == markup.Close && inPre:
			inPre, afterPre = false, true
		}
	}
	if link != nil { // an <a> never closed: keep its text
		b.WriteString(link.String())
	}
	return strings.TrimRight(b.String(), " \n")
}

// choiceBlock lays out the buttons: link lines, then the numbered choices and their hint, or
// for figure prompts a hint to type the number.
func choiceBlock(buttons [][]storage.Button) (string, []Choice) {
	var (
		links   []string
		data    []storage.Button
		figures []string
	)
	for _, row := range buttons {
		for _, btn := range row {
			label := strings.TrimSpace(btn.Text)
			switch {
			case btn.URL != "":
				if label == "" || label == btn.URL {
					links = append(links, "• "+btn.URL)
				} else {
					links = append(links, "• "+label+": "+btn.URL)
				}
			case btn.Data != "":
				data = append(data, btn)
				if m := figureLabel.FindStringSubmatch(label); m != nil && !contains(figures, m[1]) {
					figures = append(figures, m[1])
				}
			}
		}
	}
	lines := links
	var choices []Choice
	switch {
	case len(figures) > 0:
		lines = append(lines, "Gõ số, ví dụ "+orList(figures)+".")
	case len(data) > 0:
		nums := make([]string, len(data))
		for i, btn := range data {
			n := i + 1
			nums[i] = strconv.Itoa(n)
			choices = append(choices, Choice{N: n, Data: btn.Data})
			// A label that already carries its number ("1. Nguyễn Văn An") is not numbered twice.
			label := strings.TrimPrefix(strings.TrimSpace(btn.Text), nums[i]+". ")
			lines = append(lines, nums[i]+". "+label)
		}
		if len(data) >= manyChoices {
			lines = append(lines, "Trả lời số từ 1 đến "+strconv.Itoa(len(data))+".")
		} else {
			lines = append(lines, "Trả lời "+orList(nums)+".")
		}
	}
	return strings.Join(lines, "\n"), choices
}

// orList joins "1", "2", "3" as "1, 2 hoặc 3".
func orList(xs []string) string {
	if len(xs) == 1 {
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " hoặc " + xs[len(xs)-1]
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
