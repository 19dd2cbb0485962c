package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif"  // decode GIF photos
	_ "image/jpeg" // decode JPEG photos
	_ "image/png"  // decode PNG photos
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

type handlerFunc func(s *Server, ctx context.Context, req *request) (any, *APIError)

type methodDef struct {
	name   string
	handle handlerFunc
}

// methods maps lower-cased method names (the Bot API is case-insensitive)
// to handlers.
var methods = map[string]methodDef{}

func init() {
	for name, h := range map[string]handlerFunc{
		"getMe":                  (*Server).getMe,
		"getUpdates":             (*Server).getUpdates,
		"sendMessage":            (*Server).sendMessage,
		"sendPhoto":              (*Server).sendPhoto,
		"sendDocument":           (*Server).sendDocument,
		"editMessageText":        (*Server).editMessageText,
		"editMessageReplyMarkup": (*Server).editMessageReplyMarkup,
		"deleteMessage":          (*Server).deleteMessage,
		"sendChatAction":         (*Server).sendChatAction,
		"answerCallbackQuery":    (*Server).answerCallbackQuery,
		"setMyCommands":          (*Server).setMyCommands,
		"getMyCommands":          (*Server).getMyCommands,
		"deleteMyCommands":       (*Server).deleteMyCommands,
		"setWebhook":             (*Server).setWebhook,
		"deleteWebhook":          (*Server).deleteWebhook,
		"getWebhookInfo":         (*Server).getWebhookInfo,
	} {
		methods[strings.ToLower(name)] = methodDef{name: name, handle: h}
	}
}

const (
	maxTextLen    = 4096
	maxCaptionLen = 1024
	maxDataLen    = 64
)

func badRequest(format string, args ...any) *APIError {
	return &APIError{Code: 400, Description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func (s *Server) getMe(context.Context, *request) (any, *APIError) {
	return s.bot, nil
}

// chatID parses and checks the chat_id parameter.
func chatIDParam(p map[string]string) (int64, *APIError) {
	v, ok := p["chat_id"]
	if !ok || v == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id == 0 {
		return 0, errChatNotFound()
	}
	return id, nil
}

// chatFaultLocked returns the injected fault for a chat; s.mu must be held.
func (s *Server) chatFaultLocked(chatID int64) *APIError {
	if e := s.chatFaults[chatID]; e != nil {
		c := *e
		return &c
	}
	return nil
}

// gateLocked applies chat faults, FailNext and the rate limits to a
// rate-limited call; s.mu must be held.
func (s *Server) gateLocked(chatID int64, now time.Time) *APIError {
	if e := s.chatFaultLocked(chatID); e != nil {
		return e
	}
	if len(s.failNext) > 0 {
		e := s.failNext[0]
		s.failNext = s.failNext[1:]
		return &e
	}
	return s.admit(chatID, now)
}

// formatted is text or a caption after parse_mode processing.
type formatted struct {
	plain    string
	entities []entity
}

func parseFormatted(text, parseMode string) (formatted, *APIError) {
	switch strings.ToLower(parseMode) {
	case "":
		return formatted{plain: text}, nil
	case "html":
		plain, ents, err := parseHTML(text)
		if err != nil {
			return formatted{}, badRequest("can't parse entities: %s", err.Error())
		}
		return formatted{plain: plain, entities: ents}, nil
	case "markdown", "markdownv2":
		// Not validated: the project uses HTML.
		return formatted{plain: text}, nil
	default:
		return formatted{}, badRequest("unsupported parse_mode")
	}
}

type inlineButtonJSON struct {
	Text                         string  `json:"text"`
	CallbackData                 *string `json:"callback_data,omitempty"`
	URL                          string  `json:"url,omitempty"`
	SwitchInlineQuery            *string `json:"switch_inline_query,omitempty"`
	SwitchInlineQueryCurrentChat *string `json:"switch_inline_query_current_chat,omitempty"`
	LoginURL                     any     `json:"login_url,omitempty"`
	WebApp                       any     `json:"web_app,omitempty"`
	Pay                          bool    `json:"pay,omitempty"`
}

type replyMarkupJSON struct {
	InlineKeyboard [][]inlineButtonJSON `json:"inline_keyboard"`
	Keyboard       [][]json.RawMessage  `json:"keyboard"`
}

// markup is a parsed reply_markup parameter.
type markup struct {
	raw      string
	buttons  [][]Button
	keyboard [][]string
	inline   json.RawMessage // inline keyboard echoed in the Message result
}

var buttonURLSchemes = map[string]bool{"http": true, "https": true, "tg": true}

func parseMarkup(raw string) (markup, *APIError) {
	m := markup{raw: raw}
	if strings.TrimSpace(raw) == "" {
		return m, nil
	}
	var rm replyMarkupJSON
	if err := json.Unmarshal([]byte(raw), &rm); err != nil {
		return m, badRequest("can't parse reply keyboard markup JSON object")
	}
	if rm.InlineKeyboard != nil {
		for _, row := range rm.InlineKeyboard {
			var out []Button
			for _, b := range row {
				if b.Text == "" {
					return m, badRequest("BUTTON_TEXT_INVALID")
				}
				btn := Button{Text: b.Text, URL: b.URL}
				switch {
				case b.CallbackData != nil:
					if len(*b.CallbackData) == 0 || len(*b.CallbackData) > maxDataLen {
						return m, badRequest("BUTTON_DATA_INVALID")
					}
					btn.Data = *b.CallbackData
				case b.URL != "":
					u, err := url.Parse(b.URL)
					if err != nil || !buttonURLSchemes[strings.ToLower(u.Scheme)] {
						return m, badRequest("BUTTON_URL_INVALID")
					}
				case b.SwitchInlineQuery != nil, b.SwitchInlineQueryCurrentChat != nil,
					b.LoginURL != nil, b.WebApp != nil, b.Pay:
				default:
					return m, badRequest("text buttons are unallowed in the inline keyboard")
				}
				out = append(out, btn)
			}
			m.buttons = append(m.buttons, out)
		}
		inline, _ := json.Marshal(map[string]any{"inline_keyboard": rm.InlineKeyboard})
		m.inline = inline
	}
	for _, row := range rm.Keyboard {
		var out []string
		for _, b := range row {
			var txt string
			if json.Unmarshal(b, &txt) != nil {
				var obj struct {
					Text string `json:"text"`
				}
				if json.Unmarshal(b, &obj) != nil {
					return m, badRequest("can't parse reply keyboard markup JSON object")
				}
				txt = obj.Text
			}
			out = append(out, txt)
		}
		m.keyboard = append(m.keyboard, out)
	}
	return m, nil
}

// chatLocked describes a chat; s.mu must be held.
func (s *Server) chatLocked(id int64) chat {
	if id > 0 {
		c := chat{ID: id, Type: "private", FirstName: fmt.Sprintf("User %d", id)}
		if u, ok := s.users[id]; ok {
			c.FirstName, c.LastName, c.Username = u.FirstName, u.LastName, u.Username
		}
		return c
	}
	if id <= -1000000000000 {
		return chat{ID: id, Type: "supergroup", Title: fmt.Sprintf("Test supergroup %d", id)}
	}
	return chat{ID: id, Type: "group", Title: fmt.Sprintf("Test group %d", id)}
}

func (s *Server) botFrom() *User {
	return &User{ID: s.bot.ID, IsBot: true, FirstName: s.bot.FirstName, Username: s.bot.Username}
}

// newMessageLocked allocates the next message id in a chat; s.mu must be held.
func (s *Server) newMessageLocked(chatID int64, from *User, now time.Time) *message {
	s.nextMsgID[chatID]++
	m := &message{MessageID: s.nextMsgID[chatID], From: from, Chat: s.chatLocked(chatID), Date: now.Unix()}
	s.messages[msgKey{chatID, m.MessageID}] = m
	return m
}

// recordLocked stores a SentMessage and wakes waiters; s.mu must be held.
func (s *Server) recordLocked(sm SentMessage) {
	s.sent[sm.ChatID] = append(s.sent[sm.ChatID], sm)
	s.all = append(s.all, sm)
	s.signalLocked()
}

// textAndMarkup checks a message's text (entities, emptiness, length) and reply markup, as
// sendMessage and editMessageText do.
func textAndMarkup(p map[string]string) (formatted, markup, *APIError) {
	f, e := parseFormatted(p["text"], p["parse_mode"])
	if e != nil {
		return f, markup{}, e
	}
	if strings.TrimSpace(f.plain) == "" {
		return f, markup{}, badRequest("message text is empty")
	}
	if utf16Len(f.plain) > maxTextLen {
		return f, markup{}, badRequest("message is too long")
	}
	mk, e := parseMarkup(p["reply_markup"])
	return f, mk, e
}

func (s *Server) sendMessage(_ context.Context, req *request) (any, *APIError) {
	p := req.params
	chatID, e := chatIDParam(p)
	if e != nil {
		return nil, e
	}
	text := p["text"]
	f, mk, e := textAndMarkup(p)
	if e != nil {
		return nil, e
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.gateLocked(chatID, now); e != nil {
		return nil, e
	}
	m := s.newMessageLocked(chatID, s.botFrom(), now)
	m.Text, m.Entities, m.ReplyMarkup = f.plain, f.entities, mk.inline
	s.recordLocked(SentMessage{
		Method: req.method, ChatID: chatID, MessageID: m.MessageID, Text: text, ParseMode: p["parse_mode"],
		Buttons: mk.buttons, Keyboard: mk.keyboard, ReplyMarkup: mk.raw, Params: maps.Clone(p), Time: now,
	})
	return *m, nil
}

// fileParam resolves a photo/document parameter: an uploaded part, an
// "attach://name" reference, a known file_id or an http(s) URL.
func (s *Server) fileParam(req *request, field string) (up upload, ref string, e *APIError) {
	if f, ok := req.files[field]; ok {
		return f, "", nil
	}
	v := req.params[field]
	if v == "" {
		return upload{}, "", badRequest("there is no %s in the request", field)
	}
	if name, ok := strings.CutPrefix(v, "attach://"); ok {
		if f, ok := req.files[name]; ok {
			return f, "", nil
		}
		return upload{}, "", badRequest("wrong file identifier/HTTP URL specified")
	}
	if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
		return upload{}, v, nil
	}
	s.mu.Lock()
	sf, ok := s.files[v]
	s.mu.Unlock()
	if !ok {
		return upload{}, "", badRequest("wrong file identifier/HTTP URL specified")
	}
	return upload{name: sf.name, data: sf.data, mime: sf.mime}, v, nil
}

// storeFileLocked registers uploaded bytes under a new file_id; s.mu must be held.
func (s *Server) storeFileLocked(up upload) (id, unique string) {
	s.nextFile++
	id = fmt.Sprintf("FAKE-FILE-%06d", s.nextFile)
	s.files[id] = storedFile{data: up.data, name: up.name, mime: up.mime}
	return id, fmt.Sprintf("U%06d", s.nextFile)
}

func (s *Server) sendPhoto(ctx context.Context, req *request) (any, *APIError) {
	return s.sendFile(ctx, req, "photo")
}

func (s *Server) sendDocument(ctx context.Context, req *request) (any, *APIError) {
	return s.sendFile(ctx, req, "document")
}

func (s *Server) sendFile(_ context.Context, req *request, field string) (any, *APIError) {
	p := req.params
	chatID, e := chatIDParam(p)
	if e != nil {
		return nil, e
	}
	up, ref, e := s.fileParam(req, field)
	if e != nil {
		return nil, e
	}
	if ref == "" && len(up.data) == 0 {
		return nil, badRequest("file must be non-empty")
	}
	var w, h int
	if field == "photo" && up.data != nil {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(up.data))
		if err != nil {
			return nil, badRequest("IMAGE_PROCESS_FAILED")
		}
		w, h = cfg.Width, cfg.Height
	}
	caption := p["caption"]
	f, e := parseFormatted(caption, p["parse_mode"])
	if e != nil {
		return nil, e
	}
	if utf16Len(f.plain) > maxCaptionLen {
		return nil, badRequest("message caption is too long")
	}
	mk, e := parseMarkup(p["reply_markup"])
	if e != nil {
		return nil, e
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.gateLocked(chatID, now); e != nil {
		return nil, e
	}
	m := s.newMessageLocked(chatID, s.botFrom(), now)
	m.Caption, m.CaptionEntities, m.ReplyMarkup = f.plain, f.entities, mk.inline
	fileID, unique := ref, "U"+ref
	if up.data != nil && ref == "" {
		fileID, unique = s.storeFileLocked(up)
	}
	sm := SentMessage{
		Method: req.method, ChatID: chatID, MessageID: m.MessageID, ParseMode: p["parse_mode"],
		Buttons: mk.buttons, Keyboard: mk.keyboard, ReplyMarkup: mk.raw, FileName: up.name, FileRef: ref,
		Caption: caption, Params: maps.Clone(p), Time: now,
	}
	if field == "photo" {
		m.Photo = []photoSize{{FileID: fileID, FileUniqueID: unique, Width: w, Height: h, FileSize: len(up.data)}}
		sm.Photo = up.data
	} else {
		mt := up.mime
		if mt == "" || mt == "application/octet-stream" {
			mt = http.DetectContentType(up.data)
		}
		m.Document = &document{FileID: fileID, FileUniqueID: unique, FileName: up.name, MimeType: mt, FileSize: len(up.data)}
		sm.Document = up.data
	}
	s.recordLocked(sm)
	return *m, nil
}

// editTarget parses chat_id/message_id of an edit and rejects inline messages.
func editTarget(p map[string]string) (int64, int, *APIError) {
	if p["inline_message_id"] != "" {
		return 0, 0, badRequest("MESSAGE_ID_INVALID")
	}
	chatID, e := chatIDParam(p)
	if e != nil {
		return 0, 0, e
	}
	id, err := strconv.Atoi(p["message_id"])
	if err != nil || id <= 0 {
		return 0, 0, badRequest("message identifier is not specified")
	}
	return chatID, id, nil
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editMessageText(_ context.Context, req *request) (any, *APIError) {
	p := req.params
	chatID, id, e := editTarget(p)
	if e != nil {
		return nil, e
	}
	text := p["text"]
	f, mk, e := textAndMarkup(p)
	if e != nil {
		return nil, e
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.editableLocked(chatID, id)
	if e != nil {
		return nil, e
	}
	if m.Text == "" {
		return nil, badRequest("there is no text in the message to edit")
	}
	if m.Text == f.plain && entitiesEqual(m.Entities, f.entities) && bytes.Equal(m.ReplyMarkup, mk.inline) {
		return nil, badRequest(notModified)
	}
	if e := s.gateLocked(chatID, now); e != nil {
		return nil, e
	}
	m.Text, m.Entities, m.ReplyMarkup, m.EditDate = f.plain, f.entities, mk.inline, now.Unix()
	s.recordLocked(SentMessage{
		Method: req.method, ChatID: chatID, MessageID: id, Text: text, ParseMode: p["parse_mode"],
		Buttons: mk.buttons, ReplyMarkup: mk.raw, Params: maps.Clone(p), Time: now,
	})
	return *m, nil
}

// editableLocked returns the bot's own message id in chatID, for an edit; s.mu must be held.
func (s *Server) editableLocked(chatID int64, id int) (*message, *APIError) {
	if e := s.chatFaultLocked(chatID); e != nil {
		return nil, e
	}
	m := s.messages[msgKey{chatID, id}]
	if m == nil || m.From == nil || m.From.ID != s.bot.ID {
		return nil, badRequest("message to edit not found")
	}
	return m, nil
}

func (s *Server) editMessageReplyMarkup(_ context.Context, req *request) (any, *APIError) {
	p := req.params
	chatID, id, e := editTarget(p)
	if e != nil {
		return nil, e
	}
	mk, e := parseMarkup(p["reply_markup"])
	if e != nil {
		return nil, e
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.editableLocked(chatID, id)
	if e != nil {
		return nil, e
	}
	if bytes.Equal(m.ReplyMarkup, mk.inline) {
		return nil, badRequest(notModified)
	}
	if e := s.gateLocked(chatID, now); e != nil {
		return nil, e
	}
	m.ReplyMarkup, m.EditDate = mk.inline, now.Unix()
	s.recordLocked(SentMessage{
		Method: req.method, ChatID: chatID, MessageID: id, Buttons: mk.buttons, ReplyMarkup: mk.raw,
		Params: maps.Clone(p), Time: now,
	})
	return *m, nil
}

func entitiesEqual(a, b []entity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (s *Server) deleteMessage(_ context.Context, req *request) (any, *APIError) {
	p := req.params
	chatID, e := chatIDParam(p)
	if e != nil {
		return nil, e
	}
	id, err := strconv.Atoi(p["message_id"])
	if err != nil || id <= 0 {
		return nil, badRequest("message identifier is not specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.chatFaultLocked(chatID); e != nil {
		return nil, e
	}
	k := msgKey{chatID, id}
	if s.messages[k] == nil {
		return nil, badRequest("message to delete not found")
	}
	delete(s.messages, k)
	s.recordLocked(SentMessage{Method: req.method, ChatID: chatID, MessageID: id, Params: maps.Clone(p), Time: time.Now()})
	return true, nil
}

func (s *Server) sendChatAction(_ context.Context, req *request) (any, *APIError) {
	chatID, e := chatIDParam(req.params)
	if e != nil {
		return nil, e
	}
	if req.params["action"] == "" {
		return nil, badRequest("wrong parameter action in request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.chatFaultLocked(chatID); e != nil {
		return nil, e
	}
	return true, nil
}

func (s *Server) answerCallbackQuery(_ context.Context, req *request) (any, *APIError) {
	p := req.params
	id := p["callback_query_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	upd, ok := s.queries[id]
	if !ok {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	delete(s.queries, id)
	s.answers = append(s.answers, CallbackAnswer{
		QueryID: id, UpdateID: upd, Text: p["text"], ShowAlert: p["show_alert"] == "true", URL: p["url"], Time: time.Now(),
	})
	s.signalLocked()
	return true, nil
}

var (
	commandRe = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	langRe    = regexp.MustCompile(`^[a-z]{2}$`)
)

// scopeParam parses the scope and language_code parameters into a ScopeKey.
func scopeParam(p map[string]string) (string, *APIError) {
	var sc struct {
		Type   string      `json:"type"`
		ChatID json.Number `json:"chat_id"`
		UserID int64       `json:"user_id"`
	}
	if raw := p["scope"]; raw != "" {
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&sc); err != nil {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
	}
	chatID, _ := sc.ChatID.Int64()
	switch sc.Type {
	case "", "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
	case "chat", "chat_administrators":
		if chatID == 0 {
			return "", errChatNotFound()
		}
	case "chat_member":
		if chatID == 0 {
			return "", errChatNotFound()
		}
		if sc.UserID <= 0 {
			return "", badRequest("user not found")
		}
	default:
		return "", badRequest("unsupported bot command scope type")
	}
	lang := p["language_code"]
	if lang != "" && !langRe.MatchString(lang) {
		return "", badRequest("invalid language code specified")
	}
	return ScopeKey(sc.Type, chatID, sc.UserID, lang), nil
}

func (s *Server) setMyCommands(_ context.Context, req *request) (any, *APIError) {
	var cmds []BotCommand
	if err := json.Unmarshal([]byte(req.params["commands"]), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands specified")
	}
	for _, c := range cmds {
		if !commandRe.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Len(c.Description); n == 0 || n > 256 {
			return nil, badRequest("command description is empty or too long")
		}
	}
	key, e := scopeParam(req.params)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cmds) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = cmds
	}
	s.signalLocked()
	return true, nil
}

func (s *Server) getMyCommands(_ context.Context, req *request) (any, *APIError) {
	key, e := scopeParam(req.params)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]BotCommand{}, s.commands[key]...)
	return out, nil
}

func (s *Server) deleteMyCommands(_ context.Context, req *request) (any, *APIError) {
	key, e := scopeParam(req.params)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, key)
	s.signalLocked()
	return true, nil
}

// Commands returns the commands set with setMyCommands, keyed by ScopeKey
// (e.g. "default", "all_private_chats", "chat:-100123/vi").
func (s *Server) Commands() map[string][]BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]BotCommand, len(s.commands))
	for k, v := range s.commands {
		out[k] = append([]BotCommand(nil), v...)
	}
	return out
}

// CallbackAnswers returns the answerCallbackQuery calls so far, in order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CallbackAnswer(nil), s.answers...)
}

// Sent returns a copy of what the bot did in a chat, in order.
func (s *Server) Sent(chatID int64) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentMessage(nil), s.sent[chatID]...)
}

// AllSent returns a copy of what the bot did in all chats, in order.
func (s *Server) AllSent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentMessage(nil), s.all...)
}

// ClearSent forgets the records returned by Sent and AllSent (messages
// stay editable).
func (s *Server) ClearSent() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = map[int64][]SentMessage{}
	s.all = nil
	s.signalLocked()
}

// WaitSent waits until at least n records exist for chatID and returns them
// all. On ctx expiry or Close it returns what exists with the error.
func (s *Server) WaitSent(ctx context.Context, chatID int64, n int) ([]SentMessage, error) {
	for {
		s.mu.Lock()
		ok := len(s.sent[chatID]) >= n
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return s.Sent(chatID), nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return s.Sent(chatID), ctx.Err()
		case <-s.closed:
			return s.Sent(chatID), ErrClosed
		}
	}
}

// WaitAllSent waits until at least n records exist over all chats.
func (s *Server) WaitAllSent(ctx context.Context, n int) ([]SentMessage, error) {
	for {
		s.mu.Lock()
		ok := len(s.all) >= n
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return s.AllSent(), nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return s.AllSent(), ctx.Err()
		case <-s.closed:
			return s.AllSent(), ErrClosed
		}
	}
}
