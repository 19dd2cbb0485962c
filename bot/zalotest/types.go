package zalotest

import (
	"fmt"
	"time"
)

// Event names Zalo sends with an update.
const (
	EventText        = "message.text.received"
	EventImage       = "message.image.received"
	EventSticker     = "message.sticker.received"
	EventVoice       = "message.voice.received"
	EventUnsupported = "message.unsupported.received"
)

// Chat types of the chat object.
const (
	ChatPrivate = "PRIVATE"
	ChatGroup   = "GROUP"
)

// User is a Zalo user as updates carry it ("from"). DisplayName defaults to
// "User <id>" when empty.
type User struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	IsBot       bool   `json:"is_bot"`
}

// Chat is the chat object of a message.
type Chat struct {
	ID       string `json:"id"`
	ChatType string `json:"chat_type"`
}

// Message is the message object of an update, as Zalo sends it: ids are
// strings and date is in milliseconds.
type Message struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
	From      User   `json:"from"`
	Chat      Chat   `json:"chat"`
	Text      string `json:"text,omitempty"`
	Photo     string `json:"photo,omitempty"`
	Caption   string `json:"caption,omitempty"`
	Sticker   string `json:"sticker,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Update is one event, as getUpdates answers it and the webhook receives it
// inside {"ok":true,"result":…}.
type Update struct {
	EventName string   `json:"event_name"`
	Message   *Message `json:"message,omitempty"`
}

// Sent records one successful sendMessage, sendPhoto or sendChatAction.
// Byte slices are shared; callers must not modify them.
type Sent struct {
	Method    string // "sendMessage", "sendPhoto" or "sendChatAction"
	ChatID    string
	MessageID string // empty for sendChatAction
	Text      string // sendMessage
	PhotoURL  string // sendPhoto: the URL the bot gave
	Photo     []byte // sendPhoto: the bytes the fake fetched from PhotoURL
	PhotoType string // sendPhoto: the Content-Type the URL answered with
	Caption   string // sendPhoto
	Action    string // sendChatAction
	// Params holds every request parameter as a string.
	Params map[string]string
	Time   time.Time
}

// APIError is an error answer of the fake. It is also used to inject errors
// with FailNext and SetChatError.
type APIError struct {
	Code        int
	Description string
}

// Error implements error.
func (e *APIError) Error() string { return fmt.Sprintf("zalo %d: %s", e.Code, e.Description) }

// Stats counts what the server answered since New (or ResetStats); Restart
// keeps them.
type Stats struct {
	// Calls counts requests per method whatever the answer; requests with a
	// wrong token or an unknown method are not counted here.
	Calls map[string]int
	// Messages counts accepted sendMessage and sendPhoto calls.
	Messages int
	// TooManyRequests counts 429 answers.
	TooManyRequests int
	// ServerErrors counts 5xx answers.
	ServerErrors int
	// Forbidden counts 403 answers.
	Forbidden int
	// BadRequests counts 400 answers.
	BadRequests int
	// Unauthorized counts 401 answers (wrong token).
	Unauthorized int
	// NotFound counts 404 answers (unknown method or chat).
	NotFound int
	// PollTimeouts counts getUpdates answered 408 (nothing came in time).
	PollTimeouts int
	// MaxGlobalPerSecond is the largest number of accepted messages in any
	// sliding one-second window.
	MaxGlobalPerSecond int
	// PhotoFetches counts photo URLs fetched for sendPhoto (successful or not).
	PhotoFetches int
	// WebhookDeliveries counts updates POSTed to the webhook with a 2xx answer.
	WebhookDeliveries int
	// WebhookFailures counts updates dropped after every webhook attempt failed.
	WebhookFailures int
}

// Wire types.

type botInfo struct {
	ID            string `json:"id"`
	AccountName   string `json:"account_name"`
	AccountType   string `json:"account_type"`
	CanJoinGroups bool   `json:"can_join_groups"`
}

type sentResult struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
}

type webhookResult struct {
	URL       string `json:"url"`
	UpdatedAt int64  `json:"updated_at"`
}

type apiResponse struct {
	OK          bool   `json:"ok"`
	Result      any    `json:"result,omitempty"`
	ErrorCode   int    `json:"error_code,omitempty"`
	Description string `json:"description,omitempty"`
}
