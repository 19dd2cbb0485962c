package storage

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Backup writes a consistent copy of the database to path with SQLite's online backup
// API; it is safe while the bot is writing. An existing file at path is replaced.
func (s *Store) Backup(ctx context.Context, path string) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("storage: backup: %w", err)
	}
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
			for {
				done, err := b.Step(-1)
				if err != nil && !IsBusy(err) {
					b.Finish()
					return fmt.Errorf("storage: backup step: %w", err)
				}
				if done {
					break
				}
			}
			if err := b.Finish(); err != nil {
				return fmt.Errorf("storage: backup finish: %w", err)
			}
			return nil
		})
	})
}
