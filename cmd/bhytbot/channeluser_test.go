package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/storage"
)

// zaloPrincipal makes the Zalo user a principal of Trường THCS Mỹ Tú (seedJobs' roster) and
// returns their internal id.
func zaloPrincipal(t *testing.T, c *cli, zaloID string) int64 {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(c.dir, "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var id int64
	err = st.Update(ctx, func(tx *storage.Tx) error {
		schools, err := tx.SchoolsNamed(ctx, "Trường THCS Mỹ Tú")
		if err != nil || len(schools) != 1 {
			t.Fatalf("school: %v %v", schools, err)
		}
		if id, err = tx.InternalID(ctx, storage.ChannelZalo, zaloID, storage.KindUser); err != nil {
			return err
		}
		if err := tx.TouchUser(ctx, storage.User{ID: id, ChatID: id, Name: "Hiệu trưởng Zalo"}); err != nil {
			return err
		}
		return tx.GrantRole(ctx, id, storage.RolePrincipal, storage.Scope{SchoolID: schools[0].ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestZaloUserOnTheCommandLine: web-link and revoke take a Zalo user by Zalo's own id; the
// link logs that person in, and revoke takes their role and ends their dashboard session.
func TestZaloUserOnTheCommandLine(t *testing.T) {
	c := newCLI(t)
	seedJobs(t, c)
	c.env = append(c.env, "BHYTBOT_WEB_PUBLIC_URL=https://bhyt.example.vn")
	id := zaloPrincipal(t, c, "6a1f0c2b9e")
	code, out, errs := c.run("", "web-link", "--user", "6a1f0c2b9e", "--channel", "zalo")
	if code != 0 {
		t.Fatalf("web-link of a Zalo principal: %d %q", code, errs)
	}
	tok, ok := strings.CutPrefix(strings.SplitN(out, "\n", 2)[0], "https://bhyt.example.vn/login/")
	if !ok {
		t.Fatalf("link: %q", out)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(c.dir, "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	var session string
	err = st.Update(ctx, func(tx *storage.Tx) error {
		user, err := tx.UseWebLogin(ctx, tok)
		if err != nil || user != id {
			t.Fatalf("the link logs in %d (%v), want the Zalo principal %d", user, err, id)
		}
		session, err = tx.CreateWebSession(ctx, user, tx.Now().Add(time.Hour))
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	// A Zalo admin from zalo.admins gets a link too.
	c.env = append(c.env, "BHYTBOT_ZALO_ADMINS=zalo-quan-tri")
	if code, out, errs := c.run("", "web-link", "--user", "zalo-quan-tri", "--channel", "zalo"); code != 0 || !strings.Contains(out, "/login/") {
		t.Errorf("web-link of a Zalo admin: %d %q %q", code, out, errs)
	}
	for _, args := range [][]string{{"--user", "khong-ai", "--channel", "zalo"}, {"--user", "6a1f0c2b9e", "--channel", "viber"}, {"--user", "", "--channel", "zalo"}} {
		if code, _, _ := c.run("", append([]string{"web-link"}, args...)...); code == 0 {
			t.Errorf("web-link %v accepted", args)
		}
	}

	code, out, errs = c.run("", "revoke", "--user", "6a1f0c2b9e", "--channel", "zalo")
	if code != 0 || !strings.Contains(out, "removed: Hiệu trưởng Zalo") {
		t.Fatalf("revoke of a Zalo principal: %d %q %q", code, out, errs)
	}
	st, err = storage.Open(ctx, filepath.Join(c.dir, "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.View(ctx, func(tx *storage.Tx) error {
		if roles, err := tx.RolesOfUser(ctx, id); err != nil || len(roles) != 0 {
			t.Errorf("roles left: %v %v", roles, err)
		}
		if _, err := tx.WebSessionUser(ctx, session); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the Zalo principal's session outlived revoke: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errs := c.run("", "revoke", "--user", "khong-ai", "--channel", "zalo"); code != 1 || !strings.Contains(errs, "nothing removed") {
		t.Errorf("revoke of an unknown Zalo user: %d %q", code, errs)
	}
}
