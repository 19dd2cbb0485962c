package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/schedule"
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

// maxIdentifyTries bounds the wrong answers a class-link parent may give for a class
// (counted in storage, so neither a restart of the flow nor another command resets them).
const maxIdentifyTries = 5

type parentState struct {
	Class int64 `json:"class"`
}

const (
	msgIdentifyLocked = "Anh/chị đã nhập sai nhiều lần. Hãy liên hệ giáo viên chủ nhiệm để nhận link riêng cho con."
	msgLinkWaiting    = "Yêu cầu liên kết của anh/chị đang chờ giáo viên chủ nhiệm xác nhận; bot sẽ báo ngay khi thầy/cô đồng ý."
)

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
		return t.reply(ctx, "✅ Anh/chị đã được liên kết với phụ huynh lớp "+name+". Khi con đã có thẻ BHYT, hãy "+pressHint(t.u.ChatID)+" hoặc nhắn “Con tôi đã có thẻ” để báo giáo viên chủ nhiệm.",
			[][]storage.Button{{hasCardClassButton(cl.ID)}})
	}
	tries, err := t.tx.LinkTries(ctx, t.u.UserID, classID)
	if err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	if tries >= maxIdentifyTries {
		return t.reply(ctx, msgIdentifyLocked, nil)
	}
	pending, err := t.tx.PendingLinkRequests(ctx, t.u.UserID, classID)
	if err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	if len(pending) > 0 {
		return t.reply(ctx, msgLinkWaiting, nil)
	}
	raw, _ := json.Marshal(parentState{Class: classID})
	if err := t.tx.SaveConversation(ctx, t.u.UserID, convParent, string(raw)); err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	return t.reply(ctx, "✅ Anh/chị đã nhận lời mời phụ huynh lớp "+name+".\n\nĐể bảo mật, hãy gõ <b>họ và tên đầy đủ</b> của con (ví dụ: Nguyễn Văn An, có dấu hay không dấu đều được) hoặc <b>số thứ tự</b> của con trong danh sách lớp. Giáo viên chủ nhiệm sẽ xác nhận trước khi bot cho xem thông tin của con.", nil)
}

// maxClassLinkChildren bounds the pupils one account may link (or ask to link) through a
// class's shared link (twins are common enough; more needs the teacher's per-pupil link).
const maxClassLinkChildren = 2

// parentIdentify matches the typed name or number against the class roster. A unique match
// becomes a request the class teacher confirms; until then the parent learns nothing about
// the pupil, so the shared link alone never reveals a child.
func (e *Engine) parentIdentify(ctx context.Context, t *turn, state string) error {
	var st parentState
	if err := json.Unmarshal([]byte(state), &st); err != nil || st.Class == 0 {
		if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
			return fmt.Errorf("commands: parent: %w", err)
		}
		return t.reply(ctx, "Phiên liên kết bị lỗi; hãy bấm lại link mời của lớp.", nil)
	}
	tries, err := t.tx.LinkTries(ctx, t.u.UserID, st.Class)
	if err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	if tries >= maxIdentifyTries {
		if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
			return fmt.Errorf("commands: parent: %w", err)
		}
		return t.reply(ctx, msgIdentifyLocked, nil)
	}
	pending, err := t.tx.PendingLinkRequests(ctx, t.u.UserID, st.Class)
	if err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	linked := len(pending)
	for _, p := range t.who.pupils {
		if p.ClassID == st.Class {
			linked++
		}
	}
	if linked >= maxClassLinkChildren {
		if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
			return fmt.Errorf("commands: parent: %w", err)
		}
		return t.reply(ctx, "Anh/chị đã liên kết hoặc đang chờ liên kết "+strconv.Itoa(linked)+" học sinh của lớp này qua link chung của lớp. Nếu còn con khác học lớp này, hãy xin giáo viên chủ nhiệm link riêng cho con.", nil)
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
		n, err := t.tx.AddLinkTry(ctx, t.u.UserID, st.Class)
		if err != nil {
			return fmt.Errorf("commands: parent: %w", err)
		}
		if n >= maxIdentifyTries {
			if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
				return fmt.Errorf("commands: parent: %w", err)
			}
			return t.reply(ctx, "Chưa tìm thấy đúng một học sinh và anh/chị đã thử "+strconv.Itoa(maxIdentifyTries)+" lần. Hãy liên hệ giáo viên chủ nhiệm để nhận link riêng cho con.", nil)
		}
		return t.reply(ctx, "Chưa tìm thấy đúng một học sinh với tên hoặc số thứ tự này trong lớp. Hãy gõ đầy đủ họ và tên của con như trong danh sách lớp, hoặc số thứ tự của con (còn "+
			strconv.Itoa(maxIdentifyTries-n)+" lần thử).", nil)
	}
	p := match[0]
	if err := t.tx.EndConversation(ctx, t.u.UserID); err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	for _, own := range t.who.pupils {
		if own.ID == p.ID {
			return t.reply(ctx, "Anh/chị đã liên kết với học sinh này rồi. Gõ /con để xem tình trạng thẻ của con.", nil)
		}
	}
	teachers, err := classTeachers(ctx, t.tx, st.Class)
	if err != nil {
		return err
	}
	if len(teachers) == 0 {
		return t.reply(ctx, "Giáo viên chủ nhiệm lớp chưa dùng bot nên chưa xác nhận được liên kết. Anh/chị hãy xin thầy/cô link riêng cho con.", nil)
	}
	code := ""
	for _, r := range t.who.roles {
		if r.Role == storage.RoleParent && r.ClassID == st.Class {
			code = r.InviteCode
		}
	}
	id, err := t.tx.CreateLinkRequest(ctx, storage.LinkRequest{UserID: t.u.UserID, StudentID: p.ID, ClassID: st.Class, InviteCode: code})
	if err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	if err := t.tx.Audit(ctx, t.u.UserID, "link_request", fmt.Sprintf("request=%d student=%d class=%d", id, p.ID, st.Class)); err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	others, err := t.tx.RolesOfStudent(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	cl, err := t.tx.ClassByID(ctx, st.Class)
	if err != nil {
		return fmt.Errorf("commands: parent: %w", err)
	}
	who := personLabel(t.u.UserID, t.u.Name, t.u.Username, "Một phụ huynh")
	text := "🔔 " + vntext.EscapeHTML(who) + " muốn liên kết với em <b>" + vntext.EscapeHTML(p.Name) +
		"</b> (số " + strconv.Itoa(p.Number) + ", lớp " + vntext.EscapeHTML(cl.Name) + "), đồng ý?"
	if len(others) > 0 {
		text += "\n⚠️ Em đã có " + strconv.Itoa(len(others)) + " phụ huynh liên kết; đồng ý thì em sẽ có " + strconv.Itoa(len(others)+1) + " phụ huynh."
	}
	idText := strconv.FormatInt(id, 10)
	buttons := [][]storage.Button{{{Text: "✅ Đồng ý", Data: button.Link + ":y:" + idText}, {Text: "❌ Từ chối", Data: button.Link + ":n:" + idText}}}
	for _, u := range teachers {
		if err := t.send(ctx, fmt.Sprintf("link/%d/teacher/%d", id, u.ID), u.ChatID, text, buttons); err != nil {
			return err
		}
	}
	return t.reply(ctx, "Đã gửi yêu cầu liên kết cho giáo viên chủ nhiệm lớp "+vntext.EscapeHTML(cl.Name)+" xác nhận. "+
		"Để bảo vệ thông tin của các em, bot chỉ cho xem tình trạng thẻ của con sau khi thầy/cô đồng ý; bot sẽ báo ngay khi đó.", nil)
}

// linkDecision applies a teacher's lk:y|n:<request id> press: an agreed request binds the
// parent to the pupil (and drops their class-wide link), a refused one counts as a wrong
// answer. The parent is told either way; the teacher is told when the pupil now has more
// than one parent.
func (e *Engine) linkDecision(ctx context.Context, t *turn, rest string) error {
	kind, idText, _ := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || (kind != "y" && kind != "n") {
		return t.reply(ctx, "Nút này không còn dùng được.", nil)
	}
	req, err := t.tx.LinkRequestByID(ctx, id)
	if isNotFound(err) {
		return t.reply(ctx, "Không tìm thấy yêu cầu này.", nil)
	}
	if err != nil {
		return fmt.Errorf("commands: link: %w", err)
	}
	if !t.who.teaches(req.ClassID) {
		return t.reply(ctx, "Chỉ giáo viên chủ nhiệm của lớp mới xác nhận được.", nil)
	}
	if req.Status == storage.LinkPending && req.InviteCode != "" {
		inv, err := t.tx.InviteByCode(ctx, req.InviteCode)
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("commands: link: %w", err)
		}
		if err == nil && inv.Revoked {
			if _, err := t.tx.DecideLinkRequest(ctx, id, storage.LinkCancelled, t.u.UserID); err != nil {
				return fmt.Errorf("commands: link: %w", err)
			}
			return t.reply(ctx, "Link chung của lớp mà phụ huynh này dùng đã bị thu hồi; yêu cầu không còn hiệu lực.", nil)
		}
	}
	status := storage.LinkConfirmed
	if kind == "n" {
		status = storage.LinkRejected
	}
	changed, err := t.tx.DecideLinkRequest(ctx, id, status, t.u.UserID)
	if err != nil {
		return fmt.Errorf("commands: link: %w", err)
	}
	if !changed {
		return t.reply(ctx, "Yêu cầu này đã được xử lý trước đó.", nil)
	}
	p, err := t.tx.StudentByID(ctx, req.StudentID)
	if err != nil {
		return fmt.Errorf("commands: link: %w", err)
	}
	parent, err := t.tx.UserByID(ctx, req.UserID)
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("commands: link: %w", err)
	}
	who := vntext.EscapeHTML(personLabel(req.UserID, parent.Name, parent.Username, "Phụ huynh"))
	key := fmt.Sprintf("link/%d/parent", id)
	if status == storage.LinkRejected {
		if _, err := t.tx.AddLinkTry(ctx, req.UserID, req.ClassID); err != nil {
			return fmt.Errorf("commands: link: %w", err)
		}
		if err := t.tx.Audit(ctx, t.u.UserID, "link_rejected", fmt.Sprintf("request=%d user=%d student=%d", id, req.UserID, p.ID)); err != nil {
			return fmt.Errorf("commands: link: %w", err)
		}
		if parent.ChatID != 0 {
			msg := "Giáo viên chủ nhiệm chưa đồng ý liên kết. Nếu có nhầm lẫn, anh/chị hãy liên hệ thầy/cô để nhận link riêng cho con."
			if err := e.sendToParentButtons(ctx, t, key, parent.ChatID, msg, nil); err != nil {
				return err
			}
		}
		return t.reply(ctx, "Đã từ chối: "+who+" không được liên kết và không xem được thông tin của em "+vntext.EscapeHTML(p.Name)+".", nil)
	}
	others, err := t.tx.RolesOfStudent(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("commands: link: %w", err)
	}
	if err := t.tx.GrantRoleVia(ctx, req.UserID, storage.RoleParent, storage.Scope{StudentID: p.ID}, req.InviteCode); err != nil {
		return fmt.Errorf("commands: link: %w", err)
	}
	roles, err := t.tx.RolesOfUser(ctx, req.UserID)
	if err != nil {
		return fmt.Errorf("commands: link: %w", err)
	}
	for _, r := range roles {
		if r.Role == storage.RoleParent && r.ClassID == req.ClassID {
			if err := t.tx.RevokeRole(ctx, r.ID); err != nil {
				return fmt.Errorf("commands: link: %w", err)
			}
		}
	}
	if err := t.tx.Audit(ctx, req.UserID, "grant_role", fmt.Sprintf("parent %s via class:%d invite=%s confirmed_by=%d",
		scopeString(storage.Scope{StudentID: p.ID}), req.ClassID, req.InviteCode, t.u.UserID)); err != nil {
		return fmt.Errorf("commands: link: %w", err)
	}
	if parent.ChatID != 0 {
		msg := "✅ Giáo viên chủ nhiệm đã xác nhận anh/chị là phụ huynh của em <b>" + vntext.EscapeHTML(p.Name) + "</b>. " + pupilStatusText(p, parent.ChatID)
		if err := e.sendToParentButtons(ctx, t, key, parent.ChatID, msg, pupilButtons(p)); err != nil {
			return err
		}
	}
	reply := "✅ Đã liên kết " + who + " với em " + vntext.EscapeHTML(p.Name) + "."
	if n := countOthers(others, req.UserID); n > 0 {
		reply += "\n⚠️ Em " + vntext.EscapeHTML(p.Name) + " giờ có " + strconv.Itoa(n+1) + " phụ huynh liên kết. Nếu có người không đúng, gõ /xoaquyen để gỡ."
	}
	return t.reply(ctx, reply, nil)
}

func countOthers(roles []storage.Role, userID int64) int {
	n := 0
	for _, r := range roles {
		if r.UserID != userID {
			n++
		}
	}
	return n
}

// notifySecondParent tells the class teachers that a pupil now has more than one parent
// (a per-pupil link binds without their confirmation).
func (e *Engine) notifySecondParent(ctx context.Context, t *turn, p storage.Student, count int, key string) error {
	teachers, err := classTeachers(ctx, t.tx, p.ClassID)
	if err != nil {
		return err
	}
	text := "🔔 Em <b>" + vntext.EscapeHTML(p.Name) + "</b> (số " + strconv.Itoa(p.Number) + ") vừa có thêm phụ huynh liên kết qua link riêng: " +
		vntext.EscapeHTML(personLabel(t.u.UserID, t.u.Name, t.u.Username, "Một người dùng")) + ". Em giờ có " + strconv.Itoa(count) +
		" phụ huynh liên kết; nếu có người không đúng, gõ /xoaquyen để gỡ."
	for _, u := range teachers {
		if err := t.send(ctx, key+"/"+strconv.FormatInt(u.ID, 10), u.ChatID, text, nil); err != nil {
			return err
		}
	}
	return nil
}

// sendToParentButtons is sendToParent with buttons.
func (e *Engine) sendToParentButtons(ctx context.Context, t *turn, key string, chatID int64, text string, buttons [][]storage.Button) error {
	m := storage.Message{DedupeKey: key, ChatID: chatID, Priority: storage.PriorityReply, Text: text, Buttons: buttons}
	m.NotBefore = schedule.QuietUntil(e.cfg.QuietHours, e.loc, e.clock())
	if _, err := t.tx.Enqueue(ctx, m); err != nil {
		return fmt.Errorf("commands: notify parent: %w", err)
	}
	return nil
}

// pupilStatusText is a pupil's card status for their parent, whose chat is chatID.
func pupilStatusText(p storage.Student, chatID int64) string {
	if p.Status == storage.StatusUninsured {
		return "Nhà trường chưa ghi nhận em có thẻ BHYT. Khi con đã có thẻ, hãy " + pressHint(chatID) + " hoặc nhắn “Con tôi đã có thẻ”."
	}
	return "Nhà trường đã ghi nhận em " + statusName(p.Status) + ". Cảm ơn anh/chị!"
}

// pressHint asks the person in chatID to use the buttons under the text, as their channel
// shows them.
func pressHint(chatID int64) string {
	return button.PressHint(storage.ChannelOf(chatID) == storage.ChannelZalo)
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
	// A child who has left the class list is offered no choice; asked about by name (an
	// old button), they are answered that they are gone.
	var current []storage.Student
	for _, p := range c.pupils {
		if !p.Retired {
			current = append(current, p)
		}
	}
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
			return t.reply(ctx, "Anh/chị không phải phụ huynh của học sinh này.", nil)
		}
	case classID != 0:
		for _, own := range c.parentClasses {
			if own.ID == classID {
				cl = own
			}
		}
		for _, p := range append(current, c.pupils...) {
			if p.ClassID == classID && cl.ID == 0 {
				pupil, cl = p, c.pupilClasses[p.ID]
			}
		}
		if cl.ID == 0 {
			return t.reply(ctx, "Anh/chị không phải phụ huynh của lớp này.", nil)
		}
	case len(current)+len(c.parentClasses) == 0 && len(c.pupils) > 0:
		pupil = c.pupils[0]
		cl = c.pupilClasses[pupil.ID]
	case len(current) == 1 && len(c.parentClasses) == 0:
		pupil = current[0]
		cl = c.pupilClasses[pupil.ID]
	case len(current)+len(c.parentClasses) > 1:
		var rows [][]storage.Button
		for _, p := range current {
			rows = append(rows, []storage.Button{{Text: p.Name, Data: button.CardStudentData(p.ID)}})
		}
		for _, own := range c.parentClasses {
			rows = append(rows, []storage.Button{{Text: "Con tôi (lớp " + own.Name + ")", Data: button.CardClassData(own.ID)}})
		}
		return t.reply(ctx, "Em nào đã có thẻ BHYT?", rows)
	default:
		cl = c.parentClasses[0]
	}
	if pupil.Retired {
		return t.reply(ctx, retiredText(pupil, cl), nil)
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
		return t.reply(ctx, "Nhà trường đã ghi nhận em <b>"+vntext.EscapeHTML(pupil.Name)+"</b> "+statusName(pupil.Status)+". Cảm ơn anh/chị!", nil)
	}
	if _, err := t.tx.PendingClaim(ctx, t.u.UserID, pupil.ID, cl.ID); err == nil {
		return t.reply(ctx, "Anh/chị đã báo rồi; yêu cầu đang chờ giáo viên chủ nhiệm xác nhận.", nil)
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
		return t.reply(ctx, "Đã ghi nhận. Giáo viên chủ nhiệm lớp chưa dùng bot, anh/chị vui lòng báo trực tiếp cho thầy/cô để được xác nhận.", nil)
	}
	return t.reply(ctx, "Cảm ơn anh/chị! Đã gửi cho giáo viên chủ nhiệm xác nhận; bot sẽ báo lại khi thầy/cô xác nhận.", nil)
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
		msg := "✅ Giáo viên chủ nhiệm đã xác nhận " + pupilName + " có thẻ BHYT. Cảm ơn anh/chị!"
		if decision == storage.ClaimRejected {
			msg = "Giáo viên chủ nhiệm chưa xác nhận " + pupilName + " có thẻ BHYT. Anh/chị vui lòng liên hệ thầy/cô để kiểm tra lại."
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
		waiting, err := t.tx.ClaimWaiting(ctx, t.u.UserID, 0, cl.ID)
		if err != nil {
			return fmt.Errorf("commands: child: %w", err)
		}
		if waiting {
			return t.reply(ctx, "Anh/chị là phụ huynh "+vntext.EscapeHTML(classLabel(cl))+". Anh/chị đã báo con có thẻ BHYT; thông tin đang chờ giáo viên chủ nhiệm xác nhận.", nil)
		}
		return t.reply(ctx, "Anh/chị là phụ huynh "+vntext.EscapeHTML(classLabel(cl))+". Lớp chưa có danh sách học sinh nên bot chưa biết tình trạng thẻ của con; khi con đã có thẻ, hãy "+pressHint(t.u.ChatID)+".",
			[][]storage.Button{{hasCardClassButton(cl.ID)}})
	}
	for _, p := range c.pupils {
		cl := c.pupilClasses[p.ID]
		if p.Retired {
			text := retiredText(p, cl)
			if p.Status != storage.StatusUninsured {
				text += " Trước đó nhà trường đã ghi nhận em " + statusName(p.Status) + "."
			}
			if err := t.reply(ctx, text, nil); err != nil {
				return err
			}
			continue
		}
		head := "Em <b>" + vntext.EscapeHTML(p.Name) + "</b> (" + vntext.EscapeHTML(classLabel(cl)) + "): "
		if p.Status == storage.StatusUninsured {
			waiting, err := t.tx.ClaimWaiting(ctx, t.u.UserID, p.ID, cl.ID)
			if err != nil {
				return fmt.Errorf("commands: child: %w", err)
			}
			if waiting {
				if err := t.reply(ctx, head+"phụ huynh đã báo em có thẻ BHYT; thông tin đang chờ giáo viên chủ nhiệm xác nhận.", nil); err != nil {
					return err
				}
				continue
			}
		}
		if err := t.reply(ctx, head+pupilStatusText(p, t.u.ChatID), pupilButtons(p)); err != nil {
			return err
		}
	}
	return nil
}

// retiredText tells a parent that their child has left the class list (a later roster file
// no longer has them), so nothing about the child is recorded through the bot any more.
func retiredText(p storage.Student, cl storage.Class) string {
	return "Em <b>" + vntext.EscapeHTML(p.Name) + "</b> không còn trong danh sách " + vntext.EscapeHTML(classLabel(cl)) + " năm học " +
		vntext.EscapeHTML(cl.SchoolYear) + ". Nếu có nhầm lẫn, anh/chị vui lòng liên hệ giáo viên chủ nhiệm."
}
