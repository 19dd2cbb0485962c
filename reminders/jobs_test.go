package reminders

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
)

// render draws a message's attachment from its spec, as the sender does.
func render(t *testing.T, m storage.Message, wantName string) []byte {
	t.Helper()
	name, data, err := leaderboard.RenderAttachment(context.Background(), m.Render)
	if err != nil {
		t.Fatalf("%s: %v", m.DedupeKey, err)
	}
	if name != wantName {
		t.Errorf("%s: rendered %q, want %q", m.DedupeKey, name, wantName)
	}
	return data
}

func runJob(t *testing.T, w *world, s *Service, job string) Result {
	t.Helper()
	r, err := s.RunNow(context.Background(), job, TriggerCLI)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestJobRecipients: each job reaches exactly the right people, once.
func TestJobRecipients(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	w.clock.Set(at(t, "2026-W48", time.Monday, 8, 0))
	tests := []struct {
		job  string
		want []int64
		keys []string
	}{
		{config.JobTeacherReminder, []int64{uTeacher6A6B, uTeacher7A}, []string{
			"teacher-reminder/2026-W48/u30", "teacher-reminder/2026-W48/u31"}},
		{config.JobParentReminder, []int64{uParentAn, uParentLink6A, uParentCuong6A}, []string{
			"parent-reminder/2026-W48/u40", "parent-reminder/2026-W48/u42", "parent-reminder/2026-W48/u44"}},
		{config.JobPrincipalLeaderboard, []int64{uPrincipalMyTu, uPrincipalLH}, nil},
		{config.JobOfficerLeaderboard, []int64{uOfficerProvince, uOfficerMyTu}, nil},
	}
	for _, tt := range tests {
		r := runJob(t, w, s, tt.job)
		box := w.outbox()
		if got := chats(box, tt.job+"/"); !slices.Equal(got, tt.want) {
			t.Errorf("%s went to %v, want %v", tt.job, got, tt.want)
		}
		if r.Recipients != len(tt.want) {
			t.Errorf("%s: %+v", tt.job, r)
		}
		if tt.keys != nil && !slices.Equal(keysOf(box, tt.job+"/"), tt.keys) {
			t.Errorf("%s keys %v", tt.job, keysOf(box, tt.job+"/"))
		}
		if again := runJob(t, w, s, tt.job); !again.Skipped {
			t.Errorf("%s ran twice: %+v", tt.job, again)
		}
	}
	box := w.outbox()
	// Principal: text + chart photo; officer: text + chart + workbook.
	wantKeys := []string{
		"principal-leaderboard/2026-W48/u20/s1/1", "principal-leaderboard/2026-W48/u20/s1/chart",
		"principal-leaderboard/2026-W48/u21/s3/1", "principal-leaderboard/2026-W48/u21/s3/chart",
	}
	if got := keysOf(box, config.JobPrincipalLeaderboard); !slices.Equal(got, wantKeys) {
		t.Errorf("principal keys %v", got)
	}
	officer := keysOf(box, config.JobOfficerLeaderboard)
	if len(officer) != 6 {
		t.Errorf("officer keys %v", officer)
	}
	// Charts and workbooks are drawn at send time: the rows carry a spec and no bytes, and
	// the spec draws the file.
	for _, k := range officer {
		m := box[k]
		switch {
		case strings.HasSuffix(k, "/chart"):
			if m.Photo == nil || len(m.Photo) != 0 || !strings.Contains(m.Render, `"kind":"chart"`) {
				t.Errorf("%s: chart of a small area is not a photo drawn at send time: %d bytes, spec %q", k, len(m.Photo), m.Render)
			}
			decodePNG(t, render(t, m, m.FileName))
		case strings.HasSuffix(k, "/xlsx"):
			if m.Document == nil || !strings.HasPrefix(m.FileName, "bao-cao-bhyt-soc-trang") || !strings.HasSuffix(m.FileName, "-2026-W48.xlsx") {
				t.Errorf("%s: %q", k, m.FileName)
			}
			if data := render(t, m, m.FileName); !bytes.HasPrefix(data, []byte("PK")) {
				t.Errorf("%s: not an .xlsx", k)
			}
		}
		if m.Priority != storage.PriorityBroadcast {
			t.Errorf("%s: priority %d", k, m.Priority)
		}
	}
	for _, k := range keysOf(box, config.JobPrincipalLeaderboard) {
		if m := box[k]; strings.HasSuffix(k, "/chart") {
			if m.Photo == nil || len(m.Photo) != 0 {
				t.Errorf("%s: %d bytes at enqueue time", k, len(m.Photo))
			}
			decodePNG(t, render(t, m, m.FileName))
		}
	}
	if got := box["officer-leaderboard/2026-W48/u11/a2/xlsx"].FileName; got != "bao-cao-bhyt-soc-trang-my-tu-2026-W48.xlsx" {
		t.Errorf("workbook name %q", got)
	}
}

func TestTeacherReminderText(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	w.clock.Set(at(t, "2026-W48", time.Monday, 8, 0))
	runJob(t, w, s, config.JobTeacherReminder)
	box := w.outbox()
	a := box["teacher-reminder/2026-W48/u30"].Text
	for _, want := range []string{
		"tuần 48/2026",
		"Lớp sau chưa báo cáo tuần này và chưa đạt mục tiêu 100%",
		"<b>6A</b>: lần gần nhất tuần 46/2026: 90,5% (38/42)",
		"Còn <b>38 ngày</b> đến hạn 31/12/2026",
		"<code>/baocao 6A 42 30 8</code>",
	} {
		if !strings.Contains(a, want) {
			t.Errorf("teacher message lacks %q:\n%s", want, a)
		}
	}
	if strings.Contains(a, "6B") {
		t.Errorf("6B reported this week and met the target, yet is listed:\n%s", a)
	}
	b := box["teacher-reminder/2026-W48/u31"].Text
	// 7A has a pupil roster: the bot refuses count reports for it, so the reminder shows marks.
	if !strings.Contains(b, "<b>7A</b>: chưa báo cáo lần nào") || !strings.Contains(b, "<code>/dadong 7A 3 7</code>") ||
		strings.Contains(b, "/baocao 7A") {
		t.Errorf("teacher of 7A:\n%s", b)
	}
}

// TestAfterDeadline: the final wording once, then nothing; no parent reminder.
func TestAfterDeadline(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.cfg.Campaign.Deadline = "2026-11-25" // Wednesday of W48
	s := w.service()
	ctx := context.Background()

	w.clock.Set(at(t, "2026-W48", time.Monday, 8, 0))
	if r := runJob(t, w, s, config.JobTeacherReminder); r.Final || r.Enqueued != 2 {
		t.Fatalf("before the deadline: %+v", r)
	}
	if !strings.Contains(w.outbox()["teacher-reminder/2026-W48/u30"].Text, "Còn <b>2 ngày</b> đến hạn 25/11/2026") {
		t.Error("days left")
	}

	w.clock.Set(at(t, "2026-W48", time.Friday, 16, 0))
	for _, job := range []string{config.JobParentReminder, config.JobPrincipalLeaderboard, config.JobOfficerLeaderboard} {
		runJob(t, w, s, job)
	}
	box := w.outbox()
	if keys := keysOf(box, config.JobParentReminder); len(keys) != 0 {
		t.Errorf("parents reminded after the deadline: %v", keys)
	}
	p := box["principal-leaderboard/final-2025-2026/u20/s1/1"].Text
	if !strings.Contains(p, "Kết quả cuối cùng") || strings.Contains(p, "⏰") || !strings.Contains(p, "tuần 48/2026") {
		t.Errorf("principal's final board:\n%s", p)
	}
	o := box["officer-leaderboard/final-2025-2026/u10/a1/1"].Text
	if !strings.Contains(o, "Kết quả cuối cùng") {
		t.Errorf("officer's final board (keys %v):\n%s", keysOf(box, config.JobOfficerLeaderboard), o)
	}

	// The next week: teachers get their final figures once (all teachers, reported or not);
	// leaderboards are not sent again.
	w.clock.Set(at(t, "2026-W49", time.Monday, 8, 0))
	got := s.Tick(ctx)
	if !slices.Equal(jobsOf(got), []string{config.JobTeacherReminder}) || !got[0].Final || got[0].Enqueued != 3 {
		t.Fatalf("W49 Monday: %+v", got)
	}
	box = w.outbox()
	f := box["teacher-reminder/final-2025-2026/u30"].Text
	for _, want := range []string{"Kết quả cuối cùng", "🟡 <b>6A</b>: 90,5% (38/42)", "✅ <b>6B</b>: 100% (40/40)", "đã kết thúc ngày 25/11/2026"} {
		if !strings.Contains(f, want) {
			t.Errorf("teacher's final message lacks %q:\n%s", want, f)
		}
	}
	if strings.Contains(f, "/baocao") {
		t.Errorf("final message asks for a report:\n%s", f)
	}
	for _, day := range []time.Weekday{time.Friday, time.Saturday} {
		w.clock.Set(at(t, "2026-W49", day, 18, 0))
		for _, r := range s.Tick(ctx) {
			if r.Enqueued != 0 {
				t.Errorf("W49 %s: %+v", day, r)
			}
		}
	}
	w.clock.Set(at(t, "2026-W50", time.Monday, 8, 0))
	for _, r := range s.Tick(ctx) {
		if r.Enqueued != 0 {
			t.Errorf("W50: final sent again: %+v", r)
		}
	}
}

// A report whose enrolment differs from the school's list is named on the principal's weekly
// board; a class whose latest report gives the list's enrolment again is not, nor is a
// school where every class matches.
func TestPrincipalBoardNamesEnrolmentChanges(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	err := w.store.Update(ctx, func(tx *storage.Tx) error {
		for _, r := range []storage.Report{
			{ClassID: w.ids["c:6A"], Week: "2026-W48", Enrolment: 44, ThroughSchool: 30, Other: 8},
			{ClassID: w.ids["c:6B"], Week: "2026-W47", Enrolment: 39, ThroughSchool: 30},
		} {
			if _, err := tx.InsertReport(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := w.service()
	w.clock.Set(at(t, "2026-W48", time.Friday, 16, 0))
	runJob(t, w, s, config.JobPrincipalLeaderboard)
	box := w.outbox()
	myTu := box["principal-leaderboard/2026-W48/u20/s1/1"].Text
	if !strings.Contains(myTu, "\n\n📋 Lớp có sĩ số khác danh sách: 6A (42 → 44).") {
		t.Errorf("Mỹ Tú's board does not name 6A's change:\n%s", myTu)
	}
	if lh := box["principal-leaderboard/2026-W48/u21/s3/1"].Text; lh == "" || strings.Contains(lh, "sĩ số khác") {
		t.Errorf("Long Hưng's board:\n%s", lh)
	}
}
