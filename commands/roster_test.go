package commands

import (
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

func TestRosterMarks(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		text   string
		want   string
		status map[int]string // pupil number → status after, for the ones checked
		report []int          // latest roster report: enrolment, school, other; nil if none new
	}{
		{"/chuadong 6B", "5/5 học sinh chưa tham gia BHYT", nil, nil},
		{"/dadong 6B 1 3", "Đã ghi 2 học sinh đã tham gia BHYT qua trường (số 1, 3)", map[int]string{1: "school", 3: "school", 2: "uninsured"}, []int{5, 2, 0}},
		{"/khac lop 6b 2", "đã có thẻ thuộc đối tượng khác (số 2)", map[int]string{2: "other"}, []int{5, 2, 1}},
		{"/dadong 6B 1", "Đã ghi 0 học sinh", nil, []int{5, 2, 1}},
		{"/dadong 6B 4 9 12", "không có học sinh số 9, 12", map[int]string{4: "uninsured"}, nil},
		{"/dadong 6B 4 x", "“x” không phải số thứ tự học sinh", map[int]string{4: "uninsured"}, nil},
		{"/dadong 6B", "Hãy ghi số thứ tự", nil, nil},
		{"/dadong 4", "Thầy/cô chủ nhiệm nhiều lớp", nil, nil},
		{"/dadong 6A 1", "chưa có danh sách học sinh", nil, nil},
		{"/xoadong 6B 3", "chưa tham gia BHYT (số 3)", map[int]string{3: "uninsured"}, []int{5, 1, 1}},
		{"/dadong 6B 3-5", "(số 3, 4, 5)", map[int]string{5: "school"}, []int{5, 4, 1}},
		{"/chuadong 6B", "🎉", nil, nil},
		{"/chuadong 6B 3", "Chỉ cần ghi tên lớp", nil, nil},
		{"/chuadong 6A", "chưa có danh sách học sinh", nil, nil},
	}
	lastReports := 0
	for _, tt := range tests {
		got := f.say(uTeacher, tt.text)
		if !strings.Contains(got, tt.want) {
			t.Errorf("%q:\n%s\nwant %q", tt.text, got, tt.want)
		}
		var pupils []storage.Student
		f.view(func(tx *storage.Tx) error {
			var err error
			pupils, err = tx.StudentsOfClass(f.ctx, f.classB.ID)
			return err
		})
		for n, st := range tt.status {
			if pupils[n-1].Status != st {
				t.Errorf("%q: pupil %d is %s, want %s", tt.text, n, pupils[n-1].Status, st)
			}
		}
		rs := f.reports(f.classB.ID)
		if tt.report == nil {
			if len(rs) != lastReports {
				t.Errorf("%q wrote a report", tt.text)
			}
			continue
		}
		if len(rs) != lastReports+1 {
			t.Fatalf("%q: %d reports, want %d", tt.text, len(rs), lastReports+1)
		}
		lastReports = len(rs)
		r := rs[len(rs)-1]
		if r.Source != storage.SourceRoster || r.Enrolment != tt.report[0] || r.ThroughSchool != tt.report[1] || r.Other != tt.report[2] {
			t.Errorf("%q: report %+v, want %v", tt.text, r, tt.report)
		}
	}
}

func TestUninsuredListIsPrivateAndEscaped(t *testing.T) {
	f := newFixture(t)
	err := f.store.Update(f.ctx, func(tx *storage.Tx) error {
		_, _, err := tx.UpsertStudent(f.ctx, f.classB.ID, 6, "<i>Hacker</i>")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := f.send(uTeacher, "/chuadong 6B")
	for _, m := range msgs {
		if m.ChatID != uTeacher {
			t.Errorf("roster sent to chat %d", m.ChatID)
		}
	}
	got := f.replyTo(uTeacher, msgs)
	if !strings.Contains(got, "6. &lt;i&gt;Hacker&lt;/i&gt;") || !strings.Contains(got, "2. Trần Thị Bình") {
		t.Errorf("list:\n%s", got)
	}
}

func TestRosterArgs(t *testing.T) {
	one := &caller{classes: []storage.Class{{ID: 1, Name: "6A"}}}
	two := &caller{classes: []storage.Class{{ID: 1, Name: "6A"}, {ID: 2, Name: "10A1"}}}
	tests := []struct {
		c       *caller
		args    string
		class   int64
		numbers []int
		fault   string
	}{
		{one, "3 7 12", 1, []int{3, 7, 12}, ""},
		{one, "6a 3,7;12", 1, []int{3, 7, 12}, ""},
		{one, "lớp 6A 2-4 3", 1, []int{2, 3, 4}, ""},
		{one, "7B 3", 0, nil, "không có trong các lớp"},
		{two, "10 a1 5", 2, []int{5}, ""},
		{two, "5", 0, nil, "nhiều lớp"},
		{two, "6A 0", 1, nil, "không phải số thứ tự"},
		{two, "6A 9-1", 1, nil, "không phải số thứ tự"},
		{two, "6A 1-999", 1, nil, "không phải số thứ tự"},
	}
	for _, tt := range tests {
		cl, numbers, fault := rosterArgs(tt.c, tt.args)
		if (tt.fault == "") != (fault == "") || !strings.Contains(fault, tt.fault) {
			t.Errorf("%q: fault %q, want %q", tt.args, fault, tt.fault)
			continue
		}
		if tt.fault == "" && (cl.ID != tt.class || len(numbers) != len(tt.numbers)) {
			t.Errorf("%q: class %d numbers %v", tt.args, cl.ID, numbers)
		}
	}
}
