package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bhytbot/bhytbot/metrics"
)

// secretHeader carries the webhook secret Telegram was given in setWebhook.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// webhook receives updates that Telegram POSTs. A request without the right secret gets
// 403 and changes nothing; an update is answered 200 once its transaction committed (or
// it was applied before), 503 when it could not be recorded, so Telegram retries it.
type webhook struct {
	intake *intake
	secret string
	path   string
	log    *slog.Logger
}

// ServeHTTP implements http.Handler.
func (w *webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.URL.Path != w.path {
		http.NotFound(rw, r)
		return
	}
	got := r.Header.Get(secretHeader)
	if w.secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(w.secret)) != 1 {
		w.log.Warn("webhook: rejected request without the right secret", "remote", r.RemoteAddr)
		http.Error(rw, "forbidden", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, 1<<20))
	if err != nil {
		http.Error(rw, "bad request", http.StatusBadRequest)
		return
	}
	var up tgbotapi.Update
	if err := json.Unmarshal(body, &up); err != nil || up.UpdateID == 0 {
		w.log.Warn("webhook: not an update", "error", err)
		http.Error(rw, "bad request", http.StatusBadRequest)
		return
	}
	metrics.Polled(time.Now())
	if err := w.intake.apply(r.Context(), up); err != nil {
		w.log.Error("webhook: update not recorded", "update_id", up.UpdateID, "error", err)
		http.Error(rw, "unavailable", http.StatusServiceUnavailable)
		return
	}
	rw.WriteHeader(http.StatusOK)
}

// serve serves on ln, registers url (with the secret) with Telegram, and serves until
// ctx ends; then it stops accepting and waits up to grace for updates in progress.
func (w *webhook) serve(ctx context.Context, client *Client, ln net.Listener, url string, grace time.Duration) error {
	srv := &http.Server{Handler: w, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	bo := backoff{base: time.Second, max: time.Minute}
	for {
		err := client.SetWebhook(ctx, url, w.secret)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			break
		}
		wait := bo.next()
		if kind, after, _ := classify(err); kind == failRetryAfter {
			wait = after
			metrics.TooManyRequests.Inc()
		}
		w.log.Error("setWebhook failed", "error", err, "retry_in", wait)
		sleep(ctx, wait)
	}
	if ctx.Err() == nil {
		w.log.Info("webhook serving", "listen", ln.Addr().String(), "path", w.path)
	}
	select {
	case <-ctx.Done():
	case err := <-done:
		return fmt.Errorf("bot: webhook server: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-done
	w.log.Info("webhook stopped")
	if err != nil {
		return fmt.Errorf("bot: webhook shutdown: %w", err)
	}
	return nil
}
