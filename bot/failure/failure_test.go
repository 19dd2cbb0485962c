package failure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"
)

func TestKindOf(t *testing.T) {
	base := errors.New("zalo: sendMessage: error 403")
	tests := []struct {
		name  string
		err   error
		kind  Kind
		pause time.Duration
	}{
		{"nil", nil, OK, 0},
		{"blocked", &Error{Kind: Blocked, Err: base}, Blocked, 0},
		{"wrapped throttled", fmt.Errorf("sender: %w", &Error{Kind: Throttled, Pause: 2 * time.Second, Err: base}), Throttled, 2 * time.Second},
		{"context canceled", fmt.Errorf("x: %w", context.Canceled), Canceled, 0},
		{"deadline", context.DeadlineExceeded, Canceled, 0},
		{"unclassified", io.ErrUnexpectedEOF, RetryLater, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KindOf(tt.err); got != tt.kind {
				t.Errorf("KindOf = %v, want %v", got, tt.kind)
			}
			if got := PauseOf(tt.err); got != tt.pause {
				t.Errorf("PauseOf = %v, want %v", got, tt.pause)
			}
		})
	}
}

func TestErrorKeepsTheChannelError(t *testing.T) {
	base := errors.New("zalo: sendMessage: error 404: chat not found")
	err := error(&Error{Kind: Gone, Err: base})
	if err.Error() != base.Error() {
		t.Errorf("Error() = %q, want the channel's text %q", err.Error(), base.Error())
	}
	if !errors.Is(err, base) {
		t.Error("errors.Is does not reach the channel's error")
	}
	if (&Error{Kind: Permanent}).Error() != "permanent" {
		t.Error("an Error without Err should name its kind")
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{OK: "ok", Blocked: "blocked", Gone: "gone", Throttled: "throttled",
		RetryLater: "retry later", Permanent: "permanent", Canceled: "canceled", Kind(42): "kind(42)"} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(k), got, want)
		}
	}
}
