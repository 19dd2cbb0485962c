package commands

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
	// MaxReportRunes is the longest report text accepted, in runes after NFC.
	MaxReportRunes = 1000
	// MinEnrolment and MaxEnrolment bound a class's enrolment (sĩ số).
	MinEnrolment = 1
	MaxEnrolment = 200

	// maxReportBytes rejects absurd inputs before any normalisation work; it
	// is far above what MaxReportRunes allows in any normal form.
	reportMaxBytes = 64 << 10
	// maxDigits is the most significant digits kept when reading a number;
	// longer numbers are out of every bound and are kept only as typed.
	reportMaxDigits = 6
	// hugeNumber stands for a number with more than maxDigits digits.
	reportHugeNumber = 1_000_000
)

// ErrGuided is returned by ParseReport for "/baocao" without figures: the
// caller starts the guided flow with buttons. The ReportInput returned with it
// carries the class when it is known (named in the message, or the teacher's
// only class) and is otherwise zero.
var ErrGuided = errors.New("commands: guided report requested")

// ReportInput is a parsed report.
type ReportInput struct {
	Class         string // the teacher's class name exactly as given in classes (canonical), "" if none matched
	Enrolment     int    // sĩ số
	ThroughSchool int    // insured through school
	Other         int    // insured under other categories (đối tượng khác)
	InsuredOnly   bool   // form "38/42": only the total insured is known; ThroughSchool holds it, Other 0
}

// ReportErrorCode says what was wrong with a report attempt.
type ReportErrorCode int

// Report error codes.
const (
	CodeTooLong          ReportErrorCode = iota + 1 // text longer than MaxReportRunes
	CodeNoClasses                                   // the teacher has no class
	CodeClassMissing                                // no class named and the teacher has several
	CodeUnknownClass                                // the class named is not one of the teacher's
	CodeAmbiguousClass                              // the class named matches several of the teacher's
	CodeNoNumbers                                   // no figure at all
	CodeMissingNumber                               // a required figure (or the figure after a label) is missing
	CodeTooManyNumbers                              // more figures than the report has fields
	CodeNotNumber                                   // something that is not a whole number where a figure belongs
	CodeNegative                                    // a negative figure
	CodeEnrolmentRange                              // enrolment outside MinEnrolment..MaxEnrolment
	CodeExceedsEnrolment                            // insured (through school + other) above enrolment
	CodeDuplicate                                   // the same field given twice
)

var reportCodeNames = map[ReportErrorCode]string{
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
}

// String returns a stable snake_case name for logs and metrics.
func (c ReportErrorCode) String() string {
	if s, ok := reportCodeNames[c]; ok {
		return s
	}
	return "report_error_" + strconv.Itoa(int(c))
}

// ReportField names a part of a report.
type ReportField int

// Report fields.
const (
	FieldNone ReportField = iota
	FieldClass
	FieldEnrolment
	FieldThroughSchool
	FieldOther
)

// ReportError is a fault in a report attempt. Error returns a Vietnamese
// message for the teacher that says what was wrong and shows a correct
// example for their class.
type ReportError struct {
	Code          ReportErrorCode
	Field         ReportField // the field concerned (missing, duplicate), if any
	Got           string      // the offending text as typed, if any
	Enrolment     int         // for CodeExceedsEnrolment
	ThroughSchool int         // for CodeExceedsEnrolment (the insured total in the a/b form)
	Other         int         // for CodeExceedsEnrolment
	Classes       []string    // the teacher's classes, or the candidates for CodeAmbiguousClass
	Class         string      // the class used in the example ("" for a generic one)
	Ratio         bool        // the teacher used the insured/enrolment form
}

// Example returns a correct report message for the error's class, in the
// form the teacher used.
func (e *ReportError) Example() string {
	class := e.Class
	if class == "" {
		class = "6A"
	}
	if e.Ratio {
		return "/baocao " + class + " 38/42 (38 học sinh có thẻ BHYT trên sĩ số 42)"
	}
	return "/baocao " + class + " 42 30 8 (sĩ số 42, tham gia qua trường 30, đối tượng khác 8)"
}

// Error returns the message for the teacher, in Vietnamese.
func (e *ReportError) Error() string {
	var msg string
	got := reportDisplay(e.Got)
	switch e.Code {
	case CodeTooLong:
		msg = "Tin nhắn quá dài (" + got + " ký tự, tối đa " + vntext.FormatInt(MaxReportRunes) + "). Hãy gửi báo cáo ngắn gọn theo mẫu."
	case CodeNoClasses:
		return "Bạn chưa được giao lớp chủ nhiệm nào nên chưa thể báo cáo. Hãy nhờ nhà trường gửi mã mời giáo viên chủ nhiệm. Ví dụ báo cáo khi đã có lớp: " + e.Example()
	case CodeClassMissing:
		msg = "Bạn chủ nhiệm nhiều lớp (" + reportListClasses(e.Classes, ", ") + "), hãy ghi rõ tên lớp cần báo cáo."
	case CodeUnknownClass:
		if len(e.Classes) == 1 {
			msg = "Lớp “" + got + "” không phải lớp bạn chủ nhiệm (lớp của bạn: " + e.Classes[0] + ")."
		} else {
			msg = "Lớp “" + got + "” không có trong các lớp bạn chủ nhiệm (" + reportListClasses(e.Classes, ", ") + ")."
		}
	case CodeAmbiguousClass:
		msg = "“" + got + "” có thể là lớp " + reportListClasses(e.Classes, " hoặc ") + ", hãy ghi đủ tên lớp."
	case CodeNoNumbers:
		msg = "Chưa có số liệu: cần sĩ số, số tham gia BHYT qua trường và số đối tượng khác (nếu có)."
	case CodeMissingNumber:
		if e.Got != "" {
			msg = "Thiếu số sau “" + got + "” (" + reportFieldName(e.Field) + ")."
		} else {
			msg = "Thiếu " + reportFieldName(e.Field) + ": cần sĩ số, số tham gia BHYT qua trường và số đối tượng khác (nếu có)."
		}
	case CodeTooManyNumbers:
		msg = "Thừa số “" + got + "”: chỉ cần sĩ số, số tham gia qua trường và số đối tượng khác, hoặc dạng số có thẻ/sĩ số."
	case CodeNotNumber:
		msg = "Không hiểu “" + got + "”: ở đây cần một số nguyên, chỉ gồm chữ số 0–9."
	case CodeNegative:
		msg = "Số liệu không được âm, bạn gửi “" + got + "”."
	case CodeEnrolmentRange:
		msg = "Sĩ số phải từ " + strconv.Itoa(MinEnrolment) + " đến " + strconv.Itoa(MaxEnrolment) + ", bạn gửi " + got + "."
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
		msg = reportCapitalize(reportFieldName(e.Field)) + " được ghi hai lần, hãy ghi mỗi mục một lần."
	default:
		msg = "Báo cáo chưa đúng mẫu."
	}
	return msg + " Ví dụ đúng: " + e.Example()
}

func reportFieldName(f ReportField) string {
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

func reportCapitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// reportListClasses joins class names for a message, shortening long lists.
func reportListClasses(classes []string, sep string) string {
	const max = 8
	if len(classes) > max {
		return strings.Join(classes[:max], ", ") + "…"
	}
	return strings.Join(classes, sep)
}

// reportDisplay makes typed text safe to quote back: non-graphic runes become
// U+FFFD and long text is shortened.
func reportDisplay(s string) string {
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

// ParseReport parses text sent by a teacher whose classes are classes
// (canonical names like "6A", "10A1"). It returns (input, true, nil) for a
// valid report; (ReportInput{}, false, nil) when the text is clearly not a
// report attempt, so the caller can answer something else; ErrGuided for
// "/baocao" (or "báo cáo") without figures; and a *ReportError for an
// attempt with a fault.
//
// Accepted, with or without diacritics, in any case, NFC or NFD, with
// full-width characters and the separators , ; : = / and extra spaces:
//
//	/baocao 6A 42 30 8           class, enrolment, through school, other
//	/baocao 6A 42 30             other = 0
//	/baocao 6A 38/42             insured / enrolment
//	6A: ss 42, tr 30, khac 8     labelled fields, in any order
//	báo cáo lớp 6A sĩ số 42 qua trường 30 khác 8
//	/baocao@botname 6A 42 30 8   as Telegram sends commands in groups
//	/baocao 42 30 8              a teacher with one class may omit it
//
// Without "/baocao" or "báo cáo" a text is a report attempt only if it has a
// figure and either a field label or nothing but a class and figures; so
// chat like "xin chào" or "5 phút nữa em gửi" is not a report.
func ParseReport(text string, classes []string) (ReportInput, bool, error) {
	classes = reportDistinct(classes)
	if len(text) > reportMaxBytes {
		return reportTooLong(text, utf8.RuneCountInString(text), classes)
	}
	s := strings.TrimSpace(vntext.NFC(vntext.Narrow(strings.ToValidUTF8(text, "\uFFFD"))))
	if n := utf8.RuneCountInString(s); n > MaxReportRunes {
		return reportTooLong(s, n, classes)
	}
	body, command, explicit := reportSplitCommand(s)
	if command && !explicit {
		return ReportInput{}, false, nil
	}
	p := newReportParser(reportTokenize(body), classes, explicit)
	p.parse()

	switch {
	case explicit && (p.empty || p.classOnly):
		if len(classes) == 0 {
			return ReportInput{}, false, p.newError(CodeNoClasses)
		}
		class := p.class
		if class == "" && len(classes) == 1 {
			class = classes[0]
		}
		return ReportInput{Class: class}, false, ErrGuided
	case explicit && !command && !p.hasNumber:
		return ReportInput{}, false, nil // "báo cáo" in a sentence
	case !explicit && (!p.hasNumber || (p.unknown && !p.hasLabel)):
		return ReportInput{}, false, nil
	}
	if len(classes) == 0 {
		return ReportInput{}, false, p.newError(CodeNoClasses)
	}
	if p.err != nil {
		return ReportInput{}, false, p.err
	}
	in, err := p.finish()
	if err != nil {
		return ReportInput{}, false, err
	}
	return in, true, nil
}

// reportTooLong answers an over-long text: an error if it looks like a report
// (a figure or the report command), otherwise not a report.
func reportTooLong(s string, runes int, classes []string) (ReportInput, bool, error) {
	head := s
	if len(head) > 256 {
		head = head[:256]
	}
	head = strings.TrimSpace(vntext.NFC(vntext.Narrow(strings.ToValidUTF8(head, "\uFFFD"))))
	_, _, explicit := reportSplitCommand(head)
	hasDigit := strings.ContainsFunc(s, func(r rune) bool {
		return (r >= '0' && r <= '9') || (r >= '０' && r <= '９')
	})
	if !explicit && !hasDigit {
		return ReportInput{}, false, nil
	}
	e := &ReportError{Code: CodeTooLong, Got: vntext.FormatInt(runes), Classes: classes}
	if len(classes) > 0 {
		e.Class = classes[0]
	}
	return ReportInput{}, false, e
}

func reportDistinct(classes []string) []string {
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

// reportSplitCommand recognises the report command at the start of s: "/baocao"
// (optionally "@botname"), or the words "báo cáo" in any spelling. command
// reports that s starts with a slash command; explicit that it is the
// report command or words; body is what follows.
func reportSplitCommand(s string) (body string, command, explicit bool) {
	rest := s
	if strings.HasPrefix(rest, "/") {
		r, _ := utf8.DecodeRuneInString(rest[1:])
		if unicode.IsLetter(r) {
			command = true
			rest = rest[1:]
		}
	}
	after, ok := reportCutBaoCao(rest)
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

// reportCutBaoCao removes a leading "baocao", "bao cao" or "bao_cao" (any case,
// any diacritics) followed by a word boundary.
func reportCutBaoCao(s string) (string, bool) {
	const want = "baocao"
	k := 0
	for i, r := range s {
		if k == len(want) {
			if reportIsWordRune(r) {
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

type reportTokKind uint8

const (
	rtWord reportTokKind = iota // letters, maybe with digits: "6A", "lớp", "ss42"
	rtNum                       // ASCII digits
	rtNeg                       // a minus sign and ASCII digits
	rtDec                       // digits with dots: "4.5"
	rtJoin                      // a lone "/", "-" or "."
	rtSym                       // a run of anything else: emoji, control characters, "@"
)

type reportToken struct {
	kind  reportTokKind
	raw   string // as typed (NFC, narrowed)
	fold  string // vntext.Fold(raw)
	hard  bool   // a hard separator (, ; : = ...) comes before it
	space bool   // white space comes before it
}

func reportIsWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
}

func reportIsDigit(r rune) bool { return r >= '0' && r <= '9' }

func reportIsMinus(r rune) bool { return r == '-' || r == '−' || r == '–' }

func reportIsHardSep(r rune) bool {
	return strings.ContainsRune(",;:=()[]{}\"'“”‘’!?…", r)
}

func reportIsIgnorable(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD':
		return true
	}
	return false
}

func reportIsSymRune(r rune) bool {
	return !unicode.IsSpace(r) && r != '_' && !reportIsIgnorable(r) && !reportIsHardSep(r) &&
		!unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '/' && r != '.' && !reportIsMinus(r)
}

// reportIsDecoration reports whether a symbol run is only emoji-like symbols, as
// teachers end messages with (🙏, 👍️), and not control characters.
func reportIsDecoration(raw string) bool {
	for _, r := range raw {
		if !unicode.In(r, unicode.So, unicode.Sk, unicode.Mn, unicode.Me) {
			return false
		}
	}
	return true
}

func reportTokenize(s string) []reportToken {
	rs := []rune(s)
	var toks []reportToken
	hard, space := false, false
	emit := func(k reportTokKind, raw string) {
		f := raw
		if k == rtWord {
			f = vntext.Fold(raw)
		}
		toks = append(toks, reportToken{kind: k, raw: raw, fold: f, hard: hard, space: space})
		hard, space = false, false
	}
	// word returns the end of the word run starting at i; dots count when
	// they stand between two ASCII digits.
	word := func(i int) int {
		for i < len(rs) {
			r := rs[i]
			if reportIsWordRune(r) || (r == '.' && i > 0 && reportIsDigit(rs[i-1]) && i+1 < len(rs) && reportIsDigit(rs[i+1])) {
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
		case reportIsIgnorable(r):
			i++
		case reportIsHardSep(r):
			hard = true
			i++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := word(i)
			emit(reportClassify(rs[i:j]), string(rs[i:j]))
			i = j
		case reportIsMinus(r) && (i == 0 || !reportIsWordRune(rs[i-1])) && i+1 < len(rs) && reportIsDigit(rs[i+1]):
			j := word(i + 1)
			switch reportClassify(rs[i+1 : j]) {
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
		case r == '/' || r == '.' || reportIsMinus(r):
			emit(rtJoin, string(r))
			i++
		default:
			j := i
			for j < len(rs) && reportIsSymRune(rs[j]) {
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

func reportClassify(rs []rune) reportTokKind {
	dots := false
	for _, r := range rs {
		switch {
		case reportIsDigit(r):
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

// reportLabels are the field labels, as sequences of folded words, longest first.
var reportLabels = []struct {
	words []string
	field ReportField
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

// reportNumber is a figure as typed.
type reportNumber struct {
	raw   string
	val   int
	ratio *reportNumber // in "a/b", this number is a and ratio is b
}

func reportParseNumber(raw string) reportNumber {
	d := strings.TrimLeft(raw, "0")
	if len(d) > reportMaxDigits {
		return reportNumber{raw: raw, val: reportHugeNumber}
	}
	v := 0
	for _, r := range d {
		v = v*10 + int(r-'0')
	}
	return reportNumber{raw: raw, val: v}
}

type reportParser struct {
	toks     []reportToken
	classes  []string
	byKey    map[string][]string // compact folded name → canonical classes
	explicit bool

	class      string
	fields     [5]*reportNumber // indexed by ReportField
	positional []reportNumber
	chain      []int // for each token: the count of numbers in its a/b/c chain

	err       *ReportError
	empty     bool // nothing after the command
	classOnly bool // nothing but a class that was matched
	hasNumber bool
	hasLabel  bool // a label followed by a figure
	unknown   bool // a word or symbol that is neither class, label nor figure
}

func newReportParser(toks []reportToken, classes []string, explicit bool) *reportParser {
	p := &reportParser{toks: reportTrimFiller(toks), classes: classes, explicit: explicit, byKey: map[string][]string{}}
	for _, c := range classes {
		k := reportClassKey(vntext.Fold(c))
		if k == "" {
			continue
		}
		p.byKey[k] = append(p.byKey[k], c)
	}
	return p
}

// reportClassKey is the matching key of a folded class name: letters and digits
// only, without a leading "lop".
func reportClassKey(fold string) string {
	var b strings.Builder
	for _, r := range fold {
		if reportIsWordRune(r) && !unicode.IsMark(r) {
			b.WriteRune(r)
		}
	}
	k := b.String()
	for _, lop := range []string{"lop", "lớp"} {
		if rest, ok := strings.CutPrefix(k, lop); ok && reportStartsDigit(rest) {
			k = rest
		}
	}
	return k
}

// reportTrimFiller drops politeness particles at the ends ("dạ ... ạ", "nhé") and
// trailing punctuation.
func reportTrimFiller(toks []reportToken) []reportToken {
	for len(toks) > 0 {
		t := toks[len(toks)-1]
		if t.kind == rtJoin || (t.kind == rtWord && reportIsParticle(t.raw)) || (t.kind == rtSym && reportIsDecoration(t.raw)) {
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

func reportIsParticle(raw string) bool {
	switch strings.ToLower(raw) {
	case "ạ", "nhé", "nhe", "nha", "nhá":
		return true
	}
	return false
}

func (p *reportParser) fault(e *ReportError) {
	if p.err == nil {
		p.err = e
	}
}

// newError returns an error of the code filled with the teacher's classes
// and the class for the example.
func (p *reportParser) newError(code ReportErrorCode) *ReportError {
	e := &ReportError{Code: code, Classes: p.classes, Class: p.class}
	if e.Class == "" && len(p.classes) > 0 {
		e.Class = p.classes[0]
	}
	return e
}

func (p *reportParser) parse() {
	p.empty = len(p.toks) == 0
	p.chains()
	i := 0
	lop := false
	if i < len(p.toks) && p.toks[i].kind == rtWord && p.toks[i].fold == "lop" {
		lop = true
		i++
	}
	i = p.classSlot(i, lop)
	p.classOnly = p.class != "" && p.err == nil && i >= len(p.toks)
	for i < len(p.toks) {
		i = p.step(i)
	}
}

// chains records, for every number, how many numbers its "a/b/c" chain holds.
func (p *reportParser) chains() {
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
func (p *reportParser) step(i int) int {
	t := p.toks[i]
	if f, n := p.labelAt(i); n > 0 {
		label := reportJoinRaw(p.toks[i : i+n])
		j := p.skipFiller(i + n)
		if j < len(p.toks) {
			switch v := p.toks[j]; v.kind {
			case rtNum:
				p.hasLabel, p.hasNumber = true, true
				p.assign(f, reportParseNumber(v.raw))
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
		n := reportParseNumber(t.raw)
		if p.chain[i] == 2 && !p.pairedBefore(i) {
			den := reportParseNumber(p.toks[i+2].raw)
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
		if reportIsFiller(t.fold) {
			return i + 1
		}
		if f, v, ok := reportSplitLabel(t.fold); ok {
			p.hasLabel, p.hasNumber = true, true
			p.assign(f, reportParseNumber(v))
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

// pairedBefore reports whether the number at i is the second of an a/b pair.
func (p *reportParser) pairedBefore(i int) bool {
	return i >= 2 && p.toks[i-2].kind == rtNum && p.toks[i-1].kind == rtJoin && p.toks[i-1].raw == "/"
}

func (p *reportParser) faultGot(code ReportErrorCode, got string) {
	e := p.newError(code)
	e.Got = got
	p.fault(e)
}

func (p *reportParser) assign(f ReportField, n reportNumber) {
	if p.fields[f] != nil {
		e := p.newError(CodeDuplicate)
		e.Field = f
		p.fault(e)
		return
	}
	p.fields[f] = &n
}

// skipFiller skips filler words ("đã", "là") from i.
func (p *reportParser) skipFiller(i int) int {
	for i < len(p.toks) && p.toks[i].kind == rtWord && reportIsFiller(p.toks[i].fold) {
		i++
	}
	return i
}

// reportIsFiller reports whether a folded word carries no meaning in a
// report: "đã tham gia 30", "sĩ số là 42".
func reportIsFiller(fold string) bool {
	switch fold {
	case "da", "la", "duoc", "gom":
		return true
	}
	return false
}

// skipUnit skips a unit after a figure: "em", "hs", "học sinh".
func (p *reportParser) skipUnit(i int) int {
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
func (p *reportParser) labelAt(i int) (ReportField, int) {
	for _, l := range reportLabels {
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

// reportSplitLabel splits a label glued to its figure: "ss42", "khac8".
func reportSplitLabel(fold string) (ReportField, string, bool) {
	i := strings.IndexFunc(fold, reportIsDigit)
	if i <= 0 || strings.IndexFunc(fold[i:], func(r rune) bool { return !reportIsDigit(r) }) >= 0 {
		return FieldNone, "", false
	}
	for _, l := range reportLabels {
		if len(l.words) == 1 && l.words[0] == fold[:i] {
			return l.field, fold[i:], true
		}
	}
	return FieldNone, "", false
}

// matchClass finds the longest run of tokens from i whose key names one of
// the teacher's classes: "6A", "6 A", "lớp6a", "6/1", "10A-1". It returns
// the run's length and the classes it names.
func (p *reportParser) matchClass(i int) (int, []string) {
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
				if prev.kind != rtJoin && reportEndsDigit(prev.fold) && reportStartsDigit(t.fold) {
					return best, bestSet
				}
			}
			key += reportClassKey(t.fold)
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
func (p *reportParser) refine(set []string, typed string) []string {
	if len(set) < 2 {
		return set
	}
	typed = reportClassKey(typed)
	var exact []string
	for _, c := range set {
		if reportClassKey(strings.ToLower(c)) == typed {
			exact = append(exact, c)
		}
	}
	if len(exact) == 1 {
		return exact
	}
	return set
}

func reportEndsDigit(s string) bool   { return s != "" && reportIsDigit(rune(s[len(s)-1])) }
func reportStartsDigit(s string) bool { return s != "" && reportIsDigit(rune(s[0])) }

// classSlot reads the class at i, where one may stand (the start of the
// report, or after "lớp"), and returns the index after it.
func (p *reportParser) classSlot(i int, lop bool) int {
	if i >= len(p.toks) {
		return i
	}
	if n, set := p.matchClass(i); n > 0 {
		if len(set) > 1 {
			e := p.newError(CodeAmbiguousClass)
			e.Got, e.Classes, e.Class = reportJoinRaw(p.toks[i:i+n]), set, set[0]
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
		if _, _, ok := reportSplitLabel(t.fold); ok && !lop {
			return i
		}
		if !lop && !p.explicit && !reportClassLike(reportClassKey(t.fold)) {
			return i
		}
	case t.kind == rtNum && lop:
	default:
		return i
	}
	n := 1
	if t.kind == rtNum && i+1 < len(p.toks) {
		if next := p.toks[i+1]; next.kind == rtWord && !next.hard && utf8.RuneCountInString(next.fold) <= 2 && !reportStartsDigit(next.fold) {
			n = 2
		}
	}
	got := reportJoinRaw(p.toks[i : i+n])
	key := ""
	for _, t := range p.toks[i : i+n] {
		key += reportClassKey(t.fold)
	}
	var cands []string
	for k, set := range p.byKey {
		if key != "" && len(k) > len(key) && strings.HasPrefix(k, key) && reportIsDigit(rune(k[len(key)-1])) != reportIsDigit(rune(k[len(key)])) {
			cands = append(cands, set...)
		}
	}
	switch {
	case len(cands) == 1:
		p.class = cands[0]
	case len(cands) > 1:
		reportSortByTeacher(cands, p.classes)
		e := p.newError(CodeAmbiguousClass)
		e.Got, e.Classes, e.Class = got, cands, cands[0]
		p.fault(e)
	default:
		p.faultGot(CodeUnknownClass, got)
	}
	return i + n
}

// reportSortByTeacher orders names as they appear in the teacher's classes.
func reportSortByTeacher(names, classes []string) {
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

// reportClassLike reports whether a class key looks like a Vietnamese class name:
// a grade of one or two digits, one to three letters, up to two digits.
func reportClassLike(k string) bool {
	i := 0
	for i < len(k) && reportIsDigit(rune(k[i])) {
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
	for l < len(k) && reportIsDigit(rune(k[l])) {
		l++
	}
	return l == len(k) && l-j <= 2
}

func reportJoinRaw(toks []reportToken) string {
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
func (p *reportParser) finish() (ReportInput, error) {
	if p.class == "" {
		if len(p.classes) != 1 {
			return ReportInput{}, p.newError(CodeClassMissing)
		}
		p.class = p.classes[0]
	}
	labelled := p.fields[FieldEnrolment] != nil || p.fields[FieldThroughSchool] != nil || p.fields[FieldOther] != nil
	if len(p.positional) == 1 && p.positional[0].ratio != nil && !labelled {
		return p.finishRatio(p.positional[0], *p.positional[0].ratio)
	}
	var figures []reportNumber
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
			return ReportInput{}, e
		}
		p.fields[f] = &n
	}
	enrol, through, other := p.fields[FieldEnrolment], p.fields[FieldThroughSchool], p.fields[FieldOther]
	switch {
	case enrol == nil && through == nil && other == nil:
		return ReportInput{}, p.newError(CodeNoNumbers)
	case enrol == nil:
		e := p.newError(CodeMissingNumber)
		e.Field = FieldEnrolment
		return ReportInput{}, e
	case through == nil:
		e := p.newError(CodeMissingNumber)
		e.Field = FieldThroughSchool
		return ReportInput{}, e
	}
	if other == nil {
		other = &reportNumber{raw: "0"}
	}
	if enrol.val < MinEnrolment || enrol.val > MaxEnrolment {
		e := p.newError(CodeEnrolmentRange)
		e.Got = enrol.raw
		return ReportInput{}, e
	}
	for _, n := range []*reportNumber{through, other} {
		if n.val == reportHugeNumber {
			e := p.newError(CodeExceedsEnrolment)
			e.Got, e.Enrolment = n.raw, enrol.val
			return ReportInput{}, e
		}
	}
	if through.val+other.val > enrol.val {
		e := p.newError(CodeExceedsEnrolment)
		e.Enrolment, e.ThroughSchool, e.Other = enrol.val, through.val, other.val
		return ReportInput{}, e
	}
	return ReportInput{Class: p.class, Enrolment: enrol.val, ThroughSchool: through.val, Other: other.val}, nil
}

func (p *reportParser) finishRatio(insured, enrol reportNumber) (ReportInput, error) {
	if enrol.val < MinEnrolment || enrol.val > MaxEnrolment {
		e := p.newError(CodeEnrolmentRange)
		e.Got, e.Ratio = enrol.raw, true
		return ReportInput{}, e
	}
	if insured.val > enrol.val {
		e := p.newError(CodeExceedsEnrolment)
		e.Enrolment, e.ThroughSchool, e.Ratio = enrol.val, insured.val, true
		if insured.val == reportHugeNumber {
			e.Got = insured.raw
		}
		return ReportInput{}, e
	}
	return ReportInput{Class: p.class, Enrolment: enrol.val, ThroughSchool: insured.val, InsuredOnly: true}, nil
}
