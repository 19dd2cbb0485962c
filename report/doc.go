// Package report reads a teacher's weekly report of a class's health-insurance
// (BHYT) figures from a chat message. It knows no channel, no storage and no
// roles: Parse takes the text and the names of the teacher's classes and
// returns an Input, a sign that the text is no report at all, ErrGuided, or an
// *Error whose message (in Vietnamese) says what was wrong and shows a correct
// example to copy. This comment is the grammar; the table of TestParse in
// report_test.go holds examples of each rule, accepted and refused.
//
// # Figures
//
// A report gives a class's enrolment (sĩ số), the pupils insured through the
// school (tham gia qua trường) and the pupils insured under another category
// (đối tượng khác: a card held as a child under 6, from a poor household, …),
// or only the insured total over the enrolment. The forms:
//
//	/baocao 6A 42 30 8           class, enrolment, through school, other
//	/baocao 6A 42 30             other category omitted: 0
//	/baocao 6A 38/42             insured / enrolment (the a/b/c chain 42/30/8 is the first form)
//	6A: ss 42, tr 30, khac 8     labelled figures, in any order
//	báo cáo lớp 6A sĩ số 42 qua trường 30 khác 8
//	/baocao@botname 6A 42 30 8   as Telegram sends commands in groups
//	/baocao 42 30 8              a teacher with one class may omit it
//	/baocao                      no figures: the caller starts the guided flow (ErrGuided)
//
// Labels, matched without diacritics and in any case, glued to their figure
// or not ("ss42"), with "=" or ":" or nothing between: enrolment "sĩ số",
// "ss", "siso"; through school "qua trường", "tham gia", "tham gia qua
// trường", "trường", "tr", "qt"; other category "khác", "đối tượng khác", "đt
// khác", "dtk". Labelled figures fill their field; unlabelled figures fill
// the remaining fields in the order enrolment, through school, other.
//
// # Spelling
//
// The command is "/baocao" or the words "báo cáo" in any spelling: with or
// without diacritics, in any case ("BAOCAO", "Báo Cáo"), spaced, joined by
// "_" or glued ("baocao"). The class, "lớp" or a figure may follow it
// without a space: "baocao6A 42 30 8", "/baocao6B 40 30 5", "baocaolop6a …"
// are the same report as the spaced form; any other word glued to it
// ("baocaoxong") makes the text not the report command. Text is read in NFC
// or NFD alike; full-width digits and letters (６Ａ ４２) are ASCII;
// invisible characters, extra spaces, tabs and new lines are ignored; the
// separators , ; : = only separate (a / between figures makes the a/b form); courtesy
// words ("dạ", "ạ", "nhé"), fillers ("là", "đã"), units after a figure ("em",
// "hs", "học sinh") and a trailing emoji are skipped.
//
// A class is matched against the teacher's own classes, ignoring case,
// diacritics, spaces and separators and a leading "lớp": "6a", "6 A",
// "lớp6a", "Lớp 6A" all name 6A; "10A" names 10A1 when it is the teacher's
// only class that starts so; where classes fold alike (6Đ and 6D) the one
// spelled exactly as typed wins. A class glued to the enrolment is split
// where the class ends: "6a42" is 6A and 42 when the class ends in a letter,
// since the digits begin where the class ends. When the class ends in a digit
// ("10A1" in "10a142") the split could be a digit earlier or later, so the
// report is refused with CodeGlued and the message holds the teacher's own
// report spaced out, ready to copy ("/baocao 10A1 42 30 8"); when two of the
// teacher's classes could end inside the digits ("6a142" for 6A and 6A1)
// nothing is split.
//
// # Commas and decimals
//
// Vietnamese writes a decimal with a comma ("30,5" is thirty and a half), so
// a comma with a digit right on each side joins exactly two numbers into a
// decimal, which a count of pupils cannot be: "6B 40 30,5" and "/baocao 6A
// 42,30" are refused with CodeDecimal (the message says that if two figures
// were meant, they must be spaced). A comma followed by a space always
// separates ("6A 42, 30, 8"), and a run of three or more numbers joined by
// bare commas is a list, as nobody writes a number with two decimal commas
// ("6A 42,30,8" is 42, 30, 8). A dot between digits ("30.5") is not a whole
// number either (CodeNotNumber).
//
// # Bounds
//
// Every figure is a whole number of ASCII (or full-width) digits; enrolment
// is MinEnrolment (1) to MaxEnrolment (200); through school plus other
// category, or the insured total of the a/b form, is at most the enrolment; a
// text longer than MaxRunes (1,000) runes is refused. Nothing is guessed:
// a report either parses whole or is refused.
//
// # What is not a report
//
// Without "/baocao" or "báo cáo" a text is a report attempt only if it has a
// figure and either a field label or nothing but a class and figures; so
// chat like "xin chào", "5 phút nữa em gửi" or "Lớp 6A hôm nay nghỉ 3 em"
// is not a report, and neither is "báo cáo" in a sentence without figures
// ("em sẽ báo cáo sau") nor another slash command.
//
// # Error codes
//
// Each fault has an ErrorCode, named for logs and metrics by its String:
//
//	CodeTooLong           too_long           longer than MaxRunes
//	CodeNoClasses         no_classes         the teacher has no class yet
//	CodeClassMissing      class_missing      no class named and the teacher has several
//	CodeUnknownClass      unknown_class      the class named is not the teacher's
//	CodeAmbiguousClass    ambiguous_class    the class named fits several of the teacher's
//	CodeNoNumbers         no_numbers         no figure at all
//	CodeMissingNumber     missing_number     a required figure, or the figure after a label, is missing
//	CodeTooManyNumbers    too_many_numbers   more figures than fields
//	CodeNotNumber         not_a_number       a word, symbol or dotted decimal where a figure belongs
//	CodeNegative          negative           a negative figure
//	CodeEnrolmentRange    enrolment_range    enrolment outside 1–200
//	CodeExceedsEnrolment  exceeds_enrolment  more insured pupils than enrolled
//	CodeDuplicate         duplicate          a field (or the class) given twice
//	CodeDecimal           decimal            a decimal comma: "30,5"
//	CodeGlued             glued_class        a class ending in a digit glued to its figure
//
// The first fault found is reported. Parse never panics (FuzzParse holds it to
// that, to the bounds above, and to answering NFC and NFD text alike).
package report
