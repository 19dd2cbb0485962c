// Package failure names what went wrong with a send in words every channel shares, so the
// sender decides what to do (drop the recipient, pause, retry, give up) without knowing
// which chat network answered.
package failure

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kind is the sender's view of one failed call.
type Kind int

// The kinds, from "nothing wrong" to "never going through".
const (
	// OK: no failure.
	OK Kind = iota
	// Blocked: the person blocked the bot; stop writing to them until they write again.
	Blocked
	// Gone: the chat does not exist (or no longer does); stop writing to it.
	Gone
	// Throttled: the channel refused for now because of its quota; pause the whole channel
	// for Error.Pause, then send the same message again.
	Throttled
	// RetryLater: a server fault, a network error or a timeout; the message may go through
	// if sent again after a backoff.
	RetryLater
	// Permanent: the channel refused this very message (bad request); sending it again
	// cannot help.
	Permanent
	// Canceled: the caller's context ended before an answer came; the attempt says
	// nothing about the message or the recipient.
	Canceled
)

var kindNames = [...]string{"ok", "blocked", "gone", "throttled", "retry later", "permanent", "canceled"}

// String names the kind for logs.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a failed call with its kind. Err is the channel's own error (which keeps
// its code and description for logs); Pause is how long to wait before the next call
// on the same channel, set for Throttled.
type Error struct {
	Kind  Kind
	Pause time.Duration
	Err   error
}

// Error implements error with the channel's own text.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Kind.String()
	}
	return e.Err.Error()
}

// Unwrap gives the channel's own error to errors.As and errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err: OK for nil, the kind of the first *Error in its
// chain, Canceled for a context error, and RetryLater for anything else, since an
// error nobody classified is more likely a passing fault than a verdict on the message.
func KindOf(err error) Kind {
	if err == nil {
		return OK
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Kind
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Canceled
	}
	return RetryLater
}

// PauseOf returns the pause carried by the first *Error in err's chain, or 0.
func PauseOf(err error) time.Duration {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Pause
	}
	return 0
}
