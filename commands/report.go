package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/metrics"
	"github.com/bhytbot/bhytbot/report"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// cmdReport handles "/baocao …": a full report, or the guided flow when figures are absent.
func (e *Engine) cmdReport(ctx context.Context, t *turn, _ string) error {
	handled, err := e.textReport(ctx, t)
	if handled || err != nil {
		return err
	}
	return e.startGuided(ctx, t, 0)
}

// textReport parses the update's text as a report of one of the teacher's classes and, if
// it is one, writes it (or explains its fault). handled is false for a text that is not a
// report attempt.
func (e *Engine) textReport(ctx context.Context, t *turn) (handled bool, err error) {
	in, ok, perr := report.Parse(t.u.Text, t.who.classNames())
	switch {
	case errors.Is(perr, report.ErrGuided):
		cl, _ := t.who.classByName(in.Class)
		return true, e.startGuided(ctx, t, cl.ID)
	case perr != nil:
		var re *report.Error
		if errors.As(perr, &re) {
			metrics.ReportsRejected.WithLabelValues(re.Code.String()).Inc()
			if cl, found := t.who.classByName(re.Class); found {
				if re.Own, err = ownFigures(ctx, t, cl); err != nil {
					return true, err
				}
			}
			return true, t.reply(ctx, "⚠️ "+vntext.EscapeHTML(re.Error()), nil)
		}
		return true, fmt.Errorf("commands: report: %w", perr)
	case !ok:
		return false, nil
	}
	cl, found := t.who.classByName(in.Class)
	if !found {
		return true, t.reply(ctx, "⚠️ Lớp này không phải lớp thầy/cô chủ nhiệm.", nil)
	}
	return true, e.submitReport(ctx, t, cl, in, storage.SourceMessage)
}

// submitReport writes a count report for one of the teacher's classes and replies with the
// class's coverage, pupils still uninsured, its rank in the school and a "Sửa" button. A
// class with a roster takes its counts from the roster: the count report is not written
// and the reply says so.
func (e *Engine) submitReport(ctx context.Context, t *turn, cl storage.Class, in report.Input, source string) error {
	if !t.who.teaches(cl.ID) {
		return t.reply(ctx, "⚠️ Lớp "+vntext.EscapeHTML(cl.Name)+" không phải lớp thầy/cô chủ nhiệm.", nil)
	}
	if cl.HasRoster {
		return e.rosterNotice(ctx, t, cl)
	}
	if err := checkFigures(in.Enrolment, in.ThroughSchool, in.Other); err != nil {
		var re *report.Error
		if errors.As(err, &re) {
			metrics.ReportsRejected.WithLabelValues(re.Code.String()).Inc()
			re.Class = cl.Name
			own, ferr := ownFigures(ctx, t, cl)
			if ferr != nil {
				return ferr
			}
			re.Own = own
		}
		return t.reply(ctx, "⚠️ "+vntext.EscapeHTML(err.Error()), nil)
	}
	// The class's enrolment is the school's list (the roster import); a report that gives
	// another one is taken as this week's figure and said to differ, and the list stays as
	// it is, so each later report is compared with the list again.
	listed := cl.Enrolment
	r := storage.Report{ClassID: cl.ID, Week: t.week(), Enrolment: in.Enrolment, ThroughSchool: in.ThroughSchool, Other: in.Other,
		Source: source, UserID: t.u.UserID, UpdateID: t.u.ID}
	id, err := t.tx.InsertReport(ctx, r)
	if err != nil {
		return fmt.Errorf("commands: report: %w", err)
	}
	metrics.ReportsAccepted.WithLabelValues(source).Inc()
	detail := fmt.Sprintf("report=%d class=%d week=%s enrolment=%d school=%d other=%d source=%s", id, cl.ID, r.Week, r.Enrolment, r.ThroughSchool, r.Other, source)
	if err := t.tx.Audit(ctx, t.u.UserID, "report", detail); err != nil {
		return fmt.Errorf("commands: report: %w", err)
	}
	text, err := e.figuresText(ctx, t.tx, cl, r, "✅ Đã ghi báo cáo")
	if err != nil {
		return err
	}
	if in.InsuredOnly {
		text += "\n(Thầy/cô gửi dạng số có thẻ/sĩ số nên cả " + strconv.Itoa(in.ThroughSchool) + " em được tính là tham gia qua trường.)"
	}
	if in.Enrolment != listed {
		text += "\n⚠️ Sĩ số đã đổi từ " + strconv.Itoa(listed) + " thành " + strconv.Itoa(in.Enrolment) +
			" so với danh sách của trường; nếu nhầm, thầy/cô gửi lại báo cáo đúng. Hiệu trưởng sẽ thấy thay đổi này trong bảng xếp hạng tuần."
	}
	return t.reply(ctx, text, [][]storage.Button{{{Text: "✏️ Sửa", Data: button.ReportEditData(cl.ID)}}})
}

// ownFigures are the numbers a correct example for the class shows: the enrolment on the
// school's list with the insured counts of the class's latest report (cut to fit), or, before
// any report, three quarters through school and a tenth in other categories.
func ownFigures(ctx context.Context, t *turn, cl storage.Class) ([3]int, error) {
	enrol := cl.Enrolment
	through, other := enrol*3/4, enrol/10
	r, err := t.tx.LatestReport(ctx, cl.ID, t.week())
	switch {
	case err == nil:
		through, other = min(r.ThroughSchool, enrol), r.Other
		other = min(other, enrol-through)
	case !isNotFound(err):
		return [3]int{}, fmt.Errorf("commands: example figures: %w", err)
	}
	return [3]int{enrol, through, other}, nil
}

// checkFigures applies the report bounds (the parser applies them too; the guided flow and
// the roster rely on this).
func checkFigures(enrolment, through, other int) error {
	example := &report.Error{Class: ""}
	switch {
	case enrolment < report.MinEnrolment || enrolment > report.MaxEnrolment:
		example.Code, example.Got = report.CodeEnrolmentRange, strconv.Itoa(enrolment)
	case through < 0 || other < 0:
		example.Code, example.Got = report.CodeNegative, strconv.Itoa(min(through, other))
	case through+other > enrolment:
		example.Code, example.Enrolment, example.ThroughSchool, example.Other = report.CodeExceedsEnrolment, enrolment, through, other
	default:
		return nil
	}
	return example
}

// rosterNotice answers a count report for a class whose counts come from its roster.
func (e *Engine) rosterNotice(ctx context.Context, t *turn, cl storage.Class) error {
	total, school, other, err := t.tx.RosterCounts(ctx, cl.ID)
	if err != nil {
		return fmt.Errorf("commands: roster counts: %w", err)
	}
	name := vntext.EscapeHTML(cl.Name)
	return t.reply(ctx, "ℹ️ Lớp <b>"+name+"</b> có danh sách học sinh nên số liệu được tính từ danh sách, không nhận báo cáo số. "+
		"Theo danh sách: sĩ số "+strconv.Itoa(total)+", qua trường "+strconv.Itoa(school)+", đối tượng khác "+strconv.Itoa(other)+".\n"+
		"Đánh dấu học sinh đã có thẻ theo số thứ tự: <code>/dadong "+name+" 3 7 12</code> (qua trường), <code>/khac "+name+" 5</code> (đối tượng khác); "+
		"xem em nào chưa có thẻ: <code>/chuadong "+name+"</code>.", nil)
}

// figuresText describes a class's figure: coverage, pupils uninsured, rank in the school.
func (e *Engine) figuresText(ctx context.Context, tx *storage.Tx, cl storage.Class, r storage.Report, head string) (string, error) {
	var b strings.Builder
	b.WriteString(head + " lớp <b>" + vntext.EscapeHTML(cl.Name) + "</b> – " + weekLabel(r.Week) + ":\n")
	fmt.Fprintf(&b, "Sĩ số %d · qua trường %d · đối tượng khác %d\n", r.Enrolment, r.ThroughSchool, r.Other)
	b.WriteString("Tỷ lệ tham gia BHYT: <b>" + vntext.FormatPercent(leaderboard.Percent(r.Insured(), r.Enrolment)) + "</b>\n")
	if left := r.Enrolment - r.Insured(); left > 0 {
		b.WriteString("Còn <b>" + strconv.Itoa(left) + "</b> học sinh chưa tham gia.")
	} else {
		b.WriteString("🎉 Cả lớp đã có thẻ BHYT!")
	}
	rank, ranked, err := e.standing(ctx, tx, cl, r.Week)
	if err != nil {
		return "", err
	}
	if rank > 0 {
		fmt.Fprintf(&b, "\nLớp đứng <b>hạng %d</b> trong %d lớp đã báo cáo của trường tuần này.", rank, ranked)
	}
	return b.String(), nil
}

// weekLabel shows "2026-W48" as "tuần 48/2026".
func weekLabel(week string) string {
	y, w, ok := strings.Cut(week, "-W")
	if !ok {
		return "tuần " + week
	}
	return "tuần " + strings.TrimLeft(w, "0") + "/" + y
}

// standing returns the class's rank among its school's classes that reported in week, and
// how many reported (ranked as on the school leaderboard).
func (e *Engine) standing(ctx context.Context, tx *storage.Tx, cl storage.Class, week string) (rank, reported int, err error) {
	rank, reported, err = tx.RankInSchool(ctx, cl, week)
	if err != nil {
		return 0, 0, fmt.Errorf("commands: standing: %w", err)
	}
	return rank, reported, nil
}
