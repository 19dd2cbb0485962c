package commands

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// inboundLimit keeps one account from slowing everyone: each user id has a bucket of burst
// messages that refills at perMinute. A message that finds the bucket empty has no effect;
// the first one of a flood gets one notice, the rest of it nothing, until the account has
// been quiet long enough for its bucket to fill again. It counts per user, not per chat, so
// a flood spread over groups is one flood, and button presses count like typed messages.
// It is kept in memory: after a restart every account starts with a full bucket, which
// costs at most one burst per account.
type inboundLimit struct {
	rate  float64 // messages per second
	burst float64

	mu      sync.Mutex
	buckets map[int64]*bucket
	adds    int
}

type bucket struct {
	tokens  float64
	at      time.Time
	flooded bool // the notice of the current flood was given
	lastID  int64
	last    verdict
}

// verdict is what happens to one incoming message.
type verdict struct {
	allow  bool
	notice bool          // refused, and this is the flood's first refused message
	wait   time.Duration // refused: until the next message would be taken
}

// newInboundLimit returns nil (no limit) when perMinute is not positive.
func newInboundLimit(perMinute float64, burst int) *inboundLimit {
	if perMinute <= 0 {
		return nil
	}
	return &inboundLimit{rate: perMinute / 60, burst: float64(max(burst, 1)), buckets: map[int64]*bucket{}}
}

// take decides on one message of userID at now. The same update handed again (its
// transaction was retried) gets the same verdict and takes nothing more.
func (l *inboundLimit) take(userID, updateID int64, now time.Time) verdict {
	if l == nil {
		return verdict{allow: true}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[userID]
	if b == nil {
		l.prune(now)
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[userID] = b
	}
	if updateID != 0 && updateID == b.lastID {
		return b.last
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(l.burst, b.tokens+d.Seconds()*l.rate)
		b.at = now
	}
	if b.tokens >= l.burst {
		b.flooded = false
	}
	var v verdict
	if b.tokens >= 1 {
		b.tokens--
		v.allow = true
	} else {
		v.notice = !b.flooded
		b.flooded = true
		v.wait = time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	}
	b.lastID, b.last = updateID, v
	return v
}

// prune forgets, now and then, the accounts whose bucket is full again: they are the same
// as accounts never seen, so the map holds only the accounts active in the last few minutes.
func (l *inboundLimit) prune(now time.Time) {
	l.adds++
	if l.adds < 1024 {
		return
	}
	l.adds = 0
	for id, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, id)
		}
	}
}

// floodNotice is the one answer to a flood; it names no role, since anyone can flood.
func floodNotice(wait time.Duration) string {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	return fmt.Sprintf("⏳ Tin nhắn đến quá nhanh nên tạm thời chưa được xử lý. Vui lòng chờ khoảng %d giây rồi gửi lại.", secs)
}
