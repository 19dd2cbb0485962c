package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

const msgNoBoards = "Chức năng này chưa được bật trên máy chủ. Hãy liên hệ quản trị viên."

// boardWeek reads an optional "YYYY-Www" argument; the default is the current week.
func (e *Engine) boardWeek(t *turn, args string) (string, bool) {
	w := strings.ToUpper(strings.TrimSpace(args))
	if w == "" {
		return t.week(), true
	}
	if _, err := storage.WeekStart(w, e.loc); err != nil {
		return "", false
	}
	return w, true
}

// boardScopes are the boards a caller may see: each school they lead, each area they
// oversee, or for an admin every top-level area (the empty scope).
func boardScopes(c *caller) []storage.Scope {
	if c.admin {
		return []storage.Scope{{}}
	}
	var out []storage.Scope
	for _, a := range c.areas {
		out = append(out, storage.Scope{AreaID: a.ID})
	}
	for _, s := range c.schools {
		out = append(out, storage.Scope{SchoolID: s.ID})
	}
	return out
}

// cmdBoard answers /xephang [YYYY-Www] with the current leaderboard of the caller's school
// or areas, built by the reminders service.
func (e *Engine) cmdBoard(ctx context.Context, t *turn, args string) error {
	if e.boards == nil {
		return t.reply(ctx, msgNoBoards, nil)
	}
	week, ok := e.boardWeek(t, args)
	if !ok {
		return t.reply(ctx, "⚠️ Tuần “"+vntext.EscapeHTML(clip(args))+"” không đúng dạng. Ví dụ đúng: <code>/xephang</code> (tuần này) hoặc <code>/xephang "+t.week()+"</code>.", nil)
	}
	return e.enqueueBoards(ctx, t, week, "board")
}

// msgBacklogged answers a board or export asked for while the chat still has
// limits.pending_replies_per_chat replies unsent: each board is several messages, so asking
// again and again would only lengthen the queue of everyone.
const msgBacklogged = "⏳ Các tin nhắn trả lời trước vẫn đang được gửi. Vui lòng chờ nhận hết rồi yêu cầu lại."

// backlogged answers msgBacklogged and reports true when the chat has too many replies unsent.
func (e *Engine) backlogged(ctx context.Context, t *turn, kind string) (bool, error) {
	n, err := t.tx.PendingReplies(ctx, t.u.ChatID)
	if err != nil {
		return false, fmt.Errorf("commands: %s: %w", kind, err)
	}
	if limit := e.cfg.Limits.PendingRepliesPerChat; limit <= 0 || n < limit {
		return false, nil
	}
	e.log.Info("on-demand reply dropped: chat has too many replies unsent", "kind", kind, "chat_id", t.u.ChatID, "pending", n)
	return true, t.reply(ctx, msgBacklogged, nil)
}

func (e *Engine) enqueueBoards(ctx context.Context, t *turn, week, kind string) error {
	if busy, err := e.backlogged(ctx, t, kind); busy || err != nil {
		return err
	}
	n := 0
	for i, sc := range boardScopes(t.who) {
		prefix := fmt.Sprintf("reply/%d/%s/%d", t.u.ID, kind, i)
		msgs, err := e.boards.BoardMessages(ctx, t.tx, sc, week, t.u.ChatID, prefix)
		if err != nil {
			return fmt.Errorf("commands: %s: %w", kind, err)
		}
		for _, m := range msgs {
			if kind == "export" && m.Document == nil {
				continue
			}
			if _, err := t.tx.Enqueue(ctx, m); err != nil {
				return fmt.Errorf("commands: %s: %w", kind, err)
			}
			n++
		}
	}
	if n == 0 {
		return t.reply(ctx, "Chưa có số liệu nào trong phạm vi quản lý ("+weekLabel(week)+").", nil)
	}
	return nil
}

// cmdExport answers /xuat [YYYY-Www] with the Excel workbook of the officer's areas (an
// admin: of every top-level area).
func (e *Engine) cmdExport(ctx context.Context, t *turn, args string) error {
	if e.boards == nil {
		return t.reply(ctx, msgNoBoards, nil)
	}
	week, ok := e.boardWeek(t, args)
	if !ok {
		return t.reply(ctx, "⚠️ Tuần “"+vntext.EscapeHTML(clip(args))+"” không đúng dạng. Ví dụ đúng: <code>/xuat</code> (tuần này) hoặc <code>/xuat "+t.week()+"</code>.", nil)
	}
	if busy, err := e.backlogged(ctx, t, "export"); busy || err != nil {
		return err
	}
	var paths []string
	if t.who.admin {
		tops, err := t.tx.TopAreas(ctx)
		if err != nil {
			return fmt.Errorf("commands: export: %w", err)
		}
		for _, a := range tops {
			paths = append(paths, a.Path)
		}
	} else {
		for _, a := range t.who.areas {
			paths = append(paths, a.Path)
		}
	}
	for i, p := range paths {
		m, err := e.boards.WorkbookMessage(ctx, t.tx, p, week)
		if err != nil {
			return fmt.Errorf("commands: export: %w", err)
		}
		m.DedupeKey, m.ChatID = fmt.Sprintf("reply/%d/xlsx/%d", t.u.ID, i), t.u.ChatID
		m.Text = "📎 Báo cáo BHYT học sinh – " + vntext.EscapeHTML(p) + " – " + weekLabel(week)
		if _, err := t.tx.Enqueue(ctx, m); err != nil {
			return fmt.Errorf("commands: export: %w", err)
		}
	}
	if len(paths) == 0 {
		return t.reply(ctx, "Chưa có khu vực nào để xuất.", nil)
	}
	return nil
}

// sendNowJobs maps the words of /guingay to the weekly jobs.
var sendNowJobs = []struct {
	words []string
	job   string
	what  string
}{
	{[]string{"giaovien", "gv", config.JobTeacherReminder}, config.JobTeacherReminder, "nhắc giáo viên chủ nhiệm chưa báo cáo"},
	{[]string{"hieutruong", "ht", config.JobPrincipalLeaderboard}, config.JobPrincipalLeaderboard, "bảng xếp hạng cho hiệu trưởng"},
	{[]string{"canbo", config.JobOfficerLeaderboard}, config.JobOfficerLeaderboard, "bảng xếp hạng cho cán bộ quản lý"},
	{[]string{"phuhuynh", "ph", config.JobParentReminder}, config.JobParentReminder, "nhắc phụ huynh có con chưa có thẻ"},
}

// cmdSendNow answers /guingay JOB: it runs a weekly job now for the officer's areas (an
// admin: everyone), through the same outbox and dedupe keys as the scheduled run.
func (e *Engine) cmdSendNow(ctx context.Context, t *turn, args string) error {
	if e.boards == nil {
		return t.reply(ctx, msgNoBoards, nil)
	}
	word := strings.ReplaceAll(vntext.Fold(args), " ", "")
	job, what := "", ""
	for _, j := range sendNowJobs {
		for _, w := range j.words {
			if word == w {
				job, what = j.job, j.what
			}
		}
	}
	if job == "" {
		var b strings.Builder
		b.WriteString("Gửi ngay một việc hằng tuần cho phạm vi quản lý:\n")
		for _, j := range sendNowJobs {
			b.WriteString("• <code>/guingay " + j.words[0] + "</code> – " + j.what + "\n")
		}
		b.WriteString("Ai đã nhận tin của việc đó trong tuần sẽ không nhận lại.")
		return t.reply(ctx, b.String(), nil)
	}
	var paths []string
	if t.who.admin {
		paths = []string{""}
	} else {
		for _, a := range t.who.areas {
			paths = append(paths, a.Path)
		}
	}
	recipients, enqueued := 0, 0
	for _, p := range paths {
		res, err := e.boards.RunScoped(ctx, t.tx, job, p, reminders.TriggerChat)
		if err != nil {
			return fmt.Errorf("commands: send now: %w", err)
		}
		recipients += res.Recipients
		enqueued += res.Enqueued
	}
	if err := t.tx.Audit(ctx, t.u.UserID, "send_now", job+" "+strings.Join(paths, "; ")); err != nil {
		return fmt.Errorf("commands: send now: %w", err)
	}
	return t.reply(ctx, "✅ Đã xếp lịch gửi ngay: "+what+" – "+strconv.Itoa(enqueued)+" tin mới cho "+strconv.Itoa(recipients)+
		" người nhận (ai đã nhận trong tuần thì không gửi lại).", nil)
}
