package leaderboard

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

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
