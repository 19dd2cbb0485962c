package bot

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/storage"
)

func TestPollerEchoAndCallback(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	runService(t, svc)
	lan := telegramtest.User{ID: 77, FirstName: "Lan"}
	id := srv.SendText(lan, 77, "6A <42>")
	got, err := srv.WaitSent(t.Context(), 77, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Text != "Bạn viết: 6A &lt;42&gt;" || got[0].ParseMode != "HTML" {
		t.Fatalf("reply = %q (%s)", got[0].Text, got[0].ParseMode)
	}
	if applied(t, st, id) != 1 {
		t.Fatal("update not applied once")
	}
	qid := srv.PressButton(lan, 77, got[0].MessageID, "class:6A")
	got, err = srv.WaitSent(t.Context(), 77, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got[1].Text != "Bạn bấm: class:6A" {
		t.Fatalf("button reply = %q", got[1].Text)
	}
	waitFor(t, "callback answer", func() bool {
		for _, a := range srv.CallbackAnswers() {
			if a.UpdateID == qid {
				return true
			}
		}
		return false
	})
	if off := storedOffset(t, st); off != int64(qid)+1 {
		t.Fatalf("offset = %d, want %d", off, qid+1)
	}
	var u storage.User
	if err := st.View(t.Context(), func(tx *storage.Tx) error {
		u, err = tx.UserByID(t.Context(), 77)
		return err
	}); err != nil || u.Name != "Lan" || !u.Active {
		t.Fatalf("user = %+v, %v", u, err)
	}
}

// Restarting the loop mid-stream, against a fake that re-delivers every update not
// confirmed by a later offset, applies each update exactly once.
func TestUpdatesAppliedOnceAcrossRestarts(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	const n = 300
	var ids []int
	for i := range n {
		ids = append(ids, srv.SendText(telegramtest.User{ID: int64(1000 + i%7)}, int64(1000+i%7), "tin "+strings.Repeat("x", i%5)))
	}
	rng := rand.New(rand.NewPCG(4, 2))
	for round := 0; ; round++ {
		svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		stop := runService(t, svc)
		if round < 4 {
			// Stop at a random point of the stream.
			target := int64(ids[0]) + int64(rng.IntN(n))
			waitFor(t, "progress", func() bool { return storedOffset(t, st) >= target })
			stop()
			continue
		}
		waitFor(t, "all updates", func() bool { return storedOffset(t, st) == int64(ids[n-1])+1 })
		stop()
		break
	}
	for _, id := range ids {
		if c := applied(t, st, id); c != 1 {
			t.Fatalf("update %d applied %d times", id, c)
		}
	}
	if c := outboxCounts(t, st); c[storage.OutboxSent]+c[storage.OutboxPending] != n {
		t.Fatalf("outbox %v, want %d echoes", c, n)
	}
}

func TestIntakeAppliesAnUpdateAtMostOnce(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	id := srv.SendText(telegramtest.User{ID: 5}, 5, "một lần")
	ups, err := svc.client.GetUpdates(t.Context(), 0, 0)
	if err != nil || len(ups) != 1 {
		t.Fatalf("getUpdates = %d, %v", len(ups), err)
	}
	for range 3 {
		if err := svc.intake.apply(t.Context(), ups[0]); err != nil {
			t.Fatal(err)
		}
	}
	if c := applied(t, st, id); c != 1 {
		t.Fatalf("applied %d times", c)
	}
}

func TestHandlerFailureApologisesAndMovesOn(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	var logs syncBuffer
	svc, err := New(testConfig(srv), st, echoHandler{}, debugLogger(&logs))
	if err != nil {
		t.Fatal(err)
	}
	runService(t, svc)
	u := telegramtest.User{ID: 31}
	bad := srv.SendText(u, 31, "boom")
	crash := srv.SendText(u, 31, "panic")
	good := srv.SendText(u, 31, "bình thường")
	got, err := srv.WaitSent(t.Context(), 31, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{Apology, Apology, "Bạn viết: bình thường"}
	for i, w := range want {
		if got[i].Text != w {
			t.Errorf("message %d = %q, want %q", i, got[i].Text, w)
		}
	}
	// The failed handlers' writes were rolled back; the good one's kept.
	if applied(t, st, bad) != 0 || applied(t, st, crash) != 0 || applied(t, st, good) != 1 {
		t.Fatalf("applied: bad %d, crash %d, good %d", applied(t, st, bad), applied(t, st, crash), applied(t, st, good))
	}
	if off := storedOffset(t, st); off != int64(good)+1 {
		t.Fatalf("offset %d", off)
	}
	if !strings.Contains(logs.String(), "handler exploded") {
		t.Error("the handler error was not logged")
	}
}

func TestPollerStopsPromptlyDuringLongPoll(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	cfg := testConfig(srv)
	cfg.Telegram.PollTimeout = 10 * time.Minute
	svc, err := New(cfg, st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	stop := runService(t, svc)
	waitFor(t, "a long poll", func() bool { return srv.Stats().Calls["getUpdates"] > 0 })
	// runService fails the test if Run has not returned 20 s after cancel; the poll
	// itself would last 10 minutes.
	stop()
}

func TestPollerBacksOffOnErrors(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{FailRate5xx: 0.5, Seed: 3})
	defer srv.Close()
	st := openStore(t)
	svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	svc.sender.opt.RetryBase, svc.sender.opt.RetryMax, svc.sender.opt.MaxAttempts = time.Millisecond, 10*time.Millisecond, 50
	runService(t, svc)
	for i := range 5 {
		srv.SendText(telegramtest.User{ID: 9}, 9, "lần "+string(rune('a'+i)))
	}
	if _, err := srv.WaitSent(t.Context(), 9, 5); err != nil {
		t.Fatal(err)
	}
	_ = context.Background()
}
