package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// MarkUpdate records that an incoming update's effects are being committed in this
// transaction; it returns false when the update was applied before (skip it).
func (tx *Tx) MarkUpdate(ctx context.Context, updateID int64) (bool, error) {
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
		updateID, unix(tx.now))
	if err != nil {
		return false, fmt.Errorf("storage: mark update: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
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
