//go:build unix

package storage

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// withUmask runs the test under a umask that leaves every permission bit on, as a
// careless service account might: the files must come out 0600 all the same.
func withUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

func wantMode(t *testing.T, name string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %v, want %v", filepath.Base(name), got, want)
	}
}

func writeSomething(t *testing.T, s *Store) {
	t.Helper()
	err := s.Update(context.Background(), func(tx *Tx) error {
		_, _, err := tx.EnsureArea(context.Background(), []string{"Sóc Trăng"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenCreatesOwnerOnlyFiles(t *testing.T) {
	withUmask(t, 0)
	path := filepath.Join(t.TempDir(), "bhytbot.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	writeSomething(t, s)
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		wantMode(t, name, 0o600)
	}
}

func TestOpenTightensWorldReadableDatabase(t *testing.T) {
	withUmask(t, 0)
	path := filepath.Join(t.TempDir(), "bhytbot.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	writeSomething(t, s)
	s.Close()
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(name, 0o644); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	s, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantMode(t, path, 0o600)
}

func TestBackupIsOwnerOnlyAndWhole(t *testing.T) {
	withUmask(t, 0)
	dir := t.TempDir()
	s, err := Open(context.Background(), filepath.Join(dir, "bhytbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	writeSomething(t, s)
	out := filepath.Join(dir, "backup.db")
	if err := os.WriteFile(out, []byte("an older backup"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	wantMode(t, out, 0o600)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); n != "backup.db" && n != "bhytbot.db" && n != "bhytbot.db-wal" && n != "bhytbot.db-shm" {
			t.Errorf("left behind: %s", n)
		}
	}
	b, err := Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.View(context.Background(), func(tx *Tx) error {
		_, err := tx.AreaByPath(context.Background(), "Sóc Trăng")
		return err
	})
	if err != nil {
		t.Fatalf("backup lacks the data: %v", err)
	}
}

// busyDB answers like the driver's backup handle on a busy database ("not done", no
// error) a number of times, then finishes.
type busyDB struct{ busy, steps int }

func (b *busyDB) Step(int) (bool, error) {
	b.steps++
	return b.steps > b.busy, nil
}

type waits []time.Duration

func (w *waits) wait(_ context.Context, d time.Duration) error {
	*w = append(*w, d)
	return nil
}

func TestBackupBacksOffWhileBusy(t *testing.T) {
	ctx := context.Background()
	db := &busyDB{busy: 9}
	var got waits
	if err := stepAll(ctx, db, got.wait); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{10, 20, 40, 80, 160, 320, 640, 1000, 1000}
	if db.steps != 10 || len(got) != len(want) {
		t.Fatalf("%d steps, waits %v", db.steps, got)
	}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("waits %v, want %v ms", got, want)
		}
	}
}

func TestBackupGivesUpOnADatabaseThatStaysBusy(t *testing.T) {
	db := &busyDB{busy: 1 << 30}
	var got waits
	err := stepAll(context.Background(), db, got.wait)
	if err == nil || db.steps != backupMaxBusy+1 || len(got) != backupMaxBusy {
		t.Fatalf("err %v after %d steps and %d waits", err, db.steps, len(got))
	}
}

func TestBackupWaitEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	db := &busyDB{busy: 1 << 30}
	err := stepAll(ctx, db, sleep)
	if !errors.Is(err, context.Canceled) || db.steps != 1 {
		t.Fatalf("err %v after %d steps, want context.Canceled after 1", err, db.steps)
	}
}
