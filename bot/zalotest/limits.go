package zalotest

import (
	"math"
	"time"
)

// Limits are the quotas the fake enforces on sendMessage and sendPhoto, with
// token buckets in real time; a message over a quota is answered 429
// DescQuota (Zalo gives no retry_after). Zalo publishes no numbers, so a zero
// rate means no limit.
type Limits struct {
	// GlobalPerSecond bounds all messages of the bot; GlobalBurst is how many
	// may go at once (default ceil(GlobalPerSecond)).
	GlobalPerSecond float64
	GlobalBurst     int
	// ChatPerSecond bounds the messages to one chat; ChatBurst is how many may
	// go at once (default ceil(ChatPerSecond)).
	ChatPerSecond float64
	ChatBurst     int
}

func (l Limits) withDefaults() Limits {
	if l.GlobalBurst <= 0 {
		l.GlobalBurst = int(math.Ceil(math.Max(l.GlobalPerSecond, 1)))
	}
	if l.ChatBurst <= 0 {
		l.ChatBurst = int(math.Ceil(math.Max(l.ChatPerSecond, 1)))
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

// ready refills the bucket and reports whether a token is available.
func (b *bucket) ready(now time.Time) bool {
	if b == nil {
		return true
	}
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	return b.tokens >= 1
}

func (b *bucket) take() {
	if b != nil {
		b.tokens--
	}
}

// admit checks the quotas for one message to chatID and consumes a token from
// each bucket when both allow it; s.mu must be held.
func (s *Server) admit(chatID string, now time.Time) *APIError {
	cb, ok := s.chatBuckets[chatID]
	if !ok {
		cb = newBucket(s.limits.ChatPerSecond, s.limits.ChatBurst, now)
		s.chatBuckets[chatID] = cb
	}
	if g, c := s.global.ready(now), cb.ready(now); !g || !c {
		return &APIError{Code: 429, Description: DescQuota}
	}
	s.global.take()
	cb.take()
	s.stats.Messages++
	s.recent = append(s.recent, now)
	cut := now.Add(-time.Second)
	i := 0
	for i < len(s.recent) && !s.recent[i].After(cut) {
		i++
	}
	if i > 0 {
		s.recent = append(s.recent[:0], s.recent[i:]...)
	}
	s.stats.MaxGlobalPerSecond = max(s.stats.MaxGlobalPerSecond, len(s.recent))
	return nil
}

// SetLimits replaces the quotas at runtime and refills every bucket.
func (s *Server) SetLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLimitsLocked(l)
}

func (s *Server) setLimitsLocked(l Limits) {
	s.limits = l.withDefaults()
	s.global = newBucket(s.limits.GlobalPerSecond, s.limits.GlobalBurst, time.Now())
	s.chatBuckets = map[string]*bucket{}
}

// CurrentLimits returns the quotas in force, with defaults filled in.
func (s *Server) CurrentLimits() Limits {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limits
}
