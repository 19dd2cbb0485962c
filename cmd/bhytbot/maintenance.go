package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/bhytbot/bhytbot/roster"
	"github.com/bhytbot/bhytbot/storage"
)

func init() {
	register(subcommand{name: "migrate", summary: "apply database migrations and print the schema version",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 0 {
					return usagef("takes no arguments")
				}
				st, err := storage.OpenNoMigrate(ctx, e.cfg.Database.Path)
				if err != nil {
					return err
				}
				defer st.Close()
				v, err := st.Migrate(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "schema version %d (%s)\n", v, e.cfg.Database.Path)
				return nil
			}
		}})
	register(subcommand{name: "backup", args: "FILE", summary: "write a consistent copy of the database to FILE (safe while serve runs)",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 1 {
					return usagef("needs exactly one FILE")
				}
				if _, err := os.Stat(e.cfg.Database.Path); err != nil {
					return fmt.Errorf("database %s: %w", e.cfg.Database.Path, err)
				}
				st, err := storage.Open(ctx, e.cfg.Database.Path)
				if err != nil {
					return err
				}
				defer st.Close()
				if err := st.Backup(ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "backup written to %s\n", args[0])
				return nil
			}
		}})
	register(subcommand{name: "import", args: "FILE.csv|FILE.xlsx", summary: "import the roster (all rows or none; the same file twice changes nothing)",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 1 {
					return usagef("needs exactly one FILE.csv or FILE.xlsx")
				}
				data, err := os.ReadFile(args[0])
				if err != nil {
					return err
				}
				rows, err := roster.ReadFile(args[0], data)
				if err != nil {
					return err
				}
				st, err := storage.Open(ctx, e.cfg.Database.Path)
				if err != nil {
					return err
				}
				defer st.Close()
				sum, err := roster.Import(ctx, st, e.cfg.Campaign.SchoolYear, rows,
					roster.RecountWeek(storage.WeekOf(time.Now(), e.cfg.Location())))
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "imported %s (%d rows, school year %s):\n", args[0], len(rows), e.cfg.Campaign.SchoolYear)
				fmt.Fprint(e.stdout, sum)
				return nil
			}
		}})
}
