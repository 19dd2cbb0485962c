package main

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/config"
)

// TestReadmeCommands keeps the README true: every bhytbot command line in its code blocks
// names a real subcommand and parses with that subcommand's flags, and every config key is
// documented. (What the commands do is tested by their own tests; .ci/run runs the demo.)
func TestReadmeCommands(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	checked := 0
	inBlock := false
	for _, line := range strings.Split(readme, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			inBlock = !inBlock
			continue
		}
		if !inBlock {
			continue
		}
		if i := strings.Index(trimmed, "#"); i >= 0 {
			trimmed = strings.TrimSpace(trimmed[:i])
		}
		var args []string
		switch {
		case strings.HasPrefix(trimmed, "go run ./cmd/bhytbot "):
			args = shellSplit(strings.TrimPrefix(trimmed, "go run ./cmd/bhytbot "))
		case strings.HasPrefix(trimmed, "bhytbot "):
			args = shellSplit(strings.TrimPrefix(trimmed, "bhytbot "))
		default:
			continue
		}
		if len(args) >= 2 && args[0] == "-config" {
			args = args[2:]
		}
		if len(args) == 0 {
			t.Errorf("README: %q has no subcommand", trimmed)
			continue
		}
		sc, ok := subcommands[args[0]]
		if !ok {
			t.Errorf("README: %q: unknown subcommand %q", trimmed, args[0])
			continue
		}
		fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		sc.flags(fs)
		if err := fs.Parse(args[1:]); err != nil {
			t.Errorf("README: %q: %v", trimmed, err)
		}
		checked++
	}
	if checked < 6 {
		t.Errorf("only %d command lines found in the README", checked)
	}
	for _, key := range config.Keys() {
		leaf := key
		if i := strings.Index(key, ".webhook."); i >= 0 {
			leaf = key[i+len(".webhook."):]
		} else if strings.HasPrefix(key, "quiet_hours.") {
			leaf = strings.TrimPrefix(key, "quiet_hours.")
		}
		if !strings.Contains(readme, "`"+key+"`") && !strings.Contains(readme, "."+leaf+"`") {
			t.Errorf("README does not document config key %s", key)
		}
	}
}

// shellSplit splits a command line on spaces, keeping "quoted strings" whole.
func shellSplit(s string) []string {
	var (
		out   []string
		cur   strings.Builder
		quote bool
		has   bool
	)
	for _, r := range s {
		switch {
		case r == '"':
			quote, has = !quote, true
		case r == ' ' && !quote:
			if has {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if has {
		out = append(out, cur.String())
	}
	return out
}
