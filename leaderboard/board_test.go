package leaderboard

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden and the sample PNGs")

var hcm = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

func fig(e, i int) *Figure { return &Figure{Enrolment: e, Insured: i} }

// schoolBoard has ties, a 0% class, a new class, an escaped name, a class
// that reported two weeks ago and one that never reported.
func schoolBoard() Board {
	return Board{
		Title: "Trường THCS Mỹ Tú", Week: "2026-W47",
		TargetPercent: 100, WarnBelowPercent: 50,
		Deadline: time.Date(2026, 12, 31, 23, 59, 0, 0, hcm),
		Now:      time.Date(2026, 11, 19, 9, 0, 0, 0, hcm),
		AreaRank: 3, AreaSize: 12,
		Units: []Unit{
			{Name: "6B", Enrolment: 40, ThroughSchool: 30, Other: 8, Reported: true, Prev: fig(40, 38)},
			{Name: "9A", Enrolment: 41, ThroughSchool: 20, Other: 3, LastWeek: "2026-W45", Prev: fig(41, 23)},
			{Name: "7A", Enrolment: 38, ThroughSchool: 10, Other: 5, Reported: true, Prev: fig(38, 10)},
			{Name: "6A", Enrolment: 42, ThroughSchool: 34, Other: 8, Reported: true, Prev: fig(42, 40)},
			{Name: "8A", Enrolment: 35, Reported: true, Prev: fig(35, 0)},
			{Name: "7B", Enrolment: 20, ThroughSchool: 18, Other: 1, Reported: true},
			{Name: "9B", Enrolment: 39},
			{Name: "9C <CLC>", Enrolment: 30, ThroughSchool: 25, Reported: true, Prev: fig(30, 28)},
		},
	}
}

func areaBoard() Board {
	return Board{
		Title: "Xã Mỹ Tú", Week: "2026-W47",
		TargetPercent: 100, WarnBelowPercent: 50,
		Deadline: time.Date(2026, 12, 31, 23, 59, 0, 0, hcm),
		Now:      time.Date(2026, 11, 19, 9, 0, 0, 0, hcm),
		Units: []Unit{
			{Name: "Trường THCS Mỹ Tú", Enrolment: 400, ThroughSchool: 300, Other: 40, Reported: true, Classes: 12, ClassesReported: 10, Prev: fig(400, 300)},
			{Name: "Trường TH Mỹ Tú A", Enrolment: 500, ThroughSchool: 480, Other: 20, Reported: true, Classes: 15, ClassesReported: 15, Prev: fig(500, 470)},
			{Name: "Trường TH Mỹ Tú B", Enrolment: 300, ThroughSchool: 100, Other: 20, Reported: true, Classes: 10, ClassesReported: 8, Prev: fig(300, 60)},
			{Name: "Trường TH Long Hưng", Enrolment: 250, ThroughSchool: 200, Other: 25, Reported: true, Classes: 9, ClassesReported: 9, Prev: fig(250, 225)},
			{Name: "Trường THCS Long Hưng", Enrolment: 320, ThroughSchool: 150, Other: 10, Reported: true, Classes: 11, ClassesReported: 10, Prev: fig(320, 150)},
			{Name: "Trường TH Hưng Phú", Enrolment: 280, ThroughSchool: 50, Other: 5, Reported: true, Classes: 9, ClassesReported: 3},
			{Name: "Trường TH Mỹ Hương", Enrolment: 310, ThroughSchool: 200, Other: 10, LastWeek: "2026-W46", Classes: 10, Prev: fig(310, 210)},
			{Name: "Trường TH & THCS Mỹ Thuận", Enrolment: 150, Classes: 6},
		},
	}
}

func final(b Board) Board {
	b.Final = true
	b.Week = "2026-W53"
	b.Now = time.Date(2027, 1, 4, 8, 0, 0, 0, hcm)
	return b
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./leaderboard -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (rerun with -update if intended)\n--- got ---\n%s\n--- want ---\n%s", t.Name(), path, got, want)
	}
}

func TestRenderGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  string
	}{
		{"school_board", RenderSchoolBoard(schoolBoard())},
		{"school_board_final", RenderSchoolBoard(final(schoolBoard()))},
		{"area_board", RenderAreaBoard(areaBoard())},
		{"area_board_final", RenderAreaBoard(final(areaBoard()))},
	} {
		t.Run(tc.name, func(t *testing.T) { checkGolden(t, tc.name, tc.got) })
	}
}

func TestRenderContents(t *testing.T) {
	s := RenderSchoolBoard(schoolBoard())
	for _, want := range []string{
		"<b>📊 Trường THCS Mỹ Tú</b>",
		"tuần 47/2026",
		"9C &lt;CLC&gt;",
		"2. 🟡 6B — 95% (38/40) =",
		"2. 🟡 7B — 95% (19/20) mới",
		"🔴 8A — 0% (0/35) =",
		"Chưa báo cáo (2): 9A (tuần 45/2026: 56,1%), 9B (chưa có số liệu)",
		"Xếp hạng trong khu vực: <b>3</b>/12",
		"Còn 42 ngày đến hạn 31/12/2026",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("school board lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "<CLC>") {
		t.Error("unescaped name")
	}
	f := RenderSchoolBoard(final(schoolBoard()))
	if !strings.Contains(f, "Kết quả cuối cùng") || strings.Contains(f, "Còn 42 ngày") || strings.Contains(f, "⏰") {
		t.Errorf("final board keeps reminder wording:\n%s", f)
	}
	a := RenderAreaBoard(areaBoard())
	for _, want := range []string{
		"Dưới 50% (2): Trường TH Mỹ Tú B (40%), Trường TH Hưng Phú (19,6%)",
		"Tiến bộ nhất: Trường TH Mỹ Tú B (▲ 20,0), Trường THCS Mỹ Tú (▲ 10,0), Trường TH Mỹ Tú A (▲ 6,0)\n",
		"Trường TH &amp; THCS Mỹ Thuận (0/6 lớp; chưa có số liệu)",
		"Đã báo cáo: 55/82 lớp (67,1%), 6/8 trường",
		"4. 🟡 Trường THCS Long Hưng — 50% (160/320) ▲ 3,1 · 10/11 lớp",
		"Chưa tham gia: <b>900</b> học sinh",
	} {
		if !strings.Contains(a, want) {
			t.Errorf("area board lacks %q:\n%s", want, a)
		}
	}
}

func TestRank(t *testing.T) {
	type row struct {
		name    string
		rank    int
		percent float64
	}
	for _, tc := range []struct {
		name  string
		units []Unit
		want  []row
	}{
		{"empty", nil, []row{}},
		{"ties share a rank and sort by name, next rank skips", []Unit{
			{Name: "6B", Enrolment: 40, ThroughSchool: 38, Reported: true},
			{Name: "6A", Enrolment: 20, Other: 19, Reported: true},
			{Name: "6C", Enrolment: 10, ThroughSchool: 10, Reported: true},
			{Name: "6D", Enrolment: 30, ThroughSchool: 3, Reported: true},
		}, []row{{"6C", 1, 100}, {"6A", 2, 95}, {"6B", 2, 95}, {"6D", 4, 10}}},
		{"numbers by value, Vietnamese letters, case folded", []Unit{
			{Name: "Em", Enrolment: 10, Reported: true},
			{Name: "10A", Enrolment: 10, Reported: true},
			{Name: "Đông", Enrolment: 10, Reported: true},
			{Name: "6A", Enrolment: 10, Reported: true},
			{Name: "dương", Enrolment: 10, Reported: true},
		}, []row{{"6A", 1, 0}, {"10A", 1, 0}, {"dương", 1, 0}, {"Đông", 1, 0}, {"Em", 1, 0}}},
		{"unreported after ranked whatever their figure, by name", []Unit{
			{Name: "Z", Enrolment: 10, ThroughSchool: 10},
			{Name: "B", Enrolment: 10, ThroughSchool: 1, Reported: true},
			{Name: "A", Enrolment: 10, LastWeek: "2026-W40", ThroughSchool: 9},
		}, []row{{"B", 1, 10}, {"A", 0, 90}, {"Z", 0, 100}}},
		{"zero enrolment counts as 0%", []Unit{
			{Name: "Rỗng", Reported: true, Prev: fig(0, 0)},
			{Name: "Không", Enrolment: 30, Reported: true},
			{Name: "Có", Enrolment: 30, ThroughSchool: 1, Reported: true},
		}, []row{{"Có", 1, 3.3}, {"Không", 2, 0}, {"Rỗng", 2, 0}}},
		{"percent rounded half up, 100 only when complete", []Unit{
			{Name: "A", Enrolment: 2000, ThroughSchool: 1999, Reported: true},
			{Name: "B", Enrolment: 3, ThroughSchool: 2, Reported: true},
		}, []row{{"A", 1, 99.9}, {"B", 2, 66.7}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Rank(tc.units)
			if len(got) != len(tc.want) {
				t.Fatalf("len %d, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Name != w.name || g.Rank != w.rank || g.Percent != w.percent {
					t.Errorf("#%d = %s rank %d %.1f%%, want %s rank %d %.1f%%", i, g.Name, g.Rank, g.Percent, w.name, w.rank, w.percent)
				}
			}
		})
	}
}

func TestRankChange(t *testing.T) {
	got := Rank([]Unit{
		{Name: "up", Enrolment: 42, ThroughSchool: 42, Reported: true, Prev: fig(42, 40)},
		{Name: "down", Enrolment: 30, ThroughSchool: 25, Reported: true, Prev: fig(30, 28)},
		{Name: "same", Enrolment: 30, ThroughSchool: 25, Reported: true, Prev: fig(30, 25)},
		{Name: "new", Enrolment: 30, ThroughSchool: 25, Reported: true},
		{Name: "was empty", Enrolment: 30, ThroughSchool: 25, Reported: true, Prev: fig(0, 0)},
	})
	want := map[string]string{"up": "▲ 4,8", "down": "▼ 10,0", "same": "=", "new": "mới", "was empty": "mới"}
	for _, r := range got {
		if s := formatChange(r); s != want[r.Name] {
			t.Errorf("%s: change %q, want %q", r.Name, s, want[r.Name])
		}
	}
}

func TestLight(t *testing.T) {
	for _, tc := range []struct {
		insured, enrolment int
		want               Light
	}{{40, 40, LightGreen}, {39, 40, LightYellow}, {20, 40, LightYellow}, {19, 40, LightRed}, {0, 0, LightRed},
		// Shown as 99,9% and 50,0%: the light follows the figure a principal reads.
		{2499, 2500, LightYellow}, {999, 2000, LightYellow}, {998, 2000, LightRed}} {
		if got := lightOf(tc.insured, tc.enrolment, 100, 50); got != tc.want {
			t.Errorf("%d/%d: %s, want %s", tc.insured, tc.enrolment, got.Emoji(), tc.want.Emoji())
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{formatInt(0), "0"}, {formatInt(999), "999"}, {formatInt(1000), "1.000"},
		{formatInt(631800), "631.800"}, {formatInt(-1234567), "-1.234.567"},
		{FormatPercent(95.2), "95,2%"}, {FormatPercent(100), "100%"}, {FormatPercent(0), "0%"}, {FormatPercent(95), "95%"},
		{FormatThreshold(50), "50%"}, {FormatThreshold(97.5), "97,5%"},
		{formatPP(3.5), "▲ 3,5"}, {formatPP(-1), "▼ 1,0"}, {formatPP(0), "="},
		{FormatWeek("2026-W07"), "tuần 7/2026"}, {FormatWeek("bad"), "bad"},
		{escape(`a<b>&"`), `a&lt;b&gt;&amp;&quot;`}, // the one escaper: Telegram shows &quot; as "
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// genSchool is a school board with n classes, about one in ten not
// reported this week, a few new ones.
func genSchool(n int, seed uint64) Board {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := schoolBoard()
	b.Units = make([]Unit, n)
	for i := range b.Units {
		e := 25 + rng.IntN(20)
		through := rng.IntN(e + 1)
		other := rng.IntN(e - through + 1)
		u := Unit{
			Name:      fmt.Sprintf("%d%c", 6+i%4, 'A'+rune(i/4)),
			Enrolment: e, ThroughSchool: through, Other: other,
			Reported: rng.IntN(10) != 0,
		}
		if !u.Reported {
			u.LastWeek = "2026-W46"
		}
		if rng.IntN(8) != 0 {
			u.Prev = fig(e, max(through+other-rng.IntN(6), 0))
		}
		b.Units[i] = u
	}
	return b
}

var communes = []string{"Mỹ Tú", "Long Hưng", "Hưng Phú", "Mỹ Hương", "Mỹ Thuận", "Phú Mỹ", "Thuận Hưng", "Mỹ Phước"}

// genArea is an area board with n schools of 12–30 classes each.
func genArea(n int, seed uint64) Board {
	rng := rand.New(rand.NewPCG(seed, 2))
	b := areaBoard()
	b.Title = "Tỉnh Sóc Trăng / Mỹ Tú"
	b.Units = make([]Unit, n)
	for i := range b.Units {
		classes := 12 + rng.IntN(19)
		e := classes * (30 + rng.IntN(10))
		through := rng.IntN(e + 1)
		other := rng.IntN(e - through + 1)
		reported := rng.IntN(classes + 1)
		if rng.IntN(15) == 0 {
			reported = 0
		}
		kind := []string{"TH", "THCS", "TH & THCS"}[rng.IntN(3)]
		u := Unit{
			Name:      fmt.Sprintf("Trường %s %s %d", kind, communes[i%len(communes)], i/len(communes)+1),
			Enrolment: e, ThroughSchool: through, Other: other,
			Reported: reported > 0, Classes: classes, ClassesReported: reported,
			Prev: fig(e, max(through+other-rng.IntN(40), 0)),
		}
		if !u.Reported {
			u.LastWeek = "2026-W46"
		}
		b.Units[i] = u
	}
	return b
}

func BenchmarkSchoolBoard(b *testing.B) {
	board := genSchool(60, 1)
	b.ReportAllocs()
	for b.Loop() {
		_ = RenderSchoolBoard(board)
	}
}

func BenchmarkAreaBoard(b *testing.B) {
	board := genArea(300, 1)
	b.ReportAllocs()
	for b.Loop() {
		_ = RenderAreaBoard(board)
	}
}

// TestChangeAsShown: the change since last week is the difference of the two
// percentages as shown, in the text of both boards and in the workbook: 10,45%
// shows 10,5% and 33,64% shows 33,6%, so the change is ▲ 23,1, not the ▲ 23,2
// of the unrounded figures.
func TestChangeAsShown(t *testing.T) {
	b := areaBoard()
	b.Units = []Unit{{Name: "Trường THCS Mỹ Tú", Enrolment: 10000, ThroughSchool: 3000, Other: 364, Reported: true,
		Classes: 1, ClassesReported: 1, Prev: fig(2000, 209)}}
	for name, text := range map[string]string{"area": RenderAreaBoard(b), "school": RenderSchoolBoard(b)} {
		for _, want := range []string{"<b>33,6%</b> (3.364/10.000) ▲ 23,1\n", "— 33,6% (3.364/10.000) ▲ 23,1"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s board lacks %q:\n%s", name, want, text)
			}
		}
		if strings.Contains(text, "23,2") {
			t.Errorf("%s board shows the unrounded change:\n%s", name, text)
		}
	}
	if a := RenderAreaBoard(b); !strings.Contains(a, "Tiến bộ nhất: Trường THCS Mỹ Tú (▲ 23,1)") {
		t.Errorf("area board's most improved:\n%s", a)
	}
	_, rows := readWorkbook(t, b)
	for i, r := range rows[WorkbookFirstDataRow-1:] {
		if r[6] != "33.6" || r[9] != "23.1" {
			t.Errorf("workbook row %d: rate %q, change %q; want 33.6 and 23.1", WorkbookFirstDataRow+i, r[6], r[9])
		}
	}
}

// TestRankOfAgreesWithRank: the rank of one unit read without sorting is the rank the board
// gives it, over random units with many ties, unreported units and zero enrolments.
func TestRankOfAgreesWithRank(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for round := range 200 {
		units := make([]Unit, rng.IntN(30))
		for i := range units {
			e := rng.IntN(5) * 10 // 0, 10, 20, 30, 40: many equal fractions
			ins := 0
			if e > 0 {
				ins = rng.IntN(e + 1)
			}
			units[i] = Unit{Name: fmt.Sprintf("U%02d", i), Enrolment: e, ThroughSchool: ins, Reported: rng.IntN(4) != 0}
		}
		byName := map[string]int{}
		for _, r := range Rank(units) {
			byName[r.Name] = r.Rank
		}
		for i, u := range units {
			if got := RankOf(units, i); got != byName[u.Name] {
				t.Fatalf("round %d: RankOf(%s) = %d, Rank gives %d", round, u.Name, got, byName[u.Name])
			}
		}
	}
	if RankOf(nil, 0) != 0 || RankOf([]Unit{{Reported: true}}, -1) != 0 {
		t.Error("RankOf out of range is not 0")
	}
}

// TestClosingLines: a board's closing line follows its figures: it reminds only those who
// have not reported or are under the target, and congratulates those who reached it.
func TestClosingLines(t *testing.T) {
	class := func(name string, e, ins int, reported bool) Unit {
		u := Unit{Name: name, Enrolment: e, ThroughSchool: ins, Reported: reported}
		if !reported {
			u.LastWeek = "2026-W46"
		}
		return u
	}
	school := func(name string, e, ins, classes, reported int) Unit {
		return Unit{Name: name, Enrolment: e, ThroughSchool: ins, Reported: reported > 0, Classes: classes,
			ClassesReported: reported, LastWeek: "2026-W46"}
	}
	for _, tc := range []struct {
		name        string
		area, final bool
		units       []Unit
		want, not   []string
	}{
		{"school all reported and complete", false, false,
			[]Unit{class("6A", 42, 42, true), class("6B", 40, 40, true)},
			[]string{"\n🎉 Chúc mừng toàn trường đã đạt 100%!"},
			[]string{"nhắc", "chưa báo cáo", "⏰", "chưa đạt"}},
		{"school complete but one class did not report", false, false,
			[]Unit{class("6A", 42, 42, true), class("6B", 40, 40, true), class("6C", 40, 40, false)},
			[]string{"🎉 Chúc mừng lớp 6A, 6B đã đạt 100%.", "Đề nghị thầy cô nhắc 1 lớp chưa báo cáo gửi số liệu tuần này."},
			[]string{"chưa đạt", "toàn trường đã đạt"}},
		{"school all reported, one under target", false, false,
			[]Unit{class("6A", 42, 42, true), class("6B", 40, 39, true)},
			[]string{"🎉 Chúc mừng lớp 6A đã đạt 100%.", "Đề nghị thầy cô nhắc 1 lớp chưa đạt 100% khẩn trương hoàn thành."},
			[]string{"chưa báo cáo", "🔴 dưới"}},
		{"school nobody done", false, false,
			[]Unit{class("6A", 42, 10, true), class("6B", 40, 30, true), class("6C", 40, 0, false)},
			[]string{"Đề nghị thầy cô nhắc 1 lớp chưa báo cáo gửi số liệu tuần này và 2 lớp chưa đạt 100% (1 lớp 🔴 dưới 50%) khẩn trương hoàn thành."},
			[]string{"Chúc mừng"}},
		{"many done are counted", false, false,
			[]Unit{class("6A", 1, 1, true), class("6B", 1, 1, true), class("6C", 1, 1, true), class("6D", 1, 1, true),
				class("6E", 1, 1, true), class("6G", 1, 1, true), class("6H", 2, 1, true)},
			[]string{"🎉 Chúc mừng 6 lớp đã đạt 100%."}, []string{"Chúc mừng lớp"}},
		{"area all done", true, false,
			[]Unit{school("Trường A", 100, 100, 3, 3), school("Trường B", 50, 50, 2, 2)},
			[]string{"🎉 Chúc mừng toàn khu vực đã đạt 100%!"}, []string{"Đề nghị", "⏰"}},
		{"area schools reported, classes missing", true, false,
			[]Unit{school("Trường A", 100, 100, 3, 2), school("Trường B", 50, 50, 2, 2)},
			[]string{"🎉 Chúc mừng Trường A, Trường B đã đạt 100%.", "Đề nghị các trường nhắc 1 lớp chưa báo cáo gửi số liệu tuần này."},
			[]string{"toàn khu vực đã đạt", "chưa đạt"}},
		{"area one school silent, one under", true, false,
			[]Unit{school("Trường A", 100, 60, 3, 3), school("Trường B", 50, 50, 2, 0)},
			[]string{"Đề nghị 1 trường chưa báo cáo gửi số liệu tuần này và 1 trường chưa đạt 100% khẩn trương hoàn thành."},
			[]string{"Chúc mừng"}},
		{"final all done", false, true,
			[]Unit{class("6A", 42, 42, true)},
			[]string{"🎉 Chúc mừng toàn trường đã đạt 100%!\n🏁 Chiến dịch đã kết thúc"}, []string{"nhắc"}},
		{"final not done", false, true,
			[]Unit{class("6A", 42, 40, true)},
			[]string{"🏁 Chiến dịch đã kết thúc"}, []string{"nhắc", "Chúc mừng"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := schoolBoard()
			b.Units = tc.units
			if tc.final {
				b = final(b)
			}
			render := RenderSchoolBoard
			if tc.area {
				render = RenderAreaBoard
			}
			s := render(b)
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("lacks %q:\n%s", w, s)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(s, n) {
					t.Errorf("says %q:\n%s", n, s)
				}
			}
		})
	}
}
