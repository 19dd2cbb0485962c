package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// layoutFaults lists what does not fit the viewport: a page wider than it, a table that needs
// sideways scrolling or pokes out, a data cell hidden, table text under 12 px, chart text
// drawn under 9 px.
const layoutFaults = `(() => {
  const out = [], vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw) out.push("page " + document.documentElement.scrollWidth + "px wide in " + vw);
  for (const t of document.querySelectorAll("main table")) {
    const r = t.getBoundingClientRect(), p = t.parentElement;
    if (r.right > vw + 0.5) out.push("table ends at " + Math.round(r.right) + "px");
    if (p.scrollWidth > p.clientWidth + 1) out.push("table scrolls sideways: " + p.scrollWidth + " in " + p.clientWidth);
  }
  for (const td of document.querySelectorAll("main tbody td")) {
    if (getComputedStyle(td).display === "none" && td.textContent.trim() !== "") out.push("hidden cell " + td.textContent.trim());
    if (parseFloat(getComputedStyle(td).fontSize) < 12) out.push("small text " + getComputedStyle(td).fontSize + " in " + td.textContent.trim());
  }
  for (const svg of document.querySelectorAll("main svg")) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const tx of svg.querySelectorAll("text")) {
      const px = parseFloat(getComputedStyle(tx).fontSize) * scale;
      if (px < 9) { out.push("chart text " + px.toFixed(1) + "px: " + tx.textContent); break; }
    }
  }
  return out;
})()`

func faults(t *testing.T, ctx context.Context) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](layoutFaults))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBrowserPhoneWithoutJavaScript: on a 390-pixel phone with JavaScript off, an officer logs
// in, reads every column of the ranked tables without sideways scrolling, drills down to a
// class, switches weeks and logs out with the button.
func TestBrowserPhoneWithoutJavaScript(t *testing.T) {
	path := chromium(t)
	f := newFixture(t, "http://127.0.0.1")
	ctx := newBrowser(t, path)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	// A browser opening the link in a tab logs in at once; the link's page with its button is
	// what a previewer, or a browser too old to say it opens a tab, gets. Chrome always says so,
	// so that page (as a plain GET gets it) is shown in the tab of this site's own 401 page.
	tok := f.loginToken(officerID)
	page := f.get("/login/"+tok, nil)
	if page.status != 200 {
		t.Fatalf("login page: %d", page.status)
	}
	if st := open(t, ctx, f.baseURL+"/?trang=dang-nhap"); st != http.StatusUnauthorized {
		t.Fatalf("home without a session: %d", st)
	}
	tree, err := chromedp.Call(ctx, cdppage.GetFrameTree, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdppage.SetDocumentContent, cdppage.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: page.body}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`form[method="post"] button`)); err != nil {
		t.Fatal(err)
	}
	snap(t, ctx, "phone-login")
	if got := faults(t, ctx); len(got) > 0 {
		t.Errorf("login page at 390 px: %s", strings.Join(got, "; "))
	}
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('form[method="post"] button').getBoundingClientRect().height`)); err != nil || w < 40 {
		t.Errorf("login button %.0f px high at 390 px, want at least 40 for a thumb (%v)", w, err)
	}
	click(t, ctx, `form[method="post"] button`)
	// Scripts are really off: a page script would not run (there is none on our pages).
	if on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.scripts.length > 0`)); err != nil || on {
		t.Fatalf("a script on the page (%v)", err)
	}
	check := func(where string) {
		t.Helper()
		snap(t, ctx, "phone-"+where)
		if got := faults(t, ctx); len(got) > 0 {
			t.Errorf("%s at 390 px: %s", where, strings.Join(got, "; "))
		}
	}
	check("province")
	click(t, ctx, `a[href^="/khu-vuc/`+f.id("area:Sóc Trăng / Mỹ Tú")+`?"]`)
	check("commune")
	click(t, ctx, `a[href^="/truong/`+f.id("school:Trường THCS Mỹ Tú")+`?"]`)
	check("school")
	click(t, ctx, `a[rel="prev"]`)
	if s := text(t, ctx, ".tuan strong"); s != "tuần 47/2026" {
		t.Fatalf("week switch: %q", s)
	}
	click(t, ctx, `.lop a[href^="/lop/`+f.id("class:Trường THCS Mỹ Tú/6A")+`?"]`)
	check("class")
	if h := text(t, ctx, "h1"); !strings.Contains(h, "Lớp 6A") {
		t.Fatalf("class page: %q", h)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.thoat button`), chromedp.NodeVisible), chromedp.WaitVisible(chromedp.CSS(".thongbao"))); err != nil {
		t.Fatal(err)
	}
	if s := text(t, ctx, "h1"); s != "Đã đăng xuất" {
		t.Fatalf("logout button: %q", s)
	}
	if st := open(t, ctx, f.baseURL+"/"); st != 401 {
		t.Errorf("after the logout button: %d", st)
	}
}

// TestBrowserPrintA4: printed on A4 landscape (273 mm between the margins, 1032 CSS pixels),
// the board fits the page, the navigation and buttons are left out, and the marks of units
// under the threshold keep their colour.
func TestBrowserPrintA4(t *testing.T) {
	path := chromium(t)
	f := newFixture(t, "http://127.0.0.1")
	ctx := newBrowser(t, path)
	logIn(t, ctx, f.baseURL+"/login/"+f.loginToken(officerID))
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1032, 800)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	snap(t, ctx, "print")
	if got := faults(t, ctx); len(got) > 0 {
		t.Errorf("printed: %s", strings.Join(got, "; "))
	}
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[".dau", ".taive", ".tuan a"].filter(s => [...document.querySelectorAll(s)].some(e => getComputedStyle(e).display !== "none"))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(hidden) > 0 {
		t.Errorf("printed with the screen's controls: %q", hidden)
	}
	adjust, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("tr.duoi td")).printColorAdjust`))
	if err != nil || adjust != "exact" {
		t.Errorf("under-threshold rows printed without their colour: %q %v", adjust, err)
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFLandscape(), chromedp.PDFPrintBackground()))
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("print to PDF: %v", err)
	}
}

// snap saves a screenshot of the whole page at the current viewport into
// $BHYTBOT_SCREENSHOTS, when set.
func snap(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BHYTBOT_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
}
