package main

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
)

// TestServeRepliesAndStopsOnSignal runs serve in-process against the Bot API fake: a stranger
// writes, gets the Vietnamese explanation, an admin's command works, and cancelling the
// context (what SIGINT/SIGTERM do) returns within 5 s.
func TestServeRepliesAndStopsOnSignal(t *testing.T) {
	fake := telegramtest.New(telegramtest.Options{})
	defer fake.Close()
	c := newCLI(t)
	c.env = append(c.env,
		"BHYTBOT_TELEGRAM_TOKEN="+fake.Token(),
		"BHYTBOT_TELEGRAM_API_ENDPOINT="+fake.Endpoint(),
		"BHYTBOT_TELEGRAM_POLL_TIMEOUT=1s",
		"BHYTBOT_ADMINS=77",
	)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr string
	go func() {
		var code int
		code, _, stderr = c.runCtx(ctx, "", "serve")
		done <- code
	}()

	fake.SendText(telegramtest.User{ID: 501, FirstName: "Người lạ"}, 501, "xin chào")
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	got, err := fake.WaitSent(wctx, 501, 1)
	if err != nil {
		t.Fatalf("stranger got no reply: %v", err)
	}
	if !strings.Contains(got[0].Text, "mã mời") && !strings.Contains(got[0].Text, "lời mời") {
		t.Errorf("stranger reply does not explain invites: %q", got[0].Text)
	}
	fake.SendText(telegramtest.User{ID: 77, FirstName: "Quản trị"}, 77, "/toi")
	if got, err := fake.WaitSent(wctx, 77, 1); err != nil || !strings.Contains(strings.ToLower(got[0].Text), "quản trị") {
		t.Fatalf("admin /toi: %v %+v", err, got)
	}

	stopAt := time.Now()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, stderr)
		}
		if d := time.Since(stopAt); d > 5*time.Second {
			t.Fatalf("serve took %s to stop", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(stderr, fake.Token()) {
		t.Fatal("the token reached the logs")
	}
}

func TestServeNeedsToken(t *testing.T) {
	c := newCLI(t)
	code, _, errs := c.run("", "serve")
	if code != 2 || !strings.Contains(errs, "telegram.token") {
		t.Fatalf("serve without token: %d %q", code, errs)
	}
}

// TestServeRunsDashboard: with web.listen set, serve answers the dashboard (401 without a
// session) and stops it with the bot; a dashboard address in use stops serve with an error.
func TestServeRunsDashboard(t *testing.T) {
	fake := telegramtest.New(telegramtest.Options{})
	defer fake.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := newCLI(t)
	c.env = append(c.env, "BHYTBOT_TELEGRAM_TOKEN="+fake.Token(), "BHYTBOT_TELEGRAM_API_ENDPOINT="+fake.Endpoint(),
		"BHYTBOT_TELEGRAM_POLL_TIMEOUT=1s", "BHYTBOT_WEB_LISTEN="+addr, "BHYTBOT_WEB_PUBLIC_URL=http://"+addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		code, _, _ := c.runCtx(ctx, "", "serve")
		done <- code
	}()
	var resp *http.Response
	for i := 0; i < 200; i++ {
		if resp, err = http.Get("http://" + addr + "/"); err == nil {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("dashboard not served: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("dashboard without session: %d", resp.StatusCode)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d", code)
	}

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	c.env = append(c.env, "BHYTBOT_WEB_LISTEN="+busy.Addr().String())
	code, _, errs := c.run("", "serve")
	if code == 0 || !strings.Contains(errs, "web") {
		t.Fatalf("dashboard address in use: %d %q", code, errs)
	}
}
