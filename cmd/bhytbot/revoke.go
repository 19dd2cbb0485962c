package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/storage"
)

var revokeRoles = []string{storage.RoleAdmin, storage.RoleOfficer, storage.RolePrincipal, storage.RoleTeacher, storage.RoleParent}

func init() {
	register(subcommand{name: "revoke", args: "--user ID [--channel telegram|zalo] [--role ROLE [--scope SCOPE]]",
		summary: "take a person's roles away (all, one role, or one role in one scope), print what was removed; audited",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			user := fs.String("user", "", "the person's user id on the channel (a Telegram user id, or a Zalo user id)")
			channel := fs.String("channel", storage.ChannelTelegram, "the channel of the id: telegram or zalo")
			role := fs.String("role", "", "only this role: admin, officer, principal, teacher or parent")
			scope := fs.String("scope", "", `only the role in this scope, spelled as for invite: "Trường THCS Mỹ Tú / 6A"`)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 0 {
					return usagef("takes no arguments (quote the scope: --scope \"Trường THCS Mỹ Tú / 6A\")")
				}
				if err := checkUserFlag(*channel, *user); err != nil {
					return err
				}
				if *role != "" && !slices.Contains(revokeRoles, *role) {
					return usagef("--role must be one of %s", strings.Join(revokeRoles, ", "))
				}
				if strings.TrimSpace(*scope) != "" && (*role == "" || *role == storage.RoleAdmin) {
					return usagef("--scope needs --role officer, principal, teacher or parent")
				}
				st, err := storage.Open(ctx, e.cfg.Database.Path)
				if err != nil {
					return err
				}
				defer st.Close()
				var (
					removed []commands.Removed
					id      int64
				)
				err = st.Update(ctx, func(tx *storage.Tx) error {
					if id, err = channelUser(ctx, tx, *channel, *user); err != nil {
						return err
					}
					roles, err := tx.RolesOfUser(ctx, id)
					if err != nil {
						return err
					}
					var want *storage.Scope
					if strings.TrimSpace(*scope) != "" {
						res, err := commands.ResolveScope(ctx, tx, *role, *scope, e.cfg.Campaign.SchoolYear)
						if err != nil {
							return err
						}
						want = &res.Scope
					}
					var pick []storage.Role
					for _, r := range roles {
						if (*role == "" || r.Role == *role) && (want == nil || r.Scope == *want) {
							pick = append(pick, r)
						}
					}
					if len(pick) == 0 {
						return errNothingToRevoke
					}
					removed, err = commands.RevokeRoles(ctx, tx, 0, pick, "cli")
					if err != nil {
						return err
					}
					return commands.NotifyRemoved(ctx, tx, "revoke/cli/"+strconv.FormatInt(time.Now().UnixNano(), 10), removed)
				})
				if errors.Is(err, errNothingToRevoke) {
					return fmt.Errorf("%s user %s has no role matching --role %q --scope %q: nothing removed", *channel, *user, *role, *scope)
				}
				if err != nil {
					return err
				}
				for _, r := range removed {
					fmt.Fprintf(e.stdout, "removed: %s\n", r)
				}
				if (*channel == storage.ChannelTelegram && slices.Contains(e.cfg.Admins, id)) ||
					(*channel == storage.ChannelZalo && slices.Contains(e.cfg.Zalo.Admins, strings.TrimSpace(*user))) {
					fmt.Fprintf(e.stderr, "warning: %s user %s is an admin in the configuration (admins, zalo.admins); remove them there too\n", *channel, *user)
				}
				return nil
			}
		}})
}

var errNothingToRevoke = errors.New("nothing to revoke")
