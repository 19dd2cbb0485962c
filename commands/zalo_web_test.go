package commands_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/storage"
	"github.com/bhytbot/bhytbot/web"
)

var webLinkRE = regexp.MustCompile(`http://\S+/login/[A-Za-z0-9_-]{20,}`)

// zaloWebSession has the Zalo user send /web, checks the answer is plain text with the link,
// opens the link and presses its page's button, and returns the session cookie.
func (w *zworld) zaloWebSession(user string) *http.Cookie {
	w.t.Helper()
	got := w.zsay(user, "/web")
	all := strings.Join(got, "\n")
	link := webLinkRE.FindString(all)
	if link == "" {
		w.t.Fatalf("%s: /web on Zalo has no login link: %q", user, all)
	}
	if zaloHTML.MatchString(all) {
		w.t.Errorf("%s: /web on Zalo is not plain text: %q", user, all)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// Zalo fetches the link for its preview; that must leave it usable.
	resp, err := client.Get(link)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(resp.Cookies()) > 0 {
		w.t.Fatalf("%s: the Zalo link's page: %d %v", user, resp.StatusCode, resp.Cookies())
	}
	resp, err = client.PostForm(link, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		w.t.Fatalf("%s: login through the Zalo link: %d", user, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == web.CookieName {
			return c
		}
	}
	w.t.Fatalf("%s: login set no session cookie", user)
	return nil
}

// page fetches path of the dashboard with the session cookie and returns status and body.
func (w *zworld) page(path string, c *http.Cookie) (int, string) {
	w.t.Helper()
	req, err := http.NewRequest(http.MethodGet, w.webURL+path, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

func (w *zworld) zaloInternal(user string) int64 {
	w.t.Helper()
	var id int64
	if err := w.store.Update(w.ctx, func(tx *storage.Tx) (err error) {
		id, err = tx.InternalID(w.ctx, storage.ChannelZalo, user, storage.KindUser)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// TestZaloWebLogin: an officer and a principal on Zalo get the dashboard link as plain text
// with /web and see their own scope; revoking the principal's invite (/thuhoi, from Zalo) and
// the officer's role (/xoaquyen, from Telegram) ends their sessions at once.
func TestZaloWebLogin(t *testing.T) {
	w := newZaloWorld(t)
	const officer, principal, teacher = "zalo-officer", "zalo-principal", "zalo-teacher"
	zexpect(t, w.zsay(officer, links(w.say(admin, "/moi canbo Sóc Trăng / Mỹ Tú"))[0]), "cán bộ quản lý giáo dục")
	pcode := zaloCodes(w.zsay(officer, "/moi hieutruong Trường THCS Mỹ Tú"))
	if len(pcode) != 1 {
		t.Fatalf("principal's code: %v", pcode)
	}
	zexpect(t, w.zsay(principal, pcode[0]), "hiệu trưởng")
	zexpect(t, w.zsay(teacher, zaloCodes(w.zsay(principal, "/moi giaovien 6A"))[0]), "lớp 6A")

	oc, pc := w.zaloWebSession(officer), w.zaloWebSession(principal)
	if st, body := w.page("/", oc); st != 200 || !strings.Contains(body, "Khu vực Sóc Trăng / Mỹ Tú") || !strings.Contains(body, "Trường THCS Mỹ Tú") {
		t.Fatalf("officer's page: %d", st)
	}
	if st, body := w.page("/", pc); st != 200 || !strings.Contains(body, "<h1>Trường THCS Mỹ Tú</h1>") {
		t.Fatalf("principal's page: %d", st)
	}
	// A teacher on Zalo is refused a link, as on Telegram.
	if got := strings.Join(w.zsay(teacher, "/web"), "\n"); strings.Contains(got, "/login/") || !strings.Contains(got, "hiệu trưởng") {
		t.Errorf("teacher's /web on Zalo: %q", got)
	}

	// The officer takes back the principal's invite from Zalo: the principal's session ends.
	zexpect(t, w.zsay(officer, "/thuhoi "+pcode[0]), "Đã thu hồi mã", "hiệu trưởng")
	if st, _ := w.page("/", pc); st != http.StatusUnauthorized {
		t.Errorf("principal's session after /thuhoi: %d", st)
	}
	// The admin removes the officer's role from Telegram by the officer's Zalo user id.
	if st, _ := w.page("/", oc); st != 200 {
		t.Fatalf("officer's session before /xoaquyen: %d", st)
	}
	expect(t, w.say(admin, "/xoaquyen "+officer), "Đã gỡ 1 quyền")
	if st, _ := w.page("/", oc); st != http.StatusUnauthorized {
		t.Errorf("officer's session after /xoaquyen: %d", st)
	}
}
