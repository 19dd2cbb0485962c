package zalo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Event names of updates.
const (
	EventText        = "message.text.received"
	EventImage       = "message.image.received"
	EventSticker     = "message.sticker.received"
	EventVoice       = "message.voice.received"
	EventUnsupported = "message.unsupported.received"
)

// Chat types of Chat.Type.
const (
	ChatPrivate = "PRIVATE"
	ChatGroup   = "GROUP"
)

// BotInfo is what getMe answers.
type BotInfo struct {
	ID            string `json:"id"`
	AccountName   string `json:"account_name"`
	AccountType   string `json:"account_type"`
	CanJoinGroups bool   `json:"can_join_groups"`
}

// UnmarshalJSON accepts "name" where "account_name" is missing, as one
// client's shape has it.
func (b *BotInfo) UnmarshalJSON(data []byte) error {
	type plain BotInfo
	var v struct {
		plain
		Name string `json:"name"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*b = BotInfo(v.plain)
	if b.AccountName == "" {
		b.AccountName = v.Name
	}
	return nil
}

// User is the sender of a message.
type User struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	IsBot       bool   `json:"is_bot"`
}

// UnmarshalJSON accepts "name" where "display_name" is missing.
func (u *User) UnmarshalJSON(data []byte) error {
	type plain User
	var v struct {
		plain
		Name string `json:"name"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*u = User(v.plain)
	if u.DisplayName == "" {
		u.DisplayName = v.Name
	}
	return nil
}

// Chat is where a message was written; answers go to its ID.
type Chat struct {
	ID   string `json:"id"`
	Type string `json:"chat_type"`
}

// Message is the message of an update. Date is in milliseconds.
type Message struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
	From      User   `json:"from"`
	Chat      Chat   `json:"chat"`
	Text      string `json:"text"`
	Photo     string `json:"photo"`
	Caption   string `json:"caption"`
	Sticker   string `json:"sticker"`
	URL       string `json:"url"`
}

// UnmarshalJSON accepts "photo_url" where "photo" is missing.
func (m *Message) UnmarshalJSON(data []byte) error {
	type plain Message
	var v struct {
		plain
		PhotoURL string `json:"photo_url"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*m = Message(v.plain)
	if m.Photo == "" {
		m.Photo = v.PhotoURL
	}
	return nil
}

// Time returns the message's date.
func (m Message) Time() time.Time { return time.UnixMilli(m.Date) }

// Update is one event, from getUpdates or the webhook.
type Update struct {
	EventName string   `json:"event_name"`
	Message   *Message `json:"message"`
}

// Sent is the receipt of sendMessage and sendPhoto. Date is in milliseconds.
type Sent struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
}

// WebhookInfo is what setWebhook, deleteWebhook and getWebhookInfo answer.
// UpdatedAt is in milliseconds.
type WebhookInfo struct {
	URL       string `json:"url"`
	UpdatedAt int64  `json:"updated_at"`
}

// decodeUpdates reads getUpdates' result: Zalo answers one update object, some
// clients see an array; null or an empty object mean none.
func decodeUpdates(raw json.RawMessage) ([]Update, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, nil
	}
	switch t[0] {
	case '[':
		var ups []Update
		if err := json.Unmarshal(t, &ups); err != nil {
			return nil, fmt.Errorf("decode updates: %w", err)
		}
		return ups, nil
	case '{':
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(t, &probe); err != nil {
			return nil, fmt.Errorf("decode update: %w", err)
		}
		if len(probe) == 0 {
			return nil, nil
		}
		var u Update
		if err := json.Unmarshal(t, &u); err != nil {
			return nil, fmt.Errorf("decode update: %w", err)
		}
		return []Update{u}, nil
	}
	return nil, fmt.Errorf("decode updates: unexpected result %.20q", t)
}

// ErrNotAnUpdate is returned by ParseWebhook for a body that holds no update.
var ErrNotAnUpdate = errors.New("zalo: webhook body is not an update")

// ParseWebhook reads the body Zalo POSTs to the webhook: {"ok":true,"result":
// {update}} as documented, or the bare update one client also accepts.
func ParseWebhook(body []byte) (Update, error) {
	var env struct {
		OK        *bool           `json:"ok"`
		Result    json.RawMessage `json:"result"`
		EventName string          `json:"event_name"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return Update{}, fmt.Errorf("%w: %w", ErrNotAnUpdate, err)
	}
	raw := json.RawMessage(body)
	if env.EventName == "" && len(bytes.TrimSpace(env.Result)) > 0 {
		raw = env.Result
	}
	var u Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return Update{}, fmt.Errorf("%w: %w", ErrNotAnUpdate, err)
	}
	if u.EventName == "" {
		return Update{}, ErrNotAnUpdate
	}
	return u, nil
}
