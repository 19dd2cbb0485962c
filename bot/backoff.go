package bot

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff is exponential backoff with full jitter: the n-th wait is uniform in
// [d/2, d] where d = min(max, base·2ⁿ).
type backoff struct {
	base, max time.Duration
	n         int
}

// next returns the next wait and grows the following one.
func (b *backoff) next() time.Duration {
	d := b.base << min(b.n, 30)
	if d <= 0 || d > b.max {
		d = b.max
	}
	b.n++
	half := d / 2
	return half + rand.N(half+1)
}

// reset starts over after a success.
func (b *backoff) reset() { b.n = 0 }

// retryDelay is the wait before attempt n (1-based) of a message: base·2ⁿ⁻¹ capped,
// with jitter.
func retryDelay(base, max time.Duration, attempt int) time.Duration {
	b := backoff{base: base, max: max, n: attempt - 1}
	return b.next()
}

// sleep waits d or until ctx ends; it reports whether the full wait elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
