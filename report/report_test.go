package report

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestParse(t *testing.T) {
	one := []string{"6A"}
	two := []string{"6A", "7B"}
	tenth := []string{"10A1", "10A2"}
	slashed := []string{"6/1", "6/2"}
	named := []string{"Lớp 6A"}
	collide := []string{"6Đ", "6D"}
	r := func(class string, enrol, through, other int) Input {
		return Input{Class: class, Enrolment: enrol, ThroughSchool: through, Other: other}
	}
	ratio := func(class string, insured, enrol int) Input {
		return Input{Class: class, Enrolment: enrol, ThroughSchool: insured, InsuredOnly: true}
	}
	const (
		notReport = ErrorCode(-1)
		guided    = ErrorCode(-2)
	)
	tests := []struct {
		name    string
		text    string
		classes []string
		want    Input     // for a valid report, or the class returned with ErrGuided
		code    ErrorCode // 0 for a valid report
		got     string    // Error.Got, checked when not empty
	}{
		// valid: each grammar form
		{"command four numbers", "/baocao 6A 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"command three numbers", "/baocao 6A 42 30", two, r("6A", 42, 30, 0), 0, ""},
		{"ratio", "/baocao 6A 38/42", two, ratio("6A", 38, 42), 0, ""},
		{"ratio spaced", "/baocao 6A 38 / 42", two, ratio("6A", 38, 42), 0, ""},
		{"ratio full", "/baocao 6A 42/42", one, ratio("6A", 42, 42), 0, ""},
		{"labelled colon commas", "6A: ss 42, tr 30, khac 8", two, r("6A", 42, 30, 8), 0, ""},
		{"labelled equals", "6a ss=42 tr=30 khác=8", two, r("6A", 42, 30, 8), 0, ""},
		{"labelled any order", "6A khac 8 tr 30 ss 42", two, r("6A", 42, 30, 8), 0, ""},
		{"labelled long names", "báo cáo lớp 6A sĩ số 42 qua trường 30 khác 8", two, r("6A", 42, 30, 8), 0, ""},
		{"labelled no diacritics", "bao cao lop 6a si so 42 qua truong 30 doi tuong khac 8", two, r("6A", 42, 30, 8), 0, ""},
		{"labelled dt khac", "6A ss 42 truong 30 dt khac 8", two, r("6A", 42, 30, 8), 0, ""},
		{"labelled đối tượng khác", "Lớp 6A: Sĩ số: 42; Qua trường: 30; Đối tượng khác: 8", two, r("6A", 42, 30, 8), 0, ""},
		{"labelled glued", "6A ss42 tr30 khac8", two, r("6A", 42, 30, 8), 0, ""},
		{"labelled other omitted", "6A ss 42 tr 30", two, r("6A", 42, 30, 0), 0, ""},
		{"labelled then positional", "6A ss 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"BAO CAO upper", "BAO CAO lop 6A 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"báo cáo colon", "Báo cáo: 6A, 42, 30, 8", two, r("6A", 42, 30, 8), 0, ""},
		{"bot username", "/baocao@bhyt_bot 6A 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"command upper", "/BAOCAO 6a 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"separators", "/baocao 6A; 42; 30; 8", two, r("6A", 42, 30, 8), 0, ""},
		{"slash chain", "/baocao 6A 42/30/8", two, r("6A", 42, 30, 8), 0, ""},
		{"extra spaces tabs nbsp", "  /baocao \t 6A\u00A0\u00A042   30  8  ", two, r("6A", 42, 30, 8), 0, ""},
		{"newlines", "6A\nss 42\ntr 30\nkhac 8", two, r("6A", 42, 30, 8), 0, ""},
		{"zero other and through", "/baocao 6A 42 0 0", one, r("6A", 42, 0, 0), 0, ""},
		{"full coverage", "/baocao 6A 42 40 2", one, r("6A", 42, 40, 2), 0, ""},
		{"leading zeros", "/baocao 6A 042 030 008", one, r("6A", 42, 30, 8), 0, ""},
		{"bounds 200", "/baocao 6A 200 150 50", one, r("6A", 200, 150, 50), 0, ""},
		{"bounds 1", "/baocao 6A 1 1", one, r("6A", 1, 1, 0), 0, ""},
		{"fillers", "Lớp 6A: sĩ số là 42, đã tham gia 30, khác 8", two, r("6A", 42, 30, 8), 0, ""},
		{"units", "6A sĩ số 42 em, qua trường 30 hs, khác 8 học sinh", one, r("6A", 42, 30, 8), 0, ""},
		{"politeness", "Dạ lớp 6A ss 42 tr 30 khác 8 ạ", one, r("6A", 42, 30, 8), 0, ""},
		{"trailing emoji", "6A 42 30 8 🙏", one, r("6A", 42, 30, 8), 0, ""},
		{"trailing dot", "/baocao 6A 42 30 8.", one, r("6A", 42, 30, 8), 0, ""},
		// the command glued to the class or figures, or spelled in capitals
		{"glued words", "baocao6A 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"glued command", "/baocao6B 40 30 5", []string{"6A", "6B"}, r("6B", 40, 30, 5), 0, ""},
		{"glued upper", "BAOCAO6A 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"spaced upper", "BAOCAO 6A 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"glued command upper", "/BAOCAO6a 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"glued diacritics", "báo cáo6A 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"glued lớp", "baocaolop6a 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"glued lớp spaced", "/baocaolớp 6A 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"glued class and enrolment", "/baocao6a42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"glued class and enrolment spaced command", "/baocao 6A42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"glued class and chain", "/baocao6A42/30/8", two, r("6A", 42, 30, 8), 0, ""},
		{"glued class and ratio", "/baocao 6a38/42", two, ratio("6A", 38, 42), 0, ""},
		{"glued lớp class and enrolment", "lớp6a42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"glued class only", "/baocao6B", []string{"6A", "6B"}, Input{Class: "6B"}, guided, ""},
		{"glued one class figures", "/baocao42 30 8", one, r("6A", 42, 30, 8), 0, ""},
		{"glued other word", "baocaoxong 42 30 8", two, Input{}, notReport, ""},
		{"glued other command", "/baocaoabc", two, Input{}, notReport, ""},
		{"glued class ending in digit", "/baocao10a142 30 8", tenth, Input{}, CodeGlued, "10a142"},
		{"glued class ending in digit implicit", "10A238/42", tenth, Input{}, CodeGlued, "10A238"},
		{"glued class two readings", "/baocao 6a142 30 8", []string{"6A", "6A1"}, Input{}, CodeGlued, "6a142"},
		{"glued class ending in digit bad figures", "/baocao10a142 30 80", tenth, Input{}, CodeExceedsEnrolment, ""},
		// a comma between digits: a decimal in a pair, a list in a longer run
		{"decimal comma", "6B 40 30,5", []string{"6A", "6B"}, Input{}, CodeDecimal, "30,5"},
		{"decimal comma command", "/baocao 6A 42 30,5", two, Input{}, CodeDecimal, "30,5"},
		{"decimal comma enrolment", "/baocao 6A 42,5 30", two, Input{}, CodeDecimal, "42,5"},
		{"decimal comma after comma list", "6B 40, 30,5", []string{"6A", "6B"}, Input{}, CodeDecimal, "30,5"},
		{"decimal comma labelled", "6A ss 40 tr 30,5", two, Input{}, CodeDecimal, "30,5"},
		{"decimal comma glued label", "6A ss40 tr30,5", two, Input{}, CodeDecimal, "30,5"},
		{"decimal comma zero", "/baocao 6A 40 30,0", two, Input{}, CodeDecimal, "30,0"},
		{"decimal comma pair alone", "/baocao 6A 42,30", two, Input{}, CodeDecimal, "42,30"},
		{"decimal comma full-width", "/baocao 6A 42 30，5", two, Input{}, CodeDecimal, "30,5"},
		{"comma list", "6A 42,30,8", two, r("6A", 42, 30, 8), 0, ""},
		{"comma list command", "/baocao 6A 42,30,8", two, r("6A", 42, 30, 8), 0, ""},
		{"comma list spaced", "6A 42, 30, 8", two, r("6A", 42, 30, 8), 0, ""},
		{"comma space pair", "/baocao 6A 42 30, 8", two, r("6A", 42, 30, 8), 0, ""},
		{"comma space before", "/baocao 6A 42 30 ,8", two, r("6A", 42, 30, 8), 0, ""},
		{"comma list too long", "/baocao 6A 42,30,8,5", two, Input{}, CodeTooManyNumbers, "5"},
		{"decimal comma chit-chat", "5,5 phút nữa em gửi", two, Input{}, notReport, ""},
		// class spelling
		{"class lower", "/baocao 6a 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"class lớp", "/baocao lớp 6A 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"class lop", "/baocao lop 6a 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"class split", "/baocao 6 A 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"class glued lop", "/baocao lop6a 42 30 8", two, r("6A", 42, 30, 8), 0, ""},
		{"class full-width", "/baocao ６Ａ ４２ ３０ ８", two, r("6A", 42, 30, 8), 0, ""},
		{"full-width all", "／ｂａｏｃａｏ　６Ａ　４２／４５", two, ratio("6A", 42, 45), 0, ""},
		{"class with digits", "/baocao 10A1 42 30 8", tenth, r("10A1", 42, 30, 8), 0, ""},
		{"class with digits lower", "10a2: ss 40 tr 39", tenth, r("10A2", 40, 39, 0), 0, ""},
		{"class with digits split", "/baocao 10 A2 40 39", tenth, r("10A2", 40, 39, 0), 0, ""},
		{"class unique prefix", "/baocao 10A 40 39", []string{"10A1"}, r("10A1", 40, 39, 0), 0, ""},
		{"class with slash", "/baocao 6/1 42 30 8", slashed, r("6/1", 42, 30, 8), 0, ""},
		{"class with slash ratio", "/baocao lớp 6/2 38/42", slashed, ratio("6/2", 38, 42), 0, ""},
		{"canonical with lớp", "/baocao 6a 42 30 8", named, r("Lớp 6A", 42, 30, 8), 0, ""},
		{"class at end", "ss 42 tr 30 khac 8 lớp 7B", two, r("7B", 42, 30, 8), 0, ""},
		{"class đ", "/baocao 6đ 42 30 8", []string{"6Đ"}, r("6Đ", 42, 30, 8), 0, ""},
		// one class may omit it
		{"omitted command", "/baocao 42 30 8", one, r("6A", 42, 30, 8), 0, ""},
		{"omitted labelled", "ss 42 tr 30 khac 8", one, r("6A", 42, 30, 8), 0, ""},
		{"omitted ratio", "38/42", one, ratio("6A", 38, 42), 0, ""},
		{"omitted bare numbers", "42 30 8", one, r("6A", 42, 30, 8), 0, ""},
		// diacritics and normal forms
		{"NFD", norm.NFD.String("báo cáo lớp 6A sĩ số 42 qua trường 30 khác 8"), two, r("6A", 42, 30, 8), 0, ""},
		{"NFD labels", norm.NFD.String("6A: Sĩ Số 42, Qua Trường 30, Đối Tượng Khác 8"), two, r("6A", 42, 30, 8), 0, ""},
		{"NFD class", norm.NFD.String("/baocao 6đ 42 30 8"), []string{"6Đ"}, r("6Đ", 42, 30, 8), 0, ""},
		{"mixed case", "BáO CáO LớP 6a Sĩ Số 42 QUA TRƯỜNG 30 KHÁC 8", two, r("6A", 42, 30, 8), 0, ""},
		// guided
		{"guided alone", "/baocao", two, Input{}, guided, ""},
		{"guided bot username", "/baocao@bhyt_bot", two, Input{}, guided, ""},
		{"guided one class", "/baocao", one, Input{Class: "6A"}, guided, ""},
		{"guided with class", "/baocao 7b", two, Input{Class: "7B"}, guided, ""},
		{"guided words", "báo cáo", two, Input{}, guided, ""},
		// not a report
		{"chit-chat hello", "xin chào", two, Input{}, notReport, ""},
		{"chit-chat thanks", "Cảm ơn thầy ạ", two, Input{}, notReport, ""},
		{"chit-chat number", "5 phút nữa em gửi", two, Input{}, notReport, ""},
		{"chit-chat class", "Lớp 6A hôm nay nghỉ 3 em", two, Input{}, notReport, ""},
		{"chit-chat báo cáo", "em sẽ báo cáo sau", two, Input{}, notReport, ""},
		{"báo cáo sentence", "báo cáo xong rồi", two, Input{}, notReport, ""},
		{"other command", "/start abc", two, Input{}, notReport, ""},
		{"other command with number", "/help 42", two, Input{}, notReport, ""},
		{"empty", "", two, Input{}, notReport, ""},
		{"emoji only", "👍", two, Input{}, notReport, ""},
		{"class only", "6A", two, Input{}, notReport, ""},
		{"long chit-chat", strings.Repeat("xin chào ", 200), two, Input{}, notReport, ""},
		// errors
		{"no classes", "/baocao 6A 42 30 8", nil, Input{}, CodeNoClasses, ""},
		{"no classes guided", "/baocao", nil, Input{}, CodeNoClasses, ""},
		{"no classes labelled", "ss 42 tr 30", nil, Input{}, CodeNoClasses, ""},
		{"class missing", "/baocao 42 30 8", two, Input{}, CodeClassMissing, ""},
		{"class missing labelled", "ss 42 tr 30 khac 8", two, Input{}, CodeClassMissing, ""},
		{"unknown class", "/baocao 8C 42 30 8", two, Input{}, CodeUnknownClass, "8C"},
		{"unknown class implicit", "9B: ss 42 tr 30", one, Input{}, CodeUnknownClass, "9B"},
		{"unknown class after lớp", "/baocao lớp 7 42 30 8", one, Input{}, CodeUnknownClass, "7"},
		{"unknown class word", "/baocao abc 42 30 8", one, Input{}, CodeUnknownClass, "abc"},
		{"ambiguous prefix", "/baocao 10A 42 30 8", tenth, Input{}, CodeAmbiguousClass, "10A"},
		{"ambiguous after lớp", "/baocao lớp 6 42 30 8", two[:1:1], r("6A", 42, 30, 8), 0, ""},
		{"ambiguous grade", "/baocao lớp 6 42 30 8", []string{"6A", "6B"}, Input{}, CodeAmbiguousClass, "6"},
		{"ambiguous folding", "/baocao 6 đ 42 30 8", []string{"6Đ", "6D", "6đ"}, Input{}, CodeAmbiguousClass, "6 đ"},
		{"folding exact wins", "/baocao 6d 42 30 8", collide, r("6D", 42, 30, 8), 0, ""},
		{"folding exact wins đ", "/baocao lớp 6Đ 42 30 8", collide, r("6Đ", 42, 30, 8), 0, ""},
		{"no numbers labels only", "/baocao 6A ss tr khac", two, Input{}, CodeMissingNumber, "ss"},
		{"no numbers", "/baocao 6A lớp", two, Input{}, CodeNoNumbers, ""},
		{"missing through", "/baocao 6A 42", two, Input{}, CodeMissingNumber, ""},
		{"missing enrolment labelled", "6A tr 30 khac 8", two, Input{}, CodeMissingNumber, ""},
		{"label without number", "6A ss 42 tr khac 8", two, Input{}, CodeMissingNumber, "tr"},
		{"too many numbers", "/baocao 6A 42 30 8 5", two, Input{}, CodeTooManyNumbers, "5"},
		{"ratio and numbers", "/baocao 6A 38/42 5 6", two, Input{}, CodeTooManyNumbers, "6"},
		{"two ratios", "/baocao 6A 38/42 40/42", two, Input{}, CodeTooManyNumbers, "42"},
		{"not a number word", "/baocao 6A 42 ba 8", two, Input{}, CodeNotNumber, "ba"},
		{"not a number decimal", "/baocao 6A 42 30.5 8", two, Input{}, CodeNotNumber, "30.5"},
		{"not a number emoji", "/baocao 6A 42 😀 8", two, Input{}, CodeNotNumber, "😀"},
		{"not a number control", "/baocao 6A 42 \x07 8", two, Input{}, CodeNotNumber, "\x07"},
		{"not a number labelled", "6A ss 42 tr 30 khac tám", two, Input{}, CodeNotNumber, "tám"},
		{"not a number other digits", "/baocao 6A ٤٢ 30 8", two, Input{}, CodeNotNumber, "٤٢"},
		{"negative", "/baocao 6A 42 -3 8", two, Input{}, CodeNegative, "-3"},
		{"negative labelled", "6A ss 42 tr 30 khac=-1", two, Input{}, CodeNegative, "-1"},
		{"negative unicode minus", "/baocao 6A 42 30 −2", two, Input{}, CodeNegative, "-2"},
		{"enrolment too big", "/baocao 6A 250 30 8", two, Input{}, CodeEnrolmentRange, "250"},
		{"enrolment zero", "/baocao 6A 0 0 0", two, Input{}, CodeEnrolmentRange, "0"},
		{"enrolment huge", "/baocao 6A 99999999999999999999999 30 8", two, Input{}, CodeEnrolmentRange, "99999999999999999999999"},
		{"ratio enrolment too big", "/baocao 6A 38/420", two, Input{}, CodeEnrolmentRange, "420"},
		{"exceeds", "/baocao 6A 42 40 8", two, Input{}, CodeExceedsEnrolment, ""},
		{"exceeds through", "/baocao 6A 42 43", two, Input{}, CodeExceedsEnrolment, ""},
		{"exceeds ratio", "/baocao 6A 45/42", two, Input{}, CodeExceedsEnrolment, ""},
		{"exceeds huge", "/baocao 6A 42 30 88888888888888888888", two, Input{}, CodeExceedsEnrolment, "88888888888888888888"},
		{"duplicate field", "6A ss 42 ss 40 tr 30", two, Input{}, CodeDuplicate, ""},
		{"duplicate class", "/baocao lớp 6A lớp 7B 42 30 8", two, Input{}, CodeDuplicate, ""},
		{"too long", "/baocao 6A 42 30 8 " + strings.Repeat("x", 1000), two, Input{}, CodeTooLong, ""},
		{"too long digits", strings.Repeat("1 ", 600), two, Input{}, CodeTooLong, ""},
		{"too long bytes", strings.Repeat("9", 100000), two, Input{}, CodeTooLong, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, ok, err := Parse(tt.text, tt.classes)
			switch tt.code {
			case 0:
				if err != nil || !ok || in != tt.want {
					t.Fatalf("Parse(%q) = %+v, %v, %v; want %+v, true, nil", tt.text, in, ok, err, tt.want)
				}
				return
			case notReport:
				if err != nil || ok || in != (Input{}) {
					t.Fatalf("Parse(%q) = %+v, %v, %v; want not a report", tt.text, in, ok, err)
				}
				return
			case guided:
				if !errors.Is(err, ErrGuided) || ok || in != tt.want {
					t.Fatalf("Parse(%q) = %+v, %v, %v; want %+v, false, ErrGuided", tt.text, in, ok, err, tt.want)
				}
				return
			}
			var re *Error
			if !errors.As(err, &re) || ok || in != (Input{}) {
				t.Fatalf("Parse(%q) = %+v, %v, %v; want a *Error %v", tt.text, in, ok, err, tt.code)
			}
			if re.Code != tt.code {
				t.Fatalf("Parse(%q) code = %v (%v), want %v", tt.text, re.Code, err, tt.code)
			}
			if tt.got != "" && re.Got != tt.got {
				t.Errorf("Parse(%q) Got = %q, want %q", tt.text, re.Got, tt.got)
			}
			checkMessage(t, re)
		})
	}
}

// checkMessage asserts that a message is Vietnamese with an example, and
// that the example parses for the teacher's classes.
func checkMessage(t *testing.T, re *Error) {
	t.Helper()
	msg := re.Error()
	if msg == "" || !strings.Contains(msg, "Ví dụ") || !strings.ContainsAny(msg, "ạảãàáâậầấẩẫăắằặẳẵđêếềệểễôốồộổỗơớờợởỡưứừựửữìíịỉĩòóọỏõùúụủũỳýỵỷỹ") {
		t.Errorf("message %q is not Vietnamese with an example", msg)
	}
	if !strings.Contains(msg, re.Example()) {
		t.Errorf("message %q lacks its example %q", msg, re.Example())
	}
	if len(re.Classes) == 0 || re.Code == CodeAmbiguousClass {
		return
	}
	ex, _, _ := strings.Cut(re.Example(), " (")
	in, ok, err := Parse(ex, re.Classes)
	if !ok || err != nil || in.Class != re.Class {
		t.Errorf("example %q does not parse for %v: %+v, %v, %v", ex, re.Classes, in, ok, err)
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Code: CodeEnrolmentRange, Got: "250", Class: "6A"},
			"Sĩ số phải từ 1 đến 200, thầy/cô gửi 250. Ví dụ đúng: /baocao 6A 42 30 8 (sĩ số 42, tham gia qua trường 30, đối tượng khác 8)"},
		{&Error{Code: CodeUnknownClass, Got: "7B", Classes: []string{"6A"}, Class: "6A"},
			"Lớp “7B” không phải lớp thầy/cô chủ nhiệm (lớp của thầy/cô: 6A). Ví dụ đúng: /baocao 6A 42 30 8 (sĩ số 42, tham gia qua trường 30, đối tượng khác 8)"},
		{&Error{Code: CodeExceedsEnrolment, Enrolment: 42, ThroughSchool: 40, Other: 8, Class: "6A"},
			"Số học sinh có thẻ BHYT (qua trường 40 + đối tượng khác 8 = 48) không được lớn hơn sĩ số 42. Ví dụ đúng: /baocao 6A 42 30 8 (sĩ số 42, tham gia qua trường 30, đối tượng khác 8)"},
		{&Error{Code: CodeExceedsEnrolment, Enrolment: 42, ThroughSchool: 45, Ratio: true, Class: "6A"},
			"Số học sinh có thẻ BHYT (45) không được lớn hơn sĩ số (42). Ví dụ đúng: /baocao 6A 38/42 (38 học sinh có thẻ BHYT trên sĩ số 42)"},
		{&Error{Code: CodeDecimal, Got: "30,5", Class: "6B"},
			"“30,5” là số lẻ: số học sinh phải là số nguyên. Nếu đó là hai số, hãy cách nhau bằng dấu cách. Ví dụ đúng: /baocao 6B 42 30 8 (sĩ số 42, tham gia qua trường 30, đối tượng khác 8)"},
		{&Error{Code: CodeGlued, Got: "10a142", Class: "10A1", Fixed: "/baocao 10A1 42 30 8"},
			"Tên lớp và sĩ số viết liền nhau (“10a142”) nên dễ nhầm lớp: hãy cách tên lớp và các số bằng dấu cách. Ví dụ đúng: /baocao 10A1 42 30 8"},
		{&Error{Code: CodeNotNumber, Got: "a\x00b"},
			"Không hiểu “a\uFFFDb”: ở đây cần một số nguyên, chỉ gồm chữ số 0–9. Ví dụ đúng: /baocao 6A 42 30 8 (sĩ số 42, tham gia qua trường 30, đối tượng khác 8)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q\nwant      %q", got, tt.want)
		}
	}
	for c := CodeTooLong; c <= CodeGlued; c++ {
		e := &Error{Code: c, Classes: []string{"6A", "7B"}, Class: "7B"}
		checkMessage(t, e)
		if strings.HasPrefix(c.String(), "report_error_") {
			t.Errorf("code %d has no name", c)
		}
	}
}
