package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/bot/zalotest"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/demo"
	"github.com/bhytbot/bhytbot/storage"
)

// runChatZalo talks as who to the demo kept in dir through the Zalo fake: the person gets a
// Zalo account with the roles their Telegram account has in the demo, and sees what Zalo
// shows: plain text, buttons as numbered choices (a reply "2" presses the second), charts
// and workbooks as links served by the dashboard.
func runChatZalo(ctx context.Context, e *env, dir string, who demo.Person) error {
	dbPath := filepath.Join(dir, "demo.db")
	st, err := storage.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	var (
		clock  string
		offset int64
	)
	zaloID := "demo-" + who.Key
	err = st.Update(ctx, func(tx *storage.Tx) error {
		if offset, err = tx.Offset(ctx); err != nil {
			return err
		}
		if clock, err = tx.Value(ctx, demo.ClockKey); err != nil {
			return err
		}
		id, err := tx.InternalID(ctx, storage.ChannelZalo, zaloID, storage.KindUser)
		if err != nil {
			return err
		}
		if err := tx.TouchUser(ctx, storage.User{ID: id, ChatID: id, Name: who.Name}); err != nil {
			return err
		}
		roles, err := tx.RolesOfUser(ctx, who.ID)
		if err != nil {
			return err
		}
		for _, r := range roles {
			if err := tx.GrantRole(ctx, id, r.Role, r.Scope); err != nil {
				return err
			}
		}
		return tx.SetUserChannel(ctx, id, storage.ChannelZalo)
	})
	st.Close()
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("%s is not a finished demo database: run `bhytbot demo -keep` again", dbPath)
	}
	if err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339, strings.TrimSpace(clock))
	if err != nil {
		return fmt.Errorf("demo clock %q: %w", clock, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	webAddr := ln.Addr().String()
	ln.Close()
	z := zalotest.New(zalotest.Options{})
	defer z.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d := newDemoSetup(e.cfg, dbPath, start, offset)
	defer d.fake.Close()
	d.cfg.Zalo.Token, d.cfg.Zalo.APIEndpoint, d.cfg.Zalo.Mode = z.Token(), z.Endpoint(), "polling"
	d.cfg.Zalo.Rate = config.ZaloRate{Global: 100, PrivateChat: 10}
	if who.Key == demo.Admin.Key {
		d.cfg.Zalo.Admins = []string{zaloID}
	}
	d.cfg.Web.Listen, d.cfg.Web.PublicURL = webAddr, "http://"+webAddr
	a, stop, err := d.start(ctx, log)
	if err != nil {
		return err
	}
	chatErr := zaloChatLoop(ctx, z, a.store, zaloID, who, e)
	if err := stop(); err != nil && chatErr == nil {
		chatErr = err
	}
	fmt.Fprintln(e.stdout)
	return chatErr
}

// zaloChatLoop sends each line as the person's Zalo message and prints what Zalo received.
func zaloChatLoop(ctx context.Context, z *zalotest.Server, st *storage.Store, zaloID string, who demo.Person, e *env) error {
	fmt.Fprintf(e.stdout, "Đang nhắn qua Zalo với tư cách %s (%s). Gõ tin nhắn như trong Zalo; trả lời bằng số (1, 2…) để chọn một lựa chọn được đánh số; /thoat để thoát.\n> ", who.Name, who.Label)
	user := zalotest.User{ID: zaloID, DisplayName: who.Name}
	sc := bufio.NewScanner(e.stdin)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case line == "/thoat" || line == "/exit":
			return nil
		default:
			before := len(z.Sent(zaloID))
			z.SendText(user, line)
			wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			_, err := z.WaitSent(wctx, zaloID, before+1)
			cancel()
			if err != nil {
				return fmt.Errorf("chat: no answer on Zalo: %w", err)
			}
			if err := waitOutboxEmpty(ctx, st); err != nil {
				return err
			}
			for _, m := range z.Sent(zaloID)[before:] {
				body := m.Text
				if m.Method == "sendPhoto" {
					body = strings.TrimSpace("🖼 ảnh: " + m.PhotoURL + "\n" + m.Caption)
				}
				fmt.Fprintf(e.stdout, "        → %s nhận trên Zalo:\n", who.Name)
				for _, l := range strings.Split(body, "\n") {
					fmt.Fprintf(e.stdout, "          │ %s\n", l)
				}
			}
		}
		fmt.Fprint(e.stdout, "> ")
	}
	return sc.Err()
}

// waitOutboxEmpty waits until every queued message was sent (or 15 s passed).
func waitOutboxEmpty(ctx context.Context, st *storage.Store) error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var depth int
		if err := st.View(ctx, func(tx *storage.Tx) (err error) {
			depth, err = tx.OutboxDepth(ctx)
			return err
		}); err != nil {
			return err
		}
		if depth == 0 {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}
