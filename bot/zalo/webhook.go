package zalo

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
)

// SecretHeader carries the secret given to setWebhook on every POST Zalo makes.
const SecretHeader = "X-Bot-Api-Secret-Token"

// maxWebhookBody bounds a webhook request's body.
const maxWebhookBody = 1 << 20

// WebhookHandler receives the updates Zalo POSTs. A request without the right
// secret (compared in constant time) gets 403 and changes nothing; so does
// every request when secret is empty. A body that is not an update gets 400.
// handle runs with the request's context; the answer is 200 once it returned
// nil, and 503 otherwise, so Zalo sends the update again.
func WebhookHandler(secret string, handle func(context.Context, Update) error, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !SecretOK(r.Header.Get(SecretHeader), secret) {
			log.Warn("zalo webhook: rejected a request without the right secret", "remote", r.RemoteAddr)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		u, err := ParseWebhook(body)
		if err != nil {
			log.Warn("zalo webhook: not an update", "error", err)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if err := handle(r.Context(), u); err != nil {
			if !errors.Is(err, context.Canceled) {
				log.Error("zalo webhook: update not recorded", "event", u.EventName, "error", err)
			}
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// SecretOK reports whether got is the configured secret, in constant time; an
// empty configured secret accepts nothing.
func SecretOK(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
