package reminders

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/xuri/excelize/v2"
)

func view(t *testing.T, w *world, fn func(tx *storage.Tx) error) {
	t.Helper()
	if err := w.store.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestBoardsFromStorage(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	ctx := context.Background()
	w.clock.Set(at(t, "2026-W48", time.Friday, 16, 0))
	view(t, w, func(tx *storage.Tx) error {
		b, err := s.AreaBoard(ctx, tx, "Sóc Trăng", "2026-W48")
		if err != nil {
			return err
		}
		if b.Title != "Sóc Trăng" || b.Final || b.TargetPercent != 100 || len(b.Units) != 3 {
			t.Errorf("area board %+v", b)
		}
		byName := map[string]leaderboard.Unit{}
		for _, u := range b.Units {
			byName[u.Name] = u
		}
		// 6A carried from W46 (38/42), 6B this week (40/40), 7A never (0/3); last week
		// 6A 38/42, 6B 20/40, 7A 0/3.
		want := leaderboard.Unit{Name: "Trường THCS Mỹ Tú", Enrolment: 85, ThroughSchool: 68, Other: 10, Reported: true,
			Classes: 3, ClassesReported: 1, Prev: &leaderboard.Figure{Enrolment: 85, Insured: 58}}
		got := byName["Trường THCS Mỹ Tú"]
		if got.Prev == nil || *got.Prev != *want.Prev {
			t.Errorf("school unit's last week %+v, want %+v", got.Prev, want.Prev)
		}
		got.Prev, want.Prev = nil, nil
		if got != want {
			t.Errorf("school unit %+v, want %+v", got, want)
		}
		if got := byName["Trường TH Long Hưng"]; got.Reported || got.LastWeek != "2026-W46" || got.Insured() != 15 {
			t.Errorf("Long Hưng %+v", got)
		}
		text := leaderboard.RenderAreaBoard(b)
		if !strings.Contains(text, "1. 🟡 Trường THCS Mỹ Tú — 91,8% (78/85) ▲ 23,6 · 1/3 lớp") {
			t.Errorf("area board:\n%s", text)
		}

		sb, err := s.SchoolBoard(ctx, tx, w.ids["s:mytu"], "2026-W48")
		if err != nil {
			return err
		}
		if sb.Title != "Trường THCS Mỹ Tú" || len(sb.Units) != 3 || sb.AreaRank != 1 || sb.AreaSize != 2 {
			t.Errorf("school board %+v", sb)
		}
		text = leaderboard.RenderSchoolBoard(sb)
		for _, want := range []string{"1. ✅ 6B — 100% (40/40) ▲ 50,0", "Chưa báo cáo (2): 6A (tuần 46/2026: 90,5%), 7A (chưa có số liệu)", "Xếp hạng trong khu vực: <b>1</b>/2"} {
			if !strings.Contains(text, want) {
				t.Errorf("school board lacks %q:\n%s", want, text)
			}
		}
		lh, err := s.SchoolBoard(ctx, tx, w.ids["s:lh"], "2026-W48")
		if err != nil {
			return err
		}
		if lh.AreaRank != 0 || lh.AreaSize != 1 {
			t.Errorf("a school that has not reported has a rank: %d/%d", lh.AreaRank, lh.AreaSize)
		}

		if _, err := s.AreaBoard(ctx, tx, "Sóc Trăng", "2026-48"); err == nil {
			t.Error("bad week accepted")
		}
		if _, err := s.AreaBoard(ctx, tx, "Nowhere", "2026-W48"); err == nil {
			t.Error("unknown area accepted")
		}
		if _, err := s.SchoolBoard(ctx, tx, 999, "2026-W48"); err == nil {
			t.Error("unknown school accepted")
		}
		return nil
	})
}

// TestWorkbookFromStorage reads the exported file back with excelize.
func TestWorkbookFromStorage(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	w.clock.Set(at(t, "2026-W48", time.Friday, 16, 0))
	var (
		name string
		data []byte
	)
	view(t, w, func(tx *storage.Tx) (err error) {
		name, data, err = s.Workbook(context.Background(), tx, "Sóc Trăng", "2026-W46")
		return err
	})
	if name != "bao-cao-bhyt-soc-trang-2026-W46.xlsx" {
		t.Errorf("file name %q", name)
	}
	view(t, w, func(tx *storage.Tx) error {
		// The whole roster: one top-level area here, so the same workbook.
		all, data2, err := s.Workbook(context.Background(), tx, "", "2026-W46")
		if all != name || len(data2) == 0 {
			t.Errorf("whole roster: %q, %d bytes", all, len(data2))
		}
		return err
	})
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != leaderboard.WorkbookFirstDataRow+3 || !slices.Equal(rows[leaderboard.WorkbookHeaderRow-1], leaderboard.WorkbookColumns) {
		t.Fatalf("rows %q", rows)
	}
	// In W46 every class but 7A reported: Mỹ Tú A 30/30, THCS Mỹ Tú 58/85, Long Hưng 15/35.
	want := [][]string{
		{"1", "Trường TH Mỹ Tú A", "30", "30", "0", "30", "100.0", "0", "1", "mới", "1/1"},
		{"2", "Trường THCS Mỹ Tú", "85", "50", "8", "58", "68.2", "27", "2", "mới", "2/3"},
		{"3", "Trường TH Long Hưng", "35", "10", "5", "15", "42.9", "20", "3", "mới", "1/1"},
		{"", leaderboard.WorkbookTotalLabel, "150", "90", "13", "103", "68.7", "47", "", "", "4/5"},
	}
	for i, wr := range want {
		got := rows[leaderboard.WorkbookFirstDataRow-1+i]
		if !slices.Equal(got, wr) {
			t.Errorf("row %d: %q, want %q", leaderboard.WorkbookFirstDataRow+i, got, wr)
		}
	}
}

func TestBoardMessages(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	ctx := context.Background()
	w.clock.Set(at(t, "2026-W48", time.Friday, 16, 0))
	keys := func(ms []storage.Message) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.DedupeKey)
			if m.ChatID != 77 || m.Priority != storage.PriorityReply {
				t.Errorf("%s: chat %d priority %d", m.DedupeKey, m.ChatID, m.Priority)
			}
		}
		return out
	}
	view(t, w, func(tx *storage.Tx) error {
		for _, tc := range []struct {
			sc   storage.Scope
			want []string
		}{
			{storage.Scope{SchoolID: w.ids["s:mytu"]}, []string{"x/1", "x/chart"}},
			{storage.Scope{ClassID: w.ids["c:6A"]}, []string{"x/1", "x/chart"}},
			{storage.Scope{AreaID: w.ids["a:Sóc Trăng / Mỹ Tú"]}, []string{"x/1", "x/chart", "x/xlsx"}},
			{storage.Scope{}, []string{"x/a1/1", "x/a1/chart", "x/a1/xlsx"}},
		} {
			ms, err := s.BoardMessages(ctx, tx, tc.sc, "2026-W48", 77, "x")
			if err != nil {
				return err
			}
			if got := keys(ms); !slices.Equal(got, tc.want) {
				t.Errorf("%+v: %v, want %v", tc.sc, got, tc.want)
			}
		}
		if _, err := s.BoardMessages(ctx, tx, storage.Scope{StudentID: w.ids["p:An"]}, "2026-W48", 77, "x"); err == nil {
			t.Error("a pupil's scope gave a board")
		}
		return nil
	})
}

// TestLargeSchoolBoard: a school of 60 classes with long names is one text message however
// long (the channel's sender cuts it into parts its chat accepts: commands'
// TestLongBoardArrivesInParts); its chart goes as a document.
func TestLargeSchoolBoard(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	ctx := context.Background()
	w.clock.Set(at(t, "2026-W48", time.Friday, 16, 0))
	var schoolID int64
	err := w.store.Update(ctx, func(tx *storage.Tx) error {
		var err error
		schoolID, _, err = tx.EnsureSchool(ctx, w.ids["a:Sóc Trăng / Mỹ Tú"], "Trường THPT Chuyên Nguyễn Thị Minh Khai")
		if err != nil {
			return err
		}
		for i := range 60 {
			name := fmt.Sprintf("%d%c – Chuyên Toán, Tin học và Khoa học tự nhiên", 10+i%3, 'A'+rune(i/3))
			id, _, err := tx.UpsertClass(ctx, storage.Class{SchoolID: schoolID, SchoolYear: w.cfg.Campaign.SchoolYear, Name: name, Enrolment: 40})
			if err != nil {
				return err
			}
			if i%7 == 0 {
				continue
			}
			if _, err := tx.InsertReport(ctx, storage.Report{ClassID: id, Week: "2026-W48", Enrolment: 40, ThroughSchool: 15 + i%20, Other: i % 5}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var ms []storage.Message
	view(t, w, func(tx *storage.Tx) (err error) {
		ms, err = s.BoardMessages(ctx, tx, storage.Scope{SchoolID: schoolID}, "2026-W48", 1, "big")
		return err
	})
	var texts []string
	for _, m := range ms {
		switch {
		case strings.HasSuffix(m.DedupeKey, "/chart"):
			if m.Document == nil || m.Photo != nil || !strings.HasSuffix(m.FileName, ".png") {
				t.Errorf("chart of 60 rows: photo %v, document %v, %q", m.Photo != nil, m.Document != nil, m.FileName)
			}
			if len(m.Document) != 0 || m.Render == "" {
				t.Errorf("chart drawn at enqueue (%d bytes), spec %d bytes", len(m.Document), len(m.Render))
			}
			img := decodePNG(t, render(t, m, m.FileName))
			t.Logf("chart %v", img.Bounds().Size())
		default:
			texts = append(texts, m.Text)
		}
	}
	if len(texts) != 1 || len(texts[0]) <= 4096 {
		t.Fatalf("%d text messages; want one, longer than a Telegram message", len(texts))
	}
	var board leaderboard.Board
	view(t, w, func(tx *storage.Tx) (err error) {
		board, err = s.SchoolBoard(ctx, tx, schoolID, "2026-W48")
		return err
	})
	if strings.Join(texts, "\n") != leaderboard.RenderSchoolBoard(board) {
		t.Error("parts do not join back to the board")
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Sóc Trăng / Mỹ Tú":     "soc-trang-my-tu",
		"Đắk Lắk":               "dak-lak",
		"  Phường 1 (TP. HCM) ": "phuong-1-tp-hcm",
		"/// ":                  "khu-vuc",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSchoolUnitsRepeatedNames(t *testing.T) {
	t.Parallel()
	figs := []storage.WeekFigure{
		{Class: storage.Class{ID: 1, SchoolID: 1, Name: "1A", Enrolment: 30, SchoolName: "Trường TH Số 1", AreaPath: "Cà Mau / Xã A"}},
		{Class: storage.Class{ID: 2, SchoolID: 2, Name: "1A", Enrolment: 30, SchoolName: "Trường TH Số 1", AreaPath: "Cà Mau / Xã B"}},
		{Class: storage.Class{ID: 3, SchoolID: 3, Name: "1A", Enrolment: 30, SchoolName: "Trường TH Số 2", AreaPath: "Cà Mau / Xã B"}},
	}
	units, ids := schoolUnits(figs)
	var names []string
	for _, u := range units {
		names = append(names, u.Name)
		if u.Prev != nil || u.LastWeek != "" || u.Reported {
			t.Errorf("%+v", u)
		}
	}
	if !slices.Equal(names, []string{"Trường TH Số 1 (Xã A)", "Trường TH Số 1 (Xã B)", "Trường TH Số 2"}) || !slices.Equal(ids, []int64{1, 2, 3}) {
		t.Errorf("%q %v", names, ids)
	}
}
