//go:build linux

package crashtest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot"
	"github.com/bhytbot/bhytbot/bot/telegramtest"
)

// mountTmpfs mounts a tmpfs of size bytes on a fresh directory and unmounts it at cleanup;
// it skips the test where that is impossible (not root, no CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() != 0 {
		t.Skip("skipped: mounting a small tmpfs for the full-disk test needs root (CI runs as root)")
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+size+",mode=0700"); err != nil {
		t.Skipf("skipped: cannot mount a tmpfs on %s (%v): the full-disk test needs CAP_SYS_ADMIN", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			_ = syscall.Unmount(dir, syscall.MNT_DETACH)
		}
	})
	return dir
}

// fill writes a file until the filesystem has no space left and returns its size.
func fill(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var total int64
	for _, chunk := range []int{64 << 10, 4 << 10, 512, 1} {
		buf := make([]byte, chunk)
		for {
			n, err := f.Write(buf)
			total += int64(n)
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			if err != nil {
				t.Fatalf("fill %s: %v", path, err)
			}
		}
	}
	return total
}

// apologies counts the bot's "sorry, something went wrong" messages.
func apologies(fake *telegramtest.Server) int {
	n := 0
	for _, m := range fake.AllSent() {
		if m.Text == bot.Apology {
			n++
		}
	}
	return n
}

// TestDiskFull runs serve with its database on a small tmpfs, a broadcast under way, and
// fills the filesystem. While it is full, teachers report: the bot must log the error
// ("database or disk is full"), keep running and retry; once space is freed it must
// store and acknowledge every report (none dropped with an apology), record every
// message as sent, without a duplicate, and the database must pass integrity_check.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	mnt := mountTmpfs(t, "8m")
	h := newHarness(t, mnt, "BHYTBOT_TELEGRAM_RATE_GLOBAL=25")
	teachers := setupTeachers(t, h.db, 7_200_001, 5)
	const n = 300
	keys := enqueueBroadcast(t, h.db, "day", 5_200_000, n)

	p := h.start()
	p.ready(t)
	waitFor(t, 10*time.Second, "the broadcast to start", func() bool { return len(broadcastSent(h.fake)) > 0 }, p)

	// Empty the WAL first, so that the bot's next write needs new space rather than
	// reusing the log's old frames.
	db := openDB(t, h.db)
	for i := 0; ; i++ {
		var busy, logFrames, done int
		if err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
			t.Fatal(err)
		}
		if busy == 0 {
			break
		}
		if i == 50 {
			t.Fatal("cannot truncate the WAL: the database stays busy")
		}
		time.Sleep(20 * time.Millisecond)
	}
	db.Close()
	filler := filepath.Join(mnt, "filler")
	size := fill(t, filler)
	fullAt := time.Now()
	before := len(broadcastSent(h.fake))
	for i, tc := range teachers {
		h.fake.SendText(tc.user, tc.user.ID, reportText(tc, i+1))
	}
	waitFor(t, 20*time.Second, "the bot to log the full disk", func() bool {
		return strings.Contains(p.logs.String(), "disk is full")
	}, p)
	// Stay full a little longer: retries must neither crash the bot nor give up.
	sleepOrExit(t, p, 2*time.Second)
	during, ackedFull := len(broadcastSent(h.fake))-before, len(acks(h.fake))
	if ackedFull != 0 {
		t.Errorf("%d reports acknowledged while the disk was full", ackedFull)
	}
	// Then space comes back a page at a time, as when logs are rotated or another
	// program shrinks: on the way there is room for a small transaction but not for a
	// report's, and a report must wait for room rather than be dropped.
	trickle := 0
	for ; trickle < 48 && len(acks(h.fake)) < len(teachers); trickle++ {
		if err := os.Truncate(filler, size-int64(trickle+1)*4096); err != nil {
			t.Fatal(err)
		}
		sleepOrExit(t, p, 100*time.Millisecond)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	freedAt := time.Now()
	t.Logf("disk full for %s (filler %d bytes), then freed 4 KiB at a time %d times: %d broadcast messages delivered while full, %d reports acknowledged before the filler was removed",
		freedAt.Sub(fullAt).Round(time.Millisecond), size, trickle, during, len(acks(h.fake)))

	waitFor(t, 60*time.Second, "every report acknowledged and every message recorded as sent", func() bool {
		if n := apologies(h.fake); n > 0 {
			t.Fatalf("%d reports were dropped with an apology instead of waiting for space", n)
		}
		if len(acks(h.fake)) != len(teachers) {
			return false
		}
		db := openDB(t, h.db)
		defer db.Close()
		return outboxCounts(t, db)["pending"] == 0
	}, p)
	recovered := time.Since(freedAt)
	p.stop(t)

	counts := checkNothingLost(t, h, teachers, keys)
	t.Logf("after space was freed: caught up in %s; %d log lines name the full disk; outbox %v",
		recovered.Round(time.Millisecond), strings.Count(h.allLogs(), "disk is full"), counts)
	checkIntegrity(t, h.db)
}
