// Package bot is bhytbot's channels: a Telegram client over go-telegram-bot-api that
// never leaks the token, our own getUpdates loop and a webhook server that apply each
// update exactly once, the Zalo intake over package bot/zalo, the one outbox sender of
// every channel, and per-role command menus. Service runs them all; see New.
//
// Where to look:
//   - the sender (sender.go) speaks to a channel only through Outbound (channel.go): send a
//     text with buttons, send a file or its link, the channel's limits and unit of length;
//     the adapters sit beside their clients (telegram_out.go, zalo_out.go) and turn their
//     network's errors into the neutral kinds of bot/failure;
//   - outbound messages are rate-limited per channel in the sender by token buckets
//     (ratelimit.go): a global budget, one per private chat, one per group; a 429 pauses
//     that channel only, and each channel has its own workers. Inbound messages are
//     limited per account in package commands.
//   - a long message is cut into parts by package bot/split, at send time, by the limit
//     and unit its channel gives, and each delivered part is recorded (parts_sent), so a
//     crash resumes with the next part;
//   - reports are parsed by report.Parse and boards ranked by leaderboard.Rank; this
//     package only carries their messages.
//   - a weekly job runs once a week by the job ledger of package reminders (RunInTx).
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/bot/zalo"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// Service runs the Telegram channel over a store: the outbox sender and the intake
// (getUpdates loop or webhook server, by telegram.mode). Run starts the sender, then
// the intake; when its context ends it stops the intake first, then lets the in-flight
// sends finish and records their outcomes, and returns within about 5 s.
//
// Wiring for `serve`:
//
//	svc, err := bot.New(cfg, store, handler, logger)
//	if err != nil { ... }
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
//	defer stop()
//	err = svc.Run(ctx) // returns after SIGINT/SIGTERM, intake and sender stopped
//
// Jobs running in the same process call svc.Notify() after committing outbox rows; rows
// written by another process (run-job) are picked up by the sender's poll.
type Service struct {
	cfg    config.Config
	store  *storage.Store
	log    *slog.Logger
	client *Client
	sender *Sender
	intake *intake
	menus  *menuSync
	ln     net.Listener
	zalo   *ZaloIntake // nil: Zalo off
	// noTelegram: Zalo alone (no telegram.token); the Telegram intake does not run.
	noTelegram bool
}

// Option changes a Service.
type Option func(*Service)

// WithSenderOptions tunes the sender (workers, poll interval, retries).
func WithSenderOptions(o SenderOptions) Option {
	return func(s *Service) {
		s.sender = NewSender(s.store, s.client, s.cfg.Telegram.Rate, s.log, o)
	}
}

// WithWebhookListener serves the webhook on ln instead of listening on
// telegram.webhook.listen (tests, socket activation).
func WithWebhookListener(ln net.Listener) Option { return func(s *Service) { s.ln = ln } }

// New builds the channel from the configuration (telegram.token, api_endpoint, mode,
// poll_timeout, webhook.*, rate.*; admins get the admin menu). It makes no request.
func New(cfg config.Config, store *storage.Store, handler commands.Handler, logger *slog.Logger, opts ...Option) (*Service, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	t := cfg.Telegram
	if t.Mode != "polling" && t.Mode != "webhook" {
		return nil, fmt.Errorf("bot: telegram.mode must be polling or webhook, not %q", t.Mode)
	}
	if t.Mode == "webhook" && (t.Webhook.SecretToken == "" || t.Webhook.URL == "") {
		return nil, errors.New("bot: webhook mode needs telegram.webhook.url and telegram.webhook.secret_token")
	}
	if t.Rate.Global <= 0 || t.Rate.PrivateChat <= 0 || t.Rate.GroupPerMinute <= 0 {
		return nil, errors.New("bot: telegram.rate.* must be > 0")
	}
	noTelegram := strings.TrimSpace(t.Token) == "" && cfg.Zalo.On()
	token := t.Token
	if noTelegram {
		token = "0:telegram-off" // never called: no Telegram chat is ever reached
	}
	client, err := NewClient(token, t.APIEndpoint, logger)
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, store: store, log: logger, client: client, noTelegram: noTelegram}
	s.sender = NewSender(store, client, t.Rate, logger, SenderOptions{})
	for _, o := range opts {
		o(s)
	}
	s.menus = newMenuSync(client, store, cfg.Admins, logger)
	s.intake = &intake{
		store: store, handler: handler, client: client, log: logger, menus: s.menus,
		notify:   s.sender.Notify,
		outcomes: s.sender,
		webhook:  t.Mode == "webhook",
		busy:     backoff{base: 20 * time.Millisecond, max: 2 * time.Second},
	}
	if cfg.Zalo.On() {
		zc, err := zalo.New(cfg.Zalo.Token, cfg.Zalo.APIEndpoint, nil)
		if err != nil {
			return nil, err
		}
		s.sender.SetZalo(zc, cfg.Zalo.Rate.SenderRate(), cfg.Web.PublicURL)
		s.zalo = NewZaloIntake(cfg.Zalo, zc, store, handler, s.sender.Notify, logger)
	}
	return s, nil
}

// Notify wakes the sender after outbox rows were committed in this process.
func (s *Service) Notify() { s.sender.Notify() }

// Run runs the channel until ctx ends (nil then) or a fatal error (an invalid token, a
// webhook address that cannot be listened on).
func (s *Service) Run(ctx context.Context) error {
	if !s.noTelegram {
		if err := s.connect(ctx); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := s.menus.setDefault(ctx); err != nil {
			s.log.Warn("default menu not set", "error", err)
		}
	}

	sctx, stopSender := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSender()
	senderDone := make(chan struct{})
	go func() {
		defer close(senderDone)
		_ = s.sender.Run(sctx)
	}()

	mctx, stopMenus := context.WithCancel(ctx)
	menusDone := make(chan struct{})
	go func() {
		defer close(menusDone)
		s.menus.run(mctx)
	}()

	err := s.runIntakes(ctx)
	stopMenus()
	<-menusDone
	stopSender()
	<-senderDone
	return err
}

// connect checks the token with getMe, retrying transient failures.
func (s *Service) connect(ctx context.Context) error {
	bo := backoff{base: time.Second, max: time.Minute}
	for {
		me, err := s.client.GetMe(ctx)
		if err == nil {
			s.log.Info("telegram connected", "bot", me.UserName, "mode", s.cfg.Telegram.Mode)
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		kind, after, code := classify(err)
		if code == 401 || code == 404 {
			return fmt.Errorf("bot: check token: %w", err)
		}
		wait := bo.next()
		if kind == failRetryAfter {
			wait = after
		}
		s.log.Warn("getMe failed", "error", err, "retry_in", wait)
		sleep(ctx, wait)
	}
}

// Zalo returns the Zalo intake (nil when Zalo is off).
func (s *Service) Zalo() *ZaloIntake { return s.zalo }

// runIntakes runs every configured channel's intake until ctx ends or one fails.
func (s *Service) runIntakes(ctx context.Context) error {
	if s.zalo == nil {
		return s.runIntake(ctx)
	}
	ictx, stop := context.WithCancel(ctx)
	defer stop()
	zdone := make(chan error, 1)
	go func() {
		err := s.zalo.Run(ictx)
		if err != nil {
			stop()
		}
		zdone <- err
	}()
	var err error
	if s.noTelegram {
		<-ictx.Done()
	} else {
		err = s.runIntake(ictx)
	}
	stop()
	return errors.Join(err, <-zdone)
}

func (s *Service) runIntake(ctx context.Context) error {
	t := s.cfg.Telegram
	if t.Mode == "webhook" {
		ln := s.ln
		if ln == nil {
			var err error
			if ln, err = net.Listen("tcp", t.Webhook.Listen); err != nil {
				return fmt.Errorf("bot: webhook listen: %w", err)
			}
		}
		w := &webhook{intake: s.intake, secret: t.Webhook.SecretToken, path: t.Webhook.Path, log: s.log}
		return w.serve(ctx, s.client, ln, t.Webhook.URL, 1500*time.Millisecond)
	}
	if err := s.client.DeleteWebhook(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("deleteWebhook failed; getUpdates may conflict until it succeeds", "error", err)
	}
	timeout := t.PollTimeout
	if timeout < time.Second {
		timeout = time.Second
	}
	p := &poller{
		client: s.client, intake: s.intake, store: s.store, timeout: timeout, log: s.log,
		errWait: backoff{base: 500 * time.Millisecond, max: time.Minute},
	}
	return p.run(ctx)
}
