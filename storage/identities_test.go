package storage

import (
	"context"
	"strconv"
	"testing"
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
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
