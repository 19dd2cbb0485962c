package leaderboard

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func readWorkbook(t *testing.T, b Board) (sheet string, rows [][]string) {
	t.Helper()
	data, err := AreaWorkbook(b)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("sheets %q", sheets)
	}
	rows, err = f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return sheets[0], rows
}

func TestAreaWorkbook(t *testing.T) {
	sheet, rows := readWorkbook(t, areaBoard())
	if sheet != "Tuần 2026-W47" {
		t.Errorf("sheet %q", sheet)
	}
	if got := rows[WorkbookHeaderRow-1]; !slices.Equal(got, WorkbookColumns) {
		t.Fatalf("header %q", got)
	}
	if !slices.Equal(WorkbookColumns, []string{"STT", "Trường", "Sĩ số", "Tham gia qua trường", "Đối tượng khác",
		"Tổng tham gia", "Tỷ lệ %", "Chưa tham gia", "Xếp hạng", "Thay đổi so với tuần trước", "Đã báo cáo (lớp)"}) {
		t.Error("WorkbookColumns differ from the official template")
	}
	if rows[0][0] != "BÁO CÁO TIẾN ĐỘ THAM GIA BHYT HỌC SINH" || rows[1][0] != "Đơn vị: Xã Mỹ Tú · Tuần 47/2026 · Mục tiêu 100%" {
		t.Errorf("title rows %q", rows[:3])
	}
	// Raw cell values: numbers as stored (the sheet formats rates as 0.0 and
	// changes as ▲/▼/=).
	want := [][]string{
		{"1", "Trường TH Mỹ Tú A", "500", "480", "20", "500", "100", "0", "1", "6", "15/15"},
		{"2", "Trường TH Long Hưng", "250", "200", "25", "225", "90", "25", "2", "0", "9/9"},
		{"3", "Trường THCS Mỹ Tú", "400", "300", "40", "340", "85", "60", "3", "10", "10/12"},
		{"4", "Trường THCS Long Hưng", "320", "150", "10", "160", "50", "160", "4", "3.1", "10/11"},
		{"5", "Trường TH Mỹ Tú B", "300", "100", "20", "120", "40", "180", "5", "20", "8/10"},
		{"6", "Trường TH Hưng Phú", "280", "50", "5", "55", "19.6", "225", "6", "mới", "3/9"},
		{"7", "Trường TH & THCS Mỹ Thuận", "150", "0", "0", "0", "0", "150", "Chưa báo cáo", "mới", "0/6"},
		{"8", "Trường TH Mỹ Hương", "310", "200", "10", "210", "67.7", "100", "Chưa báo cáo", "0", "0/10"},
		{"", "Tổng cộng", "2510", "1480", "130", "1610", "64.1", "900", "", "", "55/82"},
	}
	data := rows[WorkbookFirstDataRow-1:]
	if len(data) != len(want) {
		t.Fatalf("%d data rows, want %d: %q", len(data), len(want), data)
	}
	for i := range want {
		got := data[i]
		for len(got) < len(want[i]) {
			got = append(got, "")
		}
		if !slices.Equal(got, want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", WorkbookFirstDataRow+i, got, want[i])
		}
	}
}

func TestAreaWorkbookFinalAndLarge(t *testing.T) {
	_, rows := readWorkbook(t, final(areaBoard()))
	if rows[0][0] != "KẾT QUẢ THAM GIA BHYT HỌC SINH (KẾT QUẢ CUỐI CÙNG)" {
		t.Errorf("final title %q", rows[0][0])
	}
	b := genArea(300, 9)
	_, rows = readWorkbook(t, b)
	data := rows[WorkbookFirstDataRow-1:]
	if len(data) != 301 {
		t.Fatalf("%d rows", len(data))
	}
	ranked := Rank(b.Units)
	prev := 0
	for i, r := range ranked {
		if data[i][1] != r.Name {
			t.Fatalf("row %d is %q, want %q", i, data[i][1], r.Name)
		}
		if r.Rank > 0 {
			got, err := strconv.Atoi(data[i][8])
			if err != nil || got != r.Rank || got < prev {
				t.Fatalf("row %d rank %q, want %d", i, data[i][8], r.Rank)
			}
			prev = got
		}
	}
	if data[300][1] != WorkbookTotalLabel {
		t.Errorf("last row %q", data[300])
	}
}

func BenchmarkAreaWorkbook(b *testing.B) {
	board := genArea(300, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := AreaWorkbook(board); err != nil {
			b.Fatal(err)
		}
	}
}

func openWorkbook(t *testing.T, b Board) (*excelize.File, string) {
	t.Helper()
	data, err := AreaWorkbook(b)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, f.GetSheetList()[0]
}

// TestWorkbookPrints: the sheet prints on A4 landscape, one page wide, with the header row
// repeated, margins, and the date and page number in the footer; the title row is tall.
func TestWorkbookPrints(t *testing.T) {
	f, sheet := openWorkbook(t, areaBoard())
	pl, err := f.GetPageLayout(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" ||
		pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
		t.Errorf("page layout: size %v orientation %v fit %v×%v", deref(pl.Size), deref(pl.Orientation), deref(pl.FitToWidth), deref(pl.FitToHeight))
	}
	props, err := f.GetSheetProps(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if props.FitToPage == nil || !*props.FitToPage {
		t.Error("fit to page is off, so FitToWidth is ignored")
	}
	m, err := f.GetPageMargins(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if m.Left == nil || *m.Left != 0.5 || m.Top == nil || *m.Top != 0.6 || m.Footer == nil || *m.Footer != 0.3 {
		t.Errorf("margins left %v top %v footer %v", deref(m.Left), deref(m.Top), deref(m.Footer))
	}
	hf, err := f.GetHeaderFooter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Trang &P/&N", "lập ngày 19/11/2026", "Xã Mỹ Tú · tuần 47/2026", WorkbookFont} {
		if !strings.Contains(hf.OddFooter, want) {
			t.Errorf("footer %q lacks %q", hf.OddFooter, want)
		}
	}
	var titles string
	names := f.GetDefinedName()
	for _, n := range names {
		if n.Name == "_xlnm.Print_Titles" && n.Scope == sheet {
			titles = n.RefersTo
		}
	}
	if titles != "'"+sheet+"'!$5:$5" {
		t.Errorf("print titles %q in %+v", titles, names)
	}
	if h, err := f.GetRowHeight(sheet, 1); err != nil || h < 24 {
		t.Errorf("title row height %v (%v)", h, err)
	}
	// An ampersand in a name is not read as a footer code.
	b := areaBoard()
	b.Title = "Xã A & B"
	f2, sheet2 := openWorkbook(t, b)
	if hf, _ := f2.GetHeaderFooter(sheet2); !strings.Contains(hf.OddFooter, "Xã A && B") {
		t.Errorf("footer %q", hf.OddFooter)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestWorkbookFonts: every cell written has a style whose font is Times New Roman.
func TestWorkbookFonts(t *testing.T) {
	f, sheet := openWorkbook(t, areaBoard())
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for r := range rows {
		for c := range rows[r] {
			cell := cellName(c+1, r+1)
			id, err := f.GetCellStyle(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			if rows[r][c] == "" && id == 0 {
				continue
			}
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if st.Font == nil || st.Font.Family != WorkbookFont {
				t.Errorf("%s (%q): font %+v", cell, rows[r][c], st.Font)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Errorf("only %d cells checked", checked)
	}
	if name, err := f.GetDefaultFont(); err != nil || name != WorkbookFont {
		t.Errorf("default font %q (%v)", name, err)
	}
}

// TestWorkbookFormulas: "Tổng tham gia", "Tỷ lệ %", "Chưa tham gia" and the total row are
// formulas; their cached values are the figures the board shows, and recomputing each
// formula gives that same figure, so a spreadsheet that recalculates shows what the bot said.
func TestWorkbookFormulas(t *testing.T) {
	b := areaBoard()
	// Rounding edges: 2499/2500 shows 99,9 (never 100 while a pupil is missing); 1/16 is
	// 6,25 → 6,3; 38/42 is 90,476 → 90,5.
	b.Units = append(b.Units,
		Unit{Name: "Trường Gần đủ", Enrolment: 2500, ThroughSchool: 2499, Reported: true, Classes: 50, ClassesReported: 50},
		Unit{Name: "Trường Nửa", Enrolment: 16, Other: 1, Reported: true, Classes: 1, ClassesReported: 1},
		Unit{Name: "Trường Lẻ", Enrolment: 42, ThroughSchool: 30, Other: 8, Reported: true, Classes: 1, ClassesReported: 1},
		Unit{Name: "Trường Trống", Reported: true, Classes: 1, ClassesReported: 1},
	)
	f, sheet := openWorkbook(t, b)
	rs := Rank(b.Units)
	tot := sumUnits(rs, b.TargetPercent, b.WarnBelowPercent)
	last := WorkbookFirstDataRow + len(rs)
	type want struct {
		formula string
		value   string
	}
	check := func(cell string, w want) {
		t.Helper()
		got, err := f.GetCellFormula(sheet, cell)
		if err != nil || got != w.formula {
			t.Errorf("%s formula %q (%v), want %q", cell, got, err, w.formula)
		}
		cached, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil || cached != w.value {
			t.Errorf("%s cached %q (%v), want %q", cell, cached, err, w.value)
		}
		calc, err := f.CalcCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil || calc != w.value {
			t.Errorf("%s recomputed %q (%v), want %q", cell, calc, err, w.value)
		}
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for i, r := range rs {
		row := WorkbookFirstDataRow + i
		check(cellName(6, row), want{fmt.Sprintf("D%[1]d+E%[1]d", row), strconv.Itoa(r.Insured())})
		check(cellName(7, row), want{WorkbookRateFormula(row), num(r.Percent)})
		check(cellName(8, row), want{fmt.Sprintf("MAX(C%[1]d-F%[1]d,0)", row), strconv.Itoa(max(r.Enrolment-r.Insured(), 0))})
		if r.Name == "Trường Gần đủ" && r.Percent != 99.9 {
			t.Errorf("2499/2500 shows %v", r.Percent)
		}
	}
	rng := func(col string) string {
		return fmt.Sprintf("%[1]s%[2]d:%[1]s%[3]d", col, WorkbookFirstDataRow, last-1)
	}
	check(cellName(3, last), want{"SUM(" + rng("C") + ")", strconv.Itoa(tot.Enrolment)})
	check(cellName(4, last), want{"SUM(" + rng("D") + ")", strconv.Itoa(tot.ThroughSchool)})
	check(cellName(5, last), want{"SUM(" + rng("E") + ")", strconv.Itoa(tot.Other)})
	check(cellName(6, last), want{"SUM(" + rng("F") + ")", strconv.Itoa(tot.Insured)})
	check(cellName(7, last), want{WorkbookRateFormula(last), num(tot.Percent)})
	check(cellName(8, last), want{fmt.Sprintf("MAX(C%[1]d-F%[1]d,0)", last), strconv.Itoa(tot.Enrolment - tot.Insured)})

	// An officer corrects a school's count: the totals and the rate follow.
	row := WorkbookFirstDataRow
	if err := f.SetCellValue(sheet, cellName(4, row), rs[0].ThroughSchool-10); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.CalcCellValue(sheet, cellName(6, last), excelize.Options{RawCellValue: true}); got != strconv.Itoa(tot.Insured-10) {
		t.Errorf("total insured after a correction %q, want %d", got, tot.Insured-10)
	}
	if got, _ := f.CalcCellValue(sheet, cellName(7, last), excelize.Options{RawCellValue: true}); got != num(Percent(tot.Insured-10, tot.Enrolment)) {
		t.Errorf("total rate after a correction %q, want %v", got, Percent(tot.Insured-10, tot.Enrolment))
	}
}

func TestWorkbookFooterWithoutDate(t *testing.T) {
	b := areaBoard()
	b.Now = time.Time{}
	f, sheet := openWorkbook(t, b)
	if hf, _ := f.GetHeaderFooter(sheet); !strings.Contains(hf.OddFooter, "in ngày &D") {
		t.Errorf("footer %q has no date", hf.OddFooter)
	}
}
