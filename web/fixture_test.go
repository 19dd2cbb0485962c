package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bhytbot/bhytbot/commands"
	"github.com/bhytbot/bhytbot/config"
	"github.com/bhytbot/bhytbot/reminders"
	"github.com/bhytbot/bhytbot/storage"
)

// Users of the fixture.
const (
	adminID     = 1
	officerID   = 10 // Sóc Trăng
	communeID   = 11 // Sóc Trăng / Mỹ Tú
	principalID = 20 // Trường THCS Mỹ Tú
	teacherID   = 30 // 6A of Trường THCS Mỹ Tú
)

// clock is a settable time source shared by the store, the boards and the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is a province with two communes, three schools and reports in weeks 47 and 48 of
// 2026, served by a dashboard whose clock stands in week 48.
type fixture struct {
	t       *testing.T
	cfg     config.Config
	store   *storage.Store
	boards  *reminders.Service
	clock   *clock
	server  *Server
	http    *httptest.Server
	ids     map[string]int64 // "area:Sóc Trăng / Mỹ Tú", "school:Trường THCS Mỹ Tú", "class:Trường THCS Mỹ Tú/6A"
	baseURL string
}

func newFixture(t *testing.T, publicURL string) *fixture {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.Admins = []int64{adminID}
	cfg.Web = config.Web{Listen: "127.0.0.1:0", PublicURL: publicURL, LoginTTL: 15 * time.Minute, SessionTTL: 168 * time.Hour}
	clk := &clock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, cfg.Location())}
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "web.db"), storage.WithClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, cfg: cfg, store: st, clock: clk, ids: map[string]int64{}}
	type class struct {
		name, teacher string
		enrolment     int
		w47, w48      []int // through school, other; nil: no report that week
	}
	roster := []struct {
		area, school string
		classes      []class
	}{
		{"Sóc Trăng / Mỹ Tú", "Trường THCS Mỹ Tú", []class{
			{"6A", "Cô Lan", 42, []int{20, 5}, []int{30, 8}},
			{"6B", "Thầy Hùng", 40, []int{10, 2}, []int{25, 5}},
			{"6C", "Cô Hoa", 38, nil, nil},
		}},
		{"Sóc Trăng / Mỹ Tú", "Trường TH Mỹ Tú", []class{
			{"1A", "Cô Mai", 30, nil, []int{0, 0}},
		}},
		{"Sóc Trăng / Long Hưng", "Trường TH Long Hưng", []class{
			{"1A", "Cô Ngọc", 35, []int{30, 5}, []int{30, 5}},
			{"1B", "Thầy Bảo", 20, []int{8, 2}, nil},
		}},
	}
	err = st.Update(ctx, func(tx *storage.Tx) error {
		for _, s := range roster {
			areaID, _, err := tx.EnsureArea(ctx, strings.Split(s.area, " / "))
			if err != nil {
				return err
			}
			f.ids["area:"+s.area] = areaID
			schoolID, _, err := tx.EnsureSchool(ctx, areaID, s.school)
			if err != nil {
				return err
			}
			f.ids["school:"+s.school] = schoolID
			for _, c := range s.classes {
				id, _, err := tx.UpsertClass(ctx, storage.Class{SchoolID: schoolID, SchoolYear: cfg.Campaign.SchoolYear, Name: c.name, Enrolment: c.enrolment, TeacherName: c.teacher})
				if err != nil {
					return err
				}
				f.ids["class:"+s.school+"/"+c.name] = id
				for week, fig := range map[string][]int{"2026-W47": c.w47, "2026-W48": c.w48} {
					if fig == nil {
						continue
					}
					if _, err := tx.InsertReport(ctx, storage.Report{ClassID: id, Week: week, Enrolment: c.enrolment, ThroughSchool: fig[0], Other: fig[1]}); err != nil {
						return err
					}
				}
			}
		}
		top, err := tx.AreaByPath(ctx, "Sóc Trăng")
		if err != nil {
			return err
		}
		f.ids["area:Sóc Trăng"] = top.ID
		for _, g := range []struct {
			user  int64
			role  string
			scope storage.Scope
		}{
			{officerID, storage.RoleOfficer, storage.Scope{AreaID: top.ID}},
			{communeID, storage.RoleOfficer, storage.Scope{AreaID: f.ids["area:Sóc Trăng / Mỹ Tú"]}},
			{principalID, storage.RolePrincipal, storage.Scope{SchoolID: f.ids["school:Trường THCS Mỹ Tú"]}},
			{teacherID, storage.RoleTeacher, storage.Scope{ClassID: f.ids["class:Trường THCS Mỹ Tú/6A"]}},
		} {
			if err := tx.TouchUser(ctx, storage.User{ID: g.user, ChatID: g.user, Name: "Người dùng"}); err != nil {
				return err
			}
			if err := tx.GrantRole(ctx, g.user, g.role, g.scope); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.boards = reminders.New(cfg, st, clk.now, slog.New(slog.DiscardHandler))
	f.server, err = New(cfg, st, f.boards, clk.now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	f.http = httptest.NewServer(f.server.Handler())
	t.Cleanup(f.http.Close)
	f.baseURL = f.http.URL
	return f
}

func (f *fixture) id(key string) string {
	f.t.Helper()
	id, ok := f.ids[key]
	if !ok {
		f.t.Fatalf("fixture has no %s", key)
	}
	return itoa(id)
}

// loginToken stores a one-time login for the user as /web would, and returns its token.
func (f *fixture) loginToken(user int64) string {
	f.t.Helper()
	var link string
	err := f.store.Update(context.Background(), func(tx *storage.Tx) (err error) {
		link, err = commands.WebLink(context.Background(), tx, f.cfg, user)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	i := strings.LastIndex(link, "/login/")
	if i < 0 {
		f.t.Fatalf("link %q has no /login/", link)
	}
	return link[i+len("/login/"):]
}

// client is a browser-like HTTP client that does not follow redirects.
func (f *fixture) client() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// session logs the user in as a browser does (the link's page, then its button) and returns
// the session cookie.
func (f *fixture) session(user int64) *http.Cookie {
	f.t.Helper()
	tok := f.loginToken(user)
	if a := f.get("/login/"+tok, nil); a.status != http.StatusOK || !strings.Contains(a.body, `action="/login/`+tok+`"`) {
		f.t.Fatalf("login page of %d: status %d\n%s", user, a.status, a.body)
	}
	resp, err := f.client().PostForm(f.baseURL+"/login/"+tok, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("login of %d: status %d", user, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	f.t.Fatalf("login of %d set no session cookie", user)
	return nil
}

type answer struct {
	status int
	header http.Header
	body   string
}

// get fetches path with the cookie (nil: none) and extra headers.
func (f *fixture) get(path string, cookie *http.Cookie, headers ...string) answer {
	f.t.Helper()
	return f.do(http.MethodGet, path, cookie, headers...)
}

func (f *fixture) do(method, path string, cookie *http.Cookie, headers ...string) answer {
	f.t.Helper()
	req, err := http.NewRequest(method, f.baseURL+path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Body = io.NopCloser(strings.NewReader(url.Values{}.Encode()))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if cookie != nil {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	resp, err := f.client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(body)}
}
