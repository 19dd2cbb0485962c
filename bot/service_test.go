package bot

import (
	"context"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/storage"
)

func TestNewRejectsBadConfig(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	cfg := testConfig(srv)
	cfg.Telegram.Mode = "webhook"
	if _, err := New(cfg, st, echoHandler{}, nil); err == nil {
		t.Error("webhook mode without a secret accepted")
	}
	cfg = testConfig(srv)
	cfg.Telegram.Token = ""
	if _, err := New(cfg, st, echoHandler{}, nil); err == nil {
		t.Error("empty token accepted")
	}
	cfg = testConfig(srv)
	cfg.Telegram.Token = "1:wrong"
	svc, err := New(cfg, st, echoHandler{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Run(t.Context()); err == nil {
		t.Error("Run with a token Telegram refuses returned nil")
	}
}

// Stopping mid-broadcast with updates arriving: intake stops first, the in-flight sends
// finish and are recorded, and Run returns.
func TestServiceStopsInOrder(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Latency: 20 * time.Millisecond, Limits: telegramtest.Limits{GlobalPerSecond: 1000}})
	defer srv.Close()
	st := openStore(t)
	enqueue(t, st, "bc", 1, 500, storage.PriorityBroadcast)
	svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	svc.Notify()
	if _, err := srv.WaitAllSent(t.Context(), 50); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return")
	}
	// Every message Telegram accepted is recorded as sent: nothing would be sent twice.
	if sent, got := outboxCounts(t, st)[storage.OutboxSent], len(srv.AllSent()); sent != got {
		t.Fatalf("Telegram accepted %d messages, outbox records %d as sent", got, sent)
	}
}
