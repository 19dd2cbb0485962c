package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

// openRoster opens the database of a subcommand that works on an imported roster. A missing
// file or one without a roster is refused: opening it would create an empty database at a
// mistyped path and the subcommand would then fail with a puzzling "not found".
func openRoster(ctx context.Context, e *env) (*storage.Store, error) {
	path := e.cfg.Database.Path
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no database at %s: run `bhytbot import ROSTER.csv` first (or check database.path)", path)
	}
	st, err := storage.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	var areas []storage.Area
	if err := st.View(ctx, func(tx *storage.Tx) error { areas, err = tx.Areas(ctx); return err }); err != nil {
		st.Close()
		return nil, err
	}
	if len(areas) == 0 {
		st.Close()
		return nil, fmt.Errorf("database %s holds no roster: run `bhytbot import ROSTER.csv` first", path)
	}
	return st, nil
}

// resolveAreaPath finds the area a -area flag names the way the bot does: the full path or
// its last levels, with or without diacritics ("Soc Trang / My Tu"); "" is the whole roster.
func resolveAreaPath(ctx context.Context, tx *storage.Tx, text, year string) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "", nil
	}
	res, err := commands.ResolveScope(ctx, tx, storage.RoleOfficer, text, year)
	if err != nil {
		return "", scopeError("-area", text, err)
	}
	a, err := tx.AreaByID(ctx, res.Scope.AreaID)
	if err != nil {
		return "", fmt.Errorf("area %d: %w", res.Scope.AreaID, err)
	}
	return a.Path, nil
}

// scopeError says in the CLI's words that a scope was not found or is ambiguous.
func scopeError(flagName, text string, err error) error {
	var se *commands.ScopeError
	if !errors.As(err, &se) {
		return err
	}
	if len(se.Candidates) > 0 {
		return fmt.Errorf("%s %q matches several: %s", flagName, text, strings.Join(se.Candidates, "; "))
	}
	return fmt.Errorf("%s %q: not found in the roster", flagName, text)
}
