package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
)

// TestEveryRoute: each route of the dashboard, with and without a session, answers the
// status, type and caching it should, and every answer carries the security headers.
func TestEveryRoute(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	officer, commune, principal := f.session(officerID), f.session(communeID), f.session(principalID)
	used := f.loginToken(officerID)
	f.do(http.MethodPost, "/login/"+used, nil)
	province, longHung := "/khu-vuc/"+f.id("area:Sóc Trăng"), "/khu-vuc/"+f.id("area:Sóc Trăng / Long Hưng")
	school, class := "/truong/"+f.id("school:Trường THCS Mỹ Tú"), "/lop/"+f.id("class:Trường THCS Mỹ Tú/6A")
	const (
		html  = "text/html; charset=utf-8"
		json  = "application/json; charset=utf-8"
		xlsx  = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		data  = "private, no-store"
		never = "no-store"
	)
	cases := []struct {
		method, path string
		cookie       *http.Cookie
		accept       string
		status       int
		ctype, cache string
	}{
		{"GET", "/static/style.css", nil, "", 200, "text/css; charset=utf-8", "public, max-age=3600"},
		{"GET", "/login/" + f.loginToken(officerID), nil, "", 200, html, data},
		{"GET", "/login/" + used, nil, "", 410, html, data},
		{"GET", "/login/khong-phai-ma", nil, "", 403, html, data},
		{"HEAD", "/login/" + f.loginToken(officerID), nil, "", 200, html, data},
		{"GET", "/login/" + f.loginToken(teacherID), nil, "", 403, html, data},
		{"POST", "/login/" + f.loginToken(officerID), nil, "", 303, "", data},
		{"POST", "/login/" + used, nil, "", 410, html, data},
		{"POST", "/login/khong-phai-ma", nil, "", 403, html, data},
		{"POST", "/login/" + f.loginToken(teacherID), nil, "", 403, html, data},
		{"GET", "/dangxuat", officer, "", 200, html, data},
		{"POST", "/dangxuat", nil, "", 200, html, data},
		{"GET", "/", nil, "", 401, html, data},
		{"GET", "/", nil, "application/json", 401, json, data},
		{"GET", "/", officer, "", 200, html, data},
		{"GET", "/", officer, "application/json", 200, json, data},
		{"GET", "/index.json", officer, "", 200, json, data},
		{"GET", "/index.xlsx", officer, "", 200, xlsx, data},
		{"GET", "/index.xlsx", principal, "", 404, html, data},
		{"GET", "/?week=2026-W47", officer, "", 200, html, data},
		{"GET", "/?week=tuan-nay", officer, "", 400, html, data},
		{"GET", province, officer, "", 200, html, data},
		{"GET", province, nil, "", 401, html, data},
		{"GET", province + ".json", officer, "", 200, json, data},
		{"GET", province + ".xlsx?week=2026-W47", officer, "", 200, xlsx, data},
		{"GET", province, commune, "", 404, html, data},
		{"GET", longHung + ".xlsx", commune, "", 404, html, data},
		{"GET", "/khu-vuc/abc", officer, "", 404, html, data},
		{"GET", school, principal, "", 200, html, data},
		{"GET", school + ".json", principal, "", 200, json, data},
		{"GET", school + ".xlsx", principal, "", 404, html, data},
		{"GET", class, principal, "", 200, html, data},
		{"GET", class + ".json", principal, "", 200, json, data},
		{"GET", class, nil, "", 401, html, data},
		{"GET", "/truong/" + f.id("school:Trường TH Long Hưng"), principal, "", 404, html, data},
		{"GET", "/tep/" + strings.Repeat("x", 43), nil, "", 404, html, never},
		{"GET", "/khong-co", officer, "", 404, html, never},
		{"POST", "/", officer, "", 404, html, never},
	}
	for _, c := range cases {
		what := c.method + " " + c.path
		if c.cookie != nil {
			what += " (session)"
		}
		var a answer
		if c.accept != "" {
			a = f.do(c.method, c.path, c.cookie, "Accept", c.accept)
		} else {
			a = f.do(c.method, c.path, c.cookie)
		}
		if a.status != c.status {
			t.Errorf("%s: status %d, want %d", what, a.status, c.status)
			continue
		}
		if got := a.header.Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: Content-Type %q, want %q", what, got, c.ctype)
		}
		if got := a.header.Get("Cache-Control"); got != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", what, got, c.cache)
		}
		checkHeaders(t, what, a, false)
	}
}

// TestNoPupilNames: pages and JSON show figures, never a pupil's name, even for a class
// whose roster names them.
func TestNoPupilNames(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	ctx := context.Background()
	pupils := []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"}
	err := f.store.Update(ctx, func(tx *storage.Tx) error {
		for i, name := range pupils {
			if _, err := tx.InsertStudent(ctx, f.ids["class:Trường THCS Mỹ Tú/6A"], i+1, name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	officer, principal := f.session(officerID), f.session(principalID)
	pages := []string{"/", "/khu-vuc/" + f.id("area:Sóc Trăng / Mỹ Tú"), "/truong/" + f.id("school:Trường THCS Mỹ Tú"), "/lop/" + f.id("class:Trường THCS Mỹ Tú/6A")}
	for _, c := range []*http.Cookie{officer, principal} {
		for _, p := range pages {
			for _, accept := range []string{"text/html", "application/json"} {
				a := f.get(p, c, "Accept", accept)
				if a.status != 200 && a.status != 404 {
					t.Fatalf("%s: %d", p, a.status)
				}
				for _, name := range pupils {
					if strings.Contains(a.body, name) {
						t.Errorf("%s (%s) names the pupil %s", p, accept, name)
					}
				}
			}
		}
	}
}

var (
	thRE    = regexp.MustCompile(`<th>([^<]*)</th>`)
	labelRE = regexp.MustCompile(`\.bang td:nth-child\((\d+)\)::before \{ content: "([^"]*): "; \}`)
)

// TestPhoneLabelsFollowTheHead: the headings a phone shows before each figure are the
// table's own column heads.
func TestPhoneLabelsFollowTheHead(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1")
	page := f.get("/truong/"+f.id("school:Trường THCS Mỹ Tú"), f.session(principalID)).body
	head := strings.SplitN(strings.SplitN(page, `<table class="bang">`, 2)[1], "</thead>", 2)[0]
	var ths []string
	for _, m := range thRE.FindAllStringSubmatch(head, -1) {
		ths = append(ths, m[1])
	}
	css, err := assets.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	labels := labelRE.FindAllStringSubmatch(string(css), -1)
	if len(ths) != 11 || len(labels) != 8 {
		t.Fatalf("%d heads %q, %d labels", len(ths), ths, len(labels))
	}
	for _, l := range labels {
		n, _ := strconv.Atoi(l[1])
		if ths[n-1] != l[2] {
			t.Errorf("column %d: head %q, phone label %q", n, ths[n-1], l[2])
		}
	}
}
