package commands

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// CodeLength is the length of an invite code: 16 characters of Telegram's start-payload
// alphabet, 96 random bits.
const CodeLength = 16

const codeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// NewCode returns a random invite code of CodeLength characters of [A-Za-z0-9_-].
func NewCode() (string, error) {
	b := make([]byte, CodeLength)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("commands: invite code: %w", err)
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)] // 256 is a multiple of 64: no bias
	}
	return string(b), nil
}

// validCode reports whether s could be an invite code (Telegram's start payload).
func validCode(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(codeAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// DeepLink returns the link that opens the bot with the code: https://t.me/<bot>?start=<code>.
func DeepLink(bot, code string) string {
	return "https://t.me/" + strings.TrimPrefix(bot, "@") + "?start=" + code
}

// CreateInvite stores a new invite for role in the scope, valid until expires for maxUses
// uses (1 for everyone but a parents' class link), created by the user createdBy (0 for the
// CLI), and writes the audit log.
func CreateInvite(ctx context.Context, tx *storage.Tx, role string, sc storage.Scope, createdBy int64, expires time.Time, maxUses int) (storage.Invite, error) {
	code, err := NewCode()
	if err != nil {
		return storage.Invite{}, err
	}
	if maxUses < 1 {
		maxUses = 1
	}
	inv := storage.Invite{Code: code, Role: role, Scope: sc, CreatedBy: createdBy, ExpiresAt: expires, MaxUses: maxUses}
	if err := tx.CreateInvite(ctx, inv); err != nil {
		return storage.Invite{}, fmt.Errorf("commands: %w", err)
	}
	if err := tx.Audit(ctx, createdBy, "create_invite", role+" "+scopeString(sc)+" uses="+strconv.Itoa(maxUses)); err != nil {
		return storage.Invite{}, fmt.Errorf("commands: %w", err)
	}
	return inv, nil
}

// scopeString is a scope for the audit log: "area:3", "school:5", "class:9", "student:40".
func scopeString(sc storage.Scope) string {
	switch {
	case sc.StudentID != 0:
		return "student:" + strconv.FormatInt(sc.StudentID, 10)
	case sc.ClassID != 0:
		return "class:" + strconv.FormatInt(sc.ClassID, 10)
	case sc.SchoolID != 0:
		return "school:" + strconv.FormatInt(sc.SchoolID, 10)
	case sc.AreaID != 0:
		return "area:" + strconv.FormatInt(sc.AreaID, 10)
	}
	return "all"
}

// Vietnamese reasons an invite code does not work.
const (
	msgCodeUnknown = "Mã mời không tồn tại. Hãy kiểm tra lại đường link, hoặc xin mã mới từ người đã gửi lời mời."
	msgCodeUsed    = "Mã mời này đã được sử dụng. Mỗi mã chỉ dùng được một lần; hãy xin mã mới từ người đã gửi lời mời."
	msgCodeFull    = "Mã mời chung của lớp đã dùng hết số lượt. Hãy xin giáo viên chủ nhiệm mã mới."
	msgCodeRevoked = "Mã mời này đã bị thu hồi. Hãy liên hệ người đã gửi lời mời để nhận mã mới."
	msgCodeExpired = "Mã mời này đã hết hạn"
)

const startText = "Xin chào! Đây là trợ lý theo dõi tham gia <b>bảo hiểm y tế học sinh</b>.\n\n" +
	"Để sử dụng bot, cần có một đường link mời:\n" +
	"• Phụ huynh: xin link từ giáo viên chủ nhiệm của con.\n" +
	"• Giáo viên chủ nhiệm: xin link từ hiệu trưởng.\n" +
	"• Hiệu trưởng, cán bộ quản lý: xin link từ cơ quan quản lý giáo dục.\n\n" +
	"Bấm vào link đó, hoặc gõ /start kèm mã mời (ví dụ: /start AbC123xyz_-9)."

// cmdStart binds an invite code (/start CODE) or explains how to get one (/start).
func (e *Engine) cmdStart(ctx context.Context, t *turn, args string) error {
	code := strings.TrimSpace(args)
	if code == "" {
		if t.who.stranger() {
			return t.reply(ctx, startText, nil)
		}
		return e.cmdHelp(ctx, t, "")
	}
	if !validCode(code) {
		return t.reply(ctx, msgCodeUnknown, nil)
	}
	inv, err := t.tx.InviteByCode(ctx, code)
	if isNotFound(err) {
		return t.reply(ctx, msgCodeUnknown, nil)
	}
	if err != nil {
		return fmt.Errorf("commands: start: %w", err)
	}
	if t.who.holds(inv.Role, inv.Scope) {
		if inv.Role == storage.RoleParent && inv.Scope.ClassID != 0 {
			if _, _, err := t.tx.Conversation(ctx, t.u.UserID); isNotFound(err) {
				return e.startParentIdentify(ctx, t, inv.Scope.ClassID)
			}
		}
		return t.reply(ctx, "Lời mời này đã được nhận rồi. Gõ /toi để xem các quyền hiện có, /huongdan để xem các lệnh.", nil)
	}
	switch {
	case inv.Revoked:
		return t.reply(ctx, msgCodeRevoked, nil)
	case inv.Uses >= inv.MaxUses && inv.MaxUses > 1:
		return t.reply(ctx, msgCodeFull, nil)
	case inv.Uses >= inv.MaxUses:
		return t.reply(ctx, msgCodeUsed, nil)
	case !e.clock().Before(inv.ExpiresAt):
		return t.reply(ctx, msgCodeExpired+" (ngày "+vntext.FormatDate(inv.ExpiresAt.In(e.loc))+"). Hãy xin mã mới từ người đã gửi lời mời.", nil)
	}
	var otherParents []storage.Role
	if inv.Role == storage.RoleParent && inv.Scope.StudentID != 0 {
		// An invite made for a pupil who has since left the class list binds nobody: the
		// parent would be linked to a child the school no longer counts.
		p, err := t.tx.StudentByID(ctx, inv.Scope.StudentID)
		if err != nil {
			return fmt.Errorf("commands: start: %w", err)
		}
		if p.Retired {
			cl, err := t.tx.ClassByID(ctx, p.ClassID)
			if err != nil {
				return fmt.Errorf("commands: start: %w", err)
			}
			return t.reply(ctx, "Không nhận được lời mời này. "+retiredText(p, cl), nil)
		}
		if otherParents, err = t.tx.RolesOfStudent(ctx, inv.Scope.StudentID); err != nil {
			return fmt.Errorf("commands: start: %w", err)
		}
	}
	if err := t.tx.GrantRoleVia(ctx, t.u.UserID, inv.Role, inv.Scope, code); err != nil {
		return fmt.Errorf("commands: start: %w", err)
	}
	if err := t.tx.UseInvite(ctx, code); err != nil {
		return fmt.Errorf("commands: start: %w", err)
	}
	if err := t.tx.Audit(ctx, t.u.UserID, "grant_role", inv.Role+" "+scopeString(inv.Scope)+" invite="+code+" by="+strconv.FormatInt(inv.CreatedBy, 10)); err != nil {
		return fmt.Errorf("commands: start: %w", err)
	}
	e.log.Info("role granted", "user_id", t.u.UserID, "role", inv.Role, "scope", scopeString(inv.Scope), "invited_by", inv.CreatedBy)
	who, err := e.loadCaller(ctx, t.tx, t.u.UserID)
	if err != nil {
		return err
	}
	t.who = who
	label, err := e.scopeLabel(ctx, t.tx, inv.Role, inv.Scope)
	if err != nil {
		return err
	}
	if inv.CreatedBy != 0 && inv.CreatedBy != t.u.UserID {
		if err := e.notifyInviter(ctx, t, inv, label); err != nil {
			return err
		}
	}
	if inv.Role == storage.RoleParent && inv.Scope.ClassID != 0 {
		return e.startParentIdentify(ctx, t, inv.Scope.ClassID)
	}
	welcome := "✅ Chào mừng " + vntext.EscapeHTML(clip(t.u.Name)) + "! Tài khoản đã được cấp quyền <b>" + roleName(inv.Role) + "</b>: " +
		vntext.EscapeHTML(label) + "."
	if inv.Role == storage.RoleParent && inv.Scope.StudentID != 0 {
		p, err := t.tx.StudentByID(ctx, inv.Scope.StudentID)
		if err != nil {
			return fmt.Errorf("commands: start: %w", err)
		}
		if len(otherParents) > 0 {
			if err := e.notifySecondParent(ctx, t, p, len(otherParents)+1, fmt.Sprintf("invite/%s/%d/second", code, t.u.UserID)); err != nil {
				return err
			}
		}
		return t.reply(ctx, welcome+"\n"+pupilStatusText(p, t.u.ChatID)+"\n\n"+e.helpText(t.who), pupilButtons(p))
	}
	return t.reply(ctx, welcome+"\n\n"+e.helpText(t.who), nil)
}

// holds reports whether the caller already has the role in exactly this scope.
func (c *caller) holds(role string, sc storage.Scope) bool {
	for _, r := range c.roles {
		if r.Role == role && r.Scope == sc {
			return true
		}
	}
	return false
}

func (e *Engine) notifyInviter(ctx context.Context, t *turn, inv storage.Invite, label string) error {
	u, err := t.tx.UserByID(ctx, inv.CreatedBy)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("commands: inviter: %w", err)
	}
	text := "🔔 " + vntext.EscapeHTML(personLabel(t.u.UserID, t.u.Name, t.u.Username, "Một người dùng")) + " đã nhận lời mời " + roleName(inv.Role) + " (" + vntext.EscapeHTML(label) + ")."
	return t.send(ctx, fmt.Sprintf("invite/%s/%d/inviter", inv.Code, t.u.UserID), u.ChatID, text, nil)
}

// roleName is a role in Vietnamese.
func roleName(role string) string {
	switch role {
	case storage.RoleAdmin:
		return "quản trị"
	case storage.RoleOfficer:
		return "cán bộ quản lý giáo dục"
	case storage.RolePrincipal:
		return "hiệu trưởng"
	case storage.RoleTeacher:
		return "giáo viên chủ nhiệm"
	case storage.RoleParent:
		return "phụ huynh"
	}
	return role
}

// scopeLabel describes a scope for people.
func (e *Engine) scopeLabel(ctx context.Context, tx *storage.Tx, _ string, sc storage.Scope) (string, error) {
	return scopeLabel(ctx, tx, sc)
}

func scopeLabel(ctx context.Context, tx *storage.Tx, sc storage.Scope) (string, error) {
	switch {
	case sc.StudentID != 0:
		p, err := tx.StudentByID(ctx, sc.StudentID)
		if err != nil {
			return "", fmt.Errorf("commands: label: %w", err)
		}
		cl, err := tx.ClassByID(ctx, p.ClassID)
		if err != nil {
			return "", fmt.Errorf("commands: label: %w", err)
		}
		return "học sinh " + p.Name + ", " + classLabel(cl), nil
	case sc.ClassID != 0:
		cl, err := tx.ClassByID(ctx, sc.ClassID)
		if err != nil {
			return "", fmt.Errorf("commands: label: %w", err)
		}
		return classLabel(cl), nil
	case sc.SchoolID != 0:
		s, err := tx.SchoolByID(ctx, sc.SchoolID)
		if err != nil {
			return "", fmt.Errorf("commands: label: %w", err)
		}
		return schoolLabel(s), nil
	case sc.AreaID != 0:
		a, err := tx.AreaByID(ctx, sc.AreaID)
		if err != nil {
			return "", fmt.Errorf("commands: label: %w", err)
		}
		return "khu vực " + a.Path, nil
	}
	return "toàn hệ thống", nil
}

// link shows an invite for the person who will forward it, for both channels: Telegram's link
// and, since Zalo has no link that carries a code, the code to send to the bot on Zalo.
func (e *Engine) link(code string) string {
	zalo := " (trên Zalo: gửi mã <code>" + code + "</code> cho bot)"
	if e.bot == "" {
		return "<code>/start " + code + "</code>" + zalo
	}
	return DeepLink(e.bot, code) + zalo
}

func (e *Engine) expiry() time.Time { return e.clock().Add(e.cfg.Invites.TTL) }

func (e *Engine) expiryText() string {
	return vntext.FormatDate(e.expiry().In(e.loc))
}

// inviteRole maps the role word of /moi to a role.
func inviteRole(word string) (string, bool) {
	switch strings.ReplaceAll(vntext.Fold(word), " ", "") {
	case "canbo", "officer", "phong", "so":
		return storage.RoleOfficer, true
	case "hieutruong", "principal", "truong", "ht":
		return storage.RolePrincipal, true
	case "giaovien", "gv", "gvcn", "teacher":
		return storage.RoleTeacher, true
	case "phuhuynh", "ph", "parent":
		return storage.RoleParent, true
	}
	return "", false
}

const inviteUsage = "Cách mời:\n" +
	"• <code>/moi canbo Sóc Trăng / Mỹ Tú</code> – cán bộ quản lý một khu vực\n" +
	"• <code>/moi hieutruong Trường THCS Mỹ Tú</code> – hiệu trưởng một trường\n" +
	"• <code>/moi giaovien Trường THCS Mỹ Tú / 6A</code> – giáo viên chủ nhiệm một lớp\n" +
	"• <code>/moi phuhuynh Trường THCS Mỹ Tú / 6A</code> – phụ huynh một lớp\n" +
	"Mỗi link dùng một lần (link chung của lớp dùng được nhiều lần) và hết hạn sau " +
	"%d ngày. Thu hồi: <code>/thuhoi MÃ</code>."

// cmdInvite creates invites in chat: officers and principals below an admin or officer,
// teachers of a principal's school, parents of a teacher's class.
func (e *Engine) cmdInvite(ctx context.Context, t *turn, args string) error {
	c := t.who
	word, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	role, explicit := inviteRole(word)
	if !explicit {
		rest = strings.TrimSpace(args)
	}
	rest = strings.TrimSpace(rest)
	if !explicit {
		switch {
		case c.isTeacher() && len(c.schools) == 0 && !c.admin && len(c.areas) == 0:
			role = storage.RoleParent
		case len(c.schools) > 0:
			role = storage.RoleTeacher
		default:
			return t.reply(ctx, fmt.Sprintf(inviteUsage, e.ttlDays()), nil)
		}
	}
	switch role {
	case storage.RoleParent:
		return e.inviteParents(ctx, t, rest)
	case storage.RoleTeacher:
		return e.inviteTeacher(ctx, t, rest)
	}
	if !c.admin && len(c.areas) == 0 {
		return t.reply(ctx, "Chỉ cán bộ quản lý giáo dục mời được "+roleName(role)+".", nil)
	}
	if rest == "" {
		return t.reply(ctx, fmt.Sprintf(inviteUsage, e.ttlDays()), nil)
	}
	res, err := ResolveScope(ctx, t.tx, role, rest, e.cfg.Campaign.SchoolYear)
	if err != nil {
		return e.scopeFault(ctx, t, err)
	}
	allowed := c.admin
	if !allowed && role == storage.RoleOfficer {
		a, err := t.tx.AreaByID(ctx, res.Scope.AreaID)
		if err != nil {
			return fmt.Errorf("commands: invite: %w", err)
		}
		for _, own := range c.areas {
			allowed = allowed || strings.HasPrefix(a.Path, own.Path+storage.PathSep)
		}
	}
	if !allowed && role == storage.RolePrincipal {
		s, err := t.tx.SchoolByID(ctx, res.Scope.SchoolID)
		if err != nil {
			return fmt.Errorf("commands: invite: %w", err)
		}
		allowed = c.canArea(s.AreaPath)
	}
	if !allowed {
		return t.reply(ctx, "Chỉ mời được người ở cấp dưới khu vực mình quản lý; "+vntext.EscapeHTML(res.Label)+" nằm ngoài phạm vi đó.", nil)
	}
	return e.sendInvite(ctx, t, role, res.Scope, res.Label)
}

func (e *Engine) ttlDays() int { return int(e.cfg.Invites.TTL / (24 * time.Hour)) }

// sendInvite creates one single-use invite and replies with its link.
func (e *Engine) sendInvite(ctx context.Context, t *turn, role string, sc storage.Scope, label string) error {
	inv, err := CreateInvite(ctx, t.tx, role, sc, t.u.UserID, e.expiry(), 1)
	if err != nil {
		return err
	}
	return t.reply(ctx, "Link mời <b>"+roleName(role)+"</b> – "+vntext.EscapeHTML(label)+
		" (dùng một lần, hết hạn ngày "+e.expiryText()+"). Hãy gửi riêng cho người được mời:\n"+e.link(inv.Code)+
		"\nMã: <code>"+inv.Code+"</code>", nil)
}

func (e *Engine) scopeFault(ctx context.Context, t *turn, err error) error {
	if se, ok := err.(*ScopeError); ok {
		return t.reply(ctx, vntext.EscapeHTML(se.Error()), nil)
	}
	return err
}

const msgTeacherInviters = "Chỉ hiệu trưởng mời được giáo viên chủ nhiệm."

// inviteTeacher invites the homeroom teacher of a class of the principal's school (or, for
// an admin, of any class).
func (e *Engine) inviteTeacher(ctx context.Context, t *turn, spec string) error {
	c := t.who
	if !c.admin && len(c.schools) == 0 {
		return t.reply(ctx, msgTeacherInviters, nil)
	}
	if spec == "" {
		var rows [][]storage.Button
		for _, s := range c.schools {
			classes, err := t.tx.ClassesOfSchool(ctx, s.ID, e.cfg.Campaign.SchoolYear)
			if err != nil {
				return fmt.Errorf("commands: invite: %w", err)
			}
			rows = append(rows, classButtons(classes, button.ClassPrefix(button.Invite, button.InviteTeacher))...)
		}
		if len(rows) == 0 {
			return t.reply(ctx, fmt.Sprintf(inviteUsage, e.ttlDays()), nil)
		}
		return t.reply(ctx, "Chọn lớp để tạo link mời giáo viên chủ nhiệm (hoặc gõ <code>/moi giaovien 6A</code>):", rows)
	}
	cl, err := e.findManagedClass(ctx, t, spec)
	if err != nil {
		return e.scopeFault(ctx, t, err)
	}
	return e.sendInvite(ctx, t, storage.RoleTeacher, storage.Scope{ClassID: cl.ID}, classLabel(cl))
}

// findManagedClass finds a class by "6A" within the caller's schools, or by a full
// "Trường … / 6A" anywhere the caller oversees.
func (e *Engine) findManagedClass(ctx context.Context, t *turn, spec string) (storage.Class, error) {
	parts := splitScope(spec)
	if len(parts) == 1 {
		var classes []storage.Class
		for _, s := range t.who.schools {
			list, err := t.tx.ClassesOfSchool(ctx, s.ID, e.cfg.Campaign.SchoolYear)
			if err != nil {
				return storage.Class{}, fmt.Errorf("commands: classes: %w", err)
			}
			classes = append(classes, list...)
		}
		if len(classes) > 0 {
			return matchClassName(classes, parts[0], "trường của thầy/cô")
		}
	}
	res, err := ResolveScope(ctx, t.tx, storage.RoleTeacher, spec, e.cfg.Campaign.SchoolYear)
	if err != nil {
		return storage.Class{}, err
	}
	if !t.who.canClass(res.Class) {
		return storage.Class{}, &ScopeError{Msg: classLabel(res.Class) + " không thuộc trường thầy/cô quản lý."}
	}
	return res.Class, nil
}

// classButtons lays out one button per class, four to a row.
func classButtons(classes []storage.Class, prefix string) [][]storage.Button {
	var rows [][]storage.Button
	for i, cl := range classes {
		if i%4 == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], storage.Button{Text: cl.Name, Data: prefix + strconv.FormatInt(cl.ID, 10)})
	}
	return rows
}

// inviteParents sends a teacher the parent links of one of their classes.
func (e *Engine) inviteParents(ctx context.Context, t *turn, spec string) error {
	c := t.who
	if spec == "" {
		switch {
		case len(c.classes) == 1:
			return e.parentLinks(ctx, t, c.classes[0])
		case len(c.classes) > 1:
			return t.reply(ctx, "Chọn lớp để tạo link mời phụ huynh:", classButtons(c.classes, button.ClassPrefix(button.Invite, button.InviteParents)))
		}
		return t.reply(ctx, fmt.Sprintf(inviteUsage, e.ttlDays()), nil)
	}
	if len(splitScope(spec)) == 1 && c.isTeacher() {
		cl, err := matchClassName(c.classes, spec, "các lớp thầy/cô chủ nhiệm")
		if err != nil {
			return e.scopeFault(ctx, t, err)
		}
		return e.parentLinks(ctx, t, cl)
	}
	res, err := ResolveScope(ctx, t.tx, storage.RoleParent, spec, e.cfg.Campaign.SchoolYear)
	if err != nil {
		return e.scopeFault(ctx, t, err)
	}
	if !c.admin && !c.teaches(res.Class.ID) {
		return t.reply(ctx, "Thầy/cô chỉ mời được phụ huynh của lớp mình chủ nhiệm.", nil)
	}
	if res.Scope.StudentID != 0 {
		return e.sendInvite(ctx, t, storage.RoleParent, res.Scope, res.Label)
	}
	return e.parentLinks(ctx, t, res.Class)
}

// parentLinks creates one single-use link per pupil of a roster class and one class link
// with bounded uses, whose holders identify their child by name or number.
func (e *Engine) parentLinks(ctx context.Context, t *turn, cl storage.Class) error {
	pupils, err := t.tx.StudentsOfClass(ctx, cl.ID)
	if err != nil {
		return fmt.Errorf("commands: parent links: %w", err)
	}
	if len(pupils) > 0 {
		lines := make([]string, 0, len(pupils))
		for _, p := range pupils {
			inv, err := CreateInvite(ctx, t.tx, storage.RoleParent, storage.Scope{StudentID: p.ID}, t.u.UserID, e.expiry(), 1)
			if err != nil {
				return err
			}
			lines = append(lines, strconv.Itoa(p.Number)+". "+vntext.EscapeHTML(p.Name)+": "+e.link(inv.Code))
		}
		header := "Link mời phụ huynh từng học sinh lớp <b>" + vntext.EscapeHTML(cl.Name) + "</b> (mỗi link dùng một lần, hết hạn ngày " +
			e.expiryText() + "). Gửi riêng link của em nào cho phụ huynh em đó:"
		if err := t.replyLong(ctx, header, lines, nil); err != nil {
			return err
		}
	}
	uses := e.cfg.Invites.ClassLinkUses
	inv, err := CreateInvite(ctx, t.tx, storage.RoleParent, storage.Scope{ClassID: cl.ID}, t.u.UserID, e.expiry(), uses)
	if err != nil {
		return err
	}
	how := "phụ huynh bấm link rồi gõ họ tên đầy đủ hoặc số thứ tự của con để liên kết"
	if len(pupils) == 0 {
		how = "lớp chưa có danh sách học sinh nên phụ huynh được liên kết với cả lớp"
	}
	return t.reply(ctx, "Link chung cho phụ huynh lớp <b>"+vntext.EscapeHTML(cl.Name)+"</b> – có thể gửi vào nhóm lớp ("+how+
		"; tối đa "+strconv.Itoa(uses)+" lượt, hết hạn ngày "+e.expiryText()+"):\n"+e.link(inv.Code), nil)
}

// inviteButton handles moi:gv:<class id> and moi:ph:<class id>.
func (e *Engine) inviteButton(ctx context.Context, t *turn, rest string) error {
	kind, id, ok := button.ParseKindID(rest)
	if !ok {
		return t.reply(ctx, "Nút này không còn dùng được.", nil)
	}
	cl, err := t.tx.ClassByID(ctx, id)
	if isNotFound(err) {
		return t.reply(ctx, "Lớp này không còn trong danh sách.", nil)
	}
	if err != nil {
		return fmt.Errorf("commands: invite: %w", err)
	}
	switch kind {
	case "gv":
		if !t.who.admin && len(t.who.schools) == 0 {
			return t.reply(ctx, msgTeacherInviters, nil)
		}
		if !t.who.canClass(cl) {
			return t.reply(ctx, "Lớp này không thuộc trường thầy/cô quản lý.", nil)
		}
		return e.sendInvite(ctx, t, storage.RoleTeacher, storage.Scope{ClassID: cl.ID}, classLabel(cl))
	case "ph":
		if !t.who.admin && !t.who.teaches(cl.ID) {
			return t.reply(ctx, "Thầy/cô chỉ mời được phụ huynh của lớp mình chủ nhiệm.", nil)
		}
		return e.parentLinks(ctx, t, cl)
	}
	return t.reply(ctx, "Nút này không còn dùng được.", nil)
}

// cmdRevoke revokes an invite the caller created (an admin any invite).
func (e *Engine) cmdRevoke(ctx context.Context, t *turn, args string) error {
	code := strings.TrimSpace(args)
	if code == "" {
		return t.reply(ctx, "Gõ <code>/thuhoi MÃ</code> với mã mời cần thu hồi.", nil)
	}
	if !validCode(code) {
		return t.reply(ctx, revokeUnknownText(code), nil)
	}
	inv, err := t.tx.InviteByCode(ctx, code)
	if isNotFound(err) {
		return t.reply(ctx, revokeUnknownText(code), nil)
	}
	if err != nil {
		return fmt.Errorf("commands: revoke: %w", err)
	}
	if !t.who.admin && inv.CreatedBy != t.u.UserID {
		return t.reply(ctx, "Chỉ thu hồi được mã mời do chính mình tạo.", nil)
	}
	if inv.Revoked {
		return t.reply(ctx, "Mã mời này đã bị thu hồi trước đó.", nil)
	}
	if err := t.tx.RevokeInvite(ctx, code); err != nil {
		return fmt.Errorf("commands: revoke: %w", err)
	}
	if err := t.tx.Audit(ctx, t.u.UserID, "revoke_invite", code); err != nil {
		return fmt.Errorf("commands: revoke: %w", err)
	}
	granted, err := t.tx.RolesByInvite(ctx, code)
	if err != nil {
		return fmt.Errorf("commands: revoke: %w", err)
	}
	removed, err := RevokeRoles(ctx, t.tx, t.u.UserID, granted, "thuhoi "+code)
	if err != nil {
		return err
	}
	if err := e.notifyRemoved(ctx, t, removed); err != nil {
		return err
	}
	text := "Đã thu hồi mã <code>" + code + "</code>; không ai dùng được nữa."
	if len(removed) == 0 {
		return t.reply(ctx, text+" Chưa ai nhận quyền bằng mã này.", nil)
	}
	lines := make([]string, len(removed))
	for i, r := range removed {
		lines[i] = "• " + vntext.EscapeHTML(r.String())
	}
	return t.replyLong(ctx, text+"\nĐã gỡ "+strconv.Itoa(len(removed))+" quyền do mã này cấp:", lines, nil)
}

// revokeUnknownText answers /thuhoi with a code that names no invite. It speaks of
// revoking: the person revoking is not joining, so the joining advice does not fit.
func revokeUnknownText(code string) string {
	return "Không có mã mời “" + vntext.EscapeHTML(clip(code)) + "” để thu hồi. Hãy chép đúng mã " +
		"(phần sau <code>start=</code> trong đường link mời), ví dụ: <code>/thuhoi AbC12-xyZ_34qrST</code>"
}
