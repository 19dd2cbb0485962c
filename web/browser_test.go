package web

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/bot"
	"github.com/bhytbot/bhytbot/bot/telegramtest"
	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// chromium finds Debian's headless browser. Without it the browser tests are skipped, unless
// REQUIRE_BROWSER_TESTS=1 (CI installs chromium and sets it), where they fail.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("REQUIRE_BROWSER_TESTS") == "1" {
		t.Fatal("REQUIRE_BROWSER_TESTS=1 but no chromium on PATH (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH: browser tests skipped (apt-get install chromium; REQUIRE_BROWSER_TESTS=1 makes this a failure)")
	return ""
}

// newBrowser starts a headless chromium with its own profile; each call is a fresh browser
// with no cookies.
func newBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// open navigates and returns the HTTP status of the page.
func open(t *testing.T, ctx context.Context, url string) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return resp.Status
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// click follows a link and waits for the next page.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	before, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	for {
		now, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if now != before {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("click %s went nowhere", sel)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
}

// logIn opens a login link as its owner does, in a browser tab: the link is used at once,
// the session cookie set, and the tab lands on the dashboard's home page.
func logIn(t *testing.T, ctx context.Context, link string) {
	t.Helper()
	if st := open(t, ctx, link); st != 200 {
		t.Fatalf("login link: status %d after the redirect", st)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/") || strings.Contains(loc, "/login/") {
		t.Fatalf("after opening the login link at %q (%v)", loc, err)
	}
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies.Cookies {
		if c.Name == CookieName {
			return
		}
	}
	t.Fatal("opening the login link set no session cookie")
}

var linkRE = regexp.MustCompile(`https?://\S+/login/[A-Za-z0-9_-]+`)

// webLinkFromBot has the bot answer /web through the Telegram fake and returns the link.
func webLinkFromBot(t *testing.T, f *fixture, user int64) string {
	t.Helper()
	fake := telegramtest.New(telegramtest.Options{})
	t.Cleanup(fake.Close)
	cfg := f.cfg
	cfg.Web.PublicURL = f.baseURL
	cfg.Telegram.Token, cfg.Telegram.APIEndpoint, cfg.Telegram.PollTimeout = fake.Token(), fake.Endpoint(), time.Second
	log := slog.New(slog.DiscardHandler)
	engine := commands.New(cfg, f.clock.now, commands.WithReminders(reminders.New(cfg, f.store, f.clock.now, log)), commands.WithLogger(log))
	svc, err := bot.New(cfg, f.store, engine, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	defer func() { cancel(); <-done }()
	fake.SendText(telegramtest.User{ID: user, FirstName: "Cán bộ"}, user, "/web")
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	sent, err := fake.WaitSent(wctx, user, 1)
	if err != nil {
		t.Fatalf("no answer to /web: %v", err)
	}
	link := linkRE.FindString(sent[0].Text)
	if link == "" || !strings.HasPrefix(link, f.baseURL+"/login/") {
		t.Fatalf("answer to /web has no login link: %q", sent[0].Text)
	}
	return link
}

// TestBrowserJourney logs an officer in through the link the bot sends, reads the ranked
// table, drills down to a commune and a school, switches weeks, downloads the Excel, and is
// refused the same link a second time; a principal gets 404 on another school.
func TestBrowserJourney(t *testing.T) {
	path := chromium(t)
	f := newFixture(t, "http://127.0.0.1")
	link := webLinkFromBot(t, f, officerID)
	ctx := newBrowser(t, path)

	logIn(t, ctx, link)
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != f.baseURL+"/" {
		t.Fatalf("after login at %q (%v)", loc, err)
	}
	shoot(t, ctx, "province")
	if h := text(t, ctx, "h1"); h != "Khu vực Sóc Trăng" {
		t.Errorf("h1 %q", h)
	}
	// The schools' table: Long Hưng (35/55 = 63,6%) first, THCS Mỹ Tú second, TH Mỹ Tú (0%) third.
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("section.truong tbody tr td.ten")].map(e => e.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 3 || names[0] != "Trường TH Long Hưng" || names[1] != "Trường THCS Mỹ Tú" || !strings.HasPrefix(names[2], "Trường TH Mỹ Tú") {
		t.Fatalf("ranked schools: %q", names)
	}
	click(t, ctx, `a[href^="/khu-vuc/`+f.id("area:Sóc Trăng / Mỹ Tú")+`?"]`)
	if h := text(t, ctx, "h1"); h != "Khu vực Sóc Trăng / Mỹ Tú" {
		t.Fatalf("drill-down to the commune: h1 %q", h)
	}
	click(t, ctx, `a[href^="/truong/`+f.id("school:Trường THCS Mỹ Tú")+`?"]`)
	if h := text(t, ctx, "h1"); h != "Trường THCS Mỹ Tú" {
		t.Fatalf("drill-down to the school: h1 %q", h)
	}
	shoot(t, ctx, "school")
	if s := text(t, ctx, ".chuabc"); !strings.Contains(s, "6C") || !strings.Contains(s, "Cô Hoa") {
		t.Errorf("unreported classes: %q", s)
	}
	click(t, ctx, `a[rel="prev"]`)
	if s := text(t, ctx, ".tuan strong"); s != "tuần 47/2026" {
		t.Fatalf("week switch: %q", s)
	}
	if s := text(t, ctx, ".tomtat"); !strings.Contains(s, "37/120") {
		t.Errorf("week 47 summary: %q", s)
	}

	// The Excel of the province, downloaded by the browser.
	dir := t.TempDir()
	yes := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, f.baseURL+"/")
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a.nut[href$="week=2026-W48"]`))); err != nil {
		t.Fatal(err)
	}
	guid := ""
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("the Excel download did not complete: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	x, err := excelize.OpenFile(filepath.Join(dir, guid))
	if err != nil {
		t.Fatalf("downloaded Excel does not open: %v", err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	x.Close()
	if len(rows) < 6 || rows[5][1] != "Trường TH Long Hưng" {
		t.Errorf("downloaded Excel rows: %q", rows)
	}

	// The same link a second time, in a browser without the session.
	other := newBrowser(t, path)
	if st := open(t, other, link); st != 410 {
		t.Errorf("used link: status %d", st)
	}
	if s := text(t, other, "main"); !strings.Contains(s, "đã được dùng") || !strings.Contains(s, "/web") {
		t.Errorf("used link page: %q", s)
	}

	// A principal's session sees their school and gets 404 on another.
	pctx := newBrowser(t, path)
	logIn(t, pctx, f.baseURL+"/login/"+f.loginToken(principalID))
	if h := text(t, pctx, "h1"); h != "Trường THCS Mỹ Tú" {
		t.Errorf("principal home: %q", h)
	}
	if st := open(t, pctx, f.baseURL+"/truong/"+f.id("school:Trường TH Long Hưng")); st != 404 {
		t.Errorf("principal on another school: status %d", st)
	}
	cookies, err := chromedp.Call(pctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies.Cookies {
		if c.Name == CookieName && (!c.HTTPOnly || c.SameSite != network.CookieSameSiteLax) {
			t.Errorf("session cookie in the browser: %+v", c)
		}
	}
}

// shoot saves screenshots of the current page at 1280 and 390 px wide into
// $BHYTBOT_SCREENSHOTS, when set.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BHYTBOT_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, w := range []int64{1280, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 800)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+"-"+itoa(w)+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", p)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
}
