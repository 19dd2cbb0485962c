package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// queuedUpdate is an update waiting for getUpdates or webhook delivery.
type queuedUpdate struct {
	id   int
	kind string // "message", "callback_query", ...
	raw  json.RawMessage
}

// defaultAllowed are the update types delivered when allowed_updates is
// unset or empty (Telegram leaves out chat_member and reactions).
var defaultAllowed = []string{
	"message", "edited_message", "channel_post", "edited_channel_post",
	"inline_query", "chosen_inline_result", "callback_query", "shipping_query",
	"pre_checkout_query", "poll", "poll_answer", "my_chat_member", "chat_join_request",
}

type webhookState struct {
	url         string
	secret      string
	allowed     []string
	maxConn     int
	lastErrDate int64
	lastErrMsg  string
	cancel      context.CancelFunc
	done        chan struct{}
}

func isAllowed(kind string, allowed []string) bool {
	if len(allowed) == 0 {
		allowed = defaultAllowed
	}
	return slices.Contains(allowed, kind)
}

// injectLocked queues an update; s.mu must be held.
func (s *Server) injectLocked(kind string, payload any) int {
	id := s.nextUpdateID
	s.nextUpdateID++
	p, err := json.Marshal(payload)
	if err != nil {
		p = []byte("{}")
	}
	raw, _ := json.Marshal(map[string]json.RawMessage{
		"update_id": json.RawMessage(strconv.Itoa(id)),
		kind:        p,
	})
	s.queue = append(s.queue, queuedUpdate{id: id, kind: kind, raw: raw})
	s.signalLocked()
	return id
}

var commandPrefix = regexp.MustCompile(`^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?`)

// SendText injects a text message from a user into chatID (the user's id
// for a private chat, a negative id for a group) and returns its update_id.
// A leading /command (also "/start PAYLOAD" and "/cmd@bot") gets a
// bot_command entity at offset 0, as Telegram does. Writing in a private
// chat clears a Block of that chat, as restarting a bot does on Telegram.
func (s *Server) SendText(from User, chatID int64, text string) int {
	if from.FirstName == "" {
		from.FirstName = fmt.Sprintf("User %d", from.ID)
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[from.ID] = from
	if chatID > 0 {
		if e := s.chatFaults[chatID]; e != nil && *e == *errBlocked() {
			delete(s.chatFaults, chatID)
		}
	}
	f := from
	m := s.newMessageLocked(chatID, &f, now)
	m.Text = text
	if loc := commandPrefix.FindStringIndex(text); loc != nil {
		m.Entities = []entity{{Type: "bot_command", Offset: 0, Length: utf16Len(text[:loc[1]])}}
	}
	return s.injectLocked("message", m)
}

// PressButton injects a callback_query as if from pressed an inline button
// with callback data on message messageID in chatID, and returns its
// update_id. The query id can be answered once with answerCallbackQuery.
func (s *Server) PressButton(from User, chatID int64, messageID int, data string) int {
	if from.FirstName == "" {
		from.FirstName = fmt.Sprintf("User %d", from.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[from.ID] = from
	var msg message
	if m := s.messages[msgKey{chatID, messageID}]; m != nil {
		msg = *m
	} else {
		msg = message{MessageID: messageID, From: s.botFrom(), Chat: s.chatLocked(chatID), Date: time.Now().Unix()}
	}
	qid := strconv.FormatInt(int64(s.nextUpdateID)*1000003+int64(from.ID%1000), 10)
	if s.idRestarts > 0 {
		// Query ids stay unique when update ids start again, as Telegram's are.
		qid = strconv.Itoa(s.idRestarts) + qid
	}
	s.queries[qid] = s.nextUpdateID
	return s.injectLocked("callback_query", callbackQuery{
		ID: qid, From: from, Message: &msg, ChatInstance: strconv.FormatInt(chatID*7919, 10), Data: data,
	})
}

// InjectUpdate queues an update of any kind (e.g. "my_chat_member") whose
// object is payload marshalled to JSON, and returns its update_id.
func (s *Server) InjectUpdate(kind string, payload any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.injectLocked(kind, payload)
}

// RestartIDs makes the next update ids start at first, as a Bot API server that was
// restarted without its state or replaced, or Telegram choosing new ids after a week
// without updates: updates not yet confirmed or delivered are forgotten (a server that
// lost its state lost them too) and WaitConfirmed counts from the new sequence. Offsets
// behave afterwards as before: one at most 10 above the next id confirms every update
// below it; one further above is in the future (see Options.StrictOffsets).
func (s *Server) RestartIDs(first int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpdateID = max(first, 1)
	s.idRestarts++
	s.queue = nil
	s.confirmedID = s.nextUpdateID - 1
	s.signalLocked()
}

// futureOffsetLocked reports whether a getUpdates offset is ahead of every update id, by the
// margin Telegram's Bot API server allows; s.mu must be held.
func (s *Server) futureOffsetLocked(offset int) bool {
	return offset > s.nextUpdateID+10
}

// Pending returns how many updates are neither confirmed nor delivered.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// WaitConfirmed waits until updateID is confirmed (a getUpdates offset
// above it) or delivered to the webhook (or dropped after failed attempts).
func (s *Server) WaitConfirmed(ctx context.Context, updateID int) error {
	for {
		s.mu.Lock()
		ok := s.confirmedID >= updateID
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

// confirmLocked forgets updates below offset; s.mu must be held.
func (s *Server) confirmLocked(offset int) {
	if offset < 0 {
		// Keep only the last -offset updates.
		if keep := -offset; len(s.queue) > keep {
			s.confirmedID = max(s.confirmedID, s.queue[len(s.queue)-keep-1].id)
			s.queue = slices.Clone(s.queue[len(s.queue)-keep:])
			s.signalLocked()
		}
		return
	}
	i := 0
	for i < len(s.queue) && s.queue[i].id < offset {
		i++
	}
	if i > 0 {
		// Drop the confirmed head without copying the rest each time (a burst of thousands
		// of queued updates made every confirmation copy them all); copy only once the
		// dropped head is most of the array, so its memory is given back.
		s.queue = s.queue[i:]
		if cap(s.queue) > 2*len(s.queue)+1024 {
			s.queue = slices.Clone(s.queue)
		}
	}
	if offset-1 > s.confirmedID {
		s.confirmedID = offset - 1
		s.signalLocked()
	}
}

// collectLocked returns up to limit pending updates of allowed types,
// dropping updates of other types; s.mu must be held.
func (s *Server) collectLocked(limit int) []json.RawMessage {
	out := make([]json.RawMessage, 0)
	kept := s.queue[:0]
	for _, u := range s.queue {
		if !isAllowed(u.kind, s.allowed) {
			continue
		}
		kept = append(kept, u)
		if len(out) < limit {
			out = append(out, u.raw)
		}
	}
	s.queue = kept
	return out
}

func intParam(p map[string]string, key string, def int) (int, *APIError) {
	v, ok := p[key]
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest("wrong parameter %s in request", key)
	}
	return n, nil
}

func allowedParam(p map[string]string) ([]string, bool, *APIError) {
	// tgbotapi sends "null" when AllowedUpdates is nil: keep the
	// previous setting, as for an absent parameter.
	raw := strings.TrimSpace(p["allowed_updates"])
	if raw == "" || raw == "null" {
		return nil, false, nil
	}
	var list []string
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, false, badRequest("can't parse allowed_updates JSON array")
	}
	return list, true, nil
}

var errWebhookActive = &APIError{Code: 409, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}

func (s *Server) getUpdates(ctx context.Context, req *request) (any, *APIError) {
	p := req.params
	offset, e := intParam(p, "offset", 0)
	if e != nil {
		return nil, e
	}
	limit, e := intParam(p, "limit", 100)
	if e != nil {
		return nil, e
	}
	limit = min(max(limit, 1), 100)
	timeout, e := intParam(p, "timeout", 0)
	if e != nil {
		return nil, e
	}
	allowed, setAllowed, e := allowedParam(p)
	if e != nil {
		return nil, e
	}

	s.mu.Lock()
	if s.webhook.url != "" {
		s.mu.Unlock()
		return nil, errWebhookActive
	}
	if setAllowed {
		s.allowed = allowed
	}
	// A newer getUpdates terminates an older pending one, as on Telegram.
	if s.pollKill != nil {
		close(s.pollKill)
	}
	kill := make(chan struct{})
	s.pollKill = kill
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.pollKill == kill {
			s.pollKill = nil
		}
		s.mu.Unlock()
	}()

	timer := time.NewTimer(time.Duration(max(timeout, 0)) * time.Second)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if s.webhook.url != "" {
			s.mu.Unlock()
			return nil, errWebhookActive
		}
		ups := make([]json.RawMessage, 0)
		switch {
		case !s.futureOffsetLocked(offset):
			s.confirmLocked(offset)
			ups = s.collectLocked(limit)
		case !s.strict:
			ups = s.collectLocked(limit) // the offset is ignored
		}
		ch, noLongPoll := s.changed, s.noLongPoll
		s.mu.Unlock()
		if len(ups) > 0 || timeout <= 0 || noLongPoll {
			return ups, nil
		}
		select {
		case <-ch:
		case <-timer.C:
			return make([]json.RawMessage, 0), nil
		case <-ctx.Done():
			return nil, errClientGone
		case <-s.closed:
			return make([]json.RawMessage, 0), nil
		case <-kill:
			s.mu.Lock()
			wh := s.webhook.url != ""
			s.mu.Unlock()
			if wh {
				return nil, errWebhookActive
			}
			return nil, &APIError{Code: 409, Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
	}
}

var secretRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (s *Server) setWebhook(_ context.Context, req *request) (any, *APIError) {
	p := req.params
	raw := p["url"]
	if raw == "" {
		return s.removeWebhook(p["drop_pending_updates"] == "true")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	secret := p["secret_token"]
	if secret != "" && !secretRe.MatchString(secret) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	allowed, _, e := allowedParam(p)
	if e != nil {
		return nil, e
	}
	maxConn, e := intParam(p, "max_connections", 40)
	if e != nil {
		return nil, e
	}

	s.whMu.Lock()
	defer s.whMu.Unlock()
	select {
	case <-s.closed:
		return nil, &APIError{Code: 500, Description: "Internal Server Error"}
	default:
	}
	s.stopWebhookLocked()
	s.mu.Lock()
	if p["drop_pending_updates"] == "true" {
		s.dropPendingLocked()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.webhook = webhookState{url: raw, secret: secret, allowed: allowed, maxConn: maxConn, cancel: cancel, done: done}
	if s.pollKill != nil {
		close(s.pollKill) // pending long polls end with a conflict
		s.pollKill = nil
	}
	s.signalLocked()
	s.mu.Unlock()
	go s.deliver(ctx, done, raw, secret, allowed)
	return withDescription{true, "Webhook was set"}, nil
}

func (s *Server) deleteWebhook(_ context.Context, req *request) (any, *APIError) {
	return s.removeWebhook(req.params["drop_pending_updates"] == "true")
}

func (s *Server) removeWebhook(drop bool) (any, *APIError) {
	s.whMu.Lock()
	defer s.whMu.Unlock()
	s.mu.Lock()
	was := s.webhook.url != ""
	s.mu.Unlock()
	s.stopWebhookLocked()
	s.mu.Lock()
	if drop {
		s.dropPendingLocked()
	}
	s.signalLocked()
	s.mu.Unlock()
	if !was {
		return withDescription{true, "Webhook is already deleted"}, nil
	}
	return withDescription{true, "Webhook was deleted"}, nil
}

func (s *Server) dropPendingLocked() {
	if n := len(s.queue); n > 0 {
		s.confirmedID = max(s.confirmedID, s.queue[n-1].id)
	}
	s.queue = nil
}

// stopWebhookLocked stops the delivery goroutine and clears the webhook;
// s.whMu must be held, s.mu must not.
func (s *Server) stopWebhookLocked() {
	s.mu.Lock()
	cancel, done := s.webhook.cancel, s.webhook.done
	s.webhook = webhookState{}
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

func (s *Server) getWebhookInfo(context.Context, *request) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := map[string]any{
		"url":                    s.webhook.url,
		"has_custom_certificate": false,
		"pending_update_count":   len(s.queue),
	}
	if s.webhook.url != "" {
		info["max_connections"] = s.webhook.maxConn
		if len(s.webhook.allowed) > 0 {
			info["allowed_updates"] = s.webhook.allowed
		}
		if s.webhook.lastErrDate != 0 {
			info["last_error_date"] = s.webhook.lastErrDate
			info["last_error_message"] = s.webhook.lastErrMsg
		}
	}
	return info, nil
}

// deliver POSTs queued updates to the webhook in order, one at a time.
func (s *Server) deliver(ctx context.Context, done chan struct{}, target, secret string, allowed []string) {
	defer close(done)
	for {
		s.mu.Lock()
		var next *queuedUpdate
		for len(s.queue) > 0 {
			if isAllowed(s.queue[0].kind, allowed) {
				u := s.queue[0]
				next = &u
				break
			}
			s.queue = s.queue[1:]
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
		ok, errMsg := s.post(ctx, target, secret, next.raw)
		if ctx.Err() != nil {
			return // stopped: the update stays queued
		}
		s.mu.Lock()
		if len(s.queue) > 0 && s.queue[0].id == next.id {
			s.queue = s.queue[1:]
		}
		s.confirmedID = max(s.confirmedID, next.id)
		if ok {
			s.stats.WebhookDeliveries++
		} else {
			s.stats.WebhookFailures++
			s.webhook.lastErrDate = time.Now().Unix()
			s.webhook.lastErrMsg = errMsg
		}
		s.signalLocked()
		s.mu.Unlock()
	}
}

// post sends one update, retrying non-2xx answers with doubling backoff.
func (s *Server) post(ctx context.Context, target, secret string, body []byte) (bool, string) {
	wait := s.whWait
	var last string
	for attempt := 1; attempt <= s.whTries; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			return false, "Wrong webhook URL"
		}
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := s.whClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				return true, ""
			}
			last = fmt.Sprintf("Wrong response from the webhook: %s", resp.Status)
		} else {
			last = "Connection refused"
			if strings.Contains(err.Error(), "timeout") {
				last = "Read timeout expired"
			}
		}
		s.log.Debug("telegramtest: webhook delivery failed", "attempt", attempt, "error", last)
		if attempt == s.whTries {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false, last
		}
		wait *= 2
	}
	return false, last
}
