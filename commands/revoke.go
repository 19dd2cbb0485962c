package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// maxRemoveChoices bounds the people /xoaquyen offers as buttons; the rest are reached by
// their user id.
const maxRemoveChoices = 30

// Removed is one role taken away, described for people.
type Removed struct {
	Role     storage.Role
	Name     string // the person's display name ("" when the bot never saw them)
	Username string // their Telegram @username, if any
	Label    string // "giáo viên chủ nhiệm: lớp 6A – Trường THCS Mỹ Tú"
}

// String is "Nguyễn Văn Minh (Zalo) – giáo viên chủ nhiệm: lớp 6A – …": the person by name
// and channel, never by user id.
func (r Removed) String() string {
	return personLabel(r.Role.UserID, r.Name, r.Username, "Người dùng") + " – " + r.Label
}

// RevokeRoles takes the roles away, writes one audit entry per role (by is who did it, 0
// for the CLI; why says how: "xoaquyen", "invite CODE", "cli") and cancels what a removed
// class-link parent was still waiting for. The roles are read again per message, so the
// person loses them on their next message.
func RevokeRoles(ctx context.Context, tx *storage.Tx, by int64, roles []storage.Role, why string) ([]Removed, error) {
	out := make([]Removed, 0, len(roles))
	for _, r := range roles {
		label, err := RoleLabel(ctx, tx, r)
		if err != nil {
			return nil, err
		}
		u, err := tx.UserByID(ctx, r.UserID)
		if err != nil && !isNotFound(err) {
			return nil, fmt.Errorf("commands: revoke role: %w", err)
		}
		if err := tx.RevokeRole(ctx, r.ID); err != nil {
			return nil, fmt.Errorf("commands: revoke role: %w", err)
		}
		if r.Role == storage.RoleParent && r.ClassID != 0 {
			if err := tx.CancelLinkRequests(ctx, r.UserID, r.ClassID, by); err != nil {
				return nil, fmt.Errorf("commands: revoke role: %w", err)
			}
		}
		detail := fmt.Sprintf("user=%d %s %s by=%d (%s)", r.UserID, r.Role, scopeString(r.Scope), by, why)
		if err := tx.Audit(ctx, by, "revoke_role", detail); err != nil {
			return nil, fmt.Errorf("commands: revoke role: %w", err)
		}
		out = append(out, Removed{Role: r, Name: u.Name, Username: u.Username, Label: label})
	}
	return out, nil
}

// RoleLabel is a role and its scope for people: "giáo viên chủ nhiệm: lớp 6A – Trường …".
func RoleLabel(ctx context.Context, tx *storage.Tx, r storage.Role) (string, error) {
	if r.Role == storage.RoleAdmin {
		return roleName(r.Role), nil
	}
	label, err := scopeLabel(ctx, tx, r.Scope)
	if err != nil {
		return "", err
	}
	if r.Role == storage.RoleParent && r.ClassID != 0 {
		return "phụ huynh (link chung): " + label, nil
	}
	return roleName(r.Role) + ": " + label, nil
}

// mayRemove reports whether the caller could have granted the role: the level that
// invites it or any level above, or an admin.
func (c *caller) mayRemove(p storage.PlacedRole) bool {
	if c.admin {
		return true
	}
	switch p.Role.Role {
	case storage.RoleOfficer:
		for _, a := range c.areas {
			if p.AreaPath != a.Path && underPath(p.AreaPath, a.Path) {
				return true
			}
		}
		return false
	case storage.RolePrincipal:
		return p.AreaPath != "" && c.canArea(p.AreaPath)
	case storage.RoleTeacher:
		return p.PlaceSchoolID != 0 && c.canSchool(storage.School{ID: p.PlaceSchoolID, AreaPath: p.AreaPath})
	case storage.RoleParent:
		return p.PlaceClassID != 0 && (c.teaches(p.PlaceClassID) || c.canSchool(storage.School{ID: p.PlaceSchoolID, AreaPath: p.AreaPath}))
	}
	return false
}

// removable lists the roles the caller may take away, of one user (0: of everyone but
// the caller), with the given role name ("" for any).
func (e *Engine) removable(ctx context.Context, t *turn, userID int64, role string) ([]storage.PlacedRole, error) {
	all, err := t.tx.PlacedRoles(ctx)
	if err != nil {
		return nil, fmt.Errorf("commands: remove role: %w", err)
	}
	var out []storage.PlacedRole
	for _, p := range all {
		switch {
		case userID != 0 && p.UserID != userID,
			userID == 0 && p.UserID == t.u.UserID,
			role != "" && p.Role.Role != role,
			!t.who.mayRemove(p):
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

const removeUsage = "Cách gỡ quyền:\n" +
	"• <code>/xoaquyen</code> – chọn người trong danh sách\n" +
	"• <code>/xoaquyen 123456789</code> – gỡ mọi quyền thầy/cô đã có thể cấp của người có mã người dùng đó (mã có trong /toi của họ)\n" +
	"• <code>/xoaquyen @tendangnhap giaovien</code> – chỉ gỡ một vai trò: canbo, hieutruong, giaovien hoặc phuhuynh"

// cmdRemoveRole answers /xoaquyen [user id|@username] [role].
func (e *Engine) cmdRemoveRole(ctx context.Context, t *turn, args string) error {
	fields := strings.Fields(args)
	if len(fields) == 0 {
		return e.removeChoices(ctx, t)
	}
	if len(fields) > 2 {
		return t.reply(ctx, "Thừa thông tin. "+removeUsage, nil)
	}
	role := ""
	if len(fields) == 2 {
		r, ok := inviteRole(fields[1])
		if !ok {
			return t.reply(ctx, "Không rõ vai trò “"+vntext.EscapeHTML(clip(fields[1]))+"”. "+removeUsage, nil)
		}
		role = r
	}
	userID, err := e.findUser(ctx, t, fields[0])
	if err != nil || userID == 0 {
		if err != nil {
			return err
		}
		return t.reply(ctx, "Không tìm thấy người dùng “"+vntext.EscapeHTML(clip(fields[0]))+"”. "+removeUsage, nil)
	}
	list, err := e.removable(ctx, t, userID, role)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return t.reply(ctx, "Người này không có quyền nào mà thầy/cô có thể gỡ (chỉ gỡ được quyền ở cấp mình mời được trở xuống).", nil)
	}
	roles := make([]storage.Role, len(list))
	for i, p := range list {
		roles[i] = p.Role
	}
	return e.removeAndReport(ctx, t, roles)
}

// findUser reads a user id as /toi shows it (a Telegram user id, or a Zalo user id the bot
// has seen) or an @username the bot has seen; 0 when there is none.
func (e *Engine) findUser(ctx context.Context, t *turn, word string) (int64, error) {
	id, err := t.tx.KnownInternalID(ctx, storage.ChannelZalo, word, storage.KindUser)
	if err == nil {
		return id, nil
	}
	if !isNotFound(err) {
		return 0, fmt.Errorf("commands: remove role: %w", err)
	}
	if id, err := strconv.ParseInt(vntext.Narrow(word), 10, 64); err == nil && id > 0 {
		return id, nil
	}
	name := strings.TrimPrefix(word, "@")
	if name == "" {
		return 0, nil
	}
	u, err := t.tx.UserByUsername(ctx, name)
	if isNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("commands: remove role: %w", err)
	}
	return u.ID, nil
}

// removeChoices lists, as numbered buttons, the people whose roles the caller may remove:
// a teacher's parents, a principal's teachers, an officer's principals, teachers and lower
// officers (parents of a whole area are too many for buttons: by user id).
func (e *Engine) removeChoices(ctx context.Context, t *turn) error {
	list, err := e.removable(ctx, t, 0, "")
	if err != nil {
		return err
	}
	manager := t.who.isManager()
	var (
		lines []string
		rows  [][]storage.Button
		more  int
	)
	for _, p := range list {
		if manager && p.Role.Role == storage.RoleParent {
			continue
		}
		if len(rows) == maxRemoveChoices {
			more++
			continue
		}
		label, err := RoleLabel(ctx, t.tx, p.Role)
		if err != nil {
			return err
		}
		u, err := t.tx.UserByID(ctx, p.UserID)
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("commands: remove role: %w", err)
		}
		who := personLabel(p.UserID, u.Name, u.Username, "Người dùng")
		n := strconv.Itoa(len(rows) + 1)
		lines = append(lines, n+". "+vntext.EscapeHTML(who)+" – "+vntext.EscapeHTML(label))
		rows = append(rows, []storage.Button{{Text: n + ". " + clip(who), Data: button.Revoke + ":" + strconv.FormatInt(p.ID, 10)}})
	}
	if len(rows) == 0 {
		return t.reply(ctx, "Chưa có ai nhận quyền trong phạm vi của thầy/cô. "+removeUsage, nil)
	}
	if more > 0 {
		lines = append(lines, "… và "+strconv.Itoa(more)+" quyền khác: gõ <code>/xoaquyen MÃ_NGƯỜI_DÙNG</code> (mã có trong /toi của người đó).")
	}
	return t.replyLong(ctx, "Chọn quyền cần gỡ (bot sẽ hỏi lại trước khi gỡ):", lines, rows)
}

// removeRoleButton handles xq:<role id> (asks), xq:y:<role id> (removes) and xq:n.
func (e *Engine) removeRoleButton(ctx context.Context, t *turn, rest string) error {
	if rest == "n" {
		return t.reply(ctx, "Đã giữ nguyên, không gỡ quyền nào.", nil)
	}
	confirm := false
	if r, ok := strings.CutPrefix(rest, "y:"); ok {
		confirm, rest = true, r
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return t.reply(ctx, "Nút này không còn dùng được.", nil)
	}
	r, err := t.tx.RoleByID(ctx, id)
	if isNotFound(err) {
		return t.reply(ctx, "Quyền này đã được gỡ trước đó.", nil)
	}
	if err != nil {
		return fmt.Errorf("commands: remove role: %w", err)
	}
	list, err := e.removable(ctx, t, r.UserID, r.Role)
	if err != nil {
		return err
	}
	allowed := false
	for _, p := range list {
		allowed = allowed || p.ID == id
	}
	if !allowed {
		return t.reply(ctx, "Thầy/cô không gỡ được quyền này (chỉ gỡ được quyền ở cấp mình mời được trở xuống).", nil)
	}
	if !confirm {
		label, err := RoleLabel(ctx, t.tx, r)
		if err != nil {
			return err
		}
		who := Removed{Role: r, Label: label}
		if u, err := t.tx.UserByID(ctx, r.UserID); err == nil {
			who.Name, who.Username = u.Name, u.Username
		} else if !isNotFound(err) {
			return fmt.Errorf("commands: remove role: %w", err)
		}
		idText := strconv.FormatInt(id, 10)
		return t.reply(ctx, "Gỡ quyền của "+vntext.EscapeHTML(who.String())+"?", [][]storage.Button{
			{{Text: "🗑 Gỡ quyền", Data: button.Revoke + ":y:" + idText}, {Text: "Giữ nguyên", Data: button.Revoke + ":n"}},
		})
	}
	return e.removeAndReport(ctx, t, []storage.Role{r})
}

// removeAndReport removes the roles and tells the caller exactly who lost what, and each
// person that a role was taken away.
func (e *Engine) removeAndReport(ctx context.Context, t *turn, roles []storage.Role) error {
	removed, err := RevokeRoles(ctx, t.tx, t.u.UserID, roles, "xoaquyen")
	if err != nil {
		return err
	}
	if err := e.notifyRemoved(ctx, t, removed); err != nil {
		return err
	}
	lines := make([]string, len(removed))
	for i, r := range removed {
		lines[i] = "• " + vntext.EscapeHTML(r.String())
	}
	return t.replyLong(ctx, "Đã gỡ "+strconv.Itoa(len(removed))+" quyền:", lines, nil)
}

// notifyRemoved tells each person who lost a role which one.
func (e *Engine) notifyRemoved(ctx context.Context, t *turn, removed []Removed) error {
	return NotifyRemoved(ctx, t.tx, fmt.Sprintf("revoke/%d", t.u.ID), removed)
}

// NotifyRemoved enqueues, for each person who lost a role, a message saying which one;
// key makes the messages' dedupe keys (one per role under it).
func NotifyRemoved(ctx context.Context, tx *storage.Tx, key string, removed []Removed) error {
	for _, r := range removed {
		u, err := tx.UserByID(ctx, r.Role.UserID)
		if isNotFound(err) || (err == nil && u.ChatID == 0) {
			continue
		}
		if err != nil {
			return fmt.Errorf("commands: remove role: %w", err)
		}
		text := "Quyền " + vntext.EscapeHTML(r.Label) + " đã được gỡ khỏi tài khoản này. Nếu có nhầm lẫn, xin liên hệ người đã gửi lời mời."
		m := storage.Message{DedupeKey: key + "/" + strconv.FormatInt(r.Role.ID, 10), ChatID: u.ChatID, Priority: storage.PriorityReply, Text: text}
		if _, err := tx.Enqueue(ctx, m); err != nil {
			return fmt.Errorf("commands: remove role: %w", err)
		}
	}
	return nil
}
