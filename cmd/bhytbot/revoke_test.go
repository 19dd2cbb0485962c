package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

// TestRevoke: the operator takes roles away by user, role and scope; what went is printed
// and audited, and bad usage exits 2.
func TestRevoke(t *testing.T) {
	c := newCLI(t)
	seedInviteRoster(t, c)
	ctx := context.Background()
	open := func() *storage.Store {
		st, err := storage.Open(ctx, filepath.Join(c.dir, "bot.db"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := open()
	err := st.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.TouchUser(ctx, storage.User{ID: 42, ChatID: 42, Name: "Cô Lan"}); err != nil {
			return err
		}
		for _, scope := range []string{"Trường THCS Mỹ Tú / 6A", "Trường THCS Mỹ Xuyên / 6A"} {
			res, err := commands.ResolveScope(ctx, tx, storage.RoleTeacher, scope, "2025-2026")
			if err != nil {
				return err
			}
			if err := tx.GrantRoleVia(ctx, 42, storage.RoleTeacher, res.Scope, "CODE"); err != nil {
				return err
			}
		}
		res, err := commands.ResolveScope(ctx, tx, storage.RoleParent, "Trường THCS Mỹ Tú / 6A / 12", "2025-2026")
		if err != nil {
			return err
		}
		return tx.GrantRole(ctx, 42, storage.RoleParent, res.Scope)
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout, or stderr when code is not 0
	}{
		{"no user", []string{}, 2, "--user must be"},
		{"bad user", []string{"--user", "abc"}, 2, "--user must be"},
		{"unknown channel", []string{"--user", "42", "--channel", "viber"}, 2, "--channel must be telegram or zalo"},
		{"bad role", []string{"--user", "42", "--role", "janitor"}, 2, "--role must be one of"},
		{"scope without role", []string{"--user", "42", "--scope", "Trường THCS Mỹ Tú / 6A"}, 2, "--scope needs --role"},
		{"stray argument", []string{"--user", "42", "x"}, 2, "takes no arguments"},
		{"unknown scope", []string{"--user", "42", "--role", "teacher", "--scope", "Trường THCS Cần Thơ / 6A"}, 1, "Không có trường"},
		{"one class", []string{"--user", "42", "--role", "teacher", "--scope", "Trường THCS Mỹ Tú / 6A"}, 0, "removed: Cô Lan (Telegram) – giáo viên chủ nhiệm: lớp 6A – Trường THCS Mỹ Tú"},
		{"again", []string{"--user", "42", "--role", "teacher", "--scope", "Trường THCS Mỹ Tú / 6A"}, 1, "nothing removed"},
		{"the rest", []string{"--user", "42"}, 0, "lớp 6A – Trường THCS Mỹ Xuyên"},
		{"nobody", []string{"--user", "42"}, 1, "nothing removed"},
	}
	for _, tt := range tests {
		code, out, errs := c.run("", append([]string{"revoke"}, tt.args...)...)
		where := out
		if tt.code != 0 {
			where = errs
		}
		if code != tt.code || !strings.Contains(where, tt.want) {
			t.Errorf("%s: code %d (want %d)\nstdout %s\nstderr %s\nwant %q", tt.name, code, tt.code, out, errs, tt.want)
		}
	}
	st = open()
	defer st.Close()
	err = st.View(ctx, func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(ctx, 42)
		if err != nil {
			return err
		}
		if len(roles) != 0 {
			t.Errorf("roles left: %+v", roles)
		}
		audit, err := tx.AuditLog(ctx, "revoke_role")
		if err != nil {
			return err
		}
		if len(audit) != 3 || !strings.Contains(audit[0].Detail, "user=42 teacher") || !strings.Contains(audit[0].Detail, "(cli)") {
			t.Errorf("audit %+v", audit)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
