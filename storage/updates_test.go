package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// mark runs MarkIncoming in its own transaction.
func mark(t *testing.T, st *Store, id int64, fp string) IncomingMark {
	t.Helper()
	var m IncomingMark
	err := st.Update(context.Background(), func(tx *Tx) error {
		var err error
		m, err = tx.MarkIncoming(context.Background(), id, fp)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMarkIncomingTellsReusedIDsFromDuplicates(t *testing.T) {
	st := openTest(t)
	first := mark(t, st, 500, "m:7:1:1700000000")
	if !first.Fresh || first.Reused || first.LocalID(500) != 500 {
		t.Fatalf("first = %+v", first)
	}
	for _, tc := range []struct {
		name   string
		id     int64
		fp     string
		fresh  bool
		reused bool
	}{
		{"the same update again", 500, "m:7:1:1700000000", false, false},
		{"another update under the same id", 500, "m:7:9:1700000600", true, true},
		{"that one again", 500, "m:7:9:1700000600", false, false},
		{"no fingerprint matches any", 500, "", false, false},
		{"another id", 501, "m:7:1:1700000000", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mark(t, st, tc.id, tc.fp)
			if m.Fresh != tc.fresh || m.Reused != tc.reused {
				t.Fatalf("mark = %+v, want fresh %v reused %v", m, tc.fresh, tc.reused)
			}
			if m.Reused && m.LocalID(tc.id) >= 0 {
				t.Fatalf("local id of a reused id = %d, want negative", m.LocalID(tc.id))
			}
		})
	}
}

// Pruning keeps the last days and at most the newest rows; local numbers are never handed
// out twice, even after every row was pruned.
func TestPruneUpdatesBoundsTheMemory(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	st, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var seqs []int64
	for i := range 10 {
		seqs = append(seqs, mark(t, st, int64(1000+i), "a").Seq)
		now = now.Add(24 * time.Hour)
	}
	count := func() int {
		var n int
		if err := st.View(ctx, func(tx *Tx) error {
			var err error
			n, err = tx.ProcessedUpdates(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	prune := func(before time.Time, keep int) int64 {
		var n int64
		if err := st.Update(ctx, func(tx *Tx) error {
			var err error
			n, err = tx.PruneUpdates(ctx, before, keep)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Ten updates, one a day; keep the last 7 days (now is day 10).
	if n := prune(now.Add(-UpdatesKeptFor), 100); n != 3 || count() != 7 {
		t.Fatalf("age prune forgot %d, %d left; want 3, 7", n, count())
	}
	if mark(t, st, 1002, "a").Fresh != true || mark(t, st, 1009, "a").Fresh {
		t.Fatal("the pruned update is still remembered, or the kept one is not")
	}
	// The row cap: at most 4 of the newest.
	if n := prune(time.Time{}, 4); count() != 4 || n != 4 {
		t.Fatalf("cap prune forgot %d, %d left; want 4, 4", n, count())
	}
	if mark(t, st, 1009, "a").Fresh {
		t.Fatal("the newest update was forgotten")
	}
	prune(now.Add(time.Hour), 0)
	if count() != 0 {
		t.Fatalf("%d left after pruning all", count())
	}
	if m := mark(t, st, 1, "b"); m.Seq <= seqs[len(seqs)-1] {
		t.Fatalf("local number %d handed out again (last %d)", m.Seq, seqs[len(seqs)-1])
	}
}

// Updates processed before the bounded memory existed are carried over without a
// fingerprint: each still stands for any update with its id.
func TestMigrationKeepsProcessedUpdates(t *testing.T) {
	ctx := context.Background()
	st, err := OpenNoMigrate(ctx, filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.w.ExecContext(ctx, `CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (5)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:5] {
		if _, err := st.w.ExecContext(ctx, m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	if _, err := st.w.ExecContext(ctx, `INSERT INTO processed_updates (update_id, processed_at) VALUES (77, 1700000000), (78, 1700000001)`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if m := mark(t, st, 77, "m:1:2:3"); m.Fresh {
		t.Fatalf("update 77 applied before the migration is fresh again: %+v", m)
	}
	if m := mark(t, st, 79, "m:1:2:3"); !m.Fresh || m.Seq <= 2 {
		t.Fatalf("a new update: %+v", m)
	}
}
