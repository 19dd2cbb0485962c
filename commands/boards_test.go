package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/leaderboard"
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

// TestOnDemandBoardsHoldSpecs: /xephang and /xuat enqueue the chart and the workbook as
// specs drawn at send time, not as bytes drawn inside the intake's transaction; the spec
// draws the file the message names.
func TestOnDemandBoardsHoldSpecs(t *testing.T) {
	f := newFixture(t)
	f.say(uTeacher, "/baocao 6A 42 30 8")
	var files []storage.Message
	for _, c := range []struct {
		user int64
		text string
	}{{uPrincipal, "/xephang"}, {uOfficer, "/xephang"}, {uOfficer, "/xuat"}, {uAdmin, "/xephang"}} {
		n := 0
		for _, m := range f.send(c.user, c.text) {
			if m.Kind() == "text" {
				continue
			}
			n++
			files = append(files, m)
			if len(m.Photo) != 0 || len(m.Document) != 0 || m.Render == "" {
				t.Errorf("%s %s: %s holds %d bytes and a spec of %d", c.text, m.DedupeKey, m.Kind(), len(m.Photo)+len(m.Document), len(m.Render))
			}
		}
		if n == 0 {
			t.Errorf("%d %s: no chart or workbook", c.user, c.text)
		}
	}
	for _, m := range files {
		name, data, err := leaderboard.RenderAttachment(f.ctx, m.Render)
		if err != nil || len(data) == 0 || name != m.FileName {
			t.Errorf("%s: spec draws %q (%d bytes, %v), want %q", m.DedupeKey, name, len(data), err, m.FileName)
		}
	}
}

// TestPendingRepliesCap: a chat with limits.pending_replies_per_chat replies unsent gets no
// further board or export, only a short note; once its replies are sent it is answered again.
// Other chats and the weekly jobs' messages are not held back.
func TestPendingRepliesCap(t *testing.T) {
	f := newFixture(t)
	f.say(uTeacher, "/baocao 6A 42 30 8")
	limit := f.cfg.Limits.PendingRepliesPerChat
	pending := func(chat int64) int {
		var n int
		f.view(func(tx *storage.Tx) (err error) { n, err = tx.PendingReplies(f.ctx, chat); return err })
		return n
	}
	asked := 0
	for pending(uOfficer) < limit {
		if asked++; asked > limit {
			t.Fatalf("%d boards asked, %d replies pending: the boards enqueue nothing", asked, pending(uOfficer))
		}
		f.send(uOfficer, "/xephang")
	}
	before := pending(uOfficer)
	for _, cmd := range []string{"/xephang", "/xuat"} {
		msgs := f.send(uOfficer, cmd)
		if len(msgs) != 1 || msgs[0].Text != msgBacklogged {
			t.Fatalf("%s with %d replies pending: %d messages, want only the note", cmd, before, len(msgs))
		}
	}
	if got := pending(uOfficer); got != before+2 {
		t.Errorf("pending replies %d, want %d (the two notes)", got, before+2)
	}
	// Another chat is answered in full.
	if msgs := f.send(uPrincipal, "/xephang"); len(msgs) < 2 {
		t.Errorf("another chat: %d messages", len(msgs))
	}
	// A weekly job still reaches the saturated chat.
	f.say(uOfficer, "/guingay canbo")
	var broadcast int
	f.view(func(tx *storage.Tx) error {
		ms, err := tx.PendingMessages(f.ctx, f.now.Add(time.Hour), 100000)
		for _, m := range ms {
			if m.ChatID == uOfficer && m.Priority == storage.PriorityBroadcast {
				broadcast++
			}
		}
		return err
	})
	if broadcast == 0 {
		t.Error("the weekly job's messages to a chat with a backlog were held back")
	}
	// Once the replies are sent, the chat is answered again.
	err := f.store.Update(f.ctx, func(tx *storage.Tx) error {
		ms, err := tx.PendingMessages(f.ctx, f.now.Add(time.Hour), 100000)
		for _, m := range ms {
			if err == nil && m.ChatID == uOfficer && m.Priority == storage.PriorityReply {
				err = tx.MarkSent(f.ctx, m.ID, 1)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if msgs := f.send(uOfficer, "/xephang"); len(msgs) < 2 {
		t.Errorf("after the backlog is sent: %d messages", len(msgs))
	}
}
