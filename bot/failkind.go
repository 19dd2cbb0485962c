package bot

import (
	"context"
	"time"

	fail "github.com/bhytbot/bhytbot/bot/failure"
)

// telegramFailure is a failed Bot API call in the channel-neutral kinds the sender acts on:
// Telegram's 403 is a person who blocked the bot, its 400 "chat not found" a chat that is gone.
func telegramFailure(err error) (fail.Kind, time.Duration) {
	kind, after, code := classify(err)
	switch kind {
	case failRetryAfter:
		return fail.Throttled, after
	case failGone:
		if code == 403 {
			return fail.Blocked, 0
		}
		return fail.Gone, 0
	case failPermanent:
		return fail.Permanent, 0
	case failCanceled:
		return fail.Canceled, 0
	}
	return fail.RetryLater, 0
}

// outcomeOf is what the sender does with a failure of any channel: a throttled channel
// pauses (that channel only), a blocked or gone recipient is deactivated and its messages
// dropped, a refused message is dead, anything else is retried after a backoff; a call cut
// by the sender's own stop leaves the message pending.
func outcomeOf(ctx context.Context, k fail.Kind, pause time.Duration) (outcome, time.Duration) {
	switch k {
	case fail.Throttled:
		return outPause, pause
	case fail.Blocked, fail.Gone:
		return outGone, 0
	case fail.Permanent:
		return outDead, 0
	case fail.Canceled:
		if ctx.Err() != nil {
			return outCanceled, 0
		}
	}
	return outRetry, 0 // a call's own timeout is a network failure
}
