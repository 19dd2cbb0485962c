package zalotest

import (
	"context"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxTextLen is the longest text (and caption) Zalo accepts, in characters.
const MaxTextLen = 2000

func badRequest(desc string) *APIError {
	return &APIError{Code: 400, Description: "Bad request: " + desc}
}

func (s *Server) getMe(*http.Request, map[string]string) (any, *APIError) { return s.bot, nil }

// chatLocked checks chat_id and the faults injected on it; s.mu must be held.
func (s *Server) chatLocked(p map[string]string) (string, *APIError) {
	id := p["chat_id"]
	if id == "" {
		return "", badRequest("chat_id is required")
	}
	if e := s.chatFaults[id]; e != nil {
		c := *e
		return "", &c
	}
	if s.strict && !s.known[id] {
		return "", s.errChatNotFound()
	}
	return id, nil
}

// gateLocked applies chat faults, FailNext and the quotas to a message; s.mu
// must be held.
func (s *Server) gateLocked(p map[string]string, now time.Time) (string, *APIError) {
	id, e := s.chatLocked(p)
	if e != nil {
		return "", e
	}
	if len(s.failNext) > 0 {
		f := s.failNext[0]
		s.failNext = s.failNext[1:]
		return "", &f
	}
	return id, s.admit(id, now)
}

func checkText(field, text string, required bool) *APIError {
	n := utf8.RuneCountInString(text)
	if (required && n == 0) || n > MaxTextLen {
		return badRequest(field + " must be 1 to 2000 characters")
	}
	if !utf8.ValidString(text) {
		return badRequest(field + " must be UTF-8")
	}
	return nil
}

// recordLocked stores what the bot sent and wakes waiters; s.mu must be held.
func (s *Server) recordLocked(m Sent) {
	s.sent[m.ChatID] = append(s.sent[m.ChatID], m)
	s.all = append(s.all, m)
	s.signalLocked()
}

func (s *Server) sendMessage(_ *http.Request, p map[string]string) (any, *APIError) {
	text := p["text"]
	if e := checkText("text", text, true); e != nil {
		return nil, e
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	chatID, e := s.gateLocked(p, now)
	if e != nil {
		return nil, e
	}
	id := s.newIDLocked()
	s.recordLocked(Sent{Method: "sendMessage", ChatID: chatID, MessageID: id, Text: text, Params: maps.Clone(p), Time: now})
	return sentResult{MessageID: id, Date: now.UnixMilli()}, nil
}

func (s *Server) sendPhoto(r *http.Request, p map[string]string) (any, *APIError) {
	photo := p["photo"]
	u, err := url.Parse(photo)
	if photo == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, badRequest("photo must be an image URL")
	}
	caption := p["caption"]
	if e := checkText("caption", caption, false); e != nil {
		return nil, e
	}
	now := time.Now()
	s.mu.Lock()
	chatID, e := s.gateLocked(p, now)
	s.mu.Unlock()
	if e != nil {
		return nil, e
	}
	data, ctype, ferr := s.fetchPhoto(r.Context(), photo)
	if ferr != nil {
		return nil, ferr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked()
	s.recordLocked(Sent{Method: "sendPhoto", ChatID: chatID, MessageID: id, PhotoURL: photo, Photo: data, PhotoType: ctype,
		Caption: caption, Params: maps.Clone(p), Time: now})
	return sentResult{MessageID: id, Date: now.UnixMilli()}, nil
}

// fetchPhoto downloads a sendPhoto URL the way Zalo does before delivering
// it: it must answer 2xx with an image/* content type.
func (s *Server) fetchPhoto(ctx context.Context, photo string) ([]byte, string, *APIError) {
	s.mu.Lock()
	s.stats.PhotoFetches++
	s.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, photo, nil)
	if err != nil {
		return nil, "", badRequest("photo must be an image URL")
	}
	resp, err := s.photoClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", errClientGone
		}
		return nil, "", badRequest("can't download the photo")
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, s.maxPhoto+1))
	if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, "", badRequest("can't download the photo")
	}
	if int64(len(data)) > s.maxPhoto {
		return nil, "", badRequest("the photo is too big")
	}
	ctype := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ctype)
	if !strings.HasPrefix(mt, "image/") || len(data) == 0 {
		return nil, "", badRequest("the photo URL does not serve an image")
	}
	return data, ctype, nil
}

func (s *Server) sendChatAction(_ *http.Request, p map[string]string) (any, *APIError) {
	action := p["action"]
	if action != "typing" && action != "upload_photo" {
		return nil, badRequest("action must be typing or upload_photo")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chatID, e := s.chatLocked(p)
	if e != nil {
		return nil, e
	}
	s.recordLocked(Sent{Method: "sendChatAction", ChatID: chatID, Action: action, Params: maps.Clone(p), Time: time.Now()})
	return nil, nil
}

// Sent returns a copy of what the bot did in a chat, in order.
func (s *Server) Sent(chatID string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent[chatID]...)
}

// Texts returns the texts of the sendMessage calls to a chat, in order.
func (s *Server) Texts(chatID string) []string {
	var out []string
	for _, m := range s.Sent(chatID) {
		if m.Method == "sendMessage" {
			out = append(out, m.Text)
		}
	}
	return out
}

// AllSent returns a copy of what the bot did in all chats, in order.
func (s *Server) AllSent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.all...)
}

// ClearSent forgets the records returned by Sent and AllSent.
func (s *Server) ClearSent() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = map[string][]Sent{}
	s.all = nil
	s.signalLocked()
}

// WaitSent waits until at least n records exist for chatID and returns them
// all. On ctx expiry or Close it returns what exists with the error.
func (s *Server) WaitSent(ctx context.Context, chatID string, n int) ([]Sent, error) {
	return s.wait(ctx, func() bool { return len(s.sent[chatID]) >= n }, func() []Sent { return s.Sent(chatID) })
}

// WaitAllSent waits until at least n records exist over all chats.
func (s *Server) WaitAllSent(ctx context.Context, n int) ([]Sent, error) {
	return s.wait(ctx, func() bool { return len(s.all) >= n }, s.AllSent)
}

// wait blocks until cond (called with s.mu held) holds.
func (s *Server) wait(ctx context.Context, cond func() bool, get func() []Sent) ([]Sent, error) {
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return get(), nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return get(), ctx.Err()
		case <-s.closed:
			return get(), ErrClosed
		}
	}
}
