package zalo

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/zalotest"
)

const wrapped = `{"ok":true,"result":{"event_name":"message.text.received","message":{"message_id":"2d758cb5e222177a4e35","date":1750316131602,"text":"Xin chào","from":{"id":"u1","display_name":"Ted","is_bot":false},"chat":{"id":"u1","chat_type":"PRIVATE"}}}}`

const bare = `{"event_name":"message.sticker.received","message":{"message_id":"s1","date":1750316131602,"sticker":"abc","from":{"id":"u2","display_name":"Mai"},"chat":{"id":"u2","chat_type":"PRIVATE"}}}`

func TestParseWebhook(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		event string
		id    string
		err   bool
	}{
		{"wrapped", wrapped, EventText, "2d758cb5e222177a4e35", false},
		{"bare", bare, EventSticker, "s1", false},
		{"not JSON", "hello", "", "", true},
		{"empty object", "{}", "", "", true},
		{"null result", `{"ok":true,"result":null}`, "", "", true},
		{"result without event", `{"ok":true,"result":{"message":{}}}`, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParseWebhook([]byte(tt.body))
			if tt.err {
				if !errors.Is(err, ErrNotAnUpdate) {
					t.Fatalf("err = %v, want ErrNotAnUpdate", err)
				}
				return
			}
			if err != nil || u.EventName != tt.event || u.Message == nil || u.Message.MessageID != tt.id {
				t.Fatalf("ParseWebhook = %+v, %v", u, err)
			}
		})
	}
}

// recorder is a handle function that records updates and fails while fail > 0.
type recorder struct {
	mu   sync.Mutex
	got  []Update
	fail int
}

func (r *recorder) handle(_ context.Context, u Update) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return errors.New("storage: busy")
	}
	r.got = append(r.got, u)
	return nil
}

func (r *recorder) updates() []Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Update(nil), r.got...)
}

func TestWebhookHandlerSecret(t *testing.T) {
	tests := []struct {
		name       string
		configured string
		header     *string
		method     string
		body       string
		fail       int
		status     int
		handled    int
	}{
		{"right secret", "s3cret-token", ptr("s3cret-token"), "POST", wrapped, 0, 200, 1},
		{"bare update", "s3cret-token", ptr("s3cret-token"), "POST", bare, 0, 200, 1},
		{"wrong secret", "s3cret-token", ptr("s3cret-tokem"), "POST", wrapped, 0, 403, 0},
		{"prefix of the secret", "s3cret-token", ptr("s3cret"), "POST", wrapped, 0, 403, 0},
		{"missing header", "s3cret-token", nil, "POST", wrapped, 0, 403, 0},
		{"empty header", "s3cret-token", ptr(""), "POST", wrapped, 0, 403, 0},
		{"no secret configured", "", ptr(""), "POST", wrapped, 0, 403, 0},
		{"GET", "s3cret-token", ptr("s3cret-token"), "GET", "", 0, 405, 0},
		{"not an update", "s3cret-token", ptr("s3cret-token"), "POST", `{"ok":true}`, 0, 400, 0},
		{"handler fails", "s3cret-token", ptr("s3cret-token"), "POST", wrapped, 1, 503, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{fail: tt.fail}
			h := WebhookHandler(tt.configured, rec.handle, nil)
			req := httptest.NewRequest(tt.method, "/zalo", strings.NewReader(tt.body))
			if tt.header != nil {
				req.Header.Set(SecretHeader, *tt.header)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tt.status || len(rec.updates()) != tt.handled {
				t.Fatalf("status %d, handled %d; want %d, %d", w.Code, len(rec.updates()), tt.status, tt.handled)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestSecretOK(t *testing.T) {
	if !SecretOK("abcdefgh", "abcdefgh") || SecretOK("abcdefgh", "abcdefgi") || SecretOK("", "") || SecretOK("abc", "abcdefgh") {
		t.Error("SecretOK disagrees with equality")
	}
}

// TestWebhookEndToEnd: the fake delivers over TLS to the handler, with the
// secret it was given; a handler failure is answered 503 and Zalo's retry
// brings the update again.
func TestWebhookEndToEnd(t *testing.T) {
	rec := &recorder{fail: 1}
	ts := httptest.NewTLSServer(WebhookHandler("s3cret-token", rec.handle, nil))
	defer ts.Close()
	srv, c := newPair(t, zalotest.Options{WebhookClient: ts.Client(), WebhookBackoff: time.Millisecond})
	ctx := ctxT(t)
	if _, err := c.SetWebhook(ctx, ts.URL+"/zalo", "s3cret-token"); err != nil {
		t.Fatal(err)
	}
	id := srv.SendText(lan, "/baocao 6A 42 30 8")
	srv.SendImage(lan, "https://example.com/a.jpg", "")
	if err := srv.WaitDelivered(ctx); err != nil {
		t.Fatal(err)
	}
	got := rec.updates()
	if len(got) != 2 || got[0].Message.MessageID != id || got[0].Message.Text != "/baocao 6A 42 30 8" || got[1].EventName != EventImage {
		t.Fatalf("handled = %+v", got)
	}
	if st := srv.Stats(); st.WebhookDeliveries != 2 || st.WebhookFailures != 0 {
		t.Errorf("stats = %+v", st)
	}

	// A webhook registered with another secret is refused by the handler:
	// Zalo's retries end with the update dropped, never handled.
	if _, err := c.SetWebhook(ctx, ts.URL+"/zalo", "another-secret"); err != nil {
		t.Fatal(err)
	}
	srv.SendText(lan, "giả mạo")
	if err := srv.WaitDelivered(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.updates()); n != 2 {
		t.Errorf("handled %d updates, want still 2", n)
	}
	if st := srv.Stats(); st.WebhookFailures != 1 {
		t.Errorf("stats = %+v", st)
	}
}
