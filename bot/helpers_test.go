package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

func tinyPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func openStore(t testing.TB) *storage.Store {
	t.Helper()
	st, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// echoHandler is the test handler: it writes one row (kv "seen.<update id>", counting
// how often the update was applied) and enqueues an echo reply. Special texts:
// "boom" fails, "panic" panics, "/lamgv" makes the sender a teacher.
type echoHandler struct{}

func (echoHandler) Handle(ctx context.Context, tx *storage.Tx, u commands.Update) error {
	key := "seen." + strconv.FormatInt(u.ID, 10)
	n := 0
	if v, err := tx.Value(ctx, key); err == nil {
		n, _ = strconv.Atoi(v)
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if err := tx.SetValue(ctx, key, strconv.Itoa(n+1)); err != nil {
		return err
	}
	switch u.Text {
	case "boom":
		return errors.New("handler exploded")
	case "panic":
		panic("handler panicked on purpose")
	case "/lamgv":
		if err := tx.GrantRole(ctx, u.UserID, storage.RoleTeacher, storage.Scope{}); err != nil {
			return err
		}
	}
	text := "Bạn viết: " + vntext.EscapeHTML(u.Text)
	if u.IsCallback() {
		text = "Bạn bấm: " + vntext.EscapeHTML(u.Data)
	}
	_, err := tx.Enqueue(ctx, storage.Message{
		DedupeKey: "echo/" + strconv.FormatInt(u.ID, 10),
		ChatID:    u.ChatID,
		Priority:  storage.PriorityReply,
		Text:      text,
	})
	return err
}

// applied returns how many times the handler applied an update.
func applied(t testing.TB, st *storage.Store, id int) int {
	t.Helper()
	var n int
	err := st.View(context.Background(), func(tx *storage.Tx) error {
		v, err := tx.Value(context.Background(), "seen."+strconv.Itoa(id))
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		n, err = strconv.Atoi(v)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func storedOffset(t testing.TB, st *storage.Store) int64 {
	t.Helper()
	var off int64
	if err := st.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		off, err = tx.Offset(context.Background())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return off
}

func testConfig(srv *telegramtest.Server) config.Config {
	cfg := config.Default()
	cfg.Telegram.Token = srv.Token()
	cfg.Telegram.APIEndpoint = srv.Endpoint()
	cfg.Telegram.PollTimeout = 2 * time.Second
	cfg.Telegram.Rate = config.Rate{Global: 1000, PrivateChat: 1, GroupPerMinute: 20}
	return cfg
}

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// runService runs a Service until the returned stop is called; stop waits for Run.
func runService(t testing.TB, svc *Service) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	}
	t.Cleanup(stop)
	return stop
}

// enqueue writes n broadcast messages, to chats first, first+1, … (one each).
func enqueue(t testing.TB, st *storage.Store, prefix string, first int64, n int, priority int) {
	t.Helper()
	err := st.Update(context.Background(), func(tx *storage.Tx) error {
		for i := range n {
			chat := first + int64(i)
			_, err := tx.Enqueue(context.Background(), storage.Message{
				DedupeKey: fmt.Sprintf("%s/%d", prefix, chat), ChatID: chat, Priority: priority,
				Text: fmt.Sprintf("<b>Nhắc nhở</b> số %d", i),
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func outboxCounts(t testing.TB, st *storage.Store) map[string]int {
	t.Helper()
	var c map[string]int
	if err := st.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		c, err = tx.OutboxCounts(context.Background())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// waitFor polls cond until it holds (no timing assertion: the test deadline bounds it).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// runSender runs a sender until stop, which waits for Run to return.
func runSender(t testing.TB, s *Sender) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		<-done
	}
	t.Cleanup(stop)
	return stop
}
