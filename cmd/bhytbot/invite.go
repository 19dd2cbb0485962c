package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/bot"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

// fallbackBotUsername is used in the printed link when neither --bot nor telegram.token
// says which bot this is; a warning says so.
const fallbackBotUsername = "bhytbot"

var inviteRoles = []string{storage.RoleOfficer, storage.RolePrincipal, storage.RoleTeacher, storage.RoleParent}

func init() {
	register(subcommand{name: "invite", args: "--role officer|principal|teacher|parent --scope SCOPE [--bot USERNAME] [--uses N]",
		summary: "create an invite code and print its deep link https://t.me/<bot>?start=<code> (on Zalo: send the code to the bot)",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			role := fs.String("role", "", "officer (an area), principal (a school), teacher (a class) or parent (a pupil, or a class link)")
			scope := fs.String("scope", "", `as in the roster: "Sóc Trăng / Mỹ Tú", "Trường THCS Mỹ Tú", "Trường THCS Mỹ Tú / 6A", "Trường THCS Mỹ Tú / 6A / 12"`)
			botName := fs.String("bot", "", "the bot's @username for the link (default: asked with getMe when telegram.token is set, else \""+fallbackBotUsername+"\")")
			uses := fs.Int("uses", 0, "how many people may use the code (default 1; a parents' class link: invites.class_link_uses)")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 0 {
					return usagef("takes no arguments (quote the scope: --scope \"Trường THCS Mỹ Tú / 6A\")")
				}
				if !slices.Contains(inviteRoles, *role) {
					return usagef("--role must be one of %s", strings.Join(inviteRoles, ", "))
				}
				if strings.TrimSpace(*scope) == "" {
					return usagef("--scope is required")
				}
				usesSet := false
				fs.Visit(func(f *flag.Flag) { usesSet = usesSet || f.Name == "uses" })
				if usesSet && *uses < 1 {
					return usagef("--uses must be at least 1 (leave it out for the default)")
				}
				st, err := openRoster(ctx, e)
				if err != nil {
					return err
				}
				defer st.Close()
				name, err := botUsername(ctx, e, *botName)
				if err != nil {
					return err
				}
				var (
					inv   storage.Invite
					label string
				)
				err = st.Update(ctx, func(tx *storage.Tx) error {
					res, err := commands.ResolveScope(ctx, tx, *role, *scope, e.cfg.Campaign.SchoolYear)
					if err != nil {
						return scopeError("--scope", *scope, err)
					}
					n := *uses
					if n == 0 {
						n = 1
						if *role == storage.RoleParent && res.Scope.StudentID == 0 {
							n = e.cfg.Invites.ClassLinkUses
						}
					}
					label = res.Label
					inv, err = commands.CreateInvite(ctx, tx, *role, res.Scope, 0, time.Now().Add(e.cfg.Invites.TTL), n)
					return err
				})
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, commands.DeepLink(name, inv.Code))
				// Zalo has no deep link: a person joins there by sending the code.
				fmt.Fprintf(e.stdout, "code: %s\nzalo: gửi mã %s cho bot trên Zalo (hoặc /start %s)\nrole: %s\nscope: %s\nuses: %d\nexpires: %s\n",
					inv.Code, inv.Code, inv.Code, inv.Role, label, inv.MaxUses,
					inv.ExpiresAt.In(e.cfg.Location()).Format("2006-01-02 15:04 MST"))
				return nil
			}
		}})
}

// botUsername is --bot, or the bot's username from getMe when a token is configured, or
// the fallback with a warning.
func botUsername(ctx context.Context, e *env, flagValue string) (string, error) {
	if name := strings.TrimPrefix(strings.TrimSpace(flagValue), "@"); name != "" {
		return name, nil
	}
	if e.cfg.Telegram.Token == "" {
		fmt.Fprintf(e.stderr, "warning: no --bot and no telegram.token: the link uses the bot name %q\n", fallbackBotUsername)
		return fallbackBotUsername, nil
	}
	client, err := bot.NewClient(e.cfg.Telegram.Token, e.cfg.Telegram.APIEndpoint, slog.New(slog.DiscardHandler))
	if err != nil {
		return "", fmt.Errorf("bot username: %w (or pass --bot USERNAME)", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	me, err := client.GetMe(ctx)
	if err != nil {
		return "", fmt.Errorf("bot username: getMe: %w (or pass --bot USERNAME)", err)
	}
	return me.UserName, nil
}
