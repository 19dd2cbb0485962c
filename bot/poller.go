package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/bhytbot/bhytbot/metrics"
	"github.com/bhytbot/bhytbot/storage"
)

// poller is our getUpdates loop: it resumes from the stored offset, long-polls with
// the configured timeout (cancelling ctx ends a poll at once), backs off exponentially
// with jitter on errors, waits retry_after when told to, and hands what each getUpdates
// returned (up to 100 updates) to the intake as one batch, which stores the next offset
// in the batch's transaction; the offset is confirmed to Telegram by the next
// getUpdates, after that commit.
type poller struct {
	client  *Client
	intake  *intake
	store   *storage.Store
	timeout time.Duration
	log     *slog.Logger
	errWait backoff
}

// run polls until ctx ends; it returns nil then.
func (p *poller) run(ctx context.Context) error {
	bo := p.errWait
	var offset int64
	for {
		err := p.store.View(ctx, func(tx *storage.Tx) error {
			var err error
			offset, err = tx.Offset(ctx)
			return err
		})
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		wait := bo.next()
		p.log.Error("poller: read offset", "error", err, "retry_in", wait)
		sleep(ctx, wait)
	}
	p.log.Info("poller started", "offset", offset, "timeout", p.timeout)
	for ctx.Err() == nil {
		ups, err := p.client.GetUpdates(ctx, offset, p.timeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			wait := bo.next()
			if kind, after, _ := classify(err); kind == failRetryAfter {
				wait = after
				metrics.TooManyRequests.Inc()
			}
			p.log.Warn("getUpdates failed", "error", err, "retry_in", wait)
			sleep(ctx, wait)
			continue
		}
		bo.reset()
		metrics.Polled(time.Now())
		// Updates before offset were confirmed already (a stale answer): drop them.
		fresh := ups[:0:0]
		for _, up := range ups {
			if int64(up.UpdateID) >= offset {
				fresh = append(fresh, up)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		if err := p.intake.applyBatch(ctx, fresh); err != nil {
			if ctx.Err() != nil {
				break
			}
			wait := bo.next()
			p.log.Error("poller: updates not recorded, polling again", "first_update_id", fresh[0].UpdateID, "count", len(fresh), "error", err, "retry_in", wait)
			sleep(ctx, wait)
			continue
		}
		// Committed: the next getUpdates confirms the batch to Telegram.
		for _, up := range fresh {
			offset = max(offset, int64(up.UpdateID)+1)
		}
	}
	p.log.Info("poller stopped", "offset", offset)
	return nil
}
