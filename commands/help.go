package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// cmdHelp answers /huongdan with the commands of the caller's roles.
func (e *Engine) cmdHelp(ctx context.Context, t *turn, _ string) error {
	if t.who.stranger() {
		return t.reply(ctx, startText, nil)
	}
	area, err := officerInviteExample(ctx, t.tx, t.who)
	if err != nil {
		return err
	}
	return t.reply(ctx, e.helpTextWith(t.who, area), nil)
}

// officerInviteExample is an area the caller may invite an officer to, so that the
// `/moi canbo` example of the help works as written: for an admin the first area, for an
// officer the first area strictly below their own; "" when there is none.
func officerInviteExample(ctx context.Context, tx *storage.Tx, c *caller) (string, error) {
	if !c.isAreaManager() {
		return "", nil
	}
	areas, err := tx.Areas(ctx)
	if err != nil {
		return "", fmt.Errorf("commands: help: %w", err)
	}
	for _, a := range areas {
		if c.admin {
			return a.Path, nil
		}
		for _, own := range c.areas {
			if strings.HasPrefix(a.Path, own.Path+storage.PathSep) {
				return a.Path, nil
			}
		}
	}
	return "", nil
}

// helpText lists what the caller can do, role by role, without the `/moi canbo` example
// (which needs the roster to name an area that works).
func (e *Engine) helpText(c *caller) string { return e.helpTextWith(c, "") }

// helpTextWith is helpText; officerArea is the area of the `/moi canbo` example ("" leaves
// that example out).
func (e *Engine) helpTextWith(c *caller, officerArea string) string {
	var b strings.Builder
	b.WriteString("📖 <b>Hướng dẫn</b>\n")
	if c.isTeacher() {
		ex := vntext.EscapeHTML(c.classes[0].Name)
		b.WriteString("\n<b>Giáo viên chủ nhiệm</b>\n")
		b.WriteString("• Báo cáo: <code>/baocao " + ex + " 42 30 8</code> (sĩ số 42, tham gia qua trường 30, đối tượng khác 8), hoặc <code>/baocao " + ex + " 38/42</code>, hoặc <code>" + ex + ": ss 42, tr 30, khac 8</code>")
		if len(c.classes) == 1 {
			b.WriteString("; có một lớp thì không cần ghi tên lớp")
		}
		b.WriteString(".\n• /baocao – báo cáo từng bước bằng nút bấm; /huy để hủy.\n")
		b.WriteString("• /lop – số liệu mới nhất của lớp.\n")
		b.WriteString("• /moi – link mời phụ huynh (từng học sinh và link chung của lớp).\n")
		for _, cl := range c.classes {
			if cl.HasRoster {
				n := vntext.EscapeHTML(cl.Name)
				b.WriteString("• Lớp có danh sách học sinh: <code>/chuadong " + n + "</code> – em nào chưa có thẻ; <code>/dadong " + n + " 3 7 12</code> – đã tham gia qua trường; <code>/khac " + n +
					" 5</code> – đối tượng khác; <code>/xoadong " + n + " 3</code> – ghi nhầm, bỏ đánh dấu.\n")
				break
			}
		}
	}
	if len(c.schools) > 0 {
		b.WriteString("\n<b>Hiệu trưởng</b>\n")
		b.WriteString("• /xephang – bảng xếp hạng các lớp tuần này.\n• /lop – số liệu từng lớp.\n")
		b.WriteString("• /moi – link mời giáo viên chủ nhiệm (chọn lớp), hoặc <code>/moi giaovien 6A</code>.\n")
	}
	if len(c.areas) > 0 || c.admin {
		if c.admin {
			b.WriteString("\n<b>Quản trị</b>\n")
		} else {
			b.WriteString("\n<b>Cán bộ quản lý giáo dục</b>\n")
		}
		b.WriteString("• /xephang – bảng xếp hạng các trường tuần này.\n• /xuat – file Excel tổng hợp; /guingay – gửi ngay nhắc nhở, bảng xếp hạng.\n")
		if officerArea != "" {
			b.WriteString("• <code>/moi hieutruong Trường THCS Mỹ Tú</code>, <code>/moi canbo " + vntext.EscapeHTML(officerArea) + "</code> – mời hiệu trưởng, cán bộ cấp dưới.\n")
		} else {
			b.WriteString("• <code>/moi hieutruong Trường THCS Mỹ Tú</code> – mời hiệu trưởng.\n")
		}
	}
	if c.canInvite() {
		b.WriteString("• <code>/thuhoi MÃ</code> – thu hồi một mã mời đã tạo (người đã dùng mã mất quyền).\n")
		b.WriteString("• /xoaquyen – gỡ quyền của người ở cấp dưới (chọn trong danh sách), hoặc <code>/xoaquyen MÃ_NGƯỜI_DÙNG</code>.\n")
	}
	if c.isManager() && e.cfg.Web.Listen != "" {
		b.WriteString("• /web – link xem bảng số liệu trên trình duyệt (dùng một lần).\n")
	}
	if c.isParent() {
		b.WriteString("\n<b>Phụ huynh</b>\n")
		b.WriteString("• Khi con đã có thẻ BHYT, nhắn “Con tôi đã có thẻ” (hoặc /cothe) để báo giáo viên chủ nhiệm xác nhận.\n")
		fmt.Fprintf(&b, "• Mức đóng năm học %s: %s đồng/năm, có thể đóng theo %s tháng. %s\n", e.cfg.Campaign.SchoolYear,
			vntext.FormatInt(e.cfg.Campaign.Premium), joinInts(e.cfg.Campaign.PaymentMonths), vntext.EscapeHTML(e.cfg.Campaign.PaymentInfo))
	}
	b.WriteString("\n/toi – các quyền hiện có · /huongdan – hướng dẫn này")
	return b.String()
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// cmdWhoAmI answers /toi with the caller's roles and scopes.
func (e *Engine) cmdWhoAmI(ctx context.Context, t *turn, _ string) error {
	c := t.who
	id, err := ownID(ctx, t.tx, t.u.UserID)
	if err != nil {
		return err
	}
	if c.stranger() {
		return t.reply(ctx, "Tài khoản này ("+vntext.EscapeHTML(id)+") chưa có quyền nào.\n\n"+startText, nil)
	}
	var lines []string
	if c.admin {
		lines = append(lines, "• Quản trị toàn hệ thống")
	}
	for _, a := range c.areas {
		lines = append(lines, "• Cán bộ quản lý giáo dục: khu vực "+vntext.EscapeHTML(a.Path))
	}
	for _, s := range c.schools {
		lines = append(lines, "• Hiệu trưởng: "+vntext.EscapeHTML(schoolLabel(s)))
	}
	for _, cl := range c.classes {
		lines = append(lines, "• Giáo viên chủ nhiệm: "+vntext.EscapeHTML(classLabel(cl)))
	}
	for _, p := range c.pupils {
		cl := c.pupilClasses[p.ID]
		lines = append(lines, "• Phụ huynh em "+vntext.EscapeHTML(p.Name)+", "+vntext.EscapeHTML(classLabel(cl))+": "+statusName(p.Status))
	}
	for _, cl := range c.parentClasses {
		lines = append(lines, "• Phụ huynh "+vntext.EscapeHTML(classLabel(cl)))
	}
	name := t.u.Name
	if name == "" {
		name = "Tài khoản"
	}
	return t.reply(ctx, "👤 <b>"+vntext.EscapeHTML(clip(name))+"</b> ("+vntext.EscapeHTML(id)+")\n"+strings.Join(lines, "\n"), nil)
}

// cmdClasses answers /lop with the latest figures of the caller's classes: a teacher's own,
// a principal's school's; a parent sees their child only, and only in a private chat.
func (e *Engine) cmdClasses(ctx context.Context, t *turn, _ string) error {
	c := t.who
	week := t.week()
	var lines []string
	for _, cl := range c.classes {
		line, err := e.classLine(ctx, t.tx, cl, week)
		if err != nil {
			return err
		}
		lines = append(lines, line)
	}
	for _, s := range c.schools {
		classes, err := t.tx.ClassesOfSchool(ctx, s.ID, e.cfg.Campaign.SchoolYear)
		if err != nil {
			return fmt.Errorf("commands: classes: %w", err)
		}
		lines = append(lines, "", "<b>"+vntext.EscapeHTML(s.Name)+"</b>")
		for _, cl := range classes {
			line, err := e.classLine(ctx, t.tx, cl, week)
			if err != nil {
				return err
			}
			lines = append(lines, line)
		}
	}
	for _, p := range c.pupils {
		if !t.private() {
			break // a child's name and card status are for the parent, not the group
		}
		lines = append(lines, "Em "+vntext.EscapeHTML(p.Name)+" ("+vntext.EscapeHTML(classLabel(c.pupilClasses[p.ID]))+"): "+statusName(p.Status))
	}
	if len(lines) == 0 {
		if c.isManager() {
			return t.reply(ctx, "Gõ /xephang để xem số liệu các trường trong phạm vi quản lý.", nil)
		}
		return t.reply(ctx, "Chưa có lớp nào gắn với tài khoản này. Gõ /huongdan để xem các lệnh.", nil)
	}
	return t.replyLong(ctx, "📊 Số liệu mới nhất ("+weekLabel(week)+"):", lines, nil)
}

// classLine is "• 6A: 90,4% (38/42), còn 4 em" with the week when it is not this one, or
// "• 6A: chưa báo cáo".
func (e *Engine) classLine(ctx context.Context, tx *storage.Tx, cl storage.Class, week string) (string, error) {
	name := "• " + vntext.EscapeHTML(cl.Name) + ": "
	r, err := tx.LatestReport(ctx, cl.ID, week)
	if isNotFound(err) {
		return name + "chưa báo cáo", nil
	}
	if err != nil {
		return "", fmt.Errorf("commands: classes: %w", err)
	}
	line := fmt.Sprintf("%s%s (%d/%d)", name, vntext.FormatPercent(leaderboard.Percent(r.Insured(), r.Enrolment)), r.Insured(), r.Enrolment)
	if left := r.Enrolment - r.Insured(); left > 0 {
		line += ", còn " + strconv.Itoa(left) + " em"
	}
	if r.Week != week {
		line += " – số liệu " + weekLabel(r.Week) + ", tuần này chưa báo cáo"
	}
	return line, nil
}
