// Package button is the protocol of inline-button data: every callback datum bhytbot puts
// under a message is built and read here, so the message that offers a button and the
// command that answers it cannot drift apart. A datum is "<prefix>:<rest>", at most 64
// bytes (Telegram's limit):
//
//	bc:lop:<class id>       guided report: the class
//	bc:so:<step>:<n>        guided report: a number for step e (enrolment), t (through school), o (other)
//	bc:ok, bc:lai, bc:huy   guided report: confirm, start again, cancel
//	bc:sua:<class id>       "Sửa" under a report reply: the guided flow for that class
//	moi:gv:<class id>       a principal's teacher invite for a class
//	moi:ph:<class id>       a teacher's parent links for a class
//	the:s|o|x:<claim id>    a teacher confirms a card claim (through school / other) or rejects it
//	card:<student id>       "Con tôi đã có thẻ" under a parent reminder, for a pupil
//	card:c<class id>        the same for a parent linked to a class only
//	lk:y|n:<request id>     a teacher admits (or refuses) a class-link parent to a pupil
//	xq:<role id>            /xoaquyen: asks to remove that role; xq:y:<role id> removes it, xq:n keeps it
//
// The package is a leaf: it imports only the standard library.
package button

import (
	"strconv"
	"strings"
)

// Prefixes of the callback data; the part after the first ':' belongs to the command.
const (
	Report = "bc"   // the guided report
	Claim  = "the"  // a teacher's decision on a parent's card claim
	Invite = "moi"  // in-chat invites
	Card   = "card" // a parent's "my child has a card"
	Link   = "lk"   // a teacher's decision on a class-link parent
	Revoke = "xq"   // /xoaquyen: the role to remove and its confirmation
)

// Actions of the guided report (bc:<action>[:<arg>]).
const (
	ReportClass   = "lop"
	ReportNumber  = "so"
	ReportConfirm = "ok"
	ReportRestart = "lai"
	ReportCancel  = "huy"
	ReportEdit    = "sua"
)

// Kinds of claim decision (the:<kind>:<claim id>).
const (
	ClaimSchool = "s" // insured through school
	ClaimOther  = "o" // insured in another category
	ClaimReject = "x" // not insured after all
)

// Kinds of invite button (moi:<kind>:<class id>).
const (
	InviteTeacher = "gv"
	InviteParents = "ph"
)

// CardText is the label of the card button.
const CardText = "✅ Con tôi đã có thẻ"

// PressHint is how a text asks a person to use the buttons under it, in the terms of what
// their chat shows: on Zalo, which has no buttons, the buttons arrive as numbered choices
// at the end of the message, answered by typing the number.
func PressHint(numbered bool) string {
	if numbered {
		return "trả lời bằng số ở cuối tin nhắn"
	}
	return "bấm nút bên dưới"
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// Split cuts data into its prefix and the command's rest.
func Split(data string) (prefix, rest string) {
	prefix, rest, _ = strings.Cut(data, ":")
	return prefix, rest
}

// ReportAction is bc:<action> for an action without argument (ok, lai, huy).
func ReportAction(action string) string { return Report + ":" + action }

// ReportNumberData is bc:so:<step>:<n>.
func ReportNumberData(step string, n int) string {
	return Report + ":" + ReportNumber + ":" + step + ":" + strconv.Itoa(n)
}

// ReportEditData is bc:sua:<class id>.
func ReportEditData(classID int64) string { return Report + ":" + ReportEdit + ":" + id(classID) }

// ParseReport reads the rest of a bc: datum: its action and argument ("so" has
// "<step>:<n>" as argument; ParseNumber reads it).
func ParseReport(rest string) (action, arg string) {
	action, arg, _ = strings.Cut(rest, ":")
	return action, arg
}

// ParseNumber reads the argument of bc:so: the step and the number.
func ParseNumber(arg string) (step string, n int, ok bool) {
	step, num, _ := strings.Cut(arg, ":")
	n, err := strconv.Atoi(num)
	return step, n, err == nil
}

// ParseID reads a positive id argument.
func ParseID(arg string) (int64, bool) {
	n, err := strconv.ParseInt(arg, 10, 64)
	return n, err == nil
}

// ClassPrefix is the data of a class button without its class id, for a row of class
// buttons: ClassPrefix(Invite, InviteTeacher) + "<class id>".
func ClassPrefix(prefix, kind string) string { return prefix + ":" + kind + ":" }

// ClaimData is the:<kind>:<claim id>.
func ClaimData(kind string, claimID int64) string { return Claim + ":" + kind + ":" + id(claimID) }

// ParseKindID reads the rest of a the: or moi: datum: its kind and its id.
func ParseKindID(rest string) (kind string, n int64, ok bool) {
	kind, idText, _ := strings.Cut(rest, ":")
	n, err := strconv.ParseInt(idText, 10, 64)
	return kind, n, err == nil
}

// CardStudentData is the card button's data for a pupil: card:<student id>.
func CardStudentData(studentID int64) string { return Card + ":" + id(studentID) }

// CardClassData is the card button's data for a parent linked to a class only:
// card:c<class id>.
func CardClassData(classID int64) string { return Card + ":c" + id(classID) }

// ParseCard reads a card datum: exactly one of studentID and classID is set when ok.
func ParseCard(data string) (studentID, classID int64, ok bool) {
	rest, found := strings.CutPrefix(data, Card+":")
	if !found {
		return 0, 0, false
	}
	isClass := strings.HasPrefix(rest, "c")
	n, err := strconv.ParseInt(strings.TrimPrefix(rest, "c"), 10, 64)
	if err != nil || n <= 0 {
		return 0, 0, false
	}
	if isClass {
		return 0, n, true
	}
	return n, 0, true
}
