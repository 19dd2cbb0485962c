package bot

import (
	"math"
	"sync"
	"time"

	"github.com/bhytbot/bhytbot/config"
)

// tokenBucket is a token bucket whose tokens may go negative: a reservation taken
// ahead of time makes later callers wait longer.
type tokenBucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func newTokenBucket(rate, burst float64, now time.Time) *tokenBucket {
	return &tokenBucket{rate: rate, burst: burst, tokens: burst, last: now}
}

func (b *tokenBucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

// wait returns how long until a whole token is available.
func (b *tokenBucket) wait(now time.Time) time.Duration {
	b.refill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration(math.Ceil((1 - b.tokens) / b.rate * float64(time.Second)))
}

// reserve takes a token, possibly ahead of time, and returns how long to wait before using it.
func (b *tokenBucket) reserve(now time.Time) time.Duration {
	d := b.wait(now)
	b.tokens--
	return d
}

func (b *tokenBucket) full(now time.Time) bool {
	b.refill(now)
	return b.tokens >= b.burst
}

// limiter is the sender's budget: a global bucket and one bucket per chat (private
// chats per second, groups — negative ids — per minute). Buckets start full with small
// bursts (the global one a twentieth of a second's worth), so the sender never runs
// ahead of a Telegram that enforces the same rates with larger bursts.
type limiter struct {
	mu          sync.Mutex
	now         func() time.Time
	global      *tokenBucket
	privateRate float64
	groupRate   float64
	chats       map[int64]*tokenBucket
}

func newLimiter(r config.Rate, now func() time.Time) *limiter {
	burst := math.Max(1, math.Ceil(r.Global/20))
	return &limiter{
		now:         now,
		global:      newTokenBucket(r.Global, burst, now()),
		privateRate: r.PrivateChat,
		groupRate:   r.GroupPerMinute / 60,
		chats:       map[int64]*tokenBucket{},
	}
}

func (l *limiter) chatLocked(chatID int64, now time.Time) *tokenBucket {
	b, ok := l.chats[chatID]
	if !ok {
		if len(l.chats) >= 4096 {
			for id, c := range l.chats {
				if c.full(now) {
					delete(l.chats, id)
				}
			}
		}
		rate := l.privateRate
		if chatID < 0 {
			rate = l.groupRate
		}
		b = newTokenBucket(rate, 1, now)
		l.chats[chatID] = b
	}
	return b
}

// globalWait is how long until the global budget allows a message.
func (l *limiter) globalWait() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.global.wait(l.now())
}

// chatWait is how long until chatID's budget allows a message.
func (l *limiter) chatWait(chatID int64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	return l.chatLocked(chatID, now).wait(now)
}

// reserve takes one message of both budgets for chatID and returns how long to wait
// before sending it.
func (l *limiter) reserve(chatID int64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	return max(l.global.reserve(now), l.chatLocked(chatID, now).reserve(now))
}
