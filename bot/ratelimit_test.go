package bot

import (
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/config"
)

// fakeClock is a manual clock for the limiter.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLimiterGlobalRate(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	l := newLimiter(config.Rate{Global: 100, PrivateChat: 1, GroupPerMinute: 20}, clk.now)
	sent := 0
	for i := range 1000 {
		// 1000 distinct chats over 10 simulated seconds in 1 ms steps.
		if l.globalWait() == 0 && l.chatWait(int64(i+1)) == 0 {
			if d := l.reserve(int64(i + 1)); d != 0 {
				t.Fatalf("reserve after a ready check waited %v", d)
			}
			sent++
		}
		clk.advance(10 * time.Millisecond)
	}
	// burst 5 + 100/s for 10 s
	if sent < 995 || sent > 1000 {
		t.Fatalf("sent %d in 10 s at 100/s", sent)
	}
}

func TestLimiterPerChat(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	l := newLimiter(config.Rate{Global: 1000, PrivateChat: 1, GroupPerMinute: 20}, clk.now)
	tests := []struct {
		chat int64
		gap  time.Duration
	}{
		{42, time.Second},
		{-100, 3 * time.Second},
	}
	for _, tt := range tests {
		if d := l.reserve(tt.chat); d != 0 {
			t.Fatalf("chat %d: first message waited %v", tt.chat, d)
		}
		if d := l.chatWait(tt.chat); d != tt.gap {
			t.Errorf("chat %d: second message must wait %v, got %v", tt.chat, tt.gap, d)
		}
		// Reservations queue up: the third message waits two gaps.
		l.reserve(tt.chat)
		if d := l.reserve(tt.chat); d != 2*tt.gap {
			t.Errorf("chat %d: third reservation waits %v, want %v", tt.chat, d, 2*tt.gap)
		}
	}
}
