package commands

import (
	"context"
	"fmt"
	"github.com/bhytbot/bhytbot/metrics"
	"slices"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/report"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// rosterArgs splits "6A 3 7 12" (class optional for a one-class teacher) into the class and
// the roster numbers; "3-7" is a range. fault is a Vietnamese message.
func rosterArgs(c *caller, args string) (cl storage.Class, numbers []int, fault string) {
	toks := strings.FieldsFunc(vntext.Narrow(args), func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\t' || r == '\n' })
	at := 0
	for n := min(len(toks), 3); n >= 1 && at == 0; n-- {
		k := looseClassKey(strings.Join(toks[:n], ""))
		for _, own := range c.classes {
			if looseClassKey(own.Name) == k {
				cl, at = own, n
			}
		}
	}
	if at == 0 {
		switch {
		case len(toks) > 0 && !isNumberToken(toks[0]):
			return cl, nil, "Lớp “" + vntext.EscapeHTML(clip(toks[0])) + "” không có trong các lớp thầy/cô chủ nhiệm (" + vntext.EscapeHTML(strings.Join(c.classNames(), ", ")) + ")."
		case len(c.classes) != 1:
			return cl, nil, "Thầy/cô chủ nhiệm nhiều lớp (" + vntext.EscapeHTML(strings.Join(c.classNames(), ", ")) + "), hãy ghi tên lớp trước các số."
		}
		cl = c.classes[0]
	}
	for _, tok := range toks[at:] {
		lo, hi, ok := numberRange(tok)
		if !ok {
			return cl, nil, "“" + vntext.EscapeHTML(clip(tok)) + "” không phải số thứ tự học sinh."
		}
		for n := lo; n <= hi; n++ {
			if !slices.Contains(numbers, n) {
				numbers = append(numbers, n)
			}
		}
	}
	return cl, numbers, ""
}

func isNumberToken(s string) bool { _, _, ok := numberRange(s); return ok }

// numberRange reads "12" or "3-7" (at most 200 numbers).
func numberRange(s string) (lo, hi int, ok bool) {
	a, b, isRange := strings.Cut(s, "-")
	lo, err := strconv.Atoi(a)
	if err != nil || lo < 1 {
		return 0, 0, false
	}
	hi = lo
	if isRange {
		if hi, err = strconv.Atoi(b); err != nil || hi < lo || hi-lo >= report.MaxEnrolment {
			return 0, 0, false
		}
	}
	return lo, hi, true
}

func statusName(status string) string {
	switch status {
	case storage.StatusSchool:
		return "đã tham gia BHYT qua trường"
	case storage.StatusOther:
		return "đã có thẻ thuộc đối tượng khác"
	}
	return "chưa tham gia BHYT"
}

func markExample(status, class string) string {
	cmd := map[string]string{storage.StatusSchool: "/dadong", storage.StatusOther: "/khac", storage.StatusUninsured: "/xoadong"}[status]
	return "<code>" + cmd + " " + vntext.EscapeHTML(class) + " 3 7 12</code>"
}

// markCmd returns the handler of /dadong (through school), /khac (other category) and
// /xoadong (back to uninsured): it marks roster pupils by number, all or none.
func (e *Engine) markCmd(status string) commandFunc {
	return func(ctx context.Context, t *turn, args string) error {
		cl, numbers, fault := rosterArgs(t.who, args)
		example := markExample(status, "6A")
		if cl.ID != 0 {
			example = markExample(status, cl.Name)
		}
		if fault != "" {
			return t.reply(ctx, "⚠️ "+fault+" Ví dụ đúng: "+example, nil)
		}
		if len(numbers) == 0 {
			return t.reply(ctx, "⚠️ Hãy ghi số thứ tự của các học sinh. Ví dụ đúng: "+example, nil)
		}
		pupils, err := t.tx.StudentsOfClass(ctx, cl.ID)
		if err != nil {
			return fmt.Errorf("commands: mark: %w", err)
		}
		if len(pupils) == 0 {
			own, err := ownFigures(ctx, t, cl)
			if err != nil {
				return err
			}
			return t.reply(ctx, fmt.Sprintf("⚠️ Lớp <b>%s</b> chưa có danh sách học sinh; hãy báo cáo số liệu, ví dụ <code>/baocao %s %d %d %d</code>.",
				vntext.EscapeHTML(cl.Name), vntext.EscapeHTML(cl.Name), own[0], own[1], own[2]), nil)
		}
		byNumber := make(map[int]storage.Student, len(pupils))
		for _, p := range pupils {
			byNumber[p.Number] = p
		}
		var unknown []string
		for _, n := range numbers {
			if _, ok := byNumber[n]; !ok {
				unknown = append(unknown, strconv.Itoa(n))
			}
		}
		if len(unknown) > 0 {
			return t.reply(ctx, "⚠️ Lớp <b>"+vntext.EscapeHTML(cl.Name)+"</b> không có học sinh số "+strings.Join(unknown, ", ")+
				" (danh sách có "+strconv.Itoa(len(pupils))+" em). Chưa ghi gì. Ví dụ đúng: "+example, nil)
		}
		var changed []string
		for _, n := range numbers {
			p := byNumber[n]
			if p.Status == status {
				continue
			}
			if err := e.setStatus(ctx, t, p, status); err != nil {
				return err
			}
			changed = append(changed, strconv.Itoa(n))
		}
		head := "✅ Đã ghi " + strconv.Itoa(len(changed)) + " học sinh " + statusName(status)
		if len(changed) > 0 {
			head += " (số " + strings.Join(changed, ", ") + ")"
		}
		if same := len(numbers) - len(changed); same > 0 {
			head += "; " + strconv.Itoa(same) + " em đã được ghi như vậy từ trước"
		}
		r, err := e.rosterReport(ctx, t.tx, t.u, cl)
		if err != nil {
			return err
		}
		text, err := e.figuresText(ctx, t.tx, cl, r, "Số liệu")
		if err != nil {
			return err
		}
		return t.reply(ctx, head+".\n\n"+text, nil)
	}
}

// setStatus records a pupil's status with an audit entry.
func (e *Engine) setStatus(ctx context.Context, t *turn, p storage.Student, status string) error {
	if err := t.tx.SetStudentStatus(ctx, p.ID, status); err != nil {
		return fmt.Errorf("commands: status: %w", err)
	}
	detail := fmt.Sprintf("student=%d class=%d number=%d %s->%s", p.ID, p.ClassID, p.Number, p.Status, status)
	if err := t.tx.Audit(ctx, t.u.UserID, "student_status", detail); err != nil {
		return fmt.Errorf("commands: status: %w", err)
	}
	return nil
}

// rosterReport appends a report whose counts come from the class's roster.
func (e *Engine) rosterReport(ctx context.Context, tx *storage.Tx, u Update, cl storage.Class) (storage.Report, error) {
	total, school, other, err := tx.RosterCounts(ctx, cl.ID)
	if err != nil {
		return storage.Report{}, fmt.Errorf("commands: roster report: %w", err)
	}
	enrolment := max(total, report.MinEnrolment)
	if enrolment > report.MaxEnrolment {
		return storage.Report{}, fmt.Errorf("commands: roster report: class %d has %d pupils", cl.ID, total)
	}
	r := storage.Report{ClassID: cl.ID, Week: storage.WeekOf(e.clock(), e.loc), Enrolment: enrolment, ThroughSchool: school, Other: other,
		Source: storage.SourceRoster, UserID: u.UserID, UpdateID: u.ID}
	id, err := tx.InsertReport(ctx, r)
	if err != nil {
		return storage.Report{}, fmt.Errorf("commands: roster report: %w", err)
	}
	metrics.ReportsAccepted.WithLabelValues(storage.SourceRoster).Inc()
	detail := fmt.Sprintf("report=%d class=%d week=%s enrolment=%d school=%d other=%d source=roster", id, cl.ID, r.Week, r.Enrolment, school, other)
	if err := tx.Audit(ctx, u.UserID, "report", detail); err != nil {
		return storage.Report{}, fmt.Errorf("commands: roster report: %w", err)
	}
	return r, nil
}

// cmdUninsured lists a roster class's uninsured pupils, to the teacher only.
func (e *Engine) cmdUninsured(ctx context.Context, t *turn, args string) error {
	cl, numbers, fault := rosterArgs(t.who, args)
	if fault == "" && len(numbers) > 0 {
		fault = "Chỉ cần ghi tên lớp."
	}
	if fault != "" {
		ex := "6A"
		if len(t.who.classes) > 0 {
			ex = t.who.classes[0].Name
		}
		return t.reply(ctx, "⚠️ "+fault+" Ví dụ đúng: <code>/chuadong "+vntext.EscapeHTML(ex)+"</code>", nil)
	}
	pupils, err := t.tx.StudentsOfClass(ctx, cl.ID)
	if err != nil {
		return fmt.Errorf("commands: uninsured: %w", err)
	}
	name := vntext.EscapeHTML(cl.Name)
	if len(pupils) == 0 {
		return t.reply(ctx, "Lớp <b>"+name+"</b> chưa có danh sách học sinh nên không liệt kê được từng em. Hãy báo cáo số liệu bằng /baocao.", nil)
	}
	claimed, err := t.tx.PupilsClaimed(ctx, cl.ID)
	if err != nil {
		return fmt.Errorf("commands: uninsured: %w", err)
	}
	var lines []string
	for _, p := range pupils {
		if p.Status == storage.StatusUninsured {
			line := strconv.Itoa(p.Number) + ". " + vntext.EscapeHTML(p.Name)
			if claimed[p.ID] {
				line += " (phụ huynh báo đã có thẻ, chờ thầy/cô xác nhận)"
			}
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return t.reply(ctx, "🎉 Lớp <b>"+name+"</b>: cả "+strconv.Itoa(len(pupils))+" học sinh đã có thẻ BHYT.", nil)
	}
	header := fmt.Sprintf("Lớp <b>%s</b>: %d/%d học sinh chưa tham gia BHYT:", name, len(lines), len(pupils))
	lines = append(lines, "", "Khi em nào có thẻ: "+markExample(storage.StatusSchool, cl.Name)+" hoặc "+markExample(storage.StatusOther, cl.Name)+".")
	return t.replyLong(ctx, header, lines, nil)
}
