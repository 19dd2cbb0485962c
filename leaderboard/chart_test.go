package leaderboard

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
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
