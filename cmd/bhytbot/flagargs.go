package main

import "flag"

// parseInterspersed parses flags wherever they stand among the positional arguments, so
// `run-job teacher-reminder -force` means what `run-job -force teacher-reminder` does (the
// standard flag package stops at the first positional argument). After "--" everything is
// positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
