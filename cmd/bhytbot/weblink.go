package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

func init() {
	register(subcommand{name: "web-link", args: "--user ID [--channel telegram|zalo]",
		summary: "print a one-time dashboard login link <web.public_url>/login/<token> for a user",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			user := fs.Int64("user", 0, "the user's id on the channel (a Telegram user id)")
			channel := fs.String("channel", "telegram", "the user's channel: telegram (zalo once that channel exists)")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 0 {
					return usagef("takes no arguments")
				}
				if *user <= 0 {
					return usagef("--user must be a user id, e.g. --user 123456789")
				}
				if *channel != "telegram" {
					return usagef("--channel %q: only telegram is available", *channel)
				}
				if e.cfg.Web.PublicURL == "" {
					return usagef("web.public_url is not set: the link needs the dashboard's address")
				}
				st, err := openRoster(ctx, e)
				if err != nil {
					return err
				}
				defer st.Close()
				link, err := managerWebLink(ctx, st, e.cfg, *user)
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
// only lead to a refusal.
func managerWebLink(ctx context.Context, st *storage.Store, cfg config.Config, user int64) (string, error) {
	var link string
	err := st.Update(ctx, func(tx *storage.Tx) error {
		v, err := commands.LoadViewer(ctx, tx, cfg, user)
		if err != nil {
			return err
		}
		if !v.Manager() {
			return fmt.Errorf("user %d is not an admin, officer or principal: the dashboard would refuse them", user)
		}
		link, err = commands.WebLink(ctx, tx, cfg, user)
		return err
	})
	return link, err
}
