// Package storage keeps everything bhytbot knows in one SQLite file: the roster, users and
// roles, reports (append-only), the outbox, the job ledger and processed updates. SQL is
// written by hand, one file per entity; every write goes through an explicit transaction.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync/atomic"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("storage: not found")

// Store is the SQLite database. Writes go through one connection (SQLite has one writer);
// reads use a separate pool so they never wait behind a write transaction.
type Store struct {
	w     *sql.DB
	r     *sql.DB
	now   func() time.Time
	roles atomic.Int64 // bumped after every commit that wrote roles (see RolesVersion)
}

// Option changes how a Store is opened.
type Option func(*Store)

// WithClock sets the clock used for created_at and similar columns.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Open opens (creating if needed) the database at path with WAL, busy_timeout,
// foreign keys and synchronous=NORMAL, and applies pending migrations.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	s, err := OpenNoMigrate(ctx, path, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.resumeSuspendedSums(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenNoMigrate opens the database without touching its schema.
func OpenNoMigrate(ctx context.Context, path string, opts ...Option) (*Store, error) {
	s := &Store{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if err := private(path); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	dsn := func(extra string) string {
		q := url.Values{}
		q.Set("_journal_mode", "WAL")
		q.Set("_busy_timeout", "10000")
		q.Set("_foreign_keys", "on")
		q.Set("_synchronous", "NORMAL")
		q.Set("_stmt_cache_size", "64")
		if extra != "" {
			q.Set("_txlock", extra)
		}
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite3", dsn("immediate"))
	if err != nil {
		return nil, fmt.Errorf("storage: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite3", dsn("deferred"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("storage: open: %w", err)
	}
	r.SetMaxOpenConns(4)
	s.w, s.r = w, r
	return s, nil
}

// private makes the database file readable and writable by its owner only, whatever the
// umask: it holds pupils' names. A new file is created so before SQLite opens it, and
// SQLite gives its -wal and -shm files the database file's permissions. Group and other
// permissions are taken off an existing database and its -wal and -shm files (as far as
// the owner may change them: a file another user owns is left as it is).
func private(path string) error {
	if path == "" || path == ":memory:" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return err
		}
		return os.Chmod(path, 0o600)
	case !errors.Is(err, fs.ErrExist):
		return err
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(name, fi.Mode().Perm()&^0o077); err != nil && !errors.Is(err, fs.ErrPermission) {
				return err
			}
		}
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.now() }

// Tx is a transaction; entity methods hang off it so a caller can combine several writes
// (an update's effects, its replies in the outbox, the processed update id) atomically.
type Tx struct {
	tx           txStmts
	now          time.Time
	store        *Store
	rolesChanged bool     // a role was granted or revoked: bump RolesVersion after the commit
	keep         []func() // run after the commit (see Keep)
	// seen is the user SeenUser last found or made current in this transaction: the channel
	// records who wrote and the commands engine does again for the same update, and the
	// second time needs no statement. Anything else that writes users forgets it.
	seen User
}

// txStmts runs a transaction's statements. In a write transaction they run under a context
// that cannot end: the driver runs a statement whose context can end in a goroutine of its
// own and waits for it, which doubled the cost of the short statements the one writer runs
// (and handed each to another thread on a busy machine). An ended context still stops a
// write transaction: begun under it, the transaction is rolled back and its next statement
// fails. Reads stay interruptible statement by statement.
type txStmts struct {
	*sql.Tx
	detached bool
}

func (t txStmts) stmtCtx(ctx context.Context) context.Context {
	if t.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(t.stmtCtx(ctx), query, args...)
}

func (t txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(t.stmtCtx(ctx), query, args...)
}

func (t txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(t.stmtCtx(ctx), query, args...)
}

// Now is the time the transaction started, by the store's clock.
func (tx *Tx) Now() time.Time { return tx.now }

// Update runs fn in a write transaction and commits it if fn returns nil.
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, s.w, fn)
}

// View runs fn in a read transaction; fn must not write.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, s.r, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, fn func(*Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	tx := &Tx{tx: txStmts{Tx: sqlTx, detached: db == s.w}, now: s.now(), store: s}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	tx.committed()
	return nil
}

// committed runs after a successful commit.
func (tx *Tx) committed() {
	if tx.rolesChanged {
		tx.store.roles.Add(1)
	}
	for _, f := range tx.keep {
		f()
	}
}

// Keep runs f after the transaction commits, to keep in memory what was read in it: f
// does not run when the transaction rolls back, nor when any of it was rolled back to a
// savepoint (what was read may have been undone).
func (tx *Tx) Keep(f func()) { tx.keep = append(tx.keep, f) }

// RolesVersion changes after every commit of this process that granted or revoked a role.
// A reader that reads the version, then the roles, and later finds the version unchanged
// knows no role change has committed since its read. Caches of role-derived state (the
// menus) compare it.
func (s *Store) RolesVersion() int64 { return s.roles.Load() }

// IsBusy reports whether err is SQLite's "database is locked" or "busy".
func IsBusy(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	return false
}

// IsFull reports whether err is SQLite's "database or disk is full": the write fails for
// want of space, not because of what it writes, and succeeds once space is freed.
func IsFull(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrFull
}

func unix(t time.Time) int64 { return t.Unix() }

func fromUnix(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }
