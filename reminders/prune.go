package reminders

import (
	"context"
	"fmt"
	"time"

	"github.com/bhytbot/bhytbot/storage"
)

// OutboxRetention is how long finished outbox messages are kept: longer than the week in
// which a job can run again, so a repeated run still finds its dedupe keys.
const OutboxRetention = 14 * 24 * time.Hour

// pruneSpec runs the outbox pruning daily at 03:00 in the campaign zone.
const pruneSpec = "0 3 * * *"

// PruneOutbox deletes messages that finished more than OutboxRetention ago.
func (s *Service) PruneOutbox(ctx context.Context) (int64, error) {
	var n int64
	err := s.store.Update(ctx, func(tx *storage.Tx) error {
		var err error
		n, err = tx.PruneOutbox(ctx, s.clock().Add(-OutboxRetention))
		if err != nil {
			return err
		}
		// Expired file links (files sent to Zalo) and numbered choices that can no longer
		// be answered go the same night.
		if _, err = tx.PruneFileLinks(ctx); err != nil {
			return err
		}
		_, err = tx.PruneChoices(ctx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("reminders: %w", err)
	}
	if n > 0 {
		s.log.Info("outbox pruned", "messages", n, "retention", OutboxRetention)
	}
	return n, nil
}
