package zalotest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type webhookState struct {
	url       string
	secret    string
	updatedAt int64
	cancel    context.CancelFunc
	done      chan struct{}
}

// SendText injects a text message (event message.text.received) from a user
// in the private chat with the bot (chat id = user id) and returns its
// message id.
func (s *Server) SendText(from User, text string) string {
	return s.SendEvent(from, Chat{ID: from.ID, ChatType: ChatPrivate}, EventText, Message{Text: text})
}

// SendGroupText injects a text message from a user in a group chat (Zalo's
// groups are in beta: the bot sees only mentions and replies to itself).
func (s *Server) SendGroupText(from User, groupID, text string) string {
	return s.SendEvent(from, Chat{ID: groupID, ChatType: ChatGroup}, EventText, Message{Text: text})
}

// SendImage injects an image message (message.image.received) in the user's
// private chat.
func (s *Server) SendImage(from User, photoURL, caption string) string {
	return s.SendEvent(from, Chat{ID: from.ID, ChatType: ChatPrivate}, EventImage, Message{Photo: photoURL, Caption: caption})
}

// SendSticker injects a sticker message (message.sticker.received) in the
// user's private chat.
func (s *Server) SendSticker(from User, sticker string) string {
	return s.SendEvent(from, Chat{ID: from.ID, ChatType: ChatPrivate}, EventSticker,
		Message{Sticker: sticker, URL: "https://stickers.zaloapp.com/" + sticker})
}

// SendEvent injects an update of any event (EventVoice, EventUnsupported, …)
// in chat; the fields of m other than from, chat, message_id and date are
// kept as given. It returns the message id. Writing to the bot makes the
// chat known (see Options.StrictChats).
func (s *Server) SendEvent(from User, chat Chat, event string, m Message) string {
	if from.DisplayName == "" {
		from.DisplayName = "User " + from.ID
	}
	if chat.ID == "" {
		chat.ID = from.ID
	}
	if chat.ChatType == "" {
		chat.ChatType = ChatPrivate
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m.MessageID = s.newIDLocked()
	m.Date = time.Now().UnixMilli()
	m.From, m.Chat = from, chat
	s.known[chat.ID] = true
	s.queue = append(s.queue, Update{EventName: event, Message: &m})
	s.signalLocked()
	return m.MessageID
}

// InjectRaw queues an update as given (for shapes the helpers do not make).
func (s *Server) InjectRaw(u Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.Message != nil {
		s.known[u.Message.Chat.ID] = true
	}
	s.queue = append(s.queue, u)
	s.signalLocked()
}

// Pending returns how many updates are neither read nor delivered.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// WaitDelivered waits until no update is pending (all read by getUpdates or
// POSTed to the webhook, delivered or dropped).
func (s *Server) WaitDelivered(ctx context.Context) error {
	for {
		s.mu.Lock()
		ok := len(s.queue) == 0 && s.inflight == 0
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closed:
			return ErrClosed
		}
	}
}

// pollTimeout reads getUpdates' timeout in seconds ("30" or 30).
func pollTimeout(p map[string]string) (time.Duration, *APIError) {
	v := strings.TrimSpace(p["timeout"])
	if v == "" {
		return DefaultPollTimeout, nil
	}
	n, err := strconv.Atoi(strings.Trim(v, `"`))
	if err != nil || n < 0 {
		return 0, badRequest("timeout must be a number of seconds")
	}
	return time.Duration(n) * time.Second, nil
}

// takeLocked removes and returns what one getUpdates answers: the first
// pending update, or with ArrayUpdates up to 100; s.mu must be held.
func (s *Server) takeLocked() []Update {
	n := 1
	if s.array {
		n = min(len(s.queue), 100)
	}
	n = min(n, len(s.queue))
	out := append([]Update(nil), s.queue[:n]...)
	s.queue = append([]Update(nil), s.queue[n:]...)
	if n > 0 {
		s.signalLocked()
	}
	return out
}

func (s *Server) getUpdates(r *http.Request, p map[string]string) (any, *APIError) {
	timeout, e := pollTimeout(p)
	if e != nil {
		return nil, e
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	s.mu.Lock()
	restart := s.restart
	s.mu.Unlock()
	for {
		s.mu.Lock()
		if s.webhook.url != "" {
			s.mu.Unlock()
			return nil, &APIError{Code: 400, Description: DescWebhookSet}
		}
		ups := s.takeLocked()
		ch := s.changed
		s.mu.Unlock()
		if len(ups) > 0 {
			if s.array {
				return ups, nil
			}
			return ups[0], nil
		}
		select {
		case <-ch:
		case <-timer.C:
			return nil, &APIError{Code: 408, Description: DescPollTimeout}
		case <-r.Context().Done():
			return nil, errClientGone
		case <-restart:
			return nil, errClientGone
		case <-s.closed:
			return nil, errClientGone
		}
	}
}

func (s *Server) setWebhook(_ *http.Request, p map[string]string) (any, *APIError) {
	raw := p["url"]
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Host == "" || (u.Scheme != "https" && !(s.allowHTTPWH && u.Scheme == "http")) {
		return nil, badRequest("url must be an HTTPS URL")
	}
	secret := p["secret_token"]
	if n := utf8.RuneCountInString(secret); n < 8 || n > 256 {
		return nil, badRequest("secret_token must be 8 to 256 characters")
	}
	s.whMu.Lock()
	defer s.whMu.Unlock()
	select {
	case <-s.closed:
		return nil, &APIError{Code: 500, Description: "Internal server error"}
	default:
	}
	s.stopWebhookLocked()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	now := time.Now().UnixMilli()
	s.mu.Lock()
	s.webhook = webhookState{url: raw, secret: secret, updatedAt: now, cancel: cancel, done: done}
	s.signalLocked() // pending long polls end with an error
	s.mu.Unlock()
	go s.deliver(ctx, done, raw, secret)
	return webhookResult{URL: raw, UpdatedAt: now}, nil
}

func (s *Server) deleteWebhook(*http.Request, map[string]string) (any, *APIError) {
	s.whMu.Lock()
	defer s.whMu.Unlock()
	s.stopWebhookLocked()
	now := time.Now().UnixMilli()
	s.mu.Lock()
	s.webhook.updatedAt = now
	s.signalLocked()
	s.mu.Unlock()
	return webhookResult{URL: "", UpdatedAt: now}, nil
}

func (s *Server) getWebhookInfo(*http.Request, map[string]string) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return webhookResult{URL: s.webhook.url, UpdatedAt: s.webhook.updatedAt}, nil
}

// WebhookURL returns the webhook URL set, or "".
func (s *Server) WebhookURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url
}

// stopWebhookLocked stops the delivery goroutine and clears the webhook;
// s.whMu must be held, s.mu must not.
func (s *Server) stopWebhookLocked() {
	s.mu.Lock()
	cancel, done := s.webhook.cancel, s.webhook.done
	s.webhook = webhookState{updatedAt: s.webhook.updatedAt}
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// deliver POSTs pending updates to the webhook in order, one at a time. An
// update is taken off the queue when its delivery starts; stopping the
// webhook mid-delivery puts it back in front.
func (s *Server) deliver(ctx context.Context, done chan struct{}, target, secret string) {
	defer close(done)
	for {
		s.mu.Lock()
		var next *Update
		if len(s.queue) > 0 {
			u := s.queue[0]
			next = &u
			s.queue = append([]Update(nil), s.queue[1:]...)
			s.inflight++
		}
		ch := s.changed
		s.mu.Unlock()
		if next == nil {
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return
			}
		}
		ok := s.post(ctx, target, secret, *next)
		s.mu.Lock()
		s.inflight--
		switch {
		case ctx.Err() != nil && !ok:
			s.queue = append([]Update{*next}, s.queue...)
		case ok:
			s.stats.WebhookDeliveries++
		default:
			s.stats.WebhookFailures++
		}
		s.signalLocked()
		s.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
	}
}

// post sends one update, retrying non-2xx answers with doubling backoff.
func (s *Server) post(ctx context.Context, target, secret string, u Update) bool {
	body, err := json.Marshal(apiResponse{OK: true, Result: u})
	if err != nil {
		return false
	}
	wait := s.whWait
	for attempt := 1; attempt <= s.whTries; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			return false
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Bot-Api-Secret-Token", secret)
		resp, err := s.whClient.Do(req)
		status := "no answer"
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				return true
			}
			status = resp.Status
		}
		s.log.Debug("zalotest: webhook delivery failed", "attempt", attempt, "status", status)
		if attempt == s.whTries {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false
		}
		wait *= 2
	}
	return false
}

// String describes an update for test failure messages.
func (u Update) String() string {
	if u.Message == nil {
		return u.EventName
	}
	return fmt.Sprintf("%s %s from %s in %s: %q", u.EventName, u.Message.MessageID, u.Message.From.ID, u.Message.Chat.ID, u.Message.Text)
}
