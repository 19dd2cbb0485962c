package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/leaderboard"
	"github.com/bhytbot/bhytbot/storage"
	"github.com/xuri/excelize/v2"
)

// checkHeaders asserts the headers every answer carries, and no-store on pages with data.
func checkHeaders(t *testing.T, what string, a answer, private bool) {
	t.Helper()
	csp := a.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'none'") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: CSP %q", what, csp)
	}
	for k, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"} {
		if got := a.header.Get(k); got != want {
			t.Errorf("%s: %s = %q, want %q", what, k, got, want)
		}
	}
	if private && a.header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("%s: Cache-Control %q", what, a.header.Get("Cache-Control"))
	}
	if strings.Contains(a.body, "<script") || strings.Contains(a.body, " style=") {
		t.Errorf("%s: inline script or style in the page", what)
	}
}

func TestWithoutSessionIs401(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	for _, path := range []string{"/", "/index.json", "/khu-vuc/" + f.id("area:Sóc Trăng"), "/truong/" + f.id("school:Trường THCS Mỹ Tú") + ".json",
		"/lop/" + f.id("class:Trường THCS Mỹ Tú/6A"), "/khu-vuc/" + f.id("area:Sóc Trăng") + ".xlsx"} {
		a := f.get(path, nil)
		if a.status != http.StatusUnauthorized {
			t.Errorf("%s without session: %d", path, a.status)
		}
		if !strings.Contains(a.body, "/web") {
			t.Errorf("%s: the 401 page does not say to send /web: %s", path, a.body)
		}
		checkHeaders(t, path, a, true)
	}
	a := f.get("/", &http_cookie_forged)
	if a.status != http.StatusUnauthorized {
		t.Errorf("forged cookie: %d", a.status)
	}
	if a := f.get("/khong-co", nil); a.status != http.StatusNotFound {
		t.Errorf("unknown path: %d", a.status)
	}
	a = f.get("/static/style.css", nil)
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/css") {
		t.Errorf("style: %d %s", a.status, a.header.Get("Content-Type"))
	}
	checkHeaders(t, "style", a, false)
}

var http_cookie_forged = http.Cookie{Name: CookieName, Value: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}

// TestLoginOnceThenRefused: opening a login link (GET) shows a page with a button and uses
// nothing up, however often a link previewer fetches it; the button's POST uses the link,
// opens a session and goes to /; the link then refuses a second POST and says so on GET.
func TestLoginOnceThenRefused(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	tok := f.loginToken(officerID)
	for i, ua := range []string{"TelegramBot (like TwitterBot)", "Mozilla/5.0 (Linux; Android 13) Zalo", ""} {
		a := f.get("/login/"+tok, nil, "User-Agent", ua)
		if a.status != http.StatusOK || a.header.Get("Set-Cookie") != "" {
			t.Fatalf("GET %d of the link: %d, Set-Cookie %q", i+1, a.status, a.header.Get("Set-Cookie"))
		}
		if !strings.Contains(a.body, `<form class="vao" method="post" action="/login/`+tok+`">`) || !strings.Contains(a.body, ">Mở bảng theo dõi</button>") {
			t.Fatalf("GET %d: no button that posts the link:\n%s", i+1, a.body)
		}
		if a.header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("GET %d: Cache-Control %q", i+1, a.header.Get("Cache-Control"))
		}
		checkHeaders(t, "login page", a, false)
	}
	if a := f.do(http.MethodHead, "/login/"+tok, nil); a.status != http.StatusOK || a.header.Get("Set-Cookie") != "" {
		t.Fatalf("HEAD of the link: %d %q", a.status, a.header.Get("Set-Cookie"))
	}
	resp, err := f.client().PostForm(f.baseURL+"/login/"+tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var c *http.Cookie
	for _, x := range resp.Cookies() {
		if x.Name == CookieName {
			c = x
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || c.MaxAge != int((168*time.Hour).Seconds()) {
		t.Fatalf("cookie: %+v", c)
	}
	if c.Value == tok {
		t.Fatal("the session reuses the login token")
	}
	if a := f.get("/", c); a.status != 200 {
		t.Fatalf("with session: %d", a.status)
	}
	again := f.do(http.MethodPost, "/login/"+tok, nil)
	if again.status != http.StatusGone || !strings.Contains(again.body, "đã được dùng") || !strings.Contains(again.body, "/web") || again.header.Get("Set-Cookie") != "" {
		t.Fatalf("second POST of the link: %d %s", again.status, again.body)
	}
	checkHeaders(t, "used link", again, false)
	if a := f.get("/login/"+tok, nil); a.status != http.StatusGone || !strings.Contains(a.body, "đã được dùng") || strings.Contains(a.body, `action="/login/`) {
		t.Fatalf("GET of a used link: %d %s", a.status, a.body)
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		if a := f.do(method, "/login/khong-phai-ma", nil); a.status != http.StatusForbidden || !strings.Contains(a.body, "Link không đúng") {
			t.Fatalf("%s of an unknown link: %d", method, a.status)
		}
	}
	late := f.loginToken(officerID)
	f.clock.add(16 * time.Minute)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		if a := f.do(method, "/login/"+late, nil); a.status != http.StatusGone || !strings.Contains(a.body, "hết hạn") {
			t.Fatalf("%s of an expired link: %d %s", method, a.status, a.body)
		}
	}
	// A stored hash, never the token itself.
	err = f.store.View(context.Background(), func(tx *storage.Tx) error {
		_, err := tx.WebSessionUser(context.Background(), c.Value)
		return err
	})
	if err != nil {
		t.Fatalf("session lookup: %v", err)
	}
	// A teacher may not open the dashboard: told on the link's page already, and on a POST.
	teacher := f.loginToken(teacherID)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		if a := f.do(method, "/login/"+teacher, nil); a.status != http.StatusForbidden || !strings.Contains(a.body, "Chưa có quyền xem") {
			t.Fatalf("%s of a teacher's link: %d", method, a.status)
		}
	}
	// The session expires after web.session_ttl.
	f.clock.add(169 * time.Hour)
	if a := f.get("/", c); a.status != http.StatusUnauthorized {
		t.Fatalf("expired session: %d", a.status)
	}
}

// TestLoginFromAnotherSiteRefused: a form on another site that posts a login link (or the
// logout) is refused and uses nothing up; the same link then works from the dashboard's own
// page, behind a proxy whose Host differs from web.public_url too.
func TestLoginFromAnotherSiteRefused(t *testing.T) {
	f := newFixture(t, "https://bhyt.example.vn")
	tok := f.loginToken(officerID)
	for _, h := range [][]string{
		{"Sec-Fetch-Site", "cross-site", "Origin", "https://ke-gian.example"},
		{"Origin", "https://ke-gian.example"},
	} {
		if a := f.do(http.MethodPost, "/login/"+tok, nil, h...); a.status != http.StatusForbidden || a.header.Get("Set-Cookie") != "" || !strings.Contains(a.body, "trang khác") {
			t.Fatalf("login posted from another site (%v): %d %s", h, a.status, a.body)
		}
	}
	c := f.session(officerID)
	if a := f.do(http.MethodPost, "/dangxuat", c, "Sec-Fetch-Site", "cross-site"); a.status != http.StatusForbidden {
		t.Fatalf("logout posted from another site: %d", a.status)
	}
	if a := f.get("/", c); a.status != 200 {
		t.Fatalf("session after a refused cross-site logout: %d", a.status)
	}
	if a := f.do(http.MethodPost, "/login/"+tok, nil, "Origin", "https://bhyt.example.vn"); a.status != http.StatusSeeOther {
		t.Fatalf("login posted from web.public_url: %d %s", a.status, a.body)
	}
}

func TestSecureCookieBehindHTTPS(t *testing.T) {
	f := newFixture(t, "https://bhyt.example.vn")
	resp, err := f.client().PostForm(f.baseURL+"/login/"+f.loginToken(officerID), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == CookieName && c.Secure {
			return
		}
	}
	t.Fatalf("no Secure cookie with an https public URL: %v", resp.Header["Set-Cookie"])
}

func TestPagesFollowTheChatScope(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	officer, commune, principal, admin := f.session(officerID), f.session(communeID), f.session(principalID), f.session(adminID)
	myTu, longHung, province := "/khu-vuc/"+f.id("area:Sóc Trăng / Mỹ Tú"), "/khu-vuc/"+f.id("area:Sóc Trăng / Long Hưng"), "/khu-vuc/"+f.id("area:Sóc Trăng")
	thcs, thLH := "/truong/"+f.id("school:Trường THCS Mỹ Tú"), "/truong/"+f.id("school:Trường TH Long Hưng")
	class6A, class1B := "/lop/"+f.id("class:Trường THCS Mỹ Tú/6A"), "/lop/"+f.id("class:Trường TH Long Hưng/1B")
	cases := []struct {
		who    string
		cookie *http.Cookie
		path   string
		status int
		want   string
	}{
		{"officer", officer, "/", 200, "Trường TH Long Hưng"},
		{"officer", officer, province, 200, "Các khu vực trực thuộc"},
		{"officer", officer, myTu, 200, "Trường THCS Mỹ Tú"},
		{"officer", officer, thLH, 200, "Thầy Bảo"},
		{"officer", officer, class1B, 200, "Lớp 1B"},
		{"commune", commune, myTu, 200, "Trường TH Mỹ Tú"},
		{"officer", officer, myTu, 200, `href="` + province + `?week=2026-W48"`},
		{"commune", commune, longHung, 404, ""},
		{"commune", commune, province, 404, ""},
		{"commune", commune, thLH, 404, ""},
		{"principal", principal, "/", 200, "Cô Hoa"},
		{"principal", principal, thcs, 200, "6A"},
		{"principal", principal, class6A, 200, "Cô Lan"},
		{"principal", principal, thLH, 404, ""},
		{"principal", principal, class1B, 404, ""},
		{"principal", principal, myTu, 404, ""},
		{"principal", principal, thcs + ".xlsx", 404, ""},
		{"admin", admin, "/", 200, "Sóc Trăng"},
		{"admin", admin, thLH, 200, "Thầy Bảo"},
		{"officer", officer, "/truong/999999", 404, ""},
		{"officer", officer, "/lop/abc", 404, ""},
	}
	for _, c := range cases {
		a := f.get(c.path, c.cookie)
		if a.status != c.status {
			t.Errorf("%s %s: %d, want %d", c.who, c.path, a.status, c.status)
			continue
		}
		if !strings.Contains(a.body, c.want) {
			t.Errorf("%s %s: page lacks %q", c.who, c.path, c.want)
		}
		checkHeaders(t, c.who+" "+c.path, a, true)
	}
	if a := f.get(myTu, commune); strings.Contains(a.body, `href="`+province) {
		t.Error("the commune officer's page links up to the province, outside the scope")
	}
	// The principal's page names the school's rank in its commune, and never a pupil.
	a := f.get(thcs, principal)
	for _, want := range []string{"Lớp chưa báo cáo", "6C", "Cô Hoa", "1/2 trong khu vực"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("school page lacks %q", want)
		}
	}
}

func TestUnreportedMarkedApartFromZero(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	a := f.get("/khu-vuc/"+f.id("area:Sóc Trăng / Mỹ Tú"), f.session(officerID))
	// Trường TH Mỹ Tú reported 0 of 30: ranked, under 50%. On the school board, 6C never reported.
	if !regexpRow(a.body, "duoi", "Trường TH Mỹ Tú") {
		t.Errorf("a school at 0%% is not marked under the threshold:\n%s", a.body)
	}
	s := f.get("/truong/"+f.id("school:Trường THCS Mỹ Tú"), f.session(principalID))
	if !regexpRow(s.body, "chua", "6C") || regexpRow(s.body, "duoi", "6C") {
		t.Errorf("an unreported class is not marked as unreported")
	}
	// 6C has no figure at all: its rate cell says so, where a unit at 0% says 0%.
	if row := rowOf(s.body, "6C"); !strings.Contains(row, `<td class="pt">chưa có số liệu</td>`) {
		t.Errorf("a class that never reported shows a rate: %s", row)
	}
	if row := rowOf(a.body, "Trường TH Mỹ Tú"); !strings.Contains(row, `<td class="pt">0%</td>`) {
		t.Errorf("a school at 0%% does not show 0%%: %s", row)
	}
	lh := f.get("/truong/"+f.id("school:Trường TH Long Hưng"), f.session(officerID))
	if !regexpRow(lh.body, "chua", "1B") || !strings.Contains(lh.body, "số liệu tuần 47/2026") {
		t.Errorf("a class with last week's figure is not shown as carried forward")
	}
}

// rowOf returns the first table row that holds a cell with the name.
func rowOf(body, name string) string {
	for _, tr := range strings.Split(body, "<tr")[1:] {
		if tr = strings.SplitN(tr, "</tr>", 2)[0]; strings.Contains(tr, ">"+name+"<") {
			return tr
		}
	}
	return ""
}

// regexpRow reports whether a table row of the class holds a cell with the name.
func regexpRow(body, class, name string) bool {
	for _, tr := range strings.Split(body, "<tr")[1:] {
		if strings.HasPrefix(tr, ` class="`+class+`"`) && strings.Contains(strings.SplitN(tr, "</tr>", 2)[0], ">"+name+"<") {
			return true
		}
	}
	return false
}

func TestJSONOfEachPage(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	c := f.session(officerID)
	paths := []string{"/index.json", "/khu-vuc/" + f.id("area:Sóc Trăng / Mỹ Tú") + ".json", "/truong/" + f.id("school:Trường THCS Mỹ Tú") + ".json",
		"/lop/" + f.id("class:Trường THCS Mỹ Tú/6A") + ".json"}
	for _, p := range paths {
		a := f.get(p, c)
		if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
			t.Fatalf("%s: %d %s", p, a.status, a.header.Get("Content-Type"))
		}
		checkHeaders(t, p, a, true)
		var v map[string]any
		if err := json.Unmarshal([]byte(a.body), &v); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	a := f.get("/truong/"+f.id("school:Trường THCS Mỹ Tú"), c, "Accept", "application/json")
	var v struct {
		Kind  string
		Week  string
		Units []struct {
			Name     string
			Rank     int
			Percent  float64
			Insured  int
			Reported bool
			Change   *float64
		}
		Unreported []struct{ Class, Teacher string } `json:"unreported_classes"`
		Trend      []struct {
			Week    string
			Percent float64
		}
	}
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatalf("Accept json: %v\n%s", err, a.body)
	}
	if v.Kind != "school" || v.Week != "2026-W48" || len(v.Units) != 3 || len(v.Trend) != TrendWeeks {
		t.Fatalf("school json: %+v", v)
	}
	// 6A 38/42 = 90,5% rank 1; 6B 30/40 = 75% rank 2; 6C not reported, rank 0.
	if u := v.Units[0]; u.Name != "6A" || u.Rank != 1 || u.Percent != leaderboard.Percent(38, 42) || u.Change == nil || *u.Change != 31 {
		t.Errorf("first unit: %+v", u)
	}
	if u := v.Units[2]; u.Name != "6C" || u.Rank != 0 || u.Reported {
		t.Errorf("last unit: %+v", u)
	}
	if len(v.Unreported) != 1 || v.Unreported[0].Teacher != "Cô Hoa" {
		t.Errorf("unreported: %+v", v.Unreported)
	}
	if last := v.Trend[len(v.Trend)-1]; last.Week != "2026-W48" || last.Percent != leaderboard.Percent(38+30, 120) {
		t.Errorf("trend: %+v", v.Trend)
	}
}

func TestWeekSwitch(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	c := f.session(principalID)
	school := "/truong/" + f.id("school:Trường THCS Mỹ Tú")
	now := f.get(school, c)
	if !strings.Contains(now.body, `href="`+school+`?week=2026-W47"`) || strings.Contains(now.body, "2026-W49") {
		t.Errorf("week 48 page: no link back to 47, or a link into the future")
	}
	prev := f.get(school+"?week=2026-w47", c)
	if prev.status != 200 || !strings.Contains(prev.body, "tuần 47/2026") || !strings.Contains(prev.body, `href="`+school+`?week=2026-W48"`) ||
		!strings.Contains(prev.body, `href="`+school+`?week=2026-W46"`) {
		t.Fatalf("week 47 page: %d", prev.status)
	}
	// 6A in week 47: 25/42 = 59,5%.
	if !strings.Contains(prev.body, leaderboard.FormatPercent(leaderboard.Percent(25, 42))) {
		t.Errorf("week 47 page does not show week 47's figure")
	}
	bad := f.get(school+"?week=tuan-truoc", c)
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "2026-W48") {
		t.Errorf("bad week: %d %s", bad.status, bad.body)
	}
}

func TestExcelDownload(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	c := f.session(officerID)
	a := f.get("/khu-vuc/"+f.id("area:Sóc Trăng")+".xlsx?week=2026-W48", c)
	if a.status != 200 || a.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("xlsx: %d %s", a.status, a.header.Get("Content-Type"))
	}
	if !strings.Contains(a.header.Get("Content-Disposition"), "bao-cao-bhyt-soc-trang-2026-W48.xlsx") {
		t.Errorf("file name: %s", a.header.Get("Content-Disposition"))
	}
	checkHeaders(t, "xlsx", a, true)
	x, err := excelize.OpenReader(strings.NewReader(a.body))
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < leaderboard.WorkbookFirstDataRow+3 || strings.Join(rows[leaderboard.WorkbookHeaderRow-1], "|") != strings.Join(leaderboard.WorkbookColumns, "|") {
		t.Fatalf("workbook rows: %q", rows)
	}
	if rows[leaderboard.WorkbookFirstDataRow-1][1] != "Trường TH Long Hưng" {
		t.Errorf("first school: %q", rows[leaderboard.WorkbookFirstDataRow-1])
	}
}

func TestGzipWhenAccepted(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	c := f.session(officerID)
	a := f.get("/", c, "Accept-Encoding", "gzip")
	if a.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", a.header)
	}
	z, err := gzip.NewReader(bytes.NewReader([]byte(a.body)))
	if err != nil {
		t.Fatal(err)
	}
	html, err := io.ReadAll(z)
	if err != nil || !strings.Contains(string(html), "Trường TH Long Hưng") {
		t.Fatalf("gunzip: %v", err)
	}
	if a := f.get("/", c, "Accept-Encoding", "identity"); a.header.Get("Content-Encoding") != "" {
		t.Fatal("gzip without asking")
	}
}

func TestLogoutEndsSession(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	c := f.session(officerID)
	confirm := f.get("/dangxuat", c)
	if confirm.status != 200 || !strings.Contains(confirm.body, `method="post" action="/dangxuat"`) {
		t.Fatalf("confirm page: %d", confirm.status)
	}
	if a := f.get("/", c); a.status != 200 {
		t.Fatalf("a GET of /dangxuat ended the session: %d", a.status)
	}
	out := f.do(http.MethodPost, "/dangxuat", c)
	if out.status != 200 || !strings.Contains(out.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d %v", out.status, out.header)
	}
	if a := f.get("/", c); a.status != http.StatusUnauthorized {
		t.Fatalf("after logout: %d", a.status)
	}
}

func TestRevokedRoleEndsSession(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	c := f.session(principalID)
	if a := f.get("/", c); a.status != 200 {
		t.Fatalf("before: %d", a.status)
	}
	ctx := context.Background()
	var role storage.Role
	err := f.store.Update(ctx, func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(ctx, principalID)
		if err != nil || len(roles) != 1 {
			t.Fatalf("roles: %v %v", roles, err)
		}
		role = roles[0]
		return tx.RevokeRole(ctx, role.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	a := f.get("/", c)
	if a.status != http.StatusUnauthorized || !strings.Contains(a.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("after revoke: %d %v", a.status, a.header)
	}
	// Granting the role again does not bring the ended session back.
	if err := f.store.Update(ctx, func(tx *storage.Tx) error { return tx.GrantRole(ctx, principalID, role.Role, role.Scope) }); err != nil {
		t.Fatal(err)
	}
	if a := f.get("/", c); a.status != http.StatusUnauthorized {
		t.Fatalf("after grant again: %d", a.status)
	}
}

func TestRunServesAndStops(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.server.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("served: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	// A listen error returns at once.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := f.cfg
	cfg.Web.Listen = busy.Addr().String()
	s, err := New(cfg, f.store, f.boards, f.clock.now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background()); err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("Run on a busy address: %v", err)
	}
}

// TestRevokeEndsSessionsAtOnce: the revocation itself ends the sessions, not the next page
// they ask for, so a role granted again before that request does not revive them; a role
// that does not open the dashboard (a teacher's) leaves them alone.
func TestRevokeEndsSessionsAtOnce(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	ctx := context.Background()
	principal := f.session(principalID)
	err := f.store.Update(ctx, func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(ctx, principalID)
		if err != nil || len(roles) != 1 {
			t.Fatalf("roles: %v %v", roles, err)
		}
		if err := tx.RevokeRole(ctx, roles[0].ID); err != nil {
			return err
		}
		return tx.GrantRole(ctx, principalID, roles[0].Role, roles[0].Scope)
	})
	if err != nil {
		t.Fatal(err)
	}
	if a := f.get("/", principal); a.status != http.StatusUnauthorized {
		t.Fatalf("revoked and granted again before the next page: %d", a.status)
	}
	// The officer who is also a teacher keeps the session when the class is taken away.
	err = f.store.Update(ctx, func(tx *storage.Tx) error {
		return tx.GrantRole(ctx, officerID, storage.RoleTeacher, storage.Scope{ClassID: f.ids["class:Trường TH Long Hưng/1B"]})
	})
	if err != nil {
		t.Fatal(err)
	}
	officer := f.session(officerID)
	err = f.store.Update(ctx, func(tx *storage.Tx) error {
		roles, err := tx.RolesOfUser(ctx, officerID)
		if err != nil {
			return err
		}
		for _, r := range roles {
			if r.Role == storage.RoleTeacher {
				return tx.RevokeRole(ctx, r.ID)
			}
		}
		t.Fatal("no teacher role")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if a := f.get("/", officer); a.status != http.StatusOK {
		t.Fatalf("a teacher role taken from an officer ended the session: %d", a.status)
	}
}

// A browser opening the link in a tab (it says so in Sec-Fetch-Mode and Sec-Fetch-Dest) logs
// in at once, as the bot's message promises: the link is used, the session cookie set and the
// browser sent to /. Fetches that are not a tab opening it (a previewer, a frame) use nothing.
func TestLoginLinkOpenedInABrowserTab(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	tok := f.loginToken(officerID)
	for _, h := range [][]string{
		nil,
		{"Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "iframe"},
		{"Sec-Fetch-Mode", "no-cors", "Sec-Fetch-Dest", "image"},
	} {
		if a := f.get("/login/"+tok, nil, h...); a.status != http.StatusOK || a.header.Get("Set-Cookie") != "" {
			t.Fatalf("GET with %q: %d, Set-Cookie %q", h, a.status, a.header.Get("Set-Cookie"))
		}
	}
	tab := []string{"Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document", "Sec-Fetch-Site", "none", "Sec-Fetch-User", "?1"}
	a := f.get("/login/"+tok, nil, tab...)
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/" {
		t.Fatalf("a tab opening the link: %d %q", a.status, a.header.Get("Location"))
	}
	c, err := http.ParseSetCookie(a.header.Get("Set-Cookie"))
	if err != nil || c.Name != CookieName || !c.HttpOnly || c.Value == "" {
		t.Fatalf("cookie %+v (%v)", c, err)
	}
	if home := f.get("/", c); home.status != http.StatusOK {
		t.Fatalf("home with the session: %d", home.status)
	}
	if again := f.get("/login/"+tok, nil, tab...); again.status != http.StatusGone || again.header.Get("Set-Cookie") != "" {
		t.Fatalf("the link opened again: %d", again.status)
	}
}
