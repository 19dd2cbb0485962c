package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/synth"
)

func init() {
	register(subcommand{name: "gen", args: "[-scale national|province|small] [-seed N] [-week YYYY-Www] [-weeks N]",
		summary: "generate a synthetic country into an empty database (for benchmarks)",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			scale := fs.String("scale", "national", "national (50,000 schools, 500,000 classes), province (one province) or small")
			seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same data")
			week := fs.String("week", "", "ISO week of the newest reports (default: this week)")
			weeks := fs.Int("weeks", 12, "weeks of report history")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 0 {
					return usagef("takes no arguments")
				}
				loc := e.cfg.Location()
				if *week == "" {
					*week = storage.WeekOf(time.Now(), loc)
				}
				if _, err := storage.WeekStart(*week, loc); err != nil {
					return usagef("-week: %v", err)
				}
				spec := synth.National(*seed, *week)
				spec.Weeks = *weeks
				spec.SchoolYear = e.cfg.Campaign.SchoolYear
				switch *scale {
				case "national":
				case "province":
					spec.Provinces = 1
				case "small":
					spec.Provinces, spec.CommunesPerProv, spec.SchoolsPerCommune = 2, 4, 5
				default:
					return usagef("-scale must be national, province or small")
				}
				if *weeks < 1 || *weeks > 52 {
					return usagef("-weeks must be within 1–52")
				}
				st, err := storage.Open(ctx, e.cfg.Database.Path)
				if err != nil {
					return err
				}
				defer st.Close()
				var areas []storage.Area
				if err := st.View(ctx, func(tx *storage.Tx) error { areas, err = tx.Areas(ctx); return err }); err != nil {
					return err
				}
				if len(areas) > 0 {
					return fmt.Errorf("database %s already holds a roster; gen needs an empty one", e.cfg.Database.Path)
				}
				fmt.Fprintf(e.stdout, "generating %s\n", spec)
				started := time.Now()
				tot, err := synth.Generate(ctx, st, spec, loc)
				if err != nil {
					return err
				}
				var size int64
				if fi, err := os.Stat(e.cfg.Database.Path); err == nil {
					size = fi.Size()
				}
				fmt.Fprintf(e.stdout, "areas %d, schools %d, classes %d, reports %d, users %d, roles %d in %s; database %d MB\n",
					tot.Areas, tot.Schools, tot.Classes, tot.Reports, tot.Users, tot.Roles, time.Since(started).Round(time.Millisecond), size>>20)
				return nil
			}
		}})
}
