package main

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot/zalotest"
)

// serve runs with Zalo alone (no Telegram token): a Zalo admin from zalo.admins is an admin,
// a stranger gets the explanation, and the Zalo token never reaches the logs.
func TestServeZaloAlone(t *testing.T) {
	z := zalotest.New(zalotest.Options{})
	defer z.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := newCLI(t)
	c.env = append(c.env,
		"BHYTBOT_ZALO_TOKEN="+z.Token(),
		"BHYTBOT_ZALO_API_ENDPOINT="+z.Endpoint(),
		"BHYTBOT_ZALO_ADMINS=zalo-admin-1",
		"BHYTBOT_WEB_LISTEN="+addr,
		"BHYTBOT_WEB_PUBLIC_URL=http://"+addr,
	)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr string
	go func() {
		var code int
		code, _, stderr = c.runCtx(ctx, "", "serve")
		done <- code
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer wcancel()
	z.SendText(zalotest.User{ID: "stranger-9", DisplayName: "Người lạ"}, "xin chào")
	got, err := z.WaitSent(wctx, "stranger-9", 1)
	if err != nil {
		t.Fatalf("stranger got no reply: %v", err)
	}
	if !strings.Contains(got[0].Text, "mời") {
		t.Errorf("stranger reply: %q", got[0].Text)
	}
	z.SendText(zalotest.User{ID: "zalo-admin-1", DisplayName: "Quản trị"}, "/toi")
	if got, err := z.WaitSent(wctx, "zalo-admin-1", 1); err != nil || !strings.Contains(strings.ToLower(got[0].Text), "quản trị") {
		t.Fatalf("Zalo admin /toi: %v %+v", err, got)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(stderr, z.Token()) {
		t.Fatal("the Zalo token reached the logs")
	}
}
