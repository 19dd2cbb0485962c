package bot

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/storage"
)

// replies returns the texts the bot sent to a chat once n exist.
func replies(t *testing.T, srv *telegramtest.Server, chat int64, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	got, err := srv.WaitSent(ctx, chat, n)
	if err != nil {
		t.Fatalf("chat %d: %d replies, want %d: %v", chat, len(got), n, err)
	}
	var texts []string
	for _, m := range got {
		texts = append(texts, m.Text)
	}
	return texts
}

// peek reads the pending updates without confirming them (no offset), as a copy of what
// the server would deliver again.
func peek(t *testing.T, c *Client) []tgbotapi.Update {
	t.Helper()
	ups, err := c.GetUpdates(t.Context(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ups
}

// The server restarts its update ids three times: higher while the bot runs (Telegram
// after a quiet week); low again while the bot is stopped, onto ids the bot applied before
// (a replaced server); lower again while the bot runs. Every message and button press is
// answered exactly once, and every update delivered again (old ids and reused ids alike)
// is recognised as applied. Against a server like Telegram's (an offset ahead of every id
// is ignored) and one that answers only ids at or above the offset (the bot must stop
// asking with its old offset).
func TestPollerFollowsRestartedUpdateIDs(t *testing.T) {
	for _, strict := range []bool{false, true} {
		name := "telegram"
		if strict {
			name = "strict offsets"
		}
		t.Run(name, func(t *testing.T) {
			srv := telegramtest.New(telegramtest.Options{StrictOffsets: strict})
			defer srv.Close()
			st := openStore(t)
			start := func() (stop func()) {
				svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
				if err != nil {
					t.Fatal(err)
				}
				return runService(t, svc)
			}
			client, err := NewClient(srv.Token(), srv.Endpoint(), nil)
			if err != nil {
				t.Fatal(err)
			}
			lan, minh := telegramtest.User{ID: 71, FirstName: "Lan"}, telegramtest.User{ID: 72, FirstName: "Minh"}
			var copies []tgbotapi.Update

			srv.SendText(lan, lan.ID, "một")
			srv.SendText(minh, minh.ID, "hai")
			copies = append(copies, peek(t, client)...)
			stop := start()
			replies(t, srv, lan.ID, 1)
			replies(t, srv, minh.ID, 1)
			if id := srv.PressButton(lan, lan.ID, srv.Sent(lan.ID)[0].MessageID, "lop:6A"); id != 10_003 {
				t.Fatalf("press id %d", id)
			}
			replies(t, srv, lan.ID, 2)

			srv.RestartIDs(900_000)
			if id := srv.SendText(lan, lan.ID, "ba"); id != 900_000 {
				t.Fatalf("id %d", id)
			}
			replies(t, srv, lan.ID, 3)
			if err := srv.WaitConfirmed(t.Context(), 900_000); err != nil {
				t.Fatal(err)
			}
			stop()

			// Ids 10001 to 10003 again, for other messages and another press.
			srv.RestartIDs(10_001)
			reused := []int{srv.SendText(minh, minh.ID, "bốn"), srv.SendText(lan, lan.ID, "năm")}
			reused = append(reused, srv.PressButton(lan, lan.ID, srv.Sent(lan.ID)[0].MessageID, "lop:6B"))
			if !slices.Equal(reused, []int{10_001, 10_002, 10_003}) {
				t.Fatalf("ids after the second restart %v", reused)
			}
			copies = append(copies, peek(t, client)...)
			if len(copies) != 5 {
				t.Fatalf("%d copies", len(copies))
			}
			start()
			replies(t, srv, lan.ID, 5)
			if err := srv.WaitConfirmed(t.Context(), reused[2]); err != nil {
				t.Fatal(err)
			}
			if off := storedOffset(t, st); off != int64(reused[2])+1 {
				t.Fatalf("stored offset %d, want %d (following the new ids)", off, reused[2]+1)
			}

			srv.RestartIDs(50)
			srv.SendText(minh, minh.ID, "sáu")
			got := replies(t, srv, lan.ID, 5)
			if want := []string{"Bạn viết: một", "Bạn bấm: lop:6A", "Bạn viết: ba", "Bạn viết: năm", "Bạn bấm: lop:6B"}; !slices.Equal(got, want) {
				t.Fatalf("Lan got %q, want %q", got, want)
			}
			if got, want := replies(t, srv, minh.ID, 3), []string{"Bạn viết: hai", "Bạn viết: bốn", "Bạn viết: sáu"}; !slices.Equal(got, want) {
				t.Fatalf("Minh got %q, want %q", got, want)
			}

			// Every update delivered again, old and new sequence, changes nothing.
			in := &intake{store: st, handler: echoHandler{}, log: quietLog(), busy: backoff{base: time.Millisecond, max: time.Second}}
			fresh, err := in.ingest(t.Context(), copies)
			if err != nil || fresh != 0 {
				t.Fatalf("re-delivered updates: %d applied again, %v", fresh, err)
			}
			if c := outboxCounts(t, st); c[storage.OutboxSent]+c[storage.OutboxPending] != 8 {
				t.Fatalf("outbox %v, want the 8 answers", c)
			}
			if applied(t, st, 10_001) != 1 || applied(t, st, 900_000) != 1 || applied(t, st, 50) != 1 {
				t.Fatalf("applied: 10001 %d times, 900000 %d, 50 %d", applied(t, st, 10_001), applied(t, st, 900_000), applied(t, st, 50))
			}
		})
	}
}

// A webhook call with an id lower than those seen before is applied (once), also when the
// id was used before by another update; every call delivered again is skipped.
func TestWebhookAppliesLowerIDsOnce(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	svc, url := webhookService(t, srv, st)
	runService(t, svc)
	waitFor(t, "setWebhook", func() bool { return srv.Stats().Calls["setWebhook"] > 0 })
	update := func(id, msg int, text string) string {
		return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":12,"is_bot":false,"first_name":"Hoa"},"chat":{"id":12,"type":"private"},"date":%d,"text":%q}}`,
			id, msg, 1764500000+msg, text)
	}
	calls := []string{
		update(900_001, 1, "một"),
		update(900_002, 2, "hai"),
		update(5, 3, "ba"),        // ids restarted lower
		update(900_001, 4, "bốn"), // an id used before, another message
	}
	for round := range 2 {
		for _, body := range calls {
			if code := post(t, url, testSecret, body); code != http.StatusOK {
				t.Fatalf("round %d: status %d", round, code)
			}
		}
	}
	got := replies(t, srv, 12, 4)
	want := []string{"Bạn viết: một", "Bạn viết: hai", "Bạn viết: ba", "Bạn viết: bốn"}
	if !slices.Equal(got, want) {
		t.Fatalf("replies %q, want %q", got, want)
	}
	if c := outboxCounts(t, st); c[storage.OutboxSent]+c[storage.OutboxPending] != 4 {
		t.Fatalf("outbox %v, want 4 answers", c)
	}
	if applied(t, st, 5) != 1 || applied(t, st, 900_002) != 1 {
		t.Fatalf("applied %d, %d times", applied(t, st, 5), applied(t, st, 900_002))
	}
}

// A server that answers getUpdates at once with nothing makes the poller pause before the
// next poll: every quick empty answer is followed by a pause of at least 125 ms (the clock
// is frozen, so every answer is quick; no time is measured).
func TestPollerPausesAfterQuickEmptyAnswers(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{NoLongPoll: true})
	defer srv.Close()
	st := openStore(t)
	svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var (
		mu     sync.Mutex
		pauses []time.Duration
	)
	frozen := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	p := &poller{
		client: svc.client, intake: svc.intake, store: st, timeout: 50 * time.Second, log: quietLog(),
		errWait: backoff{base: time.Millisecond, max: time.Millisecond},
		now:     func() time.Time { return frozen },
		pause: func(ctx context.Context, d time.Duration) bool {
			mu.Lock()
			pauses = append(pauses, d)
			mu.Unlock()
			return ctx.Err() == nil
		},
	}
	done := make(chan error, 1)
	go func() { done <- p.run(ctx) }()
	waitFor(t, "20 polls", func() bool { return srv.Stats().Calls["getUpdates"] >= 20 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	calls := srv.Stats().Calls["getUpdates"]
	mu.Lock()
	defer mu.Unlock()
	if len(pauses) < calls-1 {
		t.Fatalf("%d getUpdates answered at once with nothing, but only %d pauses", calls, len(pauses))
	}
	for i, d := range pauses {
		if d < 125*time.Millisecond {
			t.Fatalf("pause %d = %v, want ≥ 125ms", i, d)
		}
	}
	if slices.Max(pauses) > 4*time.Second || slices.Max(pauses) < time.Second {
		t.Fatalf("pauses %v: want growing to at most 4s", pauses)
	}
}

// The memory of processed updates is pruned by the batches themselves: an update applied
// more than a week before the current batch is forgotten.
func TestIntakePrunesProcessedUpdates(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	var (
		mu  sync.Mutex
		now = time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC)
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st, err := storage.Open(t.Context(), filepath.Join(t.TempDir(), "bot.db"), storage.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	remembered := func() int {
		var n int
		if err := st.View(t.Context(), func(tx *storage.Tx) error {
			var err error
			n, err = tx.ProcessedUpdates(t.Context())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for day, text := range []string{"thứ hai", "thứ ba"} {
		srv.SendText(telegramtest.User{ID: 8}, 8, text)
		ups := peek(t, svc.client)
		if _, err := svc.client.GetUpdates(t.Context(), int64(ups[len(ups)-1].UpdateID)+1, 0); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.intake.ingest(t.Context(), ups); n != 1 || err != nil {
			t.Fatalf("day %d: %d applied, %v", day, n, err)
		}
		if remembered() != day+1 {
			t.Fatalf("day %d: %d remembered", day, remembered())
		}
	}
	mu.Lock()
	now = now.Add(storage.UpdatesKeptFor + time.Hour)
	mu.Unlock()
	srv.SendText(telegramtest.User{ID: 8}, 8, "tuần sau")
	if n, err := svc.intake.ingest(t.Context(), peek(t, svc.client)); n != 1 || err != nil {
		t.Fatalf("a week later: %d applied, %v", n, err)
	}
	if n := remembered(); n != 1 {
		t.Fatalf("%d updates remembered a week later, want only the new one", n)
	}
}
