package web

import (
	"strings"
	"testing"
)

func TestTrendSVG(t *testing.T) {
	pts := []trendPoint{
		{Week: "2026-W46", Enrolment: 100},
		{Week: "2026-W47", Percent: 40, Insured: 40, Enrolment: 100, Known: true},
		{Week: "2026-W48", Percent: 55.1, Insured: 113, Enrolment: 205, Known: true},
	}
	svg := string(trendSVG(pts, 50, 100))
	if !strings.HasPrefix(svg, "<svg") || strings.Contains(svg, "<script") || strings.Contains(svg, "style=") {
		t.Fatalf("svg: %s", svg)
	}
	// A week before any report has no point: it is not drawn as 0%.
	if strings.Count(svg, "<circle") != 2 || strings.Contains(svg, `text-anchor="middle">0%<`) {
		t.Errorf("points: %s", svg)
	}
	for _, want := range []string{"55,1%", "40%", ">T46<", ">T48<", `class="nguong"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
	if trendSVG(nil, 50, 100) != "" {
		t.Error("an empty trend draws something")
	}
}
