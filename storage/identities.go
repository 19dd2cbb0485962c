package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The channels a person can write from.
const (
	ChannelTelegram = "telegram"
	ChannelZalo     = "zalo"
)

// FirstForeignID is the first internal id given to an identity of a channel other than
// Telegram. Telegram's user and chat ids fit in 52 bits (negative for groups), so they are
// their own internal ids, and an internal id at or above this one is never Telegram's.
const FirstForeignID int64 = 1 << 53

// Identity kinds: a person, or a chat that is not a person's private chat (a group). A
// private chat shares its person's identity, as on Telegram where its id is the user's.
const (
	KindUser = "user"
	KindChat = "chat"
)

// ChannelOf says which channel an internal user or chat id belongs to, from the id alone.
func ChannelOf(internal int64) string {
	if internal >= FirstForeignID {
		return ChannelZalo
	}
	return ChannelTelegram
}

// InternalID returns the internal id of a channel's user or chat, numbering it on first
// sight. A Telegram id is its own internal id.
func (tx *Tx) InternalID(ctx context.Context, channel, external, kind string) (int64, error) {
	if kind != KindUser && kind != KindChat {
		return 0, fmt.Errorf("storage: identity: kind %q is neither user nor chat", kind)
	}
	if external == "" {
		return 0, errors.New("storage: identity: empty id")
	}
	var id int64
	err := tx.tx.QueryRowContext(ctx, `SELECT internal_id FROM identities WHERE channel = ? AND external_id = ? AND kind = ?`,
		channel, external, kind).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("storage: identity: %w", err)
	}
	if channel == ChannelTelegram {
		id, err = strconv.ParseInt(external, 10, 64)
		if err != nil || id >= FirstForeignID || id <= -FirstForeignID {
			return 0, fmt.Errorf("storage: identity: telegram id %q is not a 52-bit number", external)
		}
	} else {
		err = tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(internal_id) + 1, ?1) FROM identities WHERE internal_id >= ?1`, FirstForeignID).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("storage: identity: %w", err)
		}
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO identities (internal_id, channel, external_id, kind) VALUES (?, ?, ?, ?)`,
		id, channel, external, kind)
	if err != nil {
		return 0, fmt.Errorf("storage: identity: %w", err)
	}
	return id, nil
}

// KnownInternalID returns the internal id of a channel's user or chat the bot has seen, or
// ErrNotFound; unlike InternalID it numbers nothing.
func (tx *Tx) KnownInternalID(ctx context.Context, channel, external, kind string) (int64, error) {
	var id int64
	err := tx.tx.QueryRowContext(ctx, `SELECT internal_id FROM identities WHERE channel = ? AND external_id = ? AND kind = ?`,
		channel, external, kind).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("storage: identity: %w", err)
	}
	return id, nil
}

// ExternalID returns the channel and the channel's own id of an internal user or chat id. A
// Telegram id nobody recorded (a user who wrote before identities were kept is recorded by
// the migration; a group the bot only ever answered) is its own external id.
func (tx *Tx) ExternalID(ctx context.Context, internal int64) (channel, external string, err error) {
	err = tx.tx.QueryRowContext(ctx, `SELECT channel, external_id FROM identities WHERE internal_id = ?`, internal).Scan(&channel, &external)
	switch {
	case errors.Is(err, sql.ErrNoRows) && internal < FirstForeignID:
		return ChannelTelegram, strconv.FormatInt(internal, 10), nil
	case errors.Is(err, sql.ErrNoRows):
		return "", "", fmt.Errorf("storage: identity %d: %w", internal, ErrNotFound)
	case err != nil:
		return "", "", fmt.Errorf("storage: identity %d: %w", internal, err)
	}
	return channel, external, nil
}

// SetUserChannel records which channel a user writes from.
func (tx *Tx) SetUserChannel(ctx context.Context, userID int64, channel string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE users SET channel = ? WHERE id = ? AND channel <> ?`, channel, userID, channel)
	if err != nil {
		return fmt.Errorf("storage: set user channel: %w", err)
	}
	return nil
}

// UserChannel returns the channel a user writes from ("telegram" for one never seen).
func (tx *Tx) UserChannel(ctx context.Context, userID int64) (string, error) {
	var c string
	err := tx.tx.QueryRowContext(ctx, `SELECT channel FROM users WHERE id = ?`, userID).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return ChannelOf(userID), nil
	}
	if err != nil {
		return "", fmt.Errorf("storage: user channel: %w", err)
	}
	return c, nil
}

// FileLinkTTL is how long a file sent as a link can be fetched.
const FileLinkTTL = 7 * 24 * time.Hour

// FileLink is a file sent as a link: drawn from Render when it is set, else Data.
type FileLink struct {
	OutboxID int64
	Kind     string // "photo" or "document"
	FileName string
	Render   string
	Data     []byte
	Expires  time.Time
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// AddFileLink records a link under token (only its hash is kept), valid for FileLinkTTL.
func (tx *Tx) AddFileLink(ctx context.Context, token string, l FileLink) error {
	if len(token) < 32 {
		return errors.New("storage: file link: token too short")
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO file_links (token_hash, outbox_id, kind, file_name, render, data, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, tokenHash(token), l.OutboxID, l.Kind, l.FileName, l.Render, l.Data, unix(tx.now), unix(tx.now.Add(FileLinkTTL)))
	if err != nil {
		return fmt.Errorf("storage: file link: %w", err)
	}
	return nil
}

// FileLinkByToken returns the link of token, or ErrNotFound when there is none or it expired.
func (tx *Tx) FileLinkByToken(ctx context.Context, token string) (FileLink, error) {
	var (
		l   FileLink
		exp int64
	)
	err := tx.tx.QueryRowContext(ctx, `SELECT outbox_id, kind, file_name, render, data, expires_at FROM file_links WHERE token_hash = ? AND expires_at > ?`,
		tokenHash(token), unix(tx.now)).Scan(&l.OutboxID, &l.Kind, &l.FileName, &l.Render, &l.Data, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	if err != nil {
		return l, fmt.Errorf("storage: file link: %w", err)
	}
	l.Expires = time.Unix(exp, 0)
	return l, nil
}

// PruneFileLinks forgets expired links.
func (tx *Tx) PruneFileLinks(ctx context.Context) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM file_links WHERE expires_at <= ?`, unix(tx.now))
	if err != nil {
		return 0, fmt.Errorf("storage: prune file links: %w", err)
	}
	return res.RowsAffected()
}
