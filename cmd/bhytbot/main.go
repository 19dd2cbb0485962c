// Command bhytbot runs the BHYT học sinh campaign bot and its maintenance subcommands.
//
// The binary includes the Telegram fake (bot/telegramtest) and the Zalo fake
// (bot/zalotest) only for the demo: `demo` plays a scripted week against the Telegram fake
// with no token and no network, and `chat` (after `demo -keep`) talks to that demo through
// the Telegram fake, or through the Zalo fake with --channel zalo. `serve` and every other
// subcommand talk to the real Bot APIs and never start a fake.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	_ "time/tzdata" // Asia/Ho_Chi_Minh even on images without zoneinfo

	"github.com/bhytbot/bhytbot/config"
)

// usageError is bad usage: exit code 2 and a one-line reason.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env is what every subcommand gets.
type env struct {
	cfg     config.Config
	cfgPath string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	log     *slog.Logger
}

type subcommand struct {
	name    string
	args    string
	summary string
	flags   func(fs *flag.FlagSet) func(ctx context.Context, e *env, args []string) error
}

var subcommands = map[string]subcommand{}

func register(c subcommand) { subcommands[c.name] = c }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

func globalUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: bhytbot [-config FILE] <subcommand> [flags] [args]")
	fmt.Fprintln(w, "\nsubcommands:")
	names := make([]string, 0, len(subcommands))
	for n := range subcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, subcommands[n].summary)
	}
	fmt.Fprintln(w, "\n`bhytbot <subcommand> -h` describes one. Config: -config FILE, then BHYTBOT_* environment variables.")
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	fs := flag.NewFlagSet("bhytbot", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfgPath := fs.String("config", "", "config file (YAML); BHYTBOT_* variables override it")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			globalUsage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "bhytbot: %v\n", err)
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "bhytbot: missing subcommand (try bhytbot -h)")
		return 2
	}
	name := fs.Arg(0)
	if name == "help" {
		globalUsage(stdout)
		return 0
	}
	sc, ok := subcommands[name]
	if !ok {
		fmt.Fprintf(stderr, "bhytbot: unknown subcommand %q (try bhytbot -h)\n", name)
		return 2
	}
	sfs := flag.NewFlagSet(name, flag.ContinueOnError)
	sfs.SetOutput(io.Discard)
	exec := sc.flags(sfs)
	pos, err := parseInterspersed(sfs, fs.Args()[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "usage: bhytbot [-config FILE] %s %s\n\n%s\n", name, sc.args, sc.summary)
			sfs.SetOutput(stdout)
			sfs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "bhytbot %s: %v\n", name, err)
		return 2
	}
	cfg, err := config.Load(*cfgPath, environ)
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		fmt.Fprintf(stderr, "bhytbot: %v\n", err)
		return 2
	}
	e := &env{cfg: cfg, cfgPath: *cfgPath, stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	if err := exec(ctx, e, pos); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "bhytbot %s: %s\n", name, ue.msg)
			return 2
		}
		fmt.Fprintf(stderr, "bhytbot %s: %s\n", name, strings.TrimSpace(err.Error()))
		return 1
	}
	return 0
}
