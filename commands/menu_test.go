package commands

import (
	"github.com/bhytbot/bhytbot/config"
	"slices"
	"testing"
	"unicode/utf8"
)

func menuNames(items []MenuItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Command)
	}
	return out
}

func TestMenu(t *testing.T) {
	tests := []struct {
		name  string
		roles []string
		want  []string
	}{
		{"nobody", nil, []string{"start", "huongdan", "toi"}},
		{"unknown role", []string{"janitor"}, []string{"start", "huongdan", "toi"}},
		{"teacher", []string{"teacher"}, []string{"start", "huongdan", "toi", "baocao", "huy", "lop", "chuadong", "dadong", "khac", "xoadong", "moi", "thuhoi", "xoaquyen"}},
		{"principal", []string{"principal"}, []string{"start", "huongdan", "toi", "lop", "xephang", "moi", "thuhoi", "xoaquyen"}},
		{"officer", []string{"officer"}, []string{"start", "huongdan", "toi", "xephang", "guingay", "xuat", "moi", "thuhoi", "xoaquyen"}},
		{"parent", []string{"parent"}, []string{"start", "huongdan", "toi", "con", "cothe"}},
		{"teacher and parent, twice", []string{"parent", "teacher", "teacher"}, []string{"start", "huongdan", "toi", "con", "cothe", "baocao", "huy", "lop", "chuadong", "dadong", "khac", "xoadong", "moi", "thuhoi", "xoaquyen"}},
		{"admin", []string{"admin"}, menuNames(menuCommands)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := menuNames(Menu(tt.roles)); !slices.Equal(got, tt.want) {
				t.Errorf("Menu(%v) = %v, want %v", tt.roles, got, tt.want)
			}
		})
	}
}

func TestMenuItemsValidForTelegram(t *testing.T) {
	seen := map[string]bool{}
	for _, it := range Menu([]string{"admin"}) {
		if seen[it.Command] {
			t.Errorf("duplicate command %q", it.Command)
		}
		seen[it.Command] = true
		for _, r := range it.Command {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				t.Errorf("command %q: Telegram allows only a-z, 0-9 and _", it.Command)
			}
		}
		if n := utf8.RuneCountInString(it.Description); n < 3 || n > 256 {
			t.Errorf("command %q: description length %d", it.Command, n)
		}
	}
}

// TestMenuCommandsAreHandled: every command a menu offers is one the engine understands.
func TestMenuCommandsAreHandled(t *testing.T) {
	known := New(config.Default(), nil).commands()
	for _, it := range menuCommands {
		if _, ok := known[it.Command]; !ok {
			t.Errorf("menu offers /%s, which the engine does not handle", it.Command)
		}
	}
}
