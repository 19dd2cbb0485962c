package zalo

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// TextOnly answers a message that is not text (an image, a sticker, a voice
// message): the bot reads only typed messages.
const TextOnly = "Mình chỉ đọc được tin nhắn chữ."

// Inbound is a Zalo message reduced to what the commands need. Ids are
// Zalo's strings.
type Inbound struct {
	UserID    string
	ChatID    string
	ChatType  string // "private" or "group"
	Name      string // the sender's display name
	Text      string // empty unless Event is a text message
	MessageID string // what deduplicates the update: Zalo has no update id
	Date      time.Time
	Event     string // Zalo's event name
	// NonText marks an image, sticker, voice or unsupported message: the
	// caller answers TextOnly instead of reading it as a command.
	NonText bool
	// FromBot marks a message written by a bot account.
	FromBot bool
}

// ErrNoMessage is returned by ToUpdate for an update without a usable message.
var ErrNoMessage = errors.New("zalo: update without a message")

// ToUpdate converts an update. Every message event converts; NonText tells
// which ones are not text. An update without a message, a sender or a chat
// gives ErrNoMessage.
func ToUpdate(u Update) (Inbound, error) {
	m := u.Message
	if m == nil || m.From.ID == "" {
		return Inbound{}, fmt.Errorf("%w (event %q)", ErrNoMessage, u.EventName)
	}
	chatID := m.Chat.ID
	if chatID == "" {
		if m.Chat.Type != "" && !strings.EqualFold(m.Chat.Type, ChatPrivate) {
			return Inbound{}, fmt.Errorf("%w (event %q: a group message without a chat id)", ErrNoMessage, u.EventName)
		}
		chatID = m.From.ID
	}
	chatType := "private"
	if strings.EqualFold(m.Chat.Type, ChatGroup) {
		chatType = "group"
	}
	in := Inbound{
		UserID:    m.From.ID,
		ChatID:    chatID,
		ChatType:  chatType,
		Name:      strings.TrimSpace(m.From.DisplayName),
		MessageID: m.MessageID,
		Event:     u.EventName,
		FromBot:   m.From.IsBot,
		NonText:   u.EventName != EventText,
	}
	if m.Date > 0 {
		in.Date = time.UnixMilli(m.Date)
	}
	if !in.NonText {
		in.Text = m.Text
	}
	return in, nil
}
