package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
)

func init() {
	register(subcommand{name: "run-job", args: "NAME [-force [-area PATH]]",
		summary: "run a weekly job now (" + strings.Join(config.Jobs, "|") + "): write its messages to the outbox for serve to send",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			force := fs.Bool("force", false, "run even if the job already ran this week (messages already enqueued are not sent again)")
			area := fs.String("area", "", "with -force: only recipients at or below this area (path or its last levels, diacritics optional)")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 1 {
					return usagef("needs exactly one job NAME: %s", strings.Join(config.Jobs, ", "))
				}
				job := args[0]
				if !slices.Contains(config.Jobs, job) {
					return usagef("unknown job %q: one of %s", job, strings.Join(config.Jobs, ", "))
				}
				if *area != "" && !*force {
					return usagef("-area needs -force")
				}
				st, err := openRoster(ctx, e)
				if err != nil {
					return err
				}
				defer st.Close()
				svc := reminders.New(e.cfg, st, time.Now, e.log)
				var res reminders.Result
				if *force {
					err = st.Update(ctx, func(tx *storage.Tx) error {
						path, err := resolveAreaPath(ctx, tx, *area, e.cfg.Campaign.SchoolYear)
						if err != nil {
							return err
						}
						res, err = svc.RunScoped(ctx, tx, job, path, reminders.TriggerCLI)
						return err
					})
				} else {
					res, err = svc.RunNow(ctx, job, reminders.TriggerCLI)
				}
				if err != nil {
					return err
				}
				if res.Skipped {
					fmt.Fprintf(e.stdout, "%s %s: already ran this week; enqueued 0 messages (use -force to run again without resending)\n", job, res.Week)
					return nil
				}
				final := ""
				if res.Final {
					final = " (final results)"
				}
				fmt.Fprintf(e.stdout, "%s %s%s: enqueued %d messages for %d recipients\n", job, res.Week, final, res.Enqueued, res.Recipients)
				return nil
			}
		}})
	register(subcommand{name: "export", args: "-week YYYY-Www -out FILE.xlsx [-area PATH]",
		summary: "write a week's area leaderboard as an Excel file in the official template's columns",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			week := fs.String("week", "", "ISO week, e.g. 2026-W48 (required)")
			out := fs.String("out", "", "output .xlsx file (required)")
			area := fs.String("area", "", `area path or its last levels, diacritics optional, e.g. "Sóc Trăng / Mỹ Tú" or "My Tu" (default: the whole roster)`)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 0 {
					return usagef("takes no arguments, only -week, -out and -area")
				}
				if *week == "" || *out == "" {
					return usagef("needs -week YYYY-Www and -out FILE.xlsx")
				}
				if _, err := storage.WeekStart(*week, e.cfg.Location()); err != nil {
					return usagef("bad -week %q: want an ISO week like 2026-W48", *week)
				}
				if !strings.EqualFold(filepath.Ext(*out), ".xlsx") {
					return usagef("-out %q: the file is an Excel workbook, name it FILE.xlsx", *out)
				}
				st, err := openRoster(ctx, e)
				if err != nil {
					return err
				}
				defer st.Close()
				svc := reminders.New(e.cfg, st, time.Now, e.log)
				var (
					board leaderboard.Board
					data  []byte
				)
				err = st.View(ctx, func(tx *storage.Tx) error {
					path, err := resolveAreaPath(ctx, tx, *area, e.cfg.Campaign.SchoolYear)
					if err != nil {
						return err
					}
					if board, err = svc.AreaBoard(ctx, tx, path, *week); err != nil {
						return err
					}
					data, err = leaderboard.AreaWorkbook(board)
					return err
				})
				if err != nil {
					return err
				}
				if err := os.WriteFile(*out, data, 0o644); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "wrote %s: %s, %s, %d schools\n", *out, board.Title, *week, len(board.Units))
				return nil
			}
		}})
}
