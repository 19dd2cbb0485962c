package leaderboard

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/font"
)

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// TestChartPNG also writes testdata/school_chart.png and
// testdata/area_chart.png with -update, to look at.
func TestChartPNG(t *testing.T) {
	heights := map[int]int{}
	for _, tc := range []struct {
		name, title string
		units       []Ranked
	}{
		{"school_chart", "Trường THCS Mỹ Tú — tuần 47/2026", Rank(schoolBoard().Units)},
		{"school60_chart", "Trường THCS Mỹ Tú — tuần 47/2026", Rank(genSchool(60, 7).Units)},
		{"area_chart", "Xã Mỹ Tú — tuần 47/2026", Rank(areaBoard().Units)},
		{"area300_chart", "Tỉnh Sóc Trăng / Mỹ Tú — tuần 47/2026", Rank(genArea(300, 7).Units)},
		{"long_names_chart", longTitle, Rank(longNames().Units)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ChartPNG(tc.title, tc.units, 100, 50)
			if err != nil {
				t.Fatal(err)
			}
			size := decodePNG(t, b).Bounds().Size()
			t.Logf("%v, %d bytes", size, len(b))
			if size.X < 800 || size.X > 1600 {
				t.Errorf("width %d", size.X)
			}
			if size.Y < 300 || size.X+size.Y > 10000 || size.Y > 20*size.X {
				t.Errorf("height %d: outside Telegram's photo limits", size.Y)
			}
			heights[len(tc.units)] = size.Y
			if *update && tc.name != "area300_chart" {
				if err := os.WriteFile(filepath.Join("testdata", tc.name+".png"), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	if !(heights[8] < heights[60] && heights[60] < heights[300]) {
		t.Errorf("height does not grow with rows: %v", heights)
	}
}

const longTitle = "Phòng Giáo dục và Đào tạo huyện Mỹ Tú, tỉnh Sóc Trăng (cụm trường liên xã Mỹ Hương – Mỹ Thuận – Long Hưng) — tuần 47/2026"

// longNames is an area board whose schools have long names, one much longer than the name
// column.
func longNames() Board {
	b := areaBoard()
	b.Title = longTitle
	b.Units[0].Name = "Trường Phổ thông Dân tộc Nội trú Trung học cơ sở và Trung học phổ thông huyện Mỹ Tú"
	b.Units[1].Name = "Trường Tiểu học và Trung học cơ sở Nguyễn Thị Minh Khai"
	b.Units[6].Name = "Trường Trung học cơ sở Thị trấn Huỳnh Hữu Nghĩa số 2"
	return b
}

func TestChartPNGLimits(t *testing.T) {
	if _, err := ChartPNG("x", nil, 100, 50); err == nil {
		t.Error("no error for no units")
	}
	if _, err := ChartPNG("x", make([]Ranked, MaxChartRows+1), 100, 50); err == nil {
		t.Error("no error for too many units")
	}
	one := Rank([]Unit{{Name: "Lớp 6A", Enrolment: 0, Reported: true}})
	if _, err := ChartPNG("Tỷ lệ", one, 95, 50); err != nil {
		t.Errorf("zero enrolment: %v", err)
	}
}

func BenchmarkSchoolChart(b *testing.B) {
	units := Rank(genSchool(60, 1).Units)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ChartPNG("Trường THCS Mỹ Tú", units, 100, 50); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAreaChart(b *testing.B) {
	units := Rank(genArea(300, 1).Units)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ChartPNG("Mỹ Tú", units, 100, 50); err != nil {
			b.Fatal(err)
		}
	}
}

// TestChartData: what the chart shows for given units, before drawing.
func TestChartData(t *testing.T) {
	m := ChartData("Trường THCS Mỹ Tú", Rank(schoolBoard().Units), 100, 50)
	type bar struct {
		name  string
		cat   ChartCategory
		pct   float64
		label string
	}
	want := []bar{
		{"6A", ChartTargetMet, 100, "100% (42/42)"},
		{"6B", ChartBelowTarget, 95, "95% (38/40)"},
		{"7B", ChartBelowTarget, 95, "95% (19/20)"},
		{"9C <CLC>", ChartBelowTarget, 83.3, "83,3% (25/30)"},
		{"7A", ChartBelowWarn, 39.5, "39,5% (15/38)"},
		{"8A", ChartBelowWarn, 0, "0% (0/35)"},
		{"9A", ChartNotReported, 0, "chưa báo cáo (tuần 45/2026: 56,1%)"},
		{"9B", ChartNotReported, 0, "chưa báo cáo"},
	}
	if len(m.Bars) != len(want) {
		t.Fatalf("%d bars, want %d (no reference bars): %+v", len(m.Bars), len(want), m.Bars)
	}
	for i, w := range want {
		g := m.Bars[i]
		if g.Name != w.name || g.Category != w.cat || g.Percent != w.pct || g.Label != w.label || g.Color != categoryColor(w.cat) {
			t.Errorf("bar %d = %+v, want %+v", i, g, w)
		}
	}
	legend := func(m ChartModel) []string {
		var s []string
		for _, e := range m.Legend {
			s = append(s, e.Text)
		}
		return s
	}
	if got := legend(m); !slices.Equal(got, []string{"Đạt 100%", "50% đến dưới 100%", "Dưới 50%", "Chưa báo cáo"}) {
		t.Errorf("legend %q", got)
	}
	if len(m.Lines) != 2 || m.Lines[0] != (ChartLine{100, "Mục tiêu 100%"}) || m.Lines[1] != (ChartLine{50, "Ngưỡng 50%"}) {
		t.Errorf("lines %+v", m.Lines)
	}
	if m.Max != 100 {
		t.Errorf("scale max %v", m.Max)
	}

	// Only the categories present, and a target under 100 in words.
	m = ChartData("x", Rank([]Unit{
		{Name: "6A", Enrolment: 40, ThroughSchool: 39, Reported: true},
		{Name: "6B", Enrolment: 40, ThroughSchool: 30, Reported: true},
	}), 95, 50)
	if got := legend(m); !slices.Equal(got, []string{"Đạt 95% trở lên", "50% đến dưới 95%"}) {
		t.Errorf("legend %q", got)
	}
	for _, b := range m.Bars {
		if strings.Contains(b.Label, ",0%") {
			t.Errorf("label %q: a whole percentage is written without ,0", b.Label)
		}
	}
}

// drawForTest draws the model and returns it with its layout.
func drawForTest(t *testing.T, m ChartModel) (*image.RGBA, chartLayout) {
	t.Helper()
	img, l, err := drawChart(m)
	if err != nil {
		t.Fatal(err)
	}
	return img, l
}

func countColor(img image.Image, r image.Rectangle, c color.RGBA) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == c {
				n++
			}
		}
	}
	return n
}

// TestChartPixels reads the drawn picture: an unreported unit's row has no bar pixels and
// grey words; a reported unit's bar has its colour and ends at its percentage; the two
// reference lines are drawn; a real 0% gets a red stub.
func TestChartPixels(t *testing.T) {
	m := ChartData("Trường THCS Mỹ Tú — tuần 47/2026", Rank(schoolBoard().Units), 100, 50)
	img, l := drawForTest(t, m)
	barColors := []color.RGBA{colorGreen, colorYellow, colorRed}
	for i, b := range m.Bars {
		row := image.Rect(l.x0+2, l.rowTop(i), l.xMax, l.rowTop(i+1))
		if b.Category == ChartNotReported {
			for _, c := range barColors {
				if n := countColor(img, row, c); n > 0 {
					t.Errorf("%s (not reported): %d pixels of bar colour %v", b.Name, n, c)
				}
			}
			if n := countColor(img, row, colorGreyText); n < 50 {
				t.Errorf("%s (not reported): %d grey text pixels", b.Name, n)
			}
			continue
		}
		box := l.barBox(i, b.Percent)
		mid := box.Min.Y + box.Dy()/2
		if b.Percent > 0 {
			// Away from the reference lines, which are drawn over the bars.
			x := box.Min.X + box.Dx()/3
			if got := color.RGBAModel.Convert(img.At(x, mid)).(color.RGBA); got != b.Color {
				t.Errorf("%s: bar colour %v at x=%d, want %v", b.Name, got, x, b.Color)
			}
			if got := color.RGBAModel.Convert(img.At(box.Max.X+2, mid)).(color.RGBA); got == b.Color {
				t.Errorf("%s: bar runs past %s", b.Name, FormatPercent(b.Percent))
			}
		} else if n := countColor(img, image.Rect(l.x0, box.Min.Y, l.x0+4, box.Max.Y), colorRed); n == 0 {
			t.Errorf("%s: a real 0%% has no stub", b.Name)
		}
		// The value label is right of the scale, where no reference line runs.
		if n := countColor(img, image.Rect(l.labelX, l.rowTop(i), l.width, l.rowTop(i+1)), colorInk); n < 20 {
			t.Errorf("%s: value label missing (%d ink pixels)", b.Name, n)
		}
	}
	for _, ln := range m.Lines {
		x := l.xOf(ln.Value)
		col := image.Rect(x-1, l.plotTop, x+1, l.rowTop(len(m.Bars)))
		if n := countColor(img, col, colorRef); n < col.Dy() {
			t.Errorf("line %q: %d dash pixels over %d px", ln.Label, n, col.Dy())
		}
		if x >= l.labelX {
			t.Errorf("line %q at x=%d crosses the value labels from x=%d", ln.Label, x, l.labelX)
		}
	}
	// The line labels are 18 px bold: their blue ink is at least 12 px tall.
	for k, ln := range m.Lines {
		top, bottom := -1, -1
		for y := l.lineLabelY[k] - chartLabelSize - 4; y < l.lineLabelY[k]+6; y++ {
			if countColor(img, image.Rect(l.lineLabelX[k], y, l.lineLabelX[k]+textWidthFor(t, ln.Label), y+1), colorRef) > 0 {
				if top < 0 {
					top = y
				}
				bottom = y
			}
		}
		if top < 0 || bottom-top+1 < 12 {
			t.Errorf("line label %q: ink %d..%d, under 12 px tall", ln.Label, top, bottom)
		}
	}
}

func textWidthFor(t *testing.T, s string) int {
	t.Helper()
	fonts, err := chartFonts()
	if err != nil {
		t.Fatal(err)
	}
	faces := &chartFaces{regular: fonts[0], bold: fonts[1], cache: map[[2]float64]font.Face{}}
	return textWidth(faces.face(true, chartLabelSize), s)
}

// TestChartFits: a 60-class school and very long names keep every row inside the picture,
// every name within its column, and the title on at most two lines.
func TestChartFits(t *testing.T) {
	for name, units := range map[string][]Ranked{
		"60 classes": Rank(genSchool(60, 7).Units),
		"long names": Rank(longNames().Units),
	} {
		t.Run(name, func(t *testing.T) {
			m := ChartData(longTitle, units, 100, 50)
			_, l := drawForTest(t, m)
			if len(l.titleLines) > 2 {
				t.Errorf("title in %d lines", len(l.titleLines))
			}
			if l.rowTop(len(m.Bars)) > l.axisY || l.axisY > l.height {
				t.Errorf("rows end at %d, axis at %d, picture %d", l.rowTop(len(m.Bars)), l.axisY, l.height)
			}
			if l.xMax-l.x0 < 300 {
				t.Errorf("plot only %d px wide", l.xMax-l.x0)
			}
			if l.labelX+1 > l.width-chartPad {
				t.Errorf("labels start at %d", l.labelX)
			}
			for i, lines := range l.names {
				if len(lines) == 0 || len(lines) > 2 {
					t.Errorf("%s: %d name lines", m.Bars[i].Name, len(lines))
				}
			}
		})
	}
}

// TestChartGolden: the sample charts are what the code draws (rerun with -update and look
// at them when the drawing changes on purpose; TestChartPNG, which runs first, writes them).
func TestChartGolden(t *testing.T) {
	for name, units := range map[string][]Ranked{
		"school_chart":     Rank(schoolBoard().Units),
		"school60_chart":   Rank(genSchool(60, 7).Units),
		"area_chart":       Rank(areaBoard().Units),
		"long_names_chart": Rank(longNames().Units),
	} {
		t.Run(name, func(t *testing.T) {
			title := "Trường THCS Mỹ Tú — tuần 47/2026"
			switch name {
			case "area_chart":
				title = "Xã Mỹ Tú — tuần 47/2026"
			case "long_names_chart":
				title = longTitle
			}
			b, err := ChartPNG(title, units, 100, 50)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata", name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			g, w := decodePNG(t, b), decodePNG(t, want)
			if g.Bounds() != w.Bounds() {
				t.Fatalf("size %v, golden %v", g.Bounds(), w.Bounds())
			}
			diff := 0
			for y := g.Bounds().Min.Y; y < g.Bounds().Max.Y; y++ {
				for x := g.Bounds().Min.X; x < g.Bounds().Max.X; x++ {
					if color.RGBAModel.Convert(g.At(x, y)) != color.RGBAModel.Convert(w.At(x, y)) {
						diff++
					}
				}
			}
			if diff > 0 {
				t.Errorf("%d pixels differ from testdata/%s.png (rerun with -update and look at it)", diff, name)
			}
		})
	}
}
