package reminders

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// Dedupe keys of the jobs' messages are "<job>/<period>/u<user id>[/<unit>][/<part>]", where
// period is the ISO week ("2026-W48"), or "final-<school year>" after the campaign deadline:
// every recipient gets the final result once, however many weeks the bot keeps running.
//
// After the deadline:
//   - principal-leaderboard and officer-leaderboard send the final board (Board.Final) of the
//     deadline's week, once;
//   - teacher-reminder sends each teacher, once, the final figures of their classes with a
//     thank-you, instead of a reminder;
//   - parent-reminder sends nothing: asking parents to pay after the campaign has closed
//     helps nobody, and they were never promised a result.

// period returns the dedupe period and the board week of a run at now.
func (s *Service) period(now time.Time) (period, boardWeek string, final bool) {
	if s.final(now) {
		return "final-" + s.cfg.Campaign.SchoolYear, storage.WeekOf(s.cfg.DeadlineTime(), s.loc), true
	}
	w := storage.WeekOf(now, s.loc)
	return w, w, false
}

// runJob builds a job's messages for the recipients at or below areaPath and enqueues them.
func (s *Service) runJob(ctx context.Context, tx *storage.Tx, job, areaPath, trigger string) (Result, error) {
	now := s.clock()
	period, week, final := s.period(now)
	res := Result{Job: job, Week: storage.WeekOf(now, s.loc), Trigger: trigger, Final: final}
	var (
		msgs []storage.Message
		n    int
		err  error
	)
	switch job {
	case config.JobTeacherReminder:
		msgs, n, err = s.teacherMessages(ctx, tx, areaPath, period, week, final)
	case config.JobPrincipalLeaderboard:
		msgs, n, err = s.principalMessages(ctx, tx, areaPath, period, week)
	case config.JobOfficerLeaderboard:
		msgs, n, err = s.officerMessages(ctx, tx, areaPath, period, week)
	case config.JobParentReminder:
		if !final {
			msgs, n, err = s.parentMessages(ctx, tx, areaPath, period, week, now)
		}
	default:
		return res, fmt.Errorf("%w %q", errUnknownJob, job)
	}
	if err != nil {
		return res, fmt.Errorf("reminders: %s: %w", job, err)
	}
	res.Recipients = n
	for _, m := range msgs {
		added, err := tx.Enqueue(ctx, m)
		if err != nil {
			return res, fmt.Errorf("reminders: %s: %w", job, err)
		}
		if added {
			res.Enqueued++
		}
	}
	return res, nil
}

func userKey(job, period string, userID int64) string {
	return job + "/" + period + "/u" + strconv.FormatInt(userID, 10)
}

// principalMessages: one board per (principal, school), its chart drawn once per school.
func (s *Service) principalMessages(ctx context.Context, tx *storage.Tx, areaPath, period, week string) ([]storage.Message, int, error) {
	holders, err := tx.RoleHolders(ctx, storage.RolePrincipal, s.cfg.Campaign.SchoolYear, areaPath)
	if err != nil {
		return nil, 0, err
	}
	c := newBoardCache()
	var out []storage.Message
	users := map[int64]bool{}
	for _, h := range holders {
		if h.SchoolID == 0 {
			continue
		}
		prefix := userKey(config.JobPrincipalLeaderboard, period, h.UserID) + "/s" + strconv.FormatInt(h.SchoolID, 10)
		ms, err := s.schoolMessages(ctx, tx, c, h.SchoolID, week, h.ChatID, prefix, storage.PriorityBroadcast)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, ms...)
		users[h.UserID] = true
	}
	return out, len(users), nil
}

// officerMessages: one board, chart and workbook per (officer, area).
func (s *Service) officerMessages(ctx context.Context, tx *storage.Tx, areaPath, period, week string) ([]storage.Message, int, error) {
	holders, err := tx.RoleHolders(ctx, storage.RoleOfficer, s.cfg.Campaign.SchoolYear, areaPath)
	if err != nil {
		return nil, 0, err
	}
	c := newBoardCache()
	var out []storage.Message
	users := map[int64]bool{}
	for _, h := range holders {
		if h.AreaID == 0 {
			continue
		}
		prefix := userKey(config.JobOfficerLeaderboard, period, h.UserID) + "/a" + strconv.FormatInt(h.AreaID, 10)
		ms, err := s.areaMessages(ctx, tx, c, h.AreaPath, week, h.ChatID, prefix, storage.PriorityBroadcast)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, ms...)
		users[h.UserID] = true
	}
	return out, len(users), nil
}

// classFigure returns a class's week figure from its school's figures.
func (s *Service) classFigure(ctx context.Context, tx *storage.Tx, c *boardCache, schoolID, classID int64, week string) (storage.WeekFigure, bool, error) {
	figs, err := s.figuresOfSchool(ctx, tx, c, schoolID, week)
	if err != nil {
		return storage.WeekFigure{}, false, err
	}
	for _, f := range figs {
		if f.Class.ID == classID {
			return f, true, nil
		}
	}
	return storage.WeekFigure{}, false, nil
}

// underTarget reports whether a class unit's carried-forward figure misses the target.
func (s *Service) underTarget(u Unit) bool {
	return lightOf(u.Insured(), u.Enrolment, s.cfg.Campaign.TargetPercent, s.cfg.Campaign.WarnBelowPercent) != LightGreen
}

// groupByUser splits role holders (ordered by user) into runs of one user each.
func groupByUser(hs []storage.RoleHolder) [][]storage.RoleHolder {
	var out [][]storage.RoleHolder
	for i := 0; i < len(hs); {
		j := i + 1
		for j < len(hs) && hs[j].UserID == hs[i].UserID {
			j++
		}
		out = append(out, hs[i:j])
		i = j
	}
	return out
}

// teacherMessages: before the deadline, one reminder per teacher listing their classes that
// have not reported this week and are under the target (none: no message); after it, one
// final message per teacher with their classes' final figures.
func (s *Service) teacherMessages(ctx context.Context, tx *storage.Tx, areaPath, period, week string, final bool) ([]storage.Message, int, error) {
	holders, err := tx.RoleHolders(ctx, storage.RoleTeacher, s.cfg.Campaign.SchoolYear, areaPath)
	if err != nil {
		return nil, 0, err
	}
	c := newBoardCache()
	var out []storage.Message
	for _, grants := range groupByUser(holders) {
		var lines []teacherLine
		schools := map[int64]bool{}
		for _, h := range grants {
			if h.ClassID == 0 {
				continue
			}
			f, ok, err := s.classFigure(ctx, tx, c, h.SchoolID, h.ClassID, week)
			if err != nil {
				return nil, 0, err
			}
			if !ok {
				continue
			}
			u := classUnit(f)
			if !final && (u.Reported || !s.underTarget(u)) {
				continue
			}
			lines = append(lines, teacherLine{unit: u, school: h.SchoolName, fig: f})
			schools[h.SchoolID] = true
		}
		if len(lines) == 0 {
			continue
		}
		var text string
		if final {
			text = s.teacherFinalText(lines, len(schools) > 1)
		} else {
			text = s.teacherReminderText(lines, len(schools) > 1, week)
		}
		out = append(out, storage.Message{
			DedupeKey: userKey(config.JobTeacherReminder, period, grants[0].UserID),
			ChatID:    grants[0].ChatID,
			Priority:  storage.PriorityBroadcast,
			Text:      text,
		})
	}
	return out, len(out), nil
}

type teacherLine struct {
	unit   Unit
	school string
	fig    storage.WeekFigure
}

func (l teacherLine) name(withSchool bool) string {
	s := "<b>" + vntext.EscapeHTML(l.unit.Name) + "</b>"
	if withSchool {
		s += " (" + vntext.EscapeHTML(l.school) + ")"
	}
	return s
}

func figureText(u Unit) string {
	return formatPercent(truncPercent(u.Insured(), u.Enrolment)) + " (" + formatInt(u.Insured()) + "/" + formatInt(u.Enrolment) + ")"
}

func (s *Service) teacherReminderText(lines []teacherLine, withSchool bool, week string) string {
	var b strings.Builder
	b.WriteString("<b>⏰ Nhắc báo cáo BHYT học sinh — ")
	b.WriteString(formatWeek(week))
	b.WriteString("</b>\n\nKính gửi thầy/cô,\n")
	if len(lines) == 1 {
		b.WriteString("Lớp sau chưa báo cáo tuần này và chưa đạt mục tiêu ")
	} else {
		b.WriteString("Các lớp sau chưa báo cáo tuần này và chưa đạt mục tiêu ")
	}
	b.WriteString(formatThreshold(s.cfg.Campaign.TargetPercent))
	b.WriteString(":\n")
	for _, l := range lines {
		b.WriteString("• ")
		b.WriteString(l.name(withSchool))
		b.WriteString(": ")
		if l.unit.LastWeek == "" {
			b.WriteString("chưa báo cáo lần nào")
		} else {
			b.WriteString("lần gần nhất ")
			b.WriteString(formatWeek(l.unit.LastWeek))
			b.WriteString(": ")
			b.WriteString(figureText(l.unit))
		}
		b.WriteByte('\n')
	}
	if d := s.cfg.DeadlineTime(); !d.IsZero() {
		b.WriteString("\n⏳ ")
		switch n := daysBetween(s.clock(), d); {
		case n > 0:
			b.WriteString("Còn <b>" + strconv.Itoa(n) + " ngày</b> đến hạn ")
		default:
			b.WriteString("Hôm nay là hạn chót ")
		}
		b.WriteString(d.Format("02/01/2006"))
		b.WriteString(".\n")
	}
	first := lines[0]
	through, other := 0, 0
	if first.fig.Previous != nil {
		through, other = first.fig.Previous.ThroughSchool, first.fig.Previous.Other
	}
	b.WriteString("\nBáo cáo bằng một tin nhắn, ví dụ:\n<code>/baocao ")
	b.WriteString(vntext.EscapeHTML(first.unit.Name))
	fmt.Fprintf(&b, " %d %d %d</code>\n", first.unit.Enrolment, through, other)
	b.WriteString("(lớp, sĩ số, tham gia qua trường, đối tượng khác). Gõ <code>/baocao</code> để được hướng dẫn từng bước.")
	return b.String()
}

func (s *Service) teacherFinalText(lines []teacherLine, withSchool bool) string {
	var b strings.Builder
	b.WriteString("<b>🏁 Kết quả cuối cùng BHYT học sinh</b>\n\nKính gửi thầy/cô,\nChiến dịch BHYT học sinh năm học ")
	b.WriteString(vntext.EscapeHTML(s.cfg.Campaign.SchoolYear))
	b.WriteString(" đã kết thúc")
	if d := s.cfg.DeadlineTime(); !d.IsZero() {
		b.WriteString(" ngày ")
		b.WriteString(d.Format("02/01/2006"))
	}
	b.WriteString(". Kết quả lớp của thầy/cô:\n")
	for _, l := range lines {
		b.WriteString("• ")
		b.WriteString(lightOf(l.unit.Insured(), l.unit.Enrolment, s.cfg.Campaign.TargetPercent, s.cfg.Campaign.WarnBelowPercent).Emoji())
		b.WriteByte(' ')
		b.WriteString(l.name(withSchool))
		b.WriteString(": ")
		if l.unit.Reported || l.unit.LastWeek != "" {
			b.WriteString(figureText(l.unit))
		} else {
			b.WriteString("chưa có số liệu")
		}
		b.WriteByte('\n')
	}
	b.WriteString("\nCảm ơn thầy/cô đã đồng hành cùng chiến dịch!")
	return b.String()
}
