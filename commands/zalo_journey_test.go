package commands_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bhytbot/bhytbot/bot"
	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/bot/zalotest"
	"github.com/bhytbot/bhytbot/button"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/roster"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/web"
)

// zworld is the whole bot over both fakes, with the web server that serves the files sent to
// Zalo as links.
type zworld struct {
	*world
	z      *zalotest.Server
	jobs   *reminders.Service
	webURL string
}

func newZaloWorld(t *testing.T) *zworld {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv := telegramtest.New(telegramtest.Options{BotUsername: "bhyt_hs_bot", Limits: telegramtest.Limits{Disabled: true}})
	z := zalotest.New(zalotest.Options{})
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := roster.ReadCSV(strings.NewReader(rosterCSV))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	if _, err := roster.Import(ctx, st, cfg.Campaign.SchoolYear, rows); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Admins = []int64{admin}
	cfg.Telegram.Token, cfg.Telegram.APIEndpoint = srv.Token(), srv.Endpoint()
	cfg.Telegram.PollTimeout = time.Second
	cfg.QuietHours = config.QuietHours{Start: "00:00", End: "00:00"}
	cfg.Telegram.Rate = config.Rate{Global: 1000, PrivateChat: 1000, GroupPerMinute: 1000}
	cfg.Zalo.Token, cfg.Zalo.APIEndpoint = z.Token(), z.Endpoint()
	cfg.Zalo.Rate = config.ZaloRate{Global: 1000, PrivateChat: 1000}
	cfg.Web.Listen, cfg.Web.PublicURL = ln.Addr().String(), "http://"+ln.Addr().String()
	if err := cfg.ValidateServe(); err != nil {
		t.Fatal(err)
	}
	jobs := reminders.New(cfg, st, time.Now, nil)
	engine := commands.New(cfg, time.Now, commands.WithBotUsername(srv.BotUsername()), commands.WithReminders(jobs))
	svc, err := bot.New(cfg, st, engine, nil, bot.WithRenderer(leaderboard.RenderAttachment))
	if err != nil {
		t.Fatal(err)
	}
	svc.Zalo().PollTimeout = time.Second
	dash, err := web.New(cfg, st, jobs, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	done, webDone := make(chan error, 1), make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	go func() { webDone <- dash.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("bot: %v", err)
		}
		<-webDone
		srv.Close()
		z.Close()
		st.Close()
	})
	return &zworld{world: &world{t: t, ctx: ctx, srv: srv, store: st}, z: z, jobs: jobs, webURL: cfg.Web.PublicURL}
}

// drain waits until the outbox is empty.
func (w *zworld) drain() {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var depth int
		if err := w.store.View(w.ctx, func(tx *storage.Tx) (err error) {
			depth, err = tx.OutboxDepth(w.ctx)
			return err
		}); err != nil {
			w.t.Fatal(err)
		}
		if depth == 0 {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("outbox not drained: %d pending", depth)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// zsay sends text as the Zalo user and returns what their chat received in answer (every
// text in these journeys gets one).
func (w *zworld) zsay(user, text string) []string {
	w.t.Helper()
	before := len(w.z.Sent(user))
	w.z.SendText(zalotest.User{ID: user, DisplayName: "Zalo " + user}, text)
	ctx, cancel := context.WithTimeout(w.ctx, 20*time.Second)
	defer cancel()
	if _, err := w.z.WaitSent(ctx, user, before+1); err != nil {
		w.t.Fatalf("%s said %q: no answer: %v", user, text, err)
	}
	w.drain()
	var out []string
	for _, s := range w.z.Sent(user)[before:] {
		out = append(out, s.Text+s.Caption)
	}
	return out
}

// choice is the number a Zalo reply must be to press the button whose data starts with
// prefix on the chat's last prompt.
func (w *zworld) choice(user, prefix string) string {
	w.t.Helper()
	for n := 1; n <= 20; n++ {
		var (
			data string
			ok   bool
		)
		if err := w.store.View(w.ctx, func(tx *storage.Tx) (err error) {
			data, ok, err = tx.Choice(w.ctx, storage.ChannelZalo, user, n)
			return err
		}); err != nil {
			w.t.Fatal(err)
		}
		if ok && strings.HasPrefix(data, prefix) {
			return fmt.Sprint(n)
		}
	}
	w.t.Fatalf("no numbered choice %q* for %s", prefix, user)
	return ""
}

func zexpect(t *testing.T, got []string, wants ...string) {
	t.Helper()
	all := strings.Join(got, "\n---\n")
	for _, want := range wants {
		if !strings.Contains(all, want) {
			t.Errorf("got:\n%s\nwant it to contain %q", all, want)
		}
	}
}

var zaloCodeRE = regexp.MustCompile(`trên Zalo: gửi mã ([A-Za-z0-9_-]{16}) cho bot`)

func zaloCodes(msgs []string) []string {
	var out []string
	for _, m := range msgs {
		for _, s := range zaloCodeRE.FindAllStringSubmatch(m, -1) {
			out = append(out, s[1])
		}
	}
	return out
}

var zaloHTML = regexp.MustCompile(`</?[a-z]+>|&[a-z]+;|&#\d+;`)

// TestZaloJourneys: people on Zalo join by sending the code, report, use numbered replies,
// get the weekly jobs once and files as links; a teacher on Zalo and a parent on Telegram
// work together.
func TestZaloJourneys(t *testing.T) {
	w := newZaloWorld(t)
	const (
		officer   = "zalo-officer"
		principal = "zalo-principal"
		teacher   = "zalo-teacher-6a"
		teacher6B = "zalo-teacher-6b"
		teacher7A = "zalo-teacher-7a"
		parentTG  = 51
		parentZ   = "zalo-parent"
	)
	// The officer joins with the bare code, the principal with /start CODE.
	codes := links(w.say(admin, "/moi canbo Sóc Trăng / Mỹ Tú"))
	zexpect(t, w.zsay(officer, codes[0]), "cán bộ quản lý giáo dục", "khu vực Sóc Trăng / Mỹ Tú")
	got := w.zsay(officer, "/moi hieutruong Trường THCS Mỹ Tú")
	zc := zaloCodes(got)
	if len(zc) != 1 {
		t.Fatalf("officer's invite on Zalo: %q", got)
	}
	zexpect(t, w.zsay(principal, "/start "+zc[0]), "hiệu trưởng", "Trường THCS Mỹ Tú")
	zexpect(t, w.zsay(teacher, zaloCodes(w.zsay(principal, "/moi giaovien 6A"))[0]), "giáo viên chủ nhiệm", "lớp 6A")
	zexpect(t, w.zsay(teacher6B, zaloCodes(w.zsay(principal, "/moi giaovien 6B"))[0]), "lớp 6B")
	zexpect(t, w.zsay(teacher7A, zaloCodes(w.zsay(principal, "/moi giaovien 7A"))[0]), "lớp 7A")

	// Reports in several spellings, each answered with the right percentage in plain text.
	for _, spelling := range []string{"/baocao 6A 42 30 8", "6a: ss 42, tr 30, khac 8", "/baocao6A 42 30 8", "/baocao 6a 42 30 8"} {
		zexpect(t, w.zsay(teacher, spelling), "Đã ghi báo cáo lớp 6A", "90,5%")
	}
	// A report in words, answered with the right percentage in plain text.
	got = w.zsay(teacher, "bao cao ss 42 tr 38 khac 2")
	zexpect(t, got, "Đã ghi báo cáo lớp 6A", "95,2%", "Còn 2 học sinh")
	// The guided correction by numbered replies: Sửa → 42 → 40 → 2 → confirm.
	zexpect(t, w.zsay(teacher, w.choice(teacher, "bc:sua:")), "bước 1/3")
	zexpect(t, w.zsay(teacher, "42"), "bước 2/3")
	zexpect(t, w.zsay(teacher, "40"), "bước 3/3")
	zexpect(t, w.zsay(teacher, "2"), "Kiểm tra lại", "100%")
	zexpect(t, w.zsay(teacher, w.choice(teacher, "bc:ok")), "Đã ghi báo cáo", "Cả lớp đã có thẻ BHYT")

	// A teacher on Zalo and a parent on Telegram in the same class: the parent claims a card
	// from Telegram, the teacher confirms with a number on Zalo.
	got = w.zsay(teacher6B, "/moi")
	pcodes := zaloCodes(got)
	if len(pcodes) != 4 {
		t.Fatalf("parent codes on Zalo: %v in %q", pcodes, got)
	}
	tgot := w.say(parentTG, "/start "+pcodes[2])
	expect(t, tgot, "Lê Hoàng Cường")
	msg, data := buttonWith(t, tgot, button.Card+":")
	before := len(w.z.Texts(teacher6B))
	expect(t, w.press(parentTG, msg, data), "Đã gửi cho giáo viên chủ nhiệm")
	w.drain()
	zexpect(t, w.z.Texts(teacher6B)[before:], "Phụ huynh của em Lê Hoàng Cường")
	zexpect(t, w.zsay(teacher6B, w.choice(teacher6B, "the:o:")), "đã có thẻ thuộc đối tượng khác")
	expect(t, w.srv.Sent(parentTG), "Giáo viên chủ nhiệm đã xác nhận em Lê Hoàng Cường có thẻ BHYT")
	// A parent on Zalo by the per-pupil code of Trần Thị Bình.
	zexpect(t, w.zsay(parentZ, pcodes[1]), "Trần Thị Bình")

	// The four weekly jobs reach their Zalo recipients; run again the same week, nothing
	// more is sent.
	count := func() map[string]int {
		m := map[string]int{}
		for _, u := range []string{officer, principal, teacher, teacher6B, teacher7A, parentZ} {
			m[u] = len(w.z.Sent(u))
		}
		return m
	}
	want := map[string]string{
		config.JobTeacherReminder: teacher7A, config.JobPrincipalLeaderboard: principal,
		config.JobOfficerLeaderboard: officer, config.JobParentReminder: parentZ,
	}
	for _, job := range config.Jobs {
		start := count()
		if _, err := w.jobs.RunNow(w.ctx, job, "test"); err != nil {
			t.Fatalf("%s: %v", job, err)
		}
		w.drain()
		once := count()
		if once[want[job]] == start[want[job]] {
			t.Errorf("%s did not reach %s on Zalo", job, want[job])
		}
		if _, err := w.jobs.RunNow(w.ctx, job, "test"); err != nil {
			t.Fatalf("%s: %v", job, err)
		}
		w.drain()
		for u, n := range count() {
			if n != once[u] {
				t.Errorf("%s run again reached %s again", job, u)
			}
		}
	}

	// The officer's board: a chart photo fetched by Zalo as a PNG; the Excel export a link
	// that fetches a workbook.
	var photo *zalotest.Sent
	for _, s := range w.z.Sent(officer) {
		if s.Method == "sendPhoto" {
			photo = &s
		}
	}
	if photo == nil || photo.PhotoType != "image/png" || !strings.HasPrefix(string(photo.Photo), "\x89PNG") {
		t.Errorf("officer's chart on Zalo: %+v", photo)
	}
	got = w.zsay(officer, "/xuat")
	link := regexp.MustCompile(`http://\S+/tep/[A-Za-z0-9_-]{43}`).FindString(strings.Join(got, "\n"))
	if link == "" {
		t.Fatalf("no Excel link in %q", got)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "PK") || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
		t.Errorf("Excel link: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Disposition"), body[:min(len(body), 8)])
	}

	// No Telegram HTML and nothing over 2,000 characters in anything sent to Zalo.
	for _, s := range w.z.AllSent() {
		for _, text := range []string{s.Text, s.Caption} {
			if zaloHTML.MatchString(text) {
				t.Errorf("HTML in a Zalo text: %q", text)
			}
			if utf8.RuneCountInString(text) > 2000 {
				t.Errorf("a Zalo text over 2,000 characters")
			}
		}
	}
}
