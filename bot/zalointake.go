package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	fail "github.com/bhytbot/bhytbot/bot/failure"
	"github.com/bhytbot/bhytbot/bot/zalo"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// ZaloIntake applies Zalo's updates exactly once, through the same transaction as
// Telegram's: each update's effects, its replies and its processed mark commit together.
//
// Zalo has no update id and no offset: an update is deduplicated by its message id (see
// zaloKey), remembered with Telegram's in the same bounded memory. In polling mode Zalo
// forgets an update as soon as getUpdates returned it, so a crash between that answer and
// the commit loses the update (the person's message gets no answer and must be sent
// again); nothing can be done about it on the bot's side. In webhook mode Zalo sends an
// update again until the bot answered 200, which it does only after the commit: that is the
// production mode.
//
// Each update is converted at the edge: Zalo's string ids become internal ids (numbered from
// 2^53, see storage.InternalID), a reply that is a choice number of the chat's last prompt
// becomes the press of that button, and a message that is not text gets zalo.TextOnly.
type ZaloIntake struct {
	in     *intake
	client *zalo.Client
	cfg    config.Zalo
	store  *storage.Store
	log    *slog.Logger
	ln     net.Listener

	// PollTimeout is the long poll's length (30 s).
	PollTimeout time.Duration
}

// NewZaloIntake returns the intake of the Zalo bot client talks to, applying updates with
// handler in store and waking notify (the sender) after replies were committed.
func NewZaloIntake(cfg config.Zalo, client *zalo.Client, store *storage.Store, handler commands.Handler, notify func(), logger *slog.Logger) *ZaloIntake {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("channel", storage.ChannelZalo)
	return &ZaloIntake{
		in: &intake{
			store: store, handler: zaloHandler{inner: handler}, log: logger, notify: notify,
			noOffset: true,
			busy:     backoff{base: 20 * time.Millisecond, max: 2 * time.Second},
		},
		client: client, cfg: cfg, store: store, log: logger,
		PollTimeout: 30 * time.Second,
	}
}

// zaloKeyBase puts the keys of Zalo updates far above any Telegram update id (which are
// below 2^32): the two never meet in processed_updates.
const zaloKeyBase = int64(1) << 62

// zaloKey is the number under which a Zalo message is remembered as processed: a hash of its
// message id and its date (in milliseconds) in [2^62, 2^63), with the two as its fingerprint.
// The same message delivered again (a webhook retry) has both and is skipped; two messages
// whose hashes collide differ in the fingerprint and are applied (the second under a local
// id). A message id used again by a replaced server, with another date, is another number:
// its replies cannot meet the keys of the first one's, which the outbox keeps after the
// memory of processed updates has forgotten the first.
func zaloKey(messageID string, dateMillis int64) (int64, string) {
	fp := "zalo:" + messageID + ":" + strconv.FormatInt(dateMillis, 10)
	h := fnv.New64a()
	h.Write([]byte(fp))
	return zaloKeyBase | int64(h.Sum64()>>2), fp
}

// zaloHandler answers what is not text on Zalo and records the user's channel before the
// commands see the update.
type zaloHandler struct{ inner commands.Handler }

func (h zaloHandler) Handle(ctx context.Context, tx *storage.Tx, u commands.Update) error {
	if u.UserID != 0 {
		if err := tx.SetUserChannel(ctx, u.UserID, storage.ChannelZalo); err != nil {
			return err
		}
	}
	if strings.TrimSpace(u.Text) == "" && !u.IsCallback() {
		_, err := tx.Enqueue(ctx, storage.Message{
			DedupeKey: "zalo-text-only/" + strconv.FormatInt(u.ID, 10),
			ChatID:    u.ChatID, Priority: storage.PriorityReply, Text: zalo.TextOnly,
		})
		return err
	}
	return h.inner.Handle(ctx, tx, u)
}

// convertZalo turns a Zalo message into the channel-neutral update, inside the transaction
// that applies it: the ids are numbered here, and a choice number is looked up.
func convertZalo(ctx context.Context, tx *storage.Tx, in zalo.Inbound) (commands.Update, error) {
	var u commands.Update
	uid, err := tx.InternalID(ctx, storage.ChannelZalo, in.UserID, storage.KindUser)
	if err != nil {
		return u, err
	}
	chat := uid
	if in.ChatType != "private" || in.ChatID != in.UserID {
		if chat, err = tx.InternalID(ctx, storage.ChannelZalo, in.ChatID, storage.KindChat); err != nil {
			return u, err
		}
	}
	u = commands.Update{UserID: uid, ChatID: chat, ChatType: in.ChatType, Name: in.Name}
	if in.NonText {
		return u, nil
	}
	u.Text = in.Text
	if n, ok := zalo.AsPress(in.Text); ok {
		data, ok, err := tx.Choice(ctx, storage.ChannelZalo, in.ChatID, n)
		if err != nil {
			return u, err
		}
		if ok {
			u.Text, u.Data, u.CallbackID = "", data, "zalo:"+in.MessageID
		}
	}
	return u, nil
}

// Apply applies one Zalo update unless it was applied before. It returns an error only when
// ctx ended or storage could not record the update; the caller (the webhook) then answers
// so that Zalo sends it again.
func (z *ZaloIntake) Apply(ctx context.Context, up zalo.Update) error {
	inb, err := zalo.ToUpdate(up)
	if err != nil {
		z.log.Warn("zalo update ignored", "event", up.EventName, "error", err)
		return nil
	}
	if inb.FromBot || inb.MessageID == "" {
		return nil
	}
	var date int64
	if !inb.Date.IsZero() {
		date = inb.Date.UnixMilli()
	}
	id, key := zaloKey(inb.MessageID, date)
	batch := []pending{{id: id, key: key, handle: true}}
	p := &batch[0]
	bo := z.in.busy
	guarded := false
	for {
		err := z.store.Update(ctx, func(tx *storage.Tx) error {
			u, err := convertZalo(ctx, tx, inb)
			if err != nil {
				return err
			}
			p.u = u
			return z.in.applyTx(ctx, tx, batch, guarded)
		})
		switch {
		case err == nil:
			z.in.committed(ctx, batch)
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("bot: apply zalo message %s: %w", inb.MessageID, ctx.Err())
		case errors.Is(err, errGuard) && !guarded:
			guarded = true
			continue
		case retryLater(err):
			wait := bo.next()
			z.log.Warn("zalo update retry: database busy or full", "retry_in", wait, "error", err)
			if !sleep(ctx, wait) {
				return fmt.Errorf("bot: apply zalo message %s: %w", inb.MessageID, ctx.Err())
			}
			continue
		}
		z.log.Error("zalo update failed: transaction error, apologising", "error", err)
		fresh, ferr := z.in.fail(ctx, p)
		if ferr != nil {
			return fmt.Errorf("bot: record failed zalo message %s: %w", inb.MessageID, ferr)
		}
		p.state = upDuplicate
		if fresh {
			p.state = upFailed
		}
		z.in.committed(ctx, batch)
		return nil
	}
}

// Run checks the token, then polls or serves the webhook (zalo.mode) until ctx ends. An
// invalid token returns at once.
func (z *ZaloIntake) Run(ctx context.Context) error {
	bo := backoff{base: time.Second, max: time.Minute}
	for {
		me, err := z.client.GetMe(ctx)
		if err == nil {
			z.log.Info("zalo connected", "bot", me.AccountName, "mode", z.cfg.Mode)
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		var ze *zalo.Error
		if errors.As(err, &ze) && (ze.Code == 401 || ze.Code == 404) {
			return fmt.Errorf("bot: zalo: check token: %w", err)
		}
		wait := bo.next()
		z.log.Warn("zalo getMe failed", "error", err, "retry_in", wait)
		sleep(ctx, wait)
	}
	if z.cfg.Mode == "webhook" {
		return z.serveWebhook(ctx)
	}
	if _, err := z.client.DeleteWebhook(ctx); err != nil && ctx.Err() == nil {
		z.log.Warn("zalo deleteWebhook failed; getUpdates may be refused until it succeeds", "error", err)
	}
	return z.poll(ctx)
}

// poll long-polls getUpdates: 408 is an empty poll; errors back off; a poll that ends empty
// much sooner than asked (a server that does not hold it) pauses before the next.
func (z *ZaloIntake) poll(ctx context.Context) error {
	errWait := backoff{base: 500 * time.Millisecond, max: time.Minute}
	emptyWait := backoff{base: 250 * time.Millisecond, max: 4 * time.Second}
	for ctx.Err() == nil {
		start := time.Now()
		ups, err := z.client.GetUpdates(ctx, z.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			wait := errWait.next()
			if fail.KindOf(err) == fail.Throttled {
				wait = max(wait, fail.PauseOf(err))
			}
			z.log.Warn("zalo getUpdates failed", "error", err, "retry_in", wait)
			sleep(ctx, wait)
			continue
		}
		errWait.reset()
		for _, up := range ups {
			if err := z.Apply(ctx, up); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				z.log.Error("zalo update lost: not recorded", "error", err)
			}
		}
		if len(ups) > 0 {
			emptyWait.reset()
			continue
		}
		if time.Since(start) < z.PollTimeout/2 {
			sleep(ctx, emptyWait.next())
		} else {
			emptyWait.reset()
		}
	}
	return nil
}

// WithZaloWebhookListener serves Zalo's webhook on ln instead of zalo.webhook.listen.
func (z *ZaloIntake) WithWebhookListener(ln net.Listener) { z.ln = ln }

// serveWebhook serves zalo.webhook.path, registers zalo.webhook.url with setWebhook and
// serves until ctx ends.
func (z *ZaloIntake) serveWebhook(ctx context.Context) error {
	w := z.cfg.Webhook
	ln := z.ln
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", w.Listen); err != nil {
			return fmt.Errorf("bot: zalo webhook listen: %w", err)
		}
	}
	mux := http.NewServeMux()
	path := w.Path
	if path == "" {
		path = "/"
	}
	mux.Handle(path, zalo.WebhookHandler(w.SecretToken, z.Apply, z.log))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	bo := backoff{base: time.Second, max: time.Minute}
	for ctx.Err() == nil {
		_, err := z.client.SetWebhook(ctx, w.URL, w.SecretToken)
		if err == nil {
			z.log.Info("zalo webhook serving", "listen", ln.Addr().String(), "path", path)
			break
		}
		wait := bo.next()
		z.log.Error("zalo setWebhook failed", "error", err, "retry_in", wait)
		sleep(ctx, wait)
	}
	select {
	case <-ctx.Done():
	case err := <-done:
		return fmt.Errorf("bot: zalo webhook server: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-done
	if err != nil {
		return fmt.Errorf("bot: zalo webhook shutdown: %w", err)
	}
	return nil
}
