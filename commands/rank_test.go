package commands_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/roster"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// TestReplyRankAfterCorrectionAndReimport: the reply to a report gives the class's coverage
// (rounded half up) and its rank among the school's classes that reported this week, also
// after a correction (the corrected figure ranks, not the first) and after a roster
// re-import that changed the other class's enrolment; equal coverage shares a rank.
func TestReplyRankAfterCorrectionAndReimport(t *testing.T) {
	w := newWorld(t)
	const teacher6A, teacher7A = 61, 62
	err := w.store.Update(w.ctx, func(tx *storage.Tx) error {
		for user, scope := range map[int64]string{teacher6A: "Trường THCS Mỹ Tú / 6A", teacher7A: "Trường THCS Mỹ Tú / 7A"} {
			cl, err := commandsClass(w, tx, scope)
			if err != nil {
				return err
			}
			if err := tx.TouchUser(w.ctx, storage.User{ID: user, ChatID: user, Name: "GV"}); err != nil {
				return err
			}
			if err := tx.GrantRole(w.ctx, user, storage.RoleTeacher, storage.Scope{ClassID: cl}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pct := func(insured, enrolment int) string {
		return "<b>" + vntext.FormatPercent(leaderboard.Percent(insured, enrolment)) + "</b>"
	}
	rank := func(r, n int) string {
		return "<b>hạng " + strconv.Itoa(r) + "</b> trong " + strconv.Itoa(n) + " lớp đã báo cáo"
	}
	expect(t, w.say(teacher7A, "/baocao 40 30 5"), pct(35, 40), rank(1, 1))
	expect(t, w.say(teacher6A, "/baocao 42 30 8"), "90,5%", pct(38, 42), rank(1, 2))
	expect(t, w.say(teacher6A, "/baocao 42 20 0"), pct(20, 42), rank(2, 2))

	rows, err := roster.ReadCSV(strings.NewReader(strings.Replace(rosterCSV, "7A,40,", "7A,45,", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(w.ctx, w.store, "2025-2026", rows); err != nil {
		t.Fatal(err)
	}
	got := w.say(teacher7A, "/baocao 45 40 5")
	expect(t, got, pct(45, 45), rank(1, 2))
	if strings.Contains(texts(got), "Sĩ số đã đổi") {
		t.Errorf("the re-imported enrolment was not the one compared:\n%s", texts(got))
	}
	expect(t, w.say(teacher6A, "/baocao 42 41 1"), pct(42, 42), rank(1, 2))
	expect(t, w.say(teacher7A, "/baocao 45 40 4"), pct(44, 45), rank(2, 2))
}
