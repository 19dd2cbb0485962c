package bot

import (
	"testing"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

func TestGoneReason(t *testing.T) {
	for desc, want := range map[string]string{
		"Forbidden: bot was blocked by the user":         "blocked",
		"Forbidden: user is deactivated":                 "deactivated",
		"Forbidden: bot was kicked from the group chat":  "kicked",
		"Forbidden: bot is not a member of the channel":  "kicked",
		"Bad Request: chat not found":                    "chat_not_found",
		"Bad Request: PEER_ID_INVALID":                   "chat_not_found",
		"Forbidden: bot can't initiate conversation ...": "gone",
	} {
		if got := goneReason(desc); got != want {
			t.Errorf("goneReason(%q) = %q, want %q", desc, got, want)
		}
	}
}

// The sender counts what it sent by kind, what it gave up by reason, and every 429.
func TestSenderMetrics(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	st := openStore(t)
	srv.Block(2)
	srv.Deactivate(3)
	srv.ChatNotFound(4)
	srv.FailNext(1, telegramtest.APIError{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	enqueue(t, st, "m", 1, 4, storage.PriorityBroadcast) // chats 1..4
	photo := storage.Message{DedupeKey: "photo/1", ChatID: 1, Text: "biểu đồ", Photo: tinyPNG(t), FileName: "c.png"}
	if err := st.Update(t.Context(), func(tx *storage.Tx) error { _, err := tx.Enqueue(t.Context(), photo); return err }); err != nil {
		t.Fatal(err)
	}
	const sent, failed = "bhytbot_messages_sent_total", "bhytbot_messages_failed_total"
	before := map[string]float64{
		"text": counter(t, sent, "text"), "photo": counter(t, sent, "photo"),
		"blocked": counter(t, failed, "blocked"), "deactivated": counter(t, failed, "deactivated"),
		"chat_not_found": counter(t, failed, "chat_not_found"), "429": counter(t, "bhytbot_telegram_429_total", ""),
	}
	c, err := NewClient(srv.Token(), srv.Endpoint(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSender(st, c, config.Rate{Global: 1000, PrivateChat: 10, GroupPerMinute: 20}, quietLog(), SenderOptions{})
	stop := runSender(t, s)
	s.Notify()
	waitFor(t, "outcomes", func() bool {
		n := outboxCounts(t, st)
		return n[storage.OutboxSent] == 2 && n[storage.OutboxDropped] == 3
	})
	stop()
	after := map[string]float64{
		"text": counter(t, sent, "text"), "photo": counter(t, sent, "photo"),
		"blocked": counter(t, failed, "blocked"), "deactivated": counter(t, failed, "deactivated"),
		"chat_not_found": counter(t, failed, "chat_not_found"), "429": counter(t, "bhytbot_telegram_429_total", ""),
	}
	for k := range before {
		if d := after[k] - before[k]; d != 1 {
			t.Errorf("%s counted %v times, want 1", k, d)
		}
	}
}
