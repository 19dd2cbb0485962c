package storage

import (
	"context"
	"fmt"
)

// SeenUser records that the user wrote to the bot, like TouchUser, but writes only when
// something changed: a new user, another chat, name or username, or a user who was
// inactive (they are active again). A user who writes again unchanged costs a read, not
// a write (updated_at then keeps the time of the last change). It reports whether the
// row was written.
func (tx *Tx) SeenUser(ctx context.Context, u User) (bool, error) {
	u.Active, u.InactiveReason = false, ""
	if u.ID != 0 && u == tx.seen {
		return false, nil
	}
	tx.seen = User{}
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO users (id, chat_id, name, username, active, created_at, updated_at)
VALUES (?, ?, ?, ?, 1, ?, ?)
ON CONFLICT (id) DO UPDATE SET chat_id = excluded.chat_id, name = excluded.name, username = excluded.username,
    active = 1, inactive_reason = '', updated_at = excluded.updated_at
WHERE users.chat_id <> excluded.chat_id OR users.name <> excluded.name OR users.username <> excluded.username
    OR users.active <> 1 OR users.inactive_reason <> ''`,
		u.ID, u.ChatID, u.Name, u.Username, unix(tx.now), unix(tx.now))
	if err != nil {
		return false, fmt.Errorf("storage: seen user: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("storage: seen user: %w", err)
	}
	tx.seen = u
	return n > 0, nil
}
