package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/storage"
)

func seedInviteRoster(t *testing.T, c *cli) {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(c.dir, "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Update(ctx, func(tx *storage.Tx) error {
		for _, a := range [][]string{{"Sóc Trăng", "Mỹ Tú"}, {"Sóc Trăng", "Mỹ Xuyên"}} {
			area, _, err := tx.EnsureArea(ctx, a)
			if err != nil {
				return err
			}
			for _, name := range []string{"Trường THCS " + a[1], "Trường Tiểu học Long Hưng"} {
				school, _, err := tx.EnsureSchool(ctx, area, name)
				if err != nil {
					return err
				}
				class, _, err := tx.UpsertClass(ctx, storage.Class{SchoolID: school, SchoolYear: "2025-2026", Name: "6A", Enrolment: 3, HasRoster: true})
				if err != nil {
					return err
				}
				if _, _, err := tx.UpsertStudent(ctx, class, 12, "Nguyễn Văn An"); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var linkLine = regexp.MustCompile(`^https://t\.me/([A-Za-z0-9_]+)\?start=([A-Za-z0-9_-]{10,64})$`)

func TestInvite(t *testing.T) {
	c := newCLI(t)
	seedInviteRoster(t, c)
	tests := []struct {
		name  string
		args  []string
		code  int
		bot   string // the link's bot, when code is 0
		scope string // in stdout, or in stderr when code is not 0
		uses  string
	}{
		{"officer area path", []string{"--role", "officer", "--scope", "Sóc Trăng / Mỹ Tú", "--bot", "@my_bot"}, 0, "my_bot", "khu vực Sóc Trăng / Mỹ Tú", "uses: 1"},
		{"officer last level", []string{"--role", "officer", "--scope", "mỹ xuyên", "--bot", "my_bot"}, 0, "my_bot", "khu vực Sóc Trăng / Mỹ Xuyên", "uses: 1"},
		{"principal unique school", []string{"--role", "principal", "--scope", "Trường THCS Mỹ Tú", "--bot", "b_bot"}, 0, "b_bot", "Trường THCS Mỹ Tú (Sóc Trăng / Mỹ Tú)", ""},
		{"principal repeated school with area", []string{"--role", "principal", "--scope", "Sóc Trăng / Mỹ Xuyên / Trường Tiểu học Long Hưng", "--bot", "b_bot"}, 0, "b_bot", "Trường Tiểu học Long Hưng (Sóc Trăng / Mỹ Xuyên)", ""},
		{"teacher class", []string{"--role", "teacher", "--scope", "Trường THCS Mỹ Tú / 6a", "--bot", "b_bot"}, 0, "b_bot", "lớp 6A – Trường THCS Mỹ Tú", ""},
		{"parent pupil", []string{"--role", "parent", "--scope", "Trường THCS Mỹ Tú / 6A / 12", "--bot", "b_bot"}, 0, "b_bot", "học sinh số 12 (Nguyễn Văn An)", "uses: 1"},
		{"parent class link", []string{"--role", "parent", "--scope", "Trường THCS Mỹ Tú / 6A", "--bot", "b_bot"}, 0, "b_bot", "phụ huynh cả lớp 6A", "uses: 60"},
		{"parent class link uses", []string{"--role", "parent", "--scope", "Trường THCS Mỹ Tú / 6A", "--bot", "b_bot", "--uses", "5"}, 0, "b_bot", "phụ huynh cả lớp 6A", "uses: 5"},
		{"fallback bot name", []string{"--role", "teacher", "--scope", "Trường THCS Mỹ Tú / 6A"}, 0, fallbackBotUsername, "lớp 6A", ""},
		{"ambiguous school", []string{"--role", "principal", "--scope", "Trường Tiểu học Long Hưng", "--bot", "b"}, 1, "", `--scope "Trường Tiểu học Long Hưng" matches several: Sóc Trăng / Mỹ Tú / Trường Tiểu học Long Hưng; Sóc Trăng / Mỹ Xuyên / Trường Tiểu học Long Hưng`, ""},
		{"unknown area", []string{"--role", "officer", "--scope", "Cần Thơ", "--bot", "b"}, 1, "", `--scope "Cần Thơ": not found in the roster`, ""},
		{"unknown pupil", []string{"--role", "parent", "--scope", "Trường THCS Mỹ Tú / 6A / 99", "--bot", "b"}, 1, "", `--scope "Trường THCS Mỹ Tú / 6A / 99": not found in the roster`, ""},
		{"zero uses", []string{"--role", "teacher", "--scope", "Trường THCS Mỹ Tú / 6A", "--bot", "b", "--uses", "0"}, 2, "", "--uses must be at least 1", ""},
		{"negative uses", []string{"--role", "teacher", "--scope", "Trường THCS Mỹ Tú / 6A", "--bot", "b", "--uses", "-3"}, 2, "", "--uses must be at least 1", ""},
		{"bad role", []string{"--role", "admin", "--scope", "x"}, 2, "", "--role must be one of", ""},
		{"no scope", []string{"--role", "teacher"}, 2, "", "--scope is required", ""},
		{"stray argument", []string{"--role", "teacher", "--scope", "Trường", "6A"}, 2, "", "takes no arguments", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := c.run("", append([]string{"invite"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("code %d, want %d\nstdout %s\nstderr %s", code, tt.code, out, errs)
			}
			if code != 0 {
				if !strings.Contains(errs, tt.scope) {
					t.Errorf("stderr %q lacks %q", errs, tt.scope)
				}
				return
			}
			lines := strings.Split(out, "\n")
			m := linkLine.FindStringSubmatch(lines[0])
			if m == nil || m[1] != tt.bot {
				t.Fatalf("first line %q is not a link to %s", lines[0], tt.bot)
			}
			if !strings.Contains(out, "code: "+m[2]+"\n") || !strings.Contains(out, tt.scope) || !strings.Contains(out, tt.uses) {
				t.Errorf("stdout %q lacks the code, %q or %q", out, tt.scope, tt.uses)
			}
			// Zalo has no deep link: the output says how to join there too.
			if !strings.Contains(out, "\nzalo: gửi mã "+m[2]+" cho bot trên Zalo (hoặc /start "+m[2]+")\n") {
				t.Errorf("stdout %q does not say how to join on Zalo", out)
			}
			ctx := context.Background()
			st, err := storage.Open(ctx, filepath.Join(c.dir, "bot.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			err = st.View(ctx, func(tx *storage.Tx) error {
				inv, err := tx.InviteByCode(ctx, m[2])
				if err != nil {
					return err
				}
				if inv.Role != tt.args[1] || inv.Uses != 0 || inv.Revoked || inv.ExpiresAt.Before(st.Now().Add(13*24*3600e9)) {
					t.Errorf("stored invite %+v", inv)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRosterSubcommandsRefuseEmptyDatabase: invite, run-job and export on a mistyped
// database path, or on a database without a roster, say to import first and create nothing.
func TestRosterSubcommandsRefuseEmptyDatabase(t *testing.T) {
	c := newCLI(t)
	db := filepath.Join(c.dir, "bot.db")
	cmds := [][]string{
		{"invite", "--role", "teacher", "--scope", "Trường THCS Mỹ Tú / 6A", "--bot", "b"},
		{"run-job", "teacher-reminder"},
		{"run-job", "officer-leaderboard", "-force"},
		{"export", "-week", "2026-W48", "-out", filepath.Join(c.dir, "w.xlsx")},
	}
	for _, args := range cmds {
		code, _, errs := c.run("", args...)
		if code != 1 || !strings.Contains(errs, "no database at "+db+": run `bhytbot import ROSTER.csv` first") {
			t.Errorf("%v on no database: %d %q", args, code, errs)
		}
		if _, err := os.Stat(db); err == nil {
			t.Fatalf("%v created %s", args, db)
		}
	}
	if code, _, errs := c.run("", "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	for _, args := range cmds {
		code, _, errs := c.run("", args...)
		if code != 1 || !strings.Contains(errs, "holds no roster: run `bhytbot import ROSTER.csv` first") {
			t.Errorf("%v on an empty database: %d %q", args, code, errs)
		}
	}
}

func TestInviteBotFromGetMe(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{BotUsername: "so_gd_bhyt_bot"})
	defer srv.Close()
	c := newCLI(t)
	seedInviteRoster(t, c)
	c.env = append(c.env, "BHYTBOT_TELEGRAM_TOKEN="+srv.Token(), "BHYTBOT_TELEGRAM_API_ENDPOINT="+srv.Endpoint())
	code, out, errs := c.run("", "invite", "--role", "teacher", "--scope", "Trường THCS Mỹ Tú / 6A")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	if m := linkLine.FindStringSubmatch(strings.Split(out, "\n")[0]); m == nil || m[1] != "so_gd_bhyt_bot" {
		t.Errorf("link %q does not name the bot from getMe", out)
	}
	if strings.Contains(out+errs, srv.Token()) {
		t.Errorf("token printed")
	}
}
