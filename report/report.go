package report

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bhytbot/bhytbot/vntext"
)

// Bounds of a report.
const (
	// MaxRunes is the longest report text accepted, in runes after NFC.
	MaxRunes = 1000
	// MinEnrolment and MaxEnrolment bound a class's enrolment (sĩ số).
	MinEnrolment = 1
	MaxEnrolment = 200

	// maxBytes rejects absurd inputs before any normalisation work; it
	// is far above what MaxRunes allows in any normal form.
	maxBytes = 64 << 10
	// maxDigits is the most significant digits kept when reading a number;
	// longer numbers are out of every bound and are kept only as typed.
	maxDigits = 6
	// hugeNumber stands for a number with more than maxDigits digits.
	hugeNumber = 1_000_000
)

// ErrGuided is returned by Parse for "/baocao" without figures: the
// caller starts the guided flow with buttons. The Input returned with it
// carries the class when it is known (named in the message, or the teacher's
// only class) and is otherwise zero.
var ErrGuided = errors.New("report: guided report requested")

// Input is a parsed report.
type Input struct {
	Class         string // the teacher's class name exactly as given in classes (canonical), "" if none matched
	Enrolment     int    // sĩ số
	ThroughSchool int    // insured through school
	Other         int    // insured under other categories (đối tượng khác)
	InsuredOnly   bool   // form "38/42": only the total insured is known; ThroughSchool holds it, Other 0
}

// ErrorCode says what was wrong with a report attempt.
type ErrorCode int

// Report error codes.
const (
	CodeTooLong          ErrorCode = iota + 1 // text longer than MaxRunes
	CodeNoClasses                             // the teacher has no class
	CodeClassMissing                          // no class named and the teacher has several
	CodeUnknownClass                          // the class named is not one of the teacher's
	CodeAmbiguousClass                        // the class named matches several of the teacher's
	CodeNoNumbers                             // no figure at all
	CodeMissingNumber                         // a required figure (or the figure after a label) is missing
	CodeTooManyNumbers                        // more figures than the report has fields
	CodeNotNumber                             // something that is not a whole number where a figure belongs
	CodeNegative                              // a negative figure
	CodeEnrolmentRange                        // enrolment outside MinEnrolment..MaxEnrolment
	CodeExceedsEnrolment                      // insured (through school + other) above enrolment
	CodeDuplicate                             // the same field given twice
	CodeDecimal                               // a decimal comma in a figure: "30,5"
	CodeGlued                                 // a class ending in a digit glued to the enrolment: "10a142"
)

var codeNames = map[ErrorCode]string{
	CodeTooLong:          "too_long",
	CodeNoClasses:        "no_classes",
	CodeClassMissing:     "class_missing",
	CodeUnknownClass:     "unknown_class",
	CodeAmbiguousClass:   "ambiguous_class",
	CodeNoNumbers:        "no_numbers",
	CodeMissingNumber:    "missing_number",
	CodeTooManyNumbers:   "too_many_numbers",
	CodeNotNumber:        "not_a_number",
	CodeNegative:         "negative",
	CodeEnrolmentRange:   "enrolment_range",
	CodeExceedsEnrolment: "exceeds_enrolment",
	CodeDuplicate:        "duplicate",
	CodeDecimal:          "decimal",
	CodeGlued:            "glued_class",
}

// String returns a stable snake_case name for logs and metrics.
func (c ErrorCode) String() string {
	if s, ok := codeNames[c]; ok {
		return s
	}
	return "report_error_" + strconv.Itoa(int(c))
}

// Field names a part of a report.
type Field int

// Report fields.
const (
	FieldNone Field = iota
	FieldClass
	FieldEnrolment
	FieldThroughSchool
	FieldOther
)

// Error is a fault in a report attempt. Error returns a Vietnamese
// message for the teacher that says what was wrong and shows a correct
// example for their class.
type Error struct {
	Code          ErrorCode
	Field         Field    // the field concerned (missing, duplicate), if any
	Got           string   // the offending text as typed, if any
	Enrolment     int      // for CodeExceedsEnrolment
	ThroughSchool int      // for CodeExceedsEnrolment (the insured total in the a/b form)
	Other         int      // for CodeExceedsEnrolment
	Classes       []string // the teacher's classes, or the candidates for CodeAmbiguousClass
	Class         string   // the class used in the example ("" for a generic one)
	Ratio         bool     // the teacher used the insured/enrolment form
	Fixed         string   // for CodeGlued: the teacher's own report, spaced, to copy
	// Own are the example class's own figures (enrolment, through school, other) when the
	// caller knows them, so the teacher copies numbers that fit the class; all zero for the
	// generic 42 30 8.
	Own [3]int
}

// Example returns a correct report message for the error's class, in the
// form the teacher used.
func (e *Error) Example() string {
	if e.Fixed != "" {
		return e.Fixed
	}
	class := e.Class
	if class == "" {
		class = "6A"
	}
	enrol, through, other := 42, 30, 8
	if e.Own[0] > 0 {
		enrol, through, other = e.Own[0], e.Own[1], e.Own[2]
	}
	n, i, o, in := strconv.Itoa(enrol), strconv.Itoa(through), strconv.Itoa(other), strconv.Itoa(through+other)
	if e.Ratio {
		return "/baocao " + class + " " + in + "/" + n + " (" + in + " học sinh có thẻ BHYT trên sĩ số " + n + ")"
	}
	return "/baocao " + class + " " + n + " " + i + " " + o + " (sĩ số " + n + ", tham gia qua trường " + i + ", đối tượng khác " + o + ")"
}

// Error returns the message for the teacher, in Vietnamese.
func (e *Error) Error() string {
	var msg string
	got := display(e.Got)
	switch e.Code {
	case CodeTooLong:
		msg = "Tin nhắn quá dài (" + got + " ký tự, tối đa " + vntext.FormatInt(MaxRunes) + "). Hãy gửi báo cáo ngắn gọn theo mẫu."
	case CodeNoClasses:
		return "Thầy/cô chưa được giao lớp chủ nhiệm nào nên chưa thể báo cáo. Hãy nhờ nhà trường gửi mã mời giáo viên chủ nhiệm. Ví dụ báo cáo khi đã có lớp: " + e.Example()
	case CodeClassMissing:
		msg = "Thầy/cô chủ nhiệm nhiều lớp (" + listClasses(e.Classes, ", ") + "), hãy ghi rõ tên lớp cần báo cáo."
	case CodeUnknownClass:
		if len(e.Classes) == 1 {
			msg = "Lớp “" + got + "” không phải lớp thầy/cô chủ nhiệm (lớp của thầy/cô: " + e.Classes[0] + ")."
		} else {
			msg = "Lớp “" + got + "” không có trong các lớp thầy/cô chủ nhiệm (" + listClasses(e.Classes, ", ") + ")."
		}
	case CodeAmbiguousClass:
		msg = "“" + got + "” có thể là lớp " + listClasses(e.Classes, " hoặc ") + ", hãy ghi đủ tên lớp."
	case CodeNoNumbers:
		msg = "Chưa có số liệu: cần sĩ số, số tham gia BHYT qua trường và số đối tượng khác (nếu có)."
	case CodeMissingNumber:
		if e.Got != "" {
			msg = "Thiếu số sau “" + got + "” (" + fieldName(e.Field) + ")."
		} else {
			msg = "Thiếu " + fieldName(e.Field) + ": cần sĩ số, số tham gia BHYT qua trường và số đối tượng khác (nếu có)."
		}
	case CodeTooManyNumbers:
		msg = "Thừa số “" + got + "”: chỉ cần sĩ số, số tham gia qua trường và số đối tượng khác, hoặc dạng số có thẻ/sĩ số."
	case CodeNotNumber:
		msg = "Không hiểu “" + got + "”: ở đây cần một số nguyên, chỉ gồm chữ số 0–9."
	case CodeNegative:
		msg = "Số liệu không được âm, thầy/cô gửi “" + got + "”."
	case CodeEnrolmentRange:
		msg = "Sĩ số phải từ " + strconv.Itoa(MinEnrolment) + " đến " + strconv.Itoa(MaxEnrolment) + ", thầy/cô gửi " + got + "."
	case CodeExceedsEnrolment:
		switch {
		case e.Got != "":
			msg = "Số “" + got + "” lớn hơn sĩ số " + strconv.Itoa(e.Enrolment) + "."
		case e.Ratio:
			msg = "Số học sinh có thẻ BHYT (" + strconv.Itoa(e.ThroughSchool) + ") không được lớn hơn sĩ số (" + strconv.Itoa(e.Enrolment) + ")."
		case e.Other == 0:
			msg = "Số tham gia BHYT qua trường (" + strconv.Itoa(e.ThroughSchool) + ") không được lớn hơn sĩ số " + strconv.Itoa(e.Enrolment) + "."
		default:
			msg = "Số học sinh có thẻ BHYT (qua trường " + strconv.Itoa(e.ThroughSchool) + " + đối tượng khác " + strconv.Itoa(e.Other) +
				" = " + strconv.Itoa(e.ThroughSchool+e.Other) + ") không được lớn hơn sĩ số " + strconv.Itoa(e.Enrolment) + "."
		}
	case CodeDuplicate:
		msg = capitalize(fieldName(e.Field)) + " được ghi hai lần, hãy ghi mỗi mục một lần."
	case CodeDecimal:
		msg = "“" + got + "” là số lẻ: số học sinh phải là số nguyên. Nếu đó là hai số, hãy cách nhau bằng dấu cách."
	case CodeGlued:
		msg = "Tên lớp và sĩ số viết liền nhau (“" + got + "”) nên dễ nhầm lớp: hãy cách tên lớp và các số bằng dấu cách."
	default:
		msg = "Báo cáo chưa đúng mẫu."
	}
	return msg + " Ví dụ đúng: " + e.Example()
}

func fieldName(f Field) string {
	switch f {
	case FieldClass:
		return "tên lớp"
	case FieldEnrolment:
		return "sĩ số"
	case FieldThroughSchool:
		return "số tham gia BHYT qua trường"
	case FieldOther:
		return "số đối tượng khác"
	}
	return "số liệu"
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// listClasses joins class names for a message, shortening long lists.
func listClasses(classes []string, sep string) string {
	const max = 8
	if len(classes) > max {
		return strings.Join(classes[:max], ", ") + "…"
	}
	return strings.Join(classes, sep)
}

// display makes typed text safe to quote back: non-graphic runes become
// U+FFFD and long text is shortened.
func display(s string) string {
	const max = 24
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			b.WriteString("…")
			break
		}
		if !unicode.IsGraphic(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// Parse parses text sent by a teacher whose classes are classes
// (canonical names like "6A", "10A1"). It returns (input, true, nil) for a
// valid report; (Input{}, false, nil) when the text is clearly not a
// report attempt, so the caller can answer something else; ErrGuided for
// "/baocao" (or "báo cáo") without figures; and a *Error for an
// attempt with a fault.
//
// The package documentation is the grammar: the forms accepted, how glued
// words and commas are read, the bounds and the error codes.
func Parse(text string, classes []string) (Input, bool, error) {
	classes = distinct(classes)
	if len(text) > maxBytes {
		return tooLong(text, utf8.RuneCountInString(text), classes)
	}
	s := strings.TrimSpace(vntext.NFC(vntext.Narrow(strings.ToValidUTF8(text, "\uFFFD"))))
	if n := utf8.RuneCountInString(s); n > MaxRunes {
		return tooLong(s, n, classes)
	}
	body, command, explicit := splitCommand(s)
	if command && !explicit {
		return Input{}, false, nil
	}
	p := newParser(tokenize(body), classes, explicit)
	p.parse()

	switch {
	case explicit && (p.empty || p.classOnly):
		if len(classes) == 0 {
			return Input{}, false, p.newError(CodeNoClasses)
		}
		class := p.class
		if class == "" && len(classes) == 1 {
			class = classes[0]
		}
		return Input{Class: class}, false, ErrGuided
	case explicit && !command && !p.hasNumber:
		return Input{}, false, nil // "báo cáo" in a sentence
	case !explicit && (!p.hasNumber || (p.unknown && !p.hasLabel)):
		return Input{}, false, nil
	}
	if len(classes) == 0 {
		return Input{}, false, p.newError(CodeNoClasses)
	}
	if p.err != nil {
		return Input{}, false, p.err
	}
	in, err := p.finish()
	if err != nil {
		return Input{}, false, err
	}
	if p.glued != "" {
		e := p.newError(CodeGlued)
		e.Got, e.Ratio = p.glued, in.InsuredOnly
		e.Fixed = in.Command()
		return Input{}, false, e
	}
	return in, true, nil
}

// Command returns the report as the canonical command that reads back as
// the same report: "/baocao 6A 42 30 8", or "/baocao 6A 38/42" for a report
// of insured pupils only.
func (in Input) Command() string {
	if in.InsuredOnly {
		return "/baocao " + in.Class + " " + strconv.Itoa(in.ThroughSchool) + "/" + strconv.Itoa(in.Enrolment)
	}
	return "/baocao " + in.Class + " " + strconv.Itoa(in.Enrolment) + " " + strconv.Itoa(in.ThroughSchool) + " " + strconv.Itoa(in.Other)
}

// tooLong answers an over-long text: an error if it looks like a report
// (a figure or the report command), otherwise not a report.
func tooLong(s string, runes int, classes []string) (Input, bool, error) {
	head := s
	if len(head) > 256 {
		head = head[:256]
	}
	head = strings.TrimSpace(vntext.NFC(vntext.Narrow(strings.ToValidUTF8(head, "\uFFFD"))))
	_, _, explicit := splitCommand(head)
	hasDigit := strings.ContainsFunc(s, func(r rune) bool {
		return (r >= '0' && r <= '9') || (r >= '０' && r <= '９')
	})
	if !explicit && !hasDigit {
		return Input{}, false, nil
	}
	e := &Error{Code: CodeTooLong, Got: vntext.FormatInt(runes), Classes: classes}
	if len(classes) > 0 {
		e.Class = classes[0]
	}
	return Input{}, false, e
}

func distinct(classes []string) []string {
	seen := make(map[string]bool, len(classes))
	out := make([]string, 0, len(classes))
	for _, c := range classes {
		if strings.TrimSpace(c) == "" || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c)
	}
	return out
}

// splitCommand recognises the report command at the start of s: "/baocao"
// (optionally "@botname"), or the words "báo cáo" in any spelling. command
// reports that s starts with a slash command; explicit that it is the
// report command or words; body is what follows.
func splitCommand(s string) (body string, command, explicit bool) {
	rest := s
	if strings.HasPrefix(rest, "/") {
		r, _ := utf8.DecodeRuneInString(rest[1:])
		if unicode.IsLetter(r) {
			command = true
			rest = rest[1:]
		}
	}
	after, ok := cutBaoCao(rest)
	if !ok {
		return s, command, false
	}
	if command && strings.HasPrefix(after, "@") {
		i := strings.IndexFunc(after, unicode.IsSpace)
		if i < 0 {
			i = len(after)
		}
		after = after[i:]
	}
	return after, command, true
}

// cutBaoCao removes a leading "baocao", "bao cao" or "bao_cao" (any case,
// any diacritics) followed by a word boundary.
func cutBaoCao(s string) (string, bool) {
	const want = "baocao"
	k := 0
	for i, r := range s {
		if k == len(want) {
			if isWordRune(r) && !gluedBody(s[i:]) {
				return "", false
			}
			return s[i:], true
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if k == 3 && (unicode.IsSpace(r) || r == '_') {
			continue
		}
		f := vntext.Fold(string(r))
		if f == "" || f[0] != want[k] || len(f) != 1 {
			return "", false
		}
		k++
	}
	return "", k == len(want)
}

// gluedBody reports whether the text right after "baocao" is a report's body
// typed without a space: a class or figure ("baocao6A", "/baocao6a42") or
// "lớp" before one ("baocaolop6a"). Any other word ("baocaoxong") makes it
// not the report command.
func gluedBody(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	if isDigit(r) {
		return true
	}
	after, ok := strings.CutPrefix(vntext.Fold(rest), "lop")
	if !ok {
		return false
	}
	r, _ = utf8.DecodeRuneInString(after)
	return isDigit(r) || r == ' '
}

type tokKind uint8

const (
	rtWord tokKind = iota // letters, maybe with digits: "6A", "lớp", "ss42"
	rtNum                 // ASCII digits
	rtNeg                 // a minus sign and ASCII digits
	rtDec                 // digits with dots: "4.5"
	rtJoin                // a lone "/", "-" or "."
	rtSym                 // a run of anything else: emoji, control characters, "@"
)

type token struct {
	kind  tokKind
	raw   string // as typed (NFC, narrowed)
	fold  string // vntext.Fold(raw)
	hard  bool   // a hard separator (, ; : = ...) comes before it
	space bool   // white space comes before it
	comma bool   // a bare comma joins it to the token before, digit to digit: the 5 of "30,5"
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isMinus(r rune) bool { return r == '-' || r == '−' || r == '–' }

func isHardSep(r rune) bool {
	return strings.ContainsRune(",;:=()[]{}\"'“”‘’!?…", r)
}

func isIgnorable(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD':
		return true
	}
	return false
}

func isSymRune(r rune) bool {
	return !unicode.IsSpace(r) && r != '_' && !isIgnorable(r) && !isHardSep(r) &&
		!unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '/' && r != '.' && !isMinus(r)
}

// isDecoration reports whether a symbol run is only emoji-like symbols, as
// teachers end messages with (🙏, 👍️), and not control characters.
func isDecoration(raw string) bool {
	for _, r := range raw {
		if !unicode.In(r, unicode.So, unicode.Sk, unicode.Mn, unicode.Me) {
			return false
		}
	}
	return true
}

func tokenize(s string) []token {
	rs := []rune(s)
	var toks []token
	hard, space, comma := false, false, false
	emit := func(k tokKind, raw string) {
		f := raw
		if k == rtWord {
			f = vntext.Fold(raw)
		}
		toks = append(toks, token{kind: k, raw: raw, fold: f, hard: hard, space: space, comma: comma})
		hard, space, comma = false, false, false
	}
	// word returns the end of the word run starting at i; dots count when
	// they stand between two ASCII digits.
	word := func(i int) int {
		for i < len(rs) {
			r := rs[i]
			if isWordRune(r) || (r == '.' && i > 0 && isDigit(rs[i-1]) && i+1 < len(rs) && isDigit(rs[i+1])) {
				i++
				continue
			}
			break
		}
		return i
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r) || r == '_':
			space = true
			i++
		case isIgnorable(r):
			i++
		case isHardSep(r):
			if r == ',' && i > 0 && isDigit(rs[i-1]) && i+1 < len(rs) && isDigit(rs[i+1]) {
				comma = true
			}
			hard = true
			i++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := word(i)
			emit(classify(rs[i:j]), string(rs[i:j]))
			i = j
		case isMinus(r) && (i == 0 || !isWordRune(rs[i-1])) && i+1 < len(rs) && isDigit(rs[i+1]):
			j := word(i + 1)
			switch classify(rs[i+1 : j]) {
			case rtNum:
				emit(rtNeg, "-"+string(rs[i+1:j]))
				i = j
			case rtDec:
				emit(rtDec, "-"+string(rs[i+1:j]))
				i = j
			default:
				emit(rtJoin, "-")
				i++
			}
		case r == '/' || r == '.' || isMinus(r):
			emit(rtJoin, string(r))
			i++
		default:
			j := i
			for j < len(rs) && isSymRune(rs[j]) {
				j++
			}
			if j == i {
				j++
			}
			emit(rtSym, string(rs[i:j]))
			i = j
		}
	}
	return toks
}

func classify(rs []rune) tokKind {
	dots := false
	for _, r := range rs {
		switch {
		case isDigit(r):
		case r == '.':
			dots = true
		default:
			return rtWord
		}
	}
	if dots {
		return rtDec
	}
	return rtNum
}

// labels are the field labels, as sequences of folded words, longest first.
var labels = []struct {
	words []string
	field Field
}{
	{[]string{"tham", "gia", "qua", "truong"}, FieldThroughSchool},
	{[]string{"doi", "tuong", "khac"}, FieldOther},
	{[]string{"qua", "truong"}, FieldThroughSchool},
	{[]string{"tham", "gia"}, FieldThroughSchool},
	{[]string{"si", "so"}, FieldEnrolment},
	{[]string{"dt", "khac"}, FieldOther},
	{[]string{"ss"}, FieldEnrolment},
	{[]string{"siso"}, FieldEnrolment},
	{[]string{"tr"}, FieldThroughSchool},
	{[]string{"truong"}, FieldThroughSchool},
	{[]string{"quatruong"}, FieldThroughSchool},
	{[]string{"qt"}, FieldThroughSchool},
	{[]string{"khac"}, FieldOther},
	{[]string{"dtk"}, FieldOther},
	{[]string{"dtkhac"}, FieldOther},
	{[]string{"doituongkhac"}, FieldOther},
}

// number is a figure as typed.
type number struct {
	raw   string
	val   int
	ratio *number // in "a/b", this number is a and ratio is b
}

func parseNumber(raw string) number {
	d := strings.TrimLeft(raw, "0")
	if len(d) > maxDigits {
		return number{raw: raw, val: hugeNumber}
	}
	v := 0
	for _, r := range d {
		v = v*10 + int(r-'0')
	}
	return number{raw: raw, val: v}
}

type parser struct {
	toks     []token
	classes  []string
	byKey    map[string][]string // compact folded name → canonical classes
	explicit bool

	class      string
	fields     [5]*number // indexed by Field
	positional []number
	chain      []int // for each token: the count of numbers in its a/b/c chain

	err       *Error
	empty     bool // nothing after the command
	classOnly bool // nothing but a class that was matched
	hasNumber bool
	hasLabel  bool   // a label followed by a figure
	unknown   bool   // a word or symbol that is neither class, label nor figure
	glued     string // the token as typed when a class ending in a digit was read off a glued figure ("10a142")
}

func newParser(toks []token, classes []string, explicit bool) *parser {
	p := &parser{toks: trimFiller(toks), classes: classes, explicit: explicit, byKey: map[string][]string{}}
	for _, c := range classes {
		k := classKey(vntext.Fold(c))
		if k == "" {
			continue
		}
		p.byKey[k] = append(p.byKey[k], c)
	}
	return p
}

// classKey is the matching key of a folded class name: letters and digits
// only, without a leading "lop".
func classKey(fold string) string {
	var b strings.Builder
	for _, r := range fold {
		if isWordRune(r) && !unicode.IsMark(r) {
			b.WriteRune(r)
		}
	}
	k := b.String()
	for _, lop := range []string{"lop", "lớp"} {
		if rest, ok := strings.CutPrefix(k, lop); ok && startsDigit(rest) {
			k = rest
		}
	}
	return k
}

// trimFiller drops politeness particles at the ends ("dạ ... ạ", "nhé") and
// trailing punctuation.
func trimFiller(toks []token) []token {
	for len(toks) > 0 {
		t := toks[len(toks)-1]
		if t.kind == rtJoin || (t.kind == rtWord && isParticle(t.raw)) || (t.kind == rtSym && isDecoration(t.raw)) {
			toks = toks[:len(toks)-1]
			continue
		}
		break
	}
	for len(toks) > 0 {
		t := toks[0]
		if t.kind == rtJoin || (t.kind == rtWord && strings.ToLower(t.raw) == "dạ") {
			toks = toks[1:]
			continue
		}
		break
	}
	return toks
}

func isParticle(raw string) bool {
	switch strings.ToLower(raw) {
	case "ạ", "nhé", "nhe", "nha", "nhá":
		return true
	}
	return false
}

func (p *parser) fault(e *Error) {
	if p.err == nil {
		p.err = e
	}
}

// newError returns an error of the code filled with the teacher's classes
// and the class for the example.
func (p *parser) newError(code ErrorCode) *Error {
	e := &Error{Code: code, Classes: p.classes, Class: p.class}
	if e.Class == "" && len(p.classes) > 0 {
		e.Class = p.classes[0]
	}
	return e
}

func (p *parser) parse() {
	p.empty = len(p.toks) == 0
	i := 0
	lop := false
	if i < len(p.toks) && p.toks[i].kind == rtWord && p.toks[i].fold == "lop" {
		lop = true
		i++
	}
	p.unglue(i)
	p.chains()
	i = p.classSlot(i, lop)
	p.classOnly = p.class != "" && p.err == nil && i >= len(p.toks)
	for i < len(p.toks) {
		i = p.step(i)
	}
}

// unglue splits the token at i when it is one of the teacher's classes with the
// enrolment typed right after it ("6a42", "lớp6a42", as in "/baocao6a42 30 8")
// into the class and the figure. A class ending in a letter ends where the
// digits begin, so that split is certain. A class ending in a digit ("10A1"
// in "10a142") could end one digit later or earlier; the split is still made,
// so that the rest of the report is checked, but p.glued makes Parse answer
// with the report spaced out to copy instead of accepting a guess. When two of
// the teacher's classes could end inside the digits ("6a142" for 6A and 6A1)
// nothing is split and the fault says so.
func (p *parser) unglue(i int) {
	if i >= len(p.toks) || p.toks[i].kind != rtWord {
		return
	}
	t := p.toks[i]
	key := classKey(t.fold)
	if len(p.byKey[key]) > 0 {
		return
	}
	if _, _, ok := splitLabel(t.fold); ok {
		return
	}
	d := len(key)
	for d > 0 && isDigit(rune(key[d-1])) {
		d--
	}
	if d == 0 || d == len(key) {
		return
	}
	// Every cut inside the trailing digits that leaves one of the teacher's
	// classes before it and a figure after it.
	var cuts []int
	for m := d; m < len(key); m++ {
		if len(p.byKey[key[:m]]) > 0 {
			cuts = append(cuts, m)
		}
	}
	if len(cuts) > 1 {
		p.hasNumber = true
		p.faultGot(CodeGlued, t.raw)
		return
	}
	if len(cuts) == 0 {
		return
	}
	digits := key[cuts[0]:]
	if !strings.HasSuffix(t.raw, digits) {
		return
	}
	name := t.raw[:len(t.raw)-len(digits)]
	class := token{kind: rtWord, raw: name, fold: vntext.Fold(name), hard: t.hard, space: t.space}
	figure := token{kind: rtNum, raw: digits, fold: digits}
	p.toks = append(p.toks[:i], append([]token{class, figure}, p.toks[i+1:]...)...)
	if cuts[0] > d {
		p.glued = t.raw
	}
}

// chains records, for every number, how many numbers its "a/b/c" chain holds.
func (p *parser) chains() {
	p.chain = make([]int, len(p.toks))
	for i := 0; i < len(p.toks); {
		if p.toks[i].kind != rtNum {
			i++
			continue
		}
		j := i + 1
		for j+1 < len(p.toks) && p.toks[j].kind == rtJoin && p.toks[j].raw == "/" && p.toks[j+1].kind == rtNum {
			j += 2
		}
		n := (j-i)/2 + 1
		for k := i; k < j; k += 2 {
			p.chain[k] = n
		}
		i = j
	}
}

// step consumes the token(s) at i and returns the next index.
func (p *parser) step(i int) int {
	t := p.toks[i]
	if f, n := p.labelAt(i); n > 0 {
		label := joinRaw(p.toks[i : i+n])
		j := p.skipFiller(i + n)
		if j < len(p.toks) {
			switch v := p.toks[j]; v.kind {
			case rtNum:
				p.hasLabel, p.hasNumber = true, true
				if p.decimalAt(j) {
					p.faultDecimal(j)
					return p.skipUnit(j + 2)
				}
				p.assign(f, parseNumber(v.raw))
				return p.skipUnit(j + 1)
			case rtNeg:
				p.hasLabel, p.hasNumber = true, true
				p.faultGot(CodeNegative, v.raw)
				return j + 1
			case rtDec:
				p.hasLabel, p.hasNumber = true, true
				p.faultGot(CodeNotNumber, v.raw)
				return j + 1
			case rtWord, rtSym:
				if _, n := p.labelAt(j); n == 0 && v.fold != "lop" {
					if m, _ := p.matchClass(j); m == 0 {
						p.hasLabel, p.unknown = true, true
						p.faultGot(CodeNotNumber, v.raw)
						return j + 1
					}
				}
			}
		}
		e := p.newError(CodeMissingNumber)
		e.Field, e.Got = f, label
		p.fault(e)
		return j
	}
	switch t.kind {
	case rtNum:
		p.hasNumber = true
		if p.decimalAt(i) {
			p.faultDecimal(i)
			return p.skipUnit(i + 2)
		}
		n := parseNumber(t.raw)
		if p.chain[i] == 2 && !p.pairedBefore(i) {
			den := parseNumber(p.toks[i+2].raw)
			n.ratio = &den
			p.positional = append(p.positional, n)
			return p.skipUnit(i + 3)
		}
		p.positional = append(p.positional, n)
		return p.skipUnit(i + 1)
	case rtNeg:
		p.hasNumber = true
		p.faultGot(CodeNegative, t.raw)
	case rtDec:
		p.hasNumber = true
		p.faultGot(CodeNotNumber, t.raw)
	case rtJoin:
	case rtSym:
		p.unknown = true
		p.faultGot(CodeNotNumber, t.raw)
	case rtWord:
		if isFiller(t.fold) {
			return i + 1
		}
		if f, v, ok := splitLabel(t.fold); ok {
			p.hasLabel, p.hasNumber = true, true
			if p.decimalAt(i) {
				p.faultDecimal(i)
				return p.skipUnit(i + 2)
			}
			p.assign(f, parseNumber(v))
			return p.skipUnit(i + 1)
		}
		if t.fold == "lop" {
			if p.class != "" && i+1 < len(p.toks) {
				e := p.newError(CodeDuplicate)
				e.Field = FieldClass
				p.fault(e)
			}
			return p.classSlot(i+1, true)
		}
		if p.class == "" {
			if n, set := p.matchClass(i); n > 0 && len(set) == 1 {
				p.class = set[0]
				return i + n
			}
		}
		p.unknown = true
		p.faultGot(CodeNotNumber, t.raw)
	}
	return i + 1
}

// decimalAt reports whether the figure at i and the token after it are one
// number with a decimal comma, "30,5": a comma with a digit right on each
// side joins exactly these two. A longer run joined the same way,
// "42,30,8", is a list of figures, and a comma followed by a space always
// separates.
func (p *parser) decimalAt(i int) bool {
	return !p.toks[i].comma && i+1 < len(p.toks) && p.toks[i+1].comma &&
		(i+2 >= len(p.toks) || !p.toks[i+2].comma)
}

// faultDecimal records the decimal figure at i as a fault.
func (p *parser) faultDecimal(i int) {
	whole := p.toks[i].raw
	k := len(whole)
	for k > 0 && isDigit(rune(whole[k-1])) {
		k--
	}
	frac := p.toks[i+1].raw
	n := 0
	for n < len(frac) && isDigit(rune(frac[n])) {
		n++
	}
	p.faultGot(CodeDecimal, whole[k:]+","+frac[:n])
}

// pairedBefore reports whether the number at i is the second of an a/b pair.
func (p *parser) pairedBefore(i int) bool {
	return i >= 2 && p.toks[i-2].kind == rtNum && p.toks[i-1].kind == rtJoin && p.toks[i-1].raw == "/"
}

func (p *parser) faultGot(code ErrorCode, got string) {
	e := p.newError(code)
	e.Got = got
	p.fault(e)
}

func (p *parser) assign(f Field, n number) {
	if p.fields[f] != nil {
		e := p.newError(CodeDuplicate)
		e.Field = f
		p.fault(e)
		return
	}
	p.fields[f] = &n
}

// skipFiller skips filler words ("đã", "là") from i.
func (p *parser) skipFiller(i int) int {
	for i < len(p.toks) && p.toks[i].kind == rtWord && isFiller(p.toks[i].fold) {
		i++
	}
	return i
}

// isFiller reports whether a folded word carries no meaning in a
// report: "đã tham gia 30", "sĩ số là 42".
func isFiller(fold string) bool {
	switch fold {
	case "da", "la", "duoc", "gom":
		return true
	}
	return false
}

// skipUnit skips a unit after a figure: "em", "hs", "học sinh".
func (p *parser) skipUnit(i int) int {
	if i < len(p.toks) && !p.toks[i].hard && p.toks[i].kind == rtWord {
		switch p.toks[i].fold {
		case "em", "hs":
			return i + 1
		case "hoc":
			if i+1 < len(p.toks) && p.toks[i+1].fold == "sinh" && !p.toks[i+1].hard {
				return i + 2
			}
		}
	}
	return i
}

// labelAt matches a field label at i and returns its field and length.
func (p *parser) labelAt(i int) (Field, int) {
	for _, l := range labels {
		if i+len(l.words) > len(p.toks) {
			continue
		}
		ok := true
		for k, w := range l.words {
			t := p.toks[i+k]
			if t.kind != rtWord || t.fold != w || (k > 0 && t.hard) {
				ok = false
				break
			}
		}
		if ok {
			return l.field, len(l.words)
		}
	}
	return FieldNone, 0
}

// splitLabel splits a label glued to its figure: "ss42", "khac8".
func splitLabel(fold string) (Field, string, bool) {
	i := strings.IndexFunc(fold, isDigit)
	if i <= 0 || strings.IndexFunc(fold[i:], func(r rune) bool { return !isDigit(r) }) >= 0 {
		return FieldNone, "", false
	}
	for _, l := range labels {
		if len(l.words) == 1 && l.words[0] == fold[:i] {
			return l.field, fold[i:], true
		}
	}
	return FieldNone, "", false
}

// matchClass finds the longest run of tokens from i whose key names one of
// the teacher's classes: "6A", "6 A", "lớp6a", "6/1", "10A-1". It returns
// the run's length and the classes it names.
func (p *parser) matchClass(i int) (int, []string) {
	best, bestSet := 0, []string(nil)
	key, strict := "", ""
	for j := i; j < len(p.toks) && j < i+6; j++ {
		t := p.toks[j]
		if j > i && t.hard {
			break
		}
		switch t.kind {
		case rtWord, rtNum:
			if j > i {
				prev := p.toks[j-1]
				if prev.kind != rtJoin && endsDigit(prev.fold) && startsDigit(t.fold) {
					return best, bestSet
				}
			}
			key += classKey(t.fold)
			strict += strings.ToLower(t.raw)
		case rtJoin:
			if j == i {
				return best, bestSet
			}
			continue
		default:
			return best, bestSet
		}
		if set := p.byKey[key]; len(set) > 0 {
			best, bestSet = j-i+1, p.refine(set, strict)
		}
	}
	return best, bestSet
}

// refine narrows classes that fold alike ("6Đ", "6D") to the one spelled
// exactly as typed, ignoring case and separators, if there is one.
func (p *parser) refine(set []string, typed string) []string {
	if len(set) < 2 {
		return set
	}
	typed = classKey(typed)
	var exact []string
	for _, c := range set {
		if classKey(strings.ToLower(c)) == typed {
			exact = append(exact, c)
		}
	}
	if len(exact) == 1 {
		return exact
	}
	return set
}

func endsDigit(s string) bool   { return s != "" && isDigit(rune(s[len(s)-1])) }
func startsDigit(s string) bool { return s != "" && isDigit(rune(s[0])) }

// classSlot reads the class at i, where one may stand (the start of the
// report, or after "lớp"), and returns the index after it.
func (p *parser) classSlot(i int, lop bool) int {
	if i >= len(p.toks) {
		return i
	}
	if n, set := p.matchClass(i); n > 0 {
		if len(set) > 1 {
			e := p.newError(CodeAmbiguousClass)
			e.Got, e.Classes, e.Class = joinRaw(p.toks[i:i+n]), set, set[0]
			p.fault(e)
			return i + n
		}
		p.class = set[0]
		return i + n
	}
	t := p.toks[i]
	switch {
	case t.kind == rtWord:
		if _, n := p.labelAt(i); n > 0 && !lop {
			return i
		}
		if _, _, ok := splitLabel(t.fold); ok && !lop {
			return i
		}
		if !lop && !p.explicit && !classLike(classKey(t.fold)) {
			return i
		}
	case t.kind == rtNum && lop:
	default:
		return i
	}
	n := 1
	if t.kind == rtNum && i+1 < len(p.toks) {
		if next := p.toks[i+1]; next.kind == rtWord && !next.hard && utf8.RuneCountInString(next.fold) <= 2 && !startsDigit(next.fold) {
			n = 2
		}
	}
	got := joinRaw(p.toks[i : i+n])
	key := ""
	for _, t := range p.toks[i : i+n] {
		key += classKey(t.fold)
	}
	var cands []string
	for k, set := range p.byKey {
		if key != "" && len(k) > len(key) && strings.HasPrefix(k, key) && isDigit(rune(k[len(key)-1])) != isDigit(rune(k[len(key)])) {
			cands = append(cands, set...)
		}
	}
	switch {
	case len(cands) == 1:
		p.class = cands[0]
	case len(cands) > 1:
		sortByTeacher(cands, p.classes)
		e := p.newError(CodeAmbiguousClass)
		e.Got, e.Classes, e.Class = got, cands, cands[0]
		p.fault(e)
	default:
		p.faultGot(CodeUnknownClass, got)
	}
	return i + n
}

// sortByTeacher orders names as they appear in the teacher's classes.
func sortByTeacher(names, classes []string) {
	pos := make(map[string]int, len(classes))
	for i, c := range classes {
		pos[c] = i
	}
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && pos[names[j]] < pos[names[j-1]]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}

// classLike reports whether a class key looks like a Vietnamese class name:
// a grade of one or two digits, one to three letters, up to two digits.
func classLike(k string) bool {
	i := 0
	for i < len(k) && isDigit(rune(k[i])) {
		i++
	}
	if i < 1 || i > 2 {
		return false
	}
	j := i
	for j < len(k) && k[j] >= 'a' && k[j] <= 'z' {
		j++
	}
	if j-i < 1 || j-i > 3 {
		return false
	}
	l := j
	for l < len(k) && isDigit(rune(k[l])) {
		l++
	}
	return l == len(k) && l-j <= 2
}

func joinRaw(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && (t.space || t.hard) {
			b.WriteByte(' ')
		}
		b.WriteString(t.raw)
	}
	return b.String()
}

// finish assigns the figures to fields, checks the class and the bounds.
func (p *parser) finish() (Input, error) {
	if p.class == "" {
		if len(p.classes) != 1 {
			return Input{}, p.newError(CodeClassMissing)
		}
		p.class = p.classes[0]
	}
	labelled := p.fields[FieldEnrolment] != nil || p.fields[FieldThroughSchool] != nil || p.fields[FieldOther] != nil
	if len(p.positional) == 1 && p.positional[0].ratio != nil && !labelled {
		return p.finishRatio(p.positional[0], *p.positional[0].ratio)
	}
	var figures []number
	for _, n := range p.positional {
		if n.ratio != nil {
			den := *n.ratio
			n.ratio = nil
			figures = append(figures, n, den)
			continue
		}
		figures = append(figures, n)
	}
	for _, n := range figures {
		f := FieldEnrolment
		for f <= FieldOther && p.fields[f] != nil {
			f++
		}
		if f > FieldOther {
			e := p.newError(CodeTooManyNumbers)
			e.Got = n.raw
			return Input{}, e
		}
		p.fields[f] = &n
	}
	enrol, through, other := p.fields[FieldEnrolment], p.fields[FieldThroughSchool], p.fields[FieldOther]
	switch {
	case enrol == nil && through == nil && other == nil:
		return Input{}, p.newError(CodeNoNumbers)
	case enrol == nil:
		e := p.newError(CodeMissingNumber)
		e.Field = FieldEnrolment
		return Input{}, e
	case through == nil:
		e := p.newError(CodeMissingNumber)
		e.Field = FieldThroughSchool
		return Input{}, e
	}
	if other == nil {
		other = &number{raw: "0"}
	}
	if enrol.val < MinEnrolment || enrol.val > MaxEnrolment {
		e := p.newError(CodeEnrolmentRange)
		e.Got = enrol.raw
		return Input{}, e
	}
	for _, n := range []*number{through, other} {
		if n.val == hugeNumber {
			e := p.newError(CodeExceedsEnrolment)
			e.Got, e.Enrolment = n.raw, enrol.val
			return Input{}, e
		}
	}
	if through.val+other.val > enrol.val {
		e := p.newError(CodeExceedsEnrolment)
		e.Enrolment, e.ThroughSchool, e.Other = enrol.val, through.val, other.val
		return Input{}, e
	}
	return Input{Class: p.class, Enrolment: enrol.val, ThroughSchool: through.val, Other: other.val}, nil
}

func (p *parser) finishRatio(insured, enrol number) (Input, error) {
	if enrol.val < MinEnrolment || enrol.val > MaxEnrolment {
		e := p.newError(CodeEnrolmentRange)
		e.Got, e.Ratio = enrol.raw, true
		return Input{}, e
	}
	if insured.val > enrol.val {
		e := p.newError(CodeExceedsEnrolment)
		e.Enrolment, e.ThroughSchool, e.Ratio = enrol.val, insured.val, true
		if insured.val == hugeNumber {
			e.Got = insured.raw
		}
		return Input{}, e
	}
	return Input{Class: p.class, Enrolment: enrol.val, ThroughSchool: insured.val, InsuredOnly: true}, nil
}
