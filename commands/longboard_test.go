package commands_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bhytbot/bhytbot/bot/split"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// TestLongBoardArrivesInParts: a district board of 300 schools is one message in the outbox,
// and the channel's sender cuts it: officers on Telegram and on Zalo each receive several
// messages, every one within the channel's limit (4,096 UTF-16 units of valid HTML, which the
// fake parses as Telegram does; 2,000 characters of plain text), and together rank every school once.
func TestLongBoardArrivesInParts(t *testing.T) {
	w := newZaloWorld(t)
	cfg := config.Default()
	week := storage.WeekOf(time.Now(), cfg.Location())
	var names []string
	err := w.store.Update(w.ctx, func(tx *storage.Tx) error {
		area, err := tx.AreaByPath(w.ctx, "Sóc Trăng / Mỹ Tú")
		if err != nil {
			return err
		}
		for i := range 300 {
			name := fmt.Sprintf("Trường Trung học cơ sở Nguyễn Thị Minh Khai số %03d", i+1)
			names = append(names, name)
			school, _, err := tx.EnsureSchool(w.ctx, area.ID, name)
			if err != nil {
				return err
			}
			class, _, err := tx.UpsertClass(w.ctx, storage.Class{SchoolID: school, SchoolYear: cfg.Campaign.SchoolYear, Name: "6A", Enrolment: 40})
			if err != nil {
				return err
			}
			if _, err := tx.InsertReport(w.ctx, storage.Report{ClassID: class, Week: week, Enrolment: 40, ThroughSchool: 5 + i%30, Other: i % 3}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rankedOnce := func(channel string, parts []string) {
		t.Helper()
		all := strings.Join(parts, "\n")
		for _, name := range names {
			if n := strings.Count(all, name+" — "); n != 1 { // its ranked line
				t.Fatalf("%s: %q ranked %d times in the board", channel, name, n)
			}
		}
	}

	const officerTG, officerZ = 20, "zalo-officer"
	codes := links(w.say(admin, "/moi canbo Sóc Trăng / Mỹ Tú"))
	expect(t, w.say(officerTG, "/start "+codes[0]), "cán bộ quản lý giáo dục")
	var texts []string
	for _, m := range w.say(officerTG, "/xephang") {
		if m.Method != "sendMessage" {
			continue // the chart
		}
		if n := split.UTF16Len(m.Text); n > 4096 {
			t.Errorf("Telegram: a message of %d UTF-16 units", n)
		}
		texts = append(texts, m.Text)
	}
	if len(texts) < 2 {
		t.Fatalf("Telegram: the board came as %d messages", len(texts))
	}
	rankedOnce("Telegram", texts)

	codes = links(w.say(admin, "/moi canbo Sóc Trăng / Mỹ Tú"))
	zexpect(t, w.zsay(officerZ, codes[0]), "cán bộ quản lý giáo dục")
	var ztexts []string
	for _, s := range w.zsay(officerZ, "/xephang") {
		if n := utf8.RuneCountInString(s); n > 2000 {
			t.Errorf("Zalo: a message of %d characters", n)
		}
		if zaloHTML.MatchString(s) {
			t.Errorf("Zalo: HTML in %q", s[:min(len(s), 80)])
		}
		ztexts = append(ztexts, s)
	}
	if len(ztexts) < 3 {
		t.Fatalf("Zalo: the board came as %d messages", len(ztexts))
	}
	rankedOnce("Zalo", ztexts)
	t.Logf("Telegram: %d messages, Zalo: %d", len(texts), len(ztexts))
}
