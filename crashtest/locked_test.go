//go:build linux

package crashtest

import (
	"context"
	"strings"
	"testing"
	"time"
)

// lockHold is how long another process holds SQLite's write lock: longer than the
// busy_timeout storage.Open sets (10 s), so the bot's writes fail with "database is
// locked" rather than merely waiting.
const lockHold = 12 * time.Second

// TestDatabaseLocked runs serve with a broadcast under way, then has another connection
// (as another process would: `sqlite3 bhytbot.db`, a backup tool) take the write lock with
// BEGIN IMMEDIATE and hold it for longer than busy_timeout while teachers report. The bot
// must log the busy database, keep running, and once the lock is released store every
// report, acknowledge it, and record every message as sent, without a duplicate.
func TestDatabaseLocked(t *testing.T) {
	t.Parallel()
	// 25 messages/s: the broadcast goes on before, during and after the lock.
	h := newHarness(t, "", "BHYTBOT_TELEGRAM_RATE_GLOBAL=25")
	teachers := setupTeachers(t, h.db, 7_100_001, 5)
	const n = 400
	keys := enqueueBroadcast(t, h.db, "khoa", 5_100_000, n)

	p := h.start()
	p.ready(t)
	waitFor(t, 10*time.Second, "the broadcast to start", func() bool { return len(broadcastSent(h.fake)) > 0 }, p)

	ctx := context.Background()
	lockDB := openDB(t, h.db)
	defer lockDB.Close()
	conn, err := lockDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	lockedAt := time.Now()
	before := len(broadcastSent(h.fake))
	for i, tc := range teachers {
		h.fake.SendText(tc.user, tc.user.ID, reportText(tc, i+1))
	}
	waitFor(t, lockHold, "the bot to log the locked database", func() bool {
		return strings.Contains(p.logs.String(), "database is locked")
	}, p)
	sleepOrExit(t, p, time.Until(lockedAt.Add(lockHold)))
	during := len(broadcastSent(h.fake)) - before
	stored := func() int {
		var c int
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM reports").Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}()
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatalf("release the write lock: %v", err)
	}
	conn.Close()
	t.Logf("write lock held %s: %d broadcast messages delivered meanwhile, %d reports stored, %d acknowledged",
		time.Since(lockedAt).Round(time.Millisecond), during, stored, len(acks(h.fake)))
	if stored != 0 {
		t.Errorf("%d reports were stored while another connection held the write lock", stored)
	}

	waitFor(t, 60*time.Second, "every report acknowledged and every message recorded as sent", func() bool {
		if len(acks(h.fake)) != len(teachers) {
			return false
		}
		db := openDB(t, h.db)
		defer db.Close()
		return outboxCounts(t, db)["pending"] == 0
	}, p)
	recovered := time.Since(lockedAt.Add(lockHold))
	p.stop(t)

	counts := checkNothingLost(t, h, teachers, keys)
	logs := h.allLogs()
	t.Logf("after the lock: caught up in %s; %d log lines say the database is locked (%d busy retries of the intake, %d failed outcome commits of the sender); outbox %v",
		recovered.Round(time.Millisecond), strings.Count(logs, "database is locked"), strings.Count(logs, "retry: database busy"), strings.Count(logs, "sender: record outcomes"), counts)
	checkIntegrity(t, h.db)
}
