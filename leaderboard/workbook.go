package leaderboard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WorkbookColumns are the official template's columns, in order.
var WorkbookColumns = []string{
	"STT",
	"Trường",
	"Sĩ số",
	"Tham gia qua trường",
	"Đối tượng khác",
	"Tổng tham gia",
	"Tỷ lệ %",
	"Chưa tham gia",
	"Xếp hạng",
	"Thay đổi so với tuần trước",
	"Đã báo cáo (lớp)",
}

// WorkbookFont is the font of every cell, as official documents use.
const WorkbookFont = "Times New Roman"

// Layout of the sheet written by AreaWorkbook (1-based rows).
const (
	WorkbookHeaderRow    = 5 // the row holding WorkbookColumns
	WorkbookFirstDataRow = 6 // the first school; the total row follows the last
	WorkbookTotalLabel   = "Tổng cộng"
	WorkbookNotRanked    = "Chưa báo cáo" // in "Xếp hạng" for schools that did not report
	WorkbookNewUnit      = "mới"          // in "Thay đổi..." when there is no figure for last week
)

// AreaWorkbook renders an area board as an .xlsx workbook with one sheet
// named "Tuần <week>": three title rows, a blank row, the header row
// (WorkbookColumns, exactly), one row per school in the order of Rank
// (reported schools ranked, then those that did not report this week, with
// "Chưa báo cáo" as their rank), and a total row. Enrolment and the two insured
// counts are numbers; "Tổng tham gia", "Tỷ lệ %", "Chưa tham gia" and the whole
// total row are formulas, so an officer who corrects a figure sees the rest
// follow, each stored with its cached value, which is the figure the messages
// show (the rate formula rounds as Percent does: ROUND to 0.1, 99,9 for an
// incomplete unit that would round to 100). The change is a value: the
// difference of the shown rates in percentage points (text "mới" when there is
// none); the completeness is text "reported/classes". The sheet prints on A4
// landscape, one page wide, the header row repeated on every page, with the
// date and "page/pages" in the footer.
func AreaWorkbook(b Board) ([]byte, error) {
	rs := Rank(b.Units)
	t := sumUnits(rs, b.TargetPercent, b.WarnBelowPercent)

	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDefaultFont(WorkbookFont); err != nil {
		return nil, fmt.Errorf("leaderboard: workbook: font: %w", err)
	}
	sheet := workbookSheetName(b.Week)
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, fmt.Errorf("leaderboard: workbook: sheet name: %w", err)
	}
	st, err := newWorkbookStyles(f)
	if err != nil {
		return nil, err
	}
	if err := setupPrinting(f, sheet, b); err != nil {
		return nil, err
	}
	// Page setup is read by the stream writer and written out with the sheet.
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("leaderboard: workbook: %w", err)
	}
	for i, w := range []float64{6, 40, 10, 14, 12, 12, 10, 12, 10, 16, 14} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, fmt.Errorf("leaderboard: workbook: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: WorkbookHeaderRow, TopLeftCell: cellName(1, WorkbookFirstDataRow), ActivePane: "bottomLeft",
	}); err != nil {
		return nil, fmt.Errorf("leaderboard: workbook: %w", err)
	}

	title := "BÁO CÁO TIẾN ĐỘ THAM GIA BHYT HỌC SINH"
	if b.Final {
		title = "KẾT QUẢ THAM GIA BHYT HỌC SINH (KẾT QUẢ CUỐI CÙNG)"
	}
	sub := "Đơn vị: " + b.Title
	if w := FormatWeek(b.Week); strings.HasPrefix(w, "tuần ") {
		sub += " · Tuần " + strings.TrimPrefix(w, "tuần ")
	} else if w != "" {
		sub += " · Tuần " + w
	}
	sub += " · Mục tiêu " + FormatThreshold(b.TargetPercent)
	note := "Số liệu mỗi lớp là báo cáo gần nhất đến hết tuần; lớp chưa báo cáo tuần này tính theo số liệu trước đó."
	if !b.Now.IsZero() {
		note = "Lập ngày " + b.Now.Format("02/01/2006") + ". " + note
	}
	last := cellName(len(WorkbookColumns), 1)
	rows := []struct {
		text   string
		style  int
		height float64
	}{{title, st.title, 26}, {sub, st.text, 19}, {note, st.note, 17}}
	for i, r := range rows {
		row := i + 1
		// The rows are tall enough for Vietnamese letters with two marks (Ấ, Ệ).
		if err := sw.SetRow(cellName(1, row), []any{excelize.Cell{StyleID: r.style, Value: r.text}},
			excelize.RowOpts{Height: r.height}); err != nil {
			return nil, fmt.Errorf("leaderboard: workbook: %w", err)
		}
		if err := sw.MergeCell(cellName(1, row), last[:len(last)-1]+strconv.Itoa(row)); err != nil {
			return nil, fmt.Errorf("leaderboard: workbook: %w", err)
		}
	}

	header := make([]any, len(WorkbookColumns))
	for i, c := range WorkbookColumns {
		header[i] = excelize.Cell{StyleID: st.header, Value: c}
	}
	if err := sw.SetRow(cellName(1, WorkbookHeaderRow), header, excelize.RowOpts{Height: 32}); err != nil {
		return nil, fmt.Errorf("leaderboard: workbook: %w", err)
	}

	row := WorkbookFirstDataRow
	vals := make([]any, len(WorkbookColumns))
	for i := range rs {
		r := &rs[i]
		var rank any = WorkbookNotRanked
		if r.Rank > 0 {
			rank = r.Rank
		}
		var change any = WorkbookNewUnit
		if r.HasPrev {
			change = r.Change
		}
		fillRow(vals, st.cell, i+1, r.Name, r.Enrolment, r.ThroughSchool, r.Other, r.Percent, rank, change,
			completeness(r.ClassesReported, r.Classes))
		setFormulas(vals, row, fmt.Sprintf("D%[1]d+E%[1]d", row), st.cell, st.percent, st.cell)
		if r.HasPrev {
			vals[9] = excelize.Cell{StyleID: st.change, Value: r.Change}
		}
		if err := sw.SetRow(cellName(1, row), vals); err != nil {
			return nil, fmt.Errorf("leaderboard: workbook: %w", err)
		}
		row++
	}

	var change any = ""
	if t.HasPrev {
		change = t.Change
	}
	fillRow(vals, st.total, "", WorkbookTotalLabel, t.Enrolment, t.ThroughSchool, t.Other, t.Percent, "", change,
		completeness(t.ClassesReported, t.Classes))
	if len(rs) > 0 {
		first, last := WorkbookFirstDataRow, row-1
		for _, col := range []int{2, 3, 4} { // Sĩ số, Tham gia qua trường, Đối tượng khác
			c := vals[col].(excelize.Cell)
			c.Formula = fmt.Sprintf("SUM(%[1]s%[2]d:%[1]s%[3]d)", string(rune('A'+col)), first, last)
			vals[col] = c
		}
		setFormulas(vals, row, "SUM(F"+strconv.Itoa(first)+":F"+strconv.Itoa(last)+")", st.total, st.totalPercent, st.total)
	} else {
		vals[6] = excelize.Cell{StyleID: st.totalPercent, Value: t.Percent}
	}
	if t.HasPrev {
		vals[9] = excelize.Cell{StyleID: st.totalChange, Value: t.Change}
	}
	if err := sw.SetRow(cellName(1, row), vals); err != nil {
		return nil, fmt.Errorf("leaderboard: workbook: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("leaderboard: workbook: %w", err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("leaderboard: workbook: write: %w", err)
	}
	return buf.Bytes(), nil
}

func fillRow(vals []any, style int, stt any, name string, enrolment, through, other int, percent float64,
	rank, change any, reported string) {
	for i, v := range []any{stt, name, enrolment, through, other, through + other, percent,
		max(enrolment-through-other, 0), rank, change, reported} {
		vals[i] = excelize.Cell{StyleID: style, Value: v}
	}
}

// WorkbookRateFormula is the formula of the "Tỷ lệ %" cell of a row: the coverage rounded
// to 0.1 as Percent rounds it, 99,9 for an incomplete unit that would round to 100, and 0
// for a unit with no enrolment.
func WorkbookRateFormula(row int) string {
	x := fmt.Sprintf("ROUND(F%[1]d/C%[1]d*100,1)", row)
	return fmt.Sprintf("IF(C%[1]d>0,IF(AND(%[2]s>=100,F%[1]d<C%[1]d),99.9,%[2]s),0)", row, x)
}

// setFormulas makes the "Tổng tham gia" (F), "Tỷ lệ %" (G) and "Chưa tham gia" (H) cells of
// a filled row formulas, keeping the values fillRow put there as their cached values.
func setFormulas(vals []any, row int, totalFormula string, totalStyle, rateStyle, restStyle int) {
	vals[5] = excelize.Cell{StyleID: totalStyle, Formula: totalFormula, Value: vals[5].(excelize.Cell).Value}
	vals[6] = excelize.Cell{StyleID: rateStyle, Formula: WorkbookRateFormula(row), Value: vals[6].(excelize.Cell).Value}
	vals[7] = excelize.Cell{StyleID: restStyle, Formula: fmt.Sprintf("MAX(C%[1]d-F%[1]d,0)", row), Value: vals[7].(excelize.Cell).Value}
}

// setupPrinting makes the sheet print on A4 landscape, one page wide and as many long as it
// takes, with the header row on every page and "Lập ngày …" and "Trang p/n" in the footer.
func setupPrinting(f *excelize.File, sheet string, b Board) error {
	size, orient, one, zero := 9, "landscape", 1, 0 // 9 is A4
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &orient, FitToWidth: &one, FitToHeight: &zero,
	}); err != nil {
		return fmt.Errorf("leaderboard: workbook: page layout: %w", err)
	}
	fit, center := true, true
	l, r, tb, hf := 0.5, 0.5, 0.6, 0.3 // inches
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &l, Right: &r, Top: &tb, Bottom: &tb, Header: &hf, Footer: &hf, Horizontally: &center,
	}); err != nil {
		return fmt.Errorf("leaderboard: workbook: margins: %w", err)
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("leaderboard: workbook: fit to page: %w", err)
	}
	footer := "&L&\"" + WorkbookFont + ",Regular\"&9" + workbookFooterLeft(b) + "&R&\"" + WorkbookFont + ",Regular\"&9Trang &P/&N"
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: footer}); err != nil {
		return fmt.Errorf("leaderboard: workbook: footer: %w", err)
	}
	if err := f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: "'" + sheet + "'!$" + strconv.Itoa(WorkbookHeaderRow) + ":$" + strconv.Itoa(WorkbookHeaderRow),
	}); err != nil {
		return fmt.Errorf("leaderboard: workbook: print titles: %w", err)
	}
	return nil
}

// workbookFooterLeft is the footer's left part: the unit, its week and the date the
// workbook was made. An ampersand is doubled, since a single one starts a footer code.
func workbookFooterLeft(b Board) string {
	s := b.Title + " · " + FormatWeek(b.Week)
	s = strings.ReplaceAll(s, "&", "&&")
	if b.Now.IsZero() {
		return s + " · in ngày &D" // the date of printing, when the board has none
	}
	return s + " · lập ngày " + b.Now.Format("02/01/2006")
}

func completeness(reported, classes int) string {
	return strconv.Itoa(reported) + "/" + strconv.Itoa(classes)
}

// workbookSheetName is "Tuần <week>", without the characters Excel forbids
// in sheet names and at most 31 characters.
func workbookSheetName(week string) string {
	name := strings.TrimSpace("Tuần " + strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, week))
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	return name
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

type workbookStyles struct {
	title, text, note, header, cell, percent, change, total, totalPercent, totalChange int
}

func newWorkbookStyles(f *excelize.File) (workbookStyles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
	}
	pct, chg := "0.0", `"▲ "0.0;"▼ "0.0;"="`
	font := func(bold, italic bool, size float64, color string) *excelize.Font {
		return &excelize.Font{Family: WorkbookFont, Bold: bold, Italic: italic, Size: size, Color: color}
	}
	specs := []*excelize.Style{
		{Font: font(true, false, 14, "")},
		{Font: font(false, false, 12, "")},
		{Font: font(false, true, 10, "666666")},
		{Font: font(true, false, 11, ""), Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}},
		{Font: font(false, false, 11, ""), Border: border},
		{Font: font(false, false, 11, ""), Border: border, CustomNumFmt: &pct},
		{Font: font(false, false, 11, ""), Border: border, CustomNumFmt: &chg},
		{Font: font(true, false, 11, ""), Border: border},
		{Font: font(true, false, 11, ""), Border: border, CustomNumFmt: &pct},
		{Font: font(true, false, 11, ""), Border: border, CustomNumFmt: &chg},
	}
	ids := make([]int, len(specs))
	for i, s := range specs {
		id, err := f.NewStyle(s)
		if err != nil {
			return workbookStyles{}, fmt.Errorf("leaderboard: workbook: style: %w", err)
		}
		ids[i] = id
	}
	return workbookStyles{ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], ids[8], ids[9]}, nil
}
