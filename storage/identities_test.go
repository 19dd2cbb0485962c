package storage

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The migration to (channel, id) identities keeps every Telegram user, role, queued message
// and conversation as it was, and names each of their ids as Telegram's.
func TestMigrationIdentitiesKeepsTelegramData(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, 11)
	for _, q := range []string{
		`INSERT INTO areas (id, name, path, level) VALUES (1, 'Sóc Trăng', 'Sóc Trăng', 0)`,
		`INSERT INTO users (id, chat_id, name, created_at, updated_at) VALUES (5, 5, 'Cô Lan', 0, 0), (4503599627370495, 4503599627370495, 'Anh Hùng', 0, 0)`,
		`INSERT INTO roles (user_id, role, area_id, created_at) VALUES (5, 'officer', 1, 0)`,
		`INSERT INTO outbox (dedupe_key, chat_id, text, created_at) VALUES ('a', 5, 'chào cô', 0), ('b', -1001234567890, 'chào nhóm', 0)`,
		`INSERT INTO conversations (user_id, kind, state, updated_at) VALUES (5, 'report', '{"step":2}', 0)`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx *Tx) error {
		roles, err := tx.RolesOfUser(ctx, 5)
		if err != nil || len(roles) != 1 || roles[0].Role != "officer" {
			t.Errorf("roles after the migration: %+v %v", roles, err)
		}
		kind, state, err := tx.Conversation(ctx, 5)
		if err != nil || kind != "report" || state != `{"step":2}` {
			t.Errorf("conversation after the migration: %q %q %v", kind, state, err)
		}
		u, err := tx.UserByID(ctx, 4503599627370495)
		if err != nil || u.Name != "Anh Hùng" {
			t.Errorf("user after the migration: %+v %v", u, err)
		}
		if c, err := tx.UserChannel(ctx, 5); err != nil || c != ChannelTelegram {
			t.Errorf("user channel %q %v", c, err)
		}
		for _, id := range []int64{5, -1001234567890, 4503599627370495} {
			ch, ext, err := tx.ExternalID(ctx, id)
			if err != nil || ch != ChannelTelegram || ext != strconv.FormatInt(id, 10) {
				t.Errorf("identity of %d: %s %s %v", id, ch, ext, err)
			}
		}
		var n int
		if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM identities`).Scan(&n); err != nil || n != 3 {
			t.Errorf("identities backfilled: %d %v", n, err)
		}
		if id, err := tx.InternalID(ctx, ChannelTelegram, "5", KindUser); err != nil || id != 5 {
			t.Errorf("telegram user 5 → %d %v", id, err)
		}
		var msgs int
		if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE status = 'pending'`).Scan(&msgs); err != nil || msgs != 2 {
			t.Errorf("pending outbox after the migration: %d %v", msgs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Zalo's string ids get internal ids from 2^53 upward, one per (id, kind), stable across
// calls, and distinct from any Telegram id.
func TestInternalIDsOfZalo(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	err := s.Update(ctx, func(tx *Tx) error {
		a, err := tx.InternalID(ctx, ChannelZalo, "6f1a9c", KindUser)
		if err != nil {
			return err
		}
		b, err := tx.InternalID(ctx, ChannelZalo, "77e0b2", KindUser)
		if err != nil {
			return err
		}
		g, err := tx.InternalID(ctx, ChannelZalo, "6f1a9c", KindChat)
		if err != nil {
			return err
		}
		again, err := tx.InternalID(ctx, ChannelZalo, "6f1a9c", KindUser)
		if err != nil {
			return err
		}
		if a < FirstForeignID || b != a+1 || g != a+2 || again != a {
			t.Errorf("ids %d %d %d %d", a, b, g, again)
		}
		if ChannelOf(a) != ChannelZalo || ChannelOf(-1001234567890) != ChannelTelegram {
			t.Error("ChannelOf")
		}
		ch, ext, err := tx.ExternalID(ctx, b)
		if err != nil || ch != ChannelZalo || ext != "77e0b2" {
			t.Errorf("external of %d: %s %s %v", b, ch, ext, err)
		}
		if _, err := tx.InternalID(ctx, ChannelTelegram, "9007199254740993", KindUser); err == nil {
			t.Error("a Telegram id over 52 bits was taken")
		}
		if _, _, err := tx.ExternalID(ctx, FirstForeignID+99); err == nil {
			t.Error("an unknown foreign id resolved")
		}
		if id, err := tx.KnownInternalID(ctx, ChannelZalo, "77e0b2", KindUser); err != nil || id != b {
			t.Errorf("known id of 77e0b2: %d %v", id, err)
		}
		if _, err := tx.KnownInternalID(ctx, ChannelZalo, "a0a0a0", KindUser); !errors.Is(err, ErrNotFound) {
			t.Errorf("an unseen Zalo id: %v", err)
		}
		if next, err := tx.InternalID(ctx, ChannelZalo, "a0a0a0", KindUser); err != nil || next != g+1 {
			t.Errorf("looking an id up numbered it: the next id is %d (%v), want %d", next, err, g+1)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A file link is found by its token only (the hash is stored), until it expires after
// seven days; then it is pruned.
func TestFileLinksExpire(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "f.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	token := "dGhpcy1pcy1hLXRlc3QtdG9rZW4tb2YtMzItYnl0ZXMh"
	err = s.Update(ctx, func(tx *Tx) error {
		return tx.AddFileLink(ctx, token, FileLink{OutboxID: 9, Kind: "document", FileName: "bao-cao.xlsx", Render: `{"kind":"xlsx"}`})
	})
	if err != nil {
		t.Fatal(err)
	}
	look := func(tok string) error {
		return s.View(ctx, func(tx *Tx) error {
			l, err := tx.FileLinkByToken(ctx, tok)
			if err == nil && (l.FileName != "bao-cao.xlsx" || l.Render != `{"kind":"xlsx"}`) {
				t.Errorf("link %+v", l)
			}
			return err
		})
	}
	if err := look(token); err != nil {
		t.Fatalf("fresh link: %v", err)
	}
	if err := look(token[:len(token)-1] + "X"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another token: %v", err)
	}
	var raw int
	_ = s.View(ctx, func(tx *Tx) error {
		return tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM file_links WHERE CAST(token_hash AS TEXT) = ?`, token).Scan(&raw)
	})
	if raw != 0 {
		t.Fatal("the token itself is stored")
	}
	now = now.Add(FileLinkTTL + time.Second)
	if err := look(token); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired link: %v", err)
	}
	_ = s.Update(ctx, func(tx *Tx) error {
		n, err := tx.PruneFileLinks(ctx)
		if err != nil || n != 1 {
			t.Errorf("pruned %d %v", n, err)
		}
		return nil
	})
}
