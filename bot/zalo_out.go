package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	fail "github.com/bhytbot/bhytbot/bot/failure"
	"github.com/bhytbot/bhytbot/bot/split"
	"github.com/bhytbot/bhytbot/bot/zalo"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// zaloOut is the sender's Zalo channel. Zalo shows plain text only, at most 2,000 characters a
// message, with no buttons and no uploads: each text is rendered plain, buttons become
// numbered choices written after the text (remembered for the chat once the message is
// through, so a reply "2" presses the second), a photo goes as a URL Zalo fetches, a document
// as a download link (written by the sender; see Limits.Links).
type zaloOut struct {
	client *zalo.Client
	store  *storage.Store
	log    *slog.Logger
	mu     sync.Mutex
	ext    map[int64]string // internal chat id → Zalo chat id
}

// WithZalo gives the sender a Zalo channel: every message to a chat whose internal id is
// Zalo's goes through client within rate; files are linked under publicURL (the web
// dashboard's address, which serves /tep/<token>). Give it after WithSenderOptions.
func WithZalo(client *zalo.Client, rate config.Rate, publicURL string) Option {
	return func(s *Service) { s.sender.SetZalo(client, rate, publicURL) }
}

// SetZalo adds the Zalo channel to the sender (see WithZalo), with workers of its own
// (SenderOptions.Workers is per channel); call it once, before Run.
func (s *Sender) SetZalo(client *zalo.Client, rate config.Rate, publicURL string) {
	if rate.GroupPerMinute <= 0 {
		rate.GroupPerMinute = 60 * rate.PrivateChat
	}
	s.publicURL = strings.TrimRight(publicURL, "/")
	s.SetChannel(storage.ChannelZalo, &zaloOut{client: client, store: s.store, log: s.log, ext: map[int64]string{}}, rate)
}

func (z *zaloOut) Limits() Limits {
	return Limits{Text: zalo.MaxTextLen, Caption: zalo.MaxTextLen, Len: split.RuneLen, Links: true, Buttons: zaloButtonsLen}
}

// zaloButtonsLen is the length of the numbered choices Zalo writes after a text.
func zaloButtonsLen(buttons [][]storage.Button) int {
	block, _ := zalo.Render("", buttons)
	if block == "" {
		return 0
	}
	return split.RuneLen(block) + 2 // the blank line before it
}

// SendText renders text and buttons plain and sends them: one call, unless the buttons alone
// exceed a message. Zalo's message ids are not numbers: the id returned is 0.
func (z *zaloOut) SendText(ctx context.Context, chatID int64, text string, buttons [][]storage.Button) (int, error) {
	chat, err := z.external(ctx, chatID)
	if err != nil {
		return 0, err
	}
	texts, err := zaloTexts(text, buttons)
	if err != nil {
		return 0, err
	}
	for _, t := range texts {
		if _, err := z.client.SendMessage(ctx, chat, t); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// SendFile sends a photo by its URL with the rendered caption. Zalo takes no documents: the
// sender sends their links as text.
func (z *zaloOut) SendFile(ctx context.Context, chatID int64, f File, caption string, buttons [][]storage.Button) (int, error) {
	if !f.Photo || f.URL == "" {
		return 0, &fail.Error{Kind: fail.Permanent, Err: errors.New("zalo: only a photo by URL can be sent; a document goes as a link")}
	}
	chat, err := z.external(ctx, chatID)
	if err != nil {
		return 0, err
	}
	texts, _ := zalo.RenderParts(caption, buttons)
	caption = ""
	if len(texts) > 0 {
		caption, texts = texts[0], texts[1:]
	}
	if _, err := z.client.SendPhoto(ctx, chat, f.URL, caption); err != nil {
		return 0, err
	}
	for _, t := range texts {
		if strings.TrimSpace(t) == "" {
			continue
		}
		if _, err := z.client.SendMessage(ctx, chat, t); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// zaloTexts is a text with its buttons as Zalo shows it, in the calls it needs.
func zaloTexts(text string, buttons [][]storage.Button) ([]string, error) {
	parts, _ := zalo.RenderParts(text, buttons)
	out := parts[:0]
	for _, t := range parts {
		if strings.TrimSpace(t) != "" {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, &fail.Error{Kind: fail.Permanent, Err: errors.New("zalo: empty text")}
	}
	return out, nil
}

// Finish remembers the numbers of a prompt once it is through: they are what a reply "2"
// presses. A reply without choices ends them, so that a figure typed next is read as a
// figure.
func (z *zaloOut) Finish(ctx context.Context, m storage.Message) {
	_, choices := zalo.Render("", m.Buttons)
	if len(choices) == 0 && m.Priority < storage.PriorityReply {
		return
	}
	wctx := context.WithoutCancel(ctx)
	chat, err := z.external(wctx, m.ChatID)
	if err == nil {
		data := make([]string, len(choices))
		for i, c := range choices {
			data[i] = c.Data
		}
		err = z.store.Update(wctx, func(tx *storage.Tx) error {
			return tx.SetChoices(wctx, storage.ChannelZalo, chat, data)
		})
	}
	if err != nil {
		z.log.Error("zalo: remember numbered choices", "chat_id", m.ChatID, "error", err)
	}
}

// Preload caches the Zalo chat id of the recipient of a message being loaded: a broadcast
// reaches a new chat with nearly every message, and a read of its own for each would cost a
// transaction a message.
func (z *zaloOut) Preload(ctx context.Context, tx *storage.Tx, chatID int64) error {
	z.mu.Lock()
	_, ok := z.ext[chatID]
	z.mu.Unlock()
	if ok {
		return nil
	}
	channel, id, err := tx.ExternalID(ctx, chatID)
	if errors.Is(err, storage.ErrNotFound) || channel != storage.ChannelZalo {
		return nil // the send says why
	}
	if err != nil {
		return err
	}
	z.remember(chatID, id)
	return nil
}

func (z *zaloOut) remember(chatID int64, id string) {
	z.mu.Lock()
	if len(z.ext) >= 100_000 {
		clear(z.ext)
	}
	z.ext[chatID] = id
	z.mu.Unlock()
}

// external returns the Zalo chat id of an internal chat id, cached: identities never change.
// A chat without a Zalo identity is a permanent failure.
func (z *zaloOut) external(ctx context.Context, chatID int64) (string, error) {
	z.mu.Lock()
	id, ok := z.ext[chatID]
	z.mu.Unlock()
	if ok {
		return id, nil
	}
	var channel string
	err := z.store.View(ctx, func(tx *storage.Tx) (err error) {
		channel, id, err = tx.ExternalID(ctx, chatID)
		return err
	})
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return "", &fail.Error{Kind: fail.Permanent, Err: err}
	case err != nil:
		return "", &fail.Error{Kind: fail.KindOf(err), Err: err}
	case channel != storage.ChannelZalo:
		return "", &fail.Error{Kind: fail.Permanent, Err: fmt.Errorf("bot: chat %d is on %s, not zalo", chatID, channel)}
	}
	z.remember(chatID, id)
	return id, nil
}
