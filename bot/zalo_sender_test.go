package bot

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	fail "github.com/bhytbot/bhytbot/bot/failure"
	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/bot/zalo"
	"github.com/bhytbot/bhytbot/bot/zalotest"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// zaloUsers records n Zalo users "zu-<i>" who wrote to the bot and returns their internal
// (private chat) ids.
func zaloUsers(t testing.TB, st *storage.Store, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	ctx := context.Background()
	err := st.Update(ctx, func(tx *storage.Tx) error {
		for i := range n {
			id, err := tx.InternalID(ctx, storage.ChannelZalo, fmt.Sprintf("zu-%d", i), storage.KindUser)
			if err != nil {
				return err
			}
			if err := tx.TouchUser(ctx, storage.User{ID: id, ChatID: id, Name: fmt.Sprintf("Phụ huynh %d", i)}); err != nil {
				return err
			}
			ids[i] = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func enqueueTo(t testing.TB, st *storage.Store, prefix string, chats []int64, text string) {
	t.Helper()
	err := st.Update(context.Background(), func(tx *storage.Tx) error {
		for _, c := range chats {
			if _, err := tx.Enqueue(context.Background(), storage.Message{
				DedupeKey: fmt.Sprintf("%s/%d", prefix, c), ChatID: c, Text: text,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// zaloSender is a sender over a Telegram fake and a Zalo fake.
func zaloSender(t testing.TB, st *storage.Store, tg *telegramtest.Server, z *zalotest.Server, zrate config.ZaloRate, opt SenderOptions) *Sender {
	t.Helper()
	c, err := NewClient(tg.Token(), tg.Endpoint(), nil)
	if err != nil {
		t.Fatal(err)
	}
	zc, err := zalo.New(z.Token(), z.Endpoint(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSender(st, c, config.Rate{Global: 1000, PrivateChat: 1000, GroupPerMinute: 60}, nil, opt)
	s.SetZalo(zc, zrate.SenderRate(), "http://127.0.0.1:1")
	return s
}

// A fifth of Zalo's answers are 5xx: every message still arrives; a restart of the Zalo
// server mid-broadcast loses nothing either.
func TestZaloBroadcastSurvives5xxAndRestart(t *testing.T) {
	tg := telegramtest.New(telegramtest.Options{})
	defer tg.Close()
	z := zalotest.New(zalotest.Options{FailRate5xx: 0.2, Seed: 7})
	defer z.Close()
	st := openStore(t)
	chats := zaloUsers(t, st, 300)
	enqueueTo(t, st, "b", chats, "<b>Nhắc</b> phụ huynh nộp BHYT")
	s := zaloSender(t, st, tg, z, config.ZaloRate{Global: 1000, PrivateChat: 100},
		SenderOptions{RetryBase: 5 * time.Millisecond, RetryMax: 50 * time.Millisecond, MaxAttempts: 30, Poll: 10 * time.Millisecond})
	runSender(t, s)
	waitFor(t, "half sent", func() bool { return len(z.AllSent()) >= 150 })
	z.Restart()
	waitFor(t, "all sent", func() bool { return outboxCounts(t, st)["sent"] == 300 })
	// A send whose answer the restart cut is sent again (Zalo has no idempotency key): at most
	// the sends in flight then, one each, arrive twice.
	dups := 0
	for i := range chats {
		got := z.Texts(fmt.Sprintf("zu-%d", i))
		if len(got) < 1 || len(got) > 2 || got[0] != "Nhắc phụ huynh nộp BHYT" {
			t.Fatalf("chat zu-%d got %q", i, got)
		}
		dups += len(got) - 1
	}
	if dups > s.opt.Workers {
		t.Fatalf("%d duplicates, more than the %d sends that can be in flight at the restart", dups, s.opt.Workers)
	}
	if z.Stats().ServerErrors == 0 {
		t.Fatal("no 5xx was injected")
	}
}

// A Zalo user who blocked the bot is marked inactive at the first refusal; their other
// messages are dropped without another call.
func TestZaloBlockedUserNotRetried(t *testing.T) {
	tg := telegramtest.New(telegramtest.Options{})
	defer tg.Close()
	z := zalotest.New(zalotest.Options{Blocked: []string{"zu-1"}})
	defer z.Close()
	st := openStore(t)
	chats := zaloUsers(t, st, 3)
	enqueueTo(t, st, "a", chats, "Lần một")
	s := zaloSender(t, st, tg, z, config.ZaloRate{Global: 100, PrivateChat: 100}, SenderOptions{Poll: 10 * time.Millisecond})
	stop := runSender(t, s)
	waitFor(t, "first round", func() bool { c := outboxCounts(t, st); return c["sent"] == 2 && c["dropped"] == 1 })
	enqueueTo(t, st, "b", chats, "Lần hai")
	s.Notify()
	waitFor(t, "second round", func() bool { c := outboxCounts(t, st); return c["sent"] == 4 && c["dropped"] == 2 })
	stop()
	if f := z.Stats().Forbidden; f != 1 {
		t.Fatalf("the blocked user was called %d times, want 1", f)
	}
	_ = st.View(context.Background(), func(tx *storage.Tx) error {
		u, err := tx.UserByID(context.Background(), chats[1])
		if err != nil || u.Active {
			t.Errorf("blocked user still active: %+v %v", u, err)
		}
		return nil
	})
}

// A 429 from Zalo pauses the Zalo channel only: Telegram's messages keep going while the
// Zalo message waits out the pause.
func TestZalo429PausesZaloOnly(t *testing.T) {
	tg := telegramtest.New(telegramtest.Options{})
	defer tg.Close()
	z := zalotest.New(zalotest.Options{})
	defer z.Close()
	st := openStore(t)
	chats := zaloUsers(t, st, 1)
	s := zaloSender(t, st, tg, z, config.ZaloRate{Global: 100, PrivateChat: 100}, SenderOptions{Poll: 10 * time.Millisecond})
	s.chans[1].out.(*zaloOut).client.ThrottlePause = time.Hour // longer than the test: the Zalo message must wait
	z.FailNext(1, zalotest.APIError{Code: 429, Description: "Quota exceeded"})
	enqueueTo(t, st, "z", chats, "Nhắc qua Zalo")
	stop := runSender(t, s)
	waitFor(t, "the Zalo pause", func() bool { return s.Stats().Pauses == 1 })
	enqueue(t, st, "t", 100, 5, storage.PriorityBroadcast)
	s.Notify()
	waitFor(t, "Telegram sent during Zalo's pause", func() bool { return outboxCounts(t, st)["sent"] == 5 })
	stop()
	if c := outboxCounts(t, st); c["pending"] != 1 {
		t.Fatalf("outbox %v: the Zalo message should wait out its pause", c)
	}
	if n := len(z.AllSent()); n != 0 {
		t.Fatalf("Zalo got %d messages during its pause", n)
	}
}

// Webhook mode: setWebhook at start with the secret; each update posted is applied once and
// answered, a wrong secret is refused.
func TestZaloWebhookMode(t *testing.T) {
	tg := telegramtest.New(telegramtest.Options{})
	defer tg.Close()
	z := zalotest.New(zalotest.Options{AllowHTTPWebhook: true})
	defer z.Close()
	st := openStore(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := zaloConfig(tg, z)
	cfg.Zalo.Mode = "webhook"
	cfg.Zalo.Webhook = config.Webhook{URL: "http://" + ln.Addr().String() + "/zalo", Path: "/zalo", SecretToken: "bi-mat-zalo-123"}
	svc, err := New(cfg, st, menuHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	svc.Zalo().WithWebhookListener(ln)
	runService(t, svc)
	waitFor(t, "setWebhook", func() bool { return z.WebhookURL() != "" })
	u := zalotest.User{ID: "wh-1", DisplayName: "Cô Mai"}
	z.SendText(u, "xin chào")
	got, err := z.WaitSent(context.Background(), u.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Text != "Bạn viết: xin chào" {
		t.Errorf("webhook answer %q", got[0].Text)
	}
	req, _ := http.NewRequest(http.MethodPost, cfg.Zalo.Webhook.URL, strings.NewReader(`{"ok":true,"result":{}}`))
	req.Header.Set(zalo.SecretHeader, "sai-bi-mat")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong secret answered %d", resp.StatusCode)
	}
}

// Both channels' failures map to the same outcomes through the neutral kinds.
func TestFailureKindsOfBothChannels(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want outcome
	}{
		{"telegram 429", &tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 3", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 3}}, outPause},
		{"telegram blocked", &tgbotapi.Error{Code: 403, Message: "Forbidden: bot was blocked by the user"}, outGone},
		{"telegram chat not found", &tgbotapi.Error{Code: 400, Message: "Bad Request: chat not found"}, outGone},
		{"telegram bad request", &tgbotapi.Error{Code: 400, Message: "Bad Request: message is too long"}, outDead},
		{"telegram 502", &tgbotapi.Error{Code: 502, Message: "Bad Gateway"}, outRetry},
		{"zalo 429", &fail.Error{Kind: fail.Throttled, Pause: time.Second}, outPause},
		{"zalo blocked", &fail.Error{Kind: fail.Blocked}, outGone},
		{"zalo gone", &fail.Error{Kind: fail.Gone}, outGone},
		{"zalo permanent", &fail.Error{Kind: fail.Permanent}, outDead},
		{"zalo 5xx", &fail.Error{Kind: fail.RetryLater}, outRetry},
	}
	for _, tt := range tests {
		k, pause := fail.KindOf(tt.err), fail.PauseOf(tt.err)
		if _, ok := tt.err.(*tgbotapi.Error); ok {
			k, pause = telegramFailure(tt.err)
		}
		got, after := outcomeOf(context.Background(), k, pause)
		if got != tt.want || (got == outPause && after <= 0) {
			t.Errorf("%s: outcome %d after %s, want %d", tt.name, got, after, tt.want)
		}
	}
}
