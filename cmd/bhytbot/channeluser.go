package main

import (
	"context"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/storage"
)

// checkUserFlag validates --user for --channel before anything is opened: a Telegram id is
// a positive number, a Zalo id is Zalo's own string (shown to the person by /toi on Zalo).
func checkUserFlag(channel, user string) error {
	switch channel {
	case storage.ChannelTelegram:
		if id, err := strconv.ParseInt(strings.TrimSpace(user), 10, 64); err != nil || id <= 0 {
			return usagef("--user must be a Telegram user id (a positive number), e.g. --user 123456789")
		}
	case storage.ChannelZalo:
		if strings.TrimSpace(user) == "" {
			return usagef("--user must be the person's Zalo user id, e.g. --user 6a1f0c2b9e --channel zalo")
		}
	default:
		return usagef("--channel must be telegram or zalo")
	}
	return nil
}

// channelUser returns the internal id of a person given on the command line by their
// channel's id (checked by checkUserFlag). A Telegram id is its own internal id; a Zalo id
// the bot has never seen is numbered here, and holds no role.
func channelUser(ctx context.Context, tx *storage.Tx, channel, user string) (int64, error) {
	user = strings.TrimSpace(user)
	if channel == storage.ChannelTelegram {
		return strconv.ParseInt(user, 10, 64)
	}
	return tx.InternalID(ctx, channel, user, storage.KindUser)
}
