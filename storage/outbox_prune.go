package storage

import (
	"context"
	"fmt"
	"time"
)

// PruneOutbox deletes finished messages (sent, dead, dropped) created before `before`;
// pending messages are never deleted. Dedupe keys only need to outlive the week a job can
// run again in, so a retention of two weeks keeps "nothing twice" while the table stays
// bounded (a national parent reminder alone adds about 500,000 rows a week). Messages of a
// final period (dedupe key "<job>/final-<school year>/…", one per recipient and job) are
// kept: a /guingay or run-job -force after the deadline runs without the ledger, so their
// keys are what stops the final results going out again.
func (tx *Tx) PruneOutbox(ctx context.Context, before time.Time) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM outbox WHERE status <> 'pending' AND created_at < ? AND dedupe_key NOT LIKE '%/final-%'`, unix(before))
	if err != nil {
		return 0, fmt.Errorf("storage: prune outbox: %w", err)
	}
	return res.RowsAffected()
}
