package telegramtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// User is a Telegram user as it appears in updates ("from" fields).
// FirstName defaults to "User <id>" when empty.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Button is one inline keyboard button decoded from reply_markup.
type Button struct {
	Text string
	Data string // callback_data
	URL  string
}

// SentMessage records one successful outgoing call of the bot in a chat:
// sendMessage, sendPhoto, sendDocument, editMessageText,
// editMessageReplyMarkup or deleteMessage (see Method).
// Byte slices and nested slices are shared; callers must not modify them.
type SentMessage struct {
	Method    string // Bot API method name, e.g. "sendMessage"
	ChatID    int64
	MessageID int    // new message id, or the edited/deleted message id
	Text      string // text exactly as sent (markup not stripped)
	ParseMode string
	// Buttons is the inline keyboard decoded from reply_markup.
	Buttons [][]Button
	// Keyboard is the text of a reply (non-inline) keyboard, if any.
	Keyboard [][]string
	// ReplyMarkup is the raw reply_markup JSON as sent.
	ReplyMarkup string
	Photo       []byte // uploaded photo bytes (sendPhoto)
	Document    []byte // uploaded document bytes (sendDocument)
	// FileName is the uploaded file's name (multipart file name).
	FileName string
	// FileRef is the file_id or URL when a file was sent by reference.
	FileRef string
	Caption string
	// Params holds every request parameter as a string.
	Params map[string]string
	Time   time.Time
}

// BotCommand is one command of a setMyCommands call.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// CallbackAnswer records one answerCallbackQuery call.
type CallbackAnswer struct {
	QueryID   string
	UpdateID  int // update that carried the callback query
	Text      string
	ShowAlert bool
	URL       string
	Time      time.Time
}

// APIError is an error answer of the fake Bot API. It is also used to
// inject errors with FailNext and SetChatError.
type APIError struct {
	Code        int
	Description string
	RetryAfter  int // seconds; only sent when > 0
}

// Error implements error.
func (e *APIError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("telegram %d: %s (retry after %d)", e.Code, e.Description, e.RetryAfter)
	}
	return fmt.Sprintf("telegram %d: %s", e.Code, e.Description)
}

// Stats counts what the server answered since New (or ResetStats).
type Stats struct {
	// Calls counts requests per Bot API method (canonical spelling),
	// whatever the answer was. Requests with a wrong token or unknown
	// method are not counted here.
	Calls map[string]int
	// Messages counts accepted rate-limited calls (send*/edit*).
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
	// NotFound counts 404 answers (unknown method or path).
	NotFound int
	// Conflicts counts 409 answers (getUpdates vs webhook or another poller).
	Conflicts int
	// MaxGlobalPerSecond is the largest number of accepted rate-limited
	// calls observed in any sliding one-second window.
	MaxGlobalPerSecond int
	// WebhookDeliveries counts updates POSTed to the webhook with a 2xx answer.
	WebhookDeliveries int
	// WebhookFailures counts updates dropped after all webhook attempts failed.
	WebhookFailures int
}

// ScopeKey builds the key used by Commands for a command scope
// (https://core.telegram.org/bots/api#botcommandscope) and language code:
// "default", "all_private_chats", "all_group_chats",
// "all_chat_administrators", "chat:<chat_id>", "chat_administrators:<chat_id>",
// "chat_member:<chat_id>:<user_id>", followed by "/<language_code>" when
// a language code is given (e.g. "default/vi").
func ScopeKey(scopeType string, chatID, userID int64, languageCode string) string {
	if scopeType == "" {
		scopeType = "default"
	}
	k := scopeType
	switch scopeType {
	case "chat", "chat_administrators":
		k += ":" + strconv.FormatInt(chatID, 10)
	case "chat_member":
		k += ":" + strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(userID, 10)
	}
	if languageCode != "" {
		k += "/" + languageCode
	}
	return k
}

// Wire types (Bot API JSON).

type botUser struct {
	ID                      int64  `json:"id"`
	IsBot                   bool   `json:"is_bot"`
	FirstName               string `json:"first_name"`
	Username                string `json:"username"`
	CanJoinGroups           bool   `json:"can_join_groups"`
	CanReadAllGroupMessages bool   `json:"can_read_all_group_messages"`
	SupportsInlineQueries   bool   `json:"supports_inline_queries"`
}

type chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

type entity struct {
	Type     string `json:"type"`
	Offset   int    `json:"offset"`
	Length   int    `json:"length"`
	URL      string `json:"url,omitempty"`
	Language string `json:"language,omitempty"`
}

type photoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int    `json:"file_size,omitempty"`
}

type document struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type message struct {
	MessageID       int             `json:"message_id"`
	From            *User           `json:"from,omitempty"`
	Chat            chat            `json:"chat"`
	Date            int64           `json:"date"`
	EditDate        int64           `json:"edit_date,omitempty"`
	Text            string          `json:"text,omitempty"`
	Entities        []entity        `json:"entities,omitempty"`
	Caption         string          `json:"caption,omitempty"`
	CaptionEntities []entity        `json:"caption_entities,omitempty"`
	Photo           []photoSize     `json:"photo,omitempty"`
	Document        *document       `json:"document,omitempty"`
	ReplyMarkup     json.RawMessage `json:"reply_markup,omitempty"`
}

type callbackQuery struct {
	ID           string   `json:"id"`
	From         User     `json:"from"`
	Message      *message `json:"message,omitempty"`
	ChatInstance string   `json:"chat_instance"`
	Data         string   `json:"data,omitempty"`
}

type responseParameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

type apiResponse struct {
	OK          bool                `json:"ok"`
	Result      any                 `json:"result,omitempty"`
	ErrorCode   int                 `json:"error_code,omitempty"`
	Description string              `json:"description,omitempty"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

// withDescription is a handler result that also carries an ok description
// (setWebhook answers {"ok":true,"result":true,"description":"Webhook was set"}).
type withDescription struct {
	result      any
	description string
}
