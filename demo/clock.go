package demo

import (
	"sync"
	"time"
)

// Clock is the demo's time: it runs at real speed from the moment it was last set, so
// backoffs and timeouts behave, and the script jumps it forward from step to step.
type Clock struct {
	mu    sync.Mutex
	base  time.Time
	setAt time.Time
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{base: t, setAt: time.Now()} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Add(time.Since(c.setAt))
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base, c.setAt = t, time.Now()
}
