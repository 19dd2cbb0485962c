package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/report"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// Conversation kinds kept in the conversations table.
const (
	convReport = "baocao"   // the guided report
	convParent = "phuhuynh" // a parent identifying their child after a class link
)

// Steps of the guided report.
const (
	stepClass   = "class"
	stepEnrol   = "e"
	stepThrough = "t"
	stepOther   = "o"
	stepConfirm = "ok"
)

// guidedState is the guided report in progress, stored as JSON so it survives a restart.
type guidedState struct {
	Step      string `json:"step"`
	Class     int64  `json:"class,omitempty"`
	Enrolment int    `json:"enrolment,omitempty"`
	Through   int    `json:"through,omitempty"`
	Other     int    `json:"other,omitempty"`
}

var (
	cancelButton = storage.Button{Text: "❌ Hủy", Data: button.ReportAction(button.ReportCancel)}
)

// startGuided opens the guided report, at the class step or, when the class is known,
// at the enrolment step.
func (e *Engine) startGuided(ctx context.Context, t *turn, classID int64) error {
	if classID == 0 && len(t.who.classes) == 1 {
		classID = t.who.classes[0].ID
	}
	st := guidedState{Step: stepClass}
	if classID != 0 {
		cl, ok := e.ownClass(t, classID)
		if !ok {
			return t.reply(ctx, "⚠️ Lớp này không phải lớp thầy/cô chủ nhiệm.", nil)
		}
		if cl.HasRoster {
			return e.rosterNotice(ctx, t, cl)
		}
		st = guidedState{Step: stepEnrol, Class: cl.ID}
	}
	return e.saveAndPrompt(ctx, t, st, "")
}

func (e *Engine) ownClass(t *turn, id int64) (storage.Class, bool) {
	for _, cl := range t.who.classes {
		if cl.ID == id {
			return cl, true
		}
	}
	return storage.Class{}, false
}

func (e *Engine) saveAndPrompt(ctx context.Context, t *turn, st guidedState, fault string) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("commands: guided: %w", err)
	}
	if err := t.tx.SaveConversation(ctx, t.u.UserID, convReport, string(raw)); err != nil {
		return fmt.Errorf("commands: guided: %w", err)
	}
	return e.prompt(ctx, t, st, fault)
}

// prompt asks the question of the current step; fault, if any, says what was wrong with
// the last answer.
func (e *Engine) prompt(ctx context.Context, t *turn, st guidedState, fault string) error {
	prefix := ""
	if fault != "" {
		prefix = "⚠️ " + fault + "\n\n"
	}
	if st.Step == stepClass {
		rows := classButtons(t.who.classes, button.ClassPrefix(button.Report, button.ReportClass))
		rows = append(rows, []storage.Button{cancelButton})
		return t.reply(ctx, prefix+"📝 Báo cáo BHYT học sinh: chọn lớp.", rows)
	}
	cl, ok := e.ownClass(t, st.Class)
	if !ok {
		if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
			return fmt.Errorf("commands: guided: %w", err)
		}
		return t.reply(ctx, "⚠️ Thầy/cô không còn chủ nhiệm lớp này; đã hủy báo cáo.", nil)
	}
	name := "<b>" + vntext.EscapeHTML(cl.Name) + "</b>"
	num := func(text string, n int) storage.Button {
		return storage.Button{Text: text, Data: button.ReportNumberData(st.Step, n)}
	}
	switch st.Step {
	case stepEnrol:
		row := []storage.Button{num(strconv.Itoa(cl.Enrolment)+" (theo danh sách)", cl.Enrolment)}
		// A class whose last report gave another enrolment is offered that one too, so a
		// correction ("Sửa") keeps it with one press.
		if r, err := t.tx.LatestReport(ctx, cl.ID, t.week()); err == nil && r.Enrolment != cl.Enrolment {
			row = append(row, num(strconv.Itoa(r.Enrolment)+" (báo cáo gần nhất)", r.Enrolment))
		} else if err != nil && !isNotFound(err) {
			return fmt.Errorf("commands: guided: %w", err)
		}
		return t.reply(ctx, prefix+"📝 Lớp "+name+" – bước 1/3: <b>sĩ số</b> của lớp là bao nhiêu? Gõ một số từ 1 đến 200 (ví dụ "+strconv.Itoa(cl.Enrolment)+").",
			[][]storage.Button{row, {cancelButton}})
	case stepThrough:
		return t.reply(ctx, prefix+"📝 Lớp "+name+" – bước 2/3: bao nhiêu học sinh đã tham gia BHYT <b>qua trường</b>? Gõ một số từ 0 đến "+
			strconv.Itoa(st.Enrolment)+".", [][]storage.Button{{num("0", 0), num(strconv.Itoa(st.Enrolment)+" (cả lớp)", st.Enrolment)}, {cancelButton}})
	case stepOther:
		return t.reply(ctx, prefix+"📝 Lớp "+name+" – bước 3/3: bao nhiêu học sinh đã có thẻ thuộc <b>đối tượng khác</b> (trẻ dưới 6 tuổi, hộ nghèo, cận nghèo, dân tộc thiểu số…)? Gõ một số từ 0 đến "+
			strconv.Itoa(st.Enrolment-st.Through)+".", [][]storage.Button{{num("0", 0)}, {cancelButton}})
	case stepConfirm:
		insured := st.Through + st.Other
		return t.reply(ctx, prefix+fmt.Sprintf("📝 Kiểm tra lại báo cáo lớp %s:\nSĩ số %d · qua trường %d · đối tượng khác %d\nTỷ lệ: %s, còn %d em chưa tham gia.",
			name, st.Enrolment, st.Through, st.Other, vntext.FormatPercent(leaderboard.Percent(insured, st.Enrolment)), st.Enrolment-insured),
			[][]storage.Button{{{Text: "✅ Gửi báo cáo", Data: button.ReportAction(button.ReportConfirm)}, {Text: "↩️ Làm lại", Data: button.ReportAction(button.ReportRestart)}}, {cancelButton}})
	}
	return fmt.Errorf("commands: guided: unknown step %q", st.Step)
}

func loadGuided(state string) (guidedState, bool) {
	var st guidedState
	if err := json.Unmarshal([]byte(state), &st); err != nil || st.Step == "" {
		return guidedState{}, false
	}
	return st, true
}

// guidedText takes a typed answer to the current step.
func (e *Engine) guidedText(ctx context.Context, t *turn, state string) error {
	st, ok := loadGuided(state)
	if !ok {
		if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
			return fmt.Errorf("commands: guided: %w", err)
		}
		return t.reply(ctx, "Báo cáo đang làm dở bị lỗi nên đã hủy; gõ /baocao để làm lại.", nil)
	}
	text := strings.TrimSpace(vntext.Narrow(t.u.Text))
	switch st.Step {
	case stepClass:
		cl, err := matchClassName(t.who.classes, text, "")
		if err != nil {
			return e.prompt(ctx, t, st, "Hãy chọn một lớp bằng nút bên dưới.")
		}
		return e.startGuided(ctx, t, cl.ID)
	case stepConfirm:
		switch vntext.Fold(text) {
		case "ok", "co", "dong y", "gui", "xac nhan", "dung":
			return e.guidedButton(ctx, t, "ok")
		}
		return e.prompt(ctx, t, st, "Bấm “Gửi báo cáo” để gửi, “Làm lại” để nhập lại, hoặc /huy để hủy.")
	}
	n, fault := guidedNumber(text)
	if fault != "" {
		if in, ok, err := report.Parse(t.u.Text, t.who.classNames()); ok && err == nil {
			if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
				return fmt.Errorf("commands: guided: %w", err)
			}
			cl, _ := t.who.classByName(in.Class)
			return e.submitReport(ctx, t, cl, in, storage.SourceMessage)
		}
		return e.prompt(ctx, t, st, fault)
	}
	return e.guidedAnswer(ctx, t, st, n)
}

// guidedNumber reads a whole number typed in the guided flow, or says what is wrong.
func guidedNumber(s string) (int, string) {
	neg := false
	if r := strings.TrimLeft(s, "-−–"); r != s {
		neg, s = true, strings.TrimSpace(r)
	}
	if s == "" || len(s) > 6 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, "Không hiểu “" + vntext.EscapeHTML(clip(s)) + "”: hãy gõ một số nguyên, ví dụ 42 (hoặc /huy để hủy)."
	}
	n, _ := strconv.Atoi(s)
	if neg && n != 0 {
		return 0, "Số liệu không được âm, thầy/cô gửi -" + strconv.Itoa(n) + ". Ví dụ đúng: 30."
	}
	return n, ""
}

// guidedAnswer checks a number for the current step and moves on.
func (e *Engine) guidedAnswer(ctx context.Context, t *turn, st guidedState, n int) error {
	switch st.Step {
	case stepEnrol:
		if n < report.MinEnrolment || n > report.MaxEnrolment {
			example := 42
			if cl, ok := e.ownClass(t, st.Class); ok {
				example = cl.Enrolment
			}
			return e.prompt(ctx, t, st, "Sĩ số phải từ 1 đến 200, thầy/cô gửi "+strconv.Itoa(n)+". Ví dụ đúng: "+strconv.Itoa(example)+".")
		}
		st.Enrolment, st.Through, st.Other, st.Step = n, 0, 0, stepThrough
	case stepThrough:
		if n > st.Enrolment {
			return e.prompt(ctx, t, st, fmt.Sprintf("Số tham gia qua trường (%d) không được lớn hơn sĩ số %d. Ví dụ đúng: %d.", n, st.Enrolment, st.Enrolment*3/4))
		}
		st.Through, st.Step = n, stepOther
	case stepOther:
		if st.Through+n > st.Enrolment {
			return e.prompt(ctx, t, st, fmt.Sprintf("Qua trường %d + đối tượng khác %d = %d, lớn hơn sĩ số %d. Ví dụ đúng: %d.",
				st.Through, n, st.Through+n, st.Enrolment, st.Enrolment-st.Through))
		}
		st.Other, st.Step = n, stepConfirm
	default:
		return e.prompt(ctx, t, st, "")
	}
	return e.saveAndPrompt(ctx, t, st, "")
}

// guidedButton handles bc:… presses: lop:<id>, so:<step>:<n>, ok, lai, huy, sua:<id>.
func (e *Engine) guidedButton(ctx context.Context, t *turn, rest string) error {
	action, arg := button.ParseReport(rest)
	if action == button.ReportEdit {
		id, ok := button.ParseID(arg)
		if !ok {
			return t.reply(ctx, "Nút này không còn dùng được.", nil)
		}
		return e.startGuided(ctx, t, id)
	}
	if action == button.ReportCancel {
		return e.cmdCancel(ctx, t, "")
	}
	kind, state, err := t.tx.Conversation(ctx, t.u.UserID)
	if isNotFound(err) || (err == nil && kind != convReport) {
		return t.reply(ctx, "Không có báo cáo nào đang làm dở. Gõ /baocao để bắt đầu.", nil)
	}
	if err != nil {
		return fmt.Errorf("commands: guided: %w", err)
	}
	st, ok := loadGuided(state)
	if !ok {
		return e.guidedText(ctx, t, state)
	}
	switch action {
	case button.ReportClass:
		id, ok := button.ParseID(arg)
		if !ok || st.Step != stepClass {
			return e.prompt(ctx, t, st, "Nút này đã cũ; hãy trả lời câu hỏi dưới đây.")
		}
		return e.startGuided(ctx, t, id)
	case button.ReportNumber:
		step, n, ok := button.ParseNumber(arg)
		if !ok || step != st.Step {
			return e.prompt(ctx, t, st, "Nút này đã cũ; hãy trả lời câu hỏi dưới đây.")
		}
		return e.guidedAnswer(ctx, t, st, n)
	case button.ReportRestart:
		return e.saveAndPrompt(ctx, t, guidedState{Step: stepEnrol, Class: st.Class}, "")
	case button.ReportConfirm:
		if st.Step != stepConfirm {
			return e.prompt(ctx, t, st, "Báo cáo chưa đủ số liệu.")
		}
		cl, ok := e.ownClass(t, st.Class)
		if !ok {
			return e.prompt(ctx, t, st, "")
		}
		if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
			return fmt.Errorf("commands: guided: %w", err)
		}
		return e.submitReport(ctx, t, cl, report.Input{Class: cl.Name, Enrolment: st.Enrolment, ThroughSchool: st.Through, Other: st.Other}, storage.SourceGuided)
	}
	return e.prompt(ctx, t, st, "Nút này không còn dùng được.")
}
