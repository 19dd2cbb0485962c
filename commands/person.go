package commands

import (
	"context"
	"fmt"

	"github.com/bhytbot/bhytbot/storage"
)

// channelName is a channel as people call it.
func channelName(userID int64) string {
	if storage.ChannelOf(userID) == storage.ChannelZalo {
		return "Zalo"
	}
	return "Telegram"
}

// personLabel names a user for other people, in plain text: their name and the channel they
// write from ("Nguyễn Thị Mai (Zalo)", "Cô Lan (Telegram @colan)"), never a user id: a Zalo
// user's id in the bot is a number of its own that nobody has seen anywhere else. unnamed
// stands for the name when the bot knows none.
func personLabel(userID int64, name, username, unnamed string) string {
	if name == "" {
		name = unnamed
	}
	where := channelName(userID)
	if username != "" && where == "Telegram" {
		where += " @" + username
	}
	return clip(name) + " (" + where + ")"
}

// ownID is how a person's account is named to themselves (/toi): the channel and the
// channel's own id of the user, the id an operator gives to `bhytbot revoke --user` and
// `zalo.admins`, and that /xoaquyen accepts.
func ownID(ctx context.Context, tx *storage.Tx, userID int64) (string, error) {
	channel, external, err := tx.ExternalID(ctx, userID)
	if isNotFound(err) { // an account no channel named to the bot: nothing to show but where
		return channelName(userID), nil
	}
	if err != nil {
		return "", fmt.Errorf("commands: own id: %w", err)
	}
	if channel == storage.ChannelZalo {
		return "Zalo, mã người dùng Zalo " + external, nil
	}
	return "Telegram, mã người dùng " + external, nil
}
