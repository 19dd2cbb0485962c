package roster

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Excel saves "CSV" with semicolons where the decimal mark is a comma (Vietnamese
// settings); such a file reads as the comma one does.
func TestSemicolonCSV(t *testing.T) {
	want, err := ReadCSV(strings.NewReader(goodCSV))
	if err != nil {
		t.Fatal(err)
	}
	semi := "\ufeff" + strings.ReplaceAll(strings.ReplaceAll(goodCSV, ",", ";"), "\n", "\r\n")
	got, err := ReadFile("danh sách.csv", []byte(semi))
	if err != nil {
		t.Fatalf("semicolon CSV: %v", err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("semicolon CSV read as\n%v\nwant\n%v", got, want)
	}
	// A comma inside a field of a semicolon file is part of the field.
	withComma := strings.ReplaceAll(header, ",", ";") + "Sóc Trăng / Mỹ Tú;Trường THCS Mỹ Tú;6B;40;Lê Văn Hùng, GVCN;;\n"
	rows, err := ReadCSV(strings.NewReader(withComma))
	if err != nil || len(rows) != 1 || rows[0].TeacherName != "Lê Văn Hùng, GVCN" {
		t.Errorf("comma in a semicolon file: %+v %v", rows, err)
	}
}

// A row with a field too few or too many has its columns shifted: it is an error, named
// with its line, and nothing is imported.
func TestRowWithMissingOrExtraColumns(t *testing.T) {
	tests := []struct {
		name, csv string
		line      int
		want      string
	}{
		{"missing", header + "Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6B,40,Lê Văn Hùng\n", 2, "dòng có 5 cột nhưng tiêu đề có 7: thiếu cột"},
		{"extra", header + "Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,1,Nguyễn Thị Lan,Trần Văn An,Con,1\n", 2, "dòng có 8 cột nhưng tiêu đề có 7: thừa cột"},
		{"extra empty", goodCSV + "Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6C,40,Lê Văn Hùng,,,\n", 7, "thừa cột"},
		{"semicolon missing", strings.ReplaceAll(header, ",", ";") + "Sóc Trăng / Mỹ Tú;Trường THCS Mỹ Tú;6B;40\n", 2, `thiếu cột; ô trống vẫn cần dấu ";", ví dụ: Sóc Trăng / Mỹ Tú;Trường THCS Mỹ Tú;6B;40;Lê Văn Hùng;;`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tt.csv))
			var errs Errors
			if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Line != tt.line || !strings.Contains(errs[0].Msg, tt.want) {
				t.Fatalf("got %v, want one error on line %d with %q", err, tt.line, tt.want)
			}
		})
	}
}

// A spreadsheet leaves out empty cells at the end of a row, so only a filled cell right
// of the header is an extra column.
func TestXLSXExtraCell(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"area", "school", "class", "enrolment", "teacher_name", "student_name", "student_no"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"Sóc Trăng / Mỹ Tú", "Trường THCS Mỹ Tú", "6B", 40, "Lê Văn Hùng"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"Sóc Trăng / Mỹ Tú", "Trường THCS Mỹ Tú", "6C", 40, "Lê Văn Hùng", "", "", "ghi chú"})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile("roster.xlsx", buf.Bytes())
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Line != 3 || errs[0].Column != "H" || !strings.Contains(errs[0].Msg, "thừa cột") {
		t.Fatalf("got %v, want one extra-column error at H3", err)
	}
}

func TestErrorsInLineOrder(t *testing.T) {
	csv := header +
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,3,Nguyễn Thị Lan,Trần Văn An,1\n" + // line 2: 6A lists 2 of 3 pupils
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,3,Nguyễn Thị Lan,Lê Thị Bình,2\n" +
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,7A,abc,Cô Hoa,,\n" + // line 4: enrolment
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,7B,40,Cô Hoa,,,\n" + // line 5: extra column
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,7C,40,Cô Hoa,,\n" +
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,7C,41,Cô Hoa,,\n" // line 7: enrolment differs
	_, err := ReadCSV(strings.NewReader(csv))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want Errors, got %v", err)
	}
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
	}
	if fmt.Sprint(lines) != "[2 4 5 7]" {
		t.Fatalf("error lines %v, want [2 4 5 7]:\n%v", lines, err)
	}
}

// Class names compare without regard to case, in one file and against the database.
func TestClassNamesIgnoreCase(t *testing.T) {
	st := openStore(t)
	mixed := header +
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6B,2,Lê Văn Hùng,Trần Văn An,1\n" +
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6b,2,Lê Văn Hùng,Lê Thị Bình,2\n"
	sum, err := importCSV(t, st, mixed)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Classes != (Counts{Added: 1}) || sum.Pupils != (Counts{Added: 2}) {
		t.Fatalf("6B and 6b in one file: %+v", sum)
	}
	sum, err = importCSV(t, st, strings.ReplaceAll(mixed, ",6B,", ",6b,"))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Classes != (Counts{Unchanged: 1}) || sum.Pupils != (Counts{Unchanged: 2}) {
		t.Fatalf("6b after 6B: %+v", sum)
	}
	if _, c, p := counts(t, st); c != 1 || p != 2 {
		t.Fatalf("%d classes, %d pupils, want 1 and 2", c, p)
	}
}
