// Package roster reads the roster file (CSV or XLSX: area, school, class, enrolment,
// teacher_name, student_name, student_no), validates every row, and imports it into storage
// in one transaction: all rows or none.
package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// Columns are the roster's header, in the contract's order.
var Columns = []string{"area", "school", "class", "enrolment", "teacher_name", "student_name", "student_no"}

// Row is one validated roster row; names are NFC with single spaces.
type Row struct {
	Line        int
	Area        []string
	School      string
	Class       string
	Enrolment   int
	TeacherName string
	StudentName string
	StudentNo   int // 0 for a class-only row
}

// RowError is one fault of one row, in Vietnamese.
type RowError struct {
	Line   int
	Column string
	Msg    string
}

func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("dòng %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("dòng %d, cột %s: %s", e.Line, e.Column, e.Msg)
}

// Errors is every fault found in a file.
type Errors []RowError

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return fmt.Sprintf("danh sách có %d lỗi, chưa nhập gì:\n%s", len(es), strings.Join(lines, "\n"))
}

// MaxRows bounds a roster file (a province has about 100,000 pupils per file at most).
const MaxRows = 1_000_000

// ReadFile reads a .csv or .xlsx roster by its extension.
func ReadFile(name string, data []byte) ([]Row, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return ReadCSV(bytes.NewReader(data))
	case ".xlsx":
		return ReadXLSX(bytes.NewReader(data))
	}
	return nil, fmt.Errorf("roster: %s: cần tệp .csv hoặc .xlsx", name)
}

// ReadCSV reads a UTF-8 CSV roster (a BOM and CRLF line ends are fine). Fields are
// separated by commas, or by semicolons when the header row has more of them: Excel saves
// "CSV" with semicolons where the decimal mark is a comma, as in Vietnamese settings.
func ReadCSV(r io.Reader) ([]Row, error) {
	br := bufio.NewReader(r)
	sep := sniffSeparator(br)
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	var records [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("roster: CSV không đọc được: %w", err)
		}
		records = append(records, rec)
		if len(records) > MaxRows+1 {
			return nil, fmt.Errorf("roster: quá %d dòng", MaxRows)
		}
	}
	return parse(records, csvWidth{sep: sep})
}

// sniffSeparator looks at the header row without consuming it.
func sniffSeparator(br *bufio.Reader) rune {
	head, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if bytes.Count(head, []byte{';'}) > bytes.Count(head, []byte{','}) {
		return ';'
	}
	return ','
}

// csvWidth checks that a CSV row has exactly the header's number of fields: a missing
// or extra field shifts every column after it, so a name would land in the number column.
type csvWidth struct{ sep rune }

func (w csvWidth) check(line int, rec []string, width int) *RowError {
	sep := string(w.sep)
	switch {
	case len(rec) < width:
		return &RowError{Line: line, Msg: fmt.Sprintf("dòng có %d cột nhưng tiêu đề có %d: thiếu cột; ô trống vẫn cần dấu %q, ví dụ: %s",
			len(rec), width, sep, strings.Join([]string{"Sóc Trăng / Mỹ Tú", "Trường THCS Mỹ Tú", "6B", "40", "Lê Văn Hùng", "", ""}, sep))}
	case len(rec) > width:
		return &RowError{Line: line, Msg: fmt.Sprintf("dòng có %d cột nhưng tiêu đề có %d: thừa cột; ô có dấu %q phải đặt trong ngoặc kép, ví dụ: \"Nguyễn Văn An%s con\"",
			len(rec), width, sep, sep)}
	}
	return nil
}

// xlsxWidth finds cells right of the header's last column: a spreadsheet drops empty
// cells at the end of a row, so only extra filled cells are a fault.
type xlsxWidth struct{}

func (xlsxWidth) check(line int, rec []string, width int) *RowError {
	for j := width; j < len(rec); j++ {
		if clean(rec[j]) != "" {
			col, _ := excelize.ColumnNumberToName(j + 1)
			return &RowError{Line: line, Column: col, Msg: fmt.Sprintf("ô %s%d nằm ngoài %d cột của tiêu đề: thừa cột; xoá ô đó hoặc thêm tên cột đúng mẫu", col, line, width)}
		}
	}
	return nil
}

// widthCheck is how a file format checks a row's number of columns against the header's.
type widthCheck interface {
	check(line int, rec []string, width int) *RowError
}

// ReadXLSX reads the first sheet of an XLSX roster.
func ReadXLSX(r io.Reader) ([]Row, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("roster: XLSX không đọc được: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("roster: tệp XLSX không có trang tính nào")
	}
	records, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("roster: XLSX: %w", err)
	}
	return parse(records, xlsxWidth{})
}

// clean is NFC, trimmed, with runs of whitespace collapsed to one space.
func clean(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	return strings.Join(strings.FieldsFunc(norm.NFC.String(s), unicode.IsSpace), " ")
}

func parse(records [][]string, width widthCheck) ([]Row, error) {
	if len(records) == 0 {
		return nil, Errors{{Line: 1, Msg: "tệp trống; dòng đầu phải là tiêu đề: " + strings.Join(Columns, ",")}}
	}
	index := map[string]int{}
	var errs Errors
	for i, h := range records[0] {
		h = strings.ToLower(clean(h))
		if h == "" {
			continue
		}
		known := false
		for _, c := range Columns {
			known = known || c == h
		}
		if !known {
			errs = append(errs, RowError{Line: 1, Column: h, Msg: "cột không có trong mẫu; các cột là " + strings.Join(Columns, ",")})
			continue
		}
		index[h] = i
	}
	for _, c := range Columns {
		if _, ok := index[c]; !ok {
			errs = append(errs, RowError{Line: 1, Column: c, Msg: "thiếu cột này trong dòng tiêu đề"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var rows []Row
	for i, rec := range records[1:] {
		line := i + 2
		get := func(col string) string {
			if j := index[col]; j < len(rec) {
				return clean(rec[j])
			}
			return ""
		}
		blank := true
		for _, c := range Columns {
			blank = blank && get(c) == ""
		}
		if blank {
			continue
		}
		if e := width.check(line, rec, len(records[0])); e != nil {
			errs = append(errs, *e)
			continue
		}
		row, rowErrs := parseRow(line, get)
		errs = append(errs, rowErrs...)
		if len(rowErrs) == 0 {
			rows = append(rows, row)
		}
	}
	sameClassSpelling(rows)
	errs = append(errs, crossCheck(rows)...)
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
		return nil, errs
	}
	return dedupe(rows), nil
}

// dedupe drops rows that repeat an earlier row of the same class (and pupil number).
func dedupe(rows []Row) []Row {
	type key struct {
		classKey
		no int
	}
	seen := map[key]bool{}
	out := rows[:0]
	for _, r := range rows {
		k := key{keyOf(r), r.StudentNo}
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

func parseRow(line int, get func(string) string) (Row, Errors) {
	var errs Errors
	bad := func(col, msg string, args ...any) {
		errs = append(errs, RowError{Line: line, Column: col, Msg: fmt.Sprintf(msg, args...)})
	}
	row := Row{Line: line, School: get("school"), Class: get("class"), TeacherName: get("teacher_name"), StudentName: get("student_name")}
	for _, s := range []string{row.School, row.Class, row.TeacherName, row.StudentName, get("area")} {
		if !utf8.ValidString(s) {
			bad("", "chứa ký tự không phải UTF-8; hãy lưu tệp dạng CSV UTF-8")
			return row, errs
		}
	}
	if area := get("area"); area == "" {
		bad("area", "trống; ví dụ: Sóc Trăng / Mỹ Tú")
	} else {
		for _, part := range strings.Split(area, "/") {
			part = clean(part)
			if part == "" {
				bad("area", "có cấp trống trong %q; các cấp cách nhau bằng \" / \", ví dụ: Sóc Trăng / Mỹ Tú", area)
				break
			}
			row.Area = append(row.Area, part)
		}
	}
	if row.School == "" {
		bad("school", "trống; ví dụ: Trường THCS Mỹ Tú")
	} else if strings.Contains(row.School, "/") {
		bad("school", "tên trường không được chứa dấu /")
	}
	switch {
	case row.Class == "":
		bad("class", "trống; ví dụ: 6A")
	case utf8.RuneCountInString(row.Class) > 20 || strings.Contains(row.Class, "/"):
		bad("class", "tên lớp %q không hợp lệ (tối đa 20 ký tự, không có dấu /)", row.Class)
	}
	enrol, err := strconv.Atoi(get("enrolment"))
	switch {
	case get("enrolment") == "":
		bad("enrolment", "trống; sĩ số là số học sinh của lớp, ví dụ: 42")
	case err != nil:
		bad("enrolment", "%q không phải số nguyên; ví dụ: 42", get("enrolment"))
	case enrol < 1 || enrol > 200:
		bad("enrolment", "sĩ số phải từ 1 đến 200, không phải %d", enrol)
	}
	row.Enrolment = enrol
	no := get("student_no")
	switch {
	case no == "" && row.StudentName == "":
	case no == "":
		bad("student_no", "trống nhưng có tên học sinh; ghi số thứ tự trong danh sách lớp, ví dụ: 12")
	case row.StudentName == "":
		bad("student_name", "trống nhưng có số thứ tự %s; ghi họ tên học sinh, ví dụ: Nguyễn Văn An", no)
	default:
		n, err := strconv.Atoi(no)
		if err != nil || n < 1 || n > 200 {
			bad("student_no", "số thứ tự phải là số nguyên từ 1 đến 200, không phải %q", no)
		}
		row.StudentNo = n
	}
	return row, errs
}

// sameClassSpelling gives every row of a class the spelling of its first row: class names
// compare without regard to case, so "6b" under "6B" is the same class.
func sameClassSpelling(rows []Row) {
	first := map[classKey]string{}
	for i, r := range rows {
		k := keyOf(r)
		k.class = strings.ToLower(k.class)
		if name, ok := first[k]; ok {
			rows[i].Class = name
		} else {
			first[k] = r.Class
		}
	}
}

type classKey struct{ area, school, class string }

func keyOf(r Row) classKey {
	return classKey{strings.Join(r.Area, " / "), r.School, r.Class}
}

func crossCheck(rows []Row) Errors {
	var errs Errors
	type classInfo struct {
		first    Row
		classRow int
		pupilRow int
		pupils   map[int]Row
	}
	classes := map[classKey]*classInfo{}
	var order []classKey
	for _, r := range rows {
		k := keyOf(r)
		ci, ok := classes[k]
		if !ok {
			ci = &classInfo{first: r, pupils: map[int]Row{}}
			classes[k] = ci
			order = append(order, k)
		}
		if r.Enrolment != ci.first.Enrolment {
			errs = append(errs, RowError{Line: r.Line, Column: "enrolment", Msg: fmt.Sprintf("lớp %s có sĩ số %d ở dòng %d nhưng %d ở đây", r.Class, ci.first.Enrolment, ci.first.Line, r.Enrolment)})
		}
		if r.TeacherName != ci.first.TeacherName {
			errs = append(errs, RowError{Line: r.Line, Column: "teacher_name", Msg: fmt.Sprintf("lớp %s có giáo viên %q ở dòng %d nhưng %q ở đây", r.Class, ci.first.TeacherName, ci.first.Line, r.TeacherName)})
		}
		if r.StudentNo == 0 {
			if ci.classRow != 0 {
				continue // an exact duplicate of the class row
			}
			ci.classRow = r.Line
			if ci.pupilRow != 0 {
				errs = append(errs, RowError{Line: r.Line, Msg: fmt.Sprintf("lớp %s đã có danh sách học sinh (dòng %d); bỏ dòng chỉ có lớp, hoặc bỏ các dòng học sinh", r.Class, ci.pupilRow)})
			}
			continue
		}
		if ci.pupilRow == 0 {
			ci.pupilRow = r.Line
			if ci.classRow != 0 {
				errs = append(errs, RowError{Line: r.Line, Msg: fmt.Sprintf("lớp %s đã có dòng chỉ có lớp (dòng %d); một lớp ghi theo từng học sinh hoặc một dòng, không cả hai", r.Class, ci.classRow)})
			}
		}
		if prev, dup := ci.pupils[r.StudentNo]; dup {
			if prev.StudentName != r.StudentName {
				errs = append(errs, RowError{Line: r.Line, Column: "student_no", Msg: fmt.Sprintf("số thứ tự %d của lớp %s đã dùng cho %q ở dòng %d", r.StudentNo, r.Class, prev.StudentName, prev.Line)})
			}
			continue
		}
		ci.pupils[r.StudentNo] = r
	}
	for _, k := range order {
		ci := classes[k]
		if ci.pupilRow == 0 || ci.classRow != 0 {
			continue
		}
		if len(ci.pupils) != ci.first.Enrolment {
			errs = append(errs, RowError{Line: ci.first.Line, Column: "enrolment", Msg: fmt.Sprintf("lớp %s ghi sĩ số %d nhưng danh sách có %d học sinh", ci.first.Class, ci.first.Enrolment, len(ci.pupils))})
		}
		for no := range ci.pupils {
			if no > ci.first.Enrolment {
				errs = append(errs, RowError{Line: ci.pupils[no].Line, Column: "student_no", Msg: fmt.Sprintf("số thứ tự %d lớn hơn sĩ số %d của lớp %s", no, ci.first.Enrolment, ci.first.Class)})
			}
		}
	}
	return errs
}
