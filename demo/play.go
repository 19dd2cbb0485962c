package demo

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/bot/zalotest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/roster"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/vntext"
)

// ClockKey is where the demo leaves its clock for `bhytbot chat`.
const ClockKey = "demo.clock"

// Start is when the demo campaign begins: Monday of ISO week 38 of 2025, 07:30 in Vietnam.
var Start = time.Date(2025, 9, 15, 7, 30, 0, 0, mustZone())

// Deadline of the demo campaign.
const Deadline = "2025-10-31"

func mustZone() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// Runtime is the running bot the demo talks to.
type Runtime struct {
	Fake      *telegramtest.Server
	Zalo      *zalotest.Server // in webhook mode: an update counts as delivered once applied
	Store     *storage.Store
	Reminders *reminders.Service
	Clock     *Clock
	Notify    func()        // wakes the sender after a job committed
	Year      string        // school year of the roster
	TTL       time.Duration // invite lifetime
	Out       io.Writer     // the transcript
	Dir       string        // where files go (demo-out)
}

// Result is what the demo produced.
type Result struct {
	Messages int      // messages the people received
	Files    []string // files written to Dir
}

type player struct {
	rt       Runtime
	seen     int // Telegram messages already printed
	zseen    int // Zalo calls already printed
	res      Result
	day      string
	week     string
	log      strings.Builder
	lastUpd  int
	zaloSent bool    // a Zalo update waits to be applied
	self     *Person // in a chat: the person chatting, on the channel they chose
}

// Play runs the three-week scenario and writes the transcript and files.
func Play(ctx context.Context, rt Runtime) (Result, error) {
	p := &player{rt: rt}
	if err := os.MkdirAll(rt.Dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	err := p.script(ctx)
	if err == nil {
		err = rt.Store.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetValue(ctx, ClockKey, rt.Clock.Now().Format(time.RFC3339))
		})
	}
	if werr := os.WriteFile(filepath.Join(rt.Dir, "transcript.txt"), []byte(p.log.String()), 0o644); werr != nil && err == nil {
		err = werr
	}
	p.res.Files = append(p.res.Files, filepath.Join(rt.Dir, "transcript.txt"))
	return p.res, err
}

func (p *player) printf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	p.log.WriteString(s)
	fmt.Fprint(p.rt.Out, s)
}

// at moves the clock and prints the day's heading when the day changes.
func (p *player) at(t time.Time) {
	p.rt.Clock.Set(t)
	if w := storage.WeekOf(t, t.Location()); w != p.week {
		p.week = w
		p.printf("\n════════ Tuần %s ════════\n", w)
	}
	if d := t.Format("2006-01-02"); d != p.day {
		p.day = d
		p.printf("\n── %s %s ──\n", weekday(t), vntext.FormatDate(t))
	}
}

func weekday(t time.Time) string {
	return [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}[t.Weekday()]
}

func (p *player) user(who Person) telegramtest.User {
	return telegramtest.User{ID: who.ID, FirstName: who.Name, LanguageCode: "vi"}
}

// say sends text as who, on their channel, and waits until the bot has answered.
func (p *player) say(ctx context.Context, who Person, text string) error {
	p.printf("%s  %s ✍️  %s\n", p.rt.Clock.Now().Format("15:04"), who.tag(), text)
	p.send(who, text)
	return p.settle(ctx)
}

func (p *player) send(who Person, text string) {
	if who.Zalo != "" {
		p.rt.Zalo.SendText(zalotest.User{ID: who.Zalo, DisplayName: who.Name}, text)
		p.zaloSent = true
		return
	}
	p.lastUpd = p.rt.Fake.SendText(p.user(who), who.ID, text)
}

// choiceLine is a numbered choice as Zalo shows a button: "2. ✅ Qua trường".
var choiceLine = regexp.MustCompile(`(?m)^(\d+)\. (.+)$`)

// press presses the newest button whose text contains label in who's chat; on Zalo, where
// buttons are numbered choices, it answers with the choice's number.
func (p *player) press(ctx context.Context, who Person, label string) error {
	if who.Zalo != "" {
		sent := p.rt.Zalo.Sent(who.Zalo)
		for i := len(sent) - 1; i >= 0; i-- {
			for _, m := range choiceLine.FindAllStringSubmatch(sent[i].Text, -1) {
				if strings.Contains(m[2], label) {
					p.printf("%s  %s ✍️  %s   (chọn “%s”)\n", p.rt.Clock.Now().Format("15:04"), who.tag(), m[1], m[2])
					p.send(who, m[1])
					return p.settle(ctx)
				}
			}
		}
		return fmt.Errorf("demo: %s has no numbered choice %q on Zalo", who.Name, label)
	}
	sent := p.rt.Fake.Sent(who.ID)
	for i := len(sent) - 1; i >= 0; i-- {
		for _, row := range sent[i].Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, label) && b.Data != "" {
					p.printf("%s  %s 👆 [%s]\n", p.rt.Clock.Now().Format("15:04"), who.tag(), b.Text)
					p.lastUpd = p.rt.Fake.PressButton(p.user(who), who.ID, sent[i].MessageID, b.Data)
					return p.settle(ctx)
				}
			}
		}
	}
	return fmt.Errorf("demo: %s has no button %q", who.Name, label)
}

// tick runs the weekly jobs due now, as the scheduler's cron entries do.
func (p *player) tick(ctx context.Context) error {
	for _, r := range p.rt.Reminders.Tick(ctx) {
		p.printf("%s  ⏰ bot chạy %s (tuần %s): %d người nhận, %d tin nhắn\n", p.rt.Clock.Now().Format("15:04"), r.Job, r.Week, r.Recipients, r.Enqueued)
	}
	p.rt.Notify()
	return p.settle(ctx)
}

// settle waits until the last update is applied and the outbox is empty, then prints what
// people received.
func (p *player) settle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if p.lastUpd != 0 {
		if err := p.rt.Fake.WaitConfirmed(ctx, p.lastUpd); err != nil {
			return fmt.Errorf("demo: update not applied: %w", err)
		}
	}
	if p.zaloSent {
		// The bot answers Zalo's webhook only after the update's effects are committed.
		if err := p.rt.Zalo.WaitDelivered(ctx); err != nil {
			return fmt.Errorf("demo: zalo update not applied: %w", err)
		}
		p.zaloSent = false
	}
	for {
		var depth int
		err := p.rt.Store.View(ctx, func(tx *storage.Tx) error {
			var err error
			depth, err = tx.OutboxDepth(ctx)
			return err
		})
		if err != nil {
			return err
		}
		if depth == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo: %d messages still in the outbox: %w", depth, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return p.flush(ctx)
}

var tags = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)

// Plain turns a Telegram HTML message into terminal text.
func Plain(s string) string { return html.UnescapeString(tags.ReplaceAllString(s, "")) }

// received is one message a person got, on either channel, ready to print.
type received struct {
	order int // the recipient's place in People: messages are printed person by person
	name  string
	body  string
	notes []string // files saved from the message
}

// flush prints what people received since the last flush. The two channels send at the
// same time, so the messages are printed person by person (in People order), each person's
// in the order they arrived: the transcript is the same on every run.
func (p *player) flush(ctx context.Context) error {
	var out []received
	all := p.rt.Fake.AllSent()
	for _, m := range all[p.seen:] {
		r := received{order: len(People), name: fmt.Sprintf("[Telegram] chat %d", m.ChatID)}
		who, ok := p.recipient(func(x Person) bool { return x.Zalo == "" && x.ID == m.ChatID })
		if ok {
			r.order, r.name = slices.IndexFunc(People, func(x Person) bool { return x.ID == who.ID }), who.tag()
		}
		r.body = Plain(m.Text) + buttons(m.Buttons)
		if m.Photo != nil || m.Document != nil {
			data, kind := m.Document, "📎 tệp"
			if m.Photo != nil {
				data, kind = m.Photo, "🖼 biểu đồ"
			}
			file, err := p.save(who, m.FileName, data)
			if err != nil {
				return err
			}
			r.body = strings.TrimSpace(fmt.Sprintf("%s %s\n%s", kind, file, Plain(m.Caption))) + buttons(m.Buttons)
		}
		out = append(out, r)
	}
	p.seen = len(all)
	if p.rt.Zalo != nil {
		zall := p.rt.Zalo.AllSent()
		for _, m := range zall[p.zseen:] {
			if m.Method == "sendChatAction" {
				continue
			}
			r := received{order: len(People), name: "[Zalo] " + m.ChatID}
			who, ok := p.recipient(func(x Person) bool { return x.Zalo != "" && x.Zalo == m.ChatID })
			if ok {
				r.order, r.name = slices.IndexFunc(People, func(x Person) bool { return x.ID == who.ID }), who.tag()
			}
			// Zalo shows the text as sent: plain, choices numbered, files as links.
			r.body = m.Text
			links := fileLink.FindAllString(m.Text, -1)
			if m.Method == "sendPhoto" {
				r.body = strings.TrimSpace("🖼 ảnh: " + m.PhotoURL + "\n" + m.Caption)
				links = []string{m.PhotoURL}
			}
			for _, l := range links {
				file, err := p.fetch(ctx, who, l)
				if err != nil {
					return err
				}
				r.notes = append(r.notes, file)
			}
			out = append(out, r)
		}
		p.zseen = len(zall)
	}
	slices.SortStableFunc(out, func(a, b received) int { return a.order - b.order })
	for _, r := range out {
		p.printf("        → %s nhận:\n%s\n", r.name, indent(r.body))
		for _, n := range r.notes {
			p.printf("          ⤓ mở liên kết, lưu: %s\n", n)
		}
	}
	p.res.Messages += len(out)
	return nil
}

// recipient is the person a message went to: the person chatting, as they chat, or a person
// of the demo on their own channel.
func (p *player) recipient(is func(Person) bool) (Person, bool) {
	if p.self != nil && is(*p.self) {
		return *p.self, true
	}
	i := slices.IndexFunc(People, is)
	if i < 0 {
		return Person{}, false
	}
	return People[i], true
}

// fileLink is a file the bot sent to Zalo as a link, served by the dashboard.
var fileLink = regexp.MustCompile(`https?://\S+/tep/[A-Za-z0-9_-]+`)

// fetch opens a file link as the person would and saves the file it serves.
func (p *player) fetch(ctx context.Context, who Person, link string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("demo: open file link: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("demo: read file link: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("demo: file link answered %s", resp.Status)
	}
	name := ""
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		name = params["filename"]
	}
	return p.save(who, name, data)
}

func buttons(rows [][]telegramtest.Button) string {
	var b strings.Builder
	n := 0
	for _, row := range rows {
		for _, btn := range row {
			n++
			fmt.Fprintf(&b, "  [%d] %s", n, btn.Text)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "\n" + strings.TrimSpace(b.String())
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "          │ " + l
	}
	return strings.Join(lines, "\n")
}

var unsafe = regexp.MustCompile(`[^a-z0-9.-]+`)

func (p *player) save(who Person, fileName string, data []byte) (string, error) {
	name := vntext.Fold(strings.ToLower(fileName))
	if name == "" {
		name = "tep"
	}
	// The bot's file names carry the week already; a name without it gets it in front.
	if week := strings.ToLower(p.week); !strings.Contains(name, week) {
		name = week + "-" + name
	}
	base := strings.Trim(unsafe.ReplaceAllString(vntext.Fold(strings.ToLower(who.Name))+"-"+name, "-"), "-")
	path := filepath.Join(p.rt.Dir, base)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	// The same person asking again for the same board overwrites its file: list it once.
	if !slices.Contains(p.res.Files, path) {
		p.res.Files = append(p.res.Files, path)
	}
	return path, nil
}

// onboard imports the roster, creates invites as `bhytbot invite` does and has everyone
// open their deep link (on Telegram) or send their code (on Zalo).
func (p *player) onboard(ctx context.Context) error {
	rows, err := roster.ReadCSV(strings.NewReader(RosterCSV()))
	if err != nil {
		return err
	}
	sum, err := roster.Import(ctx, p.rt.Store, p.rt.Year, rows)
	if err != nil {
		return err
	}
	p.printf("Nhập danh sách: %d trường, %d lớp, %d học sinh (lớp 6A THCS Mỹ Tú có danh sách từng em).\n",
		sum.Schools.Added, sum.Classes.Added, sum.Pupils.Added)
	for _, who := range People {
		if who.Role == "" {
			continue
		}
		for _, scope := range append([]string{who.Scope}, who.More...) {
			code, err := p.invite(ctx, who.Role, scope)
			if err != nil {
				return err
			}
			p.printf("$ bhytbot invite --role %s --scope %q  → mã %s cho %s\n", who.Role, scope, code, who.Name)
			// Zalo has no deep links: a person sends the code, bare or after /start.
			text := "/start " + code
			if who.Zalo != "" && who.Role == storage.RoleParent {
				text = code
			}
			if err := p.say(ctx, who, text); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *player) invite(ctx context.Context, role, scope string) (string, error) {
	var code string
	err := p.rt.Store.Update(ctx, func(tx *storage.Tx) error {
		res, err := commands.ResolveScope(ctx, tx, role, scope, p.rt.Year)
		if err != nil {
			return err
		}
		uses := 1
		if role == storage.RoleParent && res.Scope.StudentID == 0 {
			uses = 40
		}
		inv, err := commands.CreateInvite(ctx, tx, role, res.Scope, Admin.ID, tx.Now().Add(p.rt.TTL), uses)
		code = inv.Code
		return err
	})
	return code, err
}

type step struct {
	day, hour, min int // day 0 = Monday of the week
	do             func(ctx context.Context) error
}

func (p *player) week_(ctx context.Context, n int, steps []step) error {
	monday := Start.AddDate(0, 0, 7*n)
	monday = time.Date(monday.Year(), monday.Month(), monday.Day(), 0, 0, 0, 0, monday.Location())
	for _, s := range steps {
		p.at(monday.AddDate(0, 0, s.day).Add(time.Duration(s.hour)*time.Hour + time.Duration(s.min)*time.Minute))
		if err := s.do(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (p *player) says(who Person, texts ...string) func(context.Context) error {
	return func(ctx context.Context) error {
		for _, t := range texts {
			if err := p.say(ctx, who, t); err != nil {
				return err
			}
		}
		return nil
	}
}

func (p *player) presses(who Person, label string) func(context.Context) error {
	return func(ctx context.Context) error { return p.press(ctx, who, label) }
}

// ErrStopped is returned when the demo was interrupted.
var ErrStopped = errors.New("demo: stopped")
