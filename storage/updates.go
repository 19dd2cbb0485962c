package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The memory of processed updates is bounded: an update is remembered for
// UpdatesKeptFor after it was applied, and never more than the newest UpdatesKept of them
// (about 120 bytes each with the indexes: 12 MB at most). Telegram keeps an unconfirmed
// update for at most 24 hours and a webhook retries it within that time, so a week covers
// every re-delivery with room to spare; the row cap bounds the table under a flood (100,000
// updates in under a day is more than one a second, day and night).
const (
	UpdatesKept    = 100_000
	UpdatesKeptFor = 7 * 24 * time.Hour
)

// IncomingMark is what MarkIncoming found out about an update.
type IncomingMark struct {
	Fresh bool // not applied before: apply it now
	// Reused: an earlier, different update had the same id (the server restarted its ids).
	// Anything keyed by the id (reply dedupe keys) must use LocalID instead.
	Reused bool
	Seq    int64 // the update's local number: unique for ever, never reused after pruning
}

// LocalID is a number naming the update in keys that must not collide: the update id
// itself, or, for an id reused by a restarted server, minus its local number (Telegram ids
// are positive, so the two never meet).
func (m IncomingMark) LocalID(updateID int64) int64 {
	if m.Reused {
		return -m.Seq
	}
	return updateID
}

// MarkUpdate records that an incoming update's effects are being committed in this
// transaction; it returns false when an update with this id was applied before (skip it).
// It does not tell updates apart by what they are: see MarkIncoming.
func (tx *Tx) MarkUpdate(ctx context.Context, updateID int64) (bool, error) {
	m, err := tx.MarkIncoming(ctx, updateID, "")
	return m.Fresh, err
}

// MarkIncoming records that an incoming update's effects are being committed in this
// transaction. An update is a duplicate when an update with the same id AND the same
// fingerprint (what it is: chat and message id, button press id...) was applied before and
// is still remembered; an empty fingerprint, stored or asked, matches any. The same id with
// another fingerprint is a new update from a server that restarted its ids (Telegram picks
// new ids after a quiet week; a replaced Bot API server starts again): it is applied.
func (tx *Tx) MarkIncoming(ctx context.Context, updateID int64, fingerprint string) (IncomingMark, error) {
	var (
		m           IncomingMark
		seen, match int
	)
	err := tx.tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(fingerprint = ?1 OR fingerprint = '' OR ?1 = ''), 0) FROM processed_updates WHERE update_id = ?2`,
		fingerprint, updateID).Scan(&seen, &match)
	if err != nil {
		return m, fmt.Errorf("storage: mark update: %w", err)
	}
	if match != 0 {
		return m, nil
	}
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO processed_updates (update_id, fingerprint, processed_at) VALUES (?, ?, ?)`,
		updateID, fingerprint, unix(tx.now))
	if err != nil {
		return m, fmt.Errorf("storage: mark update: %w", err)
	}
	if m.Seq, err = res.LastInsertId(); err != nil {
		return m, fmt.Errorf("storage: mark update: %w", err)
	}
	m.Reused = seen > 0
	m.Fresh = true
	return m, nil
}

// PruneUpdates forgets processed updates applied before `before` and all but the newest
// `keep`; it returns how many it forgot. Both deletions walk an index from its old end,
// so a call that has little to do costs two index probes.
func (tx *Tx) PruneUpdates(ctx context.Context, before time.Time, keep int) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM processed_updates WHERE processed_at < ?`, unix(before))
	if err != nil {
		return 0, fmt.Errorf("storage: prune updates: %w", err)
	}
	n, _ := res.RowsAffected()
	res, err = tx.tx.ExecContext(ctx, `DELETE FROM processed_updates WHERE seq <= (SELECT max(seq) FROM processed_updates) - ?`, keep)
	if err != nil {
		return n, fmt.Errorf("storage: prune updates: %w", err)
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}

// ProcessedUpdates returns how many processed updates are remembered.
func (tx *Tx) ProcessedUpdates(ctx context.Context) (int, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM processed_updates`).Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: count processed updates: %w", err)
	}
	return n, nil
}

const offsetKey = "telegram.offset"

// SetOffset stores the next getUpdates offset.
func (tx *Tx) SetOffset(ctx context.Context, offset int64) error {
	return tx.SetValue(ctx, offsetKey, strconv.FormatInt(offset, 10))
}

// Offset returns the stored getUpdates offset (0 if none).
func (tx *Tx) Offset(ctx context.Context) (int64, error) {
	v, err := tx.Value(ctx, offsetKey)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// SetValue stores a named value.
func (tx *Tx) SetValue(ctx context.Context, key, value string) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("storage: set %s: %w", key, err)
	}
	return nil
}

// Value returns a named value or ErrNotFound.
func (tx *Tx) Value(ctx context.Context, key string) (string, error) {
	var v string
	err := tx.tx.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("storage: get %s: %w", key, err)
	}
	return v, nil
}
