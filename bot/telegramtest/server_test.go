package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

var (
	alice = User{ID: 42, FirstName: "Alice", Username: "alice", LanguageCode: "vi"}
	bob   = User{ID: 43, FirstName: "Bob"}
)

// newBot starts a fake server and a real tgbotapi client pointed at it.
func newBot(t *testing.T, opts Options) (*Server, *tgbotapi.BotAPI) {
	t.Helper()
	srv := New(opts)
	t.Cleanup(srv.Close)
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(srv.Token(), srv.Endpoint())
	if err != nil {
		t.Fatalf("NewBotAPIWithAPIEndpoint: %v", err)
	}
	return srv, api
}

// apiErr extracts the library's error. tgbotapi returns *tgbotapi.Error
// (a pointer), so errors.As needs a **Error target; a *Error target
// (errors.As(err, &tgbotapi.Error{})) never matches.
func apiErr(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *tgbotapi.Error", err, err)
	}
	return e
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGetMe(t *testing.T) {
	srv, api := newBot(t, Options{})
	if api.Self.UserName != DefaultBotUsername || api.Self.ID != 123456 || !api.Self.IsBot {
		t.Fatalf("Self = %+v", api.Self)
	}
	if srv.Token() != DefaultToken {
		t.Fatalf("Token = %q", srv.Token())
	}

	srv2, api2 := newBot(t, Options{Token: "777:abc", BotUsername: "other_bot"})
	if api2.Self.UserName != "other_bot" || api2.Self.ID != 777 || srv2.BotID() != 777 {
		t.Fatalf("Self = %+v", api2.Self)
	}
}

func TestWrongTokenAndUnknownMethod(t *testing.T) {
	srv := New(Options{})
	defer srv.Close()

	_, err := tgbotapi.NewBotAPIWithAPIEndpoint("999:WRONG", srv.Endpoint())
	if e := apiErr(t, err); e.Code != 401 || e.Message != "Unauthorized" {
		t.Fatalf("wrong token: %+v", e)
	}

	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(srv.Token(), srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.MakeRequest("noSuchMethod", nil)
	if e := apiErr(t, err); e.Code != 404 || e.Message != "Not Found" {
		t.Fatalf("unknown method: %+v", e)
	}

	// HTTP status codes mirror error_code; method names are case-insensitive.
	for _, tc := range []struct {
		path string
		code int
	}{
		{"/bot999:WRONG/getMe", 401},
		{"/bot" + srv.Token() + "/nope", 404},
		{"/nothing", 404},
		{"/bot" + srv.Token() + "/GETME", 200},
	} {
		resp, err := http.Get(srv.URL() + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		var body apiResponse
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || (tc.code != 200 && body.ErrorCode != tc.code) {
			t.Errorf("%s: status %d body %+v, want %d", tc.path, resp.StatusCode, body, tc.code)
		}
	}
	st := srv.Stats()
	if st.Unauthorized != 2 || st.NotFound != 3 {
		t.Errorf("stats = %+v", st)
	}
}

func TestGetUpdatesOffset(t *testing.T) {
	srv, api := newBot(t, Options{})
	id1 := srv.SendText(alice, alice.ID, "một")
	id2 := srv.SendText(alice, alice.ID, "hai")
	id3 := srv.SendText(bob, bob.ID, "ba")
	if id2 != id1+1 || id3 != id2+1 || id1 != 10001 {
		t.Fatalf("update ids %d %d %d", id1, id2, id3)
	}

	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 3 {
		t.Fatalf("GetUpdates = %d updates, %v", len(ups), err)
	}
	if ups[0].Message.Text != "một" || ups[0].Message.From.ID != alice.ID || ups[0].Message.Chat.Type != "private" {
		t.Fatalf("first update %+v", ups[0].Message)
	}
	// Message ids count per chat.
	if ups[0].Message.MessageID != 1 || ups[1].Message.MessageID != 2 || ups[2].Message.MessageID != 1 {
		t.Fatalf("message ids %d %d %d", ups[0].Message.MessageID, ups[1].Message.MessageID, ups[2].Message.MessageID)
	}

	// Unconfirmed updates are delivered again; limit caps the batch.
	ups, _ = api.GetUpdates(tgbotapi.UpdateConfig{Limit: 1})
	if len(ups) != 1 || ups[0].UpdateID != id1 {
		t.Fatalf("limit 1: %+v", ups)
	}

	// offset confirms (and forgets) every update below it.
	ups, _ = api.GetUpdates(tgbotapi.UpdateConfig{Offset: id2})
	if len(ups) != 2 || ups[0].UpdateID != id2 || srv.Pending() != 2 {
		t.Fatalf("offset id2: %d updates, pending %d", len(ups), srv.Pending())
	}
	ups, _ = api.GetUpdates(tgbotapi.UpdateConfig{Offset: 1})
	if len(ups) != 2 || ups[0].UpdateID != id2 {
		t.Fatalf("confirmed update came back: %+v", ups)
	}

	// A negative offset keeps the last -offset updates.
	ups, _ = api.GetUpdates(tgbotapi.UpdateConfig{Offset: -1})
	if len(ups) != 1 || ups[0].UpdateID != id3 {
		t.Fatalf("offset -1: %+v", ups)
	}
	ups, _ = api.GetUpdates(tgbotapi.UpdateConfig{Offset: id3 + 1})
	if len(ups) != 0 || srv.Pending() != 0 {
		t.Fatalf("after confirming all: %d updates, pending %d", len(ups), srv.Pending())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.WaitConfirmed(ctx, id3); err != nil {
		t.Fatal(err)
	}
}

func TestGetUpdatesLongPoll(t *testing.T) {
	srv, api := newBot(t, Options{})

	// Returns as soon as an update arrives.
	go func() {
		time.Sleep(150 * time.Millisecond)
		srv.SendText(alice, alice.ID, "/start")
	}()
	start := time.Now()
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 10})
	if err != nil || len(ups) != 1 {
		t.Fatalf("GetUpdates = %v, %v", ups, err)
	}
	if d := time.Since(start); d > 3*time.Second || d < 100*time.Millisecond {
		t.Fatalf("long poll returned after %v", d)
	}

	// Returns an empty list after the timeout.
	start = time.Now()
	ups, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[0].UpdateID + 1, Timeout: 1})
	if err != nil || len(ups) != 0 {
		t.Fatalf("GetUpdates = %v, %v", ups, err)
	}
	if d := time.Since(start); d < 900*time.Millisecond || d > 3*time.Second {
		t.Fatalf("timeout after %v, want ~1s", d)
	}
}

func TestGetUpdatesContextAndClose(t *testing.T) {
	srv := New(Options{})

	// A cancelled request ends the server-side poll.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/bot"+srv.Token()+"/getUpdates?timeout=60", nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("expected context error")
	}

	// A newer getUpdates terminates an older pending one with 409.
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(srv.Token(), srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() {
		_, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60})
		first <- err
	}()
	time.Sleep(100 * time.Millisecond)
	second := make(chan error, 1)
	go func() {
		_, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60})
		second <- err
	}()
	select {
	case err := <-first:
		if e := apiErr(t, err); e.Code != 409 || !strings.Contains(e.Message, "terminated by other getUpdates") {
			t.Fatalf("older poll: %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("older poll not terminated")
	}

	// Close unblocks the pending long poll.
	start := time.Now()
	srv.Close()
	select {
	case err := <-second:
		if err != nil && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "refused") {
			t.Logf("poll after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not unblock the long poll")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Close took %v", d)
	}
	srv.Close() // idempotent
}

func TestSendMessageInlineKeyboard(t *testing.T) {
	srv, api := newBot(t, Options{})
	msg := tgbotapi.NewMessage(alice.ID, "<b>Lớp 6A</b>: 38/42 &amp; tăng")
	msg.ParseMode = tgbotapi.ModeHTML
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("Đúng", "ok:6A"),
			tgbotapi.NewInlineKeyboardButtonData("Sai", "no:6A"),
		),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("Hướng dẫn", "https://example.org/hd")),
	)
	got, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if got.MessageID != 1 || got.Chat.ID != alice.ID || got.Chat.Type != "private" || got.From == nil || !got.From.IsBot || got.Date == 0 {
		t.Fatalf("result %+v", got)
	}
	if got.Text != "Lớp 6A: 38/42 & tăng" || len(got.Entities) != 1 || got.Entities[0].Type != "bold" || got.Entities[0].Length != 6 {
		t.Fatalf("text %q entities %+v", got.Text, got.Entities)
	}
	if got.ReplyMarkup == nil || len(got.ReplyMarkup.InlineKeyboard) != 2 {
		t.Fatalf("reply markup %+v", got.ReplyMarkup)
	}

	sent := srv.Sent(alice.ID)
	if len(sent) != 1 {
		t.Fatalf("Sent = %d", len(sent))
	}
	s := sent[0]
	want := [][]Button{{{Text: "Đúng", Data: "ok:6A"}, {Text: "Sai", Data: "no:6A"}}, {{Text: "Hướng dẫn", URL: "https://example.org/hd"}}}
	if s.Method != "sendMessage" || s.MessageID != 1 || s.ParseMode != "HTML" || s.Text != msg.Text || !reflect.DeepEqual(s.Buttons, want) {
		t.Fatalf("Sent[0] = %+v", s)
	}

	// Group chats get their own message ids and chat types.
	for _, tc := range []struct {
		chat int64
		typ  string
	}{{-42, "group"}, {-1001234567890, "supergroup"}} {
		m, err := api.Send(tgbotapi.NewMessage(tc.chat, "xin chào"))
		if err != nil || m.Chat.Type != tc.typ || m.MessageID != 1 {
			t.Fatalf("chat %d: %+v %v", tc.chat, m.Chat, err)
		}
	}
	if n := len(srv.AllSent()); n != 3 {
		t.Fatalf("AllSent = %d", n)
	}
}

func TestSendMessageValidation(t *testing.T) {
	_, api := newBot(t, Options{Limits: Limits{Disabled: true}})
	long := strings.Repeat("a", 4097)
	tests := []struct {
		name      string
		chat      int64
		text      string
		parseMode string
		markup    any
		code      int
		desc      string
	}{
		{name: "ok 4096", chat: 1, text: strings.Repeat("ă", 4096)},
		{name: "too long", chat: 1, text: long, code: 400, desc: "Bad Request: message is too long"},
		{name: "empty", chat: 1, text: "", code: 400, desc: "Bad Request: message text is empty"},
		{name: "zero chat", chat: 0, text: "x", code: 400, desc: "Bad Request: chat_id is empty"},
		{name: "html unclosed", chat: 1, text: "<b>x", parseMode: "HTML", code: 400, desc: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{name: "html bare lt", chat: 1, text: "3 < 4", parseMode: "HTML", code: 400, desc: "Bad Request: can't parse entities: Can't find end of the tag"},
		{name: "html bare amp", chat: 1, text: "A & B", parseMode: "HTML", code: 400, desc: "Bad Request: can't parse entities: Character '&'"},
		{name: "html ok", chat: 1, text: "3 &lt; 4 <i>x</i>", parseMode: "HTML"},
		{name: "html tags not counted", chat: 1, text: "<b>" + strings.Repeat("a", 4096) + "</b>", parseMode: "HTML"},
		{name: "bad parse mode", chat: 1, text: "x", parseMode: "XML", code: 400, desc: "Bad Request: unsupported parse_mode"},
		{name: "callback data too long", chat: 1, text: "x", markup: tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("b", strings.Repeat("d", 65)))), code: 400, desc: "Bad Request: BUTTON_DATA_INVALID"},
		{name: "reply keyboard", chat: 1, text: "x", markup: tgbotapi.NewReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButton("6A")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tgbotapi.NewMessage(tt.chat, tt.text)
			m.ParseMode = tt.parseMode
			m.ReplyMarkup = tt.markup
			_, err := api.Send(m)
			if tt.code == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			e := apiErr(t, err)
			if e.Code != tt.code || !strings.HasPrefix(e.Message, tt.desc) {
				t.Fatalf("got %d %q, want %d %q", e.Code, e.Message, tt.code, tt.desc)
			}
		})
	}
}

func TestSendPhotoAndDocument(t *testing.T) {
	srv, api := newBot(t, Options{})
	img := pngBytes(t, 40, 30)

	p := tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "chart.png", Bytes: img})
	p.Caption = "Bảng xếp hạng tuần 2025-W07"
	got, err := api.Send(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Photo) != 1 || got.Photo[0].Width != 40 || got.Photo[0].Height != 30 || got.Caption != p.Caption {
		t.Fatalf("photo result %+v", got)
	}

	csv := []byte("lop,ty_le\n6A,90\n")
	d := tgbotapi.NewDocument(alice.ID, tgbotapi.FileBytes{Name: "bao-cao.csv", Bytes: csv})
	d.Caption = "Báo cáo"
	gotDoc, err := api.Send(d)
	if err != nil {
		t.Fatal(err)
	}
	if gotDoc.Document == nil || gotDoc.Document.FileName != "bao-cao.csv" || gotDoc.Document.FileSize != len(csv) {
		t.Fatalf("document result %+v", gotDoc.Document)
	}

	sent := srv.Sent(alice.ID)
	if len(sent) != 2 {
		t.Fatalf("Sent = %d", len(sent))
	}
	if sent[0].Method != "sendPhoto" || !bytes.Equal(sent[0].Photo, img) || sent[0].FileName != "chart.png" || sent[0].Caption != p.Caption {
		t.Fatalf("photo record %+v", sent[0])
	}
	if sent[1].Method != "sendDocument" || !bytes.Equal(sent[1].Document, csv) || sent[1].FileName != "bao-cao.csv" || sent[1].MessageID != 2 {
		t.Fatalf("document record %+v", sent[1])
	}

	// Re-sending by file_id resolves the stored bytes.
	if _, err := api.Send(tgbotapi.NewDocument(bob.ID, tgbotapi.FileID(gotDoc.Document.FileID))); err != nil {
		t.Fatal(err)
	}
	if s := srv.Sent(bob.ID); len(s) != 1 || !bytes.Equal(s[0].Document, csv) || s[0].FileRef != gotDoc.Document.FileID {
		t.Fatalf("by file_id: %+v", s)
	}
}

func TestUploadErrors(t *testing.T) {
	_, api := newBot(t, Options{})
	tests := []struct {
		name string
		cfg  tgbotapi.Chattable
		desc string
	}{
		{name: "caption too long", cfg: func() tgbotapi.Chattable {
			p := tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "a.png", Bytes: pngBytes(t, 2, 2)})
			p.Caption = strings.Repeat("x", 1025)
			return p
		}(), desc: "Bad Request: message caption is too long"},
		{name: "not an image", cfg: tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "a.png", Bytes: []byte("not png")}), desc: "Bad Request: IMAGE_PROCESS_FAILED"},
		{name: "empty document", cfg: tgbotapi.NewDocument(alice.ID, tgbotapi.FileBytes{Name: "a.csv", Bytes: nil}), desc: "Bad Request: file must be non-empty"},
		{name: "unknown file id", cfg: tgbotapi.NewDocument(alice.ID, tgbotapi.FileID("nope")), desc: "Bad Request: wrong file identifier/HTTP URL specified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.Send(tt.cfg)
			e := apiErr(t, err)
			// tgbotapi v5.5.1 UploadFiles does not copy error_code into
			// Error.Code: uploads report Code 0 (only Message and
			// ResponseParameters are filled). Requests sent by file_id go
			// through MakeRequest and do carry the code.
			if e.Message != tt.desc || (e.Code != 0 && e.Code != 400) {
				t.Fatalf("got %d %q, want %q", e.Code, e.Message, tt.desc)
			}
		})
	}
}

func TestRateLimits(t *testing.T) {
	srv, api := newBot(t, Options{Limits: Limits{PrivateBurst: 1, GroupBurst: 2, GlobalPerSecond: 100}})

	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "1")); err != nil {
		t.Fatal(err)
	}
	_, err := api.Send(tgbotapi.NewMessage(alice.ID, "2"))
	e := apiErr(t, err)
	if e.Code != 429 || e.RetryAfter != 1 || e.Message != "Too Many Requests: retry after 1" {
		t.Fatalf("private 429: %+v", e)
	}
	// A plain tgbotapi.Error target does not match: the library returns a pointer.
	var byValue tgbotapi.Error
	if errors.As(err, &byValue) {
		t.Fatal("errors.As with a tgbotapi.Error value target unexpectedly matched")
	}

	// Uploads: RetryAfter is set but Code stays 0 (tgbotapi UploadFiles).
	_, err = api.Send(tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "a.png", Bytes: pngBytes(t, 1, 1)}))
	e = apiErr(t, err)
	if e.Code != 0 || e.RetryAfter < 1 || !strings.HasPrefix(e.Message, "Too Many Requests: retry after") {
		t.Fatalf("upload 429: %+v", e)
	}

	// Other chats are not affected; groups allow GroupBurst then one per 3 s.
	if _, err := api.Send(tgbotapi.NewMessage(bob.ID, "x")); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := api.Send(tgbotapi.NewMessage(-100, "g")); err != nil {
			t.Fatalf("group message %d: %v", i, err)
		}
	}
	_, err = api.Send(tgbotapi.NewMessage(-100, "g"))
	if e := apiErr(t, err); e.Code != 429 || e.RetryAfter != 3 {
		t.Fatalf("group 429: %+v", e)
	}

	// After retry_after the chat may send again.
	time.Sleep(1100 * time.Millisecond)
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "3")); err != nil {
		t.Fatalf("after retry_after: %v", err)
	}

	st := srv.Stats()
	if st.TooManyRequests != 3 || st.Messages != 5 || st.Calls["sendMessage"] != 7 || st.Calls["sendPhoto"] != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestGlobalRateLimit(t *testing.T) {
	srv, api := newBot(t, Options{Limits: Limits{GlobalPerSecond: 5}})
	var limited int
	for i := range 8 {
		_, err := api.Send(tgbotapi.NewMessage(int64(1000+i), "x"))
		if err != nil {
			if e := apiErr(t, err); e.Code != 429 || e.RetryAfter != 1 {
				t.Fatalf("%+v", e)
			}
			limited++
		}
	}
	if limited != 3 {
		t.Fatalf("limited = %d, want 3", limited)
	}
	if st := srv.Stats(); st.MaxGlobalPerSecond != 5 {
		t.Fatalf("MaxGlobalPerSecond = %d", st.MaxGlobalPerSecond)
	}

	// Limits can be raised at runtime (benchmarks run at 1000/s).
	srv.SetLimits(Limits{GlobalPerSecond: 1000, PrivatePerSecond: -1})
	if l := srv.CurrentLimits(); l.GlobalBurst != 1000 {
		t.Fatalf("limits %+v", l)
	}
	for i := range 50 {
		if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
	}
}

func TestChatFaults(t *testing.T) {
	srv, api := newBot(t, Options{Blocked: []int64{7}, ChatsNotFound: []int64{8}})
	srv.Deactivate(9)
	srv.Kick(-10)
	tests := []struct {
		chat int64
		code int
		desc string
	}{
		{7, 403, "Forbidden: bot was blocked by the user"},
		{8, 400, "Bad Request: chat not found"},
		{9, 403, "Forbidden: user is deactivated"},
		{-10, 403, "Forbidden: bot was kicked from the group chat"},
	}
	for _, tt := range tests {
		_, err := api.Send(tgbotapi.NewMessage(tt.chat, "x"))
		if e := apiErr(t, err); e.Code != tt.code || e.Message != tt.desc {
			t.Errorf("chat %d: %d %q, want %d %q", tt.chat, e.Code, e.Message, tt.code, tt.desc)
		}
	}
	srv.Block(alice.ID)
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "x")); apiErr(t, err).Code != 403 {
		t.Fatal("expected 403")
	}
	// Writing to the bot unblocks it, as on Telegram.
	srv.SendText(alice, alice.ID, "/start")
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
		t.Fatal(err)
	}
	srv.Unblock(8)
	if _, err := api.Send(tgbotapi.NewMessage(8, "x")); err != nil {
		t.Fatal(err)
	}
	if st := srv.Stats(); st.Forbidden != 4 || st.BadRequests != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestFailNext(t *testing.T) {
	srv, api := newBot(t, Options{})
	srv.FailNext(1, APIError{Code: 429, Description: "Too Many Requests: retry after 7", RetryAfter: 7})
	_, err := api.Send(tgbotapi.NewMessage(alice.ID, "x"))
	if e := apiErr(t, err); e.Code != 429 || e.RetryAfter != 7 {
		t.Fatalf("%+v", e)
	}
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
		t.Fatal(err)
	}
}

func TestServerErrors(t *testing.T) {
	srv, api := newBot(t, Options{FailRate5xx: 1})
	if _, err := api.GetMe(); err != nil {
		t.Fatalf("getMe is exempt from 5xx: %v", err)
	}
	for range 10 {
		_, err := api.Send(tgbotapi.NewMessage(alice.ID, "x"))
		e := apiErr(t, err)
		if (e.Code != 500 || e.Message != "Internal Server Error") && (e.Code != 502 || e.Message != "Bad Gateway") {
			t.Fatalf("%+v", e)
		}
	}
	if st := srv.Stats(); st.ServerErrors != 10 || st.Messages != 0 {
		t.Fatalf("stats %+v", st)
	}
	if len(srv.Sent(alice.ID)) != 0 {
		t.Fatal("a failed send was recorded")
	}

	srv.SetFailRate5xx(0.5)
	srv.SetLimits(Limits{Disabled: true})
	var ok, failed int
	for range 100 {
		if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
			failed++
		} else {
			ok++
		}
	}
	if ok < 20 || failed < 20 {
		t.Fatalf("ok %d failed %d at rate 0.5", ok, failed)
	}
	if len(srv.Sent(alice.ID)) != ok {
		t.Fatal("Sent does not match successes")
	}
}

func TestWebhook(t *testing.T) {
	type hit struct {
		secret string
		update tgbotapi.Update
	}
	var (
		mu    sync.Mutex
		hits  []hit
		calls int
	)
	got := make(chan struct{}, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusInternalServerError) // first attempt fails, retried
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		hits = append(hits, hit{r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), u})
		got <- struct{}{}
	}))
	defer hook.Close()

	srv, api := newBot(t, Options{WebhookBackoff: 10 * time.Millisecond})
	resp, err := api.MakeRequest("setWebhook", tgbotapi.Params{"url": hook.URL + "/hook", "secret_token": "s3cr3t-TOKEN_1"})
	if err != nil || resp.Description != "Webhook was set" {
		t.Fatalf("setWebhook: %+v %v", resp, err)
	}

	_, err = api.GetUpdates(tgbotapi.UpdateConfig{})
	if e := apiErr(t, err); e.Code != 409 || !strings.HasPrefix(e.Message, "Conflict: can't use getUpdates method while webhook is active") {
		t.Fatalf("getUpdates with webhook: %+v", e)
	}

	ids := []int{srv.SendText(alice, alice.ID, "a"), srv.SendText(alice, alice.ID, "b"), srv.PressButton(bob, bob.ID, 1, "ok")}
	for range ids {
		select {
		case <-got:
		case <-time.After(5 * time.Second):
			t.Fatal("webhook not called")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitConfirmed(ctx, ids[2]); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	for i, h := range hits {
		if h.secret != "s3cr3t-TOKEN_1" || h.update.UpdateID != ids[i] {
			t.Errorf("hit %d: secret %q update %d, want %d", i, h.secret, h.update.UpdateID, ids[i])
		}
	}
	if hits[2].update.CallbackQuery == nil || hits[2].update.CallbackQuery.Data != "ok" {
		t.Errorf("callback hit %+v", hits[2].update)
	}
	mu.Unlock()

	info, err := api.GetWebhookInfo()
	if err != nil || info.URL != hook.URL+"/hook" || info.PendingUpdateCount != 0 {
		t.Fatalf("info %+v %v", info, err)
	}
	if st := srv.Stats(); st.WebhookDeliveries != 3 || st.Conflicts != 1 {
		t.Fatalf("stats %+v", st)
	}

	if _, err := api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatal(err)
	}
	srv.SendText(alice, alice.ID, "c")
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 || ups[0].Message.Text != "c" {
		t.Fatalf("after deleteWebhook: %+v %v", ups, err)
	}
}

func TestWebhookGivesUp(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer hook.Close()
	srv, api := newBot(t, Options{WebhookAttempts: 3, WebhookBackoff: time.Millisecond})
	if _, err := api.MakeRequest("setWebhook", tgbotapi.Params{"url": hook.URL}); err != nil {
		t.Fatal(err)
	}
	id := srv.SendText(alice, alice.ID, "x")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitConfirmed(ctx, id); err != nil {
		t.Fatal(err)
	}
	info, _ := api.GetWebhookInfo()
	if st := srv.Stats(); st.WebhookFailures != 1 || !strings.Contains(info.LastErrorMessage, "503") {
		t.Fatalf("stats %+v info %+v", st, info)
	}
	_, err := api.MakeRequest("setWebhook", tgbotapi.Params{"url": hook.URL, "secret_token": "bad token!"})
	if e := apiErr(t, err); e.Code != 400 {
		t.Fatalf("%+v", e)
	}
}

func TestSetMyCommands(t *testing.T) {
	srv, api := newBot(t, Options{})
	def := tgbotapi.NewSetMyCommands(
		tgbotapi.BotCommand{Command: "start", Description: "Bắt đầu"},
		tgbotapi.BotCommand{Command: "help", Description: "Trợ giúp"},
	)
	if _, err := api.Request(def); err != nil {
		t.Fatal(err)
	}
	teacher := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeChat(alice.ID), "vi",
		tgbotapi.BotCommand{Command: "baocao", Description: "Gửi báo cáo lớp"})
	if _, err := api.Request(teacher); err != nil {
		t.Fatal(err)
	}
	admins := tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChatMember(-100, alice.ID),
		tgbotapi.BotCommand{Command: "xephang", Description: "Bảng xếp hạng"})
	if _, err := api.Request(admins); err != nil {
		t.Fatal(err)
	}

	cmds := srv.Commands()
	want := map[string][]BotCommand{
		"default":                  {{"start", "Bắt đầu"}, {"help", "Trợ giúp"}},
		"chat:42/vi":               {{"baocao", "Gửi báo cáo lớp"}},
		"chat_member:-100:42":      {{"xephang", "Bảng xếp hạng"}},
		ScopeKey("", 0, 0, "en"):   nil,
		ScopeKey("chat", 1, 0, ""): nil,
	}
	for k, v := range want {
		if v == nil {
			if _, ok := cmds[k]; ok {
				t.Errorf("unexpected scope %q", k)
			}
			continue
		}
		if !reflect.DeepEqual(cmds[k], v) {
			t.Errorf("scope %q = %+v, want %+v", k, cmds[k], v)
		}
	}
	got, err := api.GetMyCommands()
	if err != nil || len(got) != 2 || got[0].Command != "start" {
		t.Fatalf("GetMyCommands = %+v %v", got, err)
	}

	bad := tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Bao Cao", Description: "x"})
	if _, err := api.Request(bad); apiErr(t, err).Code != 400 {
		t.Fatal("invalid command accepted")
	}
	if _, err := api.Request(tgbotapi.NewDeleteMyCommands()); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Commands()["default"]; ok {
		t.Fatal("deleteMyCommands kept default scope")
	}
}

func TestCommandsCallbacksAndEdits(t *testing.T) {
	srv, api := newBot(t, Options{})
	srv.SendText(alice, alice.ID, "/start abc123")
	srv.SendText(alice, -100, "/baocao@bhyt_demo_bot 6A 42 30 8")
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 2 {
		t.Fatalf("%v %v", ups, err)
	}
	m := ups[0].Message
	if !m.IsCommand() || m.Command() != "start" || m.CommandArguments() != "abc123" {
		t.Fatalf("command %q args %q entities %+v", m.Command(), m.CommandArguments(), m.Entities)
	}
	g := ups[1].Message
	if g.Chat.Type != "group" || g.Command() != "baocao" || g.CommandArguments() != "6A 42 30 8" {
		t.Fatalf("group command %+v", g)
	}

	msg := tgbotapi.NewMessage(alice.ID, "Xác nhận?")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Có", "yes")))
	sent, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if sent.MessageID != 2 { // the user's /start was message 1 in this chat
		t.Fatalf("message id %d", sent.MessageID)
	}
	uid := srv.PressButton(alice, alice.ID, sent.MessageID, "yes")
	ups, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[1].UpdateID + 1})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != uid {
		t.Fatalf("%v %v", ups, err)
	}
	cq := ups[0].CallbackQuery
	if cq == nil || cq.Data != "yes" || cq.Message == nil || cq.Message.MessageID != sent.MessageID || cq.From.ID != alice.ID {
		t.Fatalf("callback %+v", cq)
	}
	if _, err := api.Request(tgbotapi.NewCallback(cq.ID, "Đã ghi nhận")); err != nil {
		t.Fatal(err)
	}
	if _, err := api.Request(tgbotapi.NewCallback(cq.ID, "again")); apiErr(t, err).Code != 400 {
		t.Fatal("second answer accepted")
	}
	if a := srv.CallbackAnswers(); len(a) != 1 || a[0].Text != "Đã ghi nhận" || a[0].UpdateID != uid {
		t.Fatalf("answers %+v", a)
	}

	edit := tgbotapi.NewEditMessageText(alice.ID, sent.MessageID, "Đã xác nhận")
	edited, err := api.Send(edit)
	if err != nil || edited.Text != "Đã xác nhận" || edited.EditDate == 0 {
		t.Fatalf("edit %+v %v", edited, err)
	}
	if _, err := api.Send(edit); !strings.Contains(apiErr(t, err).Message, "message is not modified") {
		t.Fatal("identical edit accepted")
	}
	if _, err := api.Send(tgbotapi.NewEditMessageText(alice.ID, 99, "x")); apiErr(t, err).Message != "Bad Request: message to edit not found" {
		t.Fatal("edit of missing message accepted")
	}
	recs := srv.Sent(alice.ID)
	if len(recs) != 2 || recs[1].Method != "editMessageText" || recs[1].MessageID != sent.MessageID || recs[1].Text != "Đã xác nhận" {
		t.Fatalf("records %+v", recs)
	}
}

func TestAllowedUpdates(t *testing.T) {
	srv, api := newBot(t, Options{})
	srv.SendText(alice, alice.ID, "dropped")
	id := srv.PressButton(alice, alice.ID, 1, "x")
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{"callback_query"}})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != id {
		t.Fatalf("%+v %v", ups, err)
	}
	// The filter persists until changed.
	srv.SendText(alice, alice.ID, "also dropped")
	if ups, _ := api.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1}); len(ups) != 0 {
		t.Fatalf("%+v", ups)
	}
	srv.SendText(alice, alice.ID, "kept")
	ups, _ = api.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1, AllowedUpdates: []string{}})
	if len(ups) != 1 || ups[0].Message.Text != "kept" {
		t.Fatalf("%+v", ups)
	}
}

// TestRawEncodings sends JSON bodies and query strings, as other clients do.
func TestRawEncodings(t *testing.T) {
	srv := New(Options{})
	defer srv.Close()
	base := srv.URL() + "/bot" + srv.Token() + "/"

	body := `{"chat_id": 42, "text": "<b>x</b>", "parse_mode": "HTML",
		"reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}}`
	resp, err := http.Post(base+"sendMessage", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		OK     bool    `json:"ok"`
		Result message `json:"result"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if !r.OK || r.Result.Text != "x" || r.Result.Chat.ID != 42 {
		t.Fatalf("%+v", r)
	}

	resp, err = http.Get(base + "sendMessage?" + url.Values{"chat_id": {"42"}, "text": {"q"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"text":"q"`) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}

	resp, err = http.Post(base+"sendMessage", "application/json", strings.NewReader("{bad"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("bad JSON: %d", resp.StatusCode)
	}

	sent := srv.Sent(42)
	if len(sent) != 2 || !reflect.DeepEqual(sent[0].Buttons, [][]Button{{{Text: "A", Data: "a"}}}) {
		t.Fatalf("%+v", sent)
	}
}

func TestWaitSentAndLatency(t *testing.T) {
	srv, api := newBot(t, Options{Latency: 50 * time.Millisecond})
	go func() {
		for i := range 3 {
			_, _ = api.Send(tgbotapi.NewMessage(-5, strings.Repeat("x", i+1)))
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	got, err := srv.WaitSent(ctx, -5, 3)
	if err != nil || len(got) != 3 {
		t.Fatalf("%d %v", len(got), err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("latency not applied: %v", d)
	}

	short, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := srv.WaitSent(short, -5, 4); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	srv.SetLatency(0)
}

// TestConcurrent hammers the server from many goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	srv, api := newBot(t, Options{Limits: Limits{Disabled: true}})
	const chats, per = 8, 20
	var wg sync.WaitGroup
	for c := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				if _, err := api.Send(tgbotapi.NewMessage(int64(c+1), "x")); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				srv.SendText(User{ID: int64(c + 100)}, int64(c+100), "hi")
				_ = srv.Stats()
				_ = srv.Sent(int64(c + 1))
			}
		}()
	}
	wg.Wait()
	for c := range chats {
		sent := srv.Sent(int64(c + 1))
		if len(sent) != per {
			t.Fatalf("chat %d: %d messages", c+1, len(sent))
		}
		seen := map[int]bool{}
		for _, s := range sent {
			if seen[s.MessageID] {
				t.Fatalf("duplicate message id %d", s.MessageID)
			}
			seen[s.MessageID] = true
		}
	}
	if srv.Pending() != chats*per {
		t.Fatalf("pending %d", srv.Pending())
	}
}
