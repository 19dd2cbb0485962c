package bot

import (
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bhytbot/bhytbot/commands"
)

// convert turns a Telegram update into the channel-neutral one. handle is false when
// there is nothing for the handler (a message without text, a channel post, an update
// type the bot does not use); such an update is still recorded as processed, and its
// sender, if any, as having written.
func convert(up tgbotapi.Update) (u commands.Update, handle bool) {
	u.ID = int64(up.UpdateID)
	switch {
	case up.Message != nil:
		m := up.Message
		if m.Chat == nil || !chatTypeOK(m.Chat.Type) {
			return u, false
		}
		u.ChatID, u.ChatType = m.Chat.ID, m.Chat.Type
		if m.From != nil && !m.From.IsBot {
			u.UserID, u.Name, u.Username = m.From.ID, displayName(m.From), m.From.UserName
		}
		u.Text = m.Text
		if u.Text == "" {
			u.Text = m.Caption
		}
		return u, u.UserID != 0 && u.Text != ""
	case up.CallbackQuery != nil:
		q := up.CallbackQuery
		if q.From == nil {
			return u, false
		}
		u.UserID, u.Name, u.Username = q.From.ID, displayName(q.From), q.From.UserName
		u.CallbackID, u.Data = q.ID, q.Data
		u.ChatID, u.ChatType = q.From.ID, "private"
		if q.Message != nil && q.Message.Chat != nil {
			if !chatTypeOK(q.Message.Chat.Type) {
				return u, false
			}
			u.ChatID, u.ChatType, u.MessageID = q.Message.Chat.ID, q.Message.Chat.Type, q.Message.MessageID
		}
		return u, true
	}
	return u, false
}

func chatTypeOK(t string) bool {
	return t == "private" || t == "group" || t == "supergroup"
}

func displayName(u *tgbotapi.User) string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}
