package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/bot"
	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/bot/zalotest"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/demo"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/web"
)

func init() {
	register(subcommand{name: "demo", args: "[-out DIR] [-keep] [-web ADDR]",
		summary: "a self-contained run: the real bot against built-in Telegram and Zalo Bot API fakes, three weeks of a campaign, no token, no network",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			out := fs.String("out", "demo-out", "directory for the transcript, the Excel file and the charts")
			keep := fs.Bool("keep", false, "keep the demo database in DIR/demo.db, for bhytbot chat --as ROLE")
			webAddr := fs.String("web", "", "after the three weeks, serve the dashboard over the demo's database on `ADDR` (e.g. 127.0.0.1:8080) until Ctrl-C; keeps DIR/demo.db")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 0 {
					return usagef("takes no arguments")
				}
				var ln net.Listener
				if *webAddr != "" {
					// Listening before the three weeks play out reports a taken address at once,
					// and with port 0 the address is known for the links.
					var err error
					if ln, err = net.Listen("tcp", *webAddr); err != nil {
						return fmt.Errorf("demo: -web: %w", err)
					}
					defer ln.Close()
				}
				return runDemo(ctx, e, *out, *keep || ln != nil, ln)
			}
		}})
}

// demoSetup is the fakes, the config and the clock shared by demo and chat: the Telegram
// fake, the Zalo fake (in webhook mode, Zalo's production mode, on a loopback listener) and
// the dashboard that serves the files sent to Zalo as links, all on 127.0.0.1.
type demoSetup struct {
	fake   *telegramtest.Server
	zalo   *zalotest.Server
	cfg    config.Config
	clock  *demo.Clock
	zaloLn net.Listener // the bot's Zalo webhook
	webLn  net.Listener // the dashboard (file links)
}

// newDemoSetup starts the fakes; firstUpdate continues the Telegram update ids of an earlier
// run (the bot's stored offset confirms every id below it).
func newDemoSetup(base config.Config, dbPath string, start time.Time, firstUpdate int64) (demoSetup, error) {
	zaloLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return demoSetup{}, fmt.Errorf("demo: zalo webhook: %w", err)
	}
	webLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		zaloLn.Close()
		return demoSetup{}, fmt.Errorf("demo: file links: %w", err)
	}
	fake := telegramtest.New(telegramtest.Options{FirstUpdateID: int(firstUpdate), Limits: telegramtest.Limits{
		GlobalPerSecond: 200, PrivatePerSecond: 20, PrivateBurst: 20}})
	z := zalotest.New(zalotest.Options{AllowHTTPWebhook: true})
	cfg := base
	cfg.Telegram.Token = fake.Token()
	cfg.Telegram.APIEndpoint = fake.Endpoint()
	cfg.Telegram.Mode = "polling"
	cfg.Telegram.PollTimeout = time.Second
	cfg.Telegram.Rate = config.Rate{Global: 100, PrivateChat: 10, GroupPerMinute: 20}
	hook := zaloLn.Addr().String()
	cfg.Zalo.Token, cfg.Zalo.APIEndpoint, cfg.Zalo.Mode = z.Token(), z.Endpoint(), "webhook"
	cfg.Zalo.Webhook = config.Webhook{Listen: hook, URL: "http://" + hook + "/zalo", Path: "/zalo", SecretToken: "demo-zalo-webhook-secret"}
	cfg.Zalo.Rate = config.ZaloRate{Global: 100, PrivateChat: 10}
	cfg.Zalo.Admins = nil
	cfg.Web.Listen, cfg.Web.PublicURL = webLn.Addr().String(), "http://"+webLn.Addr().String()
	cfg.Database.Path = dbPath
	cfg.Admins = []int64{demo.Admin.ID}
	cfg.Campaign.Deadline = demo.Deadline
	cfg.Campaign.SchoolYear = "2025-2026"
	cfg.AdminHTTP.Listen = ""
	return demoSetup{fake: fake, zalo: z, cfg: cfg, clock: demo.NewClock(start), zaloLn: zaloLn, webLn: webLn}, nil
}

// close stops the fakes and frees the listeners.
func (d demoSetup) close() {
	d.fake.Close()
	d.zalo.Close()
	d.zaloLn.Close()
	d.webLn.Close()
}

func (d demoSetup) start(ctx context.Context, log *slog.Logger) (*app, func() error, error) {
	a, err := newApp(ctx, d.cfg, log, d.clock.Now, bot.WithSenderOptions(bot.SenderOptions{Poll: 50 * time.Millisecond, Now: d.clock.Now}))
	if err != nil {
		return nil, nil, err
	}
	a.webLn = d.webLn
	a.channel.Zalo().WithWebhookListener(d.zaloLn)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.run(rctx, false) }()
	stop := func() error {
		cancel()
		return <-done
	}
	return a, stop, nil
}

// runtime is what demo.Play and demo.Chat drive.
func (d demoSetup) runtime(a *app, dir string) demo.Runtime {
	return demo.Runtime{Fake: d.fake, Zalo: d.zalo, Store: a.store, Reminders: a.reminders, Clock: d.clock,
		Notify: a.channel.Notify, Year: d.cfg.Campaign.SchoolYear, TTL: d.cfg.Invites.TTL, Dir: dir}
}

// runDemo plays the demo; with webLn set, it then serves the dashboard on it until ctx ends.
func runDemo(ctx context.Context, e *env, out string, keep bool, webLn net.Listener) error {
	started := time.Now()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	dbPath := filepath.Join(out, "demo.db")
	// A database kept by an earlier `demo -keep` no longer matches the files this run
	// writes next to it: remove it, so that `chat` asks for `demo -keep` instead of talking
	// to a stale demo.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if !keep {
		tmp, err := os.MkdirTemp("", "bhytbot-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dbPath = filepath.Join(tmp, "demo.db")
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := newDemoSetup(e.cfg, dbPath, demo.Start, 0)
	if err != nil {
		return err
	}
	defer d.close()
	a, stop, err := d.start(ctx, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "bhytbot demo: the real bot against a Telegram Bot API fake at %s and a Zalo Bot API fake at %s (webhook mode), database %s\n", d.fake.URL(), d.zalo.URL(), dbPath)
	rt := d.runtime(a, out)
	rt.Out = e.stdout
	res, playErr := demo.Play(ctx, rt)
	if err := stop(); err != nil && playErr == nil {
		playErr = err
	}
	if playErr != nil {
		return playErr
	}
	fmt.Fprintf(e.stdout, "\nDone in %s: %d messages sent. Files (Excel, charts, transcript) in %s/:\n", time.Since(started).Round(100*time.Millisecond), res.Messages, out)
	for _, f := range res.Files {
		fmt.Fprintf(e.stdout, "  %s\n", f)
	}
	if keep {
		fmt.Fprintf(e.stdout, "Database kept in %s; talk to the bot: bhytbot chat -out %s --as %s\n", dbPath, out, strings.Join(demo.Keys(), "|"))
	} else {
		fmt.Fprintf(e.stdout, "No database kept; for bhytbot chat run bhytbot demo -keep\n")
	}
	if webLn != nil {
		return serveDemoWeb(ctx, e, d, webLn, log)
	}
	return nil
}

// demoWebUsers are the people the demo prints dashboard links for: the province's officer
// sees every commune and school, a principal only their school.
var demoWebUsers = []struct {
	label  string
	person demo.Person
}{
	{"Cán bộ tỉnh", demo.OfficerProv},
	{"Hiệu trưởng THCS Mỹ Tú", demo.PrincipalMyTu},
}

// serveDemoWeb serves the dashboard over the demo's database on ln until ctx ends, after
// printing one-time login links. It reads the demo's clock, so "this week" is the demo's last
// week and the links expire by that clock.
func serveDemoWeb(ctx context.Context, e *env, d demoSetup, ln net.Listener, log *slog.Logger) error {
	cfg := d.cfg
	cfg.Web.Listen = ln.Addr().String()
	cfg.Web.PublicURL = "http://" + ln.Addr().String()
	st, err := storage.Open(ctx, cfg.Database.Path, storage.WithClock(d.clock.Now))
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := web.New(cfg, st, reminders.New(cfg, st, d.clock.Now, log), d.clock.Now, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nDashboard at %s; open a link in a browser (each works once, within %s):\n", cfg.Web.PublicURL, cfg.Web.LoginTTL)
	for _, u := range demoWebUsers {
		link, err := managerWebLink(ctx, st, cfg, u.person.ID)
		if err != nil {
			return fmt.Errorf("demo: web link for %s: %w", u.person.Name, err)
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", u.label, link)
	}
	fmt.Fprintf(e.stdout, "Serving until Ctrl-C; run the demo again for new links.\n")
	return srv.Serve(ctx, ln)
}
