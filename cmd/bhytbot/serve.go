package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/admin"
	"github.com/bhytbot/bhytbot/bot"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/web"
)

// stopTimeout bounds how long serve waits for running jobs and in-flight sends on SIGTERM.
const stopTimeout = 5 * time.Second

func init() {
	register(subcommand{name: "serve", summary: "run the bot: Telegram intake (polling or webhook), outbox sender, weekly schedules",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 0 {
					return usagef("takes no arguments")
				}
				if err := e.cfg.ValidateServe(); err != nil {
					return usagef("%v", err)
				}
				return serve(ctx, e.cfg, e.log, time.Now)
			}
		}})
}

// app is the running bot: storage, the channel with its sender, the scheduler and the admin
// listener, started in that order and stopped in reverse.
type app struct {
	cfg       config.Config
	store     *storage.Store
	reminders *reminders.Service
	engine    *commands.Engine
	channel   *bot.Service
	admin     *admin.Server
	web       *web.Server
	webLn     net.Listener // when set, the dashboard serves on it instead of web.listen
	log       *slog.Logger
}

// newApp opens storage and builds the components; it makes no network request except
// getMe (to learn the bot's username for invite links).
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger, clock func() time.Time, opts ...bot.Option) (*app, error) {
	st, err := storage.Open(ctx, cfg.Database.Path, storage.WithClock(clock))
	if err != nil {
		return nil, err
	}
	if cfg, err = withZaloAdmins(ctx, cfg, st); err != nil {
		st.Close()
		return nil, err
	}
	a := &app{cfg: cfg, store: st, log: log}
	username := ""
	if client, err := bot.NewClient(cfg.Telegram.Token, cfg.Telegram.APIEndpoint, log); err == nil {
		if me, err := client.GetMe(ctx); err == nil {
			username = me.UserName
		} else {
			log.Warn("getMe failed; invite links will use a placeholder until restart", "error", err)
		}
	}
	a.reminders = reminders.New(cfg, st, clock, log)
	a.engine = commands.New(cfg, clock, commands.WithReminders(a.reminders), commands.WithBotUsername(username), commands.WithLogger(log))
	a.channel, err = bot.New(cfg, st, a.engine, log, append(opts[:len(opts):len(opts)], bot.WithRenderer(leaderboard.RenderAttachment))...)
	if err != nil {
		st.Close()
		return nil, err
	}
	if cfg.AdminHTTP.Listen != "" {
		maxPoll := time.Duration(0)
		if cfg.Telegram.Mode == "polling" && cfg.Telegram.Token != "" {
			maxPoll = 3*cfg.Telegram.PollTimeout + time.Minute
		}
		a.admin = admin.New(cfg.AdminHTTP.Listen, st, maxPoll, log)
	}
	if cfg.Web.Listen != "" {
		if a.web, err = web.New(cfg, st, a.reminders, clock, log); err != nil {
			st.Close()
			return nil, err
		}
	}
	return a, nil
}

// run runs the admin listener, the scheduler (when schedules), the dashboard (when
// web.listen is set) and the channel, started in that order; when ctx ends they stop in
// reverse (the channel stops its intake first, then lets its sender finish the sends in
// flight; then the dashboard; then the schedules, waiting for a running job;
// then the admin listener), all within stopTimeout.
func (a *app) run(ctx context.Context, schedules bool) error {
	defer a.store.Close()
	r := &runner{log: a.log, timeout: stopTimeout}
	if a.admin != nil {
		r.units = append(r.units, unit{name: "admin", run: a.admin.Run})
	}
	if schedules {
		r.units = append(r.units, unit{name: "schedules", run: a.reminders.Run,
			late: "a weekly job was still running at shutdown; its transaction rolls back and runs again"})
	}
	if a.web != nil {
		// The dashboard stops after the channel; when it cannot start, the whole bot stops with its error.
		run := a.web.Run
		if a.webLn != nil {
			run = func(ctx context.Context) error { return a.web.Serve(ctx, a.webLn) }
		}
		r.units = append(r.units, unit{name: "web", run: run})
	}
	r.units = append(r.units, unit{name: "channel", run: a.channel.Run})
	a.log.Info("bhytbot started", "telegram", a.cfg.Telegram.Token != "", "mode", a.cfg.Telegram.Mode, "zalo", a.cfg.Zalo.On(), "zalo_mode", a.cfg.Zalo.Mode, "database", a.cfg.Database.Path)
	err := r.Run(ctx)
	a.log.Info("bhytbot stopped")
	return err
}

// withZaloAdmins adds the internal ids of zalo.admins (Zalo's string ids, numbered on first
// sight) to the admins.
func withZaloAdmins(ctx context.Context, cfg config.Config, st *storage.Store) (config.Config, error) {
	if len(cfg.Zalo.Admins) == 0 {
		return cfg, nil
	}
	admins := append([]int64(nil), cfg.Admins...)
	err := st.Update(ctx, func(tx *storage.Tx) error {
		for _, ext := range cfg.Zalo.Admins {
			id, err := tx.InternalID(ctx, storage.ChannelZalo, strings.TrimSpace(ext), storage.KindUser)
			if err != nil {
				return err
			}
			admins = append(admins, id)
		}
		return nil
	})
	if err != nil {
		return cfg, fmt.Errorf("serve: zalo.admins: %w", err)
	}
	cfg.Admins = admins
	return cfg, nil
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, clock func() time.Time) error {
	a, err := newApp(ctx, cfg, log, clock)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return a.run(ctx, true)
}
