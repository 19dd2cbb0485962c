package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// Priorities of outgoing messages: a reply to a person never waits behind a broadcast.
const (
	PriorityBroadcast = 0
	PriorityReply     = 1
)

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxDead    = "dead"    // gave up after repeated transient failures
	OutboxDropped = "dropped" // the recipient cannot receive (blocked, chat not found)
)

// Button is an inline button: a callback (Data) or a link (URL).
type Button struct {
	Text string `json:"text"`
	Data string `json:"data,omitempty"`
	URL  string `json:"url,omitempty"`
}

// Message is the channel-neutral outgoing message that commands and reminders write and the
// sender delivers. Text is in the neutral markup (package markup): only <b>, <i>, <u>, <s>,
// <code>, <pre> and <a href="…">, and the entities &lt; &gt; &amp; &quot;; user input in it
// must already be escaped (vntext.EscapeHTML). Telegram sends it as is (HTML parse mode);
// Zalo renders it as plain text with the buttons as numbered choices.
type Message struct {
	ID        int64
	DedupeKey string // unique; enqueueing the same key twice keeps the first
	ChatID    int64
	Priority  int
	Text      string // text, or the caption of a photo/document
	Buttons   [][]Button
	Photo     []byte // PNG; FileName names it
	Document  []byte // e.g. an .xlsx
	FileName  string
	// Render is an opaque spec from which the sender draws the photo or document at send time
	// (bot.WithRenderer) instead of carrying its bytes; Photo or Document is then empty but
	// not nil, to say which of the two it is.
	Render    string
	NotBefore time.Time // held until then (quiet hours)
	Attempts  int
	PartsSent int // calls of a message sent in several that Telegram took (see MarkPartsSent)
	CreatedAt time.Time
}

// Kind is "text", "photo" or "document".
func (m Message) Kind() string {
	switch {
	case m.Photo != nil:
		return "photo"
	case m.Document != nil:
		return "document"
	}
	return "text"
}

// Enqueue writes a message to the outbox; it returns false (and changes nothing) when a
// message with the same dedupe key was enqueued before.
func (tx *Tx) Enqueue(ctx context.Context, m Message) (bool, error) {
	args, err := enqueueArgs(m, tx.now)
	if err != nil {
		return false, err
	}
	res, err := tx.tx.ExecContext(ctx, enqueueSQL, args...)
	if err != nil {
		return false, fmt.Errorf("storage: enqueue: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// PendingMessages returns up to limit messages due at `now`, replies first, then by age.
func (tx *Tx) PendingMessages(ctx context.Context, now time.Time, limit int) ([]Message, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, dedupe_key, chat_id, priority, kind, text, buttons, file_name, file_data, render, not_before, attempts, parts_sent, created_at
FROM outbox WHERE status = 'pending' AND not_before <= ? ORDER BY priority DESC, id LIMIT ?`, unix(now), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: pending messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var (
			m                  Message
			kind, buttons      string
			data               []byte
			notBefore, created int64
		)
		if err := rows.Scan(&m.ID, &m.DedupeKey, &m.ChatID, &m.Priority, &kind, &m.Text, &buttons, &m.FileName, &data, &m.Render, &notBefore, &m.Attempts, &m.PartsSent, &created); err != nil {
			return nil, fmt.Errorf("storage: pending messages: %w", err)
		}
		if buttons != "" {
			if err := json.Unmarshal([]byte(buttons), &m.Buttons); err != nil {
				return nil, fmt.Errorf("storage: message %d buttons: %w", m.ID, err)
			}
		}
		if data == nil && kind != "text" {
			data = []byte{}
		}
		switch kind {
		case "photo":
			m.Photo = data
		case "document":
			m.Document = data
		}
		m.NotBefore, m.CreatedAt = fromUnix(notBefore), fromUnix(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// headColumns are the columns of a pending message the sender schedules by: never its text,
// buttons, file or spec, which it reads with OutboxBody just before sending it, so that
// thousands of pending messages cost it little memory and reading.
const headColumns = `id, chat_id, priority, kind, not_before, attempts, parts_sent, created_at`

func scanHeads(rows *sql.Rows) ([]Message, error) {
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var (
			m                  Message
			kind               string
			notBefore, created int64
		)
		if err := rows.Scan(&m.ID, &m.ChatID, &m.Priority, &kind, &notBefore, &m.Attempts, &m.PartsSent, &created); err != nil {
			return nil, err
		}
		switch kind {
		case "photo":
			m.Photo = []byte{}
		case "document":
			m.Document = []byte{}
		}
		m.NotBefore, m.CreatedAt = fromUnix(notBefore), fromUnix(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// PendingAfter returns up to limit pending messages of one priority due at `now` whose id is
// above afterID, by id, without their text, buttons, file or spec (see OutboxBody); Photo or
// Document is empty but not nil to tell the kind.
func (tx *Tx) PendingAfter(ctx context.Context, now time.Time, priority int, afterID int64, limit int) ([]Message, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+headColumns+` FROM outbox
WHERE status = 'pending' AND priority = ? AND id > ? AND not_before <= ? ORDER BY id LIMIT ?`, priority, afterID, unix(now), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: pending after: %w", err)
	}
	out, err := scanHeads(rows)
	if err != nil {
		return nil, fmt.Errorf("storage: pending after: %w", err)
	}
	return out, nil
}

// PendingAfterOn is PendingAfter for the chats of one channel (ChannelOf): a sender that
// lists each channel's rows apart starts every channel's broadcast at once, whatever the
// order the rows were written in.
func (tx *Tx) PendingAfterOn(ctx context.Context, now time.Time, channel string, priority int, afterID int64, limit int) ([]Message, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+headColumns+` FROM outbox
WHERE status = 'pending' AND priority = ? AND id > ? AND not_before <= ? AND (chat_id >= ?) = ? ORDER BY id LIMIT ?`,
		priority, afterID, unix(now), FirstForeignID, channel != ChannelTelegram, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: pending after on %s: %w", channel, err)
	}
	out, err := scanHeads(rows)
	if err != nil {
		return nil, fmt.Errorf("storage: pending after on %s: %w", channel, err)
	}
	return out, nil
}

// PendingDue returns, like PendingAfter, up to limit pending messages due at `now` whatever
// their id, replies first, then by id; heldOnly keeps those that were held until a time
// (quiet hours, a retry).
func (tx *Tx) PendingDue(ctx context.Context, now time.Time, heldOnly bool, limit int) ([]Message, error) {
	from := int64(math.MinInt64)
	if heldOnly {
		from = 1
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+headColumns+` FROM outbox
WHERE status = 'pending' AND not_before >= ? AND not_before <= ? ORDER BY priority DESC, id LIMIT ?`, from, unix(now), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: pending due: %w", err)
	}
	out, err := scanHeads(rows)
	if err != nil {
		return nil, fmt.Errorf("storage: pending due: %w", err)
	}
	return out, nil
}

// OutboxBody returns a pending message in full, with its file or spec; ok is false when it
// is no longer pending.
func (tx *Tx) OutboxBody(ctx context.Context, id int64) (m Message, ok bool, err error) {
	var (
		kind, buttons      string
		data               []byte
		notBefore, created int64
	)
	err = tx.tx.QueryRowContext(ctx, `SELECT id, dedupe_key, chat_id, priority, kind, text, buttons, file_name, file_data, render, not_before, attempts, parts_sent, created_at
FROM outbox WHERE id = ? AND status = 'pending'`, id).Scan(&m.ID, &m.DedupeKey, &m.ChatID, &m.Priority, &kind, &m.Text, &buttons, &m.FileName, &data, &m.Render, &notBefore, &m.Attempts, &m.PartsSent, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, false, nil
	}
	if err != nil {
		return Message{}, false, fmt.Errorf("storage: outbox body %d: %w", id, err)
	}
	if buttons != "" {
		if err := json.Unmarshal([]byte(buttons), &m.Buttons); err != nil {
			return Message{}, false, fmt.Errorf("storage: message %d buttons: %w", m.ID, err)
		}
	}
	if data == nil && kind != "text" {
		data = []byte{}
	}
	switch kind {
	case "photo":
		m.Photo = data
	case "document":
		m.Document = data
	}
	m.NotBefore, m.CreatedAt = fromUnix(notBefore), fromUnix(created)
	return m, true, nil
}

// MarkSent records Telegram's ok for a message.
func (tx *Tx) MarkSent(ctx context.Context, id int64, messageID int) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, attempts = attempts + 1, file_data = NULL, render = '' WHERE id = ?`,
		unix(tx.now), messageID, id)
	if err != nil {
		return fmt.Errorf("storage: mark sent: %w", err)
	}
	return nil
}

// MarkRetry records a transient failure and holds the message until `next`.
func (tx *Tx) MarkRetry(ctx context.Context, id int64, reason string, next time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?, not_before = ? WHERE id = ?`,
		reason, unix(next), id)
	if err != nil {
		return fmt.Errorf("storage: mark retry: %w", err)
	}
	return nil
}

// MarkPartsSent records how many calls of a message sent in several Telegram took, so a
// later attempt sends only the rest.
func (tx *Tx) MarkPartsSent(ctx context.Context, id int64, parts int) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE outbox SET parts_sent = ? WHERE id = ? AND status = 'pending'`, parts, id)
	if err != nil {
		return fmt.Errorf("storage: mark parts sent: %w", err)
	}
	return nil
}

// MarkFailed ends a message with status dead or dropped and the reason.
func (tx *Tx) MarkFailed(ctx context.Context, id int64, status, reason string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, file_data = NULL, render = '' WHERE id = ?`,
		status, reason, id)
	if err != nil {
		return fmt.Errorf("storage: mark failed: %w", err)
	}
	return nil
}

// DropPendingForChat drops every pending message to a chat that cannot receive.
func (tx *Tx) DropPendingForChat(ctx context.Context, chatID int64, reason string) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE outbox SET status = 'dropped', last_error = ?, file_data = NULL, render = '' WHERE chat_id = ? AND status = 'pending'`, reason, chatID)
	if err != nil {
		return 0, fmt.Errorf("storage: drop pending: %w", err)
	}
	return res.RowsAffected()
}

// OutboxCounts returns the number of messages per status.
func (tx *Tx) OutboxCounts(ctx context.Context) (map[string]int, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("storage: outbox counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			s string
			n int
		)
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("storage: outbox counts: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// OutboxDepth is the number of pending messages.
func (tx *Tx) OutboxDepth(ctx context.Context) (int, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: outbox depth: %w", err)
	}
	return n, nil
}

// PendingReplies is the number of replies to a chat not sent yet (broadcasts not counted).
func (tx *Tx) PendingReplies(ctx context.Context, chatID int64) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND priority >= ? AND chat_id = ?`, PriorityReply, chatID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: pending replies: %w", err)
	}
	return n, nil
}

// OutboxSize is the number of outbox rows with an id above afterID, whatever their status,
// the bytes their text, buttons, files and specs take, and the highest id.
func (tx *Tx) OutboxSize(ctx context.Context, afterID int64) (rows int, size, maxID int64, err error) {
	err = tx.tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(length(text) + length(buttons) + COALESCE(length(file_data), 0) + length(render)), 0), COALESCE(MAX(id), 0)
FROM outbox WHERE id > ?`, afterID).Scan(&rows, &size, &maxID)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("storage: outbox size: %w", err)
	}
	return rows, size, maxID, nil
}

// OutboxByKey returns a message by dedupe key with its status and last error.
func (tx *Tx) OutboxByKey(ctx context.Context, key string) (status, lastError string, err error) {
	err = tx.tx.QueryRowContext(ctx, `SELECT status, last_error FROM outbox WHERE dedupe_key = ?`, key).Scan(&status, &lastError)
	if err != nil {
		return "", "", fmt.Errorf("storage: outbox by key: %w", err)
	}
	return status, lastError, nil
}
