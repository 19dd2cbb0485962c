package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/bhytbot/bhytbot/leaderboard"
)

// trendSVG draws coverage per week as an inline SVG line chart: no script, no external file,
// sized by its viewBox so it fits a phone and a printed page alike. The dashed lines are the
// warning threshold and the target.
func trendSVG(pts []trendPoint, warn, target float64) template.HTML {
	if len(pts) == 0 {
		return ""
	}
	const (
		w, h                     = 640.0, 240.0
		left, right, top, bottom = 56.0, 30.0, 20.0, 40.0
	)
	pw, ph := w-left-right, h-top-bottom
	x := func(i int) float64 {
		if len(pts) == 1 {
			return left + pw/2
		}
		return left + pw*float64(i)/float64(len(pts)-1)
	}
	y := func(p float64) float64 { return top + ph*(1-p/100) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="xu-huong" viewBox="0 0 %.0f %.0f" role="img" aria-label="Tỷ lệ tham gia BHYT theo tuần" xmlns="http://www.w3.org/2000/svg">`, w, h)
	for _, g := range []float64{0, 25, 50, 75, 100} {
		fmt.Fprintf(&b, `<line class="luoi" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/><text class="nhan" x="%.1f" y="%.1f" text-anchor="end">%s</text>`,
			left, y(g), w-right, y(g), left-6, y(g)+4, template.HTMLEscapeString(leaderboard.FormatThreshold(g)))
	}
	for _, l := range []struct {
		cls string
		v   float64
	}{{"nguong", warn}, {"muctieu", target}} {
		if l.v > 0 && l.v < 100 {
			fmt.Fprintf(&b, `<line class="%s" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, l.cls, left, y(l.v), w-right, y(l.v))
		}
	}
	var line strings.Builder
	for i, p := range pts {
		if !p.Known || p.Enrolment == 0 {
			continue
		}
		fmt.Fprintf(&line, "%.1f,%.1f ", x(i), y(p.Percent))
	}
	if line.Len() > 0 {
		fmt.Fprintf(&b, `<polyline class="duong" points="%s"/>`, strings.TrimSpace(line.String()))
	}
	for i, p := range pts {
		label := leaderboard.FormatWeek(p.Week)
		if k := strings.Index(label, "/"); k > 0 {
			label = strings.TrimPrefix(label[:k], "tuần ")
		}
		fmt.Fprintf(&b, `<text class="nhan" x="%.1f" y="%.1f" text-anchor="middle">T%s</text>`, x(i), h-bottom+26, template.HTMLEscapeString(label))
		if !p.Known || p.Enrolment == 0 {
			continue
		}
		fmt.Fprintf(&b, `<circle class="diem" cx="%.1f" cy="%.1f" r="3.5"><title>%s: %s</title></circle>`, x(i), y(p.Percent),
			template.HTMLEscapeString(leaderboard.FormatWeek(p.Week)), template.HTMLEscapeString(leaderboard.FormatPercent(p.Percent)))
		if i == len(pts)-1 || len(pts) <= 8 {
			fmt.Fprintf(&b, `<text class="giatri" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x(i), y(p.Percent)-8,
				template.HTMLEscapeString(leaderboard.FormatPercent(p.Percent)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
