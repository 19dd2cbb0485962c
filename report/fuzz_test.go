package report

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fuzzClassSets are the teachers' class lists the fuzz target picks from.
var fuzzClassSets = [][]string{
	nil,
	{"6A"},
	{"6A", "7B"},
	{"10A1", "10A2"},
	{"6/1", "6/2"},
	{"Lớp 6A", "6"},
	{"6Đ", "6D"},
}

func FuzzParse(f *testing.F) {
	for i, s := range []string{
		"/baocao 6A 42 30 8", "6A: ss 42, tr 30, khac 8", "/baocao 6A 38/42", "/baocao",
		"báo cáo lớp 6A sĩ số 42 qua trường 30 khác 8", "xin chào", "/baocao@bot 10a1 40 39",
	} {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, text string, set uint8) {
		classes := fuzzClassSets[int(set)%len(fuzzClassSets)]
		in, ok, err := Parse(text, classes)
		checkResult(t, text, classes, in, ok, err)
		if !utf8.ValidString(text) {
			return
		}
		for _, form := range []norm.Form{norm.NFC, norm.NFD} {
			in2, ok2, err2 := Parse(form.String(text), classes)
			if in2 != in || ok2 != ok || errText(err2) != errText(err) {
				t.Fatalf("Parse(%q) = %+v, %v, %v but its %v form gives %+v, %v, %v",
					text, in, ok, err, form, in2, ok2, err2)
			}
		}
	})
}

func checkResult(t *testing.T, text string, classes []string, in Input, ok bool, err error) {
	t.Helper()
	var re *Error
	switch {
	case ok:
		if err != nil {
			t.Fatalf("Parse(%q) ok with error %v", text, err)
		}
		if !slices.Contains(classes, in.Class) ||
			in.Enrolment < MinEnrolment || in.Enrolment > MaxEnrolment ||
			in.ThroughSchool < 0 || in.Other < 0 || in.ThroughSchool+in.Other > in.Enrolment ||
			(in.InsuredOnly && in.Other != 0) {
			t.Fatalf("Parse(%q, %q) = %+v out of bounds", text, classes, in)
		}
	case err == nil:
		if in != (Input{}) {
			t.Fatalf("Parse(%q) not a report but returned %+v", text, in)
		}
	case errors.Is(err, ErrGuided):
		if in.Class != "" && !slices.Contains(classes, in.Class) || in.Enrolment != 0 || in.ThroughSchool != 0 || in.Other != 0 {
			t.Fatalf("Parse(%q) guided with %+v", text, in)
		}
	case errors.As(err, &re):
		msg := re.Error()
		if in != (Input{}) || msg == "" || !strings.Contains(msg, "Ví dụ") || !utf8.ValidString(msg) {
			t.Fatalf("Parse(%q) = %+v, %q", text, in, msg)
		}
		if len(classes) > 0 && re.Code != CodeAmbiguousClass {
			ex, _, _ := strings.Cut(re.Example(), " (")
			if in, ok, err := Parse(ex, classes); !ok || in.Class != re.Class {
				t.Fatalf("example %q of %q does not parse for %q: %+v, %v", ex, msg, classes, in, err)
			}
		}
	default:
		t.Fatalf("Parse(%q) returned an unexpected error %T %v", text, err, err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
