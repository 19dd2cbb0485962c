package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// User is a person who has written to the bot; ID is their Telegram user id.
type User struct {
	ID             int64
	ChatID         int64
	Name           string
	Username       string
	Active         bool
	InactiveReason string
}

// TouchUser records that the user wrote to the bot: it creates the user or refreshes their
// chat and name, and makes them active again (they can receive messages once more). It
// writes only when something changed (see SeenUser).
func (tx *Tx) TouchUser(ctx context.Context, u User) error {
	_, err := tx.SeenUser(ctx, u)
	return err
}

// UserByID returns one user.
func (tx *Tx) UserByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := tx.tx.QueryRowContext(ctx, `SELECT id, chat_id, name, username, active, inactive_reason FROM users WHERE id = ?`, id).
		Scan(&u.ID, &u.ChatID, &u.Name, &u.Username, &u.Active, &u.InactiveReason)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("storage: user: %w", err)
	}
	return u, nil
}

// DeactivateChat marks the users of a chat inactive (blocked the bot, deactivated, chat not
// found) with the reason; they become active again when they next write.
func (tx *Tx) DeactivateChat(ctx context.Context, chatID int64, reason string) error {
	tx.seen = User{}
	_, err := tx.tx.ExecContext(ctx, `UPDATE users SET active = 0, inactive_reason = ?, updated_at = ? WHERE chat_id = ?`,
		reason, unix(tx.now), chatID)
	if err != nil {
		return fmt.Errorf("storage: deactivate chat: %w", err)
	}
	return nil
}

// ChatActive reports whether a chat may receive messages: false if every user of it is
// inactive; chats with no known user (groups) are active.
func (tx *Tx) ChatActive(ctx context.Context, chatID int64) (bool, error) {
	var total, active int
	err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*), IFNULL(SUM(active), 0) FROM users WHERE chat_id = ?`, chatID).Scan(&total, &active)
	if err != nil {
		return false, fmt.Errorf("storage: chat active: %w", err)
	}
	return total == 0 || active > 0, nil
}

// InactiveChats returns which of chatIDs may not receive messages (ChatActive false): chats
// whose every user is inactive. One query for many chats: the sender asks it for every batch
// it lists.
func (tx *Tx) InactiveChats(ctx context.Context, chatIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for len(chatIDs) > 0 {
		n := min(len(chatIDs), 500)
		args := make([]any, n)
		for i, c := range chatIDs[:n] {
			args[i] = c
		}
		rows, err := tx.tx.QueryContext(ctx, `SELECT chat_id FROM users WHERE chat_id IN (?`+strings.Repeat(",?", n-1)+`)
GROUP BY chat_id HAVING IFNULL(SUM(active), 0) = 0`, args...)
		if err != nil {
			return nil, fmt.Errorf("storage: inactive chats: %w", err)
		}
		for rows.Next() {
			var c int64
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return nil, fmt.Errorf("storage: inactive chats: %w", err)
			}
			out[c] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("storage: inactive chats: %w", err)
		}
		chatIDs = chatIDs[n:]
	}
	return out, nil
}

// UserByUsername returns the user with this @username (without the @, any case), or
// ErrNotFound; the most recently seen one when an old name was taken over.
func (tx *Tx) UserByUsername(ctx context.Context, username string) (User, error) {
	var u User
	err := tx.tx.QueryRowContext(ctx, `SELECT id, chat_id, name, username, active, inactive_reason FROM users
WHERE username <> '' AND username = ? COLLATE NOCASE ORDER BY updated_at DESC LIMIT 1`, username).
		Scan(&u.ID, &u.ChatID, &u.Name, &u.Username, &u.Active, &u.InactiveReason)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("storage: user by username: %w", err)
	}
	return u, nil
}
