package bot

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	fail "github.com/bhytbot/bhytbot/bot/failure"
	"github.com/bhytbot/bhytbot/bot/zalo"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// zaloOut is the sender's Zalo channel. Zalo shows plain text only, at most 2,000 characters a
// message, with no buttons and no uploads: a message becomes plain-text parts whose buttons
// are numbered choices (remembered for the chat after the last part, so a reply "2" presses
// the second), a photo is sent as a URL Zalo fetches, a document as a download link. Both
// links are served by the web dashboard under its public address and expire.
type zaloOut struct {
	client    *zalo.Client
	publicURL string // web.public_url, without a trailing slash
	mu        sync.Mutex
	ext       map[int64]string // internal chat id → Zalo chat id
}

// WithZalo gives the sender a Zalo channel: every message to a chat whose internal id is
// Zalo's goes through client within rate; files are linked under publicURL (the web
// dashboard's address, which serves /tep/<token>). Give it after WithSenderOptions.
func WithZalo(client *zalo.Client, rate config.Rate, publicURL string) Option {
	return func(s *Service) { s.sender.SetZalo(client, rate, publicURL) }
}

// SetZalo adds the Zalo channel to the sender (see WithZalo), with as many workers again
// (SenderOptions.Workers is per channel); call it once, before Run.
func (s *Sender) SetZalo(client *zalo.Client, rate config.Rate, publicURL string) {
	s.zalo = &zaloOut{client: client, publicURL: strings.TrimRight(publicURL, "/"), ext: map[int64]string{}}
	if rate.GroupPerMinute <= 0 {
		rate.GroupPerMinute = 60 * rate.PrivateChat
	}
	s.zlim = newLimiter(rate, s.opt.Now)
	// Workers are per channel: a send waits for its network's answer, and Zalo's sends must
	// not hold the workers Telegram's need to keep its rate (nor the other way round).
	s.opt.Workers *= 2
}

// limFor is the rate budget of chatID's channel.
func (s *Sender) limFor(chatID int64) *limiter {
	if s.zlim != nil && storage.ChannelOf(chatID) == storage.ChannelZalo {
		return s.zlim
	}
	return s.lim
}

// channelIndex numbers a chat's channel for the per-channel pause: 0 Telegram, 1 Zalo.
func channelIndex(chatID int64) int {
	if storage.ChannelOf(chatID) == storage.ChannelZalo {
		return 1
	}
	return 0
}

// external returns the Zalo chat id of an internal chat id, cached: identities never change.
func (z *zaloOut) external(ctx context.Context, store *storage.Store, chatID int64) (string, error) {
	z.mu.Lock()
	id, ok := z.ext[chatID]
	z.mu.Unlock()
	if ok {
		return id, nil
	}
	var channel string
	err := store.View(ctx, func(tx *storage.Tx) (err error) {
		channel, id, err = tx.ExternalID(ctx, chatID)
		return err
	})
	if err != nil {
		return "", err
	}
	if channel != storage.ChannelZalo {
		return "", fmt.Errorf("bot: chat %d is on %s, not zalo", chatID, channel)
	}
	z.mu.Lock()
	if len(z.ext) >= 100_000 {
		clear(z.ext)
	}
	z.ext[chatID] = id
	z.mu.Unlock()
	return id, nil
}

// newLinkToken is an unguessable token of 32 random bytes.
func newLinkToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("bot: link token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// link records a message's file under a new token and returns its URL.
func (s *Sender) link(ctx context.Context, m storage.Message) (string, error) {
	if s.zalo.publicURL == "" {
		return "", errors.New("bot: zalo: web.public_url is empty: files cannot be linked")
	}
	token, err := newLinkToken()
	if err != nil {
		return "", err
	}
	l := storage.FileLink{OutboxID: m.ID, Kind: m.Kind(), FileName: m.FileName, Render: m.Render}
	if m.Render == "" {
		l.Data = m.Photo
		if l.Kind == "document" {
			l.Data = m.Document
		}
	}
	err = s.store.Update(ctx, func(tx *storage.Tx) error { return tx.AddFileLink(ctx, token, l) })
	if err != nil {
		return "", err
	}
	return s.zalo.publicURL + "/tep/" + token, nil
}

// zaloPart is one Zalo call of a message.
type zaloPart struct {
	text  string
	photo bool // sendPhoto with the file's URL, text as the caption
}

// planZalo cuts a message into Zalo calls. A document becomes its text followed by a
// download line; a photo goes first with the first part as its caption.
func planZalo(m storage.Message, fileURL string) ([]zaloPart, []zalo.Choice) {
	text := m.Text
	if m.Kind() == "document" {
		name := m.FileName
		if name == "" {
			name = "tệp"
		}
		text = strings.TrimSpace(text + "\n\nTải " + name + " (7 ngày): " + fileURL)
	}
	texts, choices := zalo.RenderParts(text, m.Buttons)
	var parts []zaloPart
	if m.Kind() == "photo" {
		caption := ""
		if len(texts) > 0 {
			caption, texts = texts[0], texts[1:]
		}
		parts = append(parts, zaloPart{text: caption, photo: true})
	}
	for _, t := range texts {
		if strings.TrimSpace(t) != "" {
			parts = append(parts, zaloPart{text: t})
		}
	}
	return parts, choices
}

// deliverZalo sends a loaded message's remaining parts to its Zalo chat.
func (s *Sender) deliverZalo(ctx context.Context, j *job, r *result) {
	m := j.msg
	chat, err := s.zalo.external(ctx, s.store, m.ChatID)
	if err != nil {
		r.out, r.reason = outRetry, err.Error()
		if errors.Is(err, storage.ErrNotFound) {
			r.out = outDead
		}
		return
	}
	fileURL := ""
	if m.Kind() != "text" {
		if fileURL, err = s.link(ctx, m); err != nil {
			r.out, r.reason = outRetry, err.Error()
			return
		}
	}
	parts, choices := planZalo(m, fileURL)
	if len(parts) == 0 {
		r.out, r.reason = outDead, "empty text"
		return
	}
	for i := j.done; i < len(parts); i++ {
		if i > j.done && !sleep(ctx, s.zlim.reserve(m.ChatID)) {
			r.out, r.reason = outCanceled, "stopped"
			return
		}
		p := parts[i]
		if p.photo {
			_, err = s.zalo.client.SendPhoto(ctx, chat, fileURL, p.text)
		} else {
			_, err = s.zalo.client.SendMessage(ctx, chat, p.text)
		}
		if err != nil {
			r.reason = err.Error()
			r.out, r.retryAfter = outcomeOf(ctx, fail.KindOf(err), max(fail.PauseOf(err), zalo.DefaultThrottlePause))
			return
		}
		r.done = i + 1
	}
	// The numbers of the last prompt are what a reply "2" presses; a reply without choices
	// ends them, so that a figure typed next is read as a figure.
	if len(choices) > 0 || m.Priority >= storage.PriorityReply {
		data := make([]string, len(choices))
		for i, c := range choices {
			data[i] = c.Data
		}
		wctx := context.WithoutCancel(ctx)
		err := s.store.Update(wctx, func(tx *storage.Tx) error {
			return tx.SetChoices(wctx, storage.ChannelZalo, chat, data)
		})
		if err != nil {
			s.log.Error("zalo: remember numbered choices", "chat_id", m.ChatID, "error", err)
		}
	}
	r.out = outSent
}
