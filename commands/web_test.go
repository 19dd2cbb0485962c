package commands

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/storage"
)

func TestWebCommand(t *testing.T) {
	f := newFixture(t)
	if got := f.say(uOfficer, "/web"); !strings.Contains(got, "chưa được bật") {
		t.Fatalf("/web with the dashboard off: %q", got)
	}
	f.cfg.Web.Listen, f.cfg.Web.PublicURL, f.cfg.Web.LoginTTL = ":8080", "https://bhyt.example.vn/", 15*time.Minute
	f.engine.cfg = f.cfg
	for _, u := range []int64{uOfficer, uPrincipal, uAdmin} {
		got := f.say(u, "/web")
		i := strings.Index(got, "https://bhyt.example.vn/login/")
		if i < 0 || !strings.Contains(got, "15 phút") {
			t.Fatalf("/web of %d: %q", u, got)
		}
		tok := strings.Fields(got[i+len("https://bhyt.example.vn/login/"):])[0]
		err := f.store.Update(context.Background(), func(tx *storage.Tx) error {
			user, err := tx.UseWebLogin(context.Background(), tok)
			if err == nil && user != u {
				t.Errorf("link of %d logs in %d", u, user)
			}
			if err != nil {
				return err
			}
			if _, err := tx.UseWebLogin(context.Background(), tok); !errors.Is(err, storage.ErrLoginUsed) {
				t.Errorf("second use: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("link of %d: %v", u, err)
		}
	}
	for _, u := range []int64{uTeacher, uParent} {
		if got := f.say(u, "/web"); strings.Contains(got, "/login/") || !strings.Contains(got, "hiệu trưởng") {
			t.Errorf("/web of %d: %q", u, got)
		}
	}
	msgs := f.handle(Update{UserID: uOfficer, ChatID: -100, ChatType: "group", Text: "/web"})
	if len(msgs) != 1 || strings.Contains(msgs[0].Text, "/login/") || !strings.Contains(msgs[0].Text, "tin nhắn riêng") {
		t.Errorf("/web in a group: %+v", msgs)
	}
	if got := f.say(uOfficer, "/huongdan"); !strings.Contains(got, "/web") {
		t.Errorf("help does not list /web: %q", got)
	}
}

// TestDashboardFollowsTheWebRule: who may open the dashboard is read from the rule of /web in
// the commands' table, not from a copy: changing that one rule changes both.
func TestDashboardFollowsTheWebRule(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	check := func(want map[int64]bool) {
		t.Helper()
		err := f.store.View(ctx, func(tx *storage.Tx) error {
			for u, ok := range want {
				v, err := LoadViewer(ctx, tx, f.cfg, u)
				if err != nil {
					return err
				}
				if v.Manager() != ok || rules["web"].allow(v.c) != ok {
					t.Errorf("user %d: dashboard %v, /web rule %v, want %v", u, v.Manager(), rules["web"].allow(v.c), ok)
				}
				if v.MayExport() != rules["xuat"].allow(v.c) {
					t.Errorf("user %d: Excel on the web %v, /xuat rule %v", u, v.MayExport(), rules["xuat"].allow(v.c))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check(map[int64]bool{uAdmin: true, uOfficer: true, uPrincipal: true, uTeacher: false, uParent: false, 999: false})
	saved := rules["web"]
	t.Cleanup(func() { rules["web"] = saved })
	adminsOnly := saved
	adminsOnly.allow = func(c *caller) bool { return c.admin }
	rules["web"] = adminsOnly
	savedX := rules["xuat"]
	t.Cleanup(func() { rules["xuat"] = savedX })
	rules["xuat"] = adminsOnly
	check(map[int64]bool{uAdmin: true, uOfficer: false, uPrincipal: false})
}
