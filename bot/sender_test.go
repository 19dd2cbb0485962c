package bot

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/split"
	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

func newSender(t testing.TB, srv *telegramtest.Server, st *storage.Store, rate config.Rate, opt SenderOptions) *Sender {
	t.Helper()
	c, err := NewClient(srv.Token(), srv.Endpoint(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return NewSender(st, c, rate, quietLog(), opt)
}

var fastRetries = SenderOptions{RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond, MaxAttempts: 30, Poll: 20 * time.Millisecond}

// Killing the sender mid-broadcast and restarting it delivers every message, with at
// most one duplicate.
func TestSenderKilledMidBroadcastResumes(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{GlobalPerSecond: 1000}})
	defer srv.Close()
	st := openStore(t)
	const n = 1000
	enqueue(t, st, "bc", 1, n, storage.PriorityBroadcast)
	rate := config.Rate{Global: 1000, PrivateChat: 1, GroupPerMinute: 20}
	rng := rand.New(rand.NewPCG(7, 7))
	for round := 0; round < 3; round++ {
		s := newSender(t, srv, st, rate, SenderOptions{})
		stop := runSender(t, s)
		s.Notify()
		at := len(srv.AllSent()) + 1 + rng.IntN(300)
		if _, err := srv.WaitAllSent(t.Context(), at); err != nil {
			t.Fatal(err)
		}
		stop() // cancel at a random point
	}
	s := newSender(t, srv, st, rate, SenderOptions{})
	runSender(t, s)
	s.Notify()
	waitFor(t, "all sent", func() bool { return outboxCounts(t, st)[storage.OutboxSent] == n })
	dups := 0
	for chat := int64(1); chat <= n; chat++ {
		switch got := len(srv.Sent(chat)); {
		case got == 0:
			t.Fatalf("chat %d got nothing", chat)
		case got > 1:
			dups += got - 1
		}
	}
	if dups > 1 {
		t.Fatalf("%d duplicates", dups)
	}
	if c := outboxCounts(t, st); c[storage.OutboxPending] != 0 {
		t.Fatalf("outbox %v", c)
	}
}

func TestSenderDeliversThrough5xx(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{FailRate5xx: 0.2, Seed: 11, Limits: telegramtest.Limits{GlobalPerSecond: 1000}})
	defer srv.Close()
	st := openStore(t)
	const n = 300
	enqueue(t, st, "bc", 1, n, storage.PriorityBroadcast)
	s := newSender(t, srv, st, config.Rate{Global: 1000, PrivateChat: 1, GroupPerMinute: 20}, fastRetries)
	runSender(t, s)
	s.Notify()
	waitFor(t, "all sent", func() bool { return outboxCounts(t, st)[storage.OutboxSent] == n })
	for chat := int64(1); chat <= n; chat++ {
		if got := len(srv.Sent(chat)); got != 1 {
			t.Fatalf("chat %d got %d messages", chat, got)
		}
	}
	if srv.Stats().ServerErrors == 0 || s.Stats().Retried == 0 {
		t.Fatal("no 5xx was injected")
	}
}

func TestSenderGivesUpAfterMaxAttempts(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{FailRate5xx: 1})
	defer srv.Close()
	st := openStore(t)
	enqueue(t, st, "bc", 1, 1, storage.PriorityBroadcast)
	opt := fastRetries
	opt.MaxAttempts = 3
	s := newSender(t, srv, st, config.Rate{Global: 30, PrivateChat: 1, GroupPerMinute: 20}, opt)
	runSender(t, s)
	s.Notify()
	waitFor(t, "dead", func() bool { return outboxCounts(t, st)[storage.OutboxDead] == 1 })
	var status, reason string
	_ = st.View(t.Context(), func(tx *storage.Tx) error {
		var err error
		status, reason, err = tx.OutboxByKey(t.Context(), "bc/1")
		return err
	})
	if !strings.Contains(reason, "gave up after 3 attempts") || srv.Stats().ServerErrors != 3 {
		t.Fatalf("status %s, reason %q, 5xx answered %d", status, reason, srv.Stats().ServerErrors)
	}
}

func touch(t testing.TB, st *storage.Store, ids ...int64) {
	t.Helper()
	if err := st.Update(context.Background(), func(tx *storage.Tx) error {
		for _, id := range ids {
			if err := tx.TouchUser(context.Background(), storage.User{ID: id, ChatID: id, Name: "U"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestSenderBlockedChatsDroppedNotRetried(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Blocked: []int64{3, 4}, ChatsNotFound: []int64{5}, Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	touch(t, st, 1, 2, 3, 4, 5)
	enqueue(t, st, "a", 1, 5, storage.PriorityBroadcast)
	enqueue(t, st, "b", 1, 5, storage.PriorityBroadcast)
	s := newSender(t, srv, st, config.Rate{Global: 100, PrivateChat: 100, GroupPerMinute: 20}, fastRetries)
	stop := runSender(t, s)
	s.Notify()
	waitFor(t, "all settled", func() bool {
		c := outboxCounts(t, st)
		return c[storage.OutboxSent] == 4 && c[storage.OutboxDropped] == 6
	})
	stats := srv.Stats()
	if stats.Forbidden != 2 || stats.BadRequests != 1 {
		t.Fatalf("blocked chats were retried: 403×%d, 400×%d", stats.Forbidden, stats.BadRequests)
	}
	for _, id := range []int64{3, 4, 5} {
		var u storage.User
		_ = st.View(t.Context(), func(tx *storage.Tx) error {
			var err error
			u, err = tx.UserByID(t.Context(), id)
			return err
		})
		if u.Active || u.InactiveReason == "" {
			t.Errorf("user %d: active %v, reason %q", id, u.Active, u.InactiveReason)
		}
	}
	// A new message to an inactive chat is dropped without a send.
	enqueue(t, st, "c", 3, 1, storage.PriorityReply)
	s.Notify()
	waitFor(t, "dropped", func() bool { return outboxCounts(t, st)[storage.OutboxDropped] == 7 })
	if got := srv.Stats().Forbidden; got != 2 {
		t.Fatalf("inactive chat was sent to (%d × 403)", got)
	}
	stop()

	// The user writes again: active, and reachable.
	svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	runService(t, svc)
	srv.SendText(telegramtest.User{ID: 3}, 3, "tôi đây")
	if _, err := srv.WaitSent(t.Context(), 3, 1); err != nil {
		t.Fatal(err)
	}
}

// With the fake enforcing Telegram's limits and the sender configured at the same
// rates, the fake never has to answer 429.
func TestSenderStaysWithinTelegramLimits(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{}) // 30/s, 1/s per private chat (burst 3), 20/min per group (burst 5)
	defer srv.Close()
	st := openStore(t)
	enqueue(t, st, "many", 1000, 90, storage.PriorityBroadcast) // 90 chats: 3 s at 30/s
	err := st.Update(t.Context(), func(tx *storage.Tx) error {
		for i := range 2 {
			for _, chat := range []int64{42, -100} {
				if _, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: fmt.Sprintf("same/%d/%d", chat, i), ChatID: chat, Text: "tin " + fmt.Sprint(i)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newSender(t, srv, st, config.Rate{Global: 30, PrivateChat: 1, GroupPerMinute: 20}, SenderOptions{})
	runSender(t, s)
	s.Notify()
	waitFor(t, "all sent", func() bool { return outboxCounts(t, st)[storage.OutboxSent] == 94 })
	if n := srv.Stats().TooManyRequests; n != 0 {
		t.Fatalf("the fake answered 429 %d times", n)
	}
	for _, chat := range []int64{42, -100} {
		got := srv.Sent(chat)
		for i, m := range got {
			if m.Text != "tin "+fmt.Sprint(i) {
				t.Fatalf("chat %d: message %d = %q: order lost", chat, i, m.Text)
			}
		}
	}
}

func TestSender429PausesAndResends(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	srv.FailNext(1, telegramtest.APIError{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	enqueue(t, st, "bc", 1, 20, storage.PriorityBroadcast)
	var logs syncBuffer
	c, _ := NewClient(srv.Token(), srv.Endpoint(), nil)
	s := NewSender(st, c, config.Rate{Global: 100, PrivateChat: 1, GroupPerMinute: 20}, debugLogger(&logs), SenderOptions{})
	runSender(t, s)
	s.Notify()
	waitFor(t, "all sent", func() bool { return outboxCounts(t, st)[storage.OutboxSent] == 20 })
	if s.Stats().Pauses < 1 || !strings.Contains(logs.String(), "429") {
		t.Fatalf("no pause: %+v", s.Stats())
	}
	for chat := int64(1); chat <= 20; chat++ {
		if len(srv.Sent(chat)) != 1 {
			t.Fatalf("chat %d got %d", chat, len(srv.Sent(chat)))
		}
	}
}

// A reply enqueued during a broadcast goes out before the rest of the broadcast.
func TestSenderReplyOvertakesBroadcast(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{GlobalPerSecond: 100}})
	defer srv.Close()
	st := openStore(t)
	const n = 600
	enqueue(t, st, "bc", 1, n, storage.PriorityBroadcast)
	s := newSender(t, srv, st, config.Rate{Global: 100, PrivateChat: 1, GroupPerMinute: 20}, SenderOptions{})
	runSender(t, s)
	s.Notify()
	if _, err := srv.WaitAllSent(t.Context(), 30); err != nil {
		t.Fatal(err)
	}
	enqueue(t, st, "reply", 99999, 1, storage.PriorityReply)
	s.Notify()
	if _, err := srv.WaitSent(t.Context(), 99999, 1); err != nil {
		t.Fatal(err)
	}
	all := srv.AllSent()
	pos := -1
	for i, m := range all {
		if m.ChatID == 99999 {
			pos = i
		}
	}
	if remaining := n - pos; remaining < n/2 {
		t.Fatalf("reply went out as message %d, behind most of the broadcast", pos)
	}
}

func TestSenderSplitsLongText(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	var lines []string
	for i := range 400 {
		lines = append(lines, fmt.Sprintf("%d. Trường THCS Mỹ Tú — lớp 6A: 38/42 (90,5%%)", i+1))
	}
	text := "<b>Bảng xếp hạng</b>\n" + strings.Join(lines, "\n")
	err := st.Update(t.Context(), func(tx *storage.Tx) error {
		_, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: "long", ChatID: 8, Text: text,
			Buttons: [][]storage.Button{{{Text: "Xem thêm", Data: "more"}}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newSender(t, srv, st, config.Rate{Global: 30, PrivateChat: 100, GroupPerMinute: 20}, SenderOptions{})
	runSender(t, s)
	s.Notify()
	waitFor(t, "sent", func() bool { return outboxCounts(t, st)[storage.OutboxSent] == 1 })
	got := srv.Sent(8)
	if len(got) < 4 {
		t.Fatalf("%d parts", len(got))
	}
	var joined []string
	for i, m := range got {
		joined = append(joined, m.Text)
		if (len(m.Buttons) > 0) != (i == len(got)-1) {
			t.Errorf("part %d: buttons %v", i, m.Buttons)
		}
	}
	if strings.Join(joined, "\n") != text {
		t.Fatal("parts are not the text in order")
	}
}

func TestSenderPhotoAndDocument(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	img := tinyPNG(t)
	xlsx := bytes.Repeat([]byte("PK\x03\x04 bảng tính \x00\xff"), 5000)
	longCaption := "<b>Báo cáo tuần</b>\n" + strings.Repeat("Lớp 6A: 95%\n", 150)
	err := st.Update(t.Context(), func(tx *storage.Tx) error {
		if _, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: "p", ChatID: 8, Text: "<i>Biểu đồ</i>", Photo: img, FileName: "chart.png"}); err != nil {
			return err
		}
		_, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: "d", ChatID: 8, Text: longCaption, Document: xlsx, FileName: "baocao.xlsx"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newSender(t, srv, st, config.Rate{Global: 30, PrivateChat: 100, GroupPerMinute: 20}, SenderOptions{})
	runSender(t, s)
	s.Notify()
	waitFor(t, "sent", func() bool { return outboxCounts(t, st)[storage.OutboxSent] == 2 })
	got := srv.Sent(8)
	if len(got) != 3 {
		t.Fatalf("%d calls", len(got))
	}
	if got[0].Method != "sendPhoto" || !bytes.Equal(got[0].Photo, img) || got[0].Caption != "<i>Biểu đồ</i>" {
		t.Errorf("photo: %s, %d bytes, caption %q", got[0].Method, len(got[0].Photo), got[0].Caption)
	}
	if got[1].Method != "sendDocument" || !bytes.Equal(got[1].Document, xlsx) || got[1].FileName != "baocao.xlsx" {
		t.Errorf("document: %s, %d bytes intact=%v, name %q", got[1].Method, len(got[1].Document), bytes.Equal(got[1].Document, xlsx), got[1].FileName)
	}
	if split.UTF16Len(got[1].Caption) > maxCaptionLen || got[2].Method != "sendMessage" || got[1].Caption+"\n"+got[2].Text != strings.TrimRight(longCaption, "\n") {
		t.Errorf("long caption: caption %d chars, then %s", split.UTF16Len(got[1].Caption), got[2].Method)
	}
}

// countingTransport counts the HTTP requests a client makes.
type countingTransport struct {
	rt http.RoundTripper
	n  atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.rt.RoundTrip(r)
}

// A send that outlasts its call timeout is a network failure: it counts as an attempt and
// backs off, and the message ends dead after MaxAttempts, instead of being resent at once
// and forever as if the sender had been stopped.
func TestSenderCallTimeoutCountsAsAttempt(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	srv.SetLatency(time.Second)
	st := openStore(t)
	enqueue(t, st, "bc", 1, 1, storage.PriorityBroadcast)
	opt := fastRetries
	opt.MaxAttempts = 3
	s := newSender(t, srv, st, config.Rate{Global: 30, PrivateChat: 100, GroupPerMinute: 20}, opt)
	tc := s.chans[0].out.(*telegramOut).client
	tc.timeout = 50 * time.Millisecond
	calls := &countingTransport{rt: tc.hc.Transport}
	tc.hc.Transport = calls
	runSender(t, s)
	s.Notify()
	waitFor(t, "dead or resent", func() bool {
		return outboxCounts(t, st)[storage.OutboxDead] == 1 || calls.n.Load() >= 6
	})
	if c := outboxCounts(t, st); c[storage.OutboxDead] != 1 {
		t.Fatalf("timed-out send resent %d times without counting an attempt: outbox %v, stats %+v",
			calls.n.Load(), c, s.Stats())
	}
	if got := calls.n.Load(); got != 3 {
		t.Fatalf("%d sends, want 3 (MaxAttempts)", got)
	}
}

// A long message whose later part failed and waits for its retry is not sent again from
// its first part by the next process: the parts Telegram took are recorded with the retry.
func TestSenderRestartKeepsPartsAlreadySent(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	var lines []string
	for i := range 400 {
		lines = append(lines, fmt.Sprintf("%d. Trường THCS Mỹ Tú — lớp 6A: 38/42 (90,5%%)", i+1))
	}
	text := "<b>Bảng xếp hạng</b>\n" + strings.Join(lines, "\n")
	parts := len(split.Split(text, maxTextLen, split.UTF16Len))
	if parts < 3 {
		t.Fatalf("%d parts", parts)
	}
	err := st.Update(t.Context(), func(tx *storage.Tx) error {
		_, err := tx.Enqueue(t.Context(), storage.Message{DedupeKey: "long", ChatID: 8, Text: text})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	lastError := func() string {
		var reason string
		_ = st.View(t.Context(), func(tx *storage.Tx) error {
			var err error
			_, reason, err = tx.OutboxByKey(t.Context(), "long")
			return err
		})
		return reason
	}
	// One part a second in this chat: the first part goes, then the chat fails.
	s := newSender(t, srv, st, config.Rate{Global: 30, PrivateChat: 1, GroupPerMinute: 20}, fastRetries)
	stop := runSender(t, s)
	s.Notify()
	if _, err := srv.WaitSent(t.Context(), 8, 1); err != nil {
		t.Fatal(err)
	}
	srv.SetChatError(8, &telegramtest.APIError{Code: 502, Description: "Bad Gateway"})
	waitFor(t, "a retry recorded", func() bool { return lastError() != "" })
	stop()
	srv.Unblock(8)
	sentBefore := len(srv.Sent(8))

	s = newSender(t, srv, st, config.Rate{Global: 30, PrivateChat: 100, GroupPerMinute: 20}, fastRetries)
	runSender(t, s)
	s.Notify()
	waitFor(t, "sent", func() bool { return outboxCounts(t, st)[storage.OutboxSent] == 1 })
	got := srv.Sent(8)
	if len(got) != parts {
		t.Fatalf("%d parts sent (%d before the restart), the message has %d: parts sent twice", len(got), sentBefore, parts)
	}
	var joined []string
	for _, m := range got {
		joined = append(joined, m.Text)
	}
	if strings.Join(joined, "\n") != text {
		t.Fatal("parts are not the text in order")
	}
}
