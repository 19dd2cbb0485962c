package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

func init() {
	register(subcommand{name: "web-link", args: "--user ID [--channel telegram|zalo]",
		summary: "print a one-time dashboard login link <web.public_url>/login/<token> for a user",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			user := fs.String("user", "", "the user's id on the channel (a Telegram user id, or a Zalo user id)")
			channel := fs.String("channel", storage.ChannelTelegram, "the user's channel: telegram or zalo")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 0 {
					return usagef("takes no arguments")
				}
				if err := checkUserFlag(*channel, *user); err != nil {
					return err
				}
				if e.cfg.Web.PublicURL == "" {
					return usagef("web.public_url is not set: the link needs the dashboard's address")
				}
				st, err := openRoster(ctx, e)
				if err != nil {
					return err
				}
				defer st.Close()
				cfg, err := withZaloAdmins(ctx, e.cfg, st)
				if err != nil {
					return err
				}
				link, err := channelWebLink(ctx, st, cfg, *channel, *user)
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, link)
				fmt.Fprintf(e.stdout, "valid for %s, once\n", e.cfg.Web.LoginTTL)
				return nil
			}
		}})
}

// managerWebLink mints a one-time dashboard login link for a user the dashboard would let in
// (an admin, officer or principal); for anyone else it mints nothing, since the link would
// only lead to a refusal. user is an internal id, which the Telegram path takes as it is.
func managerWebLink(ctx context.Context, st *storage.Store, cfg config.Config, user int64) (string, error) {
	return channelWebLink(ctx, st, cfg, storage.ChannelTelegram, strconv.FormatInt(user, 10))
}

// channelWebLink is managerWebLink for a person given by their channel's own id.
func channelWebLink(ctx context.Context, st *storage.Store, cfg config.Config, channel, ext string) (string, error) {
	var link string
	err := st.Update(ctx, func(tx *storage.Tx) error {
		user, err := channelUser(ctx, tx, channel, ext)
		if err != nil {
			return err
		}
		v, err := commands.LoadViewer(ctx, tx, cfg, user)
		if err != nil {
			return err
		}
		if !v.Manager() {
			return fmt.Errorf("%s user %s is not an admin, officer or principal: the dashboard would refuse them", channel, ext)
		}
		link, err = commands.WebLink(ctx, tx, cfg, user)
		return err
	})
	return link, err
}
