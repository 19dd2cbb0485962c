package telegramtest

import (
	"math"
	"time"
)

// Limits are the rate limits the fake enforces on send*/edit* calls, with
// token buckets in real time. A zero field takes its default; a negative
// rate disables that limit.
//
// Defaults: GlobalPerSecond 30 with GlobalBurst = ceil(GlobalPerSecond)
// (30); PrivatePerSecond 1 with PrivateBurst 3 (a private chat may receive
// 3 messages at once, then 1 per second); GroupPerMinute 20 with
// GroupBurst 5 (a group may receive 5 at once, then one every 3 seconds).
// Chats with a negative id are groups, others private chats.
type Limits struct {
	GlobalPerSecond  float64
	GlobalBurst      int
	PrivatePerSecond float64
	PrivateBurst     int
	GroupPerMinute   float64
	GroupBurst       int
	// Disabled turns all limits off.
	Disabled bool
}

// Default limits.
const (
	DefaultGlobalPerSecond  = 30
	DefaultPrivatePerSecond = 1
	DefaultPrivateBurst     = 3
	DefaultGroupPerMinute   = 20
	DefaultGroupBurst       = 5
)

func (l Limits) withDefaults() Limits {
	if l.GlobalPerSecond == 0 {
		l.GlobalPerSecond = DefaultGlobalPerSecond
	}
	if l.GlobalBurst <= 0 {
		l.GlobalBurst = int(math.Ceil(math.Max(l.GlobalPerSecond, 1)))
	}
	if l.PrivatePerSecond == 0 {
		l.PrivatePerSecond = DefaultPrivatePerSecond
	}
	if l.PrivateBurst <= 0 {
		l.PrivateBurst = DefaultPrivateBurst
	}
	if l.GroupPerMinute == 0 {
		l.GroupPerMinute = DefaultGroupPerMinute
	}
	if l.GroupBurst <= 0 {
		l.GroupBurst = DefaultGroupBurst
	}
	return l
}

// bucket is a token bucket; a nil bucket never limits.
type bucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int, now time.Time) *bucket {
	if rate <= 0 {
		return nil
	}
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// wait refills the bucket and returns how long until one token is available
// (0 if one is available now).
func (b *bucket) wait(now time.Time) time.Duration {
	if b == nil {
		return 0
	}
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

func (b *bucket) take() {
	if b != nil {
		b.tokens--
	}
}

// retryAfterSeconds converts a wait into Telegram's integer retry_after (≥1).
func retryAfterSeconds(d time.Duration) int {
	n := int(math.Ceil(d.Seconds()))
	if n < 1 {
		n = 1
	}
	return n
}

// chatBucket returns the bucket of a chat, creating it; s.mu must be held.
func (s *Server) chatBucket(chatID int64, now time.Time) *bucket {
	if b, ok := s.chatBuckets[chatID]; ok {
		return b
	}
	var b *bucket
	if chatID < 0 {
		b = newBucket(s.limits.GroupPerMinute/60, s.limits.GroupBurst, now)
	} else {
		b = newBucket(s.limits.PrivatePerSecond, s.limits.PrivateBurst, now)
	}
	s.chatBuckets[chatID] = b
	return b
}

// admit checks the limits for one message to chatID and consumes a token
// from each bucket when all allow it; s.mu must be held.
func (s *Server) admit(chatID int64, now time.Time) *APIError {
	if !s.limits.Disabled {
		cb := s.chatBucket(chatID, now)
		w := max(s.global.wait(now), cb.wait(now))
		if w > 0 {
			n := retryAfterSeconds(w)
			return &APIError{Code: 429, Description: "Too Many Requests: retry after " + itoa(n), RetryAfter: n}
		}
		s.global.take()
		cb.take()
	}
	s.stats.Messages++
	// Sliding one-second window of accepted messages for MaxGlobalPerSecond.
	s.recent = append(s.recent, now)
	cut := now.Add(-time.Second)
	i := 0
	for i < len(s.recent) && !s.recent[i].After(cut) {
		i++
	}
	if i > 0 {
		s.recent = append(s.recent[:0], s.recent[i:]...)
	}
	if len(s.recent) > s.stats.MaxGlobalPerSecond {
		s.stats.MaxGlobalPerSecond = len(s.recent)
	}
	return nil
}

// SetLimits replaces the rate limits at runtime (zero fields take defaults)
// and refills every bucket.
func (s *Server) SetLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLimitsLocked(l)
}

func (s *Server) setLimitsLocked(l Limits) {
	s.limits = l.withDefaults()
	s.global = newBucket(s.limits.GlobalPerSecond, s.limits.GlobalBurst, time.Now())
	s.chatBuckets = map[int64]*bucket{}
}

// CurrentLimits returns the limits in force, with defaults filled in.
func (s *Server) CurrentLimits() Limits {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limits
}
