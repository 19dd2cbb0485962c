package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/demo"
	"github.com/bhytbot/bhytbot/storage"
)

func init() {
	register(subcommand{name: "chat", args: "--as " + strings.Join(demo.Keys(), "|") + " [--channel telegram|zalo] [-out DIR]",
		summary: "after `demo -keep`, talk to the bot in the terminal as a demo person (buttons are numbered choices)",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			as := fs.String("as", "", "who you are: "+strings.Join(demo.Keys(), ", ")+" (teacher: a class with a pupil roster; teacher-counts: a class that reports counts)")
			out := fs.String("out", "demo-out", "the directory that demo -keep wrote")
			channel := fs.String("channel", "", "telegram, or zalo: talk through the Zalo fake and see what Zalo shows (plain text, numbered choices, files as links); default: the channel the person uses in the demo")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 0 {
					return usagef("takes no arguments")
				}
				who, ok := demo.ByKey(*as)
				if !ok {
					return usagef("--as must be one of %s", strings.Join(demo.Keys(), ", "))
				}
				switch *channel {
				case "":
					*channel = strings.ToLower(who.Channel())
				case "telegram", "zalo":
				default:
					return usagef("--channel must be telegram or zalo, not %q", *channel)
				}
				dbPath := filepath.Join(*out, "demo.db")
				if _, err := os.Stat(dbPath); err != nil {
					return fmt.Errorf("%s not found: run `bhytbot demo -keep` first", dbPath)
				}
				return runChat(ctx, e, *out, who, *channel)
			}
		}})
}

// runChat talks as who, on channel, to the demo kept in dir; files the bot sends go to dir
// too. A person asked for on the other channel than theirs in the demo gets an account there
// with the same roles (see accountOn).
func runChat(ctx context.Context, e *env, dir string, who demo.Person, channel string) error {
	dbPath := filepath.Join(dir, "demo.db")
	st, err := storage.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	var (
		clock  string
		offset int64
	)
	err = st.Update(ctx, func(tx *storage.Tx) error {
		if offset, err = tx.Offset(ctx); err != nil {
			return err
		}
		if clock, err = tx.Value(ctx, demo.ClockKey); err != nil {
			return err
		}
		who, err = accountOn(ctx, tx, who, channel)
		return err
	})
	st.Close()
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("%s is not a finished demo database: run `bhytbot demo -keep` again", dbPath)
	}
	if err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339, strings.TrimSpace(clock))
	if err != nil {
		return fmt.Errorf("demo clock %q: %w", clock, err)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := newDemoSetup(e.cfg, dbPath, start, offset)
	if err != nil {
		return err
	}
	defer d.close()
	if who.Key == demo.Admin.Key && who.Zalo != "" {
		d.cfg.Zalo.Admins = []string{who.Zalo}
	}
	a, stop, err := d.start(ctx, log)
	if err != nil {
		return err
	}
	chatErr := demo.Chat(ctx, d.runtime(a, dir), who, e.stdin, e.stdout)
	if err := stop(); err != nil && chatErr == nil {
		chatErr = err
	}
	fmt.Fprintln(e.stdout)
	return chatErr
}
