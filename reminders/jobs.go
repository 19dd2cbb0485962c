package reminders

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/leaderboard"
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
// The figures of every class at or below areaPath are read once; each recipient's message
// is built from them in memory and written at once through one prepared statement, so that
// memory stays flat however many recipients there are.
func (s *Service) runJob(ctx context.Context, tx *storage.Tx, job, areaPath, trigger string) (Result, error) {
	now := s.clock()
	period, week, final := s.period(now)
	res := Result{Job: job, Week: storage.WeekOf(now, s.loc), Trigger: trigger, Final: final}
	if !slices.Contains(config.Jobs, job) {
		return res, fmt.Errorf("%w %q", errUnknownJob, job)
	}
	if job == config.JobParentReminder && final {
		return res, nil
	}
	enq, err := tx.Enqueuer(ctx)
	if err != nil {
		return res, fmt.Errorf("reminders: %s: %w", job, err)
	}
	defer enq.Close()
	emit := func(m storage.Message) error {
		added, err := enq.Enqueue(ctx, m)
		if added {
			res.Enqueued++
		}
		return err
	}
	f, err := s.loadFigures(ctx, tx, areaPath, week)
	if err != nil {
		return res, fmt.Errorf("reminders: %s: %w", job, err)
	}
	j := jobRun{s: s, f: f, period: period, week: week, final: final, now: now, emit: emit}
	switch job {
	case config.JobTeacherReminder:
		err = s.eachUser(ctx, tx, storage.RoleTeacher, areaPath, j.teacher)
	case config.JobPrincipalLeaderboard:
		err = s.eachUser(ctx, tx, storage.RolePrincipal, areaPath, j.principal)
	case config.JobOfficerLeaderboard:
		err = s.eachUser(ctx, tx, storage.RoleOfficer, areaPath, j.officer)
	case config.JobParentReminder:
		err = s.eachUser(ctx, tx, storage.RoleParent, areaPath, j.parent)
	}
	res.Recipients = j.recipients
	if err != nil {
		return res, fmt.Errorf("reminders: %s: %w", job, err)
	}
	return res, nil
}

// jobRun is one run of a job: the figures it reads, the period of its dedupe keys, and where
// its messages go.
type jobRun struct {
	s            *Service
	f            *figures
	period, week string
	final        bool
	now          time.Time
	emit         func(storage.Message) error
	recipients   int
}

// eachUser calls fn with the grants of a role of each user in turn (grants of a user are
// consecutive, ordered by user then grant), streaming them from storage.
func (s *Service) eachUser(ctx context.Context, tx *storage.Tx, role, areaPath string, fn func([]storage.RoleHolder) error) error {
	var grants []storage.RoleHolder
	err := tx.EachRoleHolder(ctx, role, s.cfg.Campaign.SchoolYear, areaPath, func(h storage.RoleHolder) error {
		if len(grants) > 0 && grants[0].UserID != h.UserID {
			if err := fn(grants); err != nil {
				return err
			}
			grants = grants[:0]
		}
		grants = append(grants, h)
		return nil
	})
	if err != nil {
		return err
	}
	if len(grants) > 0 {
		return fn(grants)
	}
	return nil
}

func userKey(job, period string, userID int64) string {
	return job + "/" + period + "/u" + strconv.FormatInt(userID, 10)
}

// principal: one board per (principal, school), its chart drawn at send time.
func (j *jobRun) principal(grants []storage.RoleHolder) error {
	return j.boards(grants, config.JobPrincipalLeaderboard, "s",
		func(h storage.RoleHolder) int64 { return h.SchoolID },
		func(h storage.RoleHolder, prefix string) ([]storage.Message, error) {
			return j.s.schoolMessages(j.f, h.SchoolID, h.ChatID, prefix, storage.PriorityBroadcast)
		})
}

// officer: one board, chart and workbook per (officer, area), chart and workbook drawn at
// send time.
func (j *jobRun) officer(grants []storage.RoleHolder) error {
	return j.boards(grants, config.JobOfficerLeaderboard, "a",
		func(h storage.RoleHolder) int64 { return h.AreaID },
		func(h storage.RoleHolder, prefix string) ([]storage.Message, error) {
			return j.s.areaMessages(j.f, h.AreaPath, h.ChatID, prefix, storage.PriorityBroadcast)
		})
}

// boards emits one board per grant of a user that has a scope (scope returns its id); tag
// and the id make each board's dedupe keys distinct. The user counts once as a recipient.
func (j *jobRun) boards(grants []storage.RoleHolder, job, tag string, scope func(storage.RoleHolder) int64,
	build func(h storage.RoleHolder, prefix string) ([]storage.Message, error)) error {
	sent := false
	for _, h := range grants {
		id := scope(h)
		if id == 0 {
			continue
		}
		ms, err := build(h, userKey(job, j.period, h.UserID)+"/"+tag+strconv.FormatInt(id, 10))
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := j.emit(m); err != nil {
				return err
			}
		}
		sent = true
	}
	if sent {
		j.recipients++
	}
	return nil
}

// underTarget reports whether a class unit's carried-forward figure misses the target.
func (s *Service) underTarget(u leaderboard.Unit) bool {
	return u.Light(s.cfg.Campaign.TargetPercent, s.cfg.Campaign.WarnBelowPercent) != leaderboard.LightGreen
}

// teacher: before the deadline, one reminder per teacher listing their classes that have
// not reported this week and are under the target (none: no message); after it, one final
// message per teacher with their classes' final figures.
func (j *jobRun) teacher(grants []storage.RoleHolder) error {
	s := j.s
	var lines []teacherLine
	schools := map[int64]bool{}
	for _, h := range grants {
		if h.ClassID == 0 {
			continue
		}
		cf, ok := j.f.class(h.ClassID)
		if !ok {
			continue
		}
		u := classUnit(cf)
		if !j.final && (u.Reported || !s.underTarget(u)) {
			continue
		}
		lines = append(lines, teacherLine{unit: u, school: h.SchoolName, fig: cf})
		schools[h.SchoolID] = true
	}
	if len(lines) == 0 {
		return nil
	}
	var text string
	if j.final {
		text = s.teacherFinalText(lines, len(schools) > 1)
	} else {
		text = s.teacherReminderText(lines, len(schools) > 1, j.week)
	}
	j.recipients++
	return j.emit(storage.Message{
		DedupeKey: userKey(config.JobTeacherReminder, j.period, grants[0].UserID),
		ChatID:    grants[0].ChatID,
		Priority:  storage.PriorityBroadcast,
		Text:      text,
	})
}

type teacherLine struct {
	unit   leaderboard.Unit
	school string
	fig    *storage.ClassFigure
}

func (l teacherLine) name(withSchool bool) string {
	s := "<b>" + vntext.EscapeHTML(l.unit.Name) + "</b>"
	if withSchool {
		s += " (" + vntext.EscapeHTML(l.school) + ")"
	}
	return s
}

func figureText(u leaderboard.Unit) string {
	return leaderboard.FormatPercent(leaderboard.Percent(u.Insured(), u.Enrolment)) + " (" + vntext.FormatInt(u.Insured()) + "/" + vntext.FormatInt(u.Enrolment) + ")"
}

func (s *Service) teacherReminderText(lines []teacherLine, withSchool bool, week string) string {
	var b strings.Builder
	b.WriteString("<b>⏰ Nhắc báo cáo BHYT học sinh — ")
	b.WriteString(leaderboard.FormatWeek(week))
	b.WriteString("</b>\n\nKính gửi thầy/cô,\n")
	if len(lines) == 1 {
		b.WriteString("Lớp sau chưa báo cáo tuần này và chưa đạt mục tiêu ")
	} else {
		b.WriteString("Các lớp sau chưa báo cáo tuần này và chưa đạt mục tiêu ")
	}
	b.WriteString(leaderboard.FormatThreshold(s.cfg.Campaign.TargetPercent))
	b.WriteString(":\n")
	for _, l := range lines {
		b.WriteString("• ")
		b.WriteString(l.name(withSchool))
		b.WriteString(": ")
		if l.unit.LastWeek == "" {
			b.WriteString("chưa báo cáo lần nào")
		} else {
			b.WriteString("lần gần nhất ")
			b.WriteString(leaderboard.FormatWeek(l.unit.LastWeek))
			b.WriteString(": ")
			b.WriteString(figureText(l.unit))
		}
		b.WriteByte('\n')
	}
	if d := s.cfg.DeadlineTime(); !d.IsZero() {
		b.WriteString("\n⏳ ")
		switch n := leaderboard.DaysBetween(s.clock(), d); {
		case n > 0:
			b.WriteString("Còn <b>" + strconv.Itoa(n) + " ngày</b> đến hạn ")
		default:
			b.WriteString("Hôm nay là hạn chót ")
		}
		b.WriteString(d.Format("02/01/2006"))
		b.WriteString(".\n")
	}
	var count, roster *teacherLine
	for i := range lines {
		if lines[i].fig.Roster {
			roster = cmp.Or(roster, &lines[i])
		} else {
			count = cmp.Or(count, &lines[i])
		}
	}
	if count != nil {
		through, other := 0, 0
		if count.fig.Prev.Has() {
			through, other = int(count.fig.Prev.ThroughSchool), int(count.fig.Prev.Other)
		}
		b.WriteString("\nBáo cáo bằng một tin nhắn, ví dụ:\n<code>/baocao ")
		b.WriteString(vntext.EscapeHTML(count.unit.Name))
		fmt.Fprintf(&b, " %d %d %d</code>\n", count.unit.Enrolment, through, other)
		b.WriteString("(lớp, sĩ số, tham gia qua trường, đối tượng khác). Gõ <code>/baocao</code> để được hướng dẫn từng bước.")
	}
	if roster != nil {
		name := vntext.EscapeHTML(roster.unit.Name)
		b.WriteString("\nLớp có danh sách học sinh: đánh dấu em đã có thẻ theo số thứ tự, ví dụ <code>/dadong " + name + " 3 7</code> (qua trường), <code>/khac " +
			name + " 5</code> (đối tượng khác); xem em chưa có thẻ: <code>/chuadong " + name + "</code>.")
	}
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
		b.WriteString(l.unit.Light(s.cfg.Campaign.TargetPercent, s.cfg.Campaign.WarnBelowPercent).Emoji())
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
