package markup

import (
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/leaderboard"
)

// TestBoardsAreMarkup renders the weekly boards, the longest texts the bot writes, with names
// that need escaping, and checks the whole texts (balance and entities included).
func TestBoardsAreMarkup(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	units := []leaderboard.Unit{
		{Name: `6A <b>&amp; "x"`, Enrolment: 42, ThroughSchool: 30, Other: 8, Reported: true, Prev: &leaderboard.Figure{Enrolment: 42, Insured: 20}},
		{Name: "6B & 6C", Enrolment: 40, ThroughSchool: 10, Reported: true},
		{Name: "7A > 7B", Enrolment: 38, ThroughSchool: 38, Reported: false, LastWeek: "2025-W39"},
		{Name: "8A", Enrolment: 30},
	}
	for _, final := range []bool{false, true} {
		b := leaderboard.Board{Title: "Trường THCS <Mỹ Tú> & TH", Week: "2025-W40", Units: units, TargetPercent: 100, WarnBelowPercent: 50,
			Deadline: time.Date(2025, 10, 31, 0, 0, 0, 0, loc), Now: time.Date(2025, 9, 29, 8, 0, 0, 0, loc), Final: final, AreaRank: 2, AreaSize: 5}
		for name, s := range map[string]string{"school": leaderboard.RenderSchoolBoard(b), "area": leaderboard.RenderAreaBoard(b)} {
			if err := Check(s); err != nil {
				t.Errorf("%s board (final %v): %v\n%s", name, final, err, s)
			}
		}
	}
}
