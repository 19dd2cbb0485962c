package leaderboard

// Tenths is a unit's coverage (insured ÷ enrolment) in tenths of a percent, as the office's
// spreadsheets show it: rounded half up to one decimal like Excel's ROUND (38/42 → 905, i.e.
// 90,5%), except that only a complete unit reaches 1000: 2499/2500 is 999, never "100%" while
// a pupil is still uninsured. It is computed in integers, so no float artefact can move a
// figure across a rounding edge. A unit with no enrolment has 0; negative counts count as 0.
func Tenths(insured, enrolment int) int {
	if enrolment <= 0 || insured <= 0 {
		return 0
	}
	i, e := int64(insured), int64(enrolment)
	t := (i*2000 + e) / (2 * e)
	if t >= 1000 && i < e {
		t = 999
	}
	return int(t)
}

// Percent is Tenths as a percentage (90.5 for 38/42): the one coverage figure every reply,
// board, chart label and Excel cell shows.
func Percent(insured, enrolment int) float64 {
	return float64(Tenths(insured, enrolment)) / 10
}
