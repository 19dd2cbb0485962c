package vntext

import (
	"math"
	"testing"
	"time"
)

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{95.238, "95,2%"},
		{100, "100%"},
		{0, "0%"},
		{70.5, "70,5%"},
		{49.96, "50%"},
		{0.04, "0%"},
		{-0.04, "0%"},
		{0.05, "0,1%"},
		{33.333333, "33,3%"},
		{99.99, "100%"},
		{-12.34, "-12,3%"},
		{1234.5, "1.234,5%"},
		{4000.0 / 42, "95,2%"},
		{100.0 / 3, "33,3%"},
		{math.NaN(), "—"},
		{math.Inf(1), "—"},
		{math.Inf(-1), "—"},
	}
	for _, tt := range tests {
		if got := FormatPercent(tt.in); got != tt.want {
			t.Errorf("FormatPercent(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatInt(t *testing.T) {
	tests := []struct {
		in   int
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1.000"},
		{3960, "3.960"},
		{157950, "157.950"},
		{631800, "631.800"},
		{1000000, "1.000.000"},
		{-1, "-1"},
		{-999, "-999"},
		{-1200, "-1.200"},
		{-1234567, "-1.234.567"},
		{math.MaxInt64, "9.223.372.036.854.775.807"},
		{math.MinInt64, "-9.223.372.036.854.775.808"},
	}
	for _, tt := range tests {
		if got := FormatInt(tt.in); got != tt.want {
			t.Errorf("FormatInt(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	tests := []struct {
		in   time.Time
		date string
	}{
		{time.Date(2023, 9, 18, 7, 5, 0, 0, hcm), "18/9/2023"},
		{time.Date(2025, 12, 1, 23, 59, 59, 0, hcm), "1/12/2025"},
		{time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), "31/1/2026"},
		{time.Date(2025, 6, 30, 20, 0, 0, 0, time.UTC).In(hcm), "1/7/2025"},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.in); got != tt.date {
			t.Errorf("FormatDate(%v) = %q, want %q", tt.in, got, tt.date)
		}
	}
}
