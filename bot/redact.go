package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// redactedMark replaces a token wherever it would be printed.
const redactedMark = "<redacted>"

// secrets holds every token a Client was made with, so the library's package-level logger
// can redact them all.
var secrets = struct {
	sync.RWMutex
	tokens map[string]bool
}{tokens: map[string]bool{}}

func registerSecret(token string) {
	if token == "" {
		return
	}
	secrets.Lock()
	secrets.tokens[token] = true
	secrets.Unlock()
}

// redactString removes every registered token (also in its URL-escaped forms) from s.
func redactString(s string) string {
	secrets.RLock()
	defer secrets.RUnlock()
	for tok := range secrets.tokens {
		s = redactToken(s, tok)
	}
	return s
}

func tokenForms(token string) []string {
	return []string{token, url.PathEscape(token), url.QueryEscape(token), strings.ReplaceAll(url.PathEscape(token), ":", "%3A")}
}

func redactToken(s, token string) string {
	if token == "" {
		return s
	}
	for _, form := range tokenForms(token) {
		s = strings.ReplaceAll(s, form, redactedMark)
	}
	return s
}

func containsToken(s, token string) bool {
	for _, form := range tokenForms(token) {
		if strings.Contains(s, form) {
			return true
		}
	}
	return false
}

// redactedError is an error whose text had the token removed. It unwraps to a sanitized
// chain, so errors.As still finds *tgbotapi.Error and errors.Is finds context errors.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err with token removed from its text and from the texts of the
// errors it wraps that carry URLs (*url.Error, which net/http returns with the full
// request URL, token included).
func redactError(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		inner := ue.Err
		if inner != nil && containsToken(inner.Error(), token) {
			inner = &redactedError{msg: redactToken(inner.Error(), token), err: errors.Unwrap(inner)}
		}
		clean := &url.Error{Op: ue.Op, URL: redactToken(ue.URL, token), Err: inner}
		if err == error(ue) {
			return clean
		}
		return &redactedError{msg: redactToken(err.Error(), token), err: clean}
	}
	if !containsToken(err.Error(), token) {
		return err
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		c := *te
		c.Message = redactToken(c.Message, token)
		return &redactedError{msg: redactToken(err.Error(), token), err: &c}
	}
	return &redactedError{msg: redactToken(err.Error(), token)}
}

// libraryLogger is the tgbotapi logger: it forwards the library's lines to slog at debug
// level with every known token removed.
type libraryLogger struct{}

// libraryLog is where libraryLogger writes; the library's logger is package-global, so
// the most recently created Client decides.
var libraryLog atomic.Pointer[slog.Logger]

func (libraryLogger) Println(v ...any) {
	libraryLog.Load().Debug("telegram library", "line", redactString(strings.TrimSuffix(fmt.Sprintln(v...), "\n")))
}

func (libraryLogger) Printf(format string, v ...any) {
	libraryLog.Load().Debug("telegram library", "line", redactString(strings.TrimSuffix(fmt.Sprintf(format, v...), "\n")))
}

var setLoggerOnce sync.Once

// installLibraryLogger makes the tgbotapi package log through logger, redacted.
func installLibraryLogger(logger *slog.Logger) {
	libraryLog.Store(logger)
	setLoggerOnce.Do(func() {
		_ = tgbotapi.SetLogger(libraryLogger{})
	})
}
