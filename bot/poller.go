package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/bhytbot/bhytbot/storage"
)

// poller is our getUpdates loop: it resumes from the stored offset, long-polls with
// the configured timeout (cancelling ctx ends a poll at once), backs off exponentially
// with jitter on errors, waits retry_after when told to, and hands each update to the
// intake, which stores the next offset in the update's own transaction.
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
			}
			p.log.Warn("getUpdates failed", "error", err, "retry_in", wait)
			sleep(ctx, wait)
			continue
		}
		bo.reset()
		for _, up := range ups {
			if int64(up.UpdateID) < offset {
				continue
			}
			if err := p.intake.apply(ctx, up); err != nil {
				if ctx.Err() != nil {
					break
				}
				wait := bo.next()
				p.log.Error("poller: update not recorded, polling again", "update_id", up.UpdateID, "error", err, "retry_in", wait)
				sleep(ctx, wait)
				break
			}
			offset = int64(up.UpdateID) + 1
		}
	}
	p.log.Info("poller stopped", "offset", offset)
	return nil
}
