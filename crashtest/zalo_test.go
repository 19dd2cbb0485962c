//go:build linux

package crashtest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/zalotest"
	"github.com/bhytbot/bhytbot/storage"
)

// TestZaloBroadcastSurvivesKill9 is the broadcast test on Zalo: 1,000 messages to distinct
// Zalo users, serve SIGKILLed ten times while it sends, restarted each time; afterwards
// every user got the message (0 lost), the duplicates are at most one per crash, and the
// outbox records every message as sent.
func TestZaloBroadcastSurvivesKill9(t *testing.T) {
	t.Parallel()
	rng := testRand(t)
	z := zalotest.New(zalotest.Options{})
	t.Cleanup(z.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	h := newHarness(t, "",
		"BHYTBOT_ZALO_TOKEN="+z.Token(), "BHYTBOT_ZALO_API_ENDPOINT="+z.Endpoint(),
		"BHYTBOT_ZALO_RATE_GLOBAL=25", "BHYTBOT_ZALO_RATE_PRIVATE_CHAT=5",
		"BHYTBOT_WEB_LISTEN="+addr, "BHYTBOT_WEB_PUBLIC_URL=http://"+addr)
	const n = 1000
	ctx := context.Background()
	st, err := storage.Open(ctx, h.db)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *storage.Tx) error {
		for i := range n {
			id, err := tx.InternalID(ctx, storage.ChannelZalo, fmt.Sprintf("kz-%d", i), storage.KindUser)
			if err != nil {
				return err
			}
			if _, err := tx.Enqueue(ctx, storage.Message{DedupeKey: fmt.Sprintf("zalo-bc/%d", i), ChatID: id,
				Priority: storage.PriorityBroadcast, Text: fmt.Sprintf("<b>Nhắc nhở</b> số %d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	delivered := func() map[string]int {
		out := map[string]int{}
		for _, m := range z.AllSent() {
			if m.Method == "sendMessage" && strings.HasPrefix(m.Text, "Nhắc nhở số ") {
				out[m.ChatID]++
			}
		}
		return out
	}
	const kills = 10
	for k := 1; k <= kills; k++ {
		p := h.start()
		life := 200*time.Millisecond + time.Duration(rng.Int64N(int64(1200*time.Millisecond)))
		sleepOrExit(t, p, life)
		p.kill(t)
		t.Logf("kill %2d after %4dms: %4d/%d delivered", k, life.Milliseconds(), len(delivered()), n)
	}
	p := h.start("BHYTBOT_ZALO_RATE_GLOBAL=300")
	waitFor(t, 90*time.Second, "every Zalo message delivered", func() bool { return len(delivered()) == n }, p)
	p.stop(t)
	got := delivered()
	lost, dups := 0, 0
	for i := range n {
		c := got[fmt.Sprintf("kz-%d", i)]
		if c == 0 {
			lost++
		}
		dups += max(c-1, 0)
	}
	t.Logf("Zalo broadcast of %d messages, %d kills: %d lost, %d duplicates", n, kills, lost, dups)
	if lost != 0 || dups > kills {
		t.Errorf("%d lost, %d duplicates after %d crashes", lost, dups, kills)
	}
	db := openDB(t, h.db)
	counts := outboxCounts(t, db)
	db.Close()
	if counts["sent"] != n || len(counts) != 1 {
		t.Errorf("outbox after the broadcast: %v", counts)
	}
	if strings.Contains(h.allLogs(), z.Token()) {
		t.Error("the Zalo token reached the logs")
	}
	checkIntegrity(t, h.db)
}
