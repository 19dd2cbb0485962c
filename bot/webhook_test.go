package bot

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/storage"
)

const testSecret = "s3cret-token_for-tests"

func webhookService(t *testing.T, srv *telegramtest.Server, st *storage.Store) (*Service, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(srv)
	cfg.Telegram.Mode = "webhook"
	cfg.Telegram.Webhook.Path = "/telegram"
	cfg.Telegram.Webhook.SecretToken = testSecret
	cfg.Telegram.Webhook.URL = "http://" + ln.Addr().String() + "/telegram"
	svc, err := New(cfg, st, echoHandler{}, quietLog(), WithWebhookListener(ln))
	if err != nil {
		t.Fatal(err)
	}
	return svc, cfg.Telegram.Webhook.URL
}

const rawUpdate = `{"update_id":555,"message":{"message_id":1,"from":{"id":12,"is_bot":false,"first_name":"Hoa"},"chat":{"id":12,"type":"private"},"date":1,"text":"xin chào"}}`

func post(t *testing.T, url, secret, body string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(secretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhookRejectsWrongSecretAndChangesNothing(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	svc, url := webhookService(t, srv, st)
	runService(t, svc)
	waitFor(t, "setWebhook", func() bool { return srv.Stats().Calls["setWebhook"] > 0 })
	for _, secret := range []string{"", "wrong-secret-of-some-length", testSecret + "x"} {
		if code := post(t, url, secret, rawUpdate); code != http.StatusForbidden {
			t.Errorf("secret %q: status %d, want 403", secret, code)
		}
	}
	if applied(t, st, 555) != 0 || storedOffset(t, st) != 0 {
		t.Fatal("a rejected call changed storage")
	}
	var user error
	_ = st.View(t.Context(), func(tx *storage.Tx) error { _, user = tx.UserByID(t.Context(), 12); return nil })
	if user != storage.ErrNotFound {
		t.Fatalf("rejected call created the user: %v", user)
	}
	if c := outboxCounts(t, st); len(c) != 0 {
		t.Fatalf("rejected call wrote the outbox: %v", c)
	}
	// With the secret: applied once, however often it is delivered.
	for range 3 {
		if code := post(t, url, testSecret, rawUpdate); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	if applied(t, st, 555) != 1 {
		t.Fatalf("applied %d times", applied(t, st, 555))
	}
}

func TestWebhookDeliveryThenBackToPolling(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	svc, _ := webhookService(t, srv, st)
	stop := runService(t, svc)
	waitFor(t, "setWebhook", func() bool { return srv.Stats().Calls["setWebhook"] > 0 })
	u := telegramtest.User{ID: 21, FirstName: "Minh"}
	a := srv.SendText(u, 21, "qua webhook")
	if _, err := srv.WaitSent(t.Context(), 21, 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "webhook delivery", func() bool { return srv.Stats().WebhookDeliveries > 0 })
	if applied(t, st, a) != 1 {
		t.Fatal("not delivered through the webhook")
	}
	stop()

	// Switching back to polling deletes the webhook, else getUpdates would conflict.
	poll, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	runService(t, poll)
	b := srv.SendText(u, 21, "qua getUpdates")
	got, err := srv.WaitSent(t.Context(), 21, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got[1].Text != "Bạn viết: qua getUpdates" || applied(t, st, b) != 1 || srv.Stats().Calls["deleteWebhook"] == 0 {
		t.Fatalf("after switching: %q, applied %d", got[1].Text, applied(t, st, b))
	}
}
