package bot

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

func commandNames(cs []telegramtest.BotCommand) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Command)
	}
	return out
}

func TestMenusFollowRoles(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	st := openStore(t)
	cfg := testConfig(srv)
	cfg.Admins = []int64{900}
	svc, err := New(cfg, st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	stop := runService(t, svc)
	key := func(chat int64) string { return telegramtest.ScopeKey("chat", chat, 0, "") }
	waitFor(t, "default menu", func() bool { return len(srv.Commands()["all_private_chats"]) > 0 })
	if got := commandNames(srv.Commands()["all_private_chats"]); len(got) != len(commands.Menu(nil)) {
		t.Fatalf("default menu %v", got)
	}

	// No roles: the default menu, nothing per chat.
	plain := telegramtest.User{ID: 500}
	srv.SendText(plain, 500, "chào")
	if _, err := srv.WaitSent(t.Context(), 500, 1); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Commands()[key(500)]; ok {
		t.Fatal("a user without roles got a chat menu")
	}
	// Becoming a teacher changes the chat's menu, once.
	srv.SendText(plain, 500, "/lamgv")
	waitFor(t, "teacher menu", func() bool { return len(srv.Commands()[key(500)]) > 0 })
	got := commandNames(srv.Commands()[key(500)])
	if want := len(commands.Menu([]string{"teacher"})); len(got) != want || got[3] != "baocao" {
		t.Fatalf("teacher menu %v", got)
	}
	calls := srv.Stats().Calls["setMyCommands"]
	srv.SendText(plain, 500, "lại")
	if _, err := srv.WaitSent(t.Context(), 500, 3); err != nil {
		t.Fatal(err)
	}
	if srv.Stats().Calls["setMyCommands"] != calls {
		t.Fatal("menu set again without a role change")
	}
	// A configured admin gets every command.
	srv.SendText(telegramtest.User{ID: 900}, 900, "chào")
	waitFor(t, "admin menu", func() bool {
		return len(srv.Commands()[key(900)]) == len(commands.Menu([]string{"admin"}))
	})
	stop()

	// The remembered menu survives a restart: no second setMyCommands for the teacher.
	svc2, _ := New(cfg, st, echoHandler{}, quietLog())
	runService(t, svc2)
	waitFor(t, "default menu", func() bool { return srv.Stats().Calls["setMyCommands"] > calls+1 })
	before := srv.Stats().Calls["setMyCommands"]
	srv.SendText(plain, 500, "sau khi khởi động lại")
	if _, err := srv.WaitSent(t.Context(), 500, 4); err != nil {
		t.Fatal(err)
	}
	if srv.Stats().Calls["setMyCommands"] != before {
		t.Fatal("menu re-sent after restart without a change")
	}
}

// TestMenuFollowsRevocationByAnotherProcess: a role taken away by the CLI (another Store
// on the same file, whose commits this process's counters never see) shrinks the chat's
// menu on the person's next message.
func TestMenuFollowsRevocationByAnotherProcess(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "bot.db")
	st, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := New(testConfig(srv), st, echoHandler{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	stop := runService(t, svc)
	defer stop()
	key := telegramtest.ScopeKey("chat", 500, 0, "")
	plain := telegramtest.User{ID: 500}
	srv.SendText(plain, 500, "/lamgv")
	waitFor(t, "teacher menu", func() bool { return len(srv.Commands()[key]) == len(commands.Menu([]string{"teacher"})) })

	cli, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	err = cli.Update(context.Background(), func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(context.Background(), 500)
		if err != nil {
			return err
		}
		for _, r := range roles {
			if err := tx.RevokeRole(context.Background(), r.ID); err != nil {
				return err
			}
		}
		return nil
	})
	cli.Close()
	if err != nil {
		t.Fatal(err)
	}
	srv.SendText(plain, 500, "còn quyền không?")
	waitFor(t, "menu without the teacher's commands", func() bool { return len(srv.Commands()[key]) == len(commands.Menu(nil)) })
}
