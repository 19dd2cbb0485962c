package storage

import (
	"context"
	"fmt"
)

// Savepoints let one write transaction hold several independent units of work (the
// update loop applies a batch of updates in one transaction, one savepoint each): a unit
// that fails is undone with RollbackTo while the others' effects stay, and the whole
// transaction still commits once.
//
// A savepoint name is an SQL identifier: ASCII letters, digits and '_', not starting
// with a digit. Names are not interpolated otherwise.

// Savepoint opens a savepoint named name inside the transaction.
func (tx *Tx) Savepoint(ctx context.Context, name string) error {
	return tx.savepoint(ctx, "SAVEPOINT ", name)
}

// ReleaseSavepoint keeps the work done since Savepoint(name) and closes the savepoint
// (and any opened after it). The work is durable only when the transaction commits.
func (tx *Tx) ReleaseSavepoint(ctx context.Context, name string) error {
	return tx.savepoint(ctx, "RELEASE SAVEPOINT ", name)
}

// RollbackTo undoes the work done since Savepoint(name). The savepoint stays open: more
// work may follow and be kept with ReleaseSavepoint(name), or be undone again.
//
// When SQLite already rolled the whole transaction back (a full disk, out of memory)
// the savepoint is gone and RollbackTo returns an error: the caller must then abandon
// the transaction.
func (tx *Tx) RollbackTo(ctx context.Context, name string) error {
	tx.keep, tx.seen = nil, User{}
	return tx.savepoint(ctx, "ROLLBACK TO SAVEPOINT ", name)
}

func (tx *Tx) savepoint(ctx context.Context, verb, name string) error {
	if !validSavepoint(name) {
		return fmt.Errorf("storage: invalid savepoint name %q", name)
	}
	if _, err := tx.tx.ExecContext(ctx, verb+name); err != nil {
		return fmt.Errorf("storage: %s%s: %w", verb, name, err)
	}
	return nil
}

func validSavepoint(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
