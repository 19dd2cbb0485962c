package bot

import (
	"context"

	fail "github.com/bhytbot/bhytbot/bot/failure"
	"github.com/bhytbot/bhytbot/bot/split"
	"github.com/bhytbot/bhytbot/storage"
)

// Telegram's limits on one message, in UTF-16 code units.
const (
	maxTextLen    = 4096 // characters of a message text
	maxCaptionLen = 1024 // characters of a photo/document caption
)

// telegramOut is the sender's Telegram channel: HTML texts with inline keyboards, files
// uploaded, failures turned into the channel-neutral kinds.
type telegramOut struct {
	client *Client
}

// TelegramOut is the Telegram channel of the sender, through client.
func TelegramOut(client *Client) Outbound { return &telegramOut{client: client} }

func (t *telegramOut) Limits() Limits {
	return Limits{Text: maxTextLen, Caption: maxCaptionLen, Len: split.UTF16Len}
}

func (t *telegramOut) SendText(ctx context.Context, chatID int64, text string, buttons [][]storage.Button) (int, error) {
	id, err := t.client.SendText(ctx, chatID, text, buttons)
	return id, telegramError(err)
}

func (t *telegramOut) SendFile(ctx context.Context, chatID int64, f File, caption string, buttons [][]storage.Button) (int, error) {
	id, err := t.client.SendFile(ctx, chatID, f.Photo, f.Name, f.Data, caption, buttons)
	return id, telegramError(err)
}

// telegramError gives a failed call its channel-neutral kind, keeping Telegram's error
// (and its description, which names why a recipient is gone) inside.
func telegramError(err error) error {
	if err == nil {
		return nil
	}
	kind, pause := telegramFailure(err)
	return &fail.Error{Kind: kind, Pause: pause, Err: err}
}
