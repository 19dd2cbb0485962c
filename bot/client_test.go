package bot

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bhytbot/bhytbot/bot/telegramtest"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func debugLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	const token = "987654:SECRET-token_value"
	srv := telegramtest.New(telegramtest.Options{Token: token})
	defer srv.Close()
	var logs syncBuffer
	log := debugLogger(&logs)

	// A refused connection: net/http puts the whole URL, token included, into the error.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/bot%s/%s"
	ln.Close()
	down, err := NewClient(token, dead, log)
	if err != nil {
		t.Fatal(err)
	}
	down.SetDebug(true)
	_, err1 := down.SendText(t.Context(), 1, "xin chào", nil)
	if err1 == nil {
		t.Fatal("send to a closed port succeeded")
	}
	_, err2 := down.GetUpdates(t.Context(), 0, 0)
	_, err3 := down.SendFile(t.Context(), 1, false, "a.txt", []byte("abc"), "tệp", nil)

	up, err := NewClient(token, srv.Endpoint(), log)
	if err != nil {
		t.Fatal(err)
	}
	up.SetDebug(true) // the library logs endpoints and responses
	if _, err := up.GetMe(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.ChatNotFound(5)
	_, err4 := up.SendText(t.Context(), 5, "xin chào", nil)

	for i, e := range []error{err1, err2, err3, err4} {
		if e == nil {
			t.Fatalf("error %d is nil", i)
		}
		if strings.Contains(e.Error(), token) || strings.Contains(e.Error(), "SECRET") {
			t.Errorf("error %d carries the token: %v", i, e)
		}
		if !strings.HasPrefix(e.Error(), "bot: ") {
			t.Errorf("error %d not prefixed: %v", i, e)
		}
		log.Error("call failed", "error", e)
	}
	if !strings.Contains(err1.Error(), redactedMark) {
		t.Errorf("network error should show the redacted URL: %v", err1)
	}
	var te *tgbotapi.Error
	if !errors.As(err4, &te) || te.Code != 400 {
		t.Errorf("redacted API error lost its *tgbotapi.Error: %#v", err4)
	}
	out := logs.String()
	if !strings.Contains(out, "telegram library") {
		t.Error("the library's log lines did not reach slog")
	}
	if strings.Contains(out, token) || strings.Contains(out, "SECRET") {
		t.Errorf("logs carry the token:\n%s", out)
	}
}

func TestRedactErrorForms(t *testing.T) {
	const token = "1:AB/C+D"
	for _, in := range []string{
		"Post http://x/bot1:AB/C+D/getMe: refused",
		"GET http://x/bot1:AB%2FC+D/x",
		"q=1%3AAB%2FC%2BD",
	} {
		got := redactError(errors.New(in), token).Error()
		if strings.Contains(got, "AB") {
			t.Errorf("redactError(%q) = %q", in, got)
		}
	}
	plain := errors.New("nothing secret")
	if redactError(plain, token) != plain {
		t.Error("an error without the token should be returned as is")
	}
}

func TestClassify(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Limits: telegramtest.Limits{Disabled: true}})
	defer srv.Close()
	c, err := NewClient(srv.Token(), srv.Endpoint(), nil)
	if err != nil {
		t.Fatal(err)
	}
	png := tinyPNG(t)
	tests := []struct {
		name  string
		fault telegramtest.APIError
		want  failure
		after time.Duration
	}{
		{"429", telegramtest.APIError{Code: 429, Description: "Too Many Requests: retry after 3", RetryAfter: 3}, failRetryAfter, 3 * time.Second},
		{"500", telegramtest.APIError{Code: 500, Description: "Internal Server Error"}, failTransient, 0},
		{"502", telegramtest.APIError{Code: 502, Description: "Bad Gateway"}, failTransient, 0},
		{"blocked", telegramtest.APIError{Code: 403, Description: "Forbidden: bot was blocked by the user"}, failGone, 0},
		{"deactivated", telegramtest.APIError{Code: 403, Description: "Forbidden: user is deactivated"}, failGone, 0},
		{"chat not found", telegramtest.APIError{Code: 400, Description: "Bad Request: chat not found"}, failGone, 0},
		{"bad html", telegramtest.APIError{Code: 400, Description: "Bad Request: can't parse entities"}, failPermanent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, upload := range []bool{false, true} {
				srv.FailNext(1, tt.fault)
				var err error
				if upload {
					_, err = c.SendFile(t.Context(), 9, true, "a.png", png, "", nil)
				} else {
					_, err = c.SendText(t.Context(), 9, "x", nil)
				}
				kind, after, _ := classify(err)
				if kind != tt.want || after != tt.after {
					t.Errorf("upload=%v: classify(%v) = %v, %v; want %v, %v", upload, err, kind, after, tt.want, tt.after)
				}
			}
		})
	}
}
