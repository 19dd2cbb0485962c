package commands

import (
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

// TestGuidedReport walks the guided flow step by step, with faults, a restart in the middle
// and the confirmation; nothing is written before it.
func TestGuidedReport(t *testing.T) {
	f := newFixture(t)
	A := itoa(f.classA.ID)
	steps := []struct {
		restart bool
		press   string // button data, or
		text    string // typed text
		want    string
	}{
		{text: "/baocao", want: "chọn lớp"},
		{text: "9Z", want: "Hãy chọn một lớp bằng nút"},
		{press: "bc:lop:" + A, want: "bước 1/3"},
		{text: "abc", want: "Không hiểu “abc”"},
		{text: "0", want: "Sĩ số phải từ 1 đến 200, thầy/cô gửi 0"},
		{text: "201", want: "Sĩ số phải từ 1 đến 200"},
		{press: "bc:so:t:5", want: "Nút này đã cũ"},
		{text: "４２", want: "bước 2/3"},
		{text: "-3", want: "Số liệu không được âm"},
		{text: "43", want: "không được lớn hơn sĩ số 42"},
		{text: "30", want: "bước 3/3"},
		{restart: true},
		{text: "13", want: "Qua trường 30 + đối tượng khác 13 = 43, lớn hơn sĩ số 42"},
		{press: "bc:so:o:0", want: "Sĩ số 42 · qua trường 30 · đối tượng khác 0"},
		{text: "có lẽ", want: "Bấm “Gửi báo cáo”"},
		{press: "bc:lai", want: "bước 1/3"},
		{press: "bc:so:e:42", want: "bước 2/3"},
		{text: "30", want: "bước 3/3"},
		{text: "8", want: "90,5%"},
		{press: "bc:ok", want: "Đã ghi báo cáo lớp <b>6A</b>"},
		{press: "bc:ok", want: "Không có báo cáo nào đang làm dở"},
	}
	for i, s := range steps {
		if s.restart {
			// A new engine over the same database: the conversation survives.
			f.engine = New(f.cfg, f.engine.clock, WithBotUsername("bhyt_test_bot"))
			continue
		}
		var msgs []storage.Message
		if s.press != "" {
			msgs = f.press(uTeacher, s.press)
		} else {
			msgs = f.send(uTeacher, s.text)
		}
		got := f.replyTo(uTeacher, msgs)
		if !strings.Contains(got, s.want) {
			t.Fatalf("step %d (%q%q):\n%s\nwant %q", i, s.press, s.text, got, s.want)
		}
		if i < len(steps)-2 && len(f.reports(f.classA.ID)) != 0 {
			t.Fatalf("step %d wrote a report before confirmation", i)
		}
	}
	rs := f.reports(f.classA.ID)
	if len(rs) != 1 || rs[0].Source != storage.SourceGuided || rs[0].Enrolment != 42 || rs[0].ThroughSchool != 30 || rs[0].Other != 8 {
		t.Errorf("reports %+v", rs)
	}
}

func TestGuidedCancelAndShortcuts(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		user        int64
		press, text string
		want        string
	}{
		{uTeacher, "", "/huy", "Không có việc nào đang làm dở"},
		{uTeacher, "", "/baocao 6a", "bước 1/3"},
		{uTeacher, "", "/huy", "Đã hủy"},
		{uTeacher, "bc:so:e:42", "", "Không có báo cáo nào đang làm dở"},
		{uTeacher, "", "/baocao 6B", "có danh sách học sinh"},
		{uTeacherOut, "", "/baocao", "bước 1/3"},                     // one class: no class step
		{uTeacherOut, "", "6A 30 20 5", "Đã ghi báo cáo"},            // a full report ends the flow
		{uTeacherOut, "", "30", "Thiếu số tham gia BHYT qua trường"}, // the flow has ended
		{uTeacher, "bc:sua:" + itoa(f.classA.ID), "", "bước 1/3"},
		{uTeacher, "bc:huy", "", "Đã hủy"},
	}
	for i, tt := range tests {
		var msgs []storage.Message
		if tt.press != "" {
			msgs = f.press(tt.user, tt.press)
		} else {
			msgs = f.send(tt.user, tt.text)
		}
		if got := f.replyTo(tt.user, msgs); !strings.Contains(got, tt.want) {
			t.Errorf("%d (%q%q):\n%s\nwant %q", i, tt.press, tt.text, got, tt.want)
		}
	}
	if rs := f.reports(f.classA.ID); len(rs) != 0 {
		t.Errorf("cancelled flows wrote %+v", rs)
	}
}

func TestGuidedNumber(t *testing.T) {
	tests := []struct {
		in    string
		n     int
		fault string
	}{
		{"42", 42, ""}, {"0", 0, ""}, {"-0", 0, ""}, {"-5", 0, "không được âm"}, {"4 2", 0, "Không hiểu"},
		{"", 0, "Không hiểu"}, {"1234567", 0, "Không hiểu"}, {"<b>", 0, "&lt;b&gt;"},
	}
	for _, tt := range tests {
		n, fault := guidedNumber(tt.in)
		if n != tt.n || (tt.fault == "") != (fault == "") || !strings.Contains(fault, tt.fault) {
			t.Errorf("guidedNumber(%q) = %d, %q", tt.in, n, fault)
		}
	}
}

// "Sửa" under a report whose enrolment differs from the list offers both enrolments, and
// the guided flow's examples are the class's own (uTeacherOut's 6A has 30 pupils).
func TestGuidedUsesTheClassEnrolment(t *testing.T) {
	f := newFixture(t)
	f.say(uTeacher, "/baocao 6A 44 35 2")
	msgs := f.press(uTeacher, "bc:sua:"+itoa(f.classA.ID))
	var buttons []string
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				buttons = append(buttons, b.Text+"="+b.Data)
			}
		}
	}
	if got := strings.Join(buttons, " "); !strings.Contains(got, "42 (theo danh sách)=bc:so:e:42") || !strings.Contains(got, "44 (báo cáo gần nhất)=bc:so:e:44") {
		t.Errorf("Sửa buttons: %s", got)
	}
	if got := f.say(uTeacherOut, "/baocao"); !strings.Contains(got, "(ví dụ 30)") {
		t.Errorf("step 1 of a 30-pupil class:\n%s", got)
	}
	if got := f.say(uTeacherOut, "250"); !strings.Contains(got, "Ví dụ đúng: 30.") {
		t.Errorf("enrolment out of range in a 30-pupil class:\n%s", got)
	}
}

// A guided report whose stored figures break the bounds (a state saved before a change of
// the rules) is refused at confirmation with an example in the class's own numbers.
func TestGuidedStoredFiguresOutOfBounds(t *testing.T) {
	f := newFixture(t)
	err := f.store.Update(f.ctx, func(tx *storage.Tx) error {
		return tx.SaveConversation(f.ctx, uTeacher, "baocao", `{"step":"ok","class":`+itoa(f.classA.ID)+`,"enrolment":42,"through":40,"other":8}`)
	})
	if err != nil {
		t.Fatal(err)
	}
	got := f.replyTo(uTeacher, f.press(uTeacher, "bc:ok"))
	if !strings.Contains(got, "không được lớn hơn sĩ số 42") || !strings.Contains(got, "Ví dụ đúng: /baocao 6A 42 31 4") {
		t.Errorf("out-of-bounds guided report:\n%s", got)
	}
	if rs := f.reports(f.classA.ID); len(rs) != 0 {
		t.Errorf("written: %+v", rs)
	}
}
