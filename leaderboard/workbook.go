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
// "Chưa báo cáo" as their rank), and a total row. Figures are numbers: the
// rate is the coverage as the messages show it (Percent, the
// number itself, not a formula of unrounded figures), the change is the
// difference of the shown rates in percentage points (text "mới" when there
// is none), the completeness is text "reported/classes".
func AreaWorkbook(b Board) ([]byte, error) {
	rs := Rank(b.Units)
	t := sumUnits(rs, b.TargetPercent, b.WarnBelowPercent)

	f := excelize.NewFile()
	defer f.Close()
	sheet := workbookSheetName(b.Week)
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, fmt.Errorf("leaderboard: workbook: sheet name: %w", err)
	}
	st, err := newWorkbookStyles(f)
	if err != nil {
		return nil, err
	}
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
		text  string
		style int
	}{{title, st.title}, {sub, st.text}, {note, st.note}}
	for i, r := range rows {
		row := i + 1
		if err := sw.SetRow(cellName(1, row), []any{excelize.Cell{StyleID: r.style, Value: r.text}}); err != nil {
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
		vals[6] = excelize.Cell{StyleID: st.percent, Value: r.Percent}
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
	vals[6] = excelize.Cell{StyleID: st.totalPercent, Value: t.Percent}
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
	specs := []*excelize.Style{
		{Font: &excelize.Font{Bold: true, Size: 14}},
		{Font: &excelize.Font{Size: 11}},
		{Font: &excelize.Font{Italic: true, Size: 10, Color: "666666"}},
		{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}},
		{Border: border},
		{Border: border, CustomNumFmt: &pct},
		{Border: border, CustomNumFmt: &chg},
		{Border: border, Font: &excelize.Font{Bold: true}},
		{Border: border, Font: &excelize.Font{Bold: true}, CustomNumFmt: &pct},
		{Border: border, Font: &excelize.Font{Bold: true}, CustomNumFmt: &chg},
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
