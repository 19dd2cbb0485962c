package reminders

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/storage"
)

func TestParentReminderText(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.service()
	w.clock.Set(at(t, "2026-W48", time.Wednesday, 19, 0))
	runJob(t, w, s, config.JobParentReminder)
	box := w.outbox()

	an := box["parent-reminder/2026-W48/u40"]
	for _, want := range []string{
		"Kính gửi quý phụ huynh",
		"em <b>Nguyễn Văn An</b> (lớp 7A, Trường THCS Mỹ Tú) chưa có thẻ BHYT học sinh năm học 2025-2026",
		"<b>631.800 đ/năm</b>, có thể đóng theo 3 tháng (157.950 đ), 6 tháng (315.900 đ) hoặc 12 tháng (631.800 đ)",
		"Cách nộp: Phụ huynh nộp tiền cho giáo viên chủ nhiệm",
		"Hạn chót: 31/12/2026 (còn 36 ngày)",
		"Trân trọng cảm ơn",
	} {
		if !strings.Contains(an.Text, want) {
			t.Errorf("parent of An lacks %q:\n%s", want, an.Text)
		}
	}
	for _, other := range []string{"Bình", "Cường"} {
		if strings.Contains(an.Text, other) {
			t.Errorf("parent of An sees %s:\n%s", other, an.Text)
		}
	}
	if len(an.Buttons) != 1 || an.Buttons[0][0].Text != button.CardText || an.Buttons[0][0].Data != fmt.Sprintf("card:%d", w.ids["p:An"]) {
		t.Errorf("buttons %+v", an.Buttons)
	}
	if !an.NotBefore.IsZero() {
		t.Errorf("19:00 is not quiet, yet held until %v", an.NotBefore)
	}

	link := box["parent-reminder/2026-W48/u42"]
	if !strings.Contains(link.Text, "Nếu con anh/chị chưa có thẻ BHYT") || strings.Contains(link.Text, "Nguyễn") {
		t.Errorf("class link wording:\n%s", link.Text)
	}
	if link.Buttons[0][0].Data != fmt.Sprintf("card:c%d", w.ids["c:6A"]) {
		t.Errorf("class link button %+v", link.Buttons)
	}

	both := box["parent-reminder/2026-W48/u44"]
	if len(both.Buttons) != 2 || !strings.Contains(both.Text, "Lê Văn Cường") || strings.Contains(both.Text, "Nguyễn Văn An") ||
		both.Buttons[0][0].Text != "✅ Lê Văn Cường đã có thẻ" || both.Buttons[1][0].Text != "✅ Con tôi (lớp 6A) đã có thẻ" {
		t.Errorf("parent of Cường linked to 6A: %+v\n%s", both.Buttons, both.Text)
	}
}

// TestParentQuietHours: a parent reminder run at 22:30 waits for 07:00 the next morning.
func TestParentQuietHours(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.cfg.Schedules.ParentReminder = "30 22 * * WED"
	s := w.service()
	ctx := context.Background()
	w.clock.Set(at(t, "2026-W48", time.Wednesday, 22, 30))
	got := s.Tick(ctx)
	if len(got) != 1 || got[0].Job != config.JobParentReminder || got[0].Enqueued != 3 {
		t.Fatalf("ran %+v", got)
	}
	morning := at(t, "2026-W48", time.Thursday, 7, 0)
	for k, m := range w.outbox() {
		if !m.NotBefore.Equal(morning) {
			t.Errorf("%s held until %v, want %v", k, m.NotBefore, morning)
		}
	}
	due := func(now time.Time) int {
		var n int
		err := w.store.View(ctx, func(tx *storage.Tx) error {
			ms, err := tx.PendingMessages(ctx, now, 100)
			n = len(ms)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := due(morning.Add(-time.Minute)); n != 0 {
		t.Errorf("%d parent messages due at night", n)
	}
	if n := due(morning); n != 3 {
		t.Errorf("%d parent messages due in the morning, want 3", n)
	}
}

func TestPaymentAmount(t *testing.T) {
	t.Parallel()
	for months, want := range map[int]int{3: 157950, 6: 315900, 12: 631800, 1: 52650} {
		if got := PaymentAmount(631800, months); got != want {
			t.Errorf("%d months: %d, want %d", months, got, want)
		}
	}
}

// A child whose card a parent has reported, waiting for the teacher, is not asked about
// again: An's parent gets no reminder, Cường's parent who reported for 6A is reminded of
// Cường only, and the other 6A parent, whose claim the teacher rejected, is still reminded.
func TestParentReminderSkipsPendingClaims(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	err := w.store.Update(ctx, func(tx *storage.Tx) error {
		claims := []storage.Claim{
			{UserID: uParentAn, StudentID: w.ids["p:An"], ClassID: w.ids["c:7A"]},
			{UserID: uParentCuong6A, ClassID: w.ids["c:6A"]},
			{UserID: uParentLink6A, ClassID: w.ids["c:6A"]},
		}
		for i, c := range claims {
			id, err := tx.CreateClaim(ctx, c)
			if err != nil {
				return err
			}
			if i == 2 {
				if _, err := tx.DecideClaim(ctx, id, storage.ClaimRejected, uTeacher6A6B); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := w.service()
	w.clock.Set(at(t, "2026-W48", time.Wednesday, 19, 0))
	runJob(t, w, s, config.JobParentReminder)
	box := w.outbox()
	if m, ok := box["parent-reminder/2026-W48/u40"]; ok {
		t.Errorf("An's parent, whose claim waits, reminded:\n%s", m.Text)
	}
	both := box["parent-reminder/2026-W48/u44"]
	if len(both.Buttons) != 1 || !strings.Contains(both.Text, "Lê Văn Cường") || strings.Contains(both.Text, "Lớp của con") {
		t.Errorf("Cường's parent with a waiting claim on 6A: %+v\n%s", both.Buttons, both.Text)
	}
	if _, ok := box["parent-reminder/2026-W48/u42"]; !ok {
		t.Errorf("the other 6A parent is not reminded: %v", keysOf(box, "parent-reminder"))
	}
}
