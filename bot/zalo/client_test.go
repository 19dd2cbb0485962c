package zalo

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/failure"
	"github.com/bhytbot/bhytbot/bot/zalotest"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newPair(t *testing.T, opts zalotest.Options) (*zalotest.Server, *Client) {
	t.Helper()
	srv := zalotest.New(opts)
	t.Cleanup(srv.Close)
	c, err := New(srv.Token(), srv.Endpoint(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

var lan = zalotest.User{ID: "6ede9afa66b88fe6d6a9", DisplayName: "Cô Lan"}

func TestNew(t *testing.T) {
	if _, err := New("", "", nil); err == nil {
		t.Error("empty token accepted")
	}
	if _, err := New("1:a", "https://example.com/bot/", nil); err == nil {
		t.Error("endpoint without verbs accepted")
	}
	c, err := New("1:a", "", nil)
	if err != nil || c.endpoint != DefaultEndpoint || c.ThrottlePause != time.Second {
		t.Errorf("New with defaults = %+v, %v", c, err)
	}
}

func TestGetMe(t *testing.T) {
	srv, c := newPair(t, zalotest.Options{Token: "555:abc-xyz", AccountName: "bot.bhyt"})
	b, err := c.GetMe(ctxT(t))
	if err != nil || b.ID != "555" || b.AccountName != "bot.bhyt" || b.AccountType != "BASIC" {
		t.Fatalf("GetMe = %+v, %v", b, err)
	}
	if n := srv.Stats().Calls["getMe"]; n != 1 {
		t.Errorf("getMe calls = %d", n)
	}
}

func TestGetUpdates(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts zalotest.Options
		want int // updates per poll with two pending
	}{
		{"one object", zalotest.Options{}, 1},
		{"array", zalotest.Options{ArrayUpdates: true}, 2},
		{"object, errors with HTTP status", zalotest.Options{HTTPStatusErrors: true}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newPair(t, tc.opts)
			ctx := ctxT(t)
			id1 := srv.SendText(lan, "/start ABC123")
			id2 := srv.SendText(lan, "6A 42 30 8")
			var got []Update
			for len(got) < 2 {
				ups, err := c.GetUpdates(ctx, time.Second)
				if err != nil {
					t.Fatal(err)
				}
				if len(ups) != tc.want {
					t.Fatalf("poll gave %d updates, want %d", len(ups), tc.want)
				}
				got = append(got, ups...)
			}
			if got[0].Message.MessageID != id1 || got[1].Message.MessageID != id2 || got[0].EventName != EventText ||
				got[0].Message.Text != "/start ABC123" || got[0].Message.From.DisplayName != "Cô Lan" ||
				got[0].Message.Chat.Type != ChatPrivate || got[0].Message.Date < 1e12 {
				t.Fatalf("updates = %+v, %+v", got[0].Message, got[1].Message)
			}
			// Nothing left: the poll ends with 408, which is no update and no error.
			ups, err := c.GetUpdates(ctx, time.Second)
			if err != nil || len(ups) != 0 {
				t.Fatalf("empty poll = %v, %v", ups, err)
			}
			if st := srv.Stats(); st.PollTimeouts != 1 {
				t.Errorf("poll timeouts = %d", st.PollTimeouts)
			}
		})
	}
}

func TestGetUpdatesRefusedWhileWebhookIsSet(t *testing.T) {
	srv, c := newPair(t, zalotest.Options{})
	ctx := ctxT(t)
	info, err := c.SetWebhook(ctx, "https://bot.example.vn/zalo", "s3cret-token")
	if err != nil || info.URL != "https://bot.example.vn/zalo" || info.UpdatedAt == 0 {
		t.Fatalf("SetWebhook = %+v, %v", info, err)
	}
	if info, err := c.GetWebhookInfo(ctx); err != nil || info.URL != "https://bot.example.vn/zalo" {
		t.Fatalf("GetWebhookInfo = %+v, %v", info, err)
	}
	_, err = c.GetUpdates(ctx, time.Second)
	var ze *Error
	if !errors.As(err, &ze) || ze.Code != 400 || failure.KindOf(err) != failure.Permanent {
		t.Fatalf("GetUpdates with a webhook = %v", err)
	}
	if _, err := c.SetWebhook(ctx, "https://bot.example.vn/zalo", "short"); failure.KindOf(err) != failure.Permanent {
		t.Errorf("short secret: %v", err)
	}
	if info, err := c.DeleteWebhook(ctx); err != nil || info.URL != "" {
		t.Fatalf("DeleteWebhook = %+v, %v", info, err)
	}
	srv.SendText(lan, "lại polling")
	if ups, err := c.GetUpdates(ctx, time.Second); err != nil || len(ups) != 1 {
		t.Fatalf("after deleteWebhook: %v, %v", ups, err)
	}
	if info, err := c.GetWebhookInfo(ctx); err != nil || info.URL != "" {
		t.Errorf("GetWebhookInfo = %+v, %v", info, err)
	}
}

func TestSendMessage(t *testing.T) {
	srv, c := newPair(t, zalotest.Options{})
	s, err := c.SendMessage(ctxT(t), "chat1", "Lớp 6A: 38/42 em có thẻ BHYT (90%).")
	if err != nil || s.MessageID == "" || s.Date < 1e12 {
		t.Fatalf("SendMessage = %+v, %v", s, err)
	}
	sent := srv.Sent("chat1")
	if len(sent) != 1 || sent[0].Text != "Lớp 6A: 38/42 em có thẻ BHYT (90%)." || sent[0].MessageID != s.MessageID {
		t.Fatalf("sent = %+v", sent)
	}
	// The limit counts characters: 2,000 of Vietnamese (4,000+ bytes) pass.
	if _, err := c.SendMessage(ctxT(t), "chat1", strings.Repeat("ữ", MaxTextLen)); err != nil {
		t.Errorf("a text of MaxTextLen characters: %v", err)
	}
}

func TestSendPhotoServesAPNG(t *testing.T) {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 3, 3)))
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(buf.Bytes())
	}))
	defer files.Close()
	srv, c := newPair(t, zalotest.Options{})
	s, err := c.SendPhoto(ctxT(t), "chat1", files.URL+"/c/abc.png", "Tỉ lệ tham gia BHYT")
	if err != nil || s.MessageID == "" {
		t.Fatalf("SendPhoto = %+v, %v", s, err)
	}
	sent := srv.Sent("chat1")
	if len(sent) != 1 || sent[0].PhotoType != "image/png" || sent[0].Caption != "Tỉ lệ tham gia BHYT" || !bytes.Equal(sent[0].Photo, buf.Bytes()) {
		t.Fatalf("sent = %+v", sent)
	}
	if _, err := c.SendPhoto(ctxT(t), "chat1", files.URL+"/d.png", ""); err != nil {
		t.Fatal(err)
	}
	if p := srv.Sent("chat1")[1].Params; p["caption"] != "" {
		t.Errorf("empty caption sent as %q", p["caption"])
	}
}

func TestSendChatAction(t *testing.T) {
	srv, c := newPair(t, zalotest.Options{})
	if err := c.SendChatAction(ctxT(t), "chat1", "typing"); err != nil {
		t.Fatal(err)
	}
	if s := srv.Sent("chat1"); len(s) != 1 || s[0].Action != "typing" {
		t.Errorf("sent = %+v", s)
	}
	if err := c.SendChatAction(ctxT(t), "chat1", "waving"); failure.KindOf(err) != failure.Permanent {
		t.Errorf("bad action: %v", err)
	}
}

func TestErrorKinds(t *testing.T) {
	for _, statusErrs := range []bool{false, true} {
		srv, c := newPair(t, zalotest.Options{HTTPStatusErrors: statusErrs, Blocked: []string{"blocked"}, ChatsNotFound: []string{"gone"}})
		srv404 := zalotest.New(zalotest.Options{HTTPStatusErrors: statusErrs, ChatNotFoundCode: 404, ChatsNotFound: []string{"gone"}})
		t.Cleanup(srv404.Close)
		c404, _ := New(srv404.Token(), srv404.Endpoint(), nil)
		c.ThrottlePause = 3 * time.Second
		badToken, _ := New("1:wrong", srv.Endpoint(), nil)
		send := func(c *Client, chat, text string) func() error {
			return func() error { _, err := c.SendMessage(ctxT(t), chat, text); return err }
		}
		tests := []struct {
			name  string
			setup func()
			call  func() error
			kind  failure.Kind
			code  int
			pause time.Duration
		}{
			{"blocked", nil, send(c, "blocked", "x"), failure.Blocked, 403, 0},
			{"chat not found 400", nil, send(c, "gone", "x"), failure.Gone, 400, 0},
			{"chat not found 404", nil, send(c404, "gone", "x"), failure.Gone, 404, 0},
			{"quota", func() { srv.FailNext(1, zalotest.APIError{Code: 429, Description: zalotest.DescQuota}) }, send(c, "a", "x"), failure.Throttled, 429, 3 * time.Second},
			{"server error", func() { srv.FailNext(1, zalotest.APIError{Code: 500, Description: "Internal error"}) }, send(c, "a", "x"), failure.RetryLater, 500, 0},
			{"too long", nil, send(c, "a", strings.Repeat("â", MaxTextLen+1)), failure.Permanent, 400, 0},
			{"wrong token", nil, func() error { _, err := badToken.GetMe(ctxT(t)); return err }, failure.RetryLater, 401, 0},
		}
		for _, tt := range tests {
			if tt.setup != nil {
				tt.setup()
			}
			err := tt.call()
			var ze *Error
			if !errors.As(err, &ze) || ze.Code != tt.code || ze.Description == "" {
				t.Errorf("status %v, %s: err = %v, want *zalo.Error %d", statusErrs, tt.name, err, tt.code)
				continue
			}
			if k := failure.KindOf(err); k != tt.kind {
				t.Errorf("status %v, %s: kind %v, want %v", statusErrs, tt.name, k, tt.kind)
			}
			if p := failure.PauseOf(err); p != tt.pause {
				t.Errorf("status %v, %s: pause %v, want %v", statusErrs, tt.name, p, tt.pause)
			}
			wantStatus := 200
			if statusErrs || tt.code >= 500 {
				wantStatus = tt.code
			}
			if ze.HTTPStatus != wantStatus {
				t.Errorf("status %v, %s: HTTP status %d, want %d", statusErrs, tt.name, ze.HTTPStatus, wantStatus)
			}
		}
	}
}

func TestDefaultThrottlePause(t *testing.T) {
	srv, c := newPair(t, zalotest.Options{Limits: zalotest.Limits{GlobalPerSecond: 0.001, GlobalBurst: 1}})
	if _, err := c.SendMessage(ctxT(t), "a", "1"); err != nil {
		t.Fatal(err)
	}
	_, err := c.SendMessage(ctxT(t), "a", "2")
	if failure.KindOf(err) != failure.Throttled || failure.PauseOf(err) != DefaultThrottlePause {
		t.Fatalf("over quota: %v (kind %v, pause %v)", err, failure.KindOf(err), failure.PauseOf(err))
	}
	if st := srv.Stats(); st.TooManyRequests != 1 {
		t.Errorf("429s = %d", st.TooManyRequests)
	}
}

func TestServerFaultsAreRetriedUntilDelivered(t *testing.T) {
	srv, c := newPair(t, zalotest.Options{FailRate5xx: 0.2, Seed: 7})
	ctx := ctxT(t)
	retries := 0
	for i := range 200 {
		for {
			_, err := c.SendMessage(ctx, "c"+string(rune('a'+i%5)), "tin "+string(rune('0'+i%10)))
			if err == nil {
				break
			}
			var ze *Error
			if failure.KindOf(err) != failure.RetryLater || !errors.As(err, &ze) || (ze.Code != 500 && ze.Code != 502) {
				t.Fatalf("message %d: %v (kind %v)", i, err, failure.KindOf(err))
			}
			retries++
		}
	}
	if n := len(srv.AllSent()); n != 200 {
		t.Errorf("%d delivered, want 200", n)
	}
	if st := srv.Stats(); st.ServerErrors != retries || retries == 0 {
		t.Errorf("retries %d, server errors %d", retries, st.ServerErrors)
	}
}

func TestRestartedServerStillAnswers(t *testing.T) {
	srv, c := newPair(t, zalotest.Options{})
	ctx := ctxT(t)
	if _, err := c.SendMessage(ctx, "a", "trước"); err != nil {
		t.Fatal(err)
	}
	srv.Restart()
	// The restart may cut the kept-alive connection under the next call: that
	// is a network error to retry, never a verdict on the message.
	for attempt := 1; ; attempt++ {
		_, err := c.SendMessage(ctx, "a", "sau")
		if err == nil {
			break
		}
		if k := failure.KindOf(err); k != failure.RetryLater || attempt == 3 {
			t.Fatalf("attempt %d after restart: %v (kind %v)", attempt, err, k)
		}
	}
	if got := srv.Texts("a"); len(got) != 2 || got[1] != "sau" {
		t.Errorf("texts = %q", got)
	}
}

func TestGatewayPageAndUndecodableAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		kind   failure.Kind
		code   int
	}{
		{"gateway html", 502, "<html>502 Bad Gateway</html>", failure.RetryLater, 502},
		{"html 429", 429, "slow down", failure.Throttled, 429},
		{"camelCase code", 200, `{"ok":false,"errorCode":403,"description":"blocked"}`, failure.Blocked, 403},
		{"code only in status", 404, `{"ok":false,"description":"Chat not found"}`, failure.Gone, 404},
		{"garbage with 200", 200, "not json", failure.RetryLater, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer ts.Close()
			c, _ := New("1:tok", ts.URL+"/bot%s/%s", nil)
			_, err := c.SendMessage(ctxT(t), "a", "x")
			if k := failure.KindOf(err); k != tt.kind {
				t.Errorf("kind %v, want %v (%v)", k, tt.kind, err)
			}
			var ze *Error
			if tt.code != 0 && (!errors.As(err, &ze) || ze.Code != tt.code) {
				t.Errorf("err = %v, want code %d", err, tt.code)
			}
		})
	}
}

func TestResultShapes(t *testing.T) {
	tests := []struct {
		name string
		body string
		n    int
	}{
		{"null", `{"ok":true,"result":null}`, 0},
		{"empty object", `{"ok":true,"result":{}}`, 0},
		{"missing", `{"ok":true}`, 0},
		{"object", `{"ok":true,"result":{"event_name":"message.text.received","message":{"message_id":"m1","text":"hi","from":{"id":"u1","name":"Ba"},"chat":{"id":"u1","chat_type":"PRIVATE"},"date":1750316131602}}}`, 1},
		{"array", `{"ok":true,"result":[{"event_name":"message.text.received"},{"event_name":"message.image.received","message":{"photo_url":"https://x/y.jpg"}}]}`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, tt.body)
			}))
			defer ts.Close()
			c, _ := New("1:tok", ts.URL+"/bot%s/%s", nil)
			ups, err := c.GetUpdates(ctxT(t), time.Second)
			if err != nil || len(ups) != tt.n {
				t.Fatalf("GetUpdates = %+v, %v; want %d", ups, err, tt.n)
			}
			if tt.name == "object" && ups[0].Message.From.DisplayName != "Ba" {
				t.Errorf("name fallback: %+v", ups[0].Message.From)
			}
			if tt.name == "array" && ups[1].Message.Photo != "https://x/y.jpg" {
				t.Errorf("photo_url fallback: %+v", ups[1].Message)
			}
		})
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"ok":true,"result":true}`)
	}))
	defer ts.Close()
	c, _ := New("1:tok", ts.URL+"/bot%s/%s", nil)
	if _, err := c.DeleteWebhook(ctxT(t)); err != nil {
		t.Errorf("a bare true from deleteWebhook: %v", err)
	}
	if _, err := c.GetUpdates(ctxT(t), time.Second); failure.KindOf(err) != failure.Permanent {
		t.Errorf("result true from getUpdates: %v", err)
	}
}

const secretToken = "7777777777:SECRET-zalo_token"

func assertNoToken(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	for _, form := range []string{secretToken, url.PathEscape(secretToken), url.QueryEscape(secretToken), "SECRET-zalo_token"} {
		if strings.Contains(err.Error(), form) {
			t.Errorf("%s: token in error %q", what, err.Error())
		}
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	// Connection refused: net/http's *url.Error carries the full URL.
	ts := httptest.NewServer(http.NotFoundHandler())
	endpoint := ts.URL + "/bot%s/%s"
	ts.Close()
	c, _ := New(secretToken, endpoint, nil)
	_, err := c.SendMessage(ctxT(t), "a", "x")
	assertNoToken(t, "refused", err)
	if failure.KindOf(err) != failure.RetryLater || !strings.Contains(err.Error(), redactedMark) {
		t.Errorf("refused: %v (kind %v)", err, failure.KindOf(err))
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Errorf("refused: *url.Error lost: %v", err)
	}

	// Timeout: the wrapped context error is still found.
	srv := zalotest.New(zalotest.Options{Token: secretToken, Latency: time.Hour})
	defer srv.Close()
	c, _ = New(secretToken, srv.Endpoint(), nil)
	c.CallTimeout = 50 * time.Millisecond
	_, err = c.GetMe(context.Background())
	assertNoToken(t, "timeout", err)
	if !errors.Is(err, context.DeadlineExceeded) || failure.KindOf(err) != failure.RetryLater {
		t.Errorf("timeout: %v (kind %v)", err, failure.KindOf(err))
	}

	// The caller cancels.
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = c.GetUpdates(ctx, 30*time.Second)
	assertNoToken(t, "canceled", err)
	if failure.KindOf(err) != failure.Canceled {
		t.Errorf("canceled: %v (kind %v)", err, failure.KindOf(err))
	}

	// An API error names the method, never the URL.
	srv2 := zalotest.New(zalotest.Options{})
	defer srv2.Close()
	c, _ = New(secretToken, srv2.Endpoint(), nil)
	_, err = c.GetMe(ctxT(t))
	assertNoToken(t, "401", err)

	// An inner error that quotes the URL is redacted too.
	inner := errors.New(`dial: lookup host for "https://h/bot` + secretToken + `/getMe"`)
	red := redactError(&url.Error{Op: "Post", URL: "https://h/bot" + url.PathEscape(secretToken) + "/getMe", Err: inner}, secretToken)
	assertNoToken(t, "inner", red)
	assertNoToken(t, "wrapped", redactError(errors.New("x "+url.QueryEscape(secretToken)), secretToken))
	if plain := errors.New("nothing secret"); redactError(plain, secretToken) != plain {
		t.Error("an error without the token was rewritten")
	}
}
