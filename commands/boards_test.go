package commands

import (
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

func TestBoardsOnDemand(t *testing.T) {
	f := newFixture(t)
	f.say(uTeacher, "/baocao 6A 42 30 8")
	msgs := f.send(uPrincipal, "/xephang")
	var text string
	photos := 0
	for _, m := range msgs {
		if m.ChatID != uPrincipal || m.Priority != storage.PriorityReply {
			t.Errorf("board message %q to %d priority %d", m.DedupeKey, m.ChatID, m.Priority)
		}
		text += m.Text
		if m.Photo != nil || m.Document != nil {
			photos++
		}
	}
	if !strings.Contains(text, "6A") || !strings.Contains(text, "7A") || photos == 0 {
		t.Errorf("school board: %d messages, %d files:\n%s", len(msgs), photos, text)
	}
	msgs = f.send(uOfficer, "/xuat")
	if len(msgs) != 1 || msgs[0].Document == nil || !strings.HasSuffix(msgs[0].FileName, "2026-W48.xlsx") {
		t.Fatalf("export: %+v", msgs)
	}
	msgs = f.send(uOfficer, "/xuat 2026-W47")
	if len(msgs) != 1 || !strings.HasSuffix(msgs[0].FileName, "2026-W47.xlsx") {
		t.Errorf("export of a past week: %+v", msgs)
	}
	// /guingay runs the teacher reminder for the officer's area only, once.
	got := f.say(uOfficer, "/guingay giaovien")
	if !strings.Contains(got, "tin mới cho") {
		t.Fatalf("send now: %s", got)
	}
	if got := f.say(uOfficer, "/guingay giaovien"); !strings.Contains(got, "0 tin mới") {
		t.Errorf("second send now: %s", got)
	}
	// Without the reminders service the commands say so.
	f.engine = New(f.cfg, f.engine.clock)
	if got := f.say(uPrincipal, "/xephang"); !strings.Contains(got, msgNoBoards) {
		t.Errorf("no service: %s", got)
	}
}
