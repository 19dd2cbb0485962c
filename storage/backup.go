package storage

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// How long a backup waits while the database is busy: from backupFirstWait, doubling up to
// backupMaxWait, and at most backupMaxBusy times in a row (about ten minutes) before it
// gives up.
const (
	backupFirstWait = 10 * time.Millisecond
	backupMaxWait   = time.Second
	backupMaxBusy   = 600
)

// Backup writes a consistent copy of the database to path with SQLite's online backup
// API; it is safe while the bot is writing. The copy is written to a new file next to
// path, readable and writable by the owner only (it holds pupils' names), and renamed
// over path when it is complete, so an earlier backup at path is replaced only by a
// whole one.
func (s *Store) Backup(ctx context.Context, path string) error {
	return s.backup(ctx, path, sleep)
}

func (s *Store) backup(ctx context.Context, path string, wait func(context.Context, time.Duration) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			os.Remove(tmp)
			os.Remove(tmp + "-journal")
		}
	}()
	if err := f.Close(); err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // the umask may have taken the owner's write bit
		return fmt.Errorf("storage: backup: %w", err)
	}
	if err := s.copyTo(ctx, tmp, wait); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	done = true
	return nil
}

// copyTo copies the database into the empty SQLite file at path.
func (s *Store) copyTo(ctx context.Context, path string, wait func(context.Context, time.Duration) error) error {
	dst, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	defer dst.Close()
	dstConn, err := dst.Conn(ctx)
	if err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	defer dstConn.Close()
	srcConn, err := s.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	defer srcConn.Close()
	return dstConn.Raw(func(d any) error {
		return srcConn.Raw(func(sc any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", sc.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return fmt.Errorf("storage: backup: %w", err)
			}
			if err := stepAll(ctx, b, wait); err != nil {
				b.Finish()
				return err
			}
			if err := b.Finish(); err != nil {
				return fmt.Errorf("storage: backup finish: %w", err)
			}
			return nil
		})
	})
}

// stepper is SQLite's backup handle (*sqlite3.SQLiteBackup), or a test's stand-in for a
// database that stays busy.
type stepper interface {
	Step(pages int) (done bool, err error)
}

// stepAll copies every page. The driver answers a busy or locked database with "not done"
// and no error; each such answer waits longer before the next try, up to backupMaxWait,
// and backupMaxBusy of them in a row end the backup with an error.
func stepAll(ctx context.Context, b stepper, wait func(context.Context, time.Duration) error) error {
	delay := backupFirstWait
	for busy := 0; ; busy++ {
		done, err := b.Step(-1)
		if err != nil && !IsBusy(err) {
			return fmt.Errorf("storage: backup step: %w", err)
		}
		if done {
			return nil
		}
		if busy == backupMaxBusy {
			return fmt.Errorf("storage: backup: the database stayed busy through %d tries", busy+1)
		}
		if err := wait(ctx, delay); err != nil {
			return fmt.Errorf("storage: backup: %w", err)
		}
		delay = min(2*delay, backupMaxWait)
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
