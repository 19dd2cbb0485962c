package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// hasCardButton is the "Con tôi đã có thẻ" button for a pupil, with the callback data the
// reminders package defines for its parent reminders (button.CardStudentData).
func hasCardButton(p storage.Student) storage.Button {
	return storage.Button{Text: button.CardText, Data: button.CardStudentData(p.ID)}
}

// hasCardClassButton is the same button for a parent linked to a class without a roster.
func hasCardClassButton(classID int64) storage.Button {
	return storage.Button{Text: button.CardText, Data: button.CardClassData(classID)}
}

// isHasCardText recognises "Con tôi đã có thẻ" and its usual variants, with or without
// diacritics ("chưa có thẻ" is not one).
func isHasCardText(text string) bool {
	f := strings.Join(strings.FieldsFunc(vntext.Fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
	return strings.Contains(f, "da co the") || f == "co the" || f == "co the roi" || strings.Contains(f, "da co bhyt")
}

// maxIdentifyTries bounds the guesses a class-link parent may make before asking the teacher.
const maxIdentifyTries = 5

type parentState struct {
	Class  int64 `json:"class"`
	Tries  int   `json:"tries"`
	Locked bool  `json:"locked,omitempty"`
}

// startParentIdentify asks a parent who came by a class link which pupil is their child,
// without showing anyone else's name.
func (e *Engine) startParentIdentify(ctx context.Context, t *turn, classID int64) error {
	cl, err := t.tx.ClassByID(ctx, classID)
	if err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	pupils, err := t.tx.StudentsOfClass(ctx, classID)
	if err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	name := "<b>" + vntext.EscapeHTML(cl.Name) + "</b> – " + vntext.EscapeHTML(cl.SchoolName)
	if len(pupils) == 0 {
		return t.reply(ctx, "✅ Bạn đã được liên kết với phụ huynh lớp "+name+". Khi con đã có thẻ BHYT, hãy bấm nút dưới đây hoặc nhắn “Con tôi đã có thẻ” để báo giáo viên chủ nhiệm.",
			[][]storage.Button{{hasCardClassButton(cl.ID)}})
	}
	raw, _ := json.Marshal(parentState{Class: classID})
	if err := t.tx.SaveConversation(ctx, t.u.UserID, convParent, string(raw)); err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	return t.reply(ctx, "✅ Bạn đã nhận lời mời phụ huynh lớp "+name+".\n\nĐể bảo mật, hãy gõ <b>họ và tên đầy đủ</b> của con (ví dụ: Nguyễn Văn An, có dấu hay không dấu đều được) hoặc <b>số thứ tự</b> của con trong danh sách lớp.", nil)
}

// parentIdentify matches the typed name or number against the class roster; only a unique
// match binds, and nothing about other pupils is revealed.
// maxClassLinkChildren bounds the pupils one account may link through a class's shared
// link (twins are common enough; more needs the teacher's per-pupil link): a roster number
// alone identifies a pupil, so without a bound a parent could walk the roster number by
// number and learn every child's name and card status.
const maxClassLinkChildren = 2

func (e *Engine) parentIdentify(ctx context.Context, t *turn, state string) error {
	var st parentState
	if err := json.Unmarshal([]byte(state), &st); err != nil || st.Class == 0 {
		if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
			return fmt.Errorf("commands: parent: %w", err)
		}
		return t.reply(ctx, "Phiên liên kết bị lỗi; hãy bấm lại link mời của lớp.", nil)
	}
	if st.Locked {
		return t.reply(ctx, "Bạn đã nhập sai nhiều lần. Hãy liên hệ giáo viên chủ nhiệm để nhận link riêng cho con.", nil)
	}
	linked := 0
	for _, p := range t.who.pupils {
		if p.ClassID == st.Class {
			linked++
		}
	}
	if linked >= maxClassLinkChildren {
		if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
			return fmt.Errorf("commands: parent: %w", err)
		}
		return t.reply(ctx, "Bạn đã liên kết "+strconv.Itoa(linked)+" học sinh của lớp này qua link chung của lớp. Nếu còn con khác học lớp này, hãy xin giáo viên chủ nhiệm link riêng cho con.", nil)
	}
	pupils, err := t.tx.StudentsOfClass(ctx, st.Class)
	if err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	typed := strings.TrimSpace(vntext.Narrow(t.u.Text))
	var match []storage.Student
	if n, err := strconv.Atoi(typed); err == nil {
		for _, p := range pupils {
			if p.Number == n {
				match = append(match, p)
			}
		}
	} else if f := vntext.Fold(typed); f != "" {
		for _, p := range pupils {
			if vntext.Fold(p.Name) == f {
				match = append(match, p)
			}
		}
	}
	if len(match) != 1 {
		st.Tries++
		st.Locked = st.Tries >= maxIdentifyTries
		raw, _ := json.Marshal(st)
		if err := t.tx.SaveConversation(ctx, t.u.UserID, convParent, string(raw)); err != nil {
			return fmt.Errorf("commands: parent: %w", err)
		}
		if st.Locked {
			return t.reply(ctx, "Chưa tìm thấy đúng một học sinh và bạn đã thử "+strconv.Itoa(maxIdentifyTries)+" lần. Hãy liên hệ giáo viên chủ nhiệm để nhận link riêng cho con.", nil)
		}
		return t.reply(ctx, "Chưa tìm thấy đúng một học sinh với tên hoặc số thứ tự này trong lớp. Hãy gõ đầy đủ họ và tên của con như trong danh sách lớp, hoặc số thứ tự của con (còn "+
			strconv.Itoa(maxIdentifyTries-st.Tries)+" lần thử).", nil)
	}
	p := match[0]
	if err := t.tx.GrantRole(ctx, t.u.UserID, storage.RoleParent, storage.Scope{StudentID: p.ID}); err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	for _, r := range t.who.roles {
		if r.Role == storage.RoleParent && r.ClassID == st.Class {
			if err := t.tx.RevokeRole(ctx, r.ID); err != nil {
				return fmt.Errorf("commands: parent: %w", err)
			}
		}
	}
	if err := t.tx.Audit(ctx, t.u.UserID, "grant_role", "parent "+scopeString(storage.Scope{StudentID: p.ID})+" via class:"+strconv.FormatInt(st.Class, 10)); err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	return t.reply(ctx, "✅ Đã liên kết bạn với học sinh <b>"+vntext.EscapeHTML(p.Name)+"</b>. "+pupilStatusText(p), pupilButtons(p))
}

func pupilStatusText(p storage.Student) string {
	if p.Status == storage.StatusUninsured {
		return "Nhà trường chưa ghi nhận em có thẻ BHYT. Khi con đã có thẻ, hãy bấm nút dưới đây hoặc nhắn “Con tôi đã có thẻ”."
	}
	return "Nhà trường đã ghi nhận em " + statusName(p.Status) + ". Cảm ơn bạn!"
}

func pupilButtons(p storage.Student) [][]storage.Button {
	if p.Status != storage.StatusUninsured {
		return nil
	}
	return [][]storage.Button{{hasCardButton(p)}}
}

// cmdHasCard handles /cothe and the typed "Con tôi đã có thẻ".
func (e *Engine) cmdHasCard(ctx context.Context, t *turn, _ string) error {
	return e.hasCard(ctx, t, 0, 0)
}

// cardButton handles the card button of a parent reminder or of the engine's own replies
// (button.ParseCard: a pupil, or a class for a parent without an identified child).
func (e *Engine) cardButton(ctx context.Context, t *turn) error {
	studentID, classID, ok := button.ParseCard(t.u.Data)
	if !ok {
		return t.reply(ctx, "Nút này không còn dùng được.", nil)
	}
	return e.hasCard(ctx, t, studentID, classID)
}

// hasCard records a parent's "my child has a card" and asks the class teacher to confirm
// it. studentID or classID names the child or class when known (from a button).
func (e *Engine) hasCard(ctx context.Context, t *turn, studentID, classID int64) error {
	c := t.who
	var (
		pupil storage.Student
		cl    storage.Class
	)
	switch {
	case studentID != 0:
		for _, p := range c.pupils {
			if p.ID == studentID {
				pupil, cl = p, c.pupilClasses[p.ID]
			}
		}
		if pupil.ID == 0 {
			return t.reply(ctx, "Bạn không phải phụ huynh của học sinh này.", nil)
		}
	case classID != 0:
		for _, own := range c.parentClasses {
			if own.ID == classID {
				cl = own
			}
		}
		for _, p := range c.pupils {
			if p.ClassID == classID && cl.ID == 0 {
				pupil, cl = p, c.pupilClasses[p.ID]
			}
		}
		if cl.ID == 0 {
			return t.reply(ctx, "Bạn không phải phụ huynh của lớp này.", nil)
		}
	case len(c.pupils) == 1 && len(c.parentClasses) == 0:
		pupil = c.pupils[0]
		cl = c.pupilClasses[pupil.ID]
	case len(c.pupils)+len(c.parentClasses) > 1:
		var rows [][]storage.Button
		for _, p := range c.pupils {
			rows = append(rows, []storage.Button{{Text: p.Name, Data: button.CardStudentData(p.ID)}})
		}
		for _, own := range c.parentClasses {
			rows = append(rows, []storage.Button{{Text: "Con tôi (lớp " + own.Name + ")", Data: button.CardClassData(own.ID)}})
		}
		return t.reply(ctx, "Em nào đã có thẻ BHYT?", rows)
	default:
		cl = c.parentClasses[0]
	}
	if pupil.ID == 0 {
		pupils, err := t.tx.StudentsOfClass(ctx, cl.ID)
		if err != nil {
			return fmt.Errorf("commands: claim: %w", err)
		}
		if len(pupils) > 0 {
			return e.startParentIdentify(ctx, t, cl.ID)
		}
	}
	if pupil.ID != 0 && pupil.Status != storage.StatusUninsured {
		return t.reply(ctx, "Nhà trường đã ghi nhận em <b>"+vntext.EscapeHTML(pupil.Name)+"</b> "+statusName(pupil.Status)+". Cảm ơn bạn!", nil)
	}
	if _, err := t.tx.PendingClaim(ctx, t.u.UserID, pupil.ID, cl.ID); err == nil {
		return t.reply(ctx, "Bạn đã báo rồi; yêu cầu đang chờ giáo viên chủ nhiệm xác nhận.", nil)
	} else if !isNotFound(err) {
		return fmt.Errorf("commands: claim: %w", err)
	}
	id, err := t.tx.CreateClaim(ctx, storage.Claim{UserID: t.u.UserID, StudentID: pupil.ID, ClassID: cl.ID})
	if err != nil {
		return fmt.Errorf("commands: claim: %w", err)
	}
	if err := t.tx.Audit(ctx, t.u.UserID, "claim", fmt.Sprintf("claim=%d student=%d class=%d", id, pupil.ID, cl.ID)); err != nil {
		return fmt.Errorf("commands: claim: %w", err)
	}
	teachers, err := classTeachers(ctx, t.tx, cl.ID)
	if err != nil {
		return err
	}
	who := "Phụ huynh " + vntext.EscapeHTML(clip(t.u.Name)) + " (lớp " + vntext.EscapeHTML(cl.Name) + ")"
	if pupil.ID != 0 {
		who = "Phụ huynh của em <b>" + vntext.EscapeHTML(pupil.Name) + "</b> (số " + strconv.Itoa(pupil.Number) + ", lớp " + vntext.EscapeHTML(cl.Name) + ")"
	}
	buttons := [][]storage.Button{
		{{Text: "✅ Qua trường", Data: button.ClaimData(button.ClaimSchool, id)}, {Text: "✅ Đối tượng khác", Data: button.ClaimData(button.ClaimOther, id)}},
		{{Text: "❌ Chưa đúng", Data: button.ClaimData(button.ClaimReject, id)}},
	}
	for _, u := range teachers {
		text := "🔔 " + who + " báo con đã có thẻ BHYT. Thầy/cô kiểm tra và xác nhận em tham gia qua trường hay thuộc đối tượng khác:"
		if err := t.send(ctx, fmt.Sprintf("claim/%d/teacher/%d", id, u.ID), u.ChatID, text, buttons); err != nil {
			return err
		}
	}
	if len(teachers) == 0 {
		return t.reply(ctx, "Đã ghi nhận. Giáo viên chủ nhiệm lớp chưa dùng bot, bạn vui lòng báo trực tiếp cho thầy/cô để được xác nhận.", nil)
	}
	return t.reply(ctx, "Cảm ơn bạn! Đã gửi cho giáo viên chủ nhiệm xác nhận; bot sẽ báo lại khi thầy/cô xác nhận.", nil)
}

// classTeachers returns the users who teach the class.
func classTeachers(ctx context.Context, tx *storage.Tx, classID int64) ([]storage.User, error) {
	roles, err := tx.RolesNamed(ctx, storage.RoleTeacher)
	if err != nil {
		return nil, fmt.Errorf("commands: teachers: %w", err)
	}
	var out []storage.User
	for _, r := range roles {
		if r.ClassID != classID {
			continue
		}
		u, err := tx.UserByID(ctx, r.UserID)
		if err != nil {
			return nil, fmt.Errorf("commands: teachers: %w", err)
		}
		out = append(out, u)
	}
	return out, nil
}

// claimDecision applies a teacher's the:s|o|x:<claim id> press. A confirmed claim marks
// the pupil insured in the category the teacher chose (through school or other) and
// appends a roster report; a rejected one changes nothing. The parent is told either way.
func (e *Engine) claimDecision(ctx context.Context, t *turn, rest string) error {
	kind, id, ok := button.ParseKindID(rest)
	status := map[string]string{button.ClaimSchool: storage.StatusSchool, button.ClaimOther: storage.StatusOther, button.ClaimReject: storage.StatusUninsured}[kind]
	if !ok || status == "" {
		return t.reply(ctx, "Nút này không còn dùng được.", nil)
	}
	claim, err := t.tx.ClaimByID(ctx, id)
	if isNotFound(err) {
		return t.reply(ctx, "Không tìm thấy yêu cầu này.", nil)
	}
	if err != nil {
		return fmt.Errorf("commands: claim: %w", err)
	}
	if !t.who.teaches(claim.ClassID) {
		return t.reply(ctx, "Chỉ giáo viên chủ nhiệm của lớp mới xác nhận được.", nil)
	}
	decision := storage.ClaimConfirmed
	if status == storage.StatusUninsured {
		decision = storage.ClaimRejected
	}
	changed, err := t.tx.DecideClaim(ctx, id, decision, t.u.UserID)
	if err != nil {
		return fmt.Errorf("commands: claim: %w", err)
	}
	if !changed {
		return t.reply(ctx, "Yêu cầu này đã được xử lý trước đó.", nil)
	}
	if err := t.tx.Audit(ctx, t.u.UserID, "claim_decision", fmt.Sprintf("claim=%d %s %s", id, decision, status)); err != nil {
		return fmt.Errorf("commands: claim: %w", err)
	}
	cl, err := t.tx.ClassByID(ctx, claim.ClassID)
	if err != nil {
		return fmt.Errorf("commands: claim: %w", err)
	}
	pupilName := "con"
	var reply string
	if claim.StudentID != 0 {
		p, err := t.tx.StudentByID(ctx, claim.StudentID)
		if err != nil {
			return fmt.Errorf("commands: claim: %w", err)
		}
		pupilName = "em " + vntext.EscapeHTML(p.Name)
		reply = "Đã ghi " + pupilName + " " + statusName(status) + "."
		if decision == storage.ClaimConfirmed {
			if p.Status != status {
				if err := e.setStatus(ctx, t, p, status); err != nil {
					return err
				}
			}
			r, err := e.rosterReport(ctx, t.tx, t.u, cl)
			if err != nil {
				return err
			}
			fig, err := e.figuresText(ctx, t.tx, cl, r, "Số liệu")
			if err != nil {
				return err
			}
			reply = "✅ " + reply + "\n\n" + fig
		} else {
			reply = "Đã ghi nhận: " + pupilName + " chưa có thẻ BHYT như phụ huynh báo. Bot sẽ báo lại phụ huynh."
		}
	} else if decision == storage.ClaimConfirmed {
		reply = "✅ Đã xác nhận. Lớp chưa có danh sách học sinh, thầy/cô nhớ cập nhật số liệu trong báo cáo tuần (/baocao)."
	} else {
		reply = "Đã ghi nhận: chưa đúng như phụ huynh báo. Bot sẽ báo lại phụ huynh."
	}
	parent, err := t.tx.UserByID(ctx, claim.UserID)
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("commands: claim: %w", err)
	}
	if err == nil {
		msg := "✅ Giáo viên chủ nhiệm đã xác nhận " + pupilName + " có thẻ BHYT. Cảm ơn bạn!"
		if decision == storage.ClaimRejected {
			msg = "Giáo viên chủ nhiệm chưa xác nhận " + pupilName + " có thẻ BHYT. Bạn vui lòng liên hệ thầy/cô để kiểm tra lại."
		}
		if err := t.sendToParent(ctx, fmt.Sprintf("claim/%d/parent", id), parent.ChatID, msg); err != nil {
			return err
		}
	}
	return t.reply(ctx, reply, nil)
}

// cmdChild answers /con: the insurance status of the parent's own child (or children).
func (e *Engine) cmdChild(ctx context.Context, t *turn, _ string) error {
	c := t.who
	if len(c.pupils) == 0 {
		cl := c.parentClasses[0]
		pupils, err := t.tx.StudentsOfClass(ctx, cl.ID)
		if err != nil {
			return fmt.Errorf("commands: child: %w", err)
		}
		if len(pupils) > 0 {
			return e.startParentIdentify(ctx, t, cl.ID)
		}
		return t.reply(ctx, "Bạn là phụ huynh "+vntext.EscapeHTML(classLabel(cl))+". Lớp chưa có danh sách học sinh nên bot chưa biết tình trạng thẻ của con; khi con đã có thẻ, hãy bấm nút dưới đây.",
			[][]storage.Button{{hasCardClassButton(cl.ID)}})
	}
	for _, p := range c.pupils {
		cl := c.pupilClasses[p.ID]
		if err := t.reply(ctx, "Em <b>"+vntext.EscapeHTML(p.Name)+"</b> ("+vntext.EscapeHTML(classLabel(cl))+"): "+pupilStatusText(p), pupilButtons(p)); err != nil {
			return err
		}
	}
	return nil
}
