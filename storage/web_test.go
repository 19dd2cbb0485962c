package storage

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWebTokensStoredHashed: a login link works once and only until it expires (looking at it
// uses nothing up), a session
// until it ends or expires, and the database holds neither token.
func TestWebTokensStoredHashed(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	st, err := Open(ctx, filepath.Join(t.TempDir(), "w.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var login, late, session string
	err = st.Update(ctx, func(tx *Tx) (err error) {
		if login, err = tx.CreateWebLogin(ctx, 42, now.Add(15*time.Minute)); err != nil {
			return err
		}
		if late, err = tx.CreateWebLogin(ctx, 42, now.Add(-time.Second)); err != nil {
			return err
		}
		session, err = tx.CreateWebSession(ctx, 42, now.Add(time.Hour))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *Tx) error {
		for i := range 3 {
			if u, err := tx.PeekWebLogin(ctx, login); err != nil || u != 42 {
				t.Errorf("peek %d: %d %v", i+1, u, err)
			}
		}
		if u, err := tx.UseWebLogin(ctx, login); err != nil || u != 42 {
			t.Errorf("use: %d %v", u, err)
		}
		if _, err := tx.UseWebLogin(ctx, login); !errors.Is(err, ErrLoginUsed) {
			t.Errorf("reuse: %v", err)
		}
		if _, err := tx.PeekWebLogin(ctx, login); !errors.Is(err, ErrLoginUsed) {
			t.Errorf("peek after use: %v", err)
		}
		if _, err := tx.PeekWebLogin(ctx, late); !errors.Is(err, ErrLoginExpired) {
			t.Errorf("peek expired: %v", err)
		}
		if _, err := tx.UseWebLogin(ctx, late); !errors.Is(err, ErrLoginExpired) {
			t.Errorf("expired: %v", err)
		}
		if _, err := tx.UseWebLogin(ctx, "x"+login); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown: %v", err)
		}
		if u, err := tx.WebSessionUser(ctx, session); err != nil || u != 42 {
			t.Errorf("session: %d %v", u, err)
		}
		var dump strings.Builder
		for _, q := range []string{`SELECT hex(token_hash) FROM web_logins`, `SELECT hex(token_hash) FROM web_sessions`} {
			rows, err := tx.tx.QueryContext(ctx, q)
			if err != nil {
				return err
			}
			for rows.Next() {
				var h string
				rows.Scan(&h)
				dump.WriteString(h)
			}
			rows.Close()
		}
		if d := strings.ToLower(dump.String()); len(d) != 3*64 || strings.Contains(d, strings.ToLower(login)) {
			t.Errorf("stored: %s", d)
		}
		if err := tx.EndWebSession(ctx, session); err != nil {
			return err
		}
		if _, err := tx.WebSessionUser(ctx, session); !errors.Is(err, ErrNotFound) {
			t.Errorf("ended session: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Two days later, new tokens drop the old rows.
	now = now.Add(48 * time.Hour)
	err = st.Update(ctx, func(tx *Tx) error {
		if _, err := tx.CreateWebLogin(ctx, 42, now.Add(time.Minute)); err != nil {
			return err
		}
		if _, err := tx.CreateWebSession(ctx, 42, now.Add(time.Hour)); err != nil {
			return err
		}
		var logins, sessions int
		if err := tx.tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM web_logins), (SELECT count(*) FROM web_sessions)`).Scan(&logins, &sessions); err != nil {
			return err
		}
		if logins != 1 || sessions != 1 {
			t.Errorf("after pruning: %d logins, %d sessions", logins, sessions)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
