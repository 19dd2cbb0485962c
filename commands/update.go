package commands

import (
	"context"

	"github.com/bhytbot/bhytbot/storage"
)

// Update is one incoming event from a channel, stripped of the channel's types.
type Update struct {
	ID       int64  // the channel's update id (Telegram update_id); applied at most once
	UserID   int64  // the sender's user id
	ChatID   int64  // where to answer (the user's private chat, or a group)
	ChatType string // "private", "group", "supergroup"
	Name     string // the sender's display name
	Username string // the sender's @username, if any
	Text     string // message text ("" for a button press)

	// For a button press.
	CallbackID string // to acknowledge the press
	Data       string // the button's callback data
	MessageID  int    // the message that carried the button
}

// IsCallback reports whether the update is a button press.
func (u Update) IsCallback() bool { return u.CallbackID != "" }

// Handler applies one update inside the write transaction the channel opened for it. The
// channel marks the update processed and advances its offset in the same transaction, so an
// update's effects, its replies (enqueued in the outbox) and its bookkeeping commit together
// or not at all. A Handler must not open transactions of its own.
type Handler interface {
	Handle(ctx context.Context, tx *storage.Tx, u Update) error
}

// MenuItem is one entry of a chat's command menu.
type MenuItem struct {
	Command     string // without the slash
	Description string // Vietnamese, ≤ 256 characters
}
