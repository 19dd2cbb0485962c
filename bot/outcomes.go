package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/bhytbot/bhytbot/storage"
)

// The sender's outcomes (sent, retry, dropped) and the intake's batches both need SQLite's
// one writer. While an intake transaction is in progress, the outcomes queued so far wait
// for it and are written at its end, in its transaction: one commit instead of two, and no
// outcome commit holding the writer between two batches of a burst. Otherwise the sender
// commits them itself, a few milliseconds' worth at a time (commitLoop). An outcome is
// written once: whoever takes it from the queue writes it or puts it back.

// intakeBegins and intakeEnds bracket an intake transaction, waiting for the writer included.
func (s *Sender) intakeBegins() { s.intakes.Add(1) }

func (s *Sender) intakeEnds() {
	s.intakes.Add(-1)
	s.wakeCommits() // outcomes queued after the intake took its share
}

func (s *Sender) intakeRunning() bool { return s.intakes.Load() > 0 }

func (s *Sender) wakeCommits() {
	select {
	case s.cwake <- struct{}{}:
	default:
	}
}

// takeOutcomes takes every queued outcome; the taker writes them and calls recorded, or
// gives them back.
func (s *Sender) takeOutcomes() []commitItem {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	items := s.commits
	s.commits = nil
	return items
}

// giveBack queues outcomes again, ahead of those queued since they were taken.
func (s *Sender) giveBack(items []commitItem) {
	if len(items) == 0 {
		return
	}
	s.cmu.Lock()
	s.commits = append(items, s.commits...)
	s.cmu.Unlock()
	s.wakeCommits()
}

// writeOutcomes records outcomes in the outbox in tx.
func (s *Sender) writeOutcomes(ctx context.Context, tx *storage.Tx, items []commitItem) error {
	for _, it := range items {
		var err error
		switch it.out {
		case outSent:
			err = tx.MarkSent(ctx, it.id, it.messageID)
		case outRetry:
			err = tx.MarkRetry(ctx, it.id, it.reason, it.next)
			if err == nil && it.done > 0 {
				err = tx.MarkPartsSent(ctx, it.id, it.done)
			}
		case outCanceled:
			err = tx.MarkPartsSent(ctx, it.id, it.done)
		case outDead:
			err = tx.MarkFailed(ctx, it.id, storage.OutboxDead, it.reason)
		case outInactive:
			err = tx.MarkFailed(ctx, it.id, storage.OutboxDropped, it.reason)
		case outGone:
			err = errors.Join(
				tx.DeactivateChat(ctx, it.chatID, it.reason),
				tx.MarkFailed(ctx, it.id, storage.OutboxDropped, it.reason),
			)
			if err == nil {
				_, err = tx.DropPendingForChat(ctx, it.chatID, it.reason)
			}
		}
		if err != nil {
			return fmt.Errorf("bot: record message %d: %w", it.id, err)
		}
	}
	return nil
}

// recorded lets the scheduler forget messages whose outcomes were committed.
func (s *Sender) recorded(items []commitItem) {
	if len(items) == 0 {
		return
	}
	s.mu.Lock()
	for _, it := range items {
		s.forget = append(s.forget, it.id)
		s.forget = append(s.forget, it.extra...)
		if it.out == outGone {
			s.undrop = append(s.undrop, it.chatID)
		}
		if it.out != outRetry && it.out != outCanceled {
			delete(s.progress, it.id)
		}
	}
	s.mu.Unlock()
	s.signal()
}

// outcomesSavepoint is the savepoint around the outcomes an intake transaction writes.
const outcomesSavepoint = "bhyt_outcomes"

// writeOutcomesIn writes the sender's queued outcomes at the end of an intake transaction, in
// their own savepoint so that a failure leaves the updates' effects to commit. It returns
// the outcomes it wrote, to be passed to recorded once tx commits (or given back if not).
func (in *intake) writeOutcomesIn(ctx context.Context, tx *storage.Tx) []commitItem {
	if in.outcomes == nil {
		return nil
	}
	items := in.outcomes.takeOutcomes()
	if len(items) == 0 {
		return nil
	}
	err := tx.Savepoint(ctx, outcomesSavepoint)
	if err == nil {
		if err = in.outcomes.writeOutcomes(ctx, tx, items); err != nil {
			err = errors.Join(err, tx.RollbackTo(ctx, outcomesSavepoint))
		}
		err = errors.Join(err, tx.ReleaseSavepoint(ctx, outcomesSavepoint))
	}
	if err != nil {
		in.log.Warn("sender outcomes left to the sender", "count", len(items), "error", err)
		in.outcomes.giveBack(items)
		return nil
	}
	return items
}
