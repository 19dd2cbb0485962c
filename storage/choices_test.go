package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestChoices(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 15, 8, 0, 0, 0, time.UTC)
	st, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	set := func(channel, chat string, data ...string) {
		t.Helper()
		if err := st.Update(ctx, func(tx *Tx) error { return tx.SetChoices(ctx, channel, chat, data) }); err != nil {
			t.Fatal(err)
		}
	}
	choice := func(channel, chat string, n int) (string, bool) {
		t.Helper()
		var (
			data string
			ok   bool
		)
		err := st.View(ctx, func(tx *Tx) error {
			var err error
			data, ok, err = tx.Choice(ctx, channel, chat, n)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return data, ok
	}
	type probe struct {
		channel, chat string
		n             int
		want          string
		ok            bool
	}
	check := func(step string, probes ...probe) {
		t.Helper()
		for _, p := range probes {
			if got, ok := choice(p.channel, p.chat, p.n); got != p.want || ok != p.ok {
				t.Errorf("%s: Choice(%s, %s, %d) = %q, %v; want %q, %v", step, p.channel, p.chat, p.n, got, ok, p.want, p.ok)
			}
		}
	}

	check("nothing sent", probe{"zalo", "u1", 1, "", false})

	set("zalo", "u1", "the:s:17", "the:o:17", "the:x:17")
	set("zalo", "u2", "bc:ok")
	set("telegram", "u1", "other")
	check("after the first prompts",
		probe{"zalo", "u1", 1, "the:s:17", true},
		probe{"zalo", "u1", 3, "the:x:17", true},
		probe{"zalo", "u1", 0, "", false},
		probe{"zalo", "u1", 4, "", false},
		probe{"zalo", "u1", -1, "", false},
		probe{"zalo", "u2", 1, "bc:ok", true},
		probe{"telegram", "u1", 1, "other", true}, // channels do not share a chat
	)

	// Answering keeps them: a second reply to the same prompt still presses.
	check("answered once", probe{"zalo", "u1", 2, "the:o:17", true})

	set("zalo", "u1", "moi:ph:2", "moi:ph:3")
	check("replaced by the next prompt", probe{"zalo", "u1", 1, "moi:ph:2", true}, probe{"zalo", "u1", 3, "", false})

	set("zalo", "u1") // a prompt without choices ends the previous one's
	check("cleared by an empty set", probe{"zalo", "u1", 1, "", false}, probe{"zalo", "u2", 1, "bc:ok", true})

	set("zalo", "u1", "a", "b")
	if err := st.Update(ctx, func(tx *Tx) error { return tx.ClearChoices(ctx, "zalo", "u1") }); err != nil {
		t.Fatal(err)
	}
	check("ClearChoices", probe{"zalo", "u1", 1, "", false}, probe{"telegram", "u1", 1, "other", true})

	set("zalo", "u3", "x")
	now = now.Add(ChoicesTTL)
	check("at the TTL", probe{"zalo", "u3", 1, "x", true})
	now = now.Add(time.Second)
	check("past the TTL", probe{"zalo", "u3", 1, "", false}, probe{"zalo", "u2", 1, "", false})

	set("zalo", "u4", "y")
	var pruned int64
	if err := st.Update(ctx, func(tx *Tx) error {
		var err error
		pruned, err = tx.PruneChoices(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if pruned != 3 { // u2, u3 and telegram/u1 expired; u4 is fresh
		t.Errorf("pruned %d, want 3", pruned)
	}
	check("after pruning", probe{"zalo", "u4", 1, "y", true})
}
