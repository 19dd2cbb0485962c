package reminders

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/leaderboard"
)

var hcm = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// genBoard is a board of the campaign's usual settings, to be filled with units.
func genBoard(title string) leaderboard.Board {
	return leaderboard.Board{
		Title: title, Week: "2026-W47",
		TargetPercent: 100, WarnBelowPercent: 50,
		Deadline: time.Date(2026, 12, 31, 23, 59, 0, 0, hcm),
		Now:      time.Date(2026, 11, 19, 9, 0, 0, 0, hcm),
		AreaRank: 3, AreaSize: 12,
	}
}

// genSchool is a school board with n classes, about one in ten not reported this week, a
// few new ones: long texts for the splitter.
func genSchool(n int, seed uint64) leaderboard.Board {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := genBoard("Trường THCS Mỹ Tú")
	b.Units = make([]leaderboard.Unit, n)
	for i := range b.Units {
		e := 25 + rng.IntN(20)
		through := rng.IntN(e + 1)
		other := rng.IntN(e - through + 1)
		u := leaderboard.Unit{
			Name:      fmt.Sprintf("%d%c", 6+i%4, 'A'+rune(i/4)),
			Enrolment: e, ThroughSchool: through, Other: other,
			Reported: rng.IntN(10) != 0,
		}
		if !u.Reported {
			u.LastWeek = "2026-W46"
		}
		if rng.IntN(8) != 0 {
			u.Prev = &leaderboard.Figure{Enrolment: e, Insured: max(through+other-rng.IntN(6), 0)}
		}
		b.Units[i] = u
	}
	return b
}

var communes = []string{"Mỹ Tú", "Long Hưng", "Hưng Phú", "Mỹ Hương", "Mỹ Thuận", "Phú Mỹ", "Thuận Hưng", "Mỹ Phước"}

// genArea is an area board with n schools of 12–30 classes each.
func genArea(n int, seed uint64) leaderboard.Board {
	rng := rand.New(rand.NewPCG(seed, 2))
	b := genBoard("Tỉnh Sóc Trăng / Mỹ Tú")
	b.AreaRank, b.AreaSize = 0, 0
	b.Units = make([]leaderboard.Unit, n)
	for i := range b.Units {
		classes := 12 + rng.IntN(19)
		e := classes * (30 + rng.IntN(10))
		through := rng.IntN(e + 1)
		other := rng.IntN(e - through + 1)
		reported := rng.IntN(classes + 1)
		if rng.IntN(15) == 0 {
			reported = 0
		}
		kind := []string{"TH", "THCS", "TH & THCS"}[rng.IntN(3)]
		u := leaderboard.Unit{
			Name:      fmt.Sprintf("Trường %s %s %d", kind, communes[i%len(communes)], i/len(communes)+1),
			Enrolment: e, ThroughSchool: through, Other: other,
			Reported: reported > 0, Classes: classes, ClassesReported: reported,
			Prev: &leaderboard.Figure{Enrolment: e, Insured: max(through+other-rng.IntN(40), 0)},
		}
		if !u.Reported {
			u.LastWeek = "2026-W46"
		}
		b.Units[i] = u
	}
	return b
}
