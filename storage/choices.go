package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ChoicesTTL is how long a prompt's numbered choices can be answered. They stay usable until
// the next prompt to the chat replaces them or this long has passed, whichever comes first: a
// teacher may answer a prompt after reading another message, but a bare "2" typed a day later
// is more likely a figure than a late press.
const ChoicesTTL = 24 * time.Hour

// SetChoices remembers the callback data of the numbered choices just sent to chat on channel,
// in order (the first is choice 1), replacing those of the previous prompt. Empty data clears
// them, so a prompt without choices ends the previous one's.
func (tx *Tx) SetChoices(ctx context.Context, channel, chat string, data []string) error {
	if len(data) == 0 {
		return tx.ClearChoices(ctx, channel, chat)
	}
	js, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("storage: set choices: %w", err)
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO choices (channel, chat, data, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (channel, chat) DO UPDATE SET data = excluded.data, created_at = excluded.created_at`,
		channel, chat, string(js), unix(tx.now))
	if err != nil {
		return fmt.Errorf("storage: set choices: %w", err)
	}
	return nil
}

// Choice returns the callback data of choice n (1-based) of the last prompt sent to chat on
// channel. ok is false when there is no such choice: no prompt, n out of range, or a prompt
// older than ChoicesTTL. Answering does not clear the choices; the next prompt replaces them.
func (tx *Tx) Choice(ctx context.Context, channel, chat string, n int) (data string, ok bool, err error) {
	if n < 1 {
		return "", false, nil
	}
	var (
		js      string
		created int64
	)
	err = tx.tx.QueryRowContext(ctx, `SELECT data, created_at FROM choices WHERE channel = ? AND chat = ?`, channel, chat).Scan(&js, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("storage: choice: %w", err)
	}
	if tx.now.Sub(fromUnix(created)) > ChoicesTTL {
		return "", false, nil
	}
	var all []string
	if err := json.Unmarshal([]byte(js), &all); err != nil {
		return "", false, fmt.Errorf("storage: choice: %w", err)
	}
	if n > len(all) {
		return "", false, nil
	}
	return all[n-1], true, nil
}

// ClearChoices forgets the choices of chat on channel.
func (tx *Tx) ClearChoices(ctx context.Context, channel, chat string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM choices WHERE channel = ? AND chat = ?`, channel, chat); err != nil {
		return fmt.Errorf("storage: clear choices: %w", err)
	}
	return nil
}

// PruneChoices deletes choices older than ChoicesTTL, which can no longer be answered, and
// returns how many.
func (tx *Tx) PruneChoices(ctx context.Context) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM choices WHERE created_at < ?`, unix(tx.now.Add(-ChoicesTTL)))
	if err != nil {
		return 0, fmt.Errorf("storage: prune choices: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
