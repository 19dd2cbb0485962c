package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bhytbot/bhytbot/demo"
)

// TestDemoWeb runs `demo -web` as a newcomer would: after the three weeks it prints login
// links, the officer's link opens the province's ranked board in a browser-like client (a
// cookie jar, redirects followed), the principal's opens their own school only, and Ctrl-C
// (the context) ends the command cleanly with the database kept for chat.
func TestDemoWeb(t *testing.T) {
	c := newCLI(t)
	out := filepath.Join(c.dir, "demo-out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"demo", "-out", out, "-web", "127.0.0.1:0"}, strings.NewReader(""), pw, &stderr, c.env)
		pw.Close()
		done <- code
	}()
	// Every line is read, so the command never blocks on its output; the lines end when it returns.
	lines := make(chan string, 4096)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	links := map[string]string{}
	for line := range lines {
		for _, label := range []string{"Cán bộ tỉnh", "Hiệu trưởng THCS Mỹ Tú"} {
			if link, ok := strings.CutPrefix(line, label+": "); ok {
				links[label] = link
			}
		}
		if len(links) == 2 {
			break
		}
	}
	if len(links) != 2 {
		code := <-done
		t.Fatalf("demo -web printed no links (exit %d): %s", code, stderr.String())
	}
	linkRE := regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*/login/[A-Za-z0-9_-]{20,}$`)
	for label, link := range links {
		if !linkRE.MatchString(link) {
			t.Errorf("%s: %q is not a login link on the actual address", label, link)
		}
	}

	// get fetches url with the headers given in pairs.
	get := func(client *http.Client, url string, headers ...string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(body)
	}
	browser := func() *http.Client {
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		return &http.Client{Jar: jar}
	}

	// logIn opens a link as happens to it in a chat: the app fetches it for its preview
	// (which uses nothing up: the page with the button), then its owner's browser opens it
	// in a tab, which logs in and lands on /.
	logIn := func(client *http.Client, link string) (*http.Response, string) {
		t.Helper()
		if resp, body := get(&http.Client{}, link); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Mở bảng theo dõi") {
			t.Fatalf("%s: the link's page: %d\n%s", link, resp.StatusCode, body)
		}
		return get(client, link, "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document")
	}

	officer := browser()
	resp, body := logIn(officer, links["Cán bộ tỉnh"])
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
		t.Fatalf("officer's link: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	for _, want := range []string{"Khu vực " + demo.Province, "Xếp hạng các trường", demo.SchoolMyTu, demo.SchoolNinhKieu, "Tải Excel"} {
		if !strings.Contains(body, want) {
			t.Errorf("the officer's page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<td class="pt">\d+,\d%</td>`).MatchString(body) {
		t.Error("the officer's page has no percentage in its table")
	}
	// The school that stays under 50% is the red row.
	if !regexp.MustCompile(`<tr class="duoi">\s*<td class="stt">\d+</td><td class="ten">(<a [^>]*>)?` + regexp.QuoteMeta(demo.SchoolMyHuong)).MatchString(body) {
		t.Errorf("%s is not marked under 50%%", demo.SchoolMyHuong)
	}
	if resp, _ := get(officer, "http://"+resp.Request.URL.Host+"/index.json"); resp.StatusCode != http.StatusOK ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("the officer's JSON: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := get(browser(), links["Cán bộ tỉnh"]); resp.StatusCode != http.StatusGone {
		t.Errorf("the officer's link used twice: %d, want 410", resp.StatusCode)
	}

	resp, body = logIn(browser(), links["Hiệu trưởng THCS Mỹ Tú"])
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<h1>"+demo.SchoolMyTu) || strings.Contains(body, demo.SchoolNinhKieu) ||
		!strings.Contains(body, "Xếp hạng các lớp") {
		t.Errorf("the principal's page: %d, not their school's board alone:\n%s", resp.StatusCode, body)
	}

	cancel()
	for range lines {
	}
	if code := <-done; code != 0 {
		t.Fatalf("demo -web after Ctrl-C exited %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "demo.db")); err != nil {
		t.Errorf("demo -web did not keep the database for chat: %v", err)
	}
}
