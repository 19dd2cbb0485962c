package leaderboard

import (
	"bytes"
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strings"
	"sync"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// DejaVu Sans covers Vietnamese (precomposed Latin Extended Additional and
// combining marks). See fonts/LICENSE.
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

	chartPad       = 24
	chartMaxNameW  = 400 // the name column; longer names get a smaller font, then "…"
	chartBarShare  = 0.72
	chartLabelSize = 18 // legend, reference lines and axis: 18 px
)

var (
	colorGreen    = color.RGBA{R: 46, G: 160, B: 67, A: 255}
	colorYellow   = color.RGBA{R: 240, G: 180, B: 0, A: 255}
	colorRed      = color.RGBA{R: 214, G: 48, B: 49, A: 255}
	colorGreyText = color.RGBA{R: 110, G: 110, B: 110, A: 255}
	colorRef      = color.RGBA{R: 60, G: 90, B: 160, A: 255}
	colorInk      = color.RGBA{R: 20, G: 20, B: 20, A: 255}
	colorSubtle   = color.RGBA{R: 80, G: 80, B: 80, A: 255}
	colorGrid     = color.RGBA{R: 226, G: 226, B: 226, A: 255}
	colorZebra    = color.RGBA{R: 245, G: 246, B: 248, A: 255}
)

// ChartCategory is what a bar's colour says.
type ChartCategory int

// The categories of a chart, in legend order.
const (
	ChartBelowWarn   ChartCategory = iota // red: under the warning threshold
	ChartBelowTarget                      // yellow: from the threshold up to the target
	ChartTargetMet                        // green
	ChartNotReported                      // no bar, grey "chưa báo cáo"
)

// ChartBar is one unit's row of a chart.
type ChartBar struct {
	Name     string
	Category ChartCategory
	// Percent is the bar's length (the coverage as shown); 0 and unused for a unit that
	// has not reported, which gets no bar.
	Percent float64
	// Label is written after the bar ("90,5% (38/42)"), or in place of the bar for a unit
	// that has not reported ("chưa báo cáo (tuần 45/2026: 56,1%)").
	Label string
	Color color.RGBA
}

// ChartLegendEntry is one entry of a chart's legend.
type ChartLegendEntry struct {
	Text  string
	Color color.RGBA
}

// ChartLine is a dashed vertical reference line (target, warning threshold).
type ChartLine struct {
	Value float64
	Label string
}

// ChartModel is what a chart shows, before drawing: ChartPNG draws exactly this.
type ChartModel struct {
	Title, Subtitle string
	Bars            []ChartBar // top to bottom
	Legend          []ChartLegendEntry
	Lines           []ChartLine
	Max             float64 // the value at the right end of the scale
}

// ChartData builds the chart of units (as Rank returns them, best on top): one row per
// unit; a unit that reported this week gets a bar coloured by its light and labelled with
// its coverage and pupils ("90,5% (38/42)"); one that has not gets no bar and a grey
// "chưa báo cáo", with its last figure when it has one, so it is never read as 0%. The
// legend lists only the categories present, in a principal's words.
func ChartData(title string, units []Ranked, target, warn float64) ChartModel {
	m := ChartModel{
		Title:    title,
		Subtitle: "Tỷ lệ học sinh tham gia BHYT (số tham gia/sĩ số)",
		Bars:     make([]ChartBar, len(units)),
		Max:      math.Max(100, target),
	}
	var present [4]bool
	for i, u := range units {
		b := ChartBar{Name: u.Name}
		if u.Reported {
			b.Category = ChartCategory(u.Light(target, warn))
			b.Percent = u.Percent
			b.Label = FormatPercent(u.Percent) + " (" + formatInt(u.Insured()) + "/" + formatInt(u.Enrolment) + ")"
			m.Max = math.Max(m.Max, u.Percent)
		} else {
			b.Category = ChartNotReported
			b.Label = "chưa báo cáo"
			if u.LastWeek != "" {
				b.Label += " (" + FormatWeek(u.LastWeek) + ": " + FormatPercent(u.Percent) + ")"
			}
		}
		b.Color = categoryColor(b.Category)
		present[b.Category] = true
		m.Bars[i] = b
	}
	m.Max = math.Ceil(m.Max/25) * 25
	met := "Đạt " + FormatPercent(target)
	if target < 100 {
		met += " trở lên"
	}
	words := [4]string{
		"Dưới " + FormatPercent(warn),
		FormatPercent(warn) + " đến dưới " + FormatPercent(target),
		met,
		"Chưa báo cáo",
	}
	for c := ChartTargetMet; c >= ChartBelowWarn; c-- {
		if present[c] {
			m.Legend = append(m.Legend, ChartLegendEntry{Text: words[c], Color: categoryColor(c)})
		}
	}
	if present[ChartNotReported] {
		m.Legend = append(m.Legend, ChartLegendEntry{Text: words[ChartNotReported], Color: categoryColor(ChartNotReported)})
	}
	m.Lines = []ChartLine{{Value: target, Label: "Mục tiêu " + FormatPercent(target)}}
	if warn > 0 && warn < target {
		m.Lines = append(m.Lines, ChartLine{Value: warn, Label: "Ngưỡng " + FormatPercent(warn)})
	}
	return m
}

func categoryColor(c ChartCategory) color.RGBA {
	switch c {
	case ChartTargetMet:
		return colorGreen
	case ChartBelowTarget:
		return colorYellow
	case ChartBelowWarn:
		return colorRed
	}
	return colorGreyText
}

// chartLayout is where ChartPNG puts things; the tests read pixels through it.
type chartLayout struct {
	width, height  int
	titleSize      float64
	titleLines     []string
	names          [][]string // each row's name, in one line or two (in twoLineSize)
	twoLineSize    float64
	rowSize        float64 // the font of names and labels
	nameSize       float64 // smaller than rowSize when a name is too long
	titleY, subY   int     // baselines
	legendY        int     // top of the legend row
	lineLabelY     []int   // baseline of each reference line's label
	lineLabelX     []int   // left edge of each reference line's label
	plotTop        int     // top of the first row
	rowH           int
	nameRight      int // names end here
	x0, xMax       int // the scale's 0 and Max
	labelX         int // value labels start here, right of the scale
	axisY          int // baseline of the axis labels
	max            float64
	refLabelHeight int
}

func (l *chartLayout) xOf(v float64) int {
	return l.x0 + int(math.Round(v/l.max*float64(l.xMax-l.x0)))
}

func (l *chartLayout) rowTop(i int) int { return l.plotTop + i*l.rowH }

// barBox is the rectangle of row i's bar for a value.
func (l *chartLayout) barBox(i int, v float64) image.Rectangle {
	h := int(math.Round(float64(l.rowH) * chartBarShare))
	top := l.rowTop(i) + (l.rowH-h)/2
	return image.Rect(l.x0, top, l.xOf(v), top+h)
}

type chartFaces struct {
	regular, bold *truetype.Font
	cache         map[[2]float64]font.Face
}

func (f *chartFaces) face(bold bool, size float64) font.Face {
	k := [2]float64{size, 0}
	fnt := f.regular
	if bold {
		k[1] = 1
		fnt = f.bold
	}
	if fc, ok := f.cache[k]; ok {
		return fc
	}
	fc := truetype.NewFace(fnt, &truetype.Options{Size: size, DPI: 72, Hinting: font.HintingFull})
	f.cache[k] = fc
	return fc
}

func textWidth(face font.Face, s string) int { return font.MeasureString(face, s).Ceil() }

// wrapWords breaks s at spaces into lines at most w px wide (a word wider than w gets a
// line of its own).
func wrapWords(face font.Face, s string, w int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line == "" {
			line = word
			continue
		}
		if textWidth(face, line+" "+word) <= w {
			line += " " + word
			continue
		}
		lines = append(lines, line)
		line = word
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// ellipsize shortens s with "…" until it is at most w px wide.
func ellipsize(face font.Face, s string, w int) string {
	if textWidth(face, s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		if t := string(r) + "…"; textWidth(face, t) <= w {
			return t
		}
	}
	return "…"
}

func layoutChart(m ChartModel, faces *chartFaces) chartLayout {
	l := chartLayout{width: chartWidth, max: m.Max}
	n := len(m.Bars)
	l.rowH = chartRowHeight
	// The chrome is at most chartChrome+56 px, so MaxChartRows rows of 24 px fit.
	if chartChrome+n*l.rowH > chartMaxHeight {
		l.rowH = max((chartMaxHeight-chartChrome-56)/n, chartMinRowH)
	}
	l.rowSize = math.Min(22, float64(l.rowH)/2)

	// The title takes up to two lines at 30 px, smaller (down to 22 px) when it needs more.
	for l.titleSize = 30; ; l.titleSize -= 2 {
		l.titleLines = wrapWords(faces.face(true, l.titleSize), m.Title, chartWidth-2*chartPad)
		if len(l.titleLines) <= 2 || l.titleSize <= 22 {
			break
		}
	}
	if len(l.titleLines) > 2 {
		l.titleLines = []string{l.titleLines[0], ellipsize(faces.face(true, l.titleSize),
			strings.Join(l.titleLines[1:], " "), chartWidth-2*chartPad)}
	}
	l.titleY = chartPad + int(l.titleSize)
	l.subY = l.titleY + (len(l.titleLines)-1)*int(l.titleSize*1.25) + 30
	l.legendY = l.subY + 18

	// Name column: as wide as the longest name, up to chartMaxNameW; a longer name takes two
	// lines in a smaller font when the rows are tall enough, else ends in "…".
	l.nameSize = l.rowSize
	nameFace := faces.face(false, l.nameSize)
	widest := 0
	for _, b := range m.Bars {
		widest = max(widest, textWidth(nameFace, b.Name))
	}
	l.nameRight = chartPad + min(widest, chartMaxNameW)
	l.x0 = l.nameRight + 12
	l.names = make([][]string, len(m.Bars))
	l.twoLineSize = math.Floor(float64(l.rowH) * 0.38)
	small := faces.face(false, l.twoLineSize)
	for i, b := range m.Bars {
		switch w := l.nameRight - chartPad; {
		case textWidth(nameFace, b.Name) <= w:
			l.names[i] = []string{b.Name}
		case l.rowH >= 40:
			lines := wrapWords(small, b.Name, w)
			if len(lines) > 2 {
				lines = []string{lines[0], strings.Join(lines[1:], " ")}
			}
			for k := range lines {
				lines[k] = ellipsize(small, lines[k], w)
			}
			l.names[i] = lines
		default:
			l.names[i] = []string{ellipsize(nameFace, b.Name, w)}
		}
	}

	// Value labels get their own column right of the scale, so no reference line crosses them.
	labelW := 0
	rowFace := faces.face(false, l.rowSize)
	for _, b := range m.Bars {
		if b.Category != ChartNotReported {
			labelW = max(labelW, textWidth(rowFace, b.Label))
		}
	}
	l.labelX = chartWidth - chartPad - labelW
	l.xMax = l.labelX - 16

	// Reference line labels above the plot, one row, or two when they would overlap.
	small = faces.face(true, chartLabelSize)
	l.refLabelHeight = chartLabelSize + 8
	top := l.legendY + 28 + 14
	row0 := top + chartLabelSize
	var prevRight []int // right edge of the last label on each label row
	for _, ln := range m.Lines {
		w := textWidth(small, ln.Label)
		x := l.xOf(ln.Value) - w/2
		x = max(min(x, chartWidth-chartPad-w), chartPad)
		r := 0
		for r < len(prevRight) && x < prevRight[r]+12 {
			r++
		}
		if r == len(prevRight) {
			prevRight = append(prevRight, 0)
		}
		prevRight[r] = x + w
		l.lineLabelX = append(l.lineLabelX, x)
		l.lineLabelY = append(l.lineLabelY, row0+r*l.refLabelHeight)
	}
	l.plotTop = top + len(prevRight)*l.refLabelHeight + 6
	l.axisY = l.plotTop + n*l.rowH + 8 + chartLabelSize
	l.height = l.axisY + chartPad
	return l
}

// ChartPNG draws units (as returned by Rank, in that order, best on top) as a horizontal
// bar chart PNG: ChartData's rows, legend and two dashed lines, at the target and at the
// warning threshold (warn), labelled above the plot. The picture is 1080 px wide and grows
// by 44 px per unit (less past about 190 units); at most MaxChartRows units.
//
// Telegram scales a photo down to 2560 px on its longest side, so a chart of more than
// about 50 units reads better sent as a document.
func ChartPNG(title string, units []Ranked, target, warn float64) ([]byte, error) {
	if len(units) == 0 {
		return nil, fmt.Errorf("leaderboard: chart %q: no units", title)
	}
	if len(units) > MaxChartRows {
		return nil, fmt.Errorf("leaderboard: chart %q: %d units, at most %d fit a photo", title, len(units), MaxChartRows)
	}
	img, _, err := drawChart(ChartData(title, units, target, warn))
	if err != nil {
		return nil, fmt.Errorf("leaderboard: chart %q: %w", title, err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("leaderboard: chart %q: encode: %w", title, err)
	}
	return buf.Bytes(), nil
}

func drawChart(m ChartModel) (*image.RGBA, chartLayout, error) {
	fonts, err := chartFonts()
	if err != nil {
		return nil, chartLayout{}, err
	}
	faces := &chartFaces{regular: fonts[0], bold: fonts[1], cache: map[[2]float64]font.Face{}}
	l := layoutChart(m, faces)
	img := image.NewRGBA(image.Rect(0, 0, l.width, l.height))
	fill(img, img.Bounds(), color.RGBA{R: 255, G: 255, B: 255, A: 255})

	text := func(face font.Face, c color.RGBA, x, baseline int, s string) {
		d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, baseline)}
		d.DrawString(s)
	}
	centered := func(face font.Face, c color.RGBA, baseline int, s string) {
		s = ellipsize(face, s, l.width-2*chartPad)
		text(face, c, (l.width-textWidth(face, s))/2, baseline, s)
	}

	for k, line := range l.titleLines {
		centered(faces.face(true, l.titleSize), colorInk, l.titleY+k*int(l.titleSize*1.25), line)
	}
	centered(faces.face(false, 20), colorSubtle, l.subY, m.Subtitle)

	// Legend, centred: a swatch and the words of each category present.
	legendFace := faces.face(false, chartLabelSize)
	total := 0
	for i, e := range m.Legend {
		total += 22 + textWidth(legendFace, e.Text)
		if i > 0 {
			total += 24
		}
	}
	x := (l.width - total) / 2
	for _, e := range m.Legend {
		fill(img, image.Rect(x, l.legendY+4, x+16, l.legendY+20), e.Color)
		text(legendFace, colorInk, x+22, l.legendY+18, e.Text)
		x += 22 + textWidth(legendFace, e.Text) + 24
	}

	bottom := l.rowTop(len(m.Bars))
	for i := range m.Bars {
		if i%2 == 1 {
			fill(img, image.Rect(chartPad/2, l.rowTop(i), l.width-chartPad/2, l.rowTop(i+1)), colorZebra)
		}
	}
	for v := 0.0; v <= l.max+1e-9; v += 25 {
		x := l.xOf(v)
		fill(img, image.Rect(x, l.plotTop, x+1, bottom), colorGrid)
		s := FormatPercent(v)
		text(legendFace, colorSubtle, x-textWidth(legendFace, s)/2, l.axisY, s)
	}

	rowFace := faces.face(false, l.rowSize)
	nameFace := faces.face(false, l.nameSize)
	capH := int(l.rowSize * 0.36) // half the height of a capital
	for i, b := range m.Bars {
		baseline := l.rowTop(i) + l.rowH/2 + capH
		nameColor := colorInk
		if b.Category == ChartNotReported {
			nameColor = colorGreyText
		}
		if lines := l.names[i]; len(lines) == 1 {
			text(nameFace, nameColor, l.nameRight-textWidth(nameFace, lines[0]), baseline, lines[0])
		} else {
			small := faces.face(false, l.twoLineSize)
			lh := int(l.twoLineSize * 1.15)
			first := l.rowTop(i) + (l.rowH-len(lines)*lh)/2 + int(l.twoLineSize*0.9)
			for k, line := range lines {
				text(small, nameColor, l.nameRight-textWidth(small, line), first+k*lh, line)
			}
		}
		if b.Category == ChartNotReported {
			continue // its words go over the reference lines, below
		}
		box := l.barBox(i, b.Percent)
		if box.Dx() < 3 {
			// A real 0%: a stub, so the row reads as a measured figure, not a missing one.
			box.Max.X = box.Min.X + 3
		}
		fill(img, box, b.Color)
		text(rowFace, colorInk, l.labelX, baseline, b.Label)
	}
	// The axis line, over the row backgrounds.
	fill(img, image.Rect(l.x0-1, l.plotTop, l.x0+1, bottom), colorSubtle)

	lineFace := faces.face(true, chartLabelSize)
	for k, ln := range m.Lines {
		x := l.xOf(ln.Value)
		for y := l.lineLabelY[k] + 4; y < bottom; y += 10 {
			fill(img, image.Rect(x-1, y, x+1, min(y+6, bottom)), colorRef)
		}
		w := textWidth(lineFace, ln.Label)
		lx := l.lineLabelX[k]
		fill(img, image.Rect(lx-3, l.lineLabelY[k]-chartLabelSize, lx+w+3, l.lineLabelY[k]+5),
			color.RGBA{R: 255, G: 255, B: 255, A: 255})
		text(lineFace, colorRef, lx, l.lineLabelY[k], ln.Label)
	}
	// A unit that has not reported says so where its bar would be, on its row's background,
	// so no reference line runs through the words.
	for i, b := range m.Bars {
		if b.Category != ChartNotReported {
			continue
		}
		bg := color.RGBA{R: 255, G: 255, B: 255, A: 255}
		if i%2 == 1 {
			bg = colorZebra
		}
		s := ellipsize(rowFace, b.Label, l.width-chartPad-l.x0-8)
		x := l.x0 + 8
		fill(img, image.Rect(x-4, l.rowTop(i)+2, x+textWidth(rowFace, s)+4, l.rowTop(i+1)-2), bg)
		text(rowFace, colorGreyText, x, l.rowTop(i)+l.rowH/2+capH, s)
	}
	return img, l, nil
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}
