package leaderboard

import "testing"

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		insured, enrolment int
		want               float64
	}{
		{38, 42, 90.5},       // the office's ROUND(38/42*100;1), not 90,4
		{1208, 1474, 82.0},   // 82.0014 stays 82,0
		{17 + 3, 36, 55.6},   // 55.555… rounds up
		{2499, 2500, 99.9},   // 99.96 would round to 100: only a complete unit shows 100
		{0, 40, 0},           //
		{40, 40, 100},        //
		{0, 0, 0},            // no enrolment: nothing to show
		{5, 0, 0},            //
		{1, 16, 6.3},         // 6.25 exactly: half up
		{1, 80, 1.3},         // 1.25 exactly: half up
		{1, 3, 33.3},         //
		{2, 3, 66.7},         //
		{199, 200, 99.5},     //
		{1999, 2000, 99.9},   // 99.95 exactly would round to 100
		{19999, 20000, 99.9}, //
		{999, 2000, 50},      // 49.95 rounds up to 50,0
		{-1, 40, 0},          //
	} {
		if got := Percent(tc.insured, tc.enrolment); got != tc.want {
			t.Errorf("Percent(%d, %d) = %v, want %v", tc.insured, tc.enrolment, got, tc.want)
		}
	}
}

func TestTenthsExhaustive(t *testing.T) {
	// Every figure a class or a small school can have: half up to one decimal, computed here
	// the schoolbook way (the remainder compared with half the divisor), 1000 only when complete.
	for e := 1; e <= 600; e++ {
		for i := 0; i <= e; i++ {
			q, r := i*1000/e, i*1000%e
			want := q
			if 2*r >= e {
				want++
			}
			if want == 1000 && i < e {
				want = 999
			}
			if got := Tenths(i, e); got != want {
				t.Fatalf("Tenths(%d, %d) = %d, want %d", i, e, got, want)
			}
		}
	}
}
