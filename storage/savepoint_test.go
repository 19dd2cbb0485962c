package storage

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestSavepointsKeepAndUndoUnits(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	err := st.Update(ctx, func(tx *Tx) error {
		// Unit 1 kept.
		if err := tx.Savepoint(ctx, "u1"); err != nil {
			return err
		}
		if err := tx.SetValue(ctx, "a", "1"); err != nil {
			return err
		}
		if err := tx.ReleaseSavepoint(ctx, "u1"); err != nil {
			return err
		}
		// Unit 2 undone, then a replacement written under the same savepoint and kept.
		if err := tx.Savepoint(ctx, "u2"); err != nil {
			return err
		}
		if err := tx.SetValue(ctx, "b", "undone"); err != nil {
			return err
		}
		if err := tx.SetValue(ctx, "a", "clobbered"); err != nil {
			return err
		}
		if err := tx.RollbackTo(ctx, "u2"); err != nil {
			return err
		}
		if _, err := tx.Value(ctx, "b"); !errors.Is(err, ErrNotFound) {
			return errors.New("rolled-back write still visible inside the transaction")
		}
		if err := tx.SetValue(ctx, "c", "after rollback"); err != nil {
			return err
		}
		if err := tx.ReleaseSavepoint(ctx, "u2"); err != nil {
			return err
		}
		// Nested: rolling back the inner one keeps the outer one's work.
		if err := tx.Savepoint(ctx, "outer"); err != nil {
			return err
		}
		if err := tx.SetValue(ctx, "d", "outer"); err != nil {
			return err
		}
		if err := tx.Savepoint(ctx, "inner"); err != nil {
			return err
		}
		if err := tx.SetValue(ctx, "e", "inner"); err != nil {
			return err
		}
		if err := tx.RollbackTo(ctx, "inner"); err != nil {
			return err
		}
		return tx.ReleaseSavepoint(ctx, "outer") // releases inner too
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "1", "c": "after rollback", "d": "outer"}
	_ = st.View(ctx, func(tx *Tx) error {
		for k, v := range want {
			if got, err := tx.Value(ctx, k); err != nil || got != v {
				t.Errorf("%s = %q, %v; want %q", k, got, err, v)
			}
		}
		for _, k := range []string{"b", "e"} {
			if _, err := tx.Value(ctx, k); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s survived its rollback: %v", k, err)
			}
		}
		return nil
	})
}

func TestSavepointWorkIsDiscardedWithTheTransaction(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	boom := errors.New("abort")
	err := st.Update(ctx, func(tx *Tx) error {
		if err := tx.Savepoint(ctx, "u"); err != nil {
			return err
		}
		if err := tx.SetValue(ctx, "x", "1"); err != nil {
			return err
		}
		if err := tx.ReleaseSavepoint(ctx, "u"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	_ = st.View(ctx, func(tx *Tx) error {
		if _, err := tx.Value(ctx, "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("released savepoint outlived its rolled-back transaction: %v", err)
		}
		return nil
	})
}

func TestSavepointErrors(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	_ = st.Update(ctx, func(tx *Tx) error {
		for _, bad := range []string{"", "1a", "a b", "x;DROP TABLE kv", `"q"`, "sp-1"} {
			if err := tx.Savepoint(ctx, bad); err == nil {
				t.Errorf("savepoint name %q accepted", bad)
			}
		}
		if err := tx.RollbackTo(ctx, "never_opened"); err == nil {
			t.Error("RollbackTo an unknown savepoint succeeded")
		}
		if err := tx.ReleaseSavepoint(ctx, "never_opened"); err == nil {
			t.Error("ReleaseSavepoint of an unknown savepoint succeeded")
		}
		return nil
	})
}

func TestSeenUserWritesOnlyChanges(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	// data_version on one pinned reader connection changes when another connection
	// commits a change to the file: it tells whether a transaction wrote anything.
	conn, err := st.r.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	version := func() int64 {
		var v int64
		if err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	seen := func(u User) bool {
		t.Helper()
		var wrote bool
		if err := st.Update(ctx, func(tx *Tx) error {
			var err error
			wrote, err = tx.SeenUser(ctx, u)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return wrote
	}
	get := func(id int64) User {
		t.Helper()
		var u User
		if err := st.View(ctx, func(tx *Tx) error {
			var err error
			u, err = tx.UserByID(ctx, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return u
	}
	lan := User{ID: 7, ChatID: 7, Name: "Lan", Username: "lan"}
	v0 := version()
	if !seen(lan) {
		t.Fatal("new user not written")
	}
	v1 := version()
	if v1 == v0 {
		t.Fatal("data_version did not move on a write")
	}
	for range 3 {
		if seen(lan) {
			t.Fatal("unchanged user written again")
		}
	}
	if v := version(); v != v1 {
		t.Fatalf("unchanged user changed the file: data_version %d → %d", v1, v)
	}
	for _, changed := range []User{
		{ID: 7, ChatID: 7, Name: "Lan Nguyễn", Username: "lan"},
		{ID: 7, ChatID: 7, Name: "Lan Nguyễn", Username: "lan_n"},
		{ID: 7, ChatID: 70, Name: "Lan Nguyễn", Username: "lan_n"},
	} {
		if !seen(changed) {
			t.Fatalf("change %+v not written", changed)
		}
		if got := get(7); got.ChatID != changed.ChatID || got.Name != changed.Name || got.Username != changed.Username || !got.Active {
			t.Fatalf("user = %+v, want %+v", got, changed)
		}
	}
	// An inactive user who writes unchanged is active again.
	if err := st.Update(ctx, func(tx *Tx) error { return tx.DeactivateChat(ctx, 70, "blocked") }); err != nil {
		t.Fatal(err)
	}
	if u := get(7); u.Active || u.InactiveReason != "blocked" {
		t.Fatalf("not deactivated: %+v", u)
	}
	if !seen(User{ID: 7, ChatID: 70, Name: "Lan Nguyễn", Username: "lan_n"}) {
		t.Fatal("inactive user not reactivated")
	}
	if u := get(7); !u.Active || u.InactiveReason != "" {
		t.Fatalf("not reactivated: %+v", u)
	}
}

// A second SeenUser of the same user in one transaction writes nothing more, unless the
// user was written or undone in between: deactivated, or the savepoint rolled back.
func TestSeenUserTwiceInATransaction(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	lan := User{ID: 7, ChatID: 7, Name: "Lan"}
	check := func(name string, fn func(tx *Tx) error, want bool) {
		t.Helper()
		if err := st.Update(ctx, fn); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var u User
		if err := st.View(ctx, func(tx *Tx) error {
			var err error
			u, err = tx.UserByID(ctx, 7)
			if errors.Is(err, ErrNotFound) {
				u, err = User{}, nil
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := u.ID == 7 && u.Active; got != want {
			t.Errorf("%s: user stored and active = %v, want %v (%+v)", name, got, want, u)
		}
	}
	check("seen, deactivated, seen again", func(tx *Tx) error {
		if _, err := tx.SeenUser(ctx, lan); err != nil {
			return err
		}
		if err := tx.DeactivateChat(ctx, 7, "blocked"); err != nil {
			return err
		}
		wrote, err := tx.SeenUser(ctx, lan)
		if err == nil && !wrote {
			t.Error("seen after deactivation wrote nothing")
		}
		return err
	}, true)
	check("seen in a savepoint rolled back, seen again", func(tx *Tx) error {
		if err := tx.DeactivateChat(ctx, 7, "blocked"); err != nil {
			return err
		}
		if err := tx.Savepoint(ctx, "sp"); err != nil {
			return err
		}
		if _, err := tx.SeenUser(ctx, lan); err != nil {
			return err
		}
		if err := tx.RollbackTo(ctx, "sp"); err != nil {
			return err
		}
		if err := tx.ReleaseSavepoint(ctx, "sp"); err != nil {
			return err
		}
		_, err := tx.SeenUser(ctx, lan)
		return err
	}, true)
	check("seen twice", func(tx *Tx) error {
		if err := tx.DeactivateChat(ctx, 7, "blocked"); err != nil {
			return err
		}
		if wrote, err := tx.SeenUser(ctx, lan); err != nil || !wrote {
			return fmt.Errorf("first seen wrote %v: %w", wrote, err)
		}
		wrote, err := tx.SeenUser(ctx, lan)
		if wrote {
			t.Error("second seen of an unchanged user wrote again")
		}
		return err
	}, true)
}
