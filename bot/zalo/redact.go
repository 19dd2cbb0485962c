package zalo

import (
	"errors"
	"net/url"
	"strings"
)

// redactedMark replaces the token wherever it would be printed.
const redactedMark = "<redacted>"

func tokenForms(token string) []string {
	return []string{token, url.PathEscape(token), url.QueryEscape(token), strings.ReplaceAll(url.PathEscape(token), ":", "%3A")}
}

func redactToken(s, token string) string {
	for _, form := range tokenForms(token) {
		if form != "" {
			s = strings.ReplaceAll(s, form, redactedMark)
		}
	}
	return s
}

// redactedError is an error whose text had the token removed; it unwraps to
// what it wrapped, so errors.Is still finds context errors and net errors.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError removes the token from err's text. net/http returns a
// *url.Error carrying the full request URL, token included: its URL is
// rewritten and its inner error kept (redacted too if it quotes the URL).
func redactError(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		inner := ue.Err
		if inner != nil && redactToken(inner.Error(), token) != inner.Error() {
			inner = &redactedError{msg: redactToken(inner.Error(), token), err: errors.Unwrap(inner)}
		}
		clean := &url.Error{Op: ue.Op, URL: redactToken(ue.URL, token), Err: inner}
		if err == error(ue) {
			return clean
		}
		return &redactedError{msg: redactToken(err.Error(), token), err: clean}
	}
	if msg := redactToken(err.Error(), token); msg != err.Error() {
		return &redactedError{msg: msg, err: errors.Unwrap(err)}
	}
	return err
}
