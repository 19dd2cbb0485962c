package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/bhytbot/bhytbot/metrics"
	"github.com/bhytbot/bhytbot/storage"
)

// poller is our getUpdates loop: it long-polls with the configured timeout (cancelling
// ctx ends a poll at once), backs off exponentially with jitter on errors, waits
// retry_after when told to, and hands what each getUpdates returned (up to 100 updates)
// to the intake as one batch, which stores the next offset in the batch's transaction.
//
// The offset only confirms: it is sent with the first getUpdates after a batch's commit
// (again if that call fails), and at start, to confirm what the last run committed. Once
// such a poll has answered, nothing is left to confirm, and the next polls ask without an
// offset, which every Bot API server answers with its earliest unconfirmed updates,
// whatever their ids. (A server that never forgets confirmed updates would answer those
// polls with old updates: they are skipped as applied before, and confirmed again.)
// Updates are never dropped for having an id below the offset: the intake recognises
// those applied before (by id and fingerprint), and an answer below the offset means the
// server restarted its ids, which the offset then follows. So the bot is not deafened by:
//   - Telegram choosing new, random ids after a week without updates: its Bot API server
//     treats an offset far above its newest id as absent and answers from its oldest
//     update, so the first poll brings the new ids;
//   - a Bot API server restarted or replaced that starts again low and answers only ids
//     at or above the offset: that poll stays empty until its timeout, and the next one,
//     without an offset, brings the new ids (at most one poll timeout late).
//
// A server that answers at once with nothing new (one that does not long-poll, or
// ignores the offset and repeats what it sent) would make this loop spin: an answer with
// no new update that came back in less than half the poll timeout is followed by a short
// pause, growing with each such answer (emptyWait) and reset by a real long poll or by
// new updates.
type poller struct {
	client    *Client
	intake    *intake
	store     *storage.Store
	timeout   time.Duration
	log       *slog.Logger
	errWait   backoff
	emptyWait backoff                                         // zero: 250 ms growing to 4 s
	now       func() time.Time                                // nil: time.Now
	pause     func(ctx context.Context, d time.Duration) bool // nil: sleep
}

// run polls until ctx ends; it returns nil then.
func (p *poller) run(ctx context.Context) error {
	if p.now == nil {
		p.now = time.Now
	}
	if p.pause == nil {
		p.pause = sleep
	}
	if p.emptyWait.base == 0 {
		p.emptyWait = backoff{base: 250 * time.Millisecond, max: 4 * time.Second}
	}
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
		p.pause(ctx, wait)
	}
	p.log.Info("poller started", "offset", offset, "timeout", p.timeout)
	// ask is the offset the next getUpdates sends: offset while it still has to confirm
	// a committed batch, 0 (none) after that.
	ask := offset
	for ctx.Err() == nil {
		start := p.now()
		ups, err := p.client.GetUpdates(ctx, ask, p.timeout)
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
			p.pause(ctx, wait)
			continue
		}
		bo.reset()
		metrics.Polled(time.Now())
		quick := p.now().Sub(start) < p.timeout/2
		if len(ups) == 0 {
			ask = 0
			p.idle(ctx, quick)
			continue
		}
		low, high := int64(ups[0].UpdateID), int64(ups[0].UpdateID)
		for _, up := range ups[1:] {
			low, high = min(low, int64(up.UpdateID)), max(high, int64(up.UpdateID))
		}
		if offset > 0 && low < offset {
			p.log.Warn("getUpdates answered ids below the offset: the server restarted its update ids; following them",
				"offset", offset, "asked", ask, "first_update_id", low, "last_update_id", high)
		}
		fresh, err := p.intake.ingest(ctx, ups)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			wait := bo.next()
			p.log.Error("poller: updates not recorded, polling again", "first_update_id", low, "count", len(ups), "error", err, "retry_in", wait)
			p.pause(ctx, wait)
			continue
		}
		// Committed (or applied before): the next getUpdates confirms the batch.
		offset = high + 1
		ask = offset
		if fresh == 0 {
			p.idle(ctx, quick)
		} else {
			p.emptyWait.reset()
		}
	}
	p.log.Info("poller stopped", "offset", offset)
	return nil
}

// idle follows an answer that brought nothing new: after a real long poll the next one
// starts at once; after a quick answer the loop pauses first.
func (p *poller) idle(ctx context.Context, quick bool) {
	if !quick {
		p.emptyWait.reset()
		return
	}
	wait := p.emptyWait.next()
	p.log.Debug("getUpdates answered at once with nothing new: pausing", "wait", wait)
	p.pause(ctx, wait)
}
