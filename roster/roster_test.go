package roster

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

const header = "area,school,class,enrolment,teacher_name,student_name,student_no\n"

const goodCSV = header +
	"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,3,Nguyễn Thị Lan,Trần Văn An,1\n" +
	"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,3,Nguyễn Thị Lan,Lê Thị Bình,2\n" +
	"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,3,Nguyễn Thị Lan,Phạm Minh Châu,3\n" +
	"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6B,40,Lê Văn Hùng,,\n" +
	"Sóc Trăng / Long Hưng,Trường TH Long Hưng,1A,35,Trần Thị Mai,,\n"

func openStore(t *testing.T) *storage.Store {
	t.Helper()
	st, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func importCSV(t *testing.T, st *storage.Store, csv string) (Summary, error) {
	t.Helper()
	rows, err := ReadFile("roster.csv", []byte(csv))
	if err != nil {
		return Summary{}, err
	}
	return Import(context.Background(), st, "2025-2026", rows)
}

func counts(t *testing.T, st *storage.Store) (areas, classes, pupils int) {
	t.Helper()
	ctx := context.Background()
	st.View(ctx, func(tx *storage.Tx) error {
		as, _ := tx.Areas(ctx)
		areas = len(as)
		cs, _ := tx.ClassesUnder(ctx, "Sóc Trăng", "2025-2026")
		classes = len(cs)
		for _, c := range cs {
			ss, _ := tx.StudentsOfClass(ctx, c.ID)
			pupils += len(ss)
		}
		return nil
	})
	return
}

func TestImportGoodCSVTwice(t *testing.T) {
	st := openStore(t)
	sum, err := importCSV(t, st, goodCSV)
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Areas: Counts{Added: 3}, Schools: Counts{Added: 2}, Classes: Counts{Added: 3}, Pupils: Counts{Added: 3}}
	if !sameCounts(sum, want) {
		t.Fatalf("first import: %+v", sum)
	}
	sum, err = importCSV(t, st, goodCSV)
	if err != nil {
		t.Fatal(err)
	}
	want = Summary{Areas: Counts{Unchanged: 3}, Schools: Counts{Unchanged: 2}, Classes: Counts{Unchanged: 3}, Pupils: Counts{Unchanged: 3}}
	if !sameCounts(sum, want) {
		t.Fatalf("second import: %+v", sum)
	}
	if a, c, p := counts(t, st); a != 3 || c != 3 || p != 3 {
		t.Fatalf("rows: areas %d classes %d pupils %d", a, c, p)
	}
	if !strings.Contains(sum.String(), "unchanged 3") {
		t.Fatalf("summary: %s", sum)
	}
}

func TestImportXLSX(t *testing.T) {
	f := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(goodCSV), "\n") {
		for j, cell := range strings.Split(line, ",") {
			name, _ := excelize.CoordinatesToCellName(j+1, i+1)
			var v any = cell
			if j == 3 && i > 0 { // numbers as numbers, as spreadsheets store them
				v = map[string]int{"3": 3, "40": 40, "35": 35}[cell]
			}
			f.SetCellValue("Sheet1", name, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadFile("roster.XLSX", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	sum, err := Import(context.Background(), st, "2025-2026", rows)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Classes.Added != 3 || sum.Pupils.Added != 3 {
		t.Fatalf("xlsx import: %+v", sum)
	}
}

func TestBOMCRLFSpacesAndNFD(t *testing.T) {
	st := openStore(t)
	messy := "\ufeff" + strings.ReplaceAll(norm.NFD.String(goodCSV), "\n", "\r\n")
	messy = strings.Replace(messy, "Lê Văn Hùng", "  Lê   Văn Hùng ", 1)
	if _, err := importCSV(t, st, messy); err != nil {
		t.Fatal(err)
	}
	sum, err := importCSV(t, st, goodCSV) // NFC the second time: the same areas, schools, classes
	if err != nil {
		t.Fatal(err)
	}
	if sum.Areas.Added+sum.Schools.Added+sum.Classes.Added+sum.Classes.Updated+sum.Pupils.Added != 0 {
		t.Fatalf("NFD then NFC made new rows: %+v", sum)
	}
	ctx := context.Background()
	st.View(ctx, func(tx *storage.Tx) error {
		a, err := tx.AreaByPath(ctx, "Sóc Trăng / Mỹ Tú")
		if err != nil || a.Name != "Mỹ Tú" || !norm.NFC.IsNormalString(a.Path) {
			t.Fatalf("area stored: %+v %v", a, err)
		}
		return nil
	})
}

func TestDuplicateRowsCollapse(t *testing.T) {
	st := openStore(t)
	lines := strings.Split(goodCSV, "\n")
	dup := goodCSV + lines[1] + "\n" + lines[4] + "\n"
	sum, err := importCSV(t, st, dup)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Pupils.Added != 3 || sum.Classes.Added != 3 {
		t.Fatalf("duplicates: %+v", sum)
	}
}

func TestFiveBadRowsAllReportedNothingWritten(t *testing.T) {
	st := openStore(t)
	bad := goodCSV +
		",Trường THCS Mỹ Tú,7A,40,Cô Hoa,,\n" + // line 7: area empty
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,7B,abc,Cô Hoa,,\n" + // line 8: enrolment not a number
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,7C,250,Cô Hoa,,\n" + // line 9: enrolment out of range
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6A,3,Nguyễn Thị Lan,Hồ Văn Dũng,x\n" + // line 10: student_no
		"Sóc Trăng / Mỹ Tú,Trường THCS Mỹ Tú,6B,40,Lê Văn Hùng,Võ Thị Em,1\n" // line 11: class both ways
	_, err := importCSV(t, st, bad)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want Errors, got %v", err)
	}
	want := []struct {
		line int
		col  string
	}{{7, "area"}, {8, "enrolment"}, {9, "enrolment"}, {10, "student_no"}, {11, ""}}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors:\n%v", len(errs), err)
	}
	for i, w := range want {
		if errs[i].Line != w.line || errs[i].Column != w.col || errs[i].Msg == "" {
			t.Errorf("error %d: %+v, want line %d column %q", i, errs[i], w.line, w.col)
		}
	}
	if a, c, p := counts(t, st); a+c+p != 0 {
		t.Fatalf("bad file wrote rows: %d %d %d", a, c, p)
	}
}

func TestRowErrors(t *testing.T) {
	tests := []struct {
		name, csv, want string
	}{
		{"missing column", "area,school,class,enrolment,teacher_name,student_name\n", "thiếu cột"},
		{"unknown column", header[:len(header)-1] + ",phone\n", "phone"},
		{"empty file", "", "tiêu đề"},
		{"roster shorter than enrolment", header + "A,T,6A,2,GV,Em,1\n", "danh sách có 1 học sinh"},
		{"number reused", header + "A,T,6A,2,GV,Em,1\nA,T,6A,2,GV,Anh,1\n", "đã dùng"},
		{"teacher differs", header + "A,T,6A,30,GV1,,\nA,T,6A,30,GV2,,\n", "giáo viên"},
		{"empty level", header + "A / / B,T,6A,30,GV,,\n", "cấp trống"},
		{"name without number", header + "A,T,6A,1,GV,Em,\n", "student_no"},
		{"number without name", header + "A,T,6A,1,GV,,1\n", "student_name"},
		{"number above enrolment", header + "A,T,6A,1,GV,Em,5\n", "lớn hơn sĩ số"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tt.csv))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := ReadFile("roster.txt", nil); err == nil {
		t.Fatal("want error for .txt")
	}
}
