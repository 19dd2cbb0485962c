package commands

import (
	"strings"
	"testing"
	"time"
)

// TestInboundFlood: an account sending faster than limits.* allows gets one notice, then no
// reply and no effect until it is within the limit again; other accounts are answered all
// along; button presses count; an admin is limited like anyone.
func TestInboundFlood(t *testing.T) {
	t.Parallel()
	for _, who := range []struct {
		name string
		user int64
	}{{"teacher", uTeacher}, {"admin", uAdmin}} {
		t.Run(who.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			burst := f.cfg.Limits.Burst
			for i := range burst - 1 {
				if msgs := f.send(who.user, "/huongdan"); len(msgs) == 0 {
					t.Fatalf("message %d of the burst not answered", i+1)
				}
			}
			// A button press takes the last message of the burst.
			f.press(who.user, "nothing:known")
			msgs := f.send(who.user, "/baocao 6A 42 30 8")
			if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Tin nhắn đến quá nhanh") || msgs[0].ChatID != who.user {
				t.Fatalf("first message over the limit: %+v, want one notice", msgs)
			}
			if strings.Contains(msgs[0].Text, "bạn") || strings.Contains(msgs[0].Text, "Bạn") {
				t.Errorf("notice names a role: %q", msgs[0].Text)
			}
			if n := len(f.reports(f.classA.ID)); n != 0 {
				t.Errorf("a refused /baocao was recorded (%d reports)", n)
			}
			for range 10 {
				if msgs := f.send(who.user, "/baocao 6A 42 30 8"); len(msgs) != 0 {
					t.Fatalf("flood answered again: %q", msgs[0].Text)
				}
				if msgs := f.press(who.user, "nothing:known"); len(msgs) != 0 {
					t.Fatalf("button press in a flood answered: %q", msgs[0].Text)
				}
			}
			if n := len(f.reports(f.classA.ID)); n != 0 {
				t.Errorf("refused /baocao recorded (%d reports)", n)
			}
			// Someone else is answered during the flood.
			if msgs := f.send(uPrincipal, "/huongdan"); len(msgs) == 0 {
				t.Error("another account was silenced by the flood")
			}
			// The window passes: one message per 60/messages_per_minute seconds is taken.
			f.now = f.now.Add(time.Duration(float64(time.Minute) / f.cfg.Limits.MessagesPerMinute))
			if who.user == uTeacher {
				if msgs := f.send(who.user, "/baocao 6A 42 30 8"); len(msgs) == 0 || len(f.reports(f.classA.ID)) != 1 {
					t.Fatalf("after the window: %d replies, %d reports; want the report taken", len(msgs), len(f.reports(f.classA.ID)))
				}
			} else if msgs := f.send(who.user, "/huongdan"); len(msgs) == 0 {
				t.Fatal("after the window: not answered")
			}
			// Still within the same flood (the bucket is not full again): silence, no second notice.
			if msgs := f.send(who.user, "/huongdan"); len(msgs) != 0 {
				t.Fatalf("second notice in one flood: %q", msgs[0].Text)
			}
			// After a quiet spell long enough to fill the bucket, a new flood gets a new notice.
			f.now = f.now.Add(time.Duration(float64(burst) / f.cfg.Limits.MessagesPerMinute * float64(time.Minute)))
			for range burst {
				f.send(who.user, "/huongdan")
			}
			if msgs := f.send(who.user, "/huongdan"); len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Tin nhắn đến quá nhanh") {
				t.Fatalf("new flood: %+v, want one notice", msgs)
			}
		})
	}
}

// TestInboundLimitRetriedUpdate: an update handed again after its transaction rolled back gets
// the same verdict and takes nothing more from the account's budget.
func TestInboundLimitRetriedUpdate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	l := newInboundLimit(60, 2)
	for _, tc := range []struct {
		update int64
		want   verdict
	}{
		{1, verdict{allow: true}},
		{1, verdict{allow: true}},
		{2, verdict{allow: true}},
		{3, verdict{notice: true, wait: time.Second}},
		{3, verdict{notice: true, wait: time.Second}},
		{4, verdict{wait: time.Second}},
	} {
		if got := l.take(42, tc.update, now); got != tc.want {
			t.Errorf("update %d: %+v, want %+v", tc.update, got, tc.want)
		}
	}
	if got := newInboundLimit(0, 5).take(42, 1, now); !got.allow {
		t.Error("no limit configured, message refused")
	}
}
