package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/bot/zalo"
	"github.com/bhytbot/bhytbot/bot/zalotest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

// menuHandler is echoHandler, plus "menu" answered with two buttons and a long text
// answered with a board over Zalo's 2,000 characters.
type menuHandler struct{ echoHandler }

func (h menuHandler) Handle(ctx context.Context, tx *storage.Tx, u commands.Update) error {
	switch u.Text {
	case "menu":
		_, err := tx.Enqueue(ctx, storage.Message{
			DedupeKey: fmt.Sprintf("menu/%d", u.ID), ChatID: u.ChatID, Priority: storage.PriorityReply,
			Text:    "<b>Xác nhận</b> thẻ BHYT của em <i>An</i> &amp; em Bình?",
			Buttons: [][]storage.Button{{{Text: "Đồng ý", Data: "yes"}, {Text: "Không", Data: "no"}}},
		})
		return err
	case "dai":
		var b strings.Builder
		for i := range 300 {
			fmt.Fprintf(&b, "<b>Lớp %d</b>: 42/45 &lt;93%%&gt;\n", i)
		}
		_, err := tx.Enqueue(ctx, storage.Message{DedupeKey: fmt.Sprintf("long/%d", u.ID), ChatID: u.ChatID,
			Priority: storage.PriorityReply, Text: b.String()})
		return err
	}
	return h.echoHandler.Handle(ctx, tx, u)
}

func zaloConfig(tg *telegramtest.Server, z *zalotest.Server) config.Config {
	cfg := testConfig(tg)
	cfg.Zalo.Token = z.Token()
	cfg.Zalo.APIEndpoint = z.Endpoint()
	cfg.Zalo.Rate = config.ZaloRate{Global: 1000, PrivateChat: 50}
	cfg.Web.Listen, cfg.Web.PublicURL = "127.0.0.1:0", "http://127.0.0.1:1"
	return cfg
}

var htmlLeft = regexp.MustCompile(`</?[a-z]+>|&[a-z]+;|&#\d+;`)

// checkZaloTexts fails on any Zalo text with Telegram HTML or over 2,000 characters.
func checkZaloTexts(t *testing.T, z *zalotest.Server) {
	t.Helper()
	for _, m := range z.AllSent() {
		for _, s := range []string{m.Text, m.Caption} {
			if htmlLeft.MatchString(s) {
				t.Errorf("HTML in a Zalo text: %q", s)
			}
			if n := utf8.RuneCountInString(s); n > 2000 {
				t.Errorf("a Zalo text of %d characters", n)
			}
		}
	}
}

// One service answers a Telegram user and a Zalo user; on Zalo the answer is plain text, a
// reply "2" presses the second button of the last prompt, a sticker gets the text-only note,
// a long board goes in parts of at most 2,000 characters.
func TestZaloAndTelegramThroughOneService(t *testing.T) {
	tg, z, st, svc := zaloWorld(t, WithSenderOptions(SenderOptions{Poll: 20e6}))
	svc.Zalo().PollTimeout = 1e9
	runService(t, svc)
	ctx := context.Background()

	tg.SendText(telegramtest.User{ID: 501, FirstName: "Lan"}, 501, "xin chào")
	lan := zalotest.User{ID: "z-lan-77", DisplayName: "Cô Lan"}
	z.SendText(lan, "menu")
	sent, err := z.WaitSent(ctx, lan.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sent[0].Text, "1. Đồng ý") || !strings.Contains(sent[0].Text, "2. Không") || !strings.Contains(sent[0].Text, "An & em Bình") {
		t.Errorf("prompt on Zalo: %q", sent[0].Text)
	}
	waitFor(t, "choices remembered", func() bool {
		ok := false
		_ = st.View(ctx, func(tx *storage.Tx) (err error) {
			_, ok, err = tx.Choice(ctx, storage.ChannelZalo, lan.ID, 2)
			return err
		})
		return ok
	})
	z.SendText(lan, "2")
	if sent, err = z.WaitSent(ctx, lan.ID, 2); err != nil {
		t.Fatal(err)
	}
	if sent[1].Text != "Bạn bấm: no" {
		t.Errorf("reply 2 on Zalo: %q, want the press of the second button", sent[1].Text)
	}
	z.SendSticker(lan, "st-1")
	if sent, err = z.WaitSent(ctx, lan.ID, 3); err != nil {
		t.Fatal(err)
	}
	if sent[2].Text != "Mình chỉ đọc được tin nhắn chữ." {
		t.Errorf("sticker answered %q", sent[2].Text)
	}
	z.SendText(lan, "dai")
	waitFor(t, "the long board in parts", func() bool { return len(z.Texts(lan.ID)) >= 6 })
	if _, err := tg.WaitSent(ctx, 501, 1); err != nil {
		t.Fatal(err)
	}
	// A restarted Zalo server (long poll cut, queue lost) is polled again and answered.
	waitFor(t, "every reply sent", func() bool { return outboxCounts(t, st)["pending"] == 0 })
	z.Restart()
	before := len(z.Texts(lan.ID))
	z.SendText(lan, "sau khi khởi động lại")
	if sent, err = z.WaitSent(ctx, lan.ID, before+1); err != nil {
		t.Fatal(err)
	}
	if got := sent[before].Text; got != "Bạn viết: sau khi khởi động lại" {
		t.Errorf("after the restart: %q", got)
	}
	checkZaloTexts(t, z)

	// The Zalo user is a user with an internal id of Zalo's, on channel zalo.
	_ = st.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.InternalID(ctx, storage.ChannelZalo, lan.ID, storage.KindUser)
		if err != nil || id < storage.FirstForeignID {
			t.Errorf("internal id %d %v", id, err)
		}
		if c, err := tx.UserChannel(ctx, id); err != nil || c != storage.ChannelZalo {
			t.Errorf("channel %q %v", c, err)
		}
		return nil
	})
}

// The same Zalo message delivered twice (a webhook retry) is applied once, and Zalo
// message ids never meet Telegram update ids in the processed memory; a message id used again
// for another message is applied.
func TestZaloMessageAppliedOnce(t *testing.T) {
	_, _, st, svc := zaloWorld(t)
	up := zalotest.Update{EventName: "message.text.received", Message: &zalotest.Message{
		MessageID: "m-1", Text: "xin chào", From: zalotest.User{ID: "u1", DisplayName: "Anh Hùng"},
		Chat: zalotest.Chat{ID: "u1", ChatType: "PRIVATE"}}}
	ctx := context.Background()
	for range 3 {
		if err := svc.Zalo().Apply(ctx, toZalo(t, up)); err != nil {
			t.Fatal(err)
		}
	}
	id, _ := zaloKey("m-1", 0)
	if n := applied(t, st, int(id)); n != 1 {
		t.Fatalf("applied %d times", n)
	}
	if id < 1<<62 {
		t.Fatalf("key %d in Telegram's range", id)
	}
	if c := outboxCounts(t, st); c["pending"] != 1 {
		t.Fatalf("outbox %v", c)
	}
	// A replaced Zalo server that hands out the same message id again, for a new message
	// (another date): applied, not mistaken for the first.
	again := *up.Message
	again.Date, again.Text = 1764489600000, "tin mới"
	up.Message = &again
	for range 2 {
		if err := svc.Zalo().Apply(ctx, toZalo(t, up)); err != nil {
			t.Fatal(err)
		}
	}
	if c := outboxCounts(t, st); c["pending"] != 2 {
		t.Fatalf("outbox after a reused message id: %v", c)
	}
}

// zaloWorld is a Service on both channels' fakes and a fresh store, answering with
// menuHandler; the fakes close when the test ends.
func zaloWorld(t *testing.T, opts ...Option) (*telegramtest.Server, *zalotest.Server, *storage.Store, *Service) {
	t.Helper()
	tg := telegramtest.New(telegramtest.Options{})
	t.Cleanup(tg.Close)
	z := zalotest.New(zalotest.Options{})
	t.Cleanup(z.Close)
	st := openStore(t)
	svc, err := New(zaloConfig(tg, z), st, menuHandler{}, quietLog(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return tg, z, st, svc
}

// toZalo turns the fake's update into the client's, through the JSON Zalo posts.
func toZalo(t *testing.T, u zalotest.Update) zalo.Update {
	t.Helper()
	body, err := json.Marshal(map[string]any{"ok": true, "result": u})
	if err != nil {
		t.Fatal(err)
	}
	up, err := zalo.ParseWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	return up
}

// A message id that comes back with another date after the memory of processed updates
// forgot the first (a replaced Zalo server, more than a week later) is a new message: it is
// applied and answered, not mistaken for the first by the keys its replies are stored under.
func TestZaloMessageIDReusedAfterTheMemoryForgot(t *testing.T) {
	tg := telegramtest.New(telegramtest.Options{})
	defer tg.Close()
	z := zalotest.New(zalotest.Options{})
	defer z.Close()
	ctx := context.Background()
	now := time.Date(2025, 9, 15, 8, 0, 0, 0, time.UTC)
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "bot.db"), storage.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := New(zaloConfig(tg, z), st, menuHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	apply := func(id, text string) {
		t.Helper()
		up := zalotest.Update{EventName: zalotest.EventText, Message: &zalotest.Message{
			MessageID: id, Date: now.UnixMilli(), Text: text, From: zalotest.User{ID: "u1", DisplayName: "Anh Hùng"},
			Chat: zalotest.Chat{ID: "u1", ChatType: zalotest.ChatPrivate}}}
		if err := svc.Zalo().Apply(ctx, toZalo(t, up)); err != nil {
			t.Fatal(err)
		}
	}
	apply("m-1", "xin chào")
	now = now.Add(storage.UpdatesKeptFor + time.Hour)
	apply("m-2", "tin khác") // its transaction forgets m-1
	apply("m-1", "tin mới")
	if c := outboxCounts(t, st); c["pending"] != 3 {
		t.Fatalf("outbox %v: each of the three messages wants its answer", c)
	}
}

// Every message that is not text (an image, a sticker, a voice message, anything Zalo calls
// unsupported) gets the one polite answer that the bot reads only text, and reaches no command.
func TestZaloNonTextEventsAnswered(t *testing.T) {
	_, z, st, svc := zaloWorld(t, WithSenderOptions(SenderOptions{Poll: 20e6}))
	svc.Zalo().PollTimeout = time.Second
	runService(t, svc)
	ctx := context.Background()
	mai := zalotest.User{ID: "z-mai-5", DisplayName: "Chị Mai"}
	private := zalotest.Chat{ID: mai.ID, ChatType: zalotest.ChatPrivate}
	events := []func(){
		func() { z.SendImage(mai, "https://example.invalid/the-bhyt.jpg", "thẻ của con") },
		func() { z.SendSticker(mai, "st-9") },
		func() {
			z.SendEvent(mai, private, zalotest.EventVoice, zalotest.Message{URL: "https://example.invalid/v.aac"})
		},
		func() { z.SendEvent(mai, private, zalotest.EventUnsupported, zalotest.Message{}) },
	}
	for i, send := range events {
		send()
		sent, err := z.WaitSent(ctx, mai.ID, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if got := sent[i].Text; got != zalo.TextOnly {
			t.Errorf("event %d answered %q, want %q", i, got, zalo.TextOnly)
		}
	}
	waitFor(t, "every answer sent", func() bool { return outboxCounts(t, st)["pending"] == 0 })
	// The test handler answers everything it sees ("Bạn viết: …"): only the notes came.
	if got := z.Texts(mai.ID); len(got) != len(events) {
		t.Errorf("answers %q, want one note per event", got)
	}
}

// A Zalo message whose handler fails (or panics) keeps none of the handler's writes, is
// recorded as processed with an apology queued, and is not applied again when Zalo
// delivers it again.
func TestZaloHandlerFailureApologises(t *testing.T) {
	_, _, st, svc := zaloWorld(t)
	ctx := context.Background()
	for i, text := range []string{"boom", "panic"} {
		msgID := "m-" + text
		up := zalotest.Update{EventName: zalotest.EventText, Message: &zalotest.Message{
			MessageID: msgID, Text: text, From: zalotest.User{ID: "u1", DisplayName: "Anh Hùng"},
			Chat: zalotest.Chat{ID: "u1", ChatType: zalotest.ChatPrivate}}}
		for range 2 {
			if err := svc.Zalo().Apply(ctx, toZalo(t, up)); err != nil {
				t.Fatal(err)
			}
		}
		id, _ := zaloKey(msgID, 0)
		if n := applied(t, st, int(id)); n != 0 {
			t.Errorf("%s: the failed handler's write kept (%d)", text, n)
		}
		keys := outboxKeys(t, st)
		if len(keys) != i+1 {
			t.Fatalf("%s: outbox %v, want one apology per message", text, keys)
		}
		found := false
		for _, m := range keys {
			found = found || m.Text == Apology
		}
		if !found {
			t.Errorf("%s: no apology queued: %v", text, keys)
		}
	}
}
