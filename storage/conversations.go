package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SaveConversation stores the state of a user's guided conversation.
func (tx *Tx) SaveConversation(ctx context.Context, userID int64, kind, state string) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO conversations (user_id, kind, state, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind, state = excluded.state, updated_at = excluded.updated_at`,
		userID, kind, state, unix(tx.now))
	if err != nil {
		return fmt.Errorf("storage: save conversation: %w", err)
	}
	return nil
}

// Conversation returns a user's conversation kind and state, or ErrNotFound.
func (tx *Tx) Conversation(ctx context.Context, userID int64) (kind, state string, err error) {
	err = tx.tx.QueryRowContext(ctx, `SELECT kind, state FROM conversations WHERE user_id = ?`, userID).Scan(&kind, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("storage: conversation: %w", err)
	}
	return kind, state, nil
}

// EndConversation forgets a user's conversation.
func (tx *Tx) EndConversation(ctx context.Context, userID int64) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM conversations WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("storage: end conversation: %w", err)
	}
	return nil
}
