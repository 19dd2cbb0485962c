package reminders

import (
	"strconv"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/schedule"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// parent: one reminder per parent per week, for their own uninsured pupils (roster) and
// their linked classes under target; held until the end of quiet hours. A child whose card
// a parent has already reported, waiting for the teacher, is not asked about again.
func (j *jobRun) parent(grants []storage.RoleHolder) error {
	s := j.s
	var items []storage.RoleHolder
	var seenClass map[int64]bool
	for _, h := range grants {
		switch {
		case h.ClaimPending:
		case h.StudentID != 0:
			if h.StudentStatus == storage.StatusUninsured {
				items = append(items, h)
			}
		case h.ClassID != 0:
			if seenClass[h.ClassID] {
				continue
			}
			cf, ok := j.f.class(h.ClassID)
			if ok && s.underTarget(classUnit(cf)) {
				items = append(items, h)
				if seenClass == nil {
					seenClass = map[int64]bool{}
				}
				seenClass[h.ClassID] = true
			}
		}
	}
	if len(items) == 0 {
		return nil
	}
	text, buttons := s.parentText(items, j.now, storage.ChannelOf(grants[0].ChatID) == storage.ChannelZalo)
	j.recipients++
	return j.emit(storage.Message{
		DedupeKey: userKey(config.JobParentReminder, j.period, grants[0].UserID),
		ChatID:    grants[0].ChatID,
		Priority:  storage.PriorityBroadcast,
		Text:      text,
		Buttons:   buttons,
		NotBefore: schedule.QuietUntil(s.cfg.QuietHours, s.loc, j.now),
	})
}

// PaymentAmount is the premium for a number of months, rounded to the đồng.
func PaymentAmount(premium, months int) int {
	return (premium*months + 6) / 12
}

// parentText is the reminder to a parent; numbered says their chat shows the buttons as
// numbered choices (Zalo), which the closing line then asks them to answer.
func (s *Service) parentText(items []storage.RoleHolder, now time.Time, numbered bool) (string, [][]storage.Button) {
	cp := s.cfg.Campaign
	var b strings.Builder
	var buttons [][]storage.Button
	b.WriteString("<b>💙 Nhắc tham gia BHYT học sinh</b>\n\nKính gửi quý phụ huynh,\n")
	for _, h := range items {
		where := "lớp " + vntext.EscapeHTML(h.ClassName) + ", " + vntext.EscapeHTML(h.SchoolName)
		if h.StudentID != 0 {
			b.WriteString("Theo danh sách của lớp, em <b>")
			b.WriteString(vntext.EscapeHTML(h.StudentName))
			b.WriteString("</b> (")
			b.WriteString(where)
			b.WriteString(") chưa có thẻ BHYT học sinh năm học ")
			b.WriteString(vntext.EscapeHTML(cp.SchoolYear))
			b.WriteString(".\n")
			label := button.CardText
			if len(items) > 1 {
				label = "✅ " + h.StudentName + " đã có thẻ"
			}
			buttons = append(buttons, []storage.Button{{Text: label, Data: button.CardStudentData(h.StudentID)}})
			continue
		}
		b.WriteString("Lớp của con (")
		b.WriteString(where)
		b.WriteString(") chưa đạt mục tiêu tham gia BHYT học sinh. Nếu con anh/chị chưa có thẻ BHYT, xin anh/chị tham gia cho con.\n")
		label := button.CardText
		if len(items) > 1 {
			label = "✅ Con tôi (lớp " + h.ClassName + ") đã có thẻ"
		}
		buttons = append(buttons, []storage.Button{{Text: label, Data: button.CardClassData(h.ClassID)}})
	}
	b.WriteString("\nThẻ BHYT giúp con được khám, chữa bệnh khi ốm đau, tai nạn; Nhà nước đã hỗ trợ một phần mức đóng.\n")
	b.WriteString("💰 Mức đóng: <b>")
	b.WriteString(vntext.FormatInt(cp.Premium))
	b.WriteString(" đ/năm</b>")
	if len(cp.PaymentMonths) > 0 {
		b.WriteString(", có thể đóng theo ")
		for i, m := range cp.PaymentMonths {
			switch {
			case i == 0:
			case i == len(cp.PaymentMonths)-1:
				b.WriteString(" hoặc ")
			default:
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(m))
			b.WriteString(" tháng (")
			b.WriteString(vntext.FormatInt(PaymentAmount(cp.Premium, m)))
			b.WriteString(" đ)")
		}
	}
	b.WriteString(".\n")
	if info := strings.TrimSpace(cp.PaymentInfo); info != "" {
		b.WriteString("📍 Cách nộp: ")
		b.WriteString(vntext.EscapeHTML(info))
		b.WriteByte('\n')
	}
	if d := s.cfg.DeadlineTime(); !d.IsZero() {
		b.WriteString("⏰ Hạn chót: ")
		b.WriteString(d.Format("02/01/2006"))
		if n := leaderboard.DaysBetween(now, d); n > 0 {
			b.WriteString(" (còn " + strconv.Itoa(n) + " ngày)")
		}
		b.WriteString(".\n")
	}
	b.WriteString("\nNếu con đã có thẻ (kể cả thẻ thuộc đối tượng khác như trẻ dưới 6 tuổi, hộ nghèo, cận nghèo), ")
	b.WriteString("anh/chị vui lòng " + button.PressHint(numbered) + " để báo giáo viên chủ nhiệm.\nTrân trọng cảm ơn anh/chị!")
	return b.String(), buttons
}
