package leaderboard

import (
	_ "embed"
	"fmt"
	"math"
	"sync"

	"github.com/go-analyze/charts"
	"github.com/golang/freetype/truetype"
)

// DejaVu Sans covers Vietnamese (precomposed Latin Extended Additional and
// combining marks); the charts library's bundled fonts are not relied on.
// See fonts/LICENSE.
var (
	//go:embed fonts/DejaVuSans.ttf
	dejaVuSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	dejaVuSansBold []byte
)

var chartFonts = sync.OnceValues(func() ([2]*truetype.Font, error) {
	regular, err := truetype.Parse(dejaVuSans)
	if err != nil {
		return [2]*truetype.Font{}, fmt.Errorf("leaderboard: parse DejaVuSans: %w", err)
	}
	bold, err := truetype.Parse(dejaVuSansBold)
	if err != nil {
		return [2]*truetype.Font{}, fmt.Errorf("leaderboard: parse DejaVuSans-Bold: %w", err)
	}
	return [2]*truetype.Font{regular, bold}, nil
})

// Chart geometry. A row is 44 px with a 22 px label, legible when a phone
// shows the 1080 px picture at its screen width; boards with many rows get
// thinner rows so the picture stays within Telegram's photo limits
// (width + height ≤ 10000).
const (
	chartWidth     = 1080
	chartRowHeight = 44
	chartMinRowH   = 24
	chartChrome    = 240 // title, legend, axis and margins
	chartMaxHeight = 8800
	// MaxChartRows is the most units ChartPNG draws (with 24 px rows).
	MaxChartRows = (chartMaxHeight-chartChrome)/chartMinRowH - 2
)

var (
	colorGreen  = charts.Color{R: 46, G: 160, B: 67, A: 255}
	colorYellow = charts.Color{R: 240, G: 180, B: 0, A: 255}
	colorRed    = charts.Color{R: 214, G: 48, B: 49, A: 255}
	colorGrey   = charts.Color{R: 170, G: 170, B: 170, A: 255}
	colorRef    = charts.Color{R: 60, G: 90, B: 160, A: 255}
)

// ChartPNG draws units (as returned by Rank, in that order, best on top) as
// a horizontal bar chart PNG: one bar per unit, coloured by its traffic light
// (grey for units that have not reported this week, drawn with their
// carried-forward figure), its coverage written at the end of the bar, and
// two vertical lines at the target and at the warning threshold (warn),
// which also get a labelled reference bar each at the top. The picture is
// 1080 px wide and grows by 44 px per unit (less past 190 units); at most
// MaxChartRows units.
//
// Telegram scales a photo down to 2560 px on its longest side, so a chart of
// more than about 50 units reads better sent as a document.
func ChartPNG(title string, units []Ranked, target, warn float64) ([]byte, error) {
	if len(units) == 0 {
		return nil, fmt.Errorf("leaderboard: chart %q: no units", title)
	}
	if len(units) > MaxChartRows {
		return nil, fmt.Errorf("leaderboard: chart %q: %d units, at most %d fit a photo", title, len(units), MaxChartRows)
	}
	fonts, err := chartFonts()
	if err != nil {
		return nil, err
	}
	regular, bold := fonts[0], fonts[1]

	// The bar chart draws category 0 at the bottom: put the best unit last,
	// and the two reference rows after it, on top.
	n := len(units) + 2
	labels := make([]string, n)
	series := make([][]float64, 5) // reference, green, yellow, red, grey
	for s := range series {
		series[s] = make([]float64, n)
		for j := range series[s] {
			series[s][j] = charts.GetNullValue()
		}
	}
	maxValue := math.Max(100, target)
	for i, u := range units {
		j := len(units) - 1 - i
		labels[j] = u.Name
		s := 4
		if u.Reported {
			s = 1 + int(LightGreen-u.Light(target, warn))
		}
		series[s][j] = u.Percent
		maxValue = math.Max(maxValue, u.Percent)
	}
	labels[n-2] = "Ngưỡng " + FormatThreshold(warn)
	labels[n-1] = "Mục tiêu " + FormatThreshold(target)
	series[0][n-2] = warn
	series[0][n-1] = target

	rowH := chartRowHeight
	if chartChrome+n*rowH > chartMaxHeight {
		rowH = max((chartMaxHeight-chartChrome)/n, chartMinRowH)
	}
	height := chartChrome + n*rowH
	label := float64(rowH) / 2
	dark := charts.Color{R: 20, G: 20, B: 20, A: 255}
	sl := charts.NewSeriesListBar(series, charts.BarSeriesOption{
		Label: charts.SeriesLabel{
			Show:           charts.Ptr(true),
			FontStyle:      charts.FontStyle{Font: regular, FontSize: label * 0.95, FontColor: dark},
			ValueFormatter: FormatPercent,
		},
	})
	names := []string{
		"Mốc",
		"Đạt mục tiêu",
		"Từ " + FormatThreshold(warn),
		"Dưới " + FormatThreshold(warn),
		"Chưa báo cáo",
	}
	for k := range sl {
		sl[k].Name = names[k]
	}
	sl[0].Label.ValueFormatter = FormatThreshold
	sl[0].MarkLine = charts.SeriesMarkLine{
		ValueFormatter: FormatThreshold,
		Lines:          charts.NewSeriesMarkList(charts.SeriesMarkTypeMax, charts.SeriesMarkTypeMin),
	}

	opt := charts.NewBarChartOptionWithSeries(sl)
	opt.Horizontal = true
	opt.StackSeries = charts.Ptr(true)
	opt.Theme = charts.GetTheme(charts.ThemeLight).WithSeriesColors(
		[]charts.Color{colorRef, colorGreen, colorYellow, colorRed, colorGrey})
	opt.BarSize = 0.72
	opt.Padding = charts.NewBox(24, 24, 110, 24)
	opt.Title = charts.TitleOption{
		Text:      title,
		Subtext:   "Tỷ lệ tham gia BHYT học sinh (%)",
		Offset:    charts.OffsetCenter,
		FontStyle: charts.FontStyle{Font: bold, FontSize: 30, FontColor: dark},
		SubtextFontStyle: charts.FontStyle{
			Font: regular, FontSize: 20, FontColor: charts.Color{R: 80, G: 80, B: 80, A: 255},
		},
	}
	opt.Legend = charts.LegendOption{
		SeriesNames: names,
		Offset:      charts.OffsetStr{Left: charts.PositionCenter, Top: "88"},
		FontStyle:   charts.FontStyle{Font: regular, FontSize: 18, FontColor: dark},
	}
	opt.CategoryAxis = charts.CategoryAxisOption{
		Labels:         labels,
		LabelFontStyle: charts.FontStyle{Font: regular, FontSize: label, FontColor: dark},
	}
	opt.ValueAxis = []charts.ValueAxisOption{{
		Min:            charts.Ptr(0.0),
		Max:            charts.Ptr(math.Ceil(maxValue/25) * 25),
		Unit:           25,
		LabelCount:     5,
		LabelFontStyle: charts.FontStyle{Font: regular, FontSize: 18, FontColor: dark},
		ValueFormatter: FormatThreshold,
	}}

	p := charts.NewPainter(charts.PainterOptions{
		OutputFormat: charts.ChartOutputPNG,
		Width:        chartWidth,
		Height:       height,
		Font:         regular,
	})
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("leaderboard: chart %q: %w", title, err)
	}
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("leaderboard: chart %q: encode: %w", title, err)
	}
	return b, nil
}
