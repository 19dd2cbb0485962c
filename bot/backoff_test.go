package bot

import (
	"context"
	"testing"
	"time"
)

func TestBackoffGrowsWithinBounds(t *testing.T) {
	b := backoff{base: 100 * time.Millisecond, max: 2 * time.Second}
	for i := range 20 {
		d := b.next()
		want := min(100*time.Millisecond<<i, 2*time.Second)
		if d < want/2 || d > want {
			t.Fatalf("wait %d = %v, want in [%v, %v]", i, d, want/2, want)
		}
	}
	b.reset()
	if d := b.next(); d > 100*time.Millisecond {
		t.Fatalf("after reset: %v", d)
	}
}

func TestRetryDelay(t *testing.T) {
	for attempt := 1; attempt <= 10; attempt++ {
		d := retryDelay(time.Second, time.Minute, attempt)
		want := min(time.Second<<(attempt-1), time.Minute)
		if d < want/2 || d > want {
			t.Errorf("attempt %d: %v not in [%v, %v]", attempt, d, want/2, want)
		}
	}
}

func TestSleepCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if sleep(ctx, time.Hour) {
		t.Fatal("sleep on a cancelled context reported a full wait")
	}
	if !sleep(context.Background(), 0) {
		t.Fatal("zero sleep should succeed")
	}
}
