package bot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

// fullDisk is echoHandler on a disk that is full for the first `left` attempts: its
// writes fail with SQLite's "database or disk is full", as a report's INSERT does.
type fullDisk struct {
	echoHandler
	left *atomic.Int32
}

func (h fullDisk) Handle(ctx context.Context, tx *storage.Tx, u commands.Update) error {
	if h.left.Add(-1) >= 0 {
		return fmt.Errorf("commands: report: %w", sqlite3.Error{Code: sqlite3.ErrFull})
	}
	return h.echoHandler.Handle(ctx, tx, u)
}

// TestIntakeRetriesOnFullDisk: a full disk is the database's trouble, not the update's.
// The update is retried until there is room and then applied once, with its reply; it is
// not recorded as failed with an apology (the report would be lost).
func TestIntakeRetriesOnFullDisk(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	left := &atomic.Int32{}
	left.Store(3)
	svc, err := New(testConfig(srv), st, fullDisk{left: left}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	id := srv.SendText(telegramtest.User{ID: 6}, 6, "/baocao 6A 42 30 8")
	ups, err := svc.client.GetUpdates(t.Context(), 0, 0)
	if err != nil || len(ups) != 1 {
		t.Fatalf("getUpdates = %d, %v", len(ups), err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := svc.intake.apply(ctx, ups[0]); err != nil {
		t.Fatal(err)
	}
	if n := applied(t, st, id); n != 1 || left.Load() >= 0 {
		t.Fatalf("applied %d times after %d full-disk failures, want once after all 3", n, 3-max(left.Load(), 0))
	}
	err = st.View(ctx, func(tx *storage.Tx) error {
		if _, _, err := tx.OutboxByKey(ctx, fmt.Sprintf("echo/%d", id)); err != nil {
			return fmt.Errorf("the reply is missing: %w", err)
		}
		if _, _, err := tx.OutboxByKey(ctx, fmt.Sprintf("apology/%d", id)); !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("an apology was queued for a full disk: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
