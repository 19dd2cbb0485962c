package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/metrics"
	"github.com/bhytbot/bhytbot/storage"
)

// hookHandler is echoHandler with a hook run first, inside the update's transaction.
type hookHandler struct {
	calls atomic.Int64
	hook  func(ctx context.Context, tx *storage.Tx, u commands.Update) error
}

func (h *hookHandler) Handle(ctx context.Context, tx *storage.Tx, u commands.Update) error {
	h.calls.Add(1)
	if h.hook != nil {
		if err := h.hook(ctx, tx, u); err != nil {
			return err
		}
	}
	return echoHandler{}.Handle(ctx, tx, u)
}

// pollAll queues texts from distinct users and reads them back as one getUpdates batch.
func pollAll(t *testing.T, srv *telegramtest.Server, svc *Service, texts ...string) ([]tgbotapi.Update, []int) {
	t.Helper()
	var ids []int
	for i, text := range texts {
		u := int64(500 + i)
		ids = append(ids, srv.SendText(telegramtest.User{ID: u, FirstName: "Người " + strconv.Itoa(i)}, u, text))
	}
	ups, err := svc.client.GetUpdates(t.Context(), 0, 0)
	if err != nil || len(ups) != len(texts) {
		t.Fatalf("getUpdates = %d updates, %v; want %d", len(ups), err, len(texts))
	}
	return ups, ids
}

func outboxKeys(t *testing.T, st *storage.Store) map[string]storage.Message {
	t.Helper()
	keys := map[string]storage.Message{}
	err := st.View(t.Context(), func(tx *storage.Tx) error {
		msgs, err := tx.PendingMessages(t.Context(), time.Now().Add(time.Hour), 10000)
		for _, m := range msgs {
			keys[m.DedupeKey] = m
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func counter(t *testing.T, name, label string) float64 {
	t.Helper()
	mfs, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetValue() == label {
					return m.GetCounter().GetValue()
				}
			}
			if label == "" {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// A batch is one transaction; when a handler fails (or panics) it is applied again with a
// savepoint per update: the failed update loses only its own writes, which is recorded as processed with an
// apology in the same commit; the others keep their effects; the offset is past the
// whole batch; delivering the batch again changes nothing.
func TestBatchFailingHandlerKeepsTheOthers(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	var logs syncBuffer
	svc, err := New(testConfig(srv), st, echoHandler{}, debugLogger(&logs))
	if err != nil {
		t.Fatal(err)
	}
	ups, ids := pollAll(t, srv, svc, "một", "boom", "hai", "panic", "ba")
	dupBefore := counter(t, "bhytbot_updates_received_total", "duplicate")
	msgBefore := counter(t, "bhytbot_updates_received_total", "message")
	if err := svc.intake.applyBatch(t.Context(), ups); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		want := 1
		if i == 1 || i == 3 {
			want = 0 // the failed handler's own write was rolled back
		}
		if got := applied(t, st, id); got != want {
			t.Errorf("update %d (%d) applied %d times, want %d", i, id, got, want)
		}
	}
	keys := outboxKeys(t, st)
	for i, id := range ids {
		echo, apology := keys["echo/"+strconv.Itoa(id)], keys["apology/"+strconv.Itoa(id)]
		if i == 1 || i == 3 {
			if apology.Text != Apology || apology.ChatID != int64(500+i) || echo.ID != 0 {
				t.Errorf("update %d: apology %+v, echo %+v", i, apology, echo)
			}
		} else if echo.ID == 0 || apology.ID != 0 {
			t.Errorf("update %d: echo %+v, apology %+v", i, echo, apology)
		}
	}
	if len(keys) != len(ids) {
		t.Errorf("outbox holds %d messages, want %d", len(keys), len(ids))
	}
	if off := storedOffset(t, st); off != int64(ids[len(ids)-1])+1 {
		t.Fatalf("offset %d, want %d", off, ids[len(ids)-1]+1)
	}
	// Every update is processed, the failed ones included: a redelivery is a no-op.
	if err := svc.intake.applyBatch(t.Context(), ups); err != nil {
		t.Fatal(err)
	}
	if applied(t, st, ids[0]) != 1 || len(outboxKeys(t, st)) != len(ids) {
		t.Fatal("redelivered batch applied again")
	}
	if got := counter(t, "bhytbot_updates_received_total", "message") - msgBefore; got != float64(len(ids)) {
		t.Errorf("message updates counted %v, want %d", got, len(ids))
	}
	if got := counter(t, "bhytbot_updates_received_total", "duplicate") - dupBefore; got != float64(len(ids)) {
		t.Errorf("duplicates counted %v, want %d", got, len(ids))
	}
	if !strings.Contains(logs.String(), "handler exploded") {
		t.Error("the handler error was not logged")
	}
	if !strings.Contains(logs.String(), "applying the batch again with a savepoint per update") {
		t.Error("the batch was not applied again with savepoints")
	}
}

// SQLite busy in the middle of a batch aborts the whole transaction and retries it: the
// updates before the busy one ran twice but were committed once.
func TestBatchRetriedAfterBusyAppliesOnce(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	var busyOnce sync.Once
	h := &hookHandler{}
	svc, err := New(testConfig(srv), st, h, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	svc.intake.busy = backoff{base: time.Millisecond, max: 5 * time.Millisecond}
	ups, ids := pollAll(t, srv, svc, "a", "b", "c", "d", "e", "f")
	h.hook = func(ctx context.Context, tx *storage.Tx, u commands.Update) error {
		var err error
		if u.ID == int64(ids[3]) {
			busyOnce.Do(func() { err = fmt.Errorf("commands: %w", sqlite3.Error{Code: sqlite3.ErrBusy}) })
		}
		return err
	}
	if err := svc.intake.applyBatch(t.Context(), ups); err != nil {
		t.Fatal(err)
	}
	if c := h.calls.Load(); c != int64(len(ids))+4 {
		t.Fatalf("handler ran %d times, want %d (4 before the retry)", c, len(ids)+4)
	}
	for _, id := range ids {
		if c := applied(t, st, id); c != 1 {
			t.Errorf("update %d applied %d times", id, c)
		}
	}
	keys := outboxKeys(t, st)
	if len(keys) != len(ids) {
		t.Fatalf("outbox %d messages, want %d echoes and no apology", len(keys), len(ids))
	}
	if off := storedOffset(t, st); off != int64(ids[len(ids)-1])+1 {
		t.Fatalf("offset %d", off)
	}
}

// The offset of a batch is stored in its transaction and confirmed to Telegram only by
// the getUpdates after the commit: while the batch is in flight, neither moved.
func TestBatchOffsetAdvancesOnlyAfterCommit(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	reached, release := make(chan struct{}), make(chan struct{})
	var ids []int
	h := &hookHandler{}
	svc, err := New(testConfig(srv), st, h, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		ids = append(ids, srv.SendText(telegramtest.User{ID: int64(40 + i)}, int64(40+i), "tin "+strconv.Itoa(i)))
	}
	h.hook = func(ctx context.Context, tx *storage.Tx, u commands.Update) error {
		if u.ID == int64(ids[7]) {
			close(reached)
			<-release
		}
		return nil
	}
	runService(t, svc)
	select {
	case <-reached:
	case <-time.After(30 * time.Second):
		t.Fatal("batch not started")
	}
	if off := storedOffset(t, st); off != 0 {
		t.Errorf("offset %d committed while the batch is in flight", off)
	}
	if applied(t, st, ids[0]) != 0 {
		t.Error("an update of the batch is visible before the commit")
	}
	if n := srv.Pending(); n != len(ids) {
		t.Errorf("Telegram holds %d unconfirmed updates while the batch is in flight, want %d", n, len(ids))
	}
	close(release)
	if err := srv.WaitConfirmed(t.Context(), ids[len(ids)-1]); err != nil {
		t.Fatal(err)
	}
	if off := storedOffset(t, st); off != int64(ids[len(ids)-1])+1 {
		t.Fatalf("offset %d after the commit", off)
	}
	for _, id := range ids {
		if applied(t, st, id) != 1 {
			t.Fatalf("update %d applied %d times", id, applied(t, st, id))
		}
	}
}

// Stopping the bot in the middle of a batch commits nothing of it; after a restart
// Telegram delivers the batch again and every update is applied exactly once.
func TestRestartMidBatchAppliesOnce(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	var ids []int
	for i := range 250 { // three batches: 100, 100, 50
		ids = append(ids, srv.SendText(telegramtest.User{ID: int64(2000 + i%13)}, int64(2000+i%13), "tin "+strconv.Itoa(i)))
	}
	stopAt := ids[150] // in the middle of the second batch
	reached := make(chan struct{})
	var once sync.Once
	h := &hookHandler{hook: func(ctx context.Context, tx *storage.Tx, u commands.Update) error {
		if u.ID == int64(stopAt) {
			once.Do(func() { close(reached) })
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}}
	svc, err := New(testConfig(srv), st, h, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	stop := runService(t, svc)
	select {
	case <-reached:
	case <-time.After(30 * time.Second):
		t.Fatal("second batch not reached")
	}
	stop()
	if off := storedOffset(t, st); off != int64(ids[100]) {
		t.Fatalf("offset after the stop = %d, want %d (first batch only)", off, ids[100])
	}
	for i, id := range ids {
		want := 0
		if i < 100 {
			want = 1
		}
		if got := applied(t, st, id); got != want {
			t.Fatalf("after the stop update #%d applied %d times, want %d", i, got, want)
		}
	}
	svc2, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	runService(t, svc2)
	waitFor(t, "all updates", func() bool { return storedOffset(t, st) == int64(ids[len(ids)-1])+1 })
	for _, id := range ids {
		if c := applied(t, st, id); c != 1 {
			t.Fatalf("update %d applied %d times", id, c)
		}
	}
	if c := outboxCounts(t, st); c[storage.OutboxSent]+c[storage.OutboxPending] != len(ids) {
		t.Fatalf("outbox %v, want %d echoes", c, len(ids))
	}
}

// A batch whose transaction breaks outside any handler (here: the savepoint is gone
// because the handler ended the transaction's savepoints itself) is applied update by
// update; the others are not lost.
func TestBrokenBatchFallsBackToSingleUpdates(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	h := &hookHandler{}
	var logs syncBuffer
	svc, err := New(testConfig(srv), st, h, debugLogger(&logs))
	if err != nil {
		t.Fatal(err)
	}
	ups, ids := pollAll(t, srv, svc, "x", "y", "z")
	h.hook = func(ctx context.Context, tx *storage.Tx, u commands.Update) error {
		if u.ID == int64(ids[1]) {
			// Release the update's savepoint, then fail: RollbackTo cannot undo anything.
			if err := tx.ReleaseSavepoint(ctx, updateSavepoint); err != nil {
				return err
			}
			return errors.New("handler broke the transaction")
		}
		return nil
	}
	if err := svc.intake.applyBatch(t.Context(), ups); err != nil {
		t.Fatal(err)
	}
	if applied(t, st, ids[0]) != 1 || applied(t, st, ids[2]) != 1 {
		t.Fatalf("applied: %d, %d", applied(t, st, ids[0]), applied(t, st, ids[2]))
	}
	keys := outboxKeys(t, st)
	if keys["apology/"+strconv.Itoa(ids[1])].Text != Apology {
		t.Fatalf("no apology for the broken update: %v", keys)
	}
	if off := storedOffset(t, st); off != int64(ids[2])+1 {
		t.Fatalf("offset %d", off)
	}
	if !strings.Contains(logs.String(), "one by one") {
		t.Error("fallback not logged")
	}
}

// The sender's row is written only when something changed; an inactive user who writes
// is active again.
func TestIntakeReactivatesInactiveUser(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	ups, _ := pollAll(t, srv, svc, "xin chào")
	if err := svc.intake.applyBatch(t.Context(), ups); err != nil {
		t.Fatal(err)
	}
	if err := st.Update(t.Context(), func(tx *storage.Tx) error { return tx.DeactivateChat(t.Context(), 500, "blocked") }); err != nil {
		t.Fatal(err)
	}
	srv.SendText(telegramtest.User{ID: 500, FirstName: "Người 0"}, 500, "lại đây")
	more, err := svc.client.GetUpdates(t.Context(), int64(ups[0].UpdateID)+1, 0)
	if err != nil || len(more) != 1 {
		t.Fatalf("getUpdates %d, %v", len(more), err)
	}
	if err := svc.intake.applyBatch(t.Context(), more); err != nil {
		t.Fatal(err)
	}
	var u storage.User
	if err := st.View(t.Context(), func(tx *storage.Tx) error {
		var err error
		u, err = tx.UserByID(t.Context(), 500)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !u.Active || u.InactiveReason != "" || u.Name != "Người 0" {
		t.Fatalf("user %+v", u)
	}
}
