package main

import (
	"context"

	"github.com/bhytbot/bhytbot/demo"
	"github.com/bhytbot/bhytbot/storage"
)

// accountOn returns who as they talk on channel. A person who uses that channel in the demo
// is themselves; otherwise they get an account there (Zalo: "demo-<key>"; Telegram: their
// demo id) holding the roles their demo account has, so `chat --channel` shows any person
// on either channel. The admin's roles come from config, not from the database.
func accountOn(ctx context.Context, tx *storage.Tx, who demo.Person, channel string) (demo.Person, error) {
	onZalo := who.Zalo != ""
	if onZalo == (channel == storage.ChannelZalo) {
		return who, nil
	}
	from := who.ID
	if onZalo {
		id, err := tx.InternalID(ctx, storage.ChannelZalo, who.Zalo, storage.KindUser)
		if err != nil {
			return who, err
		}
		from = id
	}
	to := who.ID
	if channel == storage.ChannelZalo {
		who.Zalo = "demo-" + who.Key
		id, err := tx.InternalID(ctx, storage.ChannelZalo, who.Zalo, storage.KindUser)
		if err != nil {
			return who, err
		}
		to = id
	} else {
		who.Zalo = ""
	}
	if err := tx.TouchUser(ctx, storage.User{ID: to, ChatID: to, Name: who.Name}); err != nil {
		return who, err
	}
	roles, err := tx.RolesOfUser(ctx, from)
	if err != nil {
		return who, err
	}
	for _, r := range roles {
		if err := tx.GrantRole(ctx, to, r.Role, r.Scope); err != nil {
			return who, err
		}
	}
	return who, tx.SetUserChannel(ctx, to, channel)
}
