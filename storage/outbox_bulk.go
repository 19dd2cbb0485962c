package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

const enqueueSQL = `INSERT INTO outbox (dedupe_key, chat_id, priority, kind, text, buttons, file_name, file_data, render, not_before, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`

// enqueueArgs are enqueueSQL's arguments for a message.
func enqueueArgs(m Message, now time.Time) ([]any, error) {
	if m.DedupeKey == "" {
		return nil, fmt.Errorf("storage: enqueue: empty dedupe key")
	}
	var buttons string
	if len(m.Buttons) > 0 {
		b, err := json.Marshal(m.Buttons)
		if err != nil {
			return nil, fmt.Errorf("storage: enqueue: %w", err)
		}
		buttons = string(b)
	}
	data := m.Photo
	if data == nil {
		data = m.Document
	}
	if len(data) == 0 {
		data = nil // a file drawn at send time (Render)
	}
	var notBefore int64
	if !m.NotBefore.IsZero() {
		notBefore = unix(m.NotBefore)
	}
	return []any{m.DedupeKey, m.ChatID, m.Priority, m.Kind(), m.Text, buttons, m.FileName, data, m.Render, notBefore, unix(now)}, nil
}

// Enqueuer writes many messages to the outbox through one prepared statement, inside the
// transaction that made it: a weekly job's hundreds of thousands of rows. Close it before
// the transaction ends.
type Enqueuer struct {
	tx   *Tx
	stmt *sql.Stmt
}

// Enqueuer prepares a bulk writer of outbox rows in the transaction.
func (tx *Tx) Enqueuer(ctx context.Context) (*Enqueuer, error) {
	st, err := tx.tx.PrepareContext(ctx, enqueueSQL)
	if err != nil {
		return nil, fmt.Errorf("storage: prepare enqueue: %w", err)
	}
	return &Enqueuer{tx: tx, stmt: st}, nil
}

// Enqueue is Tx.Enqueue through the prepared statement: false when a message with the same
// dedupe key was enqueued before.
func (e *Enqueuer) Enqueue(ctx context.Context, m Message) (bool, error) {
	args, err := enqueueArgs(m, e.tx.now)
	if err != nil {
		return false, err
	}
	res, err := e.stmt.ExecContext(ctx, args...)
	if err != nil {
		return false, fmt.Errorf("storage: enqueue: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Close releases the prepared statement.
func (e *Enqueuer) Close() error { return e.stmt.Close() }

// EnqueueAll writes messages to the outbox through one prepared statement and returns how
// many were new (the others' dedupe keys were enqueued before).
func (tx *Tx) EnqueueAll(ctx context.Context, msgs []Message) (int, error) {
	e, err := tx.Enqueuer(ctx)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	n := 0
	for _, m := range msgs {
		added, err := e.Enqueue(ctx, m)
		if err != nil {
			return n, err
		}
		if added {
			n++
		}
	}
	return n, nil
}
