package commands

import (
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

// TestReportEndToEnd: a teacher's message, parsed, checked, written and answered.
func TestReportEndToEnd(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		wants  []string
		report *storage.Report // the report written, nil for none
	}{
		{"command", "/baocao 6A 42 30 8", []string{"Đã ghi báo cáo lớp <b>6A</b> – tuần 48/2026", "Sĩ số 42 · qua trường 30 · đối tượng khác 8", "<b>90,5%</b>", "Còn <b>4</b> học sinh", "Lớp đứng <b>hạng 1</b> trong 1 lớp đã báo cáo của trường tuần này."},
			&storage.Report{Enrolment: 42, ThroughSchool: 30, Other: 8, Source: storage.SourceMessage}},
		{"ratio", "/baocao 6a 38/42", []string{"90,5%", "cả 38 em được tính là tham gia qua trường"}, &storage.Report{Enrolment: 42, ThroughSchool: 38, Source: storage.SourceMessage}},
		{"labels without diacritics", "6A: ss 40, tr 30, khac 10", []string{"100%", "Cả lớp đã có thẻ BHYT"}, &storage.Report{Enrolment: 40, ThroughSchool: 30, Other: 10, Source: storage.SourceMessage}},
		{"full-width NFD", "ｂáo cáo lớp ６A sĩ số ４２ qua trường ３０", []string{"71,4%"}, &storage.Report{Enrolment: 42, ThroughSchool: 30, Source: storage.SourceMessage}},
		{"exceeds", "/baocao 6A 42 40 8", []string{"⚠️", "không được lớn hơn sĩ số 42", "Ví dụ đúng: /baocao 6A 42 31 4 (sĩ số 42, tham gia qua trường 31, đối tượng khác 4)"}, nil},
		{"enrolment range", "/baocao 6A 250 30 8", []string{"Sĩ số phải từ 1 đến 200, thầy/cô gửi 250"}, nil},
		{"negative", "/baocao 6A 42 -3 8", []string{"không được âm"}, nil},
		{"not the sender's class", "/baocao 7A 40 30 8", []string{"Lớp “7A” không có trong các lớp thầy/cô chủ nhiệm (6A, 6B)"}, nil},
		{"class missing", "/baocao 42 30 8", []string{"Thầy/cô chủ nhiệm nhiều lớp (6A, 6B)"}, nil},
		{"escapes input", "/baocao 6A 42 <b>x</b> 8", []string{"Không hiểu “&lt;”"}, nil},
		{"roster class", "/baocao 6B 5 3 1", []string{"có danh sách học sinh nên số liệu được tính từ danh sách", "/dadong 6B"}, nil},
		{"guided", "/baocao", []string{"chọn lớp"}, nil},
		{"not a report", "5 phút nữa em gửi", []string{"Mình chưa hiểu"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			msgs := f.send(uTeacher, tt.text)
			got := f.replyTo(uTeacher, msgs)
			if strings.Contains(got, "<b>x</b>") {
				t.Errorf("user input echoed unescaped: %s", got)
			}
			for _, w := range tt.wants {
				if !strings.Contains(got, w) {
					t.Errorf("reply:\n%s\nwant %q", got, w)
				}
			}
			var all []storage.Report
			for _, c := range []storage.Class{f.classA, f.classB, f.class7} {
				all = append(all, f.reports(c.ID)...)
			}
			if tt.report == nil {
				if len(all) != 0 {
					t.Errorf("written %+v", all)
				}
				return
			}
			if len(all) != 1 {
				t.Fatalf("reports %+v", all)
			}
			r := all[0]
			if r.ClassID != f.classA.ID || r.Week != "2026-W48" || r.Enrolment != tt.report.Enrolment || r.ThroughSchool != tt.report.ThroughSchool ||
				r.Other != tt.report.Other || r.Source != tt.report.Source || r.UserID != uTeacher || r.UpdateID == 0 {
				t.Errorf("report %+v, want %+v", r, *tt.report)
			}
			if data := buttonData(msgs); len(data) != 1 || data[0] != "bc:sua:"+itoa(f.classA.ID) {
				t.Errorf("buttons %v", data)
			}
		})
	}
}

// TestCorrectionKeepsHistoryAndRanks: a correction is a new report; ranks follow the week.
func TestCorrectionKeepsHistoryAndRanks(t *testing.T) {
	f := newFixture(t)
	err := f.store.Update(f.ctx, func(tx *storage.Tx) error {
		_, err := tx.InsertReport(f.ctx, storage.Report{ClassID: f.class7.ID, Week: "2026-W48", Enrolment: 40, ThroughSchool: 36, Other: 0})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.say(uTeacher, "/baocao 6A 42 30 8"); !strings.Contains(got, "<b>hạng 1</b> trong 2 lớp") {
		t.Errorf("first report rank: %s", got)
	}
	if got := f.say(uTeacher, "/baocao 6A 42 20 0"); !strings.Contains(got, "<b>hạng 2</b> trong 2 lớp") || !strings.Contains(got, "47,6%") {
		t.Errorf("correction rank: %s", got)
	}
	rs := f.reports(f.classA.ID)
	if len(rs) != 2 || rs[0].ThroughSchool != 30 || rs[1].ThroughSchool != 20 {
		t.Errorf("history %+v", rs)
	}
	// An enrolment other than the school's list is recorded in the report and said to
	// differ; the list's enrolment stays the class's, so a second report says it again.
	for range 2 {
		got := f.say(uTeacher, "/baocao 6A 44 20 0")
		if !strings.Contains(got, "Sĩ số đã đổi từ 42 thành 44 so với danh sách của trường; nếu nhầm, thầy/cô gửi lại báo cáo đúng.") {
			t.Errorf("changed enrolment not said: %s", got)
		}
	}
	if got := f.say(uTeacher, "/baocao 6A 42 20 0"); strings.Contains(got, "Sĩ số đã đổi") {
		t.Errorf("the list's enrolment said to differ: %s", got)
	}
	f.view(func(tx *storage.Tx) error {
		c, err := tx.ClassByID(f.ctx, f.classA.ID)
		if err != nil || c.Enrolment != 42 {
			t.Errorf("class enrolment %d %v, want the list's 42", c.Enrolment, err)
		}
		return nil
	})
	if rs := f.reports(f.classA.ID); len(rs) != 5 || rs[2].Enrolment != 44 {
		t.Errorf("history %+v", rs)
	}
}

// A faulty report of a known class is answered with an example in the class's own numbers:
// the enrolment on the school's list and the insured counts of its latest report.
func TestReportExampleUsesTheClassFigures(t *testing.T) {
	f := newFixture(t)
	f.say(uTeacher, "/baocao 6A 44 35 2")
	for text, want := range map[string]string{
		"/baocao 6A 42 40 8": "Ví dụ đúng: /baocao 6A 42 35 2 (sĩ số 42, tham gia qua trường 35, đối tượng khác 2)",
		"/baocao 6A 50/42":   "Ví dụ đúng: /baocao 6A 37/42 (37 học sinh có thẻ BHYT trên sĩ số 42)",
		"/baocao 6A 42":      "Ví dụ đúng: /baocao 6A 42 35 2",
		"/dadong 6A 3":       "chưa có danh sách học sinh; hãy báo cáo số liệu, ví dụ <code>/baocao 6A 42 35 2</code>",
	} {
		if got := f.say(uTeacher, text); !strings.Contains(got, want) {
			t.Errorf("%s:\n%s\nwant %q", text, got, want)
		}
	}
}

func TestWeekLabel(t *testing.T) {
	if got := weekLabel("2026-W05"); got != "tuần 5/2026" {
		t.Errorf("weekLabel = %q", got)
	}
}
