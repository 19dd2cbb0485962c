package zalotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// answer is a decoded API answer.
type answer struct {
	Status      int             `json:"-"`
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

func post(t *testing.T, ctx context.Context, srv *Server, token, method string, params map[string]any) answer {
	t.Helper()
	b, _ := json.Marshal(params)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/bot"+token+"/"+method, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", req.URL.Path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var a answer
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatalf("answer is not JSON: %q", data)
	}
	a.Status = resp.StatusCode
	return a
}

func call(t *testing.T, srv *Server, method string, params map[string]any) answer {
	t.Helper()
	return post(t, context.Background(), srv, srv.Token(), method, params)
}

func wantError(t *testing.T, a answer, code int, status int) {
	t.Helper()
	if a.OK || a.ErrorCode != code || a.Status != status || a.Description == "" {
		t.Fatalf("answer = %+v (result %s), want error_code %d with HTTP %d and a description", a, a.Result, code, status)
	}
}

func wantOK(t *testing.T, a answer) {
	t.Helper()
	if !a.OK || a.Status != 200 {
		t.Fatalf("answer = %+v, want ok", a)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var alice = User{ID: "6ede9afa66b88fe6d6a9", DisplayName: "Chị Lan"}

func TestGetMe(t *testing.T) {
	srv := New(Options{Token: "987654321:abc-xyz", AccountName: "bot.bhyt"})
	defer srv.Close()
	a := call(t, srv, "getMe", nil)
	wantOK(t, a)
	var b map[string]any
	_ = json.Unmarshal(a.Result, &b)
	if b["id"] != "987654321" || b["account_name"] != "bot.bhyt" || b["account_type"] != "BASIC" || b["can_join_groups"] != false {
		t.Errorf("getMe = %v", b)
	}
	if srv.BotID() != "987654321" || srv.Endpoint() != srv.URL()+"/bot%s/%s" {
		t.Errorf("BotID %q, Endpoint %q", srv.BotID(), srv.Endpoint())
	}
}

func TestTokenAndMethodErrors(t *testing.T) {
	for _, statusErrs := range []bool{false, true} {
		srv := New(Options{HTTPStatusErrors: statusErrs})
		status := func(code int) int {
			if statusErrs {
				return code
			}
			return 200
		}
		wantError(t, post(t, context.Background(), srv, "1:wrong", "getMe", nil), 401, status(401))
		wantError(t, call(t, srv, "sendSomething", nil), 404, status(404))
		// Method names are case-sensitive on Zalo.
		wantError(t, call(t, srv, "getme", nil), 404, status(404))
		wantError(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "x"}), 400, status(400))
		st := srv.Stats()
		if st.Unauthorized != 1 || st.NotFound != 2 || st.BadRequests != 1 || st.Calls["sendMessage"] != 1 || st.Calls["getMe"] != 0 {
			t.Errorf("stats = %+v", st)
		}
		srv.Close()
	}
}

func TestParameterEncodings(t *testing.T) {
	srv := New(Options{})
	defer srv.Close()
	base := srv.URL() + "/bot" + srv.Token() + "/sendMessage"
	q := url.Values{"chat_id": {"c1"}, "text": {"qua query"}}
	getReq, _ := http.NewRequest(http.MethodGet, base+"?"+q.Encode(), nil)
	wantOK(t, do(t, getReq))

	formReq, _ := http.NewRequest(http.MethodPost, base, strings.NewReader(url.Values{"chat_id": {"c1"}, "text": {"qua form"}}.Encode()))
	formReq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantOK(t, do(t, formReq))

	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	_ = w.WriteField("chat_id", "c1")
	_ = w.WriteField("text", "qua multipart")
	_ = w.Close()
	mpReq, _ := http.NewRequest(http.MethodPost, base, &mp)
	mpReq.Header.Set("Content-Type", w.FormDataContentType())
	wantOK(t, do(t, mpReq))

	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "c1", "text": "qua JSON"}))

	bad, _ := http.NewRequest(http.MethodPost, base, strings.NewReader("{not json"))
	bad.Header.Set("Content-Type", "application/json")
	wantError(t, do(t, bad), 400, 200)

	got := srv.Texts("c1")
	want := []string{"qua query", "qua form", "qua multipart", "qua JSON"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("texts = %q, want %q", got, want)
	}
}

func TestSendMessage(t *testing.T) {
	srv := New(Options{})
	defer srv.Close()
	a := call(t, srv, "sendMessage", map[string]any{"chat_id": "c1", "text": "Xin chào"})
	wantOK(t, a)
	var r struct {
		MessageID string `json:"message_id"`
		Date      int64  `json:"date"`
	}
	_ = json.Unmarshal(a.Result, &r)
	sent := srv.Sent("c1")
	if len(sent) != 1 || sent[0].MessageID != r.MessageID || len(r.MessageID) != 20 || r.Date < 1e12 || sent[0].Params["text"] != "Xin chào" {
		t.Fatalf("result %+v, sent %+v", r, sent)
	}
	// 2,000 characters of Vietnamese are 2,000 characters, not bytes.
	long := strings.Repeat("ệ", 2000)
	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "c1", "text": long}))
	wantError(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "c1", "text": long + "a"}), 400, 200)
	wantError(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "c1", "text": ""}), 400, 200)
	wantError(t, call(t, srv, "sendMessage", map[string]any{"text": "x"}), 400, 200)
	if n := len(srv.Sent("c1")); n != 2 {
		t.Errorf("%d messages recorded, want 2", n)
	}
	if st := srv.Stats(); st.Messages != 2 || st.BadRequests != 3 {
		t.Errorf("stats = %+v", st)
	}
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSendPhotoFetchesTheURL(t *testing.T) {
	pic := pngBytes(t)
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chart.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(pic)
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<html></html>")
		default:
			http.NotFound(w, r)
		}
	}))
	defer files.Close()
	srv := New(Options{})
	defer srv.Close()
	wantOK(t, call(t, srv, "sendPhoto", map[string]any{"chat_id": "c1", "photo": files.URL + "/chart.png", "caption": "Biểu đồ tuần"}))
	sent := srv.Sent("c1")
	if len(sent) != 1 || !bytes.Equal(sent[0].Photo, pic) || sent[0].PhotoType != "image/png" || sent[0].Caption != "Biểu đồ tuần" ||
		sent[0].PhotoURL != files.URL+"/chart.png" || sent[0].Method != "sendPhoto" {
		t.Fatalf("sent = %+v", sent)
	}
	if _, err := png.Decode(bytes.NewReader(sent[0].Photo)); err != nil {
		t.Errorf("recorded photo is not a PNG: %v", err)
	}
	for name, p := range map[string]map[string]any{
		"404":       {"chat_id": "c1", "photo": files.URL + "/gone.png"},
		"not image": {"chat_id": "c1", "photo": files.URL + "/page"},
		"no URL":    {"chat_id": "c1", "photo": "chart.png"},
		"caption":   {"chat_id": "c1", "photo": files.URL + "/chart.png", "caption": strings.Repeat("a", 2001)},
	} {
		if a := call(t, srv, "sendPhoto", p); a.OK || a.ErrorCode != 400 {
			t.Errorf("%s: answer %+v, want 400", name, a)
		}
	}
	if n := len(srv.Sent("c1")); n != 1 {
		t.Errorf("%d records, want 1", n)
	}
	if st := srv.Stats(); st.PhotoFetches != 3 {
		t.Errorf("photo fetches = %d, want 3 (the valid URLs)", st.PhotoFetches)
	}
}

func TestSendChatAction(t *testing.T) {
	srv := New(Options{})
	defer srv.Close()
	a := call(t, srv, "sendChatAction", map[string]any{"chat_id": "c1", "action": "typing"})
	wantOK(t, a)
	if len(a.Result) != 0 {
		t.Errorf("result = %s, want none (Zalo answers {\"ok\":true})", a.Result)
	}
	wantError(t, call(t, srv, "sendChatAction", map[string]any{"chat_id": "c1", "action": "dancing"}), 400, 200)
	if s := srv.Sent("c1"); len(s) != 1 || s[0].Action != "typing" || s[0].Method != "sendChatAction" {
		t.Errorf("sent = %+v", s)
	}
}

func decodeUpdate(t *testing.T, raw json.RawMessage) Update {
	t.Helper()
	var u Update
	if err := json.Unmarshal(raw, &u); err != nil || u.Message == nil {
		t.Fatalf("result %s is not one update: %v", raw, err)
	}
	return u
}

func TestGetUpdatesAnswersOneUpdateAndConsumesIt(t *testing.T) {
	srv := New(Options{})
	defer srv.Close()
	id1 := srv.SendText(alice, "/start ABC123")
	id2 := srv.SendText(alice, "6A 42 30 8")
	a := call(t, srv, "getUpdates", map[string]any{"timeout": "30"})
	wantOK(t, a)
	u := decodeUpdate(t, a.Result)
	m := u.Message
	if u.EventName != EventText || m.MessageID != id1 || m.Text != "/start ABC123" || m.From != alice ||
		m.Chat != (Chat{ID: alice.ID, ChatType: ChatPrivate}) || m.Date < 1e12 {
		t.Fatalf("first update = %+v %+v", u, m)
	}
	if !strings.Contains(string(a.Result), `"event_name":"message.text.received"`) || strings.Contains(string(a.Result), "update_id") {
		t.Errorf("wire shape = %s", a.Result)
	}
	// No offset: the second poll gets the second update, never the first again.
	a = call(t, srv, "getUpdates", map[string]any{"timeout": 30})
	if u := decodeUpdate(t, a.Result); u.Message.MessageID != id2 {
		t.Fatalf("second update = %+v", u.Message)
	}
	a = call(t, srv, "getUpdates", map[string]any{"timeout": "0"})
	wantError(t, a, 408, 200)
	if st := srv.Stats(); st.PollTimeouts != 1 || srv.Pending() != 0 {
		t.Errorf("stats %+v, pending %d", st, srv.Pending())
	}
}

func TestGetUpdatesArray(t *testing.T) {
	srv := New(Options{ArrayUpdates: true})
	defer srv.Close()
	srv.SendText(alice, "một")
	srv.SendText(alice, "hai")
	a := call(t, srv, "getUpdates", map[string]any{"timeout": "1"})
	var ups []Update
	if err := json.Unmarshal(a.Result, &ups); err != nil || len(ups) != 2 || ups[0].Message.Text != "một" || ups[1].Message.Text != "hai" {
		t.Fatalf("result = %s (%v)", a.Result, err)
	}
	wantError(t, call(t, srv, "getUpdates", map[string]any{"timeout": "0"}), 408, 200)
}

func TestGetUpdates408WithStatus(t *testing.T) {
	srv := New(Options{HTTPStatusErrors: true})
	defer srv.Close()
	wantError(t, call(t, srv, "getUpdates", map[string]any{"timeout": "0"}), 408, 408)
	wantError(t, call(t, srv, "getUpdates", map[string]any{"timeout": "soon"}), 400, 400)
}

func TestLongPollWakesOnInjectedUpdate(t *testing.T) {
	srv := New(Options{})
	defer srv.Close()
	got := make(chan answer, 1)
	go func() { got <- call(t, srv, "getUpdates", map[string]any{"timeout": "60"}) }()
	// The update arrives while the poll waits (or before it starts: either way
	// the poll answers it rather than waiting out its 60 seconds).
	id := srv.SendText(alice, "chào")
	select {
	case a := <-got:
		if u := decodeUpdate(t, a.Result); u.Message.MessageID != id {
			t.Fatalf("update = %+v", u.Message)
		}
	case <-ctxT(t).Done():
		t.Fatal("long poll did not wake up")
	}
}

func TestEventHelpers(t *testing.T) {
	srv := New(Options{ArrayUpdates: true})
	defer srv.Close()
	srv.SendImage(alice, "https://example.com/a.jpg", "ảnh")
	srv.SendSticker(alice, "abc123")
	srv.SendEvent(alice, Chat{}, EventVoice, Message{})
	srv.SendGroupText(User{ID: "u2"}, "g1", "@bot 6A 40")
	srv.InjectRaw(Update{EventName: EventUnsupported})
	var ups []Update
	_ = json.Unmarshal(call(t, srv, "getUpdates", map[string]any{"timeout": "0"}).Result, &ups)
	if len(ups) != 5 {
		t.Fatalf("%d updates", len(ups))
	}
	if m := ups[0].Message; ups[0].EventName != EventImage || m.Photo != "https://example.com/a.jpg" || m.Caption != "ảnh" || m.Text != "" {
		t.Errorf("image = %v", ups[0])
	}
	if m := ups[1].Message; ups[1].EventName != EventSticker || m.Sticker != "abc123" || m.URL == "" {
		t.Errorf("sticker = %v", ups[1])
	}
	if m := ups[2].Message; ups[2].EventName != EventVoice || m.Chat.ID != alice.ID || m.Chat.ChatType != ChatPrivate {
		t.Errorf("voice = %v", ups[2])
	}
	if m := ups[3].Message; m.Chat != (Chat{ID: "g1", ChatType: ChatGroup}) || m.From.DisplayName != "User u2" {
		t.Errorf("group text = %+v", m)
	}
	if ups[4].EventName != EventUnsupported || ups[4].Message != nil {
		t.Errorf("raw = %v", ups[4])
	}
}

// hook is a TLS webhook receiver that records what Zalo posts and fails the
// first fail requests with 500.
type hook struct {
	mu      sync.Mutex
	fail    int
	secrets []string
	bodies  []string
	ts      *httptest.Server
}

func newHook(fail int) *hook {
	h := &hook{fail: fail}
	h.ts = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.secrets = append(h.secrets, r.Header.Get("X-Bot-Api-Secret-Token"))
		h.bodies = append(h.bodies, string(b))
		if h.fail > 0 {
			h.fail--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	return h
}

func (h *hook) seen() ([]string, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.secrets...), append([]string(nil), h.bodies...)
}

func TestWebhookDeliveryWithSecretAndRetries(t *testing.T) {
	h := newHook(2)
	defer h.ts.Close()
	srv := New(Options{WebhookClient: h.ts.Client(), WebhookBackoff: time.Millisecond})
	defer srv.Close()
	a := call(t, srv, "setWebhook", map[string]any{"url": h.ts.URL + "/zalo", "secret_token": "s3cret-token"})
	wantOK(t, a)
	var info struct {
		URL       string `json:"url"`
		UpdatedAt int64  `json:"updated_at"`
	}
	_ = json.Unmarshal(a.Result, &info)
	if info.URL != h.ts.URL+"/zalo" || info.UpdatedAt < 1e12 {
		t.Errorf("setWebhook result = %s", a.Result)
	}
	id := srv.SendText(alice, "qua webhook")
	if err := srv.WaitDelivered(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	secrets, bodies := h.seen()
	if len(bodies) != 3 {
		t.Fatalf("%d posts, want 3 (two 500s retried)", len(bodies))
	}
	for _, s := range secrets {
		if s != "s3cret-token" {
			t.Errorf("secret header = %q", s)
		}
	}
	var env struct {
		OK     bool   `json:"ok"`
		Result Update `json:"result"`
	}
	if err := json.Unmarshal([]byte(bodies[2]), &env); err != nil || !env.OK || env.Result.Message == nil || env.Result.Message.MessageID != id {
		t.Errorf("body = %s", bodies[2])
	}
	// getUpdates is refused while the webhook is set.
	wantError(t, call(t, srv, "getUpdates", map[string]any{"timeout": "0"}), 400, 200)
	a = call(t, srv, "getWebhookInfo", nil)
	_ = json.Unmarshal(a.Result, &info)
	if info.URL != h.ts.URL+"/zalo" || srv.WebhookURL() != info.URL {
		t.Errorf("getWebhookInfo = %s", a.Result)
	}
	if st := srv.Stats(); st.WebhookDeliveries != 1 || st.WebhookFailures != 0 {
		t.Errorf("stats = %+v", st)
	}
	// After deleteWebhook, polling works again.
	a = call(t, srv, "deleteWebhook", nil)
	_ = json.Unmarshal(a.Result, &info)
	if !a.OK || info.URL != "" {
		t.Errorf("deleteWebhook = %+v", a)
	}
	srv.SendText(alice, "qua getUpdates")
	if u := decodeUpdate(t, call(t, srv, "getUpdates", map[string]any{"timeout": "5"}).Result); u.Message.Text != "qua getUpdates" {
		t.Errorf("update = %v", u)
	}
}

func TestWebhookDropsAfterAttempts(t *testing.T) {
	h := newHook(100)
	defer h.ts.Close()
	srv := New(Options{WebhookClient: h.ts.Client(), WebhookBackoff: time.Millisecond, WebhookAttempts: 3})
	defer srv.Close()
	wantOK(t, call(t, srv, "setWebhook", map[string]any{"url": h.ts.URL, "secret_token": "12345678"}))
	srv.SendText(alice, "mất")
	if err := srv.WaitDelivered(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, bodies := h.seen(); len(bodies) != 3 {
		t.Errorf("%d attempts, want 3", len(bodies))
	}
	if st := srv.Stats(); st.WebhookFailures != 1 || st.WebhookDeliveries != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestSetWebhookValidation(t *testing.T) {
	srv := New(Options{})
	defer srv.Close()
	for name, p := range map[string]map[string]any{
		"http":         {"url": "http://example.com/h", "secret_token": "12345678"},
		"no url":       {"secret_token": "12345678"},
		"short secret": {"url": "https://example.com/h", "secret_token": "1234567"},
		"long secret":  {"url": "https://example.com/h", "secret_token": strings.Repeat("s", 257)},
		"no secret":    {"url": "https://example.com/h"},
	} {
		if a := call(t, srv, "setWebhook", p); a.OK || a.ErrorCode != 400 {
			t.Errorf("%s: %+v, want 400", name, a)
		}
	}
	wantOK(t, call(t, srv, "setWebhook", map[string]any{"url": "https://example.com/h", "secret_token": strings.Repeat("s", 256)}))
	srv2 := New(Options{AllowHTTPWebhook: true})
	defer srv2.Close()
	wantOK(t, call(t, srv2, "setWebhook", map[string]any{"url": "http://127.0.0.1:1/h", "secret_token": "12345678"}))
}

func TestSetWebhookEndsAPendingPoll(t *testing.T) {
	srv := New(Options{})
	defer srv.Close()
	got := make(chan answer, 1)
	go func() { got <- call(t, srv, "getUpdates", map[string]any{"timeout": "60"}) }()
	// Wait until the poll is inside the server before setting the webhook.
	for srv.Stats().Calls["getUpdates"] == 0 {
		time.Sleep(time.Millisecond)
	}
	wantOK(t, call(t, srv, "setWebhook", map[string]any{"url": "https://127.0.0.1:1/h", "secret_token": "12345678"}))
	select {
	case a := <-got:
		wantError(t, a, 400, 200)
	case <-ctxT(t).Done():
		t.Fatal("poll not ended by setWebhook")
	}
}

func TestChatFaults(t *testing.T) {
	srv := New(Options{Blocked: []string{"b"}, ChatsNotFound: []string{"nf"}})
	defer srv.Close()
	wantError(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "b", "text": "x"}), 403, 200)
	wantError(t, call(t, srv, "sendChatAction", map[string]any{"chat_id": "b", "action": "typing"}), 403, 200)
	wantError(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "nf", "text": "x"}), 400, 200)
	srv.Unblock("b")
	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "b", "text": "x"}))
	srv.Block("c")
	wantError(t, call(t, srv, "sendPhoto", map[string]any{"chat_id": "c", "photo": "https://example.com/a.png"}), 403, 200)
	srv.SetChatError("d", &APIError{Code: 418, Description: "odd"})
	a := call(t, srv, "sendMessage", map[string]any{"chat_id": "d", "text": "x"})
	if a.ErrorCode != 418 || a.Description != "odd" {
		t.Errorf("custom fault = %+v", a)
	}
	srv.FailNext(2, APIError{Code: 429, Description: DescQuota})
	wantError(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "e", "text": "x"}), 429, 200)
	wantError(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "f", "text": "x"}), 429, 200)
	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "e", "text": "x"}))
	if st := srv.Stats(); st.Forbidden != 3 || st.TooManyRequests != 2 || st.BadRequests != 1 {
		t.Errorf("stats = %+v", st)
	}

	srv404 := New(Options{ChatNotFoundCode: 404, HTTPStatusErrors: true, StrictChats: true})
	defer srv404.Close()
	srv404.ChatNotFound("x")
	wantError(t, call(t, srv404, "sendMessage", map[string]any{"chat_id": "x", "text": "x"}), 404, 404)
	// With StrictChats a chat is unknown until it wrote to the bot.
	wantError(t, call(t, srv404, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "x"}), 404, 404)
	srv404.SendText(alice, "chào")
	wantOK(t, call(t, srv404, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "x"}))
}

func TestQuotas(t *testing.T) {
	// Rates so slow that no token comes back during the test.
	srv := New(Options{Limits: Limits{GlobalPerSecond: 0.001, GlobalBurst: 3, ChatPerSecond: 0.001, ChatBurst: 2}})
	defer srv.Close()
	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "a", "text": "1"}))
	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "a", "text": "2"}))
	a := call(t, srv, "sendMessage", map[string]any{"chat_id": "a", "text": "3"})
	wantError(t, a, 429, 200)
	if a.Description != DescQuota {
		t.Errorf("description = %q", a.Description)
	}
	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "b", "text": "4"}))
	wantError(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "c", "text": "5"}), 429, 200)
	// Chat actions are not messages: no quota.
	wantOK(t, call(t, srv, "sendChatAction", map[string]any{"chat_id": "c", "action": "typing"}))
	if st := srv.Stats(); st.Messages != 3 || st.TooManyRequests != 2 || st.MaxGlobalPerSecond > 3 {
		t.Errorf("stats = %+v", st)
	}
	srv.SetLimits(Limits{})
	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "a", "text": "6"}))
	if l := srv.CurrentLimits(); l.GlobalPerSecond != 0 || l.GlobalBurst != 1 {
		t.Errorf("limits = %+v", l)
	}
}

func TestServerErrors(t *testing.T) {
	srv := New(Options{FailRate5xx: 1})
	defer srv.Close()
	wantOK(t, call(t, srv, "getMe", nil))
	seen := map[int]bool{}
	for range 20 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/bot"+srv.Token()+"/sendMessage", strings.NewReader(`{"chat_id":"a","text":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		seen[resp.StatusCode] = true
		if resp.StatusCode == 500 && !strings.Contains(string(body), `"error_code":500`) {
			t.Errorf("500 body = %s", body)
		}
		if resp.StatusCode == 502 && !strings.Contains(string(body), "Bad Gateway") {
			t.Errorf("502 body = %s", body)
		}
	}
	if !seen[500] || !seen[502] || len(seen) != 2 {
		t.Errorf("statuses = %v, want 500 and 502", seen)
	}
	if st := srv.Stats(); st.ServerErrors != 20 || st.Messages != 0 {
		t.Errorf("stats = %+v", st)
	}
	srv.SetFailRate5xx(0)
	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "a", "text": "x"}))
}

func TestLatency(t *testing.T) {
	srv := New(Options{Latency: time.Hour})
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/bot"+srv.Token()+"/getMe", nil)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the caller's deadline (the answer is delayed)", err)
	}
	srv.SetLatency(0)
	wantOK(t, call(t, srv, "getMe", nil))
}

func TestRestart(t *testing.T) {
	h := newHook(0)
	defer h.ts.Close()
	srv := New(Options{WebhookClient: h.ts.Client()})
	defer srv.Close()
	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "a", "text": "trước"}))
	srv.Block("b")

	// A pending long poll is cut by the restart.
	pollErr := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/bot"+srv.Token()+"/getUpdates", strings.NewReader(`{"timeout":"60"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			err = errors.New("answered")
		}
		pollErr <- err
	}()
	for srv.Stats().Calls["getUpdates"] == 0 {
		time.Sleep(time.Millisecond)
	}
	srv.Restart()
	http.DefaultClient.CloseIdleConnections()
	select {
	case err := <-pollErr:
		if err.Error() == "answered" {
			t.Error("the long poll was answered, want a cut connection")
		}
	case <-ctxT(t).Done():
		t.Fatal("long poll survived the restart")
	}

	srv.SendText(alice, "mất khi khởi động lại")
	wantOK(t, call(t, srv, "setWebhook", map[string]any{"url": "https://127.0.0.1:1/h", "secret_token": "12345678"}))
	srv.Restart()
	http.DefaultClient.CloseIdleConnections() // the restart cut them
	if srv.Pending() != 0 || srv.WebhookURL() != "" {
		t.Errorf("pending %d, webhook %q after restart", srv.Pending(), srv.WebhookURL())
	}
	wantOK(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "a", "text": "sau"}))
	wantError(t, call(t, srv, "sendMessage", map[string]any{"chat_id": "b", "text": "x"}), 403, 200)
	if got := srv.Texts("a"); len(got) != 2 || got[0] != "trước" || got[1] != "sau" {
		t.Errorf("texts = %q", got)
	}
}

func TestWaitSentAndClose(t *testing.T) {
	srv := New(Options{})
	go func() {
		for _, c := range []string{"a", "b", "a"} {
			_ = post(t, context.Background(), srv, srv.Token(), "sendMessage", map[string]any{"chat_id": c, "text": "x"})
		}
	}()
	if got, err := srv.WaitSent(ctxT(t), "a", 2); err != nil || len(got) != 2 {
		t.Fatalf("WaitSent = %d, %v", len(got), err)
	}
	if got, err := srv.WaitAllSent(ctxT(t), 3); err != nil || len(got) != 3 {
		t.Fatalf("WaitAllSent = %d, %v", len(got), err)
	}
	srv.ClearSent()
	if len(srv.AllSent()) != 0 || len(srv.Sent("a")) != 0 {
		t.Error("ClearSent left records")
	}
	srv.Close()
	if _, err := srv.WaitSent(ctxT(t), "a", 1); !errors.Is(err, ErrClosed) {
		t.Errorf("WaitSent after Close = %v", err)
	}
	srv.Close() // twice is fine
}

// TestConcurrentPollersShareUpdatesExactlyOnce: with no offset, an update
// answered to one poller is never answered to another.
func TestConcurrentPollersShareUpdatesExactlyOnce(t *testing.T) {
	srv := New(Options{})
	defer srv.Close()
	const n = 60
	want := map[string]bool{}
	for i := range n {
		want[srv.SendText(User{ID: "u" + string(rune('a'+i%26))}, "tin")] = true
	}
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				a := call(t, srv, "getUpdates", map[string]any{"timeout": "0"})
				if !a.OK {
					return // 408: nothing left
				}
				var u Update
				_ = json.Unmarshal(a.Result, &u)
				mu.Lock()
				got[u.Message.MessageID]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(got) != n {
		t.Fatalf("%d distinct updates read, want %d", len(got), n)
	}
	for id, c := range got {
		if c != 1 || !want[id] {
			t.Errorf("update %s read %d times", id, c)
		}
	}
}
