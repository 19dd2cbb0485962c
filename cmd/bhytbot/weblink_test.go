package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

// TestWebLink prints a one-time dashboard link for a principal, which logs them in once, and
// refuses users the dashboard would refuse and bad flags.
func TestWebLink(t *testing.T) {
	c := newCLI(t)
	seedJobs(t, c)
	if code, _, errs := c.run("", "web-link", "--user", "7"); code != 2 || !strings.Contains(errs, "web.public_url") {
		t.Fatalf("without web.public_url: %d %q", code, errs)
	}
	c.env = append(c.env, "BHYTBOT_WEB_PUBLIC_URL=https://bhyt.example.vn")
	code, out, errs := c.run("", "web-link", "--user", "7", "--channel", "telegram")
	if code != 0 {
		t.Fatalf("web-link: %d %q", code, errs)
	}
	link := strings.SplitN(out, "\n", 2)[0]
	tok, ok := strings.CutPrefix(link, "https://bhyt.example.vn/login/")
	if !ok || len(tok) < 40 {
		t.Fatalf("link %q", link)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(c.dir, "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Update(ctx, func(tx *storage.Tx) error {
		if user, err := tx.UseWebLogin(ctx, tok); err != nil || user != 7 {
			t.Errorf("login: %d %v", user, err)
		}
		if _, err := tx.UseWebLogin(ctx, tok); !errors.Is(err, storage.ErrLoginUsed) {
			t.Errorf("second use: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--user", "8"}, {"--user", "0"}, {"--user", "7", "--channel", "zalo"}} {
		if code, _, errs := c.run("", append([]string{"web-link"}, args...)...); code == 0 {
			t.Errorf("web-link %v accepted: %q", args, errs)
		}
	}
}
